"""The data catalog (``data/catalog.yml``) and ``data fetch``: every open-data file, verified.

The catalog records, per data set, its title, publisher, licence, citation, official source page and, per
file, the public download address at a pinned commit, the size and the sha256. :func:`fetch` installs
every file under ``data/raw/<path>`` from a mirror folder or from the recorded address, verifies the
checksum, never leaves a half-written file (temporary name, then atomic rename) and skips files already
verified.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from compare.errors import ChecksumError, ConfigError, DataError
from compare.paths import data_dir, default_mirror, raw_dir

__all__ = [
    "CatalogFile",
    "Dataset",
    "Catalog",
    "load_catalog",
    "fetch",
    "sha256_of",
    "verify_file",
    "FetchResult",
]

_REQUIRED_DATASET_KEYS = ["id", "title", "publisher", "licence", "citation", "source_page", "files"]
_REQUIRED_FILE_KEYS = ["path", "url", "bytes", "sha256"]


@dataclass(frozen=True)
class CatalogFile:
    """One file of a data set: relative path under ``data/raw``, download address, size, sha256."""

    dataset: str
    path: str
    url: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Dataset:
    """One open data set of the catalog."""

    id: str
    title: str
    publisher: str
    licence: str
    citation: str
    source_page: str
    files: tuple[CatalogFile, ...]
    notes: str = ""
    repository: tuple[str, ...] = ()


@dataclass
class Catalog:
    """The parsed catalog: data sets by id, with file lookup.

    Examples
    --------
    >>> cat = load_catalog()
    >>> cat["berlin-lor-geometry"].licence.startswith("CC BY")
    True
    """

    datasets: dict[str, Dataset]
    source: Path | None = None

    def __repr__(self) -> str:
        """Short: ``<Catalog catalog.yml: 12 data sets, 291 files>``.

        Examples
        --------
        >>> load_catalog()  # doctest: +ELLIPSIS
        <Catalog catalog.yml: ... data sets, ... files>
        """
        where = f" {self.source.name}" if self.source is not None else ""
        n_files = sum(len(d.files) for d in self.datasets.values())
        return f"<Catalog{where}: {len(self.datasets)} data sets, {n_files} files>"

    def __getitem__(self, dataset_id: str) -> Dataset:
        try:
            return self.datasets[dataset_id]
        except KeyError:
            raise ConfigError(
                f"unknown data set {dataset_id!r}; the catalog has {sorted(self.datasets)}",
                file=self.source,
                key="datasets",
            ) from None

    def __iter__(self):
        return iter(self.datasets.values())

    def files(self, datasets=None) -> list[CatalogFile]:
        """All files, or those of the given data set ids."""
        ids = list(self.datasets) if datasets is None else list(datasets)
        return [f for i in ids for f in self[i].files]

    def file(self, dataset_id: str, path: str) -> CatalogFile:
        """The catalog entry of one file, by data set and path (relative to the data set or to raw/)."""
        for f in self[dataset_id].files:
            if f.path == path or f.path.endswith("/" + path):
                return f
        raise ConfigError(
            f"file {path!r} is not in data set {dataset_id!r} of the catalog",
            file=self.source,
            key=f"datasets.{dataset_id}.files",
        )

    def local_path(self, dataset_id: str, path: str, raw: Path | None = None) -> Path:
        """Where a catalog file lives once fetched (``data/raw/<path>``)."""
        return Path(raw or raw_dir()) / self.file(dataset_id, path).path


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate ``data/catalog.yml``.

    Parameters
    ----------
    path : str or Path, optional
        Catalog file; default ``<root>/data/catalog.yml``.

    Returns
    -------
    Catalog

    Examples
    --------
    >>> len(load_catalog().files()) > 100
    True
    """
    path = Path(path) if path is not None else data_dir() / "catalog.yml"
    if not path.is_file():
        raise ConfigError("catalog file not found", file=path)
    from compare.schema import load_yaml

    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("datasets"), list):
        raise ConfigError("expected a mapping with a list under 'datasets'", file=path, key="datasets")
    datasets = {}
    for i, d in enumerate(doc["datasets"]):
        where = f"datasets[{i}]"
        if not isinstance(d, dict):
            raise ConfigError("expected a mapping", file=path, key=where)
        for k in _REQUIRED_DATASET_KEYS:
            if not d.get(k):
                raise ConfigError(f"missing required key {k!r}", file=path, key=f"{where}.{k}")
        files = []
        for j, f in enumerate(d["files"]):
            for k in _REQUIRED_FILE_KEYS:
                if k not in f:
                    raise ConfigError(f"missing required key {k!r}", file=path, key=f"{where}.files[{j}].{k}")
            files.append(
                CatalogFile(d["id"], str(f["path"]), str(f["url"]), int(f["bytes"]), str(f["sha256"]))
            )
        if d["id"] in datasets:
            raise ConfigError(f"duplicate data set id {d['id']!r}", file=path, key=f"{where}.id")
        datasets[d["id"]] = Dataset(
            id=d["id"],
            title=d["title"],
            publisher=d["publisher"],
            licence=d["licence"],
            citation=d["citation"],
            source_page=d["source_page"],
            files=tuple(files),
            notes=d.get("notes", ""),
            repository=tuple(d.get("repository", ())),
        )
    return Catalog(datasets, source=path)


