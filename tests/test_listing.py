"""The listing commands a new user starts from: networks, data sets, variables and definitions, indices."""

from __future__ import annotations

import pytest

from compare.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_networks_lists_every_shipped_network_with_its_cities(capsys):
    code, out, _ = _run(capsys, "networks")
    assert code == 0
    assert "helsinki-berlin: Area-based governance" in out
    assert "4 cities, lead city vantaa: vantaa, helsinki, espoo, berlin" in out
    assert "joining-forces" in out and "segregation-network" in out


def test_an_invalid_network_file_is_listed_with_its_error_not_hidden(capsys, tmp_path, monkeypatch):
    import shutil

    from compare.paths import data_dir

    root = tmp_path / "home"
    shutil.copytree(data_dir(), root / "data", ignore=shutil.ignore_patterns("raw"))
    (root / "data" / "networks" / "broken.yml").write_text("name: broken\ncities: 5\n")
    monkeypatch.setenv("COMPARE_HOME", str(root))
    code, out, _ = _run(capsys, "networks")
    assert code == 1
    assert "broken: INVALID:" in out and "cities" in out
    assert "helsinki-berlin:" in out


def test_data_list_names_publisher_licence_and_state(capsys):
    code, out, _ = _run(capsys, "data", "list")
    assert code == 0
    assert "europe-census-2021-grid: installed (151 of 151 files)" in out
    assert "publisher: Eurostat" in out and "licence: CC BY 4.0" in out


def test_variables_lists_canonical_names_and_the_definitions_that_use_them(capsys):
    code, out, _ = _run(capsys, "variables")
    assert code == 0
    line = next(x for x in out.splitlines() if x.strip().startswith("unemployed "))
    assert "paavo_pxweb" in line and "unemployment" in line
    assert "unemployment: unemployed / labour_force   (groups: employed + unemployed)" in out
    code, out, _ = _run(capsys, "variables", "--definitions")
    assert "canonical variables" not in out and "born_abroad: born_abroad / population_by_birth" in out


def test_indices_list_names_every_index_with_its_reference(capsys):
    from compare.indicators.registry import INDICES

    code, out, _ = _run(capsys, "indices", "--list")
    assert code == 0
    lines = out.strip().splitlines()
    assert [x.split()[0] for x in lines] == list(INDICES)
    assert "Duncan & Duncan 1955" in lines[0] and ":math:" not in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["indices", "in.csv"], "-o/--output is required"),
        (["indices", "-o", "out.csv"], "INPUT is required"),
        (["indices", "in.csv", "-o", "out.csv", "--n-boot", "0"], "--n-boot must be at least 1, got 0"),
        (["indices", "in.csv", "-o", "o.csv", "--min-areas", "-3"], "--min-areas must be at least 1, got -3"),
    ],
)
def test_indices_refuses_missing_or_impossible_arguments_before_reading(capsys, argv, message):
    code, _, err = _run(capsys, *argv)
    assert code == 2 and message in err
