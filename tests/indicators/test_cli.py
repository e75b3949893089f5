import pandas as pd
import pytest

from compare.cli import main
from compare.synthetic import grid_city


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    c = grid_city(6, 6, seed=3, periods=["2020", "2021"], suppressed_share=0.05)
    wide = c.wide.merge(c.areas[["area_id", "geometry"]], on="area_id")
    import geopandas as gpd

    path = tmp_path_factory.mktemp("cli") / "grid.gpkg"
    gpd.GeoDataFrame(wide, geometry="geometry", crs=3035).to_file(path)
    return path, c


def test_indices_command_writes_the_tidy_panel_from_a_geopackage(gpkg, tmp_path, capsys):
    path, c = gpkg
    out = tmp_path / "panel.csv"
    rc = main(
        [
            "indices",
            str(path),
            "--group",
            "group",
            "--total",
            "total",
            "--groups",
            "group,other",
            "--by",
            "city",
            "period",
            "--index",
            "dissimilarity,theil_h,morans_i",
            "--weights",
            "rook",
            "-o",
            str(out),
        ]
    )
    assert rc == 0
    p = pd.read_csv(out, dtype={"period": str})
    assert list(p.columns[:5]) == ["city", "period", "index", "group_definition", "value"]
    assert set(p["index"]) == {"dissimilarity", "theil_h", "morans_i"}
    assert len(p) == 6
    assert "6 rows" in capsys.readouterr().out


def test_indices_command_on_csv_with_ci(tmp_path):
    c = grid_city(5, 5, seed=1)
    src = tmp_path / "wide.csv"
    c.wide.to_csv(src, index=False)
    out = tmp_path / "p.csv"
    rc = main(
        [
            "indices",
            str(src),
            "--group",
            "group",
            "--total",
            "total",
            "--ci",
            "--n-boot",
            "30",
            "-o",
            str(out),
        ]
    )
    assert rc == 0
    p = pd.read_csv(out)
    assert {"ci_low", "ci_high"} <= set(p.columns)
    assert (p["ci_low"] <= p["ci_high"]).all()
    assert "morans_i" not in set(p["index"])  # no geometry in a CSV


def test_spatial_index_on_csv_exits_2_with_a_message(tmp_path, capsys):
    c = grid_city(3, 3, seed=1)
    src = tmp_path / "wide.csv"
    c.wide.to_csv(src, index=False)
    rc = main(
        [
            "indices",
            str(src),
            "--group",
            "group",
            "--total",
            "total",
            "--index",
            "morans_i",
            "-o",
            str(tmp_path / "x.csv"),
        ]
    )
    assert rc == 2
    assert "geometry" in capsys.readouterr().err


def test_missing_count_column_exits_2_naming_the_column(tmp_path, capsys):
    c = grid_city(3, 3, seed=1)
    src = tmp_path / "wide.csv"
    c.wide.to_csv(src, index=False)
    rc = main(["indices", str(src), "--group", "migrants", "--total", "total", "-o", str(tmp_path / "x.csv")])
    assert rc == 2
    assert "migrants" in capsys.readouterr().err
