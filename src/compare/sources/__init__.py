"""Open-data importers: real formats -> the workbench's canonical ``areas`` / ``population`` tables.

- :func:`load_network` -- one call: a network config (``data/networks/<name>.yml``) -> :class:`Network`
- :mod:`~compare.sources.catalog` -- the data catalog and :func:`fetch`
- :mod:`~compare.sources.paavo` -- Statistics Finland Paavo (PxWeb CSV 2012-2017, WFS table 2019)
- :mod:`~compare.sources.berlin` -- Berlin LOR population and geometry
- :mod:`~compare.sources.generic` -- any CSV / GeoPackage / GeoJSON / GeoParquet with a column mapping
"""

from compare.sources.berlin import read_lor_areas, read_lor_population
from compare.sources.catalog import Catalog, fetch, load_catalog, sha256_of
from compare.sources.generic import read_generic_areas, read_generic_population, read_table
from compare.sources.network import City, Network, load_network, network_record, read_network_config
from compare.sources.paavo import read_paavo_2019, read_postal_areas, read_pxweb_csv, read_pxweb_dir

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
