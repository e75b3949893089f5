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
from dataclasses import dataclass, field

from compare.errors import ConfigError

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

#: Ordered confidence levels (index = rank).
CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "medium", "high")
#: Kinds of source a claim may cite.
SOURCE_KINDS: tuple[str, ...] = ("document", "web", "interview", "dataset", "article")


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


@dataclass
class _Ctx:
    """Where a value sits: file and dotted key, for error messages."""

    file: object = None
    key: str = ""
    sources: Mapping[str, Source] = field(default_factory=dict)

    def child(self, key) -> _Ctx:
        sep = "" if isinstance(key, int) or not self.key else "."
        k = f"[{key}]" if isinstance(key, int) else str(key)
        return _Ctx(self.file, f"{self.key}{sep}{k}", self.sources)

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, file=self.file, key=self.key or None)


def _require_mapping(value, ctx: _Ctx, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ctx.error(f"expected a mapping ({what}), got {type(value).__name__}")
    return value


def _check_keys(value: Mapping, allowed: set[str], ctx: _Ctx, required: tuple[str, ...] = ()):
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ctx.child(unknown[0]).error(f"unknown key {unknown[0]!r}; expected one of {sorted(allowed)}")
    for key in required:
        if value.get(key) in (None, ""):
            raise ctx.child(key).error(f"missing required key {key!r}")


def parse_confidence(value, ctx: _Ctx | None = None, default: str = "low") -> str:
    """Check a confidence level (``low``/``medium``/``high``).

    Examples
    --------
    >>> parse_confidence("Medium")
    'medium'
    """
    ctx = ctx or _Ctx()
    if value is None:
        return default
    v = str(value).strip().lower()
    if v not in CONFIDENCE_LEVELS:
        raise ctx.error(f"confidence {value!r} is not one of {list(CONFIDENCE_LEVELS)}")
    return v


_SOURCE_KEYS = {"title", "publisher", "year", "url", "kind", "accessed", "language", "author"}


def parse_sources(raw, file=None) -> dict[str, Source]:
    """Parse the ``sources:`` mapping of a profile or catalogue (id -> source fields).

    Examples
    --------
    >>> s = parse_sources({"a": {"title": "T", "publisher": "P", "year": 2019}})
    >>> s["a"].citation()
    'P (2019). T.'
    """
    ctx = _Ctx(file, "sources")
    if raw is None:
        return {}
    _require_mapping(raw, ctx, "source id -> title, publisher, year, url")
    out: dict[str, Source] = {}
    for sid, spec in raw.items():
        c = ctx.child(str(sid))
        _require_mapping(spec, c, "title, publisher, year, url, kind")
        _check_keys(spec, _SOURCE_KEYS, c, required=("title",))
        kind = str(spec.get("kind", "web"))
        if kind not in SOURCE_KINDS:
            raise c.child("kind").error(f"source kind {kind!r} is not one of {list(SOURCE_KINDS)}")
        year = spec.get("year")
        if year is not None and not isinstance(year, int):
            raise c.child("year").error(f"year {year!r} is not an integer year")
        publisher = str(spec.get("publisher", "") or spec.get("author", "") or "")
        out[str(sid)] = Source(
            id=str(sid),
            title=str(spec["title"]),
            publisher=publisher,
            year=year,
            url=str(spec.get("url", "") or ""),
            kind=kind,
            accessed=str(spec.get("accessed", "") or ""),
            language=str(spec.get("language", "") or ""),
        )
    return out


_EVIDENCE_KEYS = {"source", "quote", "paraphrase", "page", "date"}


def parse_evidence(raw, ctx: _Ctx) -> tuple[Evidence, ...]:
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
        _require_mapping(item, c, "source, quote or paraphrase, page, date")
        _check_keys(item, _EVIDENCE_KEYS, c, required=("source",))
        sid = str(item["source"])
        if sid not in ctx.sources:
            raise c.child("source").error(
                f"unknown source {sid!r}; expected an id declared under 'sources' ({sorted(ctx.sources)})"
            )
        out.append(
            Evidence(
                source=ctx.sources[sid],
                quote=str(item.get("quote", "") or "").strip(),
                paraphrase=str(item.get("paraphrase", "") or "").strip(),
                page=str(item.get("page", "") or ""),
                date=str(item.get("date", "") or ""),
            )
        )
    return tuple(out)


_CLAIM_KEYS = {"value", "confidence", "evidence", "note", "to_be_verified"}


def parse_claim(key: str, raw, ctx: _Ctx) -> Claim:
    """Parse one claim: a mapping with ``value``, ``confidence``, ``evidence``, ``note``.

    A bare scalar is accepted as a value without evidence (an unsupported claim).
    """
    if not isinstance(raw, Mapping):
        return Claim(key=key, value=raw, confidence="low")
    _check_keys(raw, _CLAIM_KEYS, ctx, required=("value",))
    return Claim(
        key=key,
        value=raw["value"],
        confidence=parse_confidence(raw.get("confidence"), ctx.child("confidence")),
        evidence=parse_evidence(raw.get("evidence"), ctx.child("evidence")),
        note=str(raw.get("note", "") or ""),
        to_be_verified=bool(raw.get("to_be_verified", False)),
    )
