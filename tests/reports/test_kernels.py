"""compare.reports.kernels: report kernels forked from a preloaded zygote are ordinary kernels."""

from __future__ import annotations

import json
import os
import time

import papermill as pm
import pytest

from compare.reports._zygote import notebook_imports
from compare.reports.kernels import KernelZygote, _launcher_prefix


@pytest.fixture
def probe(tmp_path, notebook_factory):
    return notebook_factory(
        tmp_path / "nb" / "probe.ipynb",
        'out = ""',
        "import json, os, sys\nimport colorsys",
        "preloaded = 'colorsys' in sys.modules",
        "json.dump({'pid': os.getpid(), 'ppid': os.getppid(), 'cwd': os.getcwd(), 'sid': os.getsid(0),\n"
        "           'env': os.environ.get('COMPARE_PROBE'), 'path0': sys.path[0]}, open(out, 'w'))",
    )


def test_kernels_forked_from_the_zygote_are_separate_processes_in_the_requested_cwd_and_env(
    tmp_path, probe, monkeypatch
):
    monkeypatch.setenv("COMPARE_PROBE", "seen")
    zygote = KernelZygote.for_kernel("compare", [probe])
    assert zygote is not None, "the compare kernel spec is python -m ipykernel_launcher"
    try:
        seen = []
        for i, cwd in enumerate([tmp_path, tmp_path / "nb"]):
            out = tmp_path / f"probe{i}.json"
            pm.execute_notebook(
                str(probe), str(tmp_path / f"probe{i}.ipynb"), parameters={"out": str(out)},
                kernel_name="compare", cwd=str(cwd), progress_bar=False,
                kernel_manager_class=zygote.manager_class(),
            )  # fmt: skip
            seen.append(json.loads(out.read_text()))
        assert seen[0]["pid"] != seen[1]["pid"]
        assert {s["ppid"] for s in seen} == {zygote.proc.pid}
        assert all(s["sid"] == s["pid"] for s in seen), "each kernel leads its own session"
        assert [s["cwd"] for s in seen] == [str(tmp_path), str(tmp_path / "nb")]
        assert [s["path0"] for s in seen] == [str(tmp_path), str(tmp_path / "nb")]
        assert [s["env"] for s in seen] == ["seen", "seen"]
        deadline = time.time() + 10
        while time.time() < deadline and len(zygote.exit_codes) < 2:
            time.sleep(0.05)
        assert sorted(zygote.exit_codes) == sorted(s["pid"] for s in seen)
    finally:
        zygote.close()


def test_closing_the_zygote_ends_the_kernels_it_forked(tmp_path, probe):
    from jupyter_client.utils import run_sync

    zygote = KernelZygote.for_kernel("compare", [probe])
    km = zygote.manager_class()(kernel_name="compare")
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    pid = km.provisioner.pid
    assert run_sync(km.is_alive)()
    zygote.close()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"kernel {pid} outlived its zygote")
    run_sync(km.cleanup_resources)()


def test_notebook_imports_reads_import_statements_of_code_cells_only(probe):
    assert notebook_imports(probe) == ["json", "os", "sys", "colorsys"]


def test_only_ipykernel_launcher_specs_are_forked():
    spec = ["/py", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    assert _launcher_prefix(spec) == ["/py", "-Xfrozen_modules=off"]
    assert _launcher_prefix(["/py", "-m", "other_kernel", "-f", "{connection_file}"]) is None
    assert _launcher_prefix(["julia", "kernel.jl", "{connection_file}"]) is None


def test_report_kernels_share_matplotlibs_text_metrics_cache(tmp_path, notebook_factory):
    """A notebook of the pages gets kernels whose Agg renderers share one text-metrics cache."""
    import matplotlib.text

    if not hasattr(matplotlib.text, "_get_text_metrics_function"):
        pytest.skip("this matplotlib caches text metrics another way (share_text_metrics is a no-op)")
    nb = notebook_factory(
        tmp_path / "pages.ipynb",
        'out = ""',
        "import json\nfrom compare.pages import assessment",
        "import matplotlib.text as t\nfrom matplotlib.backends.backend_agg import RendererAgg as R\n"
        "json.dump(t._get_text_metrics_function(R(9, 9, 100)) is t._get_text_metrics_function(R(5, 5, 100)),"
        " open(out, 'w'))",
    )
    zygote = KernelZygote.for_kernel("compare", [nb])
    try:
        out = tmp_path / "shared.json"
        pm.execute_notebook(
            str(nb), str(tmp_path / "out.ipynb"), parameters={"out": str(out)}, kernel_name="compare",
            progress_bar=False, kernel_manager_class=zygote.manager_class(),
        )  # fmt: skip
        assert json.loads(out.read_text()) is True
    finally:
        zygote.close()
