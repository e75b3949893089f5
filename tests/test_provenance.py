import hashlib
import subprocess

import pyogrio
import pyproj
import pytest

from compare.provenance import (
    DEFAULT_PACKAGES,
    checksums,
    collect_provenance,
    file_sha256,
    fingerprint,
    git_state,
    library_versions,
    package_versions,
    provenance_table,
)


def test_file_sha256_matches_hashlib(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"count\n1\n" * 1000)
    assert file_sha256(p, chunk=7) == hashlib.sha256(p.read_bytes()).hexdigest()


def test_checksums_mark_missing_files_and_follow_changes(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("x")
    first = checksums({"a": p, "gone": tmp_path / "gone.csv"})
    assert first["gone"] == "missing"
    assert first["a"] == hashlib.sha256(b"x").hexdigest()
    p.write_text("xy")
    assert checksums({"a": p})["a"] == hashlib.sha256(b"xy").hexdigest()


def test_package_versions_name_installed_versions():
    import numpy

    v = package_versions(["numpy", "no-such-package-xyz"])
    assert v["numpy"] == numpy.__version__
    assert v["no-such-package-xyz"] == "not installed"


def test_compare_version_carries_a_source_digest():
    v = package_versions(["compare"])["compare"]
    assert "+src." in v and len(v.split("+src.")[1]) == 16


def test_fingerprint_ignores_run_time_but_not_inputs():
    base = {"parameters": {"city": "a"}, "data": {"f": "1"}, "run_started": "t1", "host": "h1"}
    same = dict(base, run_started="t2", host="h2", duration_s=3)
    assert fingerprint(base) == fingerprint(same)
    assert fingerprint(base) != fingerprint(dict(base, data={"f": "2"}))
    assert fingerprint(base) != fingerprint(dict(base, parameters={"city": "b"}))


def test_collect_provenance_records_everything_a_report_depends_on(tmp_path):
    nb = tmp_path / "n.ipynb"
    nb.write_text("{}")
    data = tmp_path / "d.csv"
    data.write_text("1")
    rec = collect_provenance(
        notebook=nb, parameters={"city": "a"}, data_files={"d": data}, packages=["numpy"]
    )
    assert rec["notebook_sha256"] == hashlib.sha256(b"{}").hexdigest()
    assert rec["data"] == {"d": hashlib.sha256(b"1").hexdigest()}
    assert rec["parameters"] == {"city": "a"}
    assert set(rec["packages"]) == {"python", "numpy"}
    assert rec["run_started"].endswith("+00:00")
    assert rec["fingerprint"] == fingerprint(rec)
    table = provenance_table(rec)
    assert {"parameters", "data", "packages", "libraries", "git", "run"} == set(table["section"])


def test_default_packages_cover_every_package_results_depend_on():
    needed = {"numpy", "scipy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "libpysal", "esda",
              "statsmodels", "giddy", "scikit-learn", "pyarrow", "krippendorff"}
    assert needed <= set(DEFAULT_PACKAGES)
    v = package_versions()
    assert v["scipy"] == __import__("scipy").__version__
    assert v["pyproj"] == pyproj.__version__ and v["pyogrio"] == pyogrio.__version__
    assert "not installed" not in v.values()


def test_library_versions_are_the_gdal_proj_and_geos_in_use():
    import shapely

    lib = library_versions()
    assert lib == {
        "GDAL": pyogrio.__gdal_version_string__,
        "PROJ": pyproj.proj_version_str,
        "GEOS": shapely.geos_version_string,
    }
    assert all(v[0].isdigit() for v in lib.values())


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_git_state_records_commit_and_dirty_flag(tmp_path):
    repo = tmp_path / "clone"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "a.py").write_text("x = 1\n")
    _git(repo, "add", "a.py")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "one")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout
    clean = git_state(repo)
    assert clean == {"commit": head.strip(), "dirty": False, "changed": 0}
    (repo / "a.py").write_text("x = 2\n")
    dirty = git_state(repo)
    assert dirty["commit"] == head.strip() and dirty["dirty"] is True and dirty["changed"] == 1


def test_git_state_outside_a_clone_is_unknown_not_clean(tmp_path):
    assert git_state(tmp_path) == {"commit": None, "dirty": None, "changed": None}


def test_collect_provenance_records_git_and_libraries(tmp_path):
    nb = tmp_path / "n.ipynb"
    nb.write_text("{}")
    rec = collect_provenance(notebook=nb, parameters={})
    assert rec["libraries"]["PROJ"] == pyproj.proj_version_str
    assert rec["git"]["commit"] is None or len(rec["git"]["commit"]) == 40
    # the git commit is recorded but does not re-run reports (the source digest does)
    assert fingerprint(rec) == fingerprint(dict(rec, git={"commit": "0" * 40, "dirty": True}))
    assert fingerprint(rec) != fingerprint(dict(rec, libraries=dict(rec["libraries"], GDAL="0.0")))


@pytest.mark.parametrize("kind", ["city", "comparison"])
def test_same_inputs_in_two_output_folders_have_the_same_fingerprint(tmp_path, kind):
    from compare.reports.plan import plan_network

    fps = []
    for folder in ("first", "elsewhere/second"):
        plan = plan_network("helsinki-berlin", cities=["vantaa"], out_root=tmp_path / folder)
        job = next(j for j in plan.jobs if j.kind == kind)
        assert job.parameters["output_folder"].startswith(str(tmp_path / folder))
        rec = collect_provenance(notebook=job.notebook, parameters=job.parameters, data_files=job.data_files)
        fps.append(rec["fingerprint"])
    assert fps[0] == fps[1]
    changed = dict(job.parameters, city="espoo") if kind == "city" else dict(job.parameters, cities=["x"])
    other = collect_provenance(notebook=job.notebook, parameters=changed, data_files=job.data_files)
    assert other["fingerprint"] != fps[1]