def sha256_of(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
    >>> _ = p.write_bytes(b"")
    >>> sha256_of(p)[:12]
    'e3b0c44298fc'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


_VERIFIED: dict[str, tuple] = {}


def _stat_key(st: os.stat_result) -> list:
    # inode, device, size, modification and change times: any write changes ctime
    return [st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def verify_file(path: str | Path, expected: str, *, cache_dir: str | Path | None = None) -> str:
    """Check a data file against its catalog sha256 when it is read; return the digest.

    The result is remembered by the file's inode, device, size, modification and change time
    (in memory and in ``<cache_dir>/verified.json``), so an unchanged file is hashed once; a file
    whose metadata changed in any way is hashed again, never trusted.

    Parameters
    ----------
    path : str or Path
    expected : str
        The catalog's hex sha256.
    cache_dir : str or Path, optional
        Folder of the verification record (default ``data/raw/.cache``).

    Raises
    ------
    ChecksumError
        Naming the file and both digests.
    DataError
        If the file is missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> p = d / "x.csv"
    >>> _ = p.write_bytes(b"")
    >>> verify_file(p, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", cache_dir=d)[:8]
    'e3b0c442'
    >>> _ = p.write_bytes(b"a,b")
    >>> verify_file(p, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", cache_dir=d)
    Traceback (most recent call last):
    ...
    compare.errors.ChecksumError: ...x.csv: sha256 mismatch: expected e3b0c442..., got ...
    """
    import json

    path = Path(path).resolve()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataError("file not found; run `python -m compare data fetch`", file=path) from None
    key = _stat_key(st)
    name = str(path)
    memo = _VERIFIED.get(name)
    record = Path(cache_dir) if cache_dir is not None else raw_dir() / ".cache"
    record = record / "verified.json"
    if memo is None and record.is_file():
        try:
            stored = json.loads(record.read_text(encoding="utf-8")).get(name)
            memo = (stored[0], stored[1]) if stored else None
        except (OSError, ValueError, TypeError, IndexError):
            memo = None  # an unreadable record is simply rebuilt
    if memo is not None and list(memo[0]) == key:
        digest = memo[1]
    else:
        digest = sha256_of(path)
        if _stat_key(path.stat()) == key:  # unchanged while hashing: safe to remember
            _VERIFIED[name] = (key, digest)
            _remember(record, name, key, digest)
    if digest != expected:
        raise ChecksumError(path, expected, digest, when="read")
    return digest


def _remember(record: Path, name: str, key: list, digest: str) -> None:
    import json

    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        try:
            doc = json.loads(record.read_text(encoding="utf-8"))
            if not isinstance(doc, dict):
                doc = {}
        except (OSError, ValueError):
            doc = {}
        doc[name] = [key, digest]
        fd, tmp = tempfile.mkstemp(dir=record.parent, suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        os.replace(tmp, record)
    except OSError:
        pass  # a read-only cache folder only costs re-hashing next time


@dataclass
class FetchResult:
    """What :func:`fetch` did, file by file."""

    copied: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many files were copied, downloaded and already verified."""
        return (
            f"{len(self.copied)} copied from mirror, {len(self.downloaded)} downloaded, "
            f"{len(self.skipped)} already present and verified"
        )


def _verified(path: Path, entry: CatalogFile) -> bool:
    return path.is_file() and path.stat().st_size == entry.bytes and sha256_of(path) == entry.sha256


def _install(entry: CatalogFile, target: Path, write) -> None:
    """Write a file through ``write(fh)`` under a temporary name, verify, then rename atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        actual = sha256_of(tmp)
        if actual != entry.sha256:
            raise ChecksumError(target, entry.sha256, actual)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def fetch(
    datasets=None,
    *,
    mirror: str | Path | None = "default",
    dest: str | Path | None = None,
    catalog: Catalog | None = None,
    download: bool = True,
    timeout: float = 60.0,
) -> FetchResult:
    """Install the catalog's files under ``data/raw``, verified against their sha256.

    Parameters
    ----------
    datasets : list of str, optional
        Data set ids to fetch (all when omitted).
    mirror : str or Path or None, optional
        Folder laid out like ``data/raw`` to copy from. ``"default"`` uses ``../shared/data`` when
        it exists; ``None`` never uses a mirror.
    dest : str or Path, optional
        Target folder (default ``data/raw``).
    catalog : Catalog, optional
    download : bool, optional
        Download from the recorded address when a file is not in the mirror.
    timeout : float, optional
        Seconds per download.

    Returns
    -------
    FetchResult

    Raises
    ------
    ChecksumError
        A mirrored or downloaded file does not match the catalog (nothing is installed).
    DataError
        A file is in neither the mirror nor reachable for download.

    Examples
    --------
    >>> res = fetch(["reference-mpdta"], dest=tmp, download=False)   # tmp: an empty folder
    >>> res.summary()
    '1 copied from mirror, 0 downloaded, 0 already present and verified'
    >>> fetch(["reference-mpdta"], dest=tmp, download=False).summary()   # idempotent
    '0 copied from mirror, 0 downloaded, 1 already present and verified'
    """
    catalog = catalog or load_catalog()
    dest = Path(dest) if dest is not None else raw_dir()
    if mirror == "default":
        mirror = default_mirror()
    mirror = Path(mirror) if mirror is not None else None
    if mirror is not None and not mirror.is_dir():
        raise DataError("mirror folder does not exist; expected a folder laid out like data/raw", file=mirror)
    result = FetchResult()
    for entry in catalog.files(datasets):
        target = dest / entry.path
        if _verified(target, entry):
            result.skipped.append(entry.path)
            continue
        source = mirror / entry.path if mirror is not None else None
        if source is not None and source.is_file():

            def write(fh, source=source):
                with open(source, "rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)

            try:
                _install(entry, target, write)
            except ChecksumError as exc:
                raise ChecksumError(source, exc.expected, exc.actual) from None
            result.copied.append(entry.path)
        elif download:

            def write(fh, url=entry.url, name=entry.path):
                try:
                    with urllib.request.urlopen(url, timeout=timeout) as resp:
                        shutil.copyfileobj(resp, fh, 1 << 20)
                except OSError as exc:
                    raise DataError(
                        f"download failed ({exc}); expected the file at {url}. Provide a mirror "
                        "with --mirror DIR if this machine has no network.",
                        file=name,
                    ) from None

            _install(entry, target, write)
            result.downloaded.append(entry.path)
        else:
            raise DataError(
                f"not in the mirror {mirror} and downloads are disabled; expected the file from {entry.url}",
                file=entry.path,
            )
    return result
