"""Good-practice catalogue and transfers between cities, as data.

Files under ``data/practices/`` (all ``*.yml`` are merged) hold ``sources``, ``cities``
(cities outside the profiled set that practices or transfers mention, e.g. Amadora),
``practices`` (name, origin city, themes, target groups, description, evidence) and
``transfers`` (practice, origin -> adopting city, year, programme, evidence). A transfer to or
from a city that is neither profiled nor declared under ``cities`` is an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import ConfigError
from compare.governance._io import read_yaml, resolve_path
from compare.governance.evidence import (
    Evidence,
    parse_confidence,
    parse_evidence,
    parse_sources,
)
from compare.schema import Location as _Ctx
from compare.schema import check_keys as _check_keys
from compare.schema import require_mapping as _require_mapping
from compare.schema import validate
from compare.schema.governance import PracticeFileConfig

__all__ = ["Practice", "Transfer", "TransferStage", "PracticeCatalogue", "load_practices"]


@dataclass(frozen=True)
class Practice:
    """A good practice with its origin city."""

    id: str
    name: str
    origin_city: str
    themes: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    description: str = ""
    programme: str = ""
    start_year: int | None = None
    addresses: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    confidence: str = "low"


@dataclass(frozen=True)
class TransferStage:
    """One stage of URBACT's transfer method (``understand``, ``adapt``, ``re-use``).

    ``kept``, ``adapted`` and ``dropped`` say what of the practice the adopting city kept as it
    was, changed, or left out; ``by`` who did it; every stage cites evidence.
    """

    stage: str
    year: int | None = None
    by: str = ""
    summary: str = ""
    kept: tuple[str, ...] = ()
    adapted: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Transfer:
    """A practice transferred from an origin city to an adopting city (with its stages, if recorded)."""

    practice: str
    origin: str
    adopter: str
    year: int | None = None
    programme: str = ""
    note: str = ""
    evidence: tuple[Evidence, ...] = ()
    confidence: str = "low"
    stages: tuple[TransferStage, ...] = ()

    @property
    def stage_reached(self) -> str:
        """The last recorded stage of the transfer method ("not recorded" when none is)."""
        return self.stages[-1].stage if self.stages else "not recorded"


class PracticeCatalogue:
    """Practices and transfers with queries by theme and city.

    Examples
    --------
    >>> cat = load_practices()
    >>> "tempo-orchestra" in set(cat.query(city="vantaa")["id"])
    True
    """

    def __init__(self, practices, transfers, cities: Mapping[str, Mapping], sources=None):
        self.practices = tuple(practices)
        self.transfers = tuple(transfers)
        self.cities = dict(cities)
        self.sources = dict(sources or {})

    def practice(self, practice_id: str) -> Practice:
        """Return a practice by id."""
        for p in self.practices:
            if p.id == practice_id:
                return p
        raise ConfigError(f"unknown practice {practice_id!r}", key="practices")

    def table(self) -> pd.DataFrame:
        """Return one row per practice.

        Columns ``id, name, origin_city, themes, target_groups, programme, start_year,
        confidence, adopted_by, sources``.
        """
        rows = []
        for p in self.practices:
            adopters = [t.adopter for t in self.transfers if t.practice == p.id]
            rows.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "origin_city": p.origin_city,
                    "themes": ", ".join(p.themes),
                    "target_groups": ", ".join(p.target_groups),
                    "programme": p.programme,
                    "start_year": p.start_year,
                    "confidence": p.confidence,
                    "adopted_by": ", ".join(adopters),
                    "sources": ", ".join(dict.fromkeys(e.source.id for e in p.evidence)),
                }
            )
        return pd.DataFrame(rows)

    def transfers_table(self) -> pd.DataFrame:
        """Return one row per transfer: ``practice, origin, adopter, year, programme, ...``."""
        return pd.DataFrame(
            [
                {
                    "practice": t.practice,
                    "origin": t.origin,
                    "adopter": t.adopter,
                    "year": t.year,
                    "programme": t.programme,
                    "confidence": t.confidence,
                    "sources": ", ".join(dict.fromkeys(e.source.id for e in t.evidence)),
                    "stage_reached": t.stage_reached,
                }
                for t in self.transfers
            ],
            columns=["practice", "origin", "adopter", "year", "programme", "confidence", "sources",
                     "stage_reached"],
        )

    def query(
        self,
        theme: str | None = None,
        city: str | None = None,
        target_group: str | None = None,
    ) -> pd.DataFrame:
        """Practices matching a theme, a city (origin or adopter) and/or a target group.

        Theme and target group match case-insensitively on whole entries.

        Examples
        --------
        >>> cat = load_practices()
        >>> cat.query(theme="participation")["id"].is_unique
        True
        """
        t = self.table()
        if t.empty:
            return t
        keep = np.ones(len(t), dtype=bool)
        if theme is not None:
            th = theme.lower()
            keep &= np.array([th in [x.lower() for x in p.themes] for p in self.practices])
        if target_group is not None:
            tg = target_group.lower()
            keep &= np.array([tg in [x.lower() for x in p.target_groups] for p in self.practices])
        if city is not None:
            adopted = {t.practice for t in self.transfers if city in (t.adopter, t.origin)}
            keep &= np.array([(p.origin_city == city) or (p.id in adopted) for p in self.practices])
        return t[keep].reset_index(drop=True)

    def graph(self):
        """Directed transfer network (``networkx.DiGraph``): cities as nodes, transfers as edges.

        Node attributes: ``name``, ``profiled`` (declared under ``cities`` = False).
        Edge attributes: ``practices`` (list of practice ids), ``years``, ``programmes``.

        Examples
        --------
        >>> g = load_practices().graph()
        >>> g.has_edge("amadora", "vantaa")
        True
        """
        import networkx as nx

        g = nx.DiGraph()
        for p in self.practices:
            g.add_node(p.origin_city)
        for t in self.transfers:
            for c in (t.origin, t.adopter):
                g.add_node(c)
            if g.has_edge(t.origin, t.adopter):
                e = g.edges[t.origin, t.adopter]
                e["practices"].append(t.practice)
                e["years"].append(t.year)
                e["programmes"].append(t.programme)
            else:
                g.add_edge(
                    t.origin,
                    t.adopter,
                    practices=[t.practice],
                    years=[t.year],
                    programmes=[t.programme],
                )
        for n in g.nodes:
            info = self.cities.get(n, {})
            g.nodes[n]["name"] = info.get("name", n.title())
            g.nodes[n]["profiled"] = not info.get("declared", False)
        return g


def _strs(value, ctx: _Ctx) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise ctx.error("expected a list of strings")
    return tuple(str(v) for v in value)


def _criteria(value, ctx: _Ctx, known: set[str] | None) -> tuple[str, ...]:
    """Rubric criterion ids a practice addresses, each checked against the rubric."""
    ids = _strs(value, ctx)
    for i, cid in enumerate(ids):
        if known is not None and cid not in known:
            close = difflib.get_close_matches(cid, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ctx.child(i).error(
                f"unknown rubric criterion {cid!r}{hint} (expected one of {sorted(known)})"
            )
    return ids


def _stages(raw, ctx: _Ctx, transfer_year: int | None) -> tuple[TransferStage, ...]:
    """Transfer stages in URBACT's order, each stage once, years not going back."""
    from compare.schema.governance import TRANSFER_STAGES

    out: list[TransferStage] = []
    for i, st in enumerate(raw or []):
        c = ctx.child(i)
        name = str(st["stage"])
        if out and TRANSFER_STAGES.index(name) <= TRANSFER_STAGES.index(out[-1].stage):
            raise c.child("stage").error(
                f"stage {name!r} after {out[-1].stage!r}; expected each of {list(TRANSFER_STAGES)} at most "
                "once, in that order"
            )
        year = st.get("year")
        if year is not None and out and out[-1].year is not None and year < out[-1].year:
            raise c.child("year").error(f"year {year} is before the previous stage's year {out[-1].year}")
        out.append(
            TransferStage(
                stage=name,
                year=year,
                by=str(st.get("by", "") or ""),
                summary=str(st.get("summary", "") or "").strip(),
                kept=_strs(st.get("kept"), c.child("kept")),
                adapted=_strs(st.get("adapted"), c.child("adapted")),
                dropped=_strs(st.get("dropped"), c.child("dropped")),
                evidence=parse_evidence(st.get("evidence"), c.child("evidence")),
                note=str(st.get("note", "") or ""),
            )
        )
    return tuple(out)


