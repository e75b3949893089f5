"""Start-up cost of the processes the report runner owns.

``nbformat`` (and so papermill) imports ``jsonschema``, whose format checkers import
``rfc3987_syntax`` when it is installed (``jupyter-events`` asks for it through
``jsonschema[format-nongpl]``). That module compiles about 40 Earley grammars at import time:
1.2-1.8 s in every process that reads a notebook, although no notebook schema uses the
``iri`` formats it serves (python-jsonschema/jsonschema#1428, jupyter/nbformat#420).

:func:`defer_iri_grammar` registers a small stand-in module whose ``is_valid_syntax`` loads
the real module on its first call, so the behaviour of ``iri`` format checking is unchanged;
only its cost moves to the first use (which, for notebooks, never comes). It is called by the
runner's own processes (the ``python -m compare`` command and the report workers), never on
``import compare``: a researcher's session is left as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types

__all__: list[str] = []  # private helpers of compare.reports

_MODULE = "rfc3987_syntax"


def defer_iri_grammar() -> bool:
    """Make ``import rfc3987_syntax`` cheap until its validator is first called.

    Returns
    -------
    bool
        True if the stand-in was installed; False if the module is absent, already imported
        (then nothing can be saved) or the stand-in is already there.

    Examples
    --------
    >>> defer_iri_grammar() in (True, False)
    True
    """
    if _MODULE in sys.modules or importlib.util.find_spec(_MODULE) is None:
        return False
    stand_in = types.ModuleType(_MODULE, "Stand-in for rfc3987_syntax: loads it on first use.")

    def is_valid_syntax(term: str, value: str) -> bool:
        """Load the real ``rfc3987_syntax`` and delegate to its ``is_valid_syntax``."""
        real = _load_real()
        return real.is_valid_syntax(term, value)

    def _load_real():
        if sys.modules.get(_MODULE) is stand_in:
            del sys.modules[_MODULE]
        real = importlib.import_module(_MODULE)
        stand_in.is_valid_syntax = real.is_valid_syntax  # later calls go straight through
        return real

    stand_in.is_valid_syntax = is_valid_syntax
    stand_in.__compare_stand_in__ = True
    sys.modules[_MODULE] = stand_in
    return True


def exit_now(code: int) -> None:
    """End a runner process at once: flush its standard streams, skip the interpreter's teardown.

    A kernel zygote or report worker has pandas, matplotlib, numba or papermill loaded; the
    interpreter's teardown (finalizing every module) takes 0.2-0.7 s, and the run waits for the
    last worker to end. These processes own nothing that needs finalizing: the zygote kills its
    children before, the worker has written and flushed every outcome and closed its zygote.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
