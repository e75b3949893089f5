"""Governance-model profiles: one validated YAML file per city under ``data/governance/``.

A profile records what a researcher knows about a city's area-based model: the areas it
covers (ids of the city's areas in the data, so that outcomes can be linked), the area
leadership group and its members by type, mandate and decision rights, resources, meeting
rhythm, use of data and local knowledge, participation of residents and vulnerable groups,
links to city strategy and to other levels of government, stage, start year, local actions,
and rubric scores. Every claim carries evidence and a confidence level (see
:mod:`compare.governance.evidence`).

Area ids are strings: Finnish cities use 5-digit Paavo postal codes (``"01200"``), Berlin
uses 8-digit LOR planning-area ids (``"01011101"``). Quote them in YAML (``"01200"``), since an
unquoted ``01200`` is read as a number.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from compare.errors import ConfigError
from compare.governance._io import read_yaml, resolve_path
from compare.governance.evidence import (
    Claim,
    Evidence,
    Source,
    parse_claim,
    parse_confidence,
    parse_evidence,
    parse_sources,
)
from compare.governance.rubric import Rubric, load_rubric
from compare.schema import PERIOD_RE, Location, validate
from compare.schema import check_keys as _check_keys
from compare.schema import require_mapping as _require_mapping
from compare.schema.governance import MEMBER_TYPES, ProfileConfig

__all__ = [
    "MEMBER_TYPES",
    "STAGES",
    "CLAIM_KEYS",
    "CoveredArea",
    "Member",
    "LocalAction",
    "ActionTarget",
    "Score",
    "Assessment",
    "Profile",
    "load_profile",
    "load_profiles",
    "validate_profile_areas",
    "known_area_ids",
    "AREA_SCHEMES",
    "all_actions",
    "actions_table",
]

#: Stages of an area-based model.
STAGES: tuple[str, ...] = ("pilot", "expanding", "mainstreamed")
#: Claim keys a profile may record under ``claims:``.
CLAIM_KEYS: tuple[str, ...] = (
    "mandate",
    "decision_rights",
    "resources",
    "meeting_rhythm",
    "data_use",
    "resident_participation",
    "vulnerable_groups",
    "strategy_links",
    "multilevel_links",
    "stage",
    "start_year",
)

_PERIOD = PERIOD_RE
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: Area-id schemes with a known format; other schemes are not format-checked.
AREA_SCHEMES: dict[str, re.Pattern] = {
    "paavo-postal-code": re.compile(r"^\d{5}$"),
    "lor-planning-area-until-2020": re.compile(r"^\d{8}$"),
    "lor-forecast-area-from-2021": re.compile(r"^\d{4}$"),
}


@dataclass(frozen=True)
class CoveredArea:
    """An area of the city's data covered by the model."""

    area_id: str
    name: str = ""
    confidence: str = "low"
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Member:
    """A member (or member category) of the area leadership group."""

    type: str
    name: str
    role: str = ""
    confidence: str = "low"
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ActionTarget:
    """A local action's declared target: ``value`` (in ``unit``) to reach by ``by_period``."""

    value: float
    unit: str = "percent"
    by_period: str | None = None
    source: str = ""


@dataclass(frozen=True)
class LocalAction:
    """A local action with target areas and dates (input of :mod:`compare.evaluation`).

    Attributes
    ----------
    id : str
        Slug, unique within the profile.
    target_areas : tuple of str
        Area ids of this city (postal codes / LOR ids).
    start_period, end_period : str or None
        Period labels ``"YYYY"`` or ``"YYYY-H1"``/``"YYYY-H2"``.
    outcome_hint : str or None
        Group definition or indicator the action aims to move (e.g. ``"unemployment"``).
    responsible : str
        Partner responsible for the action ("" when the profile does not say).
    target : ActionTarget or None
        Declared target value of the outcome, if any.
    """

    id: str
    name: str
    city: str
    target_areas: tuple[str, ...]
    start_period: str | None
    end_period: str | None = None
    description: str = ""
    outcome_hint: str | None = None
    responsible: str = ""
    target: ActionTarget | None = None
    evidence: tuple[Evidence, ...] = ()
    confidence: str = "low"
    note: str = ""


