"""The public API from the top level, imported lazily, and the import weight of every room.

Modelled on geopandas' ``test_no_additional_imports``: each room is imported in a fresh interpreter and must
not load the heavy libraries it does not need at import time (they load inside the functions that use them).
"""

import importlib
import json
import subprocess
import sys

import pytest

import compare

GEO = ("geopandas", "shapely", "pyproj", "pyogrio")
PLOT = ("matplotlib", "seaborn")
SCI = ("scipy", "statsmodels", "sklearn", "libpysal", "esda")
PIPE = ("papermill", "nbconvert", "nbclient", "dask", "distributed")
TABLES = ("numpy", "pandas")

#: room -> what importing it must not load
ROOMS = {
    "compare": GEO + PLOT + SCI + PIPE + TABLES + ("pydantic", "yaml"),
    "compare.errors": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.paths": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.files": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.schema": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.model": GEO + PLOT + SCI + PIPE,
    "compare.sources": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.sources.catalog": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.indicators": GEO + PLOT + PIPE + ("statsmodels", "sklearn", "libpysal", "esda"),
    "compare.governance": GEO + PLOT + SCI + PIPE,
    "compare.evaluation": GEO + PLOT + PIPE + ("libpysal", "esda"),
    "compare.qca": GEO + PLOT + SCI + PIPE,
    "compare.plots": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.pages": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.provenance": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.reports": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.reports._worker": GEO + PLOT + SCI + ("dask", "distributed") + TABLES,
    "compare.cli": GEO + PLOT + SCI + PIPE + TABLES,
    "compare.summary": GEO + PLOT + SCI + PIPE + TABLES,
}


def _loaded_after_import(module: str, candidates) -> list[str]:
    code = (
        f"import json, sys; import {module}; "
        f"print(json.dumps([m for m in {list(candidates)!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("module", sorted(ROOMS))
def test_no_additional_imports(module):
    loaded = _loaded_after_import(module, ROOMS[module])
    assert loaded == [], f"`import {module}` loads {loaded}; import them inside the functions that use them"


def test_the_weight_check_sees_a_heavy_import():
    """The check itself can fail: the module that reads a network does load geopandas."""
    assert _loaded_after_import("compare.sources.network", GEO) != []


def test_every_top_level_name_is_the_object_of_its_room():
    exports = compare._EXPORTS
    assert sorted(compare.__all__) == sorted([*exports, "__version__"])
    for name, module in exports.items():
        assert getattr(compare, name) is getattr(importlib.import_module(module), name), name
    assert set(exports) <= set(dir(compare))


def test_top_level_api_reads_a_network():
    from compare import Network, load_network

    net = compare.load_network("helsinki-berlin", cities=["vantaa"])
    assert isinstance(net, Network) and load_network is compare.sources.load_network
    assert set(net.population["city"]) == {"vantaa"}


def test_rooms_are_attributes_of_the_package():
    assert compare.indicators.dissimilarity is compare.dissimilarity
    assert compare.governance.load_profiles is compare.load_profiles


def test_an_unknown_name_is_an_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="module 'compare' has no attribute 'load_netwrok'"):
        compare.load_netwrok  # noqa: B018
    with pytest.raises(ImportError):
        from compare import no_such_name  # noqa: F401


def test_sources_names_are_lazy_but_the_same_objects():
    import compare.sources as sources
    from compare.sources.paavo import read_pxweb_csv

    assert sources.read_pxweb_csv is read_pxweb_csv
    assert sorted(sources.__all__) == sorted(sources._EXPORTS)
