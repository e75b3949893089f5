import hashlib

from compare.provenance import (
    checksums,
    collect_provenance,
    file_sha256,
    fingerprint,
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
    assert {"parameters", "data", "packages", "run"} == set(table["section"])
