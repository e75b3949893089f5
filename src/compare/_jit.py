"""Import-time cost of third-party numba functions compiled eagerly.

``mapclassify`` (imported by ``giddy``, which :mod:`compare.indicators.transitions` uses for the
Markov chains) declares ``_fisher_jenks_means`` with an explicit numba signature, so numba
compiles it when the module is imported: 1.9 s in every process that imports ``giddy``,
although the workbench never classifies with Fisher-Jenks. :func:`import_deferring_jit` imports
a module while ``numba.njit(signature)`` returns a stand-in that compiles the same function with
the same signature on its first call; behaviour is unchanged, only the cost moves to the first
use (which, for the workbench, never comes).
"""

from __future__ import annotations

import functools
import importlib
import sys
import threading
from types import ModuleType

__all__ = ["import_deferring_jit"]

_LOCK = threading.Lock()


class _DeferredJit:
    """A function decorated with ``njit(signature)``, compiled on its first call."""

    def __init__(self, njit, args, kwargs, func):
        self._njit, self._args, self._kwargs, self.py_func = njit, args, kwargs, func
        self._compiled = None
        functools.update_wrapper(self, func)

    def __call__(self, *args, **kwargs):
        if self._compiled is None:
            self._compiled = self._njit(*self._args, **self._kwargs)(self.py_func)
        return self._compiled(*args, **kwargs)


def import_deferring_jit(name: str) -> ModuleType:
    """Import ``name`` with eager (signature-given) ``numba.njit`` compilations deferred.

    Only modules first imported inside this call are affected; a module already imported is
    returned as it is. Without numba the import is an ordinary one.

    Parameters
    ----------
    name : str
        Module to import (e.g. ``"giddy.markov"``).

    Returns
    -------
    module

    Examples
    --------
    >>> import_deferring_jit("json").__name__
    'json'
    """
    if name in sys.modules:
        return sys.modules[name]
    try:
        import numba
    except ImportError:
        return importlib.import_module(name)
    with _LOCK:
        real = numba.njit

        def njit(*args, **kwargs):
            if not (args and not callable(args[0])):  # @njit or @njit(options): lazy already
                return real(*args, **kwargs)
            return lambda func: _DeferredJit(real, args, kwargs, func)

        numba.njit = njit
        try:
            return importlib.import_module(name)
        finally:
            numba.njit = real
