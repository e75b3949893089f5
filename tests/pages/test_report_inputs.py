"""Report inputs: profiles checked against the data, every file a report reads in its fingerprint,
results written beside the network they belong to."""

import shutil

import pytest
import yaml

from compare.errors import ConfigError
from compare.pages.results import default_output_folder
from compare.paths import data_dir, raw_dir, reports_dir
from compare.reports.params import notebook_parameters
from compare.reports.plan import plan_network


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project root whose data/ is a copy (profiles editable), reading the real data/raw."""
    raw = raw_dir()  # the real data/raw, taken before COMPARE_HOME moves data_dir()
    d = tmp_path / "data"
    for sub in ("networks", "governance", "rubrics", "practices"):
        shutil.copytree(data_dir() / sub, d / sub)
    shutil.copy(data_dir() / "catalog.yml", d / "catalog.yml")
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    monkeypatch.setenv("COMPARE_RAW", str(raw))
    return d


def test_a_covered_area_missing_from_the_data_is_refused_by_the_report(home):
    from compare.pages.assessment import load_city

    p = home / "governance" / "vantaa.yml"
    raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    raw["covered_areas"].append({"area_id": "01999", "name": "nowhere"})
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    i = len(raw["covered_areas"]) - 1
    with pytest.raises(ConfigError) as exc:
        load_city("helsinki-berlin", "vantaa", peers=["helsinki"])
    assert str(exc.value).startswith(f"{p}: covered_areas[{i}].area_id: area id '01999' is not an area")


def test_every_profile_rubric_and_practice_file_enters_each_reports_fingerprint():
    plan = plan_network("helsinki-berlin", cities=["vantaa"])
    files = plan.jobs[0].data_files
    for name in ("governance/malmo.yml", "governance/berlin.yml", "rubrics/area-governance-v1.yml",
                 "practices/transfers.yml"):
        assert name in files, name


def test_output_folder_defaults_to_the_networks_own_folder():
    for nb in ("city_assessment.ipynb", "network_comparison.ipynb"):
        params = notebook_parameters(data_dir().parent / "notebooks" / nb)
        assert params["output_folder"]["default"] == ""
    assert default_output_folder("capital-region-2019") == reports_dir() / "capital-region-2019"
    assert default_output_folder("helsinki-berlin") != default_output_folder("capital-region-2019")
