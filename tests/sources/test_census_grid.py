"""Census 2021 1 km grid reader and urban-centre delineation."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from compare.errors import ConfigError, DataError
from compare.model import ImportReport
from compare.sources import census_grid as cg
from compare.sources.urban_centres import centre_at, delineate_urban_centres


@pytest.fixture(scope="module")
def grid_folder(raw_data):
    return raw_data / "europe-census-2021-grid" / "1000"


def _write_tile(folder, tx, ty, rows):
    """A synthetic tile: every count column from `rows` (dicts), flags default 0."""
    cols = {"x": [], "y": []}
    for c in cg.GRID_VARIABLES:
        cols[c], cols[f"{c}_CI"] = [], []
    for r in rows:
        for k in cols:
            cols[k].append(r.get(k, 0))
    cols["LAND_SURFACE"] = [1.0] * len(rows)
    p = folder / str(tx) / f"{ty}.parquet"
    p.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols), p)
    return p


def test_reader_reproduces_every_tile_count(grid_folder):
    tiles = cg.tile_paths(grid_folder)
    assert len(tiles) == 149
    total = 0.0
    for tx, ty, p in tiles:
        raw = pq.read_table(p).to_pandas()
        t = cg.read_tile(p)
        assert len(t) == len(raw)
        # coordinates: lower-left corner from the tile and the position in it
        assert (t["easting"].to_numpy() == (tx * 256 + raw["x"].to_numpy()) * 1000).all()
        assert (t["northing"].to_numpy() == (ty * 256 + raw["y"].to_numpy()) * 1000).all()
        for col, var in cg.GRID_VARIABLES.items():
            flagged = raw[f"{col}_CI"].to_numpy() != 0
            if col == "EMP":  # zero employed among >= 10 unflagged residents aged 15-64: not published
                age = raw["Y_1564"].where(raw["Y_1564_CI"] == 0).to_numpy()
                flagged |= (raw["EMP"].to_numpy() == 0) & (age >= cg.UNPUBLISHED_MIN_AGE_15_64)
            assert t[var].isna().to_numpy().tolist() == flagged.tolist(), (p, col)
            assert t[var].sum() == raw.loc[~flagged, col].sum(), (p, col)
        total += t["population"].sum()
    # 455,671,735 people in the tiles minus the values of cells whose total is flagged
    assert total == 455_606_843


def test_flagged_value_never_enters_as_zero(tmp_path):
    p = _write_tile(
        tmp_path, 3, 4,
        [
            {"x": 0, "y": 0, "T": 10, "NAT": 0, "NAT_CI": 1, "EU_OTH": 4, "OTH": 6},
            {"x": 1, "y": 0, "T": 5, "NAT": 5, "OTH": 7, "OTH_CI": 1},  # a value under a flag: ignored
        ],
    )  # fmt: skip
    rep = ImportReport("grid")
    t = cg.read_tile(p, report=rep)
    assert np.isnan(t.loc[0, "born_in_country"])
    assert np.isnan(t.loc[1, "born_outside_eu"])
    # derived variables are missing where a part is
    assert np.isnan(t.loc[0, "population_by_birth"]) and t.loc[0, "born_abroad"] == 10
    assert np.isnan(t.loc[1, "born_abroad"])
    assert rep.suppressed == 2
    long = cg.grid_population(t, "c")
    assert not ((long["variable"] == "born_in_country") & (long["count"] == 0)).any()
    conf = cg.confidential_counts(t).set_index("variable")["confidential"]
    assert conf["born_in_country"] == 1 and conf["born_outside_eu"] == 1 and conf["population"] == 0


def test_cell_coordinates_and_id(tmp_path):
    p = _write_tile(tmp_path, 17, 12, [{"x": 3, "y": 250, "T": 1}])
    t = cg.read_tile(p)
    assert (t.loc[0, "easting"], t.loc[0, "northing"]) == ((17 * 256 + 3) * 1000, (12 * 256 + 250) * 1000)
    assert t.loc[0, "cell_id"] == "CRS3035RES1000mN3322000E4355000"
    assert t.loc[0, "x_centre"] == 4355500.0


def test_bad_tiles_are_refused_with_location(tmp_path):
    p = _write_tile(tmp_path, 1, 1, [{"x": 300, "y": 0, "T": 1}])
    with pytest.raises(DataError, match="outside the tile") as e:
        cg.read_tile(p)
    assert "1/1.parquet" in str(e.value)
    p = _write_tile(tmp_path, 1, 2, [{"x": 1, "y": 1, "T": -3}])
    with pytest.raises(DataError, match="count"):
        cg.read_tile(p)
    p = _write_tile(tmp_path, 1, 3, [{"x": 1, "y": 1}, {"x": 1, "y": 1}])
    with pytest.raises(DataError, match="duplicate cell"):
        cg.read_tile(p)
    bad = tmp_path / "x" / "tile.parquet"
    bad.parent.mkdir()
    pq.write_table(pa.table({"x": [0]}), bad)
    with pytest.raises(DataError, match="tile"):
        cg.read_tile(bad)


def test_unknown_flag_is_taken_as_confidential_and_noted(tmp_path):
    p = _write_tile(tmp_path, 2, 2, [{"x": 0, "y": 0, "T": 9, "CHG_OUT": 3, "CHG_OUT_CI": -9986}])
    rep = ImportReport("g")
    t = cg.read_tile(p, report=rep)
    assert np.isnan(t.loc[0, "moved_from_abroad"])
    assert "unexpected confidentiality flag" in rep.notes[0]


def test_birth_parts_add_up_to_the_total_where_none_is_flagged(grid_folder):
    # tile 14/9 (western Europe) publishes additive counts: NAT + EU_OTH + OTH == T exactly
    t = cg.read_tile(grid_folder / "14" / "9.parquet")
    ok = t[["population", "born_in_country", "born_other_eu", "born_outside_eu"]].notna().all(axis=1)
    assert ok.sum() > 40_000
    parts = t["born_in_country"] + t["born_other_eu"] + t["born_outside_eu"]
    assert (parts[ok] == t.loc[ok, "population"]).all()
    # the Helsinki tile is perturbed (cell-key method): parts differ from T by a few persons, which is
    # why the grid's group definitions use the sum of the parts as their total
    h = cg.read_tile(grid_folder / "19" / "16.parquet")
    ok = h[["population", "population_by_birth"]].notna().all(axis=1)
    diff = (h["population"] - h["population_by_birth"])[ok]
    assert (diff != 0).mean() > 0.2
    assert cg.GRID_GROUP_DEFINITIONS["born_abroad"].total == "population_by_birth"


def test_employment_definition_leaves_out_cells_where_employed_exceed_working_age():
    t = pd.DataFrame(
        {"employed": [5.0, 12.0, np.nan], "age_15_64": [10.0, 10.0, 10.0],
         "born_other_eu": [0.0] * 3, "born_outside_eu": [0.0] * 3, "born_in_country": [1.0] * 3,
         "age_under_15": [1.0] * 3, "age_65_plus": [1.0] * 3}
    )  # fmt: skip
    cg._derive(t)
    assert t["employed_within_15_64"].tolist()[:1] == [5.0]
    assert t["employed_within_15_64"].isna().tolist() == [False, True, True]
    assert t["not_employed_15_64"].tolist()[0] == 5.0
    assert "all ages" in cg.GRID_GROUP_DEFINITIONS["employment_15_64"].label


def _cells(grid):
    """Cells of a hand-drawn grid: rows from north to south, values = inhabitants."""
    a = np.asarray(grid, dtype=float)
    rows, cols = np.nonzero(a > 0)
    return pd.DataFrame(
        {"easting": cols * 1000, "northing": (a.shape[0] - 1 - rows) * 1000, "population": a[rows, cols]}
    )


def test_urban_centre_of_a_small_grid_by_hand():
    D = 10_000  # dense cells: 10,000 inhabitants
    grid = [
        [D, D, D, D, 0, 0, 0],
        [D, 0, 0, D, 0, 0, 0],  # a 2-cell hole inside the ring: filled (< 15 km2)
        [D, D, D, D, 900, 0, D],  # 900: sparse cell next to the ring, not dense; D at the far right is
        [0, 0, 0, D, 0, D, 0],  # only diagonally connected to the next D -> its own cluster of 10,000
        [0, 0, 0, 0, 0, 0, 0],
    ]
    uc = delineate_urban_centres(_cells(grid), countries=False)
    # by hand: the ring is 11 dense cells (4-connected), 110,000 inhabitants >= 50,000 -> one centre.
    # The cell at (row 3, col 5) touches the ring only diagonally -> its own cluster, dropped (10,000).
    # Gap filling adds the 2 empty hole cells (no population, not in the cell table).
    # Smoothing: cell (row 2, col 4) (900 inhabitants) has 3 of 8 neighbours in the centre -> stays out.
    assert len(uc.centres) == 1
    c = uc.centres.iloc[0]
    assert c["population"] == 110_000 and c["cells"] == 11 and c["area_km2"] == 13
    assert uc.cells.notna().sum() == 11


def test_majority_rule_adds_a_notched_cell():
    D = 10_000
    grid = [
        [D, D, D],
        [D, 100, D],  # 8 of 8 neighbours in the centre -> added (hole filling does it first)
        [D, D, D],
    ]
    uc = delineate_urban_centres(_cells(grid), countries=False)
    assert uc.centres.iloc[0]["population"] == 80_100
    # a corner cell of the block:
    grid = [
        [D, D, 100],
        [D, D, D],
        [D, D, D],
    ]
    uc = delineate_urban_centres(_cells(grid), countries=False)
    # the corner (row 0, col 2) has neighbours (0,1), (1,1), (1,2) in the centre: only 3 of 8 (edge
    # of the raster) -> not added
    assert uc.centres.iloc[0]["population"] == 80_000
    grid = [
        [0, D, D, D, 0],
        [D, D, 100, D, D],  # notch (1, 2): neighbours (0,1),(0,2),(0,3),(1,1),(1,3),(2,1),(2,2),(2,3) -> 8
        [0, D, D, D, 0],
    ]
    uc = delineate_urban_centres(_cells(grid), countries=False)
    assert uc.centres.iloc[0]["population"] == 10 * D + 100


def test_clusters_below_50000_and_diagonal_links_are_not_centres():
    D = 10_000
    grid = [[D, 0, D], [0, D, 0], [D, 0, D]]  # five dense cells, only diagonal contacts
    uc = delineate_urban_centres(_cells(grid), countries=False)
    assert len(uc.centres) == 0
    grid = [[D, D, D, D]]  # 40,000 < 50,000
    assert len(delineate_urban_centres(_cells(grid), countries=False).centres) == 0


def test_density_is_per_km2_of_land():
    cells = pd.DataFrame(
        {"easting": [0, 1000, 2000, 3000, 4000, 5000], "northing": [0] * 6,
         "population": [20_000.0] * 5 + [1000.0], "land_share": [1.0] * 5 + [0.5]}
    )  # fmt: skip
    uc = delineate_urban_centres(cells, countries=False)
    # 1,000 people on half a km2 of land = 2,000 per km2 of land -> dense
    assert uc.centres.iloc[0]["population"] == 101_000


def test_point_outside_any_centre_names_the_nearest():
    D = 10_000
    cells = _cells([[D, D, D, D, D, D]])
    uc = delineate_urban_centres(cells, countries=False)
    with pytest.raises(ConfigError, match="nearest is UC0001"):
        centre_at(uc, cells, 20.0, 40.0)


def test_the_centre_of_a_point_is_found_once_then_read_from_its_memo(monkeypatch):
    """centre_containing keeps its answer beside the cells cache: the second ask reads no cell."""
    from compare.sources import grid_city

    lille = (3.0573, 50.6292)
    uc, cells = grid_city.europe_centres()
    expected = centre_at(uc, cells, *lille)
    assert grid_city.centre_containing(*lille) == expected
    memo = list(grid_city.raw_dir().joinpath(".cache").glob("centre-of-point-*.json"))
    assert len(memo) == 1

    def no_cells(raw=None):
        raise AssertionError("the grid was read again")

    monkeypatch.setattr(grid_city, "europe_centres", no_cells)
    assert grid_city.centre_containing(*lille) == expected
    # a point in no centre is refused with the nearest centre named, and never kept
    monkeypatch.undo()
    with pytest.raises(ConfigError, match="lies in no urban centre"):
        grid_city.centre_containing(0.0, 0.0)
    assert "0.0,0.0" not in memo[0].read_text()
