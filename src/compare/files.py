"""Files under ``reports/``: strict slugs and atomic writes.

A slug is the only way a city id or name becomes a file name under ``reports/``.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from pathlib import Path

from compare.errors import ConfigError

__all__ = ["slugify", "safe_join", "atomic_write_text", "atomic_write_bytes"]

_ALLOWED = re.compile(r"[^a-z0-9]+")
_MAX_LEN = 64


def slugify(text: str, *, what: str = "name") -> str:
    r"""Turn a city id or name into a file-name-safe slug.

    Accents are folded to ASCII (``"Malmö"`` -> ``"malmo"``), every run of characters other
    than ``a-z`` and ``0-9`` becomes one ``-``, leading and trailing ``-`` are dropped and the
    result is cut to 64 characters. A slug therefore never contains ``/``, ``\``, ``.`` or
    ``..`` and cannot escape the folder it is joined to.

    Parameters
    ----------
    text : str
        City id, city name or network id.
    what : str, optional
        What the text is, for the error message.

    Returns
    -------
    str

    Raises
    ------
    ConfigError
        If nothing usable remains (e.g. ``"../.."`` or ``""``).

    Examples
    --------
    >>> slugify("Frankfurt am Main")
    'frankfurt-am-main'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    """
    if not isinstance(text, str):
        raise ConfigError(f"{what} {text!r} is not a string; expected a city or network identifier", key=what)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _ALLOWED.sub("-", folded.lower()).strip("-")[:_MAX_LEN].strip("-")
    if not slug:
        raise ConfigError(
            f"{what} {text!r} has no letters or digits; expected an identifier such as "
            "'helsinki' that can name a report file",
            key=what,
        )
    return slug


def safe_join(root: str | Path, *parts: str, suffix: str = "") -> Path:
    """Join slugged ``parts`` under ``root`` and check that the result stays inside ``root``.

    Every part goes through :func:`slugify`; ``suffix`` (e.g. ``".html"`` or
    ``".results.json"``) is appended to the last part and must be made of ``.``-separated
    lower-case alphanumeric pieces.

    Parameters
    ----------
    root : str or Path
        The folder nothing may escape (e.g. ``reports``).
    *parts : str
        Folder and file names, slugged one by one.
    suffix : str, optional
        File suffix chosen by the code, never by the user.

    Returns
    -------
    Path

    Examples
    --------
    >>> safe_join("reports", "helsinki-berlin", "Vantaa", suffix=".html").as_posix()
    'reports/helsinki-berlin/vantaa.html'
    """
    if suffix and not re.fullmatch(r"(\.[a-z0-9]{1,12})+", suffix):
        raise ConfigError(f"file suffix {suffix!r} is not of the form '.ext'", key="suffix")
    if not parts:
        raise ConfigError("no file name given", key="path")
    clean = [slugify(p, what="path part") for p in parts]
    clean[-1] += suffix
    root = Path(root)
    path = root.joinpath(*clean)
    resolved_root = root.resolve()
    if resolved_root not in path.resolve().parents:
        raise ConfigError(f"path {path} escapes {root}", key="path")
    return path


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file in the same folder + rename).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(p, "x"); p.read_text()
    'x'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder + rename).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.bin"
    >>> atomic_write_bytes(p, b"x"); p.read_bytes()
    b'x'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
