"""Worker process: ``python -m compare.reports._worker`` runs pickled jobs from stdin.

Each worker is its own interpreter, so that papermill's working-directory switch, a crashing
kernel manager or a leak in one report cannot affect the parent process. A worker serves jobs
one after the other (saving the interpreter start-up between jobs): each request is a line
with the byte length of a pickled ``(job, out_dir, record, kwargs)`` followed by those bytes;
each answer is one stdout line ``@@outcome@@<json>``. End of input ends the worker.
"""

from __future__ import annotations

import json
import pickle
import sys

from compare.reports.jobs import MARKER


def main() -> int:
    """Serve jobs from stdin until it closes; print each outcome as a marked JSON line."""
    from compare.reports._startup import defer_iri_grammar

    defer_iri_grammar()
    # import what every job needs now, while the parent is still fingerprinting
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    from compare.reports.execute import execute_job

    stdin = sys.stdin.buffer
    while True:
        header = stdin.readline()
        if not header.strip():
            return 0
        job, out_dir, record, kwargs = pickle.loads(stdin.read(int(header)))
        payload = execute_job(job, out_dir, record, **kwargs)
        sys.stdout.write("\n" + MARKER + json.dumps(payload, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