@dataclass(frozen=True)
class Score:
    """A rubric score of one criterion with its rationale and evidence."""

    criterion: str
    score: int
    rationale: str = ""
    confidence: str = "low"
    evidence: tuple[Evidence, ...] = ()

    @property
    def supported(self) -> bool:
        """Whether the score cites evidence."""
        return len(self.evidence) > 0


@dataclass(frozen=True)
class Assessment:
    """Scores of a profile against one rubric (illustrative, not an official evaluation)."""

    rubric: str
    scores: Mapping[str, Score]
    label: str = "illustrative assessment, not an official evaluation"
    assessor: str = ""
    date: str = ""


@dataclass
class Profile:
    """A city's area-based governance model, as recorded in its YAML profile.

    Examples
    --------
    >>> p = load_profiles()["vantaa"]
    >>> p.city, p.stage in STAGES
    ('vantaa', True)
    >>> isinstance(p.actions[0].target_areas, tuple)
    True
    """

    city: str
    name: str
    country: str = ""
    summary: str = ""
    area_scheme: str = ""
    path: Path | None = None
    sources: Mapping[str, Source] = field(default_factory=dict)
    covered_areas: tuple[CoveredArea, ...] = ()
    leadership_group: str = ""
    members: tuple[Member, ...] = ()
    claims: Mapping[str, Claim] = field(default_factory=dict)
    actions: tuple[LocalAction, ...] = ()
    assessment: Assessment | None = None
    programmes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """Short: ``<Profile vantaa: 4 covered areas, 5 actions, 14 scores (area-governance-v1)>``.

        Examples
        --------
        >>> from compare.governance._io import find_data_dir
        >>> load_profile(find_data_dir() / "governance" / "vantaa.yml")  # doctest: +ELLIPSIS
        <Profile vantaa: ... covered areas, ... actions, ... scores (area-governance-v1)>
        """
        scores = (
            f", {len(self.assessment.scores)} scores ({self.assessment.rubric})"
            if self.assessment is not None
            else ", not assessed"
        )
        n_areas, n_actions = len(self.covered_areas), len(self.actions)
        return f"<Profile {self.city}: {n_areas} covered areas, {n_actions} actions{scores}>"

    # -- convenience ------------------------------------------------------------------
    @property
    def area_ids(self) -> tuple[str, ...]:
        """Ids of the covered areas."""
        return tuple(a.area_id for a in self.covered_areas)

    @property
    def stage(self) -> str | None:
        """Stage claim value (``pilot``, ``expanding``, ``mainstreamed``) or ``None``."""
        c = self.claims.get("stage")
        return None if c is None else str(c.value)

    @property
    def start_year(self) -> int | None:
        """Start-year claim value or ``None``."""
        c = self.claims.get("start_year")
        return None if c is None else int(c.value)

    @property
    def scores(self) -> dict[str, Score]:
        """Criterion id -> :class:`Score` (empty without an assessment)."""
        return dict(self.assessment.scores) if self.assessment else {}

    def claim(self, key: str) -> Claim | None:
        """Return the claim recorded under ``key`` (``None`` when not recorded)."""
        return self.claims.get(key)

    def unsupported_claims(self) -> list[str]:
        """Keys of claims (and ``member:<name>``, ``score:<criterion>``) without evidence.

        Examples
        --------
        >>> isinstance(load_profiles()["berlin"].unsupported_claims(), list)
        True
        """
        out = [k for k, c in self.claims.items() if not c.supported]
        out += [f"member:{m.name}" for m in self.members if not m.evidence]
        out += [f"area:{a.area_id}" for a in self.covered_areas if not a.evidence]
        out += [f"action:{a.id}" for a in self.actions if not a.evidence]
        out += [f"score:{k}" for k, s in self.scores.items() if not s.supported]
        return out

    # -- tidy tables ------------------------------------------------------------------
    def claims_table(self) -> pd.DataFrame:
        """Return one row per claim.

        Columns ``city, key, value, confidence, supported, to_be_verified, sources, evidence``.
        """
        rows = []
        for k, c in self.claims.items():
            rows.append(
                {
                    "city": self.city,
                    "key": k,
                    "value": c.value,
                    "confidence": c.confidence,
                    "supported": c.supported,
                    "to_be_verified": c.to_be_verified,
                    "sources": ", ".join(c.sources),
                    "evidence": " | ".join(e.text() for e in c.evidence),
                }
            )
        return pd.DataFrame(rows)

    def members_table(self) -> pd.DataFrame:
        """Return one row per leadership-group member (type, name, role, confidence)."""
        return pd.DataFrame(
            [
                {
                    "city": self.city,
                    "type": m.type,
                    "name": m.name,
                    "role": m.role,
                    "confidence": m.confidence,
                    "supported": bool(m.evidence),
                }
                for m in self.members
            ],
            columns=["city", "type", "name", "role", "confidence", "supported"],
        )

    def actions_table(self) -> pd.DataFrame:
        """Return one row per (action, target area).

        Columns ``city, action_id, name, area_id, start_period, end_period, outcome_hint,
        confidence``.
        """
        rows = []
        for a in self.actions:
            for area in a.target_areas:
                rows.append(
                    {
                        "city": self.city,
                        "action_id": a.id,
                        "name": a.name,
                        "area_id": area,
                        "start_period": a.start_period,
                        "end_period": a.end_period,
                        "outcome_hint": a.outcome_hint,
                        "confidence": a.confidence,
                    }
                )
        cols = [
            "city",
            "action_id",
            "name",
            "area_id",
            "start_period",
            "end_period",
            "outcome_hint",
            "confidence",
        ]
        return pd.DataFrame(rows, columns=cols)

    def sources_table(self) -> pd.DataFrame:
        """One row per declared source: ``city, source, citation, kind, url``."""
        return pd.DataFrame(
            [
                {
                    "city": self.city,
                    "source": s.id,
                    "citation": s.citation(),
                    "kind": s.kind,
                    "url": s.url,
                }
                for s in self.sources.values()
            ],
            columns=["city", "source", "citation", "kind", "url"],
        )


