"""Execute one report job: papermill in a private staging folder, then an atomic publish.

Never raises for a report failure: a cell error, a dead kernel or a conversion error becomes a
:class:`~compare.reports.jobs.JobOutcome` with the failing cell, and the previous report is kept.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import time
import traceback
import uuid
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from compare.files import atomic_write_text
from compare.reports.jobs import STAGING_DIR, JobOutcome, ReportJob, _published, _state_path, read_state
from compare.reports.shared import kernel_env

__all__ = ["execute_job", "ENGINE_NAME"]

#: papermill engine the jobs run with (:func:`_register_engine`)
ENGINE_NAME = "compare"


@functools.cache
def _register_engine() -> None:
    """Register papermill's nbclient engine, writing the output notebook at its start and end only.

    Papermill's execution manager writes the whole output notebook when every cell starts and
    again when it ends: for a report of 40 cells and 20 figures, about 80 writes (JSON encoding
    and schema validation) of a notebook growing to 3 MB, in the worker process that competes
    with the kernels for the cores. This engine writes it when the notebook starts (no outputs
    yet) and when it ends, whether it succeeded or failed (papermill calls ``notebook_complete``
    in a ``finally``, so a failed run still leaves the partial notebook with the failing or
    running cell marked), and keeps papermill's periodic write during a cell that runs longer
    than ``autosave_cell_every``.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class _WriteAtStartAndEnd(NotebookExecutionManager):
        _write = False

        def save(self, **kwargs):
            if self._write:
                return super().save(**kwargs)
            self.last_save_time = self.now()  # a per-cell write request: skipped

        def notebook_start(self, **kwargs):
            self._write = True  # the staged notebook exists from the start (cells not run yet)
            try:
                return super().notebook_start(**kwargs)
            finally:
                self._write = False

        def autosave_cell(self):
            self._write = True
            try:
                return super().autosave_cell()
            finally:
                self._write = False

        def notebook_complete(self, **kwargs):
            self._write = True
            return super().notebook_complete(**kwargs)

    class _Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs):  # fmt: skip
            nb_man = _WriteAtStartAndEnd(nb, output_path=output_path, progress_bar=progress_bar,
                                 log_output=log_output, autosave_cell_every=autosave_cell_every)  # fmt: skip
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE_NAME, _Engine)


# --------------------------------------------------------------------------- one job


def _failing_cell(nb_path: Path) -> tuple[int | None, str]:
    """Locate the cell that failed, or the one that was running when the kernel died.

    Papermill marks a cell ``failed`` on a cell error; when the kernel dies it still marks the
    cells ``completed`` on the way out, so the culprit is the last cell that *started*.
    """
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # noqa: BLE001 - the partial notebook may not exist
        return None, ""
    meta = [c.get("metadata", {}).get("papermill", {}) for c in nb.cells]
    for status in ("failed", "running"):
        for i, m in enumerate(meta):
            if m.get("status") == status:
                return i, nb.cells[i].source
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return i, cell.source
    started = [i for i, m in enumerate(meta) if m.get("start_time")]
    if started:
        i = started[-1]
        return i, nb.cells[i].source
    return None, ""


