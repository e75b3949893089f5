"""Comparison networks: ``data/networks/<name>.yml`` -> one validated :class:`Network`.

A network config declares the cities of a comparison, each city's population sources and area
geometry (by importer), the group definitions to compare and, per city, its governance profile.
:func:`load_network` runs the importers, converts every geometry to EPSG:3035, checks everything
(:func:`compare.model.validate_areas` / :func:`~compare.model.validate_population`) and keeps a
record of what it noticed: suppressed cells, population ids without geometry (kept aside in
``Network.unmatched``, never silently dropped), changes of area level over time.

Config keys (city level)
    ``name``, ``country``, ``national_crs``, ``governance_profile`` (a path),
    ``periods`` (optional subset), ``group_definitions`` (names), ``sources`` (list) and
    ``areas`` (one mapping, or a list for several boundary vintages). Each source/areas mapping
    has an ``importer``: ``paavo_pxweb``, ``paavo_2019``, ``berlin_lor``, ``postal_areas`` or
    ``generic`` (see :mod:`compare.sources.generic`), and either ``dataset`` (+ ``file``) from the
    catalog or a ``path``. Relative paths resolve against the network file's folder (for the
    shipped networks under ``data/networks/``, a path found under ``data/`` is taken from there).
    The keys are declared and checked in :mod:`compare.schema` (``NetworkConfig``, and per
    importer the spec registered with :func:`compare.schema.register_source_spec`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.model import (
    DEFAULT_GROUP_DEFINITIONS,
    METRIC_CRS,
    GroupDefinition,
    ImportReport,
    validate_areas,
    validate_population,
)
from compare.paths import data_dir, raw_dir
from compare.schema import SOURCE_SPECS, did_you_mean, read_network, resolve_config_path
from compare.sources.catalog import Catalog, Dataset, fetch, load_catalog, sha256_of, verify_file
from compare.sources.importers import get_importer, spec_files

__all__ = ["City", "Network", "load_network", "read_network_config", "network_path", "IMPORTERS"]

#: Importer names a network file may use (declared in :data:`compare.schema.SOURCE_SPECS`).
IMPORTERS = tuple(SOURCE_SPECS)


@dataclass
class City:
    """A city of a network, as configured."""

    id: str
    name: str
    country: str = ""
    national_crs: str | None = None
    governance_profile: Path | None = None
    periods: list[str] | None = None
    group_definitions: list[str] = field(default_factory=list)
    role: str = ""
    config: dict = field(default_factory=dict)


@dataclass
class Network:
    """A loaded comparison network: cities, canonical tables and what the import noticed.

    Attributes
    ----------
    name, title : str
    cities : dict of str -> City
    areas : geopandas.GeoDataFrame
        Canonical areas of every city (EPSG:3035).
    population : pandas.DataFrame
        Canonical long population table of every city.
    group_definitions : dict of str -> GroupDefinition
    reports : dict of str -> list of ImportReport
        Per city: suppressed cells, notes.
    unmatched : pandas.DataFrame
        Population area ids with no geometry (``city, area_id, period, vintage, n_values``); these
        rows are not in ``population``.
    files : pandas.DataFrame
        Every data file read: ``city, dataset, path, sha256`` (provenance).
    """

    name: str
    title: str
    path: Path
    config: dict
    cities: dict[str, City]
    areas: gpd.GeoDataFrame
    population: pd.DataFrame
    group_definitions: dict[str, GroupDefinition]
    reports: dict[str, list[ImportReport]]
    unmatched: pd.DataFrame
    files: pd.DataFrame
    catalog: Catalog
    min_population: float = 0.0

    def __repr__(self) -> str:
        """Short: ``<Network helsinki-berlin: 4 cities, 26 periods, 614 areas>``."""
        n_periods = self.population["period"].nunique() if "period" in self.population else 0
        return (
            f"<Network {self.name}: {len(self.cities)} cit{'y' if len(self.cities) == 1 else 'ies'}, "
            f"{n_periods} period{'' if n_periods == 1 else 's'}, {len(self.areas)} areas>"
        )

    @property
    def lead_city(self) -> str | None:
        """Id of the network's lead city, if declared."""
        return self.config.get("lead_city")

    def city_tables(self, city: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
        """``(areas, population)`` of one city."""
        self._check_city(city)
        return (
            self.areas[self.areas["city"] == city].reset_index(drop=True),
            self.population[self.population["city"] == city].reset_index(drop=True),
        )

    def definitions_for(self, city: str) -> list[GroupDefinition]:
        """The group definitions declared for a city."""
        self._check_city(city)
        return [self.group_definitions[n] for n in self.cities[city].group_definitions]

    def supported_definitions(self, city: str) -> list[str]:
        """Names of the group definitions (built-in or declared) the city's imported variables support.

        A definition is supported when its total and every one of its groups are among the
        city's variables: what a city that declares none could declare.

        Examples
        --------
        >>> net = load_network("helsinki-berlin", cities=["berlin"])
        >>> "foreigners" in net.supported_definitions("berlin")
        True
        """
        self._check_city(city)
        present = set(self.population.loc[self.population["city"] == city, "variable"].astype(str))
        defs = _group_definitions(self.config, self.path)
        return [n for n, g in defs.items() if {g.total, *g.groups} <= present]

    def require_definitions(self, cities=None) -> None:
        """Refuse cities that declare no group definition, saying which ones their data support.

        Raises
        ------
        ConfigError
            Naming the network file, the key ``cities.<id>.group_definitions`` and the
            definitions to choose from (or the variables a definition needs).
        """
        for cid in cities or list(self.cities):
            if self.cities[cid].group_definitions:
                continue
            options = self.supported_definitions(cid)
            hint = (
                f"its variables support {options}: add e.g. `group_definitions: [{', '.join(options)}]`"
                if options
                else "its variables support no built-in definition: declare one under "
                "`group_definitions:` (group, total, groups) with variables the city has"
            )
            raise ConfigError(
                f"city {cid!r} declares no group definitions, so no segregation index can be computed; "
                f"{hint}",
                file=self.path,
                key=f"cities.{cid}.group_definitions",
            )

    def _check_city(self, city: str) -> None:
        if city not in self.cities:
            raise ConfigError(
                f"unknown city {city!r}; the network has {sorted(self.cities)}",
                file=self.path,
                key="cities",
            )

    def attribution(self) -> list[str]:
        """Citation lines of every data set the network reads (for report footers)."""
        ids = list(dict.fromkeys(self.files["dataset"].dropna()))
        return [self.catalog[i].citation for i in ids if i in self.catalog.datasets]

    def summary(self) -> pd.DataFrame:
        """Per-city figures: areas, periods, groups, suppressed cells, unmatched ids.

        Examples
        --------
        >>> net = load_network("helsinki-berlin", cities=["vantaa"])
        >>> net.summary()[["city", "areas", "periods", "suppressed_cells"]]
             city  areas  periods  suppressed_cells
        0  vantaa     36        6                 ...
        """
        rows = []
        for cid, city in self.cities.items():
            a = self.areas[self.areas["city"] == cid]
            p = self.population[self.population["city"] == cid]
            periods = sorted(p["period"].unique())
            unmatched = self.unmatched[self.unmatched["city"] == cid]
            pops = p[p["variable"] == "population"].groupby("period")["count"].sum()
            rows.append(
                {
                    "city": cid,
                    "name": city.name,
                    "areas": int(a["area_id"].nunique()),
                    "area_levels": ", ".join(sorted(a["area_level"].unique())),
                    "periods": len(periods),
                    "first_period": periods[0] if periods else "",
                    "last_period": periods[-1] if periods else "",
                    "population_last": float(pops.iloc[-1]) if len(pops) else float("nan"),
                    "variables": int(p["variable"].nunique()),
                    "group_definitions": ", ".join(city.group_definitions),
                    "suppressed_cells": int(p["count"].isna().sum()),
                    "unmatched_ids": int(unmatched["area_id"].nunique()),
                }
            )
        return pd.DataFrame(rows)

    def notes(self) -> list[str]:
        """Everything the import noticed, one sentence each, prefixed with the city."""
        out = []
        for cid, reps in self.reports.items():
            for r in reps:
                out += [f"{cid}: {n}" for n in r.notes]
        return out


def network_path(name: str | Path) -> Path:
    """Resolve a network name (``"helsinki-berlin"``) or path to its YAML file."""
    p = Path(name)
    if p.suffix in (".yml", ".yaml"):
        if not p.is_file():
            raise ConfigError("network config not found", file=p)
        return p
    cand = data_dir() / "networks" / f"{name}.yml"
    if not cand.is_file():
        known = sorted(x.stem for x in (data_dir() / "networks").glob("*.yml"))
        raise ConfigError(f"unknown network {str(name)!r}; known networks: {known}", file=cand)
    return cand


def network_record(name: str | Path) -> dict:
    """Id, title, description, config path and data attribution of a network (for report pages).

    ``id`` is the slug of the network's ``name`` (its report folder); ``attribution`` the
    citations of every catalog data set its cities read (as the importers read them) and of every
    file of a user's own that the config cites (``citation``, ``licence``).

    Examples
    --------
    >>> r = network_record("helsinki-berlin")
    >>> r["id"], r["config"].endswith("helsinki-berlin.yml")
    ('helsinki-berlin', True)
    >>> any("Census 2021" in a for a in network_record("joining-forces")["attribution"])
    True
    """
    from compare.files import slugify
    from compare.paths import raw_dir
    from compare.sources.catalog import load_catalog
    from compare.sources.importers import spec_files

    cfg, cfg_path = read_network_config(name)
    catalog = load_catalog()
    attribution: set[str] = set()
    for c in cfg["cities"].values():
        # catalog data sets as the importers read them (the grid importer names its own data set)
        for label in spec_files(c, catalog, raw_dir(), cfg_path):
            ds_id = label.split(":", 1)[0]
            if ds_id != "path" and ds_id in catalog.datasets:
                attribution.add(catalog[ds_id].citation)
        # a user's own file carries its citation (and licence) in the config
        areas = c["areas"] if isinstance(c["areas"], list) else [c["areas"]]
        for spec in list(c.get("sources") or []) + areas:
            if spec.get("citation") and not spec.get("dataset"):
                lic = f" ({spec['licence']})" if spec.get("licence") else ""
                attribution.add(f"{spec['citation']}{lic}")
    return {
        "id": slugify(str(cfg.get("name") or name), what="network"),
        "name": cfg.get("title") or cfg.get("name") or str(name),
        "description": " ".join(str(cfg.get("description", "")).split()),
        "config": str(cfg_path),
        "attribution": sorted(attribution),
    }


def read_network_config(name: str | Path) -> tuple[dict, Path]:
    """Read and validate a network YAML against :mod:`compare.schema`; return ``(config, path)``.

    Every key is checked before anything is imported (types, unknown keys with a "did you mean",
    each ``sources:`` / ``areas:`` entry against its importer's registered spec); errors read
    ``file: key.path: expected ..., got ...``.
    """
    path = network_path(name)
    _, cfg = read_network(path)
    return cfg, path


class _Resolver:
    """Finds the local file of a source spec (catalog data set, or a path under data/)."""

    def __init__(self, catalog: Catalog, cfg_path: Path, raw: Path, mirror, auto_fetch: bool):
        self.catalog, self.cfg_path, self.raw = catalog, cfg_path, raw
        self.mirror, self.auto_fetch = mirror, auto_fetch
        self.used: list[dict] = []
        self._fetched: set[str] = set()

    def dataset_folder(self, spec: dict, key: str, sub: str = "") -> Path:
        ds = self._dataset(spec, key)
        prefix = _common_prefix([f.path for f in ds.files])
        return self.raw / prefix / sub

    def _dataset(self, spec: dict, key: str):
        if "dataset" not in spec:
            raise ConfigError("missing `dataset` (a catalog id) or `path`", file=self.cfg_path, key=key)
        try:
            ds = self.catalog[spec["dataset"]]
        except ConfigError as exc:
            raise ConfigError(exc.reason, file=self.cfg_path, key=f"{key}.dataset") from None
        if ds.id not in self._fetched:
            missing = [f for f in ds.files if not (self.raw / f.path).is_file()]
            if missing and self.auto_fetch:
                fetch([ds.id], mirror=self.mirror, dest=self.raw, catalog=self.catalog, download=False)
            elif missing:
                raise DataError(
                    "file not found; run `python -m compare data fetch`",
                    file=self.raw / missing[0].path,
                )
            for f in ds.files:  # verified when read, not only when fetched
                verify_file(self.raw / f.path, f.sha256, cache_dir=self.raw / ".cache")
            self._fetched.add(ds.id)
        return ds

    def record(self, city: str, spec: dict, key: str, files) -> None:
        dataset = spec.get("dataset")
        if dataset is None and "path" in spec:
            dataset = self.user_dataset(city, spec, key)
        for f in files:
            f = Path(f)
            entry = None
            if "dataset" in spec:
                ds = self.catalog[spec["dataset"]]
                rel = f.relative_to(self.raw).as_posix() if f.is_relative_to(self.raw) else None
                entry = next((e for e in ds.files if e.path == rel), None)
            self.used.append(
                {
                    "city": city,
                    "dataset": dataset,
                    "path": str(f),
                    "sha256": entry.sha256 if entry else sha256_of(f),
                }
            )

    def user_dataset(self, city: str, spec: dict, key: str) -> str:
        """Register the user's own file (``path:``) as a data set, with its citation and licence."""
        p = resolve_config_path(spec["path"], self.cfg_path, fallback=data_dir())
        ds_id = f"{city}:{p.name}"
        if ds_id not in self.catalog.datasets:
            citation = spec.get("citation") or (
                f"{p.name} (file supplied by the network; no citation declared: add `citation:` "
                f"and `licence:` to {key} in {self.cfg_path.name})"
            )
            self.catalog.datasets[ds_id] = Dataset(
                id=ds_id,
                title=spec.get("title") or p.name,
                publisher=spec.get("publisher") or "",
                licence=spec.get("licence") or "not declared",
                citation=citation,
                source_page=spec.get("url") or "",
                files=(),
            )
        return ds_id

    def file(self, spec: dict, key: str, default: str | None = None) -> Path:
        if "path" in spec:
            p = resolve_config_path(spec["path"], self.cfg_path, fallback=data_dir())
            if not p.is_file():
                raise DataError(f"file not found (from {key}.path)", file=p)
            return p
        ds = self._dataset(spec, key)
        name = spec.get("file", default)
        if name is None:
            raise ConfigError("missing `file` within the data set", file=self.cfg_path, key=f"{key}.file")
        try:
            entry = self.catalog.file(ds.id, name)
        except ConfigError as exc:
            raise ConfigError(exc.reason, file=self.cfg_path, key=f"{key}.file") from None
        return self.raw / entry.path


def _common_prefix(paths: list[str]) -> str:
    parts = [p.split("/")[:-1] for p in paths]
    out = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        out.append(level[0])
    return "/".join(out)


def _import_population(cid, spec, key, res, report, cache, areas=None):
    return get_importer(spec["importer"]).read_population(cid, spec, key, res, report, cache, areas)


def _import_areas(cid, spec, key, res, report, cache) -> gpd.GeoDataFrame:
    return get_importer(spec["importer"]).read_areas(cid, spec, key, res, report, cache)


def load_network(
    name: str | Path,
    *,
    cities: list[str] | None = None,
    raw: str | Path | None = None,
    mirror: str | Path | None = "default",
    auto_fetch: bool = True,
    catalog: Catalog | None = None,
    cache: bool = True,
) -> Network:
    """Import, harmonise and validate every city of a comparison network.

    The validated network is cached under ``data/raw/.cache`` as parquet tables and JSON (no
    pickle), keyed by the network config, the catalog, the importer code and the sha256 of every
    data file the config names: any change to these re-imports. Every catalog file is verified
    against its catalog sha256 when it is read (a changed or truncated file is refused, naming
    both digests); an unreadable cache entry is treated as absent.

    Parameters
    ----------
    name : str or Path
        Network name (``data/networks/<name>.yml``) or a path to a network YAML file.
    cities : list of str, optional
        Load only these cities (default, or an empty list: all). Tables list cities in the
        network file's order whatever the order given here, so a cached and a fresh load are
        identical.
    raw : str or Path, optional
        Folder of fetched files (default ``data/raw``).
    mirror : str or Path or None, optional
        Mirror used when ``auto_fetch`` needs to fetch missing files (default ``../shared/data``).
    auto_fetch : bool, optional
        Copy missing catalog files from the mirror (verified) instead of failing.
    catalog : Catalog, optional
    cache : bool, optional
        Reuse (and write) the on-disk cache of the validated network.

    Returns
    -------
    Network

    Raises
    ------
    ConfigError
        Malformed YAML, unknown key, city, importer, data set or group definition.
    DataError
        Missing file, missing column, bad count, duplicate id, bad geometry, group > total, ...

    Examples
    --------
    >>> net = load_network("helsinki-berlin", cities=["vantaa"])
    >>> net
    <Network helsinki-berlin: 1 city, 6 periods, 36 areas>
    >>> int(net.summary().loc[0, "areas"])
    36
    """
    cfg, path = read_network_config(name)
    cities = list(dict.fromkeys(cities)) if cities else None
    catalog = catalog or load_catalog()
    raw = Path(raw) if raw is not None else raw_dir()
    key = f"{path.stem}-{_cache_key(cfg, path, catalog, raw, cities)}" if cache else None
    key = None if key and key.endswith("-None") else key
    net = _read_cache(raw, key, cfg, path, catalog, cities) if key else None
    if net is None:
        # the first reports of a run start together: one imports, the others wait and read its entry
        with _import_lock(raw, key):
            net = _read_cache(raw, key, cfg, path, catalog, cities) if key else None
            if net is None:
                net = _load(cfg, path, catalog, raw, cities, mirror, auto_fetch)
                if key:
                    _write_cache(raw, key, net, catalog)
    if len(net.unmatched):
        per_city = net.unmatched.groupby("city")["area_id"].unique()
        warnings.warn(
            "area ids without geometry kept aside in Network.unmatched: "
            + "; ".join(f"{c}: {sorted(ids)}" for c, ids in per_city.items()),
            stacklevel=2,
        )
    return net


def _cache_key(cfg: dict, path: Path, catalog: Catalog, raw: Path, cities) -> str | None:
    """Hash of everything a loaded network depends on; ``None`` when a file is not fetched yet.

    Data files enter by content: catalog files by their sha256, verified against the catalog
    (:func:`~compare.sources.catalog.verify_file`, remembered by inode, size and times, never
    trusted after a change), the user's own files by their sha256.
    """
    h = hashlib.sha256()
    h.update(path.read_bytes())
    # the set of cities, not how it was asked for: every report asks for all cities, in its own order
    h.update(repr(sorted(set(cities or cfg["cities"]))).encode())
    if catalog.source is not None:
        h.update(Path(catalog.source).read_bytes())
    code = sorted(Path(__file__).parent.glob("*.py")) + [Path(__file__).parents[1] / "model.py"]
    for f in code:
        h.update(f.read_bytes())
    files: set[Path] = set()
    for c in cfg["cities"].values():
        files |= set(spec_files(c, catalog, raw, path).values())  # the importers say what they read
    # catalog files enter by their catalog sha256 (verified), the user's own files by their content
    listed = {raw / f.path: f.sha256 for ds in catalog.datasets.values() for f in ds.files}
    for f in sorted(files):
        if not f.is_file():
            return None
        if f in listed:
            digest = verify_file(f, listed[f], cache_dir=raw / ".cache")
        else:
            digest = sha256_of(f)
        h.update(f"{f}:{digest}".encode())
    return h.hexdigest()[:24]


_TABLES = ("areas", "population", "unmatched", "files")


def _cache_dir(raw: Path, key: str) -> Path:
    return raw / ".cache" / f"network-{key}"


def _lock_path(raw: Path, key: str) -> Path:
    return raw / ".cache" / f".lock-network-{key}"


@contextlib.contextmanager
def _import_lock(raw: Path, key: str | None):
    """Hold the cache entry's lock (:func:`fcntl.flock`, released by the system if the process dies).

    No lock without a cache key, without ``fcntl`` or in a read-only data folder: then every
    process imports for itself, as before.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        fcntl = None
    lock = None
    if key and fcntl is not None:
        path = _lock_path(raw, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(path, "a+")  # noqa: SIM115 - held for the with-block
        except OSError:
            lock = None
    if lock is None:
        yield
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _read_cache(raw: Path, key: str, cfg: dict, path: Path, catalog: Catalog, cities) -> Network | None:
    """The cached network (parquet tables + JSON), or ``None`` if absent or unreadable.

    The cache holds data only (no pickle: nothing in it can run code); anything that does not
    read back cleanly is treated as absent and rebuilt.
    """
    import json

    folder = _cache_dir(raw, key)
    if not (folder / "meta.json").is_file():
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        tables = {}
        for t in _TABLES:
            if t == "areas":
                tables[t] = gpd.read_parquet(folder / f"{t}.parquet")
            else:
                tables[t] = pd.read_parquet(folder / f"{t}.parquet")
        cat = Catalog(dict(catalog.datasets), source=catalog.source)
        for d in meta["user_datasets"]:
            cat.datasets[d["id"]] = Dataset(**{**d, "files": ()})
        wanted = [c for c in cfg["cities"] if cities is None or c in set(cities)]
        defs = _group_definitions(cfg, path)
        city_objs = {cid: _city_object(cid, cfg["cities"][cid], path, defs) for cid in wanted}
        reports = {
            cid: [ImportReport(**r) for r in reps] for cid, reps in meta["reports"].items()
        }
        return Network(
            name=meta["name"],
            title=meta["title"],
            path=path,
            config=cfg,
            cities=city_objs,
            areas=tables["areas"],
            population=tables["population"],
            group_definitions={g: defs[g] for c in city_objs.values() for g in c.group_definitions},
            reports=reports,
            unmatched=tables["unmatched"],
            files=tables["files"],
            catalog=cat,
            min_population=float(meta["min_population"]),
        )
    except Exception:  # noqa: BLE001 - a stale, truncated or foreign cache is simply rebuilt
        return None


def _write_cache(raw: Path, key: str, net: Network, base: Catalog) -> None:
    import json
    import shutil
    from dataclasses import asdict

    folder = _cache_dir(raw, key)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".part-"))
    except OSError:
        return  # a read-only data folder: run without a cache
    try:
        for t in _TABLES:
            getattr(net, t).to_parquet(tmp / f"{t}.parquet", index=False)
        user = [
            {k: v for k, v in asdict(d).items() if k != "files"}
            for i, d in net.catalog.datasets.items()
            if i not in base.datasets
        ]
        meta = {
            "name": net.name,
            "title": net.title,
            "min_population": net.min_population,
            "reports": {c: [asdict(r) for r in reps] for c, reps in net.reports.items()},
            "user_datasets": user,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, default=str), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError:
        return
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    stem = key.rsplit("-", 1)[0]
    for old in folder.parent.glob(f"network-{stem}-*"):
        if old != folder and old.name.count("-") == folder.name.count("-"):
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    lock = _lock_path(raw, key)
    for old in folder.parent.glob(f".lock-network-{stem}-*"):  # the locks of the entries removed
        if old != lock and old.name.count("-") == lock.name.count("-"):
            old.unlink(missing_ok=True)


def _group_definitions(cfg: dict, path: Path) -> dict[str, GroupDefinition]:
    defs = dict(DEFAULT_GROUP_DEFINITIONS)
    for gname, spec in (cfg.get("group_definitions") or {}).items():
        defs[gname] = GroupDefinition.from_dict(gname, spec)
    return defs


def _city_object(cid: str, c: dict, path: Path, defs: dict) -> City:
    gp = c.get("governance_profile")
    city = City(
        id=cid,
        name=c["name"],
        country=c.get("country", ""),
        national_crs=c.get("national_crs"),
        governance_profile=resolve_config_path(gp, path, fallback=data_dir()) if gp else None,
        periods=[str(p) for p in c["periods"]] if c.get("periods") else None,
        group_definitions=list(c.get("group_definitions") or []),
        role=c.get("role", ""),
        config=c,
    )
    for g in city.group_definitions:
        if g not in defs:
            raise ConfigError(
                f"unknown group definition {g!r}{did_you_mean(g, defs) or ';'} known: {sorted(defs)}",
                file=path,
                key=f"cities.{cid}.group_definitions",
            )
    return city


def _load(cfg, path, catalog, raw, cities, mirror, auto_fetch) -> Network:
    # the network's own catalog: the shared one plus the user's files with their citations
    catalog = Catalog(dict(catalog.datasets), source=catalog.source)
    res = _Resolver(catalog, path, raw, mirror, auto_fetch)
    crs = cfg.get("crs", METRIC_CRS)
    defs = _group_definitions(cfg, path)

    for c in cities or []:
        if c not in cfg["cities"]:
            raise ConfigError(
                f"unknown city {c!r}; the network has {sorted(cfg['cities'])}",
                file=path,
                key="cities",
            )
    wanted = [c for c in cfg["cities"] if cities is None or c in set(cities)]

    all_areas, all_pop, reports, unmatched, city_objs = [], [], {}, [], {}
    cache: dict = {}
    for cid in wanted:
        c = cfg["cities"][cid]
        report = ImportReport(cid)
        reports[cid] = [report]
        city_objs[cid] = _city_object(cid, c, path, defs)

        # areas (one or several boundary vintages)
        area_specs = c["areas"] if isinstance(c["areas"], list) else [c["areas"]]
        parts = []
        for i, spec in enumerate(area_specs):
            key = f"cities.{cid}.areas" + (f"[{i}]" if isinstance(c["areas"], list) else "")
            g = _import_areas(cid, spec, key, res, report, cache)
            if g.crs is None:
                raise DataError("areas have no CRS", file=path, column=key)
            parts.append(g.to_crs(crs))
        areas = pd.concat(parts, ignore_index=True)
        areas = gpd.GeoDataFrame(areas, geometry="geometry", crs=crs)
        areas.insert(0, "city", cid)

        # population
        pops = []
        for i, spec in enumerate(c["sources"]):
            key = f"cities.{cid}.sources[{i}]"
            df, vintage = _import_population(cid, spec, key, res, report, cache, areas)
            if "vintage" not in df.columns:
                df["vintage"] = spec.get("vintage") or _only(areas["vintage"].unique(), path, key)
            pops.append(df)
        pop = pd.concat(pops, ignore_index=True)
        pop.insert(0, "city", cid)

        # names from the population source where the geometry has none
        if "area_name" in pop.columns:
            latest = pop.sort_values("period").drop_duplicates(["vintage", "area_id"], keep="last")
            names = dict(
                zip(
                    zip(latest["vintage"], latest["area_id"], strict=False),
                    latest["area_name"],
                    strict=False,
                )
            )
            blank = areas["area_name"].fillna("").eq("")
            areas.loc[blank, "area_name"] = [
                names.get((v, a), "")
                for v, a in zip(areas.loc[blank, "vintage"], areas.loc[blank, "area_id"], strict=False)
            ]
        pop = pop.drop(columns=[col for col in ("area_name", "area_level") if col in pop.columns])

        if city_objs[cid].periods:
            have = set(pop["period"])
            missing = [p for p in city_objs[cid].periods if p not in have]
            if missing:
                raise ConfigError(
                    f"period(s) {missing} not in the data; available: {sorted(have)}",
                    file=path,
                    key=f"cities.{cid}.periods",
                )
            pop = pop[pop["period"].isin(city_objs[cid].periods)]

        # keep ids without geometry aside, reported
        known = pd.MultiIndex.from_frame(areas[["vintage", "area_id"]])
        probe = pd.MultiIndex.from_frame(pop[["vintage", "area_id"]])
        lost = ~probe.isin(known)
        if lost.any():
            lost_rows = pop[lost]
            key_cols = ["area_id", "period", "vintage"]
            um = lost_rows.groupby(key_cols).size().rename("n_values").reset_index()
            lost_pop = lost_rows[lost_rows["variable"] == "population"]
            um = um.merge(
                lost_pop.groupby(key_cols)["count"].sum(min_count=1).rename("population").reset_index(),
                on=key_cols,
                how="left",
            )
            um.insert(0, "city", cid)
            unmatched.append(um)
            ids = sorted(um["area_id"].unique())
            report.notes.append(
                f"{len(ids)} area id(s) in the population data have no geometry and are kept aside in "
                f"Network.unmatched (not used in indices): {ids[:12]}{'...' if len(ids) > 12 else ''}"
            )
            pop = pop[~lost]
        nodata = set(areas["area_id"]) - set(pop["area_id"])
        if nodata:
            report.notes.append(
                f"{len(nodata)} area(s) have geometry but no population data: {sorted(nodata)[:12]}"
            )
        if areas["area_level"].nunique() > 1:
            levels = areas.groupby("area_level")["vintage"].first().to_dict()
            report.notes.append(
                f"area level changes over time: {levels}; indices across the break are not comparable"
            )
        if report.suppressed:
            report.notes.append(
                f"{report.suppressed} suppressed cell(s) imported as missing (NaN), never as 0"
            )

        validate_areas(areas, source=f"{path.name}: cities.{cid}.areas")
        pop = validate_population(
            pop[["city", "area_id", "period", "variable", "count", "vintage"]],
            areas=areas,
            group_definitions=[defs[g] for g in city_objs[cid].group_definitions],
            source=f"{path.name}: cities.{cid}.sources",
        )
        have_vars = set(pop["variable"])
        for g in city_objs[cid].group_definitions:
            lack = [v for v in defs[g].variables if v not in have_vars]
            if lack:
                raise ConfigError(
                    f"group definition {g!r} needs variable(s) {lack}, which the city's sources "
                    "do not provide",
                    file=path,
                    key=f"cities.{cid}.group_definitions",
                )
        all_areas.append(areas[["city", "area_id", "area_name", "area_level", "vintage", "geometry"]])
        all_pop.append(pop)

    # checks across cities, by the importers that ask for them (e.g. two cities on the same grid cells)
    by_city = {c: a for c, a in zip(wanted, all_areas, strict=True)}
    used = {s["importer"] for c in wanted for s in _specs(cfg["cities"][c])}
    for name in sorted(used):
        get_importer(name).check_network(by_city, reports, cfg)
    areas = gpd.GeoDataFrame(pd.concat(all_areas, ignore_index=True), geometry="geometry", crs=crs)
    population = pd.concat(all_pop, ignore_index=True)
    unmatched_df = (
        pd.concat(unmatched, ignore_index=True)
        if unmatched
        else pd.DataFrame(columns=["city", "area_id", "period", "vintage", "n_values", "population"])
    )
    return Network(
        name=cfg.get("name", path.stem),
        title=cfg.get("title", path.stem),
        path=path,
        config=cfg,
        cities=city_objs,
        areas=areas,
        population=population,
        group_definitions={g: defs[g] for c in city_objs.values() for g in c.group_definitions},
        reports=reports,
        unmatched=unmatched_df,
        files=pd.DataFrame(res.used, columns=["city", "dataset", "path", "sha256"]),
        catalog=catalog,
        min_population=float(cfg.get("min_population", 0)),
    )


def _specs(c: dict) -> list[dict]:
    return list(c["sources"]) + (c["areas"] if isinstance(c["areas"], list) else [c["areas"]])


def _only(values, path, key):
    values = list(values)
    if len(values) != 1:
        raise ConfigError(
            f"the city has several area vintages {values}; give `vintage:` on the source",
            file=path,
            key=key,
        )
    return values[0]
