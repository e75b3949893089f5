import pytest

from compare.errors import ConfigError
from compare.paths import data_dir
from compare.reports.plan import COMPARISON_NAME, plan_network


def test_plan_has_one_validated_job_per_city_and_the_comparison(tmp_path):
    plan = plan_network("helsinki-berlin", out_root=tmp_path)
    names = [j.name for j in plan.jobs]
    assert names == ["vantaa", "helsinki", "espoo", "berlin", COMPARISON_NAME]
    assert plan.out_dir == tmp_path / "helsinki-berlin"
    vantaa = plan.jobs[0]
    assert vantaa.parameters["city"] == "vantaa"
    assert vantaa.parameters["peers"] == ["helsinki", "espoo", "berlin"]
    assert vantaa.parameters["output_folder"] == str(plan.out_dir.resolve())
    files = vantaa.data_files
    assert files["vantaa:governance_profile"] == data_dir() / "governance" / "vantaa.yml"
    assert any(k.startswith("vantaa:paavo-2012-2017:") for k in files)
    # read implicitly by the postal-area importer (municipality of each postal code)
    assert any(k.startswith("vantaa:paavo-2019:") for k in files)
    # the report shows its peers, so their data and profiles are inputs too
    assert any(k.startswith("berlin:berlin-lor-population:") for k in files)
    assert "berlin:governance_profile" in files
    comparison = plan.jobs[-1]
    assert comparison.kind == "comparison"
    assert comparison.parameters["cities"] == ["vantaa", "helsinki", "espoo", "berlin"]
    assert any(k.startswith("berlin:berlin-lor-population:") for k in comparison.data_files)
    assert plan.network["attribution"] and all("CC BY" in a for a in plan.network["attribution"])


def test_plan_for_some_cities_only(tmp_path):
    plan = plan_network("helsinki-berlin", cities=["berlin"], out_root=tmp_path, comparison=False)
    assert [j.name for j in plan.jobs] == ["berlin"]
    assert set(plan.all_cities) == {"vantaa", "helsinki", "espoo", "berlin"}


def test_unknown_city_is_refused_before_any_kernel(tmp_path):
    with pytest.raises(ConfigError, match="unknown city 'oslo'"):
        plan_network("helsinki-berlin", cities=["oslo"], out_root=tmp_path)


def test_unknown_network_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown network"):
        plan_network("nowhere", out_root=tmp_path)


def test_period_without_data_is_refused_before_any_kernel(tmp_path):
    with pytest.raises(ConfigError, match="no data for period '2030'"):
        plan_network("helsinki-berlin", cities=["vantaa"], periods=["2030"], out_root=tmp_path)
    with pytest.raises(ConfigError, match="not a period label"):
        plan_network("helsinki-berlin", cities=["vantaa"], periods=["last"], out_root=tmp_path)


def test_cli_reports_a_bad_city_as_a_configuration_error(tmp_path, capsys):
    from compare.cli import main

    code = main(["reports", "run", "helsinki-berlin", "--cities", "oslo", "--output", str(tmp_path)])
    assert code == 2
    assert "unknown city 'oslo'" in capsys.readouterr().err
    assert not (tmp_path / "helsinki-berlin").exists()


def test_cities_left_out_of_a_run_are_listed_as_not_run(tmp_path):
    from compare.reports.jobs import JobOutcome, RunSummary
    from compare.reports.plan import _index_outcomes, plan_network

    plan = plan_network("helsinki-berlin", cities=["vantaa"], out_root=tmp_path)
    ran = JobOutcome("vantaa", "Vantaa", "city", "ran")
    records = _index_outcomes(plan, RunSummary([ran], plan.out_dir))
    assert {r.name: r.status for r in records if r.kind == "city"} == {
        "vantaa": "ran", "helsinki": "not run", "espoo": "not run", "berlin": "not run"
    }  # fmt: skip


def test_the_networks_attribution_names_grid_data_and_a_users_own_cited_files(tmp_path):
    from compare.sources import network_record

    f = tmp_path / "mine.yml"
    f.write_text(
        """name: mine
cities:
  myville:
    name: Myville
    sources:
      - {importer: generic, path: pop.csv, id_column: id, period: "2023", variables: {population: pop},
         citation: "Myville Statistics (2023). Population by district.", licence: CC BY 4.0}
    areas: {importer: generic, path: districts.geojson, id_column: id}
    group_definitions: []
  ljubljana:
    name: Ljubljana
    sources: [{importer: census_grid}]
    areas: {importer: census_grid, lon: 14.5058, lat: 46.0569}
""",
        encoding="utf-8",
    )
    att = network_record(f)["attribution"]
    assert "Myville Statistics (2023). Population by district. (CC BY 4.0)" in att
    assert any("Census 2021 population grid" in a for a in att)
