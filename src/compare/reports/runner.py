"""Execute report notebooks with papermill: parallel, incremental, atomic, fault tolerant.

A :class:`ReportJob` names one notebook execution (a city assessment or the network
comparison). :func:`run_jobs` runs a list of them and returns a :class:`RunSummary`:

- a job whose fingerprint (data checksums, notebook, parameters, package versions, see
  :mod:`compare.provenance`) matches the last successful run is not re-run;
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
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from compare.files import atomic_write_text, slugify
from compare.provenance import DEFAULT_PACKAGES, collect_provenance, fingerprint
from compare.reports.execute import execute_job
from compare.reports.jobs import (
    MARKER,
    STATE_DIR,
    JobOutcome,
    ReportJob,
    RunSummary,
    _clean_stale_staging,
    _published,
    read_state,
)

__all__ = [
    "ReportJob",
    "JobOutcome",
    "RunSummary",
    "execute_job",
    "run_jobs",
    "read_state",
    "atomic_write_text",
]


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
    on_idle: Callable[[], None] | None = None,
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
    on_idle : callable, optional
        Called once, without arguments, by the first local worker thread that finds no job left
        while others still run: a core is free from then on (the caller prepares what comes after
        the reports). It must return at once (start a thread for longer work). Not called for a
        serial run, a Dask run or when nothing is to run.

    Returns
    -------
    RunSummary

    Examples
    --------
    >>> summary = run_jobs(jobs, "reports/helsinki-berlin", n_jobs=2)  # doctest: +SKIP
    >>> summary.n_failed  # doctest: +SKIP
    0
    """
    from compare.errors import ConfigError

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / STATE_DIR).mkdir(exist_ok=True)
    _clean_stale_staging(out_dir)
    if force:  # a forced run computes the network's shared tables once again
        from compare.reports.shared import clear_shared

        clear_shared(out_dir)
    slugs = [j.slug for j in jobs]
    dup = {s for s in slugs if slugs.count(s) > 1}
    if dup:
        raise ConfigError(f"report names {sorted(dup)} collide once slugged", key="cities")
    if n_jobs is not None and not (isinstance(n_jobs, int) and n_jobs >= 1):
        raise ConfigError(f"n_jobs must be a whole number of at least 1, got {n_jobs!r}", key="n_jobs")
    if timeout is not None and not (timeout > 0 and timeout < float("inf")):
        raise ConfigError(f"timeout must be a positive number of seconds, got {timeout!r}", key="timeout")
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
            _run_local(todo, out_dir, records, kwargs, n_jobs or os.cpu_count() or 1, done, on_idle)
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

    def __init__(self, threads: int | None, notebooks: Sequence = (), kernel_name: str = "compare"):
        import subprocess
        import sys
        import tempfile

        self.stderr = tempfile.TemporaryFile()
        # with the notebooks named, the worker preloads their imports in a kernel zygote
        warm = ["--kernel", kernel_name, *map(str, notebooks)] if notebooks else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "compare.reports._worker", *warm],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=_worker_env(threads),
        )

    def run(self, job, out_dir, record, kwargs) -> dict:
        """Send one job; return its outcome, or a crash outcome if the worker died."""
        import pickle

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


#: worker interpreters of this process's threads (a Dask worker's), kept for their next job
_THREAD_WORKERS: dict[tuple, _Worker] = {}


def _run_in_subprocess(job, out_dir, record, kwargs, threads: int | None = None, notebooks=()) -> dict:
    """Run :func:`execute_job` in a worker interpreter; a crash becomes a failed outcome.

    The worker (and its kernel zygote, preloading the imports of ``notebooks``: every notebook
    of the run, so that one worker serves the city reports and the comparison alike) is kept for
    this thread's next job, as a local run keeps its workers; each job still gets a kernel
    process of its own. A dead worker is replaced.
    """
    import atexit
    import threading

    notebooks = tuple(sorted({str(n) for n in notebooks} | {str(job.notebook)}))
    key = (threading.get_ident(), threads, kwargs.get("kernel_name", "compare"), notebooks)
    worker = _THREAD_WORKERS.get(key)
    if worker is None or not worker.alive:
        worker = _Worker(threads, list(notebooks), kwargs.get("kernel_name", "compare"))
        _THREAD_WORKERS[key] = worker
        atexit.register(worker.close)
    return worker.run(job, out_dir, record, kwargs)


def _run_local(todo, out_dir, records, kwargs, n_jobs, done, on_idle=None) -> None:
    import queue
    import threading

    notebooks = sorted({str(j.notebook) for j in todo})
    if n_jobs <= 1:  # serial: in this process (kernels are separate processes anyway)
        zygote = None
        if len(todo) > 1:  # preloaded kernels pay off from the second job on
            from compare.reports.kernels import KernelZygote

            zygote = KernelZygote.for_kernel(kwargs["kernel_name"], notebooks)
        try:
            for j in todo:
                done(execute_job(j, out_dir, records[j.slug], kernels=zygote, **kwargs))
        finally:
            if zygote is not None:
                zygote.close()
        return
    # threads only wait: each serves the queue through its own worker interpreter (papermill's
    # cwd switch is process-global, and a crash must not take the run down)
    n = max(1, min(n_jobs, len(todo)))
    threads = max(1, (os.cpu_count() or 1) // n)
    jobs: queue.Queue = queue.Queue()
    for j in todo:
        jobs.put(j)
    finished: queue.Queue = queue.Queue()
    idle = threading.Lock()  # taken once, never released: on_idle runs once

    def serve() -> None:
        worker = None
        while True:
            try:
                j = jobs.get_nowait()
            except queue.Empty:
                if on_idle is not None and n > 1 and idle.acquire(blocking=False):
                    on_idle()
                break
            try:
                if worker is None or not worker.alive:
                    worker = _Worker(threads, notebooks, kwargs["kernel_name"])
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
    notebooks = sorted({str(j.notebook) for j in todo})
    try:
        futures = {
            client.submit(
                _run_in_subprocess,
                j,
                str(out_dir),
                records[j.slug],
                kwargs,
                notebooks=notebooks,
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
