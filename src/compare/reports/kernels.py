"""Warm kernels for report jobs: a :class:`KernelZygote` forks each kernel from preloaded imports.

A report kernel started the usual way (``python -m ipykernel_launcher``) pays an interpreter
start and the imports of IPython, pandas, geopandas, matplotlib, libpysal and the workbench's
pages before its first cell: 4-5 s of CPU per notebook, most of a city report's own work. A
:class:`KernelZygote` (the process :mod:`compare.reports._zygote`) imports them once, while the
runner is still fingerprinting, and forks a fresh kernel for each job: the kernel is still a
separate process with its own working directory, environment and connection file, started
from the kernel spec's interpreter; only the imports are shared (copy-on-write).

:meth:`KernelZygote.manager_class` gives the kernel manager class that papermill's client uses
(``kernel_manager_class``). Kernel specs that are not ``python ... -m ipykernel_launcher -f
{connection_file}`` start the usual way.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

__all__ = ["KernelZygote"]


def _launcher_prefix(argv: Sequence[str]) -> list[str] | None:
    """``[python, *options]`` of an ``ipykernel_launcher`` kernel spec, else ``None``."""
    argv = list(argv)
    try:
        m = argv.index("-m")
    except ValueError:
        return None
    if argv[m + 1 : m + 2] != ["ipykernel_launcher"] or "{connection_file}" not in argv[m + 2 :]:
        return None
    return argv[:m]


class KernelZygote:
    """A preloaded process that forks report kernels.

    Parameters
    ----------
    notebooks : sequence of path
        Notebooks whose imports to preload.
    prefix : sequence of str
        Interpreter and its options (the kernel spec's ``argv`` before ``-m``).
    env : dict, optional
        Environment of the zygote (the kernel's own comes with each request).

    Examples
    --------
    >>> z = KernelZygote(["notebooks/city_assessment.ipynb"], [sys.executable])  # doctest: +SKIP
    >>> cls = z.manager_class()  # doctest: +SKIP
    >>> z.close()  # doctest: +SKIP
    """

    def __init__(self, notebooks: Sequence, prefix: Sequence[str], env: dict | None = None):
        import tempfile

        self.prefix = list(prefix)
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [*self.prefix, "-m", "compare.reports._zygote", *map(str, notebooks)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
        )
        self._lock = threading.Lock()
        self._replies: list[dict] = []
        self._cond = threading.Condition()
        self.exit_codes: dict[int, int] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for raw in self.proc.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            with self._cond:
                if "exited" in msg:
                    self.exit_codes[int(msg["exited"])] = int(msg["code"])
                elif "forked" in msg or "error" in msg:
                    self._replies.append(msg)
                self._cond.notify_all()
        with self._cond:
            self._replies.append({"error": "the kernel zygote ended"})
            self._cond.notify_all()

    @property
    def alive(self) -> bool:
        """True while the zygote runs."""
        return self.proc.poll() is None

    def fork(self, argv: Sequence[str], env: dict, cwd: str, timeout: float = 120) -> int:
        """Fork a kernel running ``argv`` (``... -m ipykernel_launcher -f FILE``); return its pid."""
        with self._lock:  # one request at a time: replies come in order
            request = json.dumps({"argv": list(argv), "env": dict(env), "cwd": str(cwd)})
            self.proc.stdin.write(request.encode() + b"\n")
            self.proc.stdin.flush()
            deadline = time.monotonic() + timeout
            with self._cond:
                while not self._replies:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise RuntimeError(f"the kernel zygote did not answer within {timeout:.0f} s")
                    self._cond.wait(left)
                reply = self._replies.pop(0)
        if "forked" not in reply:
            raise RuntimeError(f"the kernel zygote could not fork a kernel: {reply.get('error')}")
        return int(reply["forked"])

    def returncode(self, pid: int) -> int | None:
        """Exit code of a kernel the zygote forked (``None`` while it runs)."""
        with self._cond:
            if pid in self.exit_codes:
                return self.exit_codes[pid]
        if not self.alive:  # the zygote is gone (its children with it): ask the system
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return -signal.SIGKILL
            except PermissionError:
                return None
        return None

    def serves(self, kernel_spec) -> bool:
        """True if kernels of ``kernel_spec`` can be forked from this zygote."""
        return self.alive and _launcher_prefix(kernel_spec.argv) == self.prefix

    def manager_class(self) -> type:
        """An :class:`~jupyter_client.manager.AsyncKernelManager` whose kernels this zygote forks."""
        return type("ZygoteKernelManager", (_ZygoteKernelManager,), {"zygote": self})

    def close(self) -> None:
        """End the zygote (its kernels left with it) and reap it."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()

    @classmethod
    def for_kernel(cls, kernel_name: str, notebooks: Sequence, env: dict | None = None):
        """A zygote for the kernel spec ``kernel_name``, or ``None`` if its kernels cannot be forked."""
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        try:
            spec = KernelSpecManager().get_kernel_spec(kernel_name)
        except NoSuchKernel:
            return None
        prefix = _launcher_prefix(spec.argv)
        if prefix is None or os.name != "posix":
            return None
        return cls(notebooks, prefix, env=env)


class _ForkedKernel:
    """What :class:`LocalProvisioner` needs of a ``Popen``, for a kernel the zygote forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, zygote: KernelZygote):
        self.pid = pid
        self.zygote = zygote
        self.returncode = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.returncode(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class _ZygoteProvisioner(LocalProvisioner):
    """Local provisioner whose kernel process is forked by a :class:`KernelZygote`."""

    zygote: KernelZygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = self.zygote.fork(cmd, env, cwd)
        self.process = _ForkedKernel(pid, self.zygote)
        self.pid = pid
        self.pgid = pid  # the child calls setsid(): its own process group
        self.cwd = cwd
        return self.connection_info


class _ZygoteKernelManager(AsyncKernelManager):
    """Kernel manager that forks its kernel from ``zygote`` when the kernel spec allows it."""

    zygote: KernelZygote | None = None

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None and self.zygote is not None and self.zygote.serves(self.kernel_spec):
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            prov = _ZygoteProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            prov.zygote = self.zygote
            self.provisioner = prov
        return await super()._async_pre_start_kernel(**kw)
