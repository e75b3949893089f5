"""compare.reports.shared: kernels learn where the shared tables are; --force empties the folder."""

from __future__ import annotations

import os

from compare.pages.shared import SHARED_ENV
from compare.reports import run_jobs
from compare.reports.shared import kernel_env, shared_dir

PKGS = ("pandas",)


def test_kernel_env_sets_the_folder_and_restores_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(SHARED_ENV, "before")
    with kernel_env(tmp_path):
        assert os.environ[SHARED_ENV] == str(tmp_path / ".shared")
    assert os.environ[SHARED_ENV] == "before"


def test_the_kernel_sees_the_folder_and_force_empties_it(tmp_path, notebook_factory):
    from compare.reports import ReportJob

    nb = notebook_factory(
        tmp_path / "nb" / "env.ipynb",
        'out = ""',
        f"import os\nopen(out, 'w').write(os.environ.get({SHARED_ENV!r}, 'unset'))",
    )
    out_dir = tmp_path / "out"
    seen = tmp_path / "seen.txt"
    job = ReportJob("env", nb, {"out": str(seen)}, {})
    run_jobs([job], out_dir, n_jobs=1, progress=False, packages=PKGS)
    assert seen.read_text() == str(shared_dir(out_dir))
    stale = shared_dir(out_dir) / "panel-0.parquet"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"old")
    run_jobs([job], out_dir, n_jobs=1, progress=False, packages=PKGS)
    assert stale.exists(), "a run that is not forced keeps the shared tables"
    run_jobs([job], out_dir, n_jobs=1, progress=False, packages=PKGS, force=True)
    assert not stale.exists()
