"""Execute report notebooks with papermill: parallel, incremental, atomic, fault tolerant.

A :class:`ReportJob` names one notebook execution (a city assessment or the network
comparison). :func:`run_jobs` runs a list of them and returns a :class:`RunSummary`:

- a job whose fingerprint (data checksums, notebook, parameters, package versions, see
  :mod:`compare.reports.provenance`) matches the last successful run is not re-run;
- the others run in parallel in worker processes (``n_jobs``) or on a Dask distributed
  cluster (``scheduler``), longest first;
- each job executes in a private staging folder; only a complete success replaces the
  published files, each with an atomic :func:`os.replace`, and the state record that makes
  the report "current" is written last. Killing the run at any moment therefore leaves every
  earlier report intact, and a half-published report is re-run next time;
- a failure (cell error, dead kernel, bad data, conversion error) is captured with the
  failing cell and error, the previous report is kept, and the other jobs carry on.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from compare.reports.provenance import DEFAULT_PACKAGES, collect_provenance, fingerprint
from compare.reports.slug import safe_join, slugify

__all__ = [
    "ReportJob",
    "JobOutcome",
    "RunSummary",
    "execute_job",
    "run_jobs",
    "read_state",
    "atomic_write_text",
]

STATE_DIR = ".state"
STAGING_DIR = ".staging"


@dataclass(frozen=True)
class ReportJob:
    """One notebook execution.

    Parameters
    ----------
    name : str
        Report name; slugged into the file names ``<name>.ipynb``, ``<name>.html``.
    notebook : Path
        Source notebook.
    parameters : dict
        Validated parameters (see :mod:`compare.reports.params`). If the notebook declares
        ``output_folder``, the runner points it at the job's staging folder during execution.
    data_files : dict
        Name -> path of every input file whose checksum enters the fingerprint.
    title : str, optional
        Human-readable title (city name).
    kind : str, optional
        ``"city"`` or ``"comparison"``.
    meta : dict, optional
        Extra fields for the index (e.g. ``model_type``); they do not enter the fingerprint.
    cwd : Path, optional
        Working directory of the kernel (default: the notebook's parent's parent, i.e. the
        repository root for ``notebooks/*.ipynb``).
    """

    name: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    data_files: dict = field(default_factory=dict)
    title: str = ""
    kind: str = "city"
    meta: dict = field(default_factory=dict)
    cwd: Path | None = None

    @property
    def slug(self) -> str:
        """File-name-safe name."""
        return slugify(self.name, what="report name")


@dataclass
class JobOutcome:
    """What happened to one job in a run.

    ``status`` is ``"ran"`` (executed and published), ``"cached"`` (inputs unchanged, not
    re-run) or ``"failed"``. ``error`` holds ``cell_index``, ``cell_source``, ``ename``,
    ``evalue`` and ``traceback`` for a failure. ``previous_kept`` tells whether an earlier
    report of the same name is still published.
    """

    name: str
    title: str
    kind: str
    status: str
    fingerprint: str | None = None
    duration_s: float = 0.0
    error: dict | None = None
    previous_kept: bool = False
    meta: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True for a failed job."""
        return self.status == "failed"

    def describe(self) -> str:
        """One line for the console."""
        if not self.failed:
            return f"{self.name}: {self.status} ({self.duration_s:.1f} s)"
        e = self.error or {}
        where = f"cell {e['cell_index']}" if e.get("cell_index") is not None else "before cells"
        src = (e.get("cell_source") or "").strip().splitlines()
        src = f" `{src[0][:80]}`" if src else ""
        kept = "previous report kept" if self.previous_kept else "no previous report"
        return f"{self.name}: FAILED in {where}{src}: {e.get('ename')}: {e.get('evalue')} ({kept})"


@dataclass
class RunSummary:
    """Outcomes of a run, in job order."""

    outcomes: list[JobOutcome]
    out_dir: Path
    wall_s: float = 0.0

    @property
    def n_failed(self) -> int:
        """Number of failed jobs."""
        return sum(o.failed for o in self.outcomes)

    def table(self):
        """Tidy table: one row per job with name, kind, status, duration and error."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "name": o.name,
                    "kind": o.kind,
                    "status": o.status,
                    "duration_s": o.duration_s,
                    "error": None if not o.error else f"{o.error['ename']}: {o.error['evalue']}",
                }
                for o in self.outcomes
            ]
        )

    def summary(self) -> str:
        """Text summary for the console."""
        lines = [o.describe() for o in self.outcomes]
        lines.append(
            f"{len(self.outcomes) - self.n_failed} of {len(self.outcomes)} reports current, "
            f"{self.n_failed} failed, wall time {self.wall_s:.1f} s -> {self.out_dir}"
        )
        return "\n".join(lines)


# --------------------------------------------------------------------------- files


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file in the same folder + rename).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(p, "x"); p.read_text()
    'x'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _state_path(out_dir: Path, slug: str, suffix: str = ".json") -> Path:
    # ``slug`` is already a slug; the hidden folder name is ours, not the user's
    return Path(out_dir) / STATE_DIR / (slugify(slug) + suffix)


def read_state(out_dir: str | Path, name: str) -> dict | None:
    """Return the state record of a report's last run (``None`` if it never ran).

    Examples
    --------
    >>> read_state("/nonexistent", "vantaa") is None
    True
    """
    p = _state_path(Path(out_dir), slugify(name))
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, OSError):
        return None


def _published(out_dir: Path, slug: str) -> bool:
    return safe_join(out_dir, slug, suffix=".html").is_file()


def _clean_stale_staging(out_dir: Path) -> None:
    """Remove staging folders left by a killed run (their process is gone)."""
    staging = out_dir / STAGING_DIR
    if not staging.is_dir():
        return
    for d in staging.iterdir():
        try:
            pid = int(d.name.split("-")[-2])
        except (ValueError, IndexError):
            pid = -1
        alive = pid > 0 and _pid_alive(pid)
        if not alive:
            shutil.rmtree(d, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed worker whose parent died may linger as an unreaped zombie
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


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
) -> dict:
    """Execute one job and publish its files atomically; never raises for a report failure.

    Parameters
    ----------
    job : ReportJob
    out_dir : str or Path
        Network report folder (``reports/<network>``).
    provenance : mapping
        The job's provenance record (from :func:`~compare.reports.provenance.collect_provenance`).
    show_code : bool, optional
        Keep code cells in the HTML.
    kernel_name : str, optional
    timeout : float, optional
        Per-cell execution timeout in seconds.

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
        pm.execute_notebook(
            str(job.notebook),
            str(staged_nb),
            parameters=params,
            kernel_name=kernel_name,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
        nb = nbformat.read(staged_nb, as_version=4)
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
            os.replace(staged_nb, _state_path(out_dir, slug, ".failed.ipynb"))
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


# --------------------------------------------------------------------------- many jobs


def _is_current(out_dir: Path, job: ReportJob, fp: str) -> bool:
    state = read_state(out_dir, job.slug)
    return bool(
        state
        and state.get("status") in ("ran", "cached")
        and state.get("fingerprint") == fp
        and _published(out_dir, job.slug)
    )


def run_jobs(
    jobs: Sequence[ReportJob],
    out_dir: str | Path,
    *,
    n_jobs: int | None = None,
    scheduler: str | Any | None = None,
    force: bool = False,
    show_code: bool = False,
    kernel_name: str = "compare",
    timeout: float | None = None,
    progress: bool = True,
    packages: Sequence[str] = DEFAULT_PACKAGES,
    on_outcome: Callable[[JobOutcome], None] | None = None,
) -> RunSummary:
    """Run report jobs: skip unchanged ones, run the rest in parallel, isolate failures.

    Parameters
    ----------
    jobs : sequence of ReportJob
        Names must be unique once slugged.
    out_dir : str or Path
        Network report folder (created).
    n_jobs : int, optional
        Parallel worker processes (default: number of cores). Ignored with ``scheduler``.
    scheduler : str or distributed.Client, optional
        Address of a Dask distributed scheduler (``"tcp://host:8786"``) or a client: jobs
        are submitted to that cluster instead of local processes. Workers must see the same
        file system (notebooks, data, ``out_dir``) and have the ``compare`` kernel installed;
        each job still runs in its own interpreter on the worker.
    force : bool, optional
        Re-run every job even if its inputs are unchanged.
    show_code : bool, optional
        Keep code cells in the HTML reports.
    kernel_name : str, optional
        Jupyter kernel (``compare``, registered by the set-up).
    timeout : float, optional
        Per-cell timeout in seconds.
    progress : bool, optional
        Show a progress bar on stderr.
    packages : sequence of str, optional
        Packages whose versions enter provenance and fingerprint (``compare`` also adds a
        digest of its own source, so a library change re-runs the reports).
    on_outcome : callable, optional
        Called with each :class:`JobOutcome` as it completes.

    Returns
    -------
    RunSummary

    Examples
    --------
    >>> summary = run_jobs(jobs, "reports/helsinki-berlin", n_jobs=2)  # doctest: +SKIP
    >>> summary.n_failed
    0
    """
    from compare.errors import ConfigError

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / STATE_DIR).mkdir(exist_ok=True)
    _clean_stale_staging(out_dir)
    slugs = [j.slug for j in jobs]
    dup = {s for s in slugs if slugs.count(s) > 1}
    if dup:
        raise ConfigError(f"report names {sorted(dup)} collide once slugged", key="cities")
    t0 = time.perf_counter()

    records = {
        j.slug: collect_provenance(
            notebook=j.notebook,
            parameters=j.parameters,
            data_files=j.data_files,
            packages=packages,
        )
        for j in jobs
    }
    for rec in records.values():  # how the HTML is rendered is an input too
        rec["render"] = {"show_code": bool(show_code), "kernel": kernel_name}
        rec["fingerprint"] = fingerprint(rec)
    results: dict[str, JobOutcome] = {}
    todo: list[ReportJob] = []
    for j in jobs:
        fp = records[j.slug]["fingerprint"]
        if not force and _is_current(out_dir, j, fp):
            results[j.slug] = JobOutcome(j.name, j.title or j.name, j.kind, "cached", fp, meta=dict(j.meta))
        else:
            todo.append(j)

    # longest first (duration of the last run), a simple LPT schedule
    def last_duration(j: ReportJob) -> float:
        return float((read_state(out_dir, j.slug) or {}).get("duration_s") or 0.0)

    todo.sort(key=last_duration, reverse=True)
    bar = _progress_bar(len(jobs), initial=len(results), enabled=progress)

    def done(payload: dict) -> None:
        outcome = JobOutcome(**payload)
        results[_slug_of(outcome.name)] = outcome
        bar.update(1)
        if outcome.failed and progress:
            bar.write(outcome.describe())
        if on_outcome is not None:
            on_outcome(outcome)

    kwargs = {"show_code": show_code, "kernel_name": kernel_name, "timeout": timeout}
    if todo:
        if scheduler is not None:
            _run_dask(todo, out_dir, records, kwargs, scheduler, done)
        else:
            _run_local(todo, out_dir, records, kwargs, n_jobs or os.cpu_count() or 1, done)
    bar.close()
    outcomes = [results[j.slug] for j in jobs]
    return RunSummary(outcomes, out_dir, wall_s=round(time.perf_counter() - t0, 2))


def _slug_of(name: str) -> str:
    return slugify(name, what="report name")


def _progress_bar(total: int, initial: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, disable=not enabled, desc="reports", unit="report")


def _crash_payload(job: ReportJob, exc: BaseException, out_dir: Path, fp: str | None) -> dict:
    outcome = JobOutcome(
        job.name,
        job.title or job.name,
        job.kind,
        "failed",
        fp,
        error={
            "cell_index": None,
            "cell_source": "",
            "ename": type(exc).__name__,
            "evalue": f"worker crashed: {exc}",
            "traceback": "".join(traceback.format_exception(exc)[-4:]),
        },
        previous_kept=_published(out_dir, job.slug),
        meta=dict(job.meta),
    )
    return asdict(outcome)


_THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


def _worker_env(threads: int | None) -> dict:
    """Environment of a worker (and its kernel): at most ``threads`` threads per math library.

    ``n_jobs`` kernels each running multi-threaded BLAS/numba would oversubscribe the cores;
    variables the user has set are left alone.
    """
    env = dict(os.environ)
    if threads:
        for var in _THREAD_VARS:
            env.setdefault(var, str(threads))
    return env


class _Worker:
    """A ``compare.reports._worker`` process serving jobs one after the other."""

    def __init__(self, threads: int | None):
        import subprocess
        import sys
        import tempfile

        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "compare.reports._worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=_worker_env(threads),
        )

    def run(self, job, out_dir, record, kwargs) -> dict:
        """Send one job; return its outcome, or a crash outcome if the worker died."""
        import pickle

        from compare.reports._worker import MARKER

        data = pickle.dumps((job, str(out_dir), dict(record), kwargs))
        try:
            self.proc.stdin.write(f"{len(data)}\n".encode() + data)
            self.proc.stdin.flush()
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace")
                if line.startswith(MARKER):
                    return json.loads(line[len(MARKER) :])
        except (BrokenPipeError, OSError):
            pass
        code = self.proc.wait()
        self.stderr.seek(0)
        err = self.stderr.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        return _crash_payload(
            job,
            RuntimeError(f"exit code {code}: {' | '.join(err)}"),
            Path(out_dir),
            record.get("fingerprint"),
        )

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None

    def close(self) -> None:
        """Let the worker finish (end of input) and reap it."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait()
        self.stderr.close()


def _run_in_subprocess(job, out_dir, record, kwargs, threads: int | None = None) -> dict:
    """Run :func:`execute_job` in a fresh interpreter; a crash becomes a failed outcome."""
    worker = _Worker(threads)
    try:
        return worker.run(job, out_dir, record, kwargs)
    finally:
        worker.close()


def _run_local(todo, out_dir, records, kwargs, n_jobs, done) -> None:
    import queue
    import threading

    if n_jobs <= 1:  # serial: in this process (kernels are separate processes anyway)
        for j in todo:
            done(execute_job(j, out_dir, records[j.slug], **kwargs))
        return
    # threads only wait: each serves the queue through its own worker interpreter (papermill's
    # cwd switch is process-global, and a crash must not take the run down)
    n = max(1, min(n_jobs, len(todo)))
    threads = max(1, (os.cpu_count() or 1) // n)
    jobs: queue.Queue = queue.Queue()
    for j in todo:
        jobs.put(j)
    finished: queue.Queue = queue.Queue()

    def serve() -> None:
        worker = None
        while True:
            try:
                j = jobs.get_nowait()
            except queue.Empty:
                break
            try:
                if worker is None or not worker.alive:
                    worker = _Worker(threads)
                payload = worker.run(j, out_dir, records[j.slug], kwargs)
            except Exception as exc:  # noqa: BLE001 - a dead worker is one failed job
                payload = _crash_payload(j, exc, out_dir, records[j.slug]["fingerprint"])
            finished.put(payload)
        if worker is not None:
            worker.close()

    pool = [threading.Thread(target=serve, daemon=True) for _ in range(n)]
    for t in pool:
        t.start()
    for _ in todo:
        done(finished.get())
    for t in pool:
        t.join()


def _run_dask(todo, out_dir, records, kwargs, scheduler, done) -> None:
    from distributed import Client, as_completed

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = {
            client.submit(
                _run_in_subprocess,
                j,
                str(out_dir),
                records[j.slug],
                kwargs,
                pure=False,
                key=f"report-{j.slug}-{uuid.uuid4().hex[:8]}",
            ): j
            for j in todo
        }
        for fut in as_completed(list(futures)):
            j = futures[fut]
            try:
                payload = fut.result()
            except Exception as exc:  # noqa: BLE001
                payload = _crash_payload(j, exc, out_dir, records[j.slug]["fingerprint"])
            done(payload)
    finally:
        if own:
            client.close()
