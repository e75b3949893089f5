"""Assessment rubrics as data: dimensions, criteria and the maturity scale.

A rubric file (YAML under ``data/rubrics/``) lists the frameworks it draws on, its dimensions
and, per dimension, criteria that cite those frameworks. Every criterion is scored on the
maturity scale 0-4 (:data:`MATURITY_SCALE`). Users can swap in their own rubric file: nothing
about the dimensions is hard-coded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from compare.errors import ConfigError
from compare.governance._io import read_yaml, resolve_path
from compare.governance.evidence import parse_sources
from compare.schema import Location, validate
from compare.schema import check_keys as _check_keys
from compare.schema import require_mapping as _require_mapping
from compare.schema.governance import RubricConfig

__all__ = [
    "MATURITY_SCALE",
    "Criterion",
    "Dimension",
    "Rubric",
    "load_rubric",
    "DEFAULT_RUBRIC",
]

#: The default rubric file name under ``data/rubrics/``.
DEFAULT_RUBRIC = "area-governance-v1.yml"

#: Maturity levels 0-4 shared by all criteria unless a rubric declares its own ``scale``.
MATURITY_SCALE: dict[int, str] = {
    0: "absent",
    1: "ad hoc",
    2: "formalised",
    3: "resourced and implemented",
    4: "evaluated and adaptive",
}


@dataclass(frozen=True)
class Criterion:
    """One scored criterion of a rubric."""

    id: str
    name: str
    dimension: str
    question: str = ""
    frameworks: tuple[str, ...] = ()
    levels: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Dimension:
    """A group of criteria (e.g. horizontal integration)."""

    id: str
    name: str
    description: str = ""
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class Rubric:
    """A rubric: frameworks, dimensions, criteria and a maturity scale.

    Examples
    --------
    >>> r = load_rubric()
    >>> r.scale[4]
    'evaluated and adaptive'
    >>> len(r.criteria) >= 10
    True
    """

    id: str
    title: str
    dimensions: tuple[Dimension, ...]
    scale: Mapping[int, str]
    frameworks: Mapping[str, object]
    path: Path | None = None
    version: str = ""

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria in rubric order."""
        return tuple(c for d in self.dimensions for c in d.criteria)

    def __repr__(self) -> str:
        """Short: ``<Rubric area-governance-v1 1.1: 5 dimensions, 14 criteria, scale 0-4>``."""
        levels = sorted(self.scale)
        scale = f", scale {levels[0]}-{levels[-1]}" if levels else ""
        version = f" {self.version.split()[0]}" if self.version else ""
        return (
            f"<Rubric {self.id}{version}: {len(self.dimensions)} dimensions, "
            f"{len(self.criterion_ids)} criteria{scale}>"
        )

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """Criterion ids in rubric order."""
        return tuple(c.id for c in self.criteria)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        """Dimension ids in rubric order."""
        return tuple(d.id for d in self.dimensions)

    def criterion(self, criterion_id: str) -> Criterion:
        """Return a criterion by id; raise :class:`ConfigError` for an unknown id."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise ConfigError(
            f"unknown criterion {criterion_id!r}; rubric {self.id!r} has {list(self.criterion_ids)}",
            file=self.path,
            key="dimensions",
        )

    def dimension(self, dimension_id: str) -> Dimension:
        """Return a dimension by id; raise :class:`ConfigError` for an unknown id."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise ConfigError(
            f"unknown dimension {dimension_id!r}; rubric {self.id!r} has {list(self.dimension_ids)}",
            file=self.path,
            key="dimensions",
        )

    def dimension_of(self, criterion_id: str) -> str:
        """Dimension id of a criterion."""
        return self.criterion(criterion_id).dimension

    def table(self) -> pd.DataFrame:
        """Return one row per criterion (dimension, criterion, name, question, frameworks).

        Examples
        --------
        >>> load_rubric().table().columns.tolist()[:3]
        ['dimension', 'dimension_name', 'criterion']
        """
        rows = []
        for d in self.dimensions:
            for c in d.criteria:
                rows.append(
                    {
                        "dimension": d.id,
                        "dimension_name": d.name,
                        "criterion": c.id,
                        "name": c.name,
                        "question": c.question,
                        "frameworks": ", ".join(c.frameworks),
                    }
                )
        return pd.DataFrame(rows)

    def validate_score(self, value, ctx: Location) -> int:
        """Check that ``value`` is an integer level of the scale."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise ctx.error(f"score {value!r} is not an integer; expected one of {sorted(self.scale)}")
        if value not in self.scale:
            lo, hi = min(self.scale), max(self.scale)
            raise ctx.error(f"score {value} is outside the maturity scale {lo}-{hi}")
        return value


_TOP_KEYS = {"id", "title", "version", "description", "scale", "frameworks", "dimensions", "note"}


def load_rubric(path=None) -> Rubric:
    """Load and validate a rubric YAML file.

    Parameters
    ----------
    path : str or Path, optional
        Rubric file. ``None`` loads the shipped default ``data/rubrics/area-governance-v1.yml``;
        a bare file name is looked up under ``data/rubrics/``.

    Returns
    -------
    Rubric

    Raises
    ------
    compare.errors.ConfigError
        Malformed YAML, a missing key, a criterion citing an undeclared framework, a duplicate
        criterion id, or a scale that is not integer levels.

    Examples
    --------
    >>> load_rubric().id
    'area-governance-v1'
    """
    if path is None:
        path = resolve_path(None, "rubrics") / DEFAULT_RUBRIC
    else:
        p = Path(path)
        if not p.exists() and p.parent == Path("."):
            p = resolve_path(None, "rubrics") / p.name
        path = p
    raw = read_yaml(path)
    ctx = Location(path, "")
    _require_mapping(raw, ctx, "id, title, scale, frameworks, dimensions")
    validate(RubricConfig, raw, path)
    _check_keys(raw, _TOP_KEYS, ctx, required=("id", "dimensions"))

    scale = dict(MATURITY_SCALE)
    if raw.get("scale") is not None:
        sc = ctx.child("scale")
        _require_mapping(raw["scale"], sc, "level -> label")
        scale = {}
        for k, v in raw["scale"].items():
            if isinstance(k, bool) or not isinstance(k, int):
                raise sc.child(str(k)).error(f"scale level {k!r} is not an integer")
            scale[k] = str(v)

    frameworks = parse_sources(raw.get("frameworks"), file=path)
    dims_raw = raw["dimensions"]
    dctx = ctx.child("dimensions")
    if not isinstance(dims_raw, list) or not dims_raw:
        raise dctx.error("expected a non-empty list of dimensions")
    dims = []
    seen: set[str] = set()
    for i, d in enumerate(dims_raw):
        c = dctx.child(i)
        _require_mapping(d, c, "id, name, criteria")
        _check_keys(d, {"id", "name", "description", "criteria"}, c, required=("id", "criteria"))
        crits = []
        if not isinstance(d["criteria"], list) or not d["criteria"]:
            raise c.child("criteria").error("expected a non-empty list of criteria")
        for j, cr in enumerate(d["criteria"]):
            cc = c.child("criteria").child(j)
            _require_mapping(cr, cc, "id, name, question, frameworks")
            _check_keys(cr, {"id", "name", "question", "frameworks", "levels"}, cc, required=("id",))
            cid = str(cr["id"])
            if cid in seen:
                raise cc.child("id").error(f"duplicate criterion id {cid!r}")
            seen.add(cid)
            fws = cr.get("frameworks") or []
            if isinstance(fws, str):
                fws = [fws]
            for k, fw in enumerate(fws):
                if str(fw) not in frameworks:
                    raise (
                        cc.child("frameworks")
                        .child(k)
                        .error(f"criterion cites unknown framework {fw!r}; declared: {sorted(frameworks)}")
                    )
            levels = cr.get("levels") or {}
            crits.append(
                Criterion(
                    id=cid,
                    name=str(cr.get("name", cid)),
                    dimension=str(d["id"]),
                    question=str(cr.get("question", "") or "").strip(),
                    frameworks=tuple(str(f) for f in fws),
                    levels=tuple(sorted((int(k), str(v)) for k, v in levels.items())),
                )
            )
        dims.append(
            Dimension(
                id=str(d["id"]),
                name=str(d.get("name", d["id"])),
                description=str(d.get("description", "") or "").strip(),
                criteria=tuple(crits),
            )
        )
    return Rubric(
        id=str(raw["id"]),
        title=str(raw.get("title", raw["id"])),
        dimensions=tuple(dims),
        scale=scale,
        frameworks=frameworks,
        path=Path(path),
        version=str(raw.get("version", "") or ""),
    )
