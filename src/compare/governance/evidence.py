"""Evidence behind every claim of a governance profile: sources, citations, confidence.

A *source* is a document, web page, interview or data set (title, publisher, year, URL).
An *evidence* item cites one source with a verbatim ``quote`` (only text actually read) or a
``paraphrase``, an optional ``page`` and ``date``. A :class:`Claim` is a recorded fact about a
city's model (a value) with its evidence and a confidence level (``low``, ``medium``,
``high``). A claim without evidence is allowed: :attr:`Claim.supported` is then ``False`` and
reports show it as unsupported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from compare.schema import Location, check_keys, require_mapping, validate
from compare.schema.governance import CONFIDENCE_LEVELS, SOURCE_KINDS, EvidenceConfig, SourceConfig

__all__ = [
    "CONFIDENCE_LEVELS",
    "SOURCE_KINDS",
    "Source",
    "Evidence",
    "Claim",
    "parse_sources",
    "parse_evidence",
    "parse_claim",
    "parse_confidence",
]



@dataclass(frozen=True)
class Source:
    """A cited source (document, web page, interview, data set)."""

    id: str
    title: str
    publisher: str = ""
    year: int | None = None
    url: str = ""
    kind: str = "web"
    accessed: str = ""
    language: str = ""

    def citation(self) -> str:
        """One-line citation: ``publisher (year). title. url``.

        Examples
        --------
        >>> Source("s", "Title", "Pub", 2020, "http://x").citation()
        'Pub (2020). Title. http://x'
        """
        year = f" ({self.year})" if self.year else ""
        pub = f"{self.publisher}{year}. " if self.publisher else (f"{year.strip()} " if year else "")
        url = f" {self.url}" if self.url else ""
        return f"{pub}{self.title}.{url}".strip()


@dataclass(frozen=True)
class Evidence:
    """One citation of a source supporting a claim."""

    source: Source
    quote: str = ""
    paraphrase: str = ""
    page: str = ""
    date: str = ""

    def text(self) -> str:
        """Return the quote in quotation marks (else the paraphrase) with the source id."""
        body = f'"{self.quote}"' if self.quote else self.paraphrase
        page = f", p. {self.page}" if self.page else ""
        return f"{body} [{self.source.id}{page}]".strip()


@dataclass(frozen=True)
class Claim:
    """A recorded fact about a governance model, with evidence and confidence.

    Examples
    --------
    >>> Claim("stage", "pilot", "low").supported
    False
    """

    key: str
    value: object
    confidence: str = "low"
    evidence: tuple[Evidence, ...] = ()
    note: str = ""
    to_be_verified: bool = False

    @property
    def supported(self) -> bool:
        """Whether at least one evidence item backs the claim."""
        return len(self.evidence) > 0

    @property
    def sources(self) -> tuple[str, ...]:
        """Ids of the cited sources."""
        return tuple(dict.fromkeys(e.source.id for e in self.evidence))


# The location helpers live in compare.schema (one place for every config); the private names
# stay as aliases for code written against them.
_Ctx = Location
_require_mapping = require_mapping
_check_keys = check_keys


def parse_confidence(value, ctx: Location | None = None, default: str = "low") -> str:
    """Check a confidence level (``low``/``medium``/``high``).

    Examples
    --------
    >>> parse_confidence("Medium")
    'medium'
    """
    ctx = ctx or Location()
    if value is None:
        return default
    v = str(value).strip().lower()
    if v not in CONFIDENCE_LEVELS:
        raise ctx.error(f"confidence {value!r} is not one of {list(CONFIDENCE_LEVELS)}")
    return v


def parse_sources(raw, file=None) -> dict[str, Source]:
    """Parse the ``sources:`` mapping of a profile or catalogue (id -> source fields).

    Examples
    --------
    >>> s = parse_sources({"a": {"title": "T", "publisher": "P", "year": 2019}})
    >>> s["a"].citation()
    'P (2019). T.'
    """
    ctx = Location(file, "sources")
    if raw is None:
        return {}
    require_mapping(raw, ctx, "source id -> title, publisher, year, url")
    out: dict[str, Source] = {}
    for sid, spec in raw.items():
        c = ctx.child(str(sid))
        m = validate(SourceConfig, require_mapping(spec, c, "title, publisher, year, url, kind"), file, c.key)
        out[str(sid)] = Source(
            id=str(sid),
            title=m.title,
            publisher=m.publisher or m.author,
            year=m.year,
            url=m.url,
            kind=m.kind,
            accessed=m.accessed,
            language=m.language,
        )
    return out


def parse_evidence(raw, ctx: Location) -> tuple[Evidence, ...]:
    """Parse a list of evidence items; each must cite a known source id."""
    if raw is None:
        return ()
    if isinstance(raw, (str, Mapping)):
        raw = [raw]
    if not isinstance(raw, list):
        raise ctx.error("expected a list of evidence items (source, quote/paraphrase, page)")
    out = []
    for i, item in enumerate(raw):
        c = ctx.child(i)
        if isinstance(item, str):
            item = {"source": item}
        require_mapping(item, c, "source, quote or paraphrase, page, date")
        m = validate(EvidenceConfig, item, c.file, c.key)
        sid = m.source
        if sid not in ctx.sources:
            raise c.child("source").error(
                f"unknown source {sid!r}; expected an id declared under 'sources' ({sorted(ctx.sources)})"
            )
        out.append(
            Evidence(
                source=ctx.sources[sid],
                quote=m.quote.strip(),
                paraphrase=m.paraphrase.strip(),
                page=m.page,
                date=m.date,
            )
        )
    return tuple(out)


def parse_claim(key: str, raw, ctx: Location) -> Claim:
    """Parse one claim: a mapping with ``value``, ``confidence``, ``evidence``, ``note``.

    A bare scalar is accepted as a value without evidence (an unsupported claim).
    """
    if not isinstance(raw, Mapping):
        return Claim(key=key, value=raw, confidence="low")
    from compare.schema.governance import ClaimConfig

    validate(ClaimConfig, raw, ctx.file, ctx.key)
    return Claim(
        key=key,
        value=raw["value"],
        confidence=parse_confidence(raw.get("confidence"), ctx.child("confidence")),
        evidence=parse_evidence(raw.get("evidence"), ctx.child("evidence")),
        note=str(raw.get("note", "") or ""),
        to_be_verified=bool(raw.get("to_be_verified", False)),
    )