def _error_record(exc: BaseException, nb_path: Path | None) -> dict:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return {
            "cell_index": exc.cell_index,
            "cell_source": exc.source,
            "ename": exc.ename,
            "evalue": exc.evalue,
            "traceback": _strip_ansi("\n".join(exc.traceback[-6:])),
        }
    index, source = _failing_cell(nb_path) if nb_path is not None else (None, "")
    return {
        "cell_index": index,
        "cell_source": source,
        "ename": type(exc).__name__,
        "evalue": str(exc) or repr(exc),
        "traceback": "".join(traceback.format_exception(exc)[-4:]),
    }


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def execute_job(
    job: ReportJob,
    out_dir: str | Path,
    provenance: Mapping[str, Any],
    *,
    show_code: bool = False,
    kernel_name: str = "compare",
    timeout: float | None = None,
    kernels=None,
) -> dict:
    """Execute one job and publish its files atomically; never raises for a report failure.

    Parameters
    ----------
    job : ReportJob
    out_dir : str or Path
        Network report folder (``reports/<network>``).
    provenance : mapping
        The job's provenance record (from :func:`~compare.provenance.collect_provenance`).
    show_code : bool, optional
        Keep code cells in the HTML.
    kernel_name : str, optional
    timeout : float, optional
        Per-cell execution timeout in seconds.
    kernels : compare.reports.kernels.KernelZygote, optional
        Fork the kernel from this preloaded process (default: start it the usual way).

    Returns
    -------
    dict
        Fields of a :class:`JobOutcome` (plain types, so it crosses process boundaries).

    Examples
    --------
    >>> execute_job(job, "reports/helsinki-berlin", record)  # doctest: +SKIP
    {'name': 'vantaa', 'status': 'ran', ...}
    """
    import nbformat
    import papermill as pm

    from compare.reports.html import notebook_to_html

    out_dir = Path(out_dir)
    slug = job.slug
    started = time.perf_counter()
    staging = out_dir / STAGING_DIR / f"{slug}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True, exist_ok=True)
    staged_nb = staging / f"{slug}.ipynb"
    record = dict(provenance)
    outcome = JobOutcome(
        name=job.name,
        title=job.title or job.name,
        kind=job.kind,
        status="failed",
        fingerprint=record.get("fingerprint"),
        meta=dict(job.meta),
    )
    try:
        params = dict(job.parameters)
        if "output_folder" in params:
            params["output_folder"] = str(staging)
        cwd = job.cwd or Path(job.notebook).resolve().parent.parent
        engine = {}
        if kernels is not None and kernels.alive:
            engine["kernel_manager_class"] = kernels.manager_class()
        _register_engine()
        with kernel_env(out_dir):  # where the network's shared tables are (compare.pages.shared)
            nb = pm.execute_notebook(
                str(job.notebook),
                str(staged_nb),
                parameters=params,
                kernel_name=kernel_name,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                engine_name=ENGINE_NAME,
                **engine,
            )
        record["run_finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        record["duration_s"] = round(time.perf_counter() - started, 2)
        nb.metadata["compare"] = {"provenance": record}
        nbformat.write(nb, staged_nb)
        page = notebook_to_html(nb, show_code=show_code, title=job.title or job.name, provenance=record)
        (staging / f"{slug}.html").write_text(page, encoding="utf-8")
        (staging / f"{slug}.provenance.json").write_text(
            json.dumps(record, indent=2, default=str), encoding="utf-8"
        )
        # publish: data files first, the HTML last among the report files, state at the end
        order = sorted(
            (p for p in staging.iterdir() if p.is_file()),
            key=lambda p: (p.suffix == ".html", p.name),
        )
        for p in order:
            target = out_dir / p.name
            os.replace(p, target)
        outcome.status = "ran"
        outcome.duration_s = round(time.perf_counter() - started, 2)
        state = asdict(outcome) | {"finished": record["run_finished"]}
        atomic_write_text(_state_path(out_dir, slug), json.dumps(state, indent=2, default=str))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a reported outcome
        outcome.error = _error_record(exc, staged_nb)
        outcome.duration_s = round(time.perf_counter() - started, 2)
        outcome.previous_kept = _published(out_dir, slug)
        if staged_nb.is_file():  # keep the partial notebook for debugging, never published
            kept_nb = _state_path(out_dir, slug, ".failed.ipynb")
            os.replace(staged_nb, kept_nb)
            outcome.executed_notebook = str(kept_nb)
        previous = read_state(out_dir, slug) or {}
        state = asdict(outcome) | {
            # the last good fingerprint stays unknown: a failed job always re-runs
            "fingerprint": None,
            "last_success": previous.get("finished") or previous.get("last_success"),
        }
        atomic_write_text(_state_path(out_dir, slug), json.dumps(state, indent=2, default=str))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return asdict(outcome)
