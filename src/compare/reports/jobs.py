"""Report jobs, their outcomes and the state files that make a report "current".

A :class:`ReportJob` names one notebook execution; a :class:`JobOutcome` is what became of it;
``<out>/.state/<slug>.json`` records the last run (its fingerprint, status and error), written
last so that a killed run never marks a half-published report current.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from compare.files import safe_join, slugify

__all__ = ["ReportJob", "JobOutcome", "RunSummary", "read_state", "MARKER", "STATE_DIR", "STAGING_DIR"]

STATE_DIR = ".state"
STAGING_DIR = ".staging"
#: prefix of the outcome line a worker process prints for each job.
MARKER = "@@outcome@@"


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
    report of the same name is still published; ``executed_notebook`` is where the partly
    executed notebook of a failed job is kept (open it to see the failing cell's output).
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
    executed_notebook: str | None = None

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
        nb = f"\n    executed notebook: {self.executed_notebook}" if self.executed_notebook else ""
        return f"{self.name}: FAILED in {where}{src}: {e.get('ename')}: {e.get('evalue')} ({kept}){nb}"


@dataclass
class RunSummary:
    """Outcomes of a run, in job order."""

    outcomes: list[JobOutcome]
    out_dir: Path
    wall_s: float = 0.0
    playbook: dict | None = None
    playbook_error: str | None = None
    playbook_html_written: bool = False  # the Playbook failed only at its PDF

    @property
    def n_failed(self) -> int:
        """Number of failed jobs (a Playbook that could not be written counts as one)."""
        return sum(o.failed for o in self.outcomes) + bool(self.playbook_error)

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
        if self.playbook_error:
            kept = "" if self.playbook_html_written else "; the previous Playbook is kept"
            lines.append(f"playbook: FAILED ({self.playbook_error}){kept}")
        elif self.playbook:
            state = "current (unchanged)" if self.playbook.get("unchanged") else "written"
            took = f" ({self.playbook['seconds']:.1f} s)" if "seconds" in self.playbook else ""
            lines.append(
                f"playbook: {state}{took} -> {self.playbook['html'].name}, {self.playbook['pdf'].name}"
            )
        lines.append(
            f"{len(self.outcomes) - sum(o.failed for o in self.outcomes)} of {len(self.outcomes)} reports "
            f"current, {self.n_failed} failed, reports' wall time {self.wall_s:.1f} s -> {self.out_dir}"
        )
        return "\n".join(lines)


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
