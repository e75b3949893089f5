import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import pytest

from compare.reports import read_key_results, run_jobs, write_index
from compare.reports.runner import read_state

pytestmark = pytest.mark.slow  # every test here starts Jupyter kernels

PKGS = ("numpy",)  # keep fingerprints independent of edits to the workbench's own source


def test_faults_are_isolated_reported_and_marked_in_the_index(tmp_path, job_factory):
    out = tmp_path / "out"
    jobs = [
        job_factory("alpha"),
        job_factory("bravo", mode="raise"),
        job_factory("charlie", mode="kill"),
        job_factory("delta", content="not,a\nvalid,table\n"),  # corrupted data file
        job_factory("echo"),
    ]
    idle = []  # a worker with no job left frees its core once: the caller is told, from that worker's thread
    summary = run_jobs(
        jobs, out, n_jobs=2, progress=False, packages=PKGS, on_idle=lambda: idle.append(threading.get_ident())
    )
    assert len(idle) == 1 and idle[0] != threading.get_ident()
    status = {o.name: o.status for o in summary.outcomes}
    assert status == {
        "alpha": "ran",
        "bravo": "failed",
        "charlie": "failed",
        "delta": "failed",
        "echo": "ran",
    }
    assert summary.n_failed == 3
    errors = {o.name: o.error for o in summary.outcomes if o.failed}
    # cells: 0 parameters, 1 injected parameters, 2 imports, 3 read, 4 raise, 5 kill, ...
    assert errors["bravo"]["ename"] == "RuntimeError"
    assert errors["bravo"]["evalue"] == "boom in bravo"
    assert errors["bravo"]["cell_index"] == 4
    assert errors["charlie"]["ename"] == "DeadKernelError"
    assert errors["charlie"]["cell_index"] == 5
    assert "os.kill" in errors["charlie"]["cell_source"]
    assert errors["delta"]["ename"] == "KeyError"
    assert errors["delta"]["cell_index"] == 3
    assert "DictReader" in errors["delta"]["cell_source"]
    # the good reports are complete: executed notebook, HTML, results, provenance
    assert read_key_results(out, "alpha") == {"city": "alpha", "key_figures": {"total": 3.0}}
    for suffix in (".ipynb", ".html", ".provenance.json"):
        assert (out / f"alpha{suffix}").is_file()
        assert not (out / f"bravo{suffix}").exists()
    nb = nbformat.read(out / "alpha.ipynb", as_version=4)
    prov = nb.metadata["compare"]["provenance"]
    assert prov["parameters"]["city"] == "alpha"
    assert prov["data"]["data"] == json.loads((out / "alpha.provenance.json").read_text())["data"]["data"]
    # the partial notebook of a failure is kept aside for debugging, not published
    assert (out / ".state" / "charlie.failed.ipynb").is_file()
    assert not any((out / ".staging").iterdir())
    index = write_index({"id": "t", "name": "Test network"}, summary.outcomes, out).read_text()
    assert index.count('<tr class="failed">') == 3
    assert index.count('<tr class="ok">') == 2
    assert "boom in bravo" in index and "DeadKernelError" in index
    assert 'href="alpha.html"' in index and 'href="bravo.html"' not in index


def test_unchanged_inputs_are_not_rerun_and_changes_or_force_are(tmp_path, job_factory):
    out = tmp_path / "out"
    job = job_factory("alpha")
    idle = []
    first = run_jobs([job], out, n_jobs=1, progress=False, packages=PKGS, on_idle=lambda: idle.append(1))
    assert first.outcomes[0].status == "ran"
    assert idle == [], "a serial run leaves no core free before it ends"
    html_mtime = (out / "alpha.html").stat().st_mtime_ns
    t0 = time.perf_counter()
    second = run_jobs([job], out, n_jobs=2, progress=False, packages=PKGS, on_idle=lambda: idle.append(2))
    assert second.outcomes[0].status == "cached"
    assert idle == [], "nothing ran"
    assert time.perf_counter() - t0 < 2.0
    assert (out / "alpha.html").stat().st_mtime_ns == html_mtime
    # a changed data file changes the fingerprint
    (tmp_path / "alpha.csv").write_text("count\n5\n")
    third = run_jobs([job], out, n_jobs=1, progress=False, packages=PKGS)
    assert third.outcomes[0].status == "ran"
    assert read_key_results(out, "alpha")["key_figures"]["total"] == 5.0
    assert run_jobs([job], out, n_jobs=1, progress=False, packages=PKGS).outcomes[0].status == ("cached")
    forced = run_jobs([job], out, n_jobs=1, progress=False, packages=PKGS, force=True)
    assert forced.outcomes[0].status == "ran"
    # rendering with code is a different report
    shown = run_jobs([job], out, n_jobs=1, progress=False, packages=PKGS, show_code=True)
    assert shown.outcomes[0].status == "ran"
    assert "DictReader" in (out / "alpha.html").read_text()


