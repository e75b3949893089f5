"""Files: strict slugs, atomic writes, output paths checked before any computation, CSV rows checked.

A slug is the only way a city id or name becomes a file name under ``reports/``.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from pathlib import Path

from compare.errors import ConfigError, DataError

__all__ = [
    "slugify",
    "safe_join",
    "atomic_write_text",
    "atomic_write_bytes",
    "check_output_path",
    "check_csv_rows",
]

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


def check_output_path(path: str | Path, *, option: str = "-o/--output", folder: bool = False) -> Path:
    """Refuse an output path that cannot be written, before anything is computed.

    A typo in a folder name must not create a new folder tree, and a read-only folder must not be
    found out after a long computation: the folder that will hold the output must exist, be a
    folder and accept a new file (tried with a temporary file, which is removed again; this also
    catches read-only file systems, where permission bits say nothing for root).

    Parameters
    ----------
    path : str or Path
        The output file (or, with ``folder=True``, the output folder, which may be created if its
        parent exists).
    option : str, optional
        The option or key that gave the path, named in the error.
    folder : bool, optional
        ``path`` is a folder rather than a file.

    Returns
    -------
    Path

    Raises
    ------
    ConfigError
        Naming the option, the path and what to do.

    Examples
    --------
    >>> check_output_path("/no/such/folder/out.csv")
    Traceback (most recent call last):
    ...
    compare.errors.ConfigError: -o/--output: the folder /no/such/folder does not exist; ...
    """
    import tempfile

    p = Path(path)
    if folder:
        if p.exists() and not p.is_dir():
            raise ConfigError(f"{p} is a file; expected a folder for the output", key=option)
        where = p if p.is_dir() else p.parent
    else:
        if p.is_dir():
            raise ConfigError(f"{p} is a folder; expected the name of the output file", key=option)
        where = p.parent
    where = where if str(where) else Path(".")
    if not where.exists():
        raise ConfigError(
            f"the folder {where} does not exist; create it first or give another path (nothing was computed)",
            key=option,
        )
    if not where.is_dir():
        raise ConfigError(f"{where} is not a folder; expected a folder to write {p.name} into", key=option)
    try:
        fd, probe = tempfile.mkstemp(dir=where, prefix=".compare-write-test-")
    except OSError as exc:
        raise ConfigError(
            f"the folder {where} is not writable ({exc.strerror}); give a folder you can write to "
            "(nothing was computed)",
            key=option,
        ) from None
    os.close(fd)
    os.unlink(probe)
    return p


def check_csv_rows(text: str, sep: str = ",", *, file=None) -> None:
    """Refuse a CSV row with more or fewer fields than the header.

    pandas alone would not: a short row is padded with missing cells (read as suppressed counts or
    unanswered questions), and when every data row has one field more than the header, the first
    column silently becomes the index and every value shifts one column to the left.

    Parameters
    ----------
    text : str
        The decoded CSV text.
    sep : str, optional
        Field separator.
    file : str or Path, optional
        Named in the error.

    Raises
    ------
    DataError
        Naming the file and the (1-based) line of the first ragged row.

    Examples
    --------
    >>> check_csv_rows("a,b\\n1,2\\n")
    >>> check_csv_rows("a,b\\n1,2\\n3\\n", file="t.csv")
    Traceback (most recent call last):
    ...
    compare.errors.DataError: t.csv, row 3: row has 1 fields; expected 2 as in the header (separator ',')
    """
    import csv
    import io

    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return
    n = len(header)
    try:
        for fields in reader:
            if fields and len(fields) != n and any(f.strip() for f in fields):
                raise DataError(
                    f"row has {len(fields)} fields; expected {n} as in the header (separator {sep!r})",
                    file=file,
                    row=reader.line_num,
                )
    except csv.Error as exc:
        raise DataError(f"cannot parse the CSV ({exc})", file=file, row=reader.line_num) from None
