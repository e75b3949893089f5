"""Worker process: ``python -m compare.reports._worker`` runs one pickled job from stdin.

Each job runs in its own interpreter so that papermill's working-directory switch, a crashing
kernel manager or a leak in one report cannot affect the others or the parent process.
"""

from __future__ import annotations

import json
import pickle
import sys


def main() -> int:
    """Read ``(job, out_dir, record, kwargs)`` from stdin, print the outcome as JSON."""
    from compare.reports.runner import execute_job

    job, out_dir, record, kwargs = pickle.load(sys.stdin.buffer)
    payload = execute_job(job, out_dir, record, **kwargs)
    sys.stdout.write("\n@@outcome@@" + json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