# ----------------------------------------------------------------------------------------
# parsing
# ----------------------------------------------------------------------------------------
_TOP_KEYS = {
    "city",
    "name",
    "country",
    "summary",
    "area_scheme",
    "programmes",
    "sources",
    "covered_areas",
    "leadership_group",
    "claims",
    "actions",
    "assessments",
    "note",
}


def _area_id(value, ctx: Location) -> str:
    if isinstance(value, bool) or not isinstance(value, str):
        raise ctx.error(
            f"area id {value!r} is a {type(value).__name__}; expected a quoted string "
            '(e.g. "01200" or "01011101": unquoted ids lose their leading zeros)'
        )
    if not value.strip():
        raise ctx.error("empty area id")
    return value.strip()


def _period(value, ctx: Location, required: bool) -> str | None:
    if value is None:
        if required:
            raise ctx.error("missing period; expected 'YYYY', 'YYYY-H1' or 'YYYY-H2'")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _PERIOD.match(value):
        raise ctx.error(f"period {value!r} is not a period label; expected 'YYYY' or 'YYYY-H1'/'YYYY-H2'")
    return value


def _parse_areas(raw, ctx: Location) -> tuple[CoveredArea, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.error("expected a list of covered areas (area_id, name, confidence, evidence)")
    out, seen = [], set()
    for i, item in enumerate(raw):
        c = ctx.child(i)
        if not isinstance(item, Mapping):
            item = {"area_id": item}
        _check_keys(item, {"area_id", "name", "confidence", "evidence", "note"}, c, required=("area_id",))
        aid = _area_id(item["area_id"], c.child("area_id"))
        if aid in seen:
            raise c.child("area_id").error(f"duplicate covered area {aid!r}")
        seen.add(aid)
        out.append(
            CoveredArea(
                area_id=aid,
                name=str(item.get("name", "") or ""),
                confidence=parse_confidence(item.get("confidence"), c.child("confidence")),
                evidence=parse_evidence(item.get("evidence"), c.child("evidence")),
                note=str(item.get("note", "") or ""),
            )
        )
    return tuple(out)


def _parse_group(raw, ctx: Location) -> tuple[str, tuple[Member, ...]]:
    if raw is None:
        return "", ()
    _require_mapping(raw, ctx, "name, members")
    _check_keys(raw, {"name", "members", "note"}, ctx)
    members = []
    mraw = raw.get("members") or []
    if not isinstance(mraw, list):
        raise ctx.child("members").error("expected a list of members (type, name, role)")
    for i, m in enumerate(mraw):
        c = ctx.child("members").child(i)
        _require_mapping(m, c, "type, name, role, confidence, evidence")
        _check_keys(m, {"type", "name", "role", "confidence", "evidence"}, c, required=("type", "name"))
        if m["type"] not in MEMBER_TYPES:
            raise c.child("type").error(f"member type {m['type']!r} is not one of {list(MEMBER_TYPES)}")
        members.append(
            Member(
                type=str(m["type"]),
                name=str(m["name"]),
                role=str(m.get("role", "") or ""),
                confidence=parse_confidence(m.get("confidence"), c.child("confidence")),
                evidence=parse_evidence(m.get("evidence"), c.child("evidence")),
            )
        )
    return str(raw.get("name", "") or ""), tuple(members)


def _parse_claims(raw, ctx: Location) -> dict[str, Claim]:
    if raw is None:
        return {}
    _require_mapping(raw, ctx, "claim key -> value, confidence, evidence")
    out = {}
    for key, spec in raw.items():
        c = ctx.child(str(key))
        if key not in CLAIM_KEYS:
            raise c.error(f"unknown claim {key!r}; expected one of {list(CLAIM_KEYS)}")
        claim = parse_claim(str(key), spec, c)
        if key == "stage" and claim.value not in STAGES:
            raise c.child("value").error(f"stage {claim.value!r} is not one of {list(STAGES)}")
        if key == "start_year" and (isinstance(claim.value, bool) or not isinstance(claim.value, int)):
            raise c.child("value").error(f"start year {claim.value!r} is not an integer year")
        out[str(key)] = claim
    return out


def _parse_target(raw, ctx: Location) -> ActionTarget | None:
    """A declared target (``value``, ``unit``, ``by_period``, ``source``); the schema checked the types."""
    if raw is None:
        return None
    by = _period(raw.get("by_period"), ctx.child("by_period"), required=False)
    return ActionTarget(
        value=float(raw["value"]),
        unit=str(raw.get("unit", "percent") or "percent"),
        by_period=by,
        source=str(raw.get("source", "") or ""),
    )


def _parse_actions(raw, ctx: Location, city: str) -> tuple[LocalAction, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.error("expected a list of actions")
    out, seen = [], set()
    keys = {
        "id",
        "name",
        "description",
        "target_areas",
        "start_period",
        "end_period",
        "outcome_hint",
        "responsible",
        "target",
        "evidence",
        "confidence",
        "note",
    }
    for i, a in enumerate(raw):
        c = ctx.child(i)
        _require_mapping(a, c, "id, name, target_areas, start_period, ...")
        _check_keys(a, keys, c, required=("id", "name", "target_areas"))
        aid = str(a["id"])
        if not _SLUG.match(aid):
            raise c.child("id").error(f"action id {aid!r} is not a slug (lower-case, digits, -, _)")
        if aid in seen:
            raise c.child("id").error(f"duplicate action id {aid!r}")
        seen.add(aid)
        targets = a["target_areas"]
        if not isinstance(targets, list) or not targets:
            raise c.child("target_areas").error("expected a non-empty list of area ids")
        target_ids = tuple(_area_id(t, c.child("target_areas").child(j)) for j, t in enumerate(targets))
        start = _period(a.get("start_period"), c.child("start_period"), required=True)
        end = _period(a.get("end_period"), c.child("end_period"), required=False)
        if end is not None and end < start:
            raise c.child("end_period").error(f"end period {end} is before start period {start}")
        hint = a.get("outcome_hint")
        out.append(
            LocalAction(
                id=aid,
                name=str(a["name"]),
                city=city,
                target_areas=target_ids,
                start_period=start,
                end_period=end,
                description=str(a.get("description", "") or "").strip(),
                outcome_hint=None if hint is None else str(hint),
                responsible=str(a.get("responsible", "") or ""),
                target=_parse_target(a.get("target"), c.child("target")),
                evidence=parse_evidence(a.get("evidence"), c.child("evidence")),
                confidence=parse_confidence(a.get("confidence"), c.child("confidence")),
                note=str(a.get("note", "") or ""),
            )
        )
    return tuple(out)


def _parse_assessment(raw, ctx: Location, rubric: Rubric) -> Assessment | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ctx.error("expected a list of assessments (one per rubric)")
    chosen = None
    for i, a in enumerate(raw):
        c = ctx.child(i)
        _require_mapping(a, c, "rubric, label, assessor, date, scores")
        _check_keys(
            a,
            {"rubric", "label", "assessor", "date", "scores", "note"},
            c,
            required=("rubric", "scores"),
        )
        if str(a["rubric"]) == rubric.id:
            chosen = (i, a)
    if chosen is None:
        warnings.warn(
            f"{ctx.file}: no assessment against rubric {rubric.id!r}; the profile has no scores",
            stacklevel=3,
        )
        return None
    i, a = chosen
    c = ctx.child(i).child("scores")
    _require_mapping(a["scores"], c, "criterion id -> score, rationale, evidence")
    scores = {}
    for crit, spec in a["scores"].items():
        cc = c.child(str(crit))
        if str(crit) not in rubric.criterion_ids:
            raise cc.error(
                f"unknown criterion {crit!r} for rubric {rubric.id!r}; expected one of "
                f"{list(rubric.criterion_ids)}"
            )
        if not isinstance(spec, Mapping):
            spec = {"score": spec}
        _check_keys(
            spec,
            {"score", "rationale", "confidence", "evidence", "dimension"},
            cc,
            required=("score",),
        )
        if spec.get("dimension") is not None:
            dim = str(spec["dimension"])
            if dim not in rubric.dimension_ids:
                raise cc.child("dimension").error(
                    f"unknown dimension {dim!r} for rubric {rubric.id!r}; expected one of "
                    f"{list(rubric.dimension_ids)}"
                )
            if dim != rubric.dimension_of(str(crit)):
                raise cc.child("dimension").error(
                    f"criterion {crit!r} belongs to dimension {rubric.dimension_of(str(crit))!r}, not {dim!r}"
                )
        scores[str(crit)] = Score(
            criterion=str(crit),
            score=rubric.validate_score(spec["score"], cc.child("score")),
            rationale=str(spec.get("rationale", "") or "").strip(),
            confidence=parse_confidence(spec.get("confidence"), cc.child("confidence")),
            evidence=parse_evidence(spec.get("evidence"), cc.child("evidence")),
        )
    return Assessment(
        rubric=rubric.id,
        scores=scores,
        label=str(a.get("label", "") or Assessment.label),
        assessor=str(a.get("assessor", "") or ""),
        date=str(a.get("date", "") or ""),
    )


def load_profile(path, rubric: Rubric | str | Path | None = None, areas=None) -> Profile:
    """Load and validate one governance profile YAML file.

    Parameters
    ----------
    path : str or Path
        The profile file (``data/governance/<city>.yml``); the ``city`` key must equal the
        file name without extension.
    rubric : Rubric or path, optional
        Rubric the scores are checked against (default: the shipped rubric). The profile's
        assessment whose ``rubric`` id matches is used; without one the profile has no scores.
    areas : optional
        Known area ids, checked with :func:`validate_profile_areas`.

    Returns
    -------
    Profile

    Raises
    ------
    compare.errors.ConfigError
        Naming the file and dotted key: malformed YAML, unknown keys, member types, stages,
        criteria, scores outside the scale, unquoted or unknown area ids, bad periods,
        evidence citing undeclared sources.

    Examples
    --------
    >>> from compare.governance._io import find_data_dir
    >>> load_profile(find_data_dir() / "governance" / "berlin.yml").city
    'berlin'
    """
    path = Path(path)
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    raw = read_yaml(path)
    ctx = Location(path, "")
    _require_mapping(raw, ctx, "city, name, sources, covered_areas, leadership_group, claims")
    validate(ProfileConfig, raw, path)  # structure: keys, types, periods, quoted ids; then references
    _check_keys(raw, _TOP_KEYS, ctx, required=("city", "name"))
    city = str(raw["city"])
    if city != path.stem:
        raise ctx.child("city").error(
            f"city id {city!r} does not match the file name {path.name!r}; expected {path.stem!r}"
        )
    sources = parse_sources(raw.get("sources"), file=path)
    ctx = Location(path, "", sources)
    group_name, members = _parse_group(raw.get("leadership_group"), ctx.child("leadership_group"))
    programmes = raw.get("programmes") or []
    if not isinstance(programmes, list):
        raise ctx.child("programmes").error("expected a list of programme names")
    profile = Profile(
        city=city,
        name=str(raw["name"]),
        country=str(raw.get("country", "") or ""),
        summary=str(raw.get("summary", "") or "").strip(),
        area_scheme=str(raw.get("area_scheme", "") or ""),
        path=path,
        sources=sources,
        covered_areas=_parse_areas(raw.get("covered_areas"), ctx.child("covered_areas")),
        leadership_group=group_name,
        members=members,
        claims=_parse_claims(raw.get("claims"), ctx.child("claims")),
        actions=_parse_actions(raw.get("actions"), ctx.child("actions"), city),
        assessment=_parse_assessment(raw.get("assessments"), ctx.child("assessments"), rubric),
        programmes=tuple(str(p) for p in programmes),
    )
    _check_scheme(profile)
    if areas is not None:
        validate_profile_areas(profile, areas)
    return profile


def _check_scheme(profile: Profile) -> None:
    pattern = AREA_SCHEMES.get(profile.area_scheme)
    if pattern is None:
        return
    keys = [(a.area_id, f"covered_areas[{i}].area_id") for i, a in enumerate(profile.covered_areas)]
    keys += [
        (t, f"actions[{i}].target_areas[{j}]")
        for i, act in enumerate(profile.actions)
        for j, t in enumerate(act.target_areas)
    ]
    for aid, key in keys:
        if not pattern.match(aid):
            raise ConfigError(
                f"area id {aid!r} does not fit area_scheme {profile.area_scheme!r} "
                f"(expected pattern {pattern.pattern})",
                file=profile.path,
                key=key,
            )


def known_area_ids(areas, city: str) -> set[str] | None:
    """Known area ids of ``city`` from a set/list, a ``{city: ids}`` mapping or a frame.

    A frame needs ``area_id`` and, when it holds several cities, ``city``. Returns ``None``
    when ``areas`` says nothing about ``city`` (a mapping without the key).

    Examples
    --------
    >>> sorted(known_area_ids(pd.DataFrame({"city": ["a", "b"], "area_id": ["1", "2"]}), "a"))
    ['1']
    """
    if areas is None:
        return None
    if isinstance(areas, pd.DataFrame):
        if "area_id" not in areas.columns:
            raise ConfigError("areas frame has no 'area_id' column", key="area_id")
        frame = areas
        if "city" in frame.columns:
            frame = frame[frame["city"].astype(str) == city]
            if frame.empty:
                return None
        return set(frame["area_id"].astype(str))
    if isinstance(areas, Mapping):
        if city not in areas:
            return None
        return known_area_ids(areas[city], city)
    return {str(a) for a in areas}


def validate_profile_areas(profile: Profile, areas) -> Profile:
    """Check that covered areas and action target areas exist in the city's data.

    Parameters
    ----------
    profile : Profile
    areas : set, list, mapping or DataFrame
        Known ids of the profile's city: a set/list of ids, ``{city: ids}``, or a frame with
        ``area_id`` (and ``city``), e.g. the canonical ``areas`` table.

    Returns
    -------
    Profile
        Unchanged, for chaining.

    Raises
    ------
    compare.errors.ConfigError
        Naming the file and key (``covered_areas[2].area_id``,
        ``actions[0].target_areas[1]``) of the first unknown id.

    Examples
    --------
    >>> p = load_profiles()["vantaa"]
    >>> validate_profile_areas(p, {"vantaa": set(p.area_ids) | {
    ...     t for a in p.actions for t in a.target_areas}}).city
    'vantaa'
    """
    known = known_area_ids(areas, profile.city)
    if known is None:
        return profile

    def _fail(aid, key):
        sample = sorted(known)[:5]
        raise ConfigError(
            f"area id {aid!r} is not an area of city {profile.city!r} in the data "
            f"({len(known)} known ids, e.g. {sample}); expected an id of the city's areas",
            file=profile.path,
            key=key,
        )

    for i, a in enumerate(profile.covered_areas):
        if a.area_id not in known:
            _fail(a.area_id, f"covered_areas[{i}].area_id")
    for i, act in enumerate(profile.actions):
        for j, t in enumerate(act.target_areas):
            if t not in known:
                _fail(t, f"actions[{i}].target_areas[{j}]")
    return profile


def load_profiles(
    directory=None,
    rubric: Rubric | str | Path | None = None,
    areas=None,
    cities: Iterable[str] | None = None,
) -> dict[str, Profile]:
    """Load every ``*.yml`` profile of a folder, keyed by city id.

    Parameters
    ----------
    directory : str or Path, optional
        Folder of profiles; default ``data/governance`` of the repository (found from the
        installed package or the working directory, see
        :func:`compare.governance.find_data_dir`). A relative path is tried against the
        working directory, then the repository root.
    rubric : Rubric or path, optional
        Rubric the scores are validated against (default: the shipped rubric).
    areas : optional
        Known area ids per city (``{city: ids}`` or a frame with ``city, area_id``); each
        profile's areas are checked against its city's ids.
    cities : iterable of str, optional
        Load only these cities (raise :class:`ConfigError` if one has no profile).

    Returns
    -------
    dict of str to Profile
        In file-name order.

    Examples
    --------
    >>> profiles = load_profiles()
    >>> {"vantaa", "helsinki", "espoo", "berlin"} <= set(profiles)
    True
    """
    folder = resolve_path(directory, "governance")
    if not folder.is_dir():
        raise ConfigError("not a folder of governance profiles", file=folder)
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    wanted = None if cities is None else list(cities)
    if wanted is not None:
        stems = {f.stem for f in files}
        missing = [c for c in wanted if c not in stems]
        if missing:
            raise ConfigError(
                f"no profile for city {missing[0]!r}; available: {sorted(stems)}",
                file=folder,
                key="city",
            )
        files = [f for f in files if f.stem in wanted]
    out: dict[str, Profile] = {}
    for f in files:
        p = load_profile(f, rubric=rubric, areas=areas)
        if p.city in out:
            raise ConfigError(f"duplicate profile for city {p.city!r}", file=f, key="city")
        out[p.city] = p
    return out


def _profile_dict(profiles) -> dict[str, Profile]:
    if isinstance(profiles, Profile):
        return {profiles.city: profiles}
    if isinstance(profiles, Mapping):
        return dict(profiles)
    return {p.city: p for p in profiles}


def all_actions(profiles) -> list[LocalAction]:
    """Every local action of the given profiles (input of :mod:`compare.evaluation`).

    Examples
    --------
    >>> acts = all_actions(load_profiles())
    >>> all(a.start_period for a in acts)
    True
    """
    return [a for p in _profile_dict(profiles).values() for a in p.actions]


def actions_table(profiles) -> pd.DataFrame:
    """One row per (city, action, target area) over all profiles (see :meth:`Profile.actions_table`).

    Examples
    --------
    >>> t = actions_table(load_profiles())
    >>> {"city", "action_id", "area_id", "start_period"} <= set(t.columns)
    True
    """
    frames = [p.actions_table() for p in _profile_dict(profiles).values()]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return Profile(city="", name="").actions_table()
    return pd.concat(frames, ignore_index=True)