def test_a_failing_rerun_keeps_the_previous_report(tmp_path, job_factory):
    out = tmp_path / "out"
    run_jobs([job_factory("alpha")], out, n_jobs=1, progress=False, packages=PKGS)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    failing = job_factory("alpha", mode="raise")
    summary = run_jobs([failing], out, n_jobs=1, progress=False, packages=PKGS)
    o = summary.outcomes[0]
    assert o.failed and o.previous_kept
    # the console line says where the partly executed notebook is, and which cell failed
    assert o.executed_notebook == str(out / ".state" / "alpha.failed.ipynb")
    line = o.describe()
    assert "FAILED in cell 4 `if mode == 'raise':`: RuntimeError: boom in alpha" in line
    assert f"executed notebook: {out / '.state' / 'alpha.failed.ipynb'}" in line
    assert Path(o.executed_notebook).is_file()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    state = read_state(out, "alpha")
    assert state["status"] == "failed" and state["fingerprint"] is None
    index = write_index({"id": "t", "name": "T"}, summary.outcomes, out).read_text()
    assert "previous report kept" in index and 'href="alpha.html"' in index
    # a failed report always re-runs, even with unchanged inputs
    again = run_jobs([failing], out, n_jobs=1, progress=False, packages=PKGS)
    assert again.outcomes[0].status == "failed"


def test_killing_the_run_leaves_earlier_reports_intact(tmp_path, job_factory):
    out = tmp_path / "out"
    run_jobs([job_factory("alpha"), job_factory("bravo")], out, n_jobs=2, progress=False, packages=PKGS)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    sleeper = job_factory("alpha", mode="sleep")
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import pickle, sys
            from compare.reports import run_jobs
            job = pickle.loads({__import__("pickle").dumps(sleeper)!r})
            run_jobs([job], {str(out)!r}, n_jobs=1, progress=False, packages={PKGS!r})
            """
        )
    )
    proc = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    deadline = time.time() + 60
    staging = out / ".staging"
    # wait until the kernel is inside the sleeping cell (the staged notebook exists)
    while time.time() < deadline and not any(staging.glob("*/alpha.ipynb")):
        time.sleep(0.2)
    assert any(staging.glob("*/alpha.ipynb")), "the run never started"
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert read_state(out, "alpha")["status"] == "ran"
    # the next run clears the dead run's staging folder and re-validates the cache
    summary = run_jobs([job_factory("alpha")], out, n_jobs=1, progress=False, packages=PKGS)
    assert summary.outcomes[0].status == "cached"
    assert not any(staging.iterdir())


def test_jobs_run_on_a_dask_local_cluster(tmp_path, job_factory):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = run_jobs(
            [job_factory("alpha"), job_factory("bravo", mode="raise")],
            out,
            scheduler=cluster.scheduler_address,
            progress=False,
            packages=PKGS,
        )
    assert [o.status for o in summary.outcomes] == ["ran", "failed"]
    assert summary.outcomes[1].error["evalue"] == "boom in bravo"
    assert read_key_results(out, "alpha")["key_figures"]["total"] == 3.0


def test_names_colliding_after_slugging_are_refused(tmp_path, job_factory):
    from compare.errors import ConfigError

    with pytest.raises(ConfigError, match="collide"):
        run_jobs([job_factory("Alpha"), job_factory("alpha")], tmp_path / "o", progress=False)


class _KillsTheWorker:
    """Unpickled in another process (the worker), this ends that process with exit code 3."""

    def __reduce__(self):
        return (exec, (f"import os\nif os.getpid() != {os.getpid()}: os._exit(3)",))


def test_a_dead_worker_fails_its_job_only_and_is_replaced(tmp_path, job_factory):
    from dataclasses import replace

    bad = job_factory("alpha")
    bad = replace(bad, meta={"poison": _KillsTheWorker()})
    jobs = [bad, job_factory("bravo"), job_factory("charlie")]
    summary = run_jobs(jobs, tmp_path / "out", n_jobs=2, progress=False, packages=PKGS)
    alpha, bravo, charlie = summary.outcomes
    assert alpha.failed
    assert alpha.error["evalue"].startswith("worker crashed: exit code 3")
    assert (bravo.status, charlie.status) == ("ran", "ran")
    assert read_key_results(tmp_path / "out", "charlie")["key_figures"]["total"] == 3.0
