"""Lazy re-exports for package ``__init__`` modules (PEP 562 module ``__getattr__``).

A package lists the public names it re-exports and the private module each lives in; a name is
imported on first access, so ``import compare`` or ``import compare.sources.catalog`` stays light
(no geopandas, matplotlib or scipy until a function that needs them is used). This is the pattern of
scientific-python's ``lazy_loader`` in a dozen lines.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping

__all__ = ["attach"]


def attach(
    package: str, exports: Mapping[str, str], submodules: Iterable[str] = ()
) -> tuple[Callable, Callable, list[str]]:
    """Module ``__getattr__``, ``__dir__`` and ``__all__`` for lazily re-exported names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping
        Public name -> absolute module that defines it (``"load_network": "compare.sources.network"``).
    submodules : iterable of str, optional
        Subpackages reachable as attributes (``compare.indicators``) without an explicit import.

    Returns
    -------
    (__getattr__, __dir__, __all__)

    Examples
    --------
    >>> getattr_, dir_, all_ = attach("pkg", {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0)
    3.0
    >>> all_
    ['sqrt']
    """
    import sys

    names = sorted(exports)
    subs = frozenset(submodules)

    def __getattr__(name: str):
        if name in subs:
            return importlib.import_module(f"{package}.{name}")  # the import sets the attribute
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        pkg = sys.modules.get(package)
        if pkg is not None:
            setattr(pkg, name, value)  # later look-ups skip __getattr__
        return value

    def __dir__() -> list[str]:
        pkg = sys.modules.get(package)
        return sorted(set(names) | subs | set(vars(pkg) if pkg is not None else ()))

    return __getattr__, __dir__, names