def load_practices(
    directory=None,
    known_cities: Iterable[str] | None = None,
    known_criteria: Iterable[str] | None = None,
) -> PracticeCatalogue:
    """Load the practice catalogue and transfers from ``data/practices/*.yml``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder (or a single YAML file); default ``data/practices`` of the repository.
    known_cities : iterable of str, optional
        Profiled city ids; default: the stems of ``data/governance/*.yml``. Cities declared
        under ``cities:`` in the files are known as well.
    known_criteria : iterable of str, optional
        Rubric criterion ids a practice may address (``addresses:``); default: those of the
        default rubric.

    Returns
    -------
    PracticeCatalogue

    Raises
    ------
    compare.errors.ConfigError
        Malformed YAML, a duplicate practice id, a practice or transfer naming an unknown
        city, a transfer of an unknown practice, evidence citing an undeclared source.

    Examples
    --------
    >>> cat = load_practices()
    >>> len(cat.practices) >= 3
    True
    """
    path = resolve_path(directory, "practices")
    files = [path] if path.is_file() else sorted(path.glob("*.yml")) + sorted(path.glob("*.yaml"))
    if not files:
        raise ConfigError("no practice YAML files found", file=path)
    if known_cities is None:
        gov = resolve_path(None, "governance")
        known_cities = [p.stem for p in gov.glob("*.yml")]
    raws = []
    sources: dict = {}
    declared: dict[str, dict] = {}
    for f in files:
        raw = read_yaml(f)
        ctx = _Ctx(f, "")
        if raw is None:
            continue
        _require_mapping(raw, ctx, "sources, cities, practices, transfers")
        validate(PracticeFileConfig, raw, f)
        _check_keys(raw, {"sources", "cities", "practices", "transfers", "note"}, ctx)
        sources.update(parse_sources(raw.get("sources"), file=f))
        cities_raw = raw.get("cities") or {}
        _require_mapping(cities_raw, ctx.child("cities"), "city id -> name, country")
        for cid, spec in cities_raw.items():
            spec = dict(spec or {})
            spec["declared"] = True
            declared[str(cid)] = spec
        raws.append((f, raw))
    known = set(known_cities) | set(declared)
    if known_criteria is None:
        from compare.governance.rubric import load_rubric

        known_criteria = [c.id for c in load_rubric().criteria]
    known_criteria = set(known_criteria)

    practices: list[Practice] = []
    seen: dict[str, Path] = {}
    for f, raw in raws:
        ctx = _Ctx(f, "practices", sources)
        items = raw.get("practices") or []
        if not isinstance(items, list):
            raise ctx.error("expected a list of practices")
        for i, p in enumerate(items):
            c = ctx.child(i)
            _require_mapping(p, c, "id, name, origin_city, themes, ...")
            _check_keys(
                p,
                {
                    "id",
                    "name",
                    "origin_city",
                    "themes",
                    "target_groups",
                    "description",
                    "programme",
                    "start_year",
                    "addresses",
                    "evidence",
                    "confidence",
                },
                c,
                required=("id", "name", "origin_city"),
            )
            pid = str(p["id"])
            if pid in seen:
                raise c.child("id").error(f"duplicate practice id {pid!r} (also in {seen[pid]})")
            seen[pid] = f
            origin = str(p["origin_city"])
            if origin not in known:
                raise c.child("origin_city").error(
                    f"unknown city {origin!r}; expected a profiled city or one declared under "
                    f"'cities' ({sorted(known)})"
                )
            practices.append(
                Practice(
                    id=pid,
                    name=str(p["name"]),
                    origin_city=origin,
                    themes=_strs(p.get("themes"), c.child("themes")),
                    target_groups=_strs(p.get("target_groups"), c.child("target_groups")),
                    description=str(p.get("description", "") or "").strip(),
                    programme=str(p.get("programme", "") or ""),
                    start_year=p.get("start_year"),
                    addresses=_criteria(p.get("addresses"), c.child("addresses"), known_criteria),
                    evidence=parse_evidence(p.get("evidence"), c.child("evidence")),
                    confidence=parse_confidence(p.get("confidence"), c.child("confidence")),
                )
            )
    ids = {p.id for p in practices}
    transfers: list[Transfer] = []
    for f, raw in raws:
        ctx = _Ctx(f, "transfers", sources)
        items = raw.get("transfers") or []
        if not isinstance(items, list):
            raise ctx.error("expected a list of transfers")
        for i, t in enumerate(items):
            c = ctx.child(i)
            _require_mapping(t, c, "practice, origin, adopter, year, programme")
            _check_keys(
                t,
                {
                    "practice",
                    "origin",
                    "adopter",
                    "year",
                    "programme",
                    "note",
                    "stages",
                    "evidence",
                    "confidence",
                },
                c,
                required=("practice", "origin", "adopter"),
            )
            if str(t["practice"]) not in ids:
                raise c.child("practice").error(
                    f"transfer of unknown practice {t['practice']!r}; expected one of {sorted(ids)}"
                )
            for key in ("origin", "adopter"):
                if str(t[key]) not in known:
                    raise c.child(key).error(
                        f"practice transferred to/from unknown city {t[key]!r}; expected a "
                        f"profiled city or one declared under 'cities' ({sorted(known)})"
                    )
            year = t.get("year")
            if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
                raise c.child("year").error(f"year {year!r} is not an integer year")
            transfers.append(
                Transfer(
                    practice=str(t["practice"]),
                    origin=str(t["origin"]),
                    adopter=str(t["adopter"]),
                    year=year,
                    programme=str(t.get("programme", "") or ""),
                    note=str(t.get("note", "") or ""),
                    evidence=parse_evidence(t.get("evidence"), c.child("evidence")),
                    confidence=parse_confidence(t.get("confidence"), c.child("confidence")),
                    stages=_stages(t.get("stages"), c.child("stages"), year),
                )
            )
    return PracticeCatalogue(practices, transfers, declared, sources)
