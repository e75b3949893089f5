import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError
from compare.indicators import INDEX_FAMILY, INDICES, panel_from_wide
from compare.indicators._core import IndexSpec, stack
from compare.indicators.registry import INDEX_SPECS, index_spec


def test_every_index_is_described_once_with_its_family():
    assert list(INDEX_SPECS) == list(INDICES)
    assert {s.family for s in INDEX_SPECS.values()} == {"two-group", "multigroup", "spatial"}
    assert all(INDEX_FAMILY[n] == s.family for n, s in INDEX_SPECS.items())
    assert [n for n, s in INDEX_SPECS.items() if s.p_value is not None] == ["morans_i"]
    assert index_spec("atkinson").parameters == {"atkinson_b": "b"}


def test_unknown_family_and_unknown_name_are_refused():
    with pytest.raises(ValueError, match="unknown index family"):
        IndexSpec("x", "aspatial", lambda s: s)
    with pytest.raises(ConfigError, match="unknown index name"):
        index_spec("dissimilarityy")


def test_bound_parameter_reaches_the_kernel():
    df = pd.DataFrame({"x": [1.0, 5, 9], "t": [10.0, 10, 10]})
    s = stack(df, group="x", total="t")
    spec = index_spec("atkinson")
    a3 = spec.bind(atkinson_b=0.3)(s)[0]
    assert a3 == pytest.approx(spec.kernel(s, b=0.3)[0])
    assert a3 != pytest.approx(spec.bind(atkinson_b=0.5)(s)[0])
    p = panel_from_wide(df.assign(c="a"), group="x", total="t", by=["c"], indices="atkinson", atkinson_b=0.3)
    assert p["value"].iloc[0] == pytest.approx(a3)


def test_inference_does_not_import_the_panel():
    import ast
    import inspect

    import compare.indicators.inference as inf

    tree = ast.parse(inspect.getsource(inf))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    # no cycle, not even a lazy one: index_change lives in compare.indicators.change
    assert not imported & {"compare.indicators.panel", "compare.indicators.change"}
    assert not hasattr(inf, "index_change")


def test_spatial_family_needs_geometry_message_names_the_indices():
    df = pd.DataFrame({"c": ["a"] * 3, "x": [1.0, 5, 9], "t": [10.0, 10, 10]})
    with pytest.raises(Exception, match="morans_i"):
        panel_from_wide(df, group="x", total="t", by=["c"], indices="morans_i")
    assert np.isfinite(panel_from_wide(df, group="x", total="t", by=["c"])["value"]).all()
