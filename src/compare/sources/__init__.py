"""Open-data importers: real formats -> the workbench's canonical ``areas`` / ``population`` tables.

- :func:`load_network` -- one call: a network config (``data/networks/<name>.yml``) -> :class:`Network`
- :mod:`~compare.sources.catalog` -- the data catalog and :func:`fetch`
- :mod:`~compare.sources.paavo` -- Statistics Finland Paavo (PxWeb CSV 2012-2017, WFS table 2019)
- :mod:`~compare.sources.berlin` -- Berlin LOR population and geometry
- :mod:`~compare.sources.generic` -- any CSV / GeoPackage / GeoJSON / GeoParquet with a column mapping
"""

from typing import TYPE_CHECKING

from compare._lazy import attach

# public name -> the module that defines it, imported on first use (PEP 562): reading the catalog or
# checking a checksum does not load geopandas
_EXPORTS = {
    "read_lor_areas": "compare.sources.berlin",
    "read_lor_population": "compare.sources.berlin",
    "Catalog": "compare.sources.catalog",
    "fetch": "compare.sources.catalog",
    "load_catalog": "compare.sources.catalog",
    "sha256_of": "compare.sources.catalog",
    "read_generic_areas": "compare.sources.generic",
    "read_generic_population": "compare.sources.generic",
    "read_table": "compare.sources.generic",
    "City": "compare.sources.network",
    "Network": "compare.sources.network",
    "load_network": "compare.sources.network",
    "read_network_config": "compare.sources.network",
    "network_record": "compare.sources.network",
    "read_paavo_2019": "compare.sources.paavo",
    "read_postal_areas": "compare.sources.paavo",
    "read_pxweb_csv": "compare.sources.paavo",
    "read_pxweb_dir": "compare.sources.paavo",
}
__getattr__, __dir__, _ = attach(__name__, _EXPORTS)
__all__ = [
    "Catalog",
    "City",
    "Network",
    "fetch",
    "load_catalog",
    "load_network",
    "read_generic_areas",
    "read_generic_population",
    "read_lor_areas",
    "read_lor_population",
    "read_network_config",
    "network_record",
    "read_paavo_2019",
    "read_postal_areas",
    "read_pxweb_csv",
    "read_pxweb_dir",
    "read_table",
    "sha256_of",
]

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, eagerly
    from compare.sources.berlin import read_lor_areas, read_lor_population
    from compare.sources.catalog import Catalog, fetch, load_catalog, sha256_of
    from compare.sources.generic import read_generic_areas, read_generic_population, read_table
    from compare.sources.network import City, Network, load_network, network_record, read_network_config
    from compare.sources.paavo import read_paavo_2019, read_postal_areas, read_pxweb_csv, read_pxweb_dir
