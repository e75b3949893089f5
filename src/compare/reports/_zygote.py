"""Kernel zygote process: ``python -m compare.reports._zygote NOTEBOOK...`` forks warm kernels.

Every report kernel pays an interpreter start and the same imports (IPython, ipykernel, pandas,
geopandas, matplotlib, libpysal, the workbench's pages): 4-5 s of CPU per notebook. The zygote
pays them once: it imports what the given notebooks import (their code cells' ``import``
statements, read with :mod:`ast`) and what a kernel needs, then waits. For each request it forks
a child that becomes an ordinary ``ipykernel`` kernel (its own session and process group, the
requested working directory, environment and connection file), so every report still runs in
a fresh process of its own: the child inherits the imported modules and nothing else.

Protocol (one JSON object per line): stdin ``{"argv": [...], "cwd": ..., "env": {...}}``, stdout
``{"forked": pid}`` or ``{"error": text}``, and ``{"exited": pid, "code": n}`` when a child ends
(``code`` as :attr:`subprocess.Popen.returncode`: ``-9`` for SIGKILL). End of input kills the
children left and ends the zygote; a child gets SIGKILL if the zygote dies (Linux).
"""

from __future__ import annotations

import ast
import json
import os
import select
import signal
import sys

#: what every kernel imports before its first cell
KERNEL_MODULES = ("IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell")
#: what the workbench's report pages import later, inside their functions (preloaded when a
#: notebook imports ``compare.pages``); giddy through :func:`compare._jit.import_deferring_jit`,
#: and matplotlib's text measurements shared between renderers (:mod:`compare._text_metrics`)
PAGES_MODULES = ("matplotlib_inline.backend_inline", "matplotlib.pyplot", "compare.indicators",
                 "compare.governance", "compare.evaluation", "compare.plots")  # fmt: skip
DEFERRED_JIT_MODULES = ("giddy.markov",)


def notebook_imports(path: str) -> list[str]:
    """Modules imported by the code cells of a notebook (``import a.b``, ``from a.b import c``).

    Examples
    --------
    >>> import json, tempfile
    >>> nb = {"cells": [{"cell_type": "code", "source": "%matplotlib inline\\nimport json as j\\n"
    ...     "from os import path"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    >>> p = tempfile.mktemp(suffix=".ipynb")
    >>> _ = open(p, "w").write(json.dumps(nb))
    >>> notebook_imports(p)
    ['json', 'os']
    """
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    out: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                out.append(node.module)
    return list(dict.fromkeys(out))


def _preload(notebooks: list[str]) -> None:
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in KERNEL_MODULES:
            _try(importlib.import_module, name)
        mods = []
        for nb in notebooks:
            try:
                mods += notebook_imports(nb)
            except (OSError, ValueError):
                continue
        for name in dict.fromkeys(mods):
            _try(importlib.import_module, name)
        if any(m.startswith("compare.pages") for m in mods):
            for name in PAGES_MODULES:
                _try(importlib.import_module, name)
            from compare._jit import import_deferring_jit
            from compare._text_metrics import share_text_metrics

            for name in DEFERRED_JIT_MODULES:
                _try(import_deferring_jit, name)
            # every figure is measured by three renderers: one text-metrics cache for all of them
            _try(lambda _: share_text_metrics(), None)


def _try(fn, name) -> None:
    try:
        fn(name)
    except Exception:  # noqa: BLE001 - a module that fails here fails in the kernel, with its message
        pass


def _child(request: dict, stdin_fd: int, stdout_fd: int) -> None:
    """In the forked child: become a kernel; never returns."""
    code = 1
    try:
        os.setsid()
        try:  # die with the zygote (Linux): no orphaned kernel
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # the kernel's own stdout goes where the zygote's stderr goes
        for fd in (devnull, stdin_fd, stdout_fd):
            if fd > 2:
                os.close(fd)
        cwd = request.get("cwd") or os.getcwd()
        os.chdir(cwd)
        env = dict(request.get("env") or {})
        env["JPY_PARENT_PID"] = str(os.getppid())
        os.environ.clear()
        os.environ.update(env)
        # as ``python -m ipykernel_launcher`` started in ``cwd`` would see it
        sys.path[0] = cwd
        argv = list(request["argv"])
        m = argv.index("-m")
        sys.argv = [argv[m + 1], *argv[m + 2 :]]
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Preload, then fork a kernel per request until stdin closes."""
    notebooks = list(sys.argv[1:] if argv is None else argv)
    _preload(notebooks)
    out = sys.stdout
    stdin_fd, stdout_fd = sys.stdin.fileno(), out.fileno()
    children: set[int] = set()
    buf = b""

    def say(obj: dict) -> None:
        out.write(json.dumps(obj) + "\n")
        out.flush()

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                return
            if pid == 0:
                return
            children.discard(pid)
            say({"exited": pid, "code": os.waitstatus_to_exitcode(status)})

    say({"ready": os.getpid()})
    try:
        while True:
            ready, _, _ = select.select([stdin_fd], [], [], 0.05 if children else 1.0)
            reap()
            if not ready:
                continue
            chunk = os.read(stdin_fd, 65536)
            if not chunk:
                return 0
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if not line.strip():
                    continue
                try:
                    request = json.loads(line)
                    sys.stdout.flush()
                    sys.stderr.flush()
                    pid = os.fork()
                except Exception as exc:  # noqa: BLE001
                    say({"error": f"{type(exc).__name__}: {exc}"})
                    continue
                if pid == 0:
                    _child(request, stdin_fd, stdout_fd)
                children.add(pid)
                say({"forked": pid})
    finally:
        for pid in children:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                    break
                except OSError:
                    continue


if __name__ == "__main__":
    from compare.reports._startup import exit_now

    exit_now(main())  # children killed, streams flushed: nothing left to finalize
