"""Worker process: ``python -m compare.reports._worker [--kernel NAME] [NOTEBOOK...]`` runs jobs.

Each worker is its own interpreter, so that papermill's working-directory switch, a crashing
kernel manager or a leak in one report cannot affect the parent process. A worker serves jobs
one after the other (saving the interpreter start-up between jobs): each request is a line
with the byte length of a pickled ``(job, out_dir, record, kwargs)`` followed by those bytes;
each answer is one stdout line ``@@outcome@@<json>``. End of input ends the worker.

With the notebooks it will run named on its command line, the worker starts a
:class:`~compare.reports.kernels.KernelZygote` for kernel ``NAME`` right away: it preloads
their imports while the parent is still fingerprinting, and forks each job's kernel.
"""

from __future__ import annotations

import json
import pickle
import sys

from compare.reports.jobs import MARKER


def main(argv: list[str] | None = None) -> int:
    """Serve jobs from stdin until it closes; print each outcome as a marked JSON line."""
    args = list(sys.argv[1:] if argv is None else argv)
    kernel = None
    if args[:1] == ["--kernel"]:
        kernel, args = args[1], args[2:]
    zygote = None
    if kernel and args:
        from compare.reports.kernels import KernelZygote

        zygote = KernelZygote.for_kernel(kernel, args)

    from compare.reports._startup import defer_iri_grammar

    defer_iri_grammar()
    # import what every job needs now, while the parent is still fingerprinting
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    from compare.reports.execute import execute_job

    stdin = sys.stdin.buffer
    try:
        while True:
            header = stdin.readline()
            if not header.strip():
                return 0
            job, out_dir, record, kwargs = pickle.loads(stdin.read(int(header)))
            use = zygote if zygote is not None and kwargs.get("kernel_name", "compare") == kernel else None
            payload = execute_job(job, out_dir, record, kernels=use, **kwargs)
            sys.stdout.write("\n" + MARKER + json.dumps(payload, default=str) + "\n")
            sys.stdout.flush()
    finally:
        if zygote is not None:
            zygote.close()


if __name__ == "__main__":
    from compare.reports._startup import exit_now

    exit_now(main())  # every outcome is written and flushed, the zygote closed
