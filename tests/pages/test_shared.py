"""compare.pages.shared: a network's shared tables are computed once and read back exactly."""

from __future__ import annotations

import multiprocessing as mp
import os

import numpy as np
import pandas as pd
import pytest

from compare.pages.shared import SHARED_ENV, network_panel, shared_table, table_key


def _panel_like() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city": ["a", "a", "b"],
            "period": ["2015", "2016", "2015"],
            "value": [0.1234567890123, np.nan, 1 / 3],
            "n_areas": np.array([3, 4, 5], dtype="int64"),
            "note": [None, "too few areas", ""],
        }
    )


def test_without_the_variable_every_call_computes(monkeypatch):
    monkeypatch.delenv(SHARED_ENV, raising=False)
    calls = []
    for _ in range(2):
        shared_table("t", "k", lambda: calls.append(1) or _panel_like())
    assert len(calls) == 2


def test_a_shared_table_is_computed_once_and_reads_back_identical(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    calls = []
    first = shared_table("t", "k", lambda: calls.append(1) or _panel_like())
    again = shared_table("t", "k", lambda: calls.append(1) or _panel_like())
    assert len(calls) == 1
    pd.testing.assert_frame_equal(again, _panel_like(), check_exact=True)
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert again["note"].isna().tolist() == [True, False, False]
    assert again["note"].dtype == _panel_like()["note"].dtype
    # another key is another table
    shared_table("t", "other", lambda: calls.append(1) or _panel_like())
    assert len(calls) == 2


def test_a_table_that_does_not_read_back_identical_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    odd = pd.DataFrame({"x": pd.Series([1, "a"], dtype=object)})  # mixed objects: no exact parquet type
    calls = []
    shared_table("odd", "k", lambda: calls.append(1) or odd)
    shared_table("odd", "k", lambda: calls.append(1) or odd)
    assert len(calls) == 2 and not list(tmp_path.glob("odd-*.parquet"))


def test_an_object_column_comes_back_with_its_objects_or_is_not_shared(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    made = pd.DataFrame({"note": pd.Series(["x", "", np.nan], dtype=object)})
    shared_table("obj", "k", lambda: made)
    back = shared_table("obj", "k", lambda: pytest.fail("computed twice"))
    assert back["note"].dtype == object and list(map(repr, back["note"])) == ["'x'", "''", "nan"]
    with_none = pd.DataFrame({"note": pd.Series(["x", None], dtype=object)})
    first = shared_table("none", "k", lambda: with_none)
    again = shared_table("none", "k", lambda: with_none)
    assert list(map(repr, first["note"])) == list(map(repr, again["note"])) == ["'x'", "None"]


def test_an_unreadable_file_is_recomputed(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    (tmp_path / "t-k.parquet").write_bytes(b"not parquet")
    calls = []
    out = shared_table("t", "k", lambda: calls.append(1) or _panel_like())
    assert len(calls) == 1 and len(out) == 3


def _compute_in_child(folder, marker):
    os.environ[SHARED_ENV] = folder

    def make():
        with open(marker, "a") as fh:
            fh.write("x")
        import time

        time.sleep(0.5)  # long enough for the other process to be waiting on the lock
        return _panel_like()

    shared_table("t", "k", make)


def test_two_processes_asking_at_once_compute_it_once(tmp_path):
    marker = tmp_path / "computed"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_compute_in_child, args=(str(tmp_path), str(marker))) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0]
    assert marker.read_text() == "x"


def test_table_key_follows_content_not_identity():
    a = _panel_like()
    assert table_key(a, ["d"]) == table_key(a.copy(), ["d"])
    b = a.copy()
    b.loc[0, "value"] = 0.1234567890124
    assert table_key(b, ["d"]) != table_key(a, ["d"])
    assert table_key(a, ["d"]) != table_key(a, ["e"])


def test_table_key_follows_the_geometry_of_areas():
    """Areas enter the key by their CRS and each geometry's WKB: a moved boundary is another table."""
    from compare.synthetic import grid_city

    areas = grid_city(3, 3, seed=1).areas
    moved = areas.copy()
    moved.loc[moved.index[0], "geometry"] = moved.geometry.iloc[0].buffer(1.0)
    assert table_key(areas) == table_key(areas.copy())
    assert table_key(moved) != table_key(areas)
    assert table_key(areas.set_crs("EPSG:3067", allow_override=True)) != table_key(
        areas.set_crs("EPSG:3035", allow_override=True)
    )


@pytest.fixture(scope="module")
def vantaa():
    from compare.pages.city import load_city

    return load_city("helsinki-berlin", "vantaa")


def test_a_city_panel_is_the_network_panel_computed_for_the_city_alone(vantaa, monkeypatch, tmp_path):
    """Each row depends only on its city, period and definition: the city's own computation agrees."""
    from compare.indicators import compute_panel
    from compare.pages._common import TREND_INDICES

    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    a = vantaa
    pop = a.network.population
    years = {int(p[:4]) for p in a.periods}
    in_range = pop["period"].str.slice(0, 4).astype(int).between(min(years), max(years))
    keep = in_range & ((pop["city"] != a.city) | pop["period"].isin(a.periods))
    present = set(pop.loc[keep, "variable"].unique())
    defs = {k: g for k, g in a.network.group_definitions.items() if set(g.variables) & present}
    alone = compute_panel(pop[keep], defs, indices=list(TREND_INDICES))
    pd.testing.assert_frame_equal(a.panel, alone, check_exact=True)
    full = network_panel(a.network, TREND_INDICES)
    assert list(tmp_path.glob("panel-*.parquet")), "the network panel was written for the other reports"
    assert set(full["city"]) == set(pop["city"])


@pytest.mark.parametrize("shared", [False, True], ids=["computed-in-kernel", "read-from-shared-file"])
def test_profiles_of_a_city_and_its_peers_are_the_rows_of_the_network_table(
    vantaa, monkeypatch, tmp_path, shared
):
    """A report's multiscalar profiles equal latest_profiles computed for its cities alone (exactly)."""
    from compare.pages import segregation_change as W

    if shared:
        monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    else:
        monkeypatch.delenv(SHARED_ENV, raising=False)
    net = vantaa.network
    pop = net.population
    for city, peers in [("vantaa", ["helsinki", "espoo", "berlin"]), ("berlin", ["vantaa"])]:
        alone = W.latest_profiles(pop[pop["city"].isin([city, *peers])], net.definitions_for(city), net.areas)
        rows = W._profiles_of(net, [city, *peers], net.definitions_for(city))
        assert len(rows) and set(rows["city"]) <= {city, *peers}
        pd.testing.assert_frame_equal(rows, alone, check_exact=True)
    if shared:
        assert len(list(tmp_path.glob("profiles-*.parquet"))) == 1, "computed once, written for the others"
