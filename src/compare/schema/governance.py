"""Schemas of the governance configs (profile, rubric, practice catalogue, transfers) and report parameters.

These models check the *structure* of a file (keys, types, enumerations, period labels, area ids as
quoted strings) before the loaders in :mod:`compare.governance` resolve cross references (a claim's
evidence cites a declared source, a score's criterion exists in the rubric, a transfer names a
known practice). Shorthand forms the files allow are normalised first: a bare value for a claim, a
source id for an evidence item, an area id for a covered area, an integer for a score.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictInt, field_validator

from compare.schema._core import Period, PeriodList, Strict, StrList, describe

__all__ = [
    "CONFIDENCE_LEVELS",
    "SOURCE_KINDS",
    "MEMBER_TYPES",
    "SourceConfig",
    "EvidenceConfig",
    "ClaimConfig",
    "CoveredAreaConfig",
    "MemberConfig",
    "LeadershipGroupConfig",
    "ActionConfig",
    "ScoreConfig",
    "AssessmentConfig",
    "ProfileConfig",
    "CriterionConfig",
    "DimensionConfig",
    "RubricConfig",
    "PracticeConfig",
    "TransferConfig",
    "TransferStageConfig",
    "TRANSFER_STAGES",
    "ActionTargetConfig",
    "PracticeFileConfig",
    "PracticeCatalogueConfig",
    "TransfersConfig",
    "CityReportParams",
    "ComparisonReportParams",
]

#: Ordered confidence levels (index = rank).
CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "medium", "high")
#: Kinds of source a claim may cite.
SOURCE_KINDS: tuple[str, ...] = ("document", "web", "interview", "dataset", "article")
#: Types of member of an area leadership group.
MEMBER_TYPES: tuple[str, ...] = (
    "municipal_sector",
    "public_authority",
    "local_organisation",
    "resident",
    "business",
)


def _text(v):
    """Free text: strings, and numbers or dates YAML read from unquoted text."""
    if v is None:
        return ""
    if isinstance(v, bool) or isinstance(v, (list, dict)):
        raise ValueError(f"expected text, got {describe(v)}")
    if isinstance(v, (int, float, _dt.date)):
        return str(v)
    return v


def _area_id(v):
    if isinstance(v, bool) or not isinstance(v, str):
        raise ValueError(
            f"area id {v!r} is a {type(v).__name__}; expected a quoted string "
            '(e.g. "01200" or "01011101": unquoted ids lose their leading zeros)'
        )
    if not v.strip():
        raise ValueError("empty area id; expected a quoted string")
    return v.strip()


def _confidence(v):
    if v is None:
        return "low"
    s = str(v).strip().lower()
    if s not in CONFIDENCE_LEVELS:
        raise ValueError(f"expected a confidence level {list(CONFIDENCE_LEVELS)}, got {describe(v)}")
    return s


def _year(v):
    if v is None:
        return v
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected an integer year, got {describe(v)}")
    return v


def _slug(v):
    import re

    if not isinstance(v, str) or not re.match(r"^[a-z0-9][a-z0-9_-]*$", v):
        raise ValueError(f"expected a slug (lower-case letters, digits, -, _), got {describe(v)}")
    return v


def _evidence_list(v):
    if v is None:
        return []
    if isinstance(v, (str, dict)):
        v = [v]
    if isinstance(v, list):
        return [{"source": x} if isinstance(x, str) else x for x in v]
    raise ValueError(f"expected a list of evidence items (source, quote/paraphrase, page), got {describe(v)}")


def _mapping_of(key: str):
    def conv(v):
        return v if isinstance(v, dict) else {key: v}

    return conv


Text = Annotated[str, BeforeValidator(_text)]
AreaId = Annotated[str, BeforeValidator(_area_id)]
Confidence = Annotated[str, BeforeValidator(_confidence)]
Year = Annotated[int | None, BeforeValidator(_year)]
Slug = Annotated[str, BeforeValidator(_slug)]


class SourceConfig(Strict):
    """A cited source (``sources.<id>``)."""

    title: Text = Field(min_length=1)
    publisher: Text = ""
    author: Text = ""
    year: Year = None
    url: Text = ""
    kind: Literal[SOURCE_KINDS] = "web"  # type: ignore[valid-type]
    accessed: Text = ""
    language: Text = ""


class EvidenceConfig(Strict):
    """One evidence item: a source id with a verbatim quote or a paraphrase."""

    source: Text = Field(min_length=1)
    quote: Text = ""
    paraphrase: Text = ""
    page: Text = ""
    date: Text = ""


Evidence = Annotated[list[EvidenceConfig], BeforeValidator(_evidence_list)]


class ClaimConfig(Strict):
    """A recorded fact with evidence and confidence (``claims.<key>``; a bare value is allowed)."""

    value: Any
    confidence: Confidence = "low"
    evidence: Evidence = []
    note: Text = ""
    to_be_verified: bool = False

    @field_validator("value")
    @classmethod
    def _present(cls, v):
        if v is None or v == "":
            raise ValueError("missing required key 'value'")
        return v


class CoveredAreaConfig(Strict):
    """An area covered by the model (``covered_areas[i]``; a bare id is allowed)."""

    area_id: AreaId
    name: Text = ""
    confidence: Confidence = "low"
    evidence: Evidence = []
    note: Text = ""


class MemberConfig(Strict):
    """A member of the area leadership group."""

    type: Literal[MEMBER_TYPES]  # type: ignore[valid-type]
    name: Text = Field(min_length=1)
    role: Text = ""
    confidence: Confidence = "low"
    evidence: Evidence = []


class LeadershipGroupConfig(Strict):
    """The area leadership group: a name and its members."""

    name: Text = ""
    members: list[MemberConfig] = []
    note: Text = ""


class ActionTargetConfig(Strict):
    """A declared target of a local action (the URBACT Integrated Action Plan's 'target value')."""

    value: float
    unit: Text = "percent"
    by_period: Period | None = None
    source: Text = ""


class ActionConfig(Strict):
    """A local action (input of :mod:`compare.evaluation`)."""

    id: Slug
    name: Text = Field(min_length=1)
    description: Text = ""
    target_areas: list[AreaId] = Field(min_length=1)
    start_period: Period
    end_period: Period | None = None
    outcome_hint: Text | None = None
    responsible: Text = ""
    target: ActionTargetConfig | None = None
    evidence: Evidence = []
    confidence: Confidence = "low"
    note: Text = ""


class ScoreConfig(Strict):
    """A rubric score (``assessments[i].scores.<criterion>``; a bare integer is allowed)."""

    score: StrictInt
    rationale: Text = ""
    confidence: Confidence = "low"
    evidence: Evidence = []
    dimension: Text | None = None


class AssessmentConfig(Strict):
    """Scores of a profile against one rubric."""

    rubric: Text = Field(min_length=1)
    label: Text = ""
    assessor: Text = ""
    date: Text = ""
    scores: dict[str, Annotated[ScoreConfig, BeforeValidator(_mapping_of("score"))]]
    note: Text = ""


class ProfileConfig(Strict):
    """A governance profile (``data/governance/<city>.yml``)."""

    city: Text = Field(min_length=1)
    name: Text = Field(min_length=1)
    country: Text = ""
    summary: Text = ""
    area_scheme: Text = ""
    programmes: StrList = []
    sources: dict[str, SourceConfig] = {}
    covered_areas: list[Annotated[CoveredAreaConfig, BeforeValidator(_mapping_of("area_id"))]] = []
    leadership_group: LeadershipGroupConfig | None = None
    claims: dict[str, Annotated[ClaimConfig, BeforeValidator(_mapping_of("value"))]] = {}
    actions: list[ActionConfig] = []
    assessments: list[AssessmentConfig] = []
    note: Text = ""

    @field_validator("sources", "claims", "leadership_group", "covered_areas", "actions", "assessments",
                     mode="before")
    @classmethod
    def _none_is_empty(cls, v, info):
        if v is None:
            return None if info.field_name == "leadership_group" else type(cls.model_fields[info.field_name]
                                                                           .default)()
        return v


class CriterionConfig(Strict):
    """A scored criterion of a rubric."""

    id: Text = Field(min_length=1)
    name: Text = ""
    question: Text = ""
    frameworks: StrList = []
    levels: dict[StrictInt, Text] = {}


class DimensionConfig(Strict):
    """A rubric dimension and its criteria."""

    id: Text = Field(min_length=1)
    name: Text = ""
    description: Text = ""
    criteria: list[CriterionConfig] = Field(min_length=1)


class RubricConfig(Strict):
    """A rubric (``data/rubrics/*.yml``)."""

    id: Text = Field(min_length=1)
    title: Text = ""
    version: Text = ""
    description: Text = ""
    scale: dict[StrictInt, Text] | None = None
    frameworks: dict[str, SourceConfig] = {}
    dimensions: list[DimensionConfig] = Field(min_length=1)
    note: Text = ""


class PracticeConfig(Strict):
    """A good practice with its origin city."""

    id: Text = Field(min_length=1)
    name: Text = Field(min_length=1)
    origin_city: Text = Field(min_length=1)
    themes: StrList = []
    target_groups: StrList = []
    description: Text = ""
    programme: Text = ""
    start_year: Year = None
    addresses: StrList = []
    evidence: Evidence = []
    confidence: Confidence = "low"


#: URBACT's transfer method, in order (Understand the practice, Adapt it to the context, Re-use it).
TRANSFER_STAGES: tuple[str, ...] = ("understand", "adapt", "re-use")


class TransferStageConfig(Strict):
    """One stage of a transfer: what the adopting city kept, adapted and dropped, by whom, when."""

    stage: Literal["understand", "adapt", "re-use"]
    year: Year = None
    by: Text = ""
    summary: Text = ""
    kept: StrList = []
    adapted: StrList = []
    dropped: StrList = []
    evidence: Evidence = Field(min_length=1)
    note: Text = ""


class TransferConfig(Strict):
    """A transfer of a practice from an origin to an adopting city."""

    practice: Text = Field(min_length=1)
    origin: Text = Field(min_length=1)
    adopter: Text = Field(min_length=1)
    year: Year = None
    programme: Text = ""
    note: Text = ""
    stages: list[TransferStageConfig] = []
    evidence: Evidence = []
    confidence: Confidence = "low"


class CityDeclaration(Strict):
    """A city outside the profiled set that practices or transfers mention."""

    name: Text = ""
    country: Text = ""
    note: Text = ""


class PracticeFileConfig(Strict):
    """One file under ``data/practices/`` (sources, cities, practices and/or transfers)."""

    sources: dict[str, SourceConfig] = {}
    cities: dict[str, CityDeclaration | None] = {}
    practices: list[PracticeConfig] = []
    transfers: list[TransferConfig] = []
    note: Text = ""

    @field_validator("sources", "cities", "practices", "transfers", mode="before")
    @classmethod
    def _none_is_empty(cls, v, info):
        return type(cls.model_fields[info.field_name].default)() if v is None else v


#: The practice catalogue file (``catalogue.yml``) and the transfers file share one schema.
PracticeCatalogueConfig = PracticeFileConfig
TransfersConfig = PracticeFileConfig


class CityReportParams(Strict):
    """Parameters of the city assessment notebook (papermill)."""

    network: Text = Field(min_length=1)
    city: Text = Field(min_length=1)
    periods: PeriodList = []
    peers: StrList = []
    output_folder: Text = ""


class ComparisonReportParams(Strict):
    """Parameters of the network comparison notebook (papermill)."""

    network: Text = Field(min_length=1)
    cities: StrList = []
    output_folder: Text = ""
