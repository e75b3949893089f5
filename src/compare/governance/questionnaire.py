"""The rubric as a questionnaire for a city's local group (xlsx and offline HTML forms).

A :class:`Questionnaire` is generated from a rubric (data, not code): one question per criterion
with the maturity levels described in words, a "don't know" option, a free-text comment and an
optional evidence field (document, link, page). The rater states a pseudonymous rater code (no
personal name is asked for), the role in the group (the member types of the governance-profile
schema, :data:`compare.governance.MEMBER_TYPES`), the type of organisation and the date.

Two forms need no server:

* a spreadsheet (:func:`write_questionnaire` with ``format="xlsx"``): one sheet to fill, drop-down
  levels (data validation), locked instructions and criterion ids (sheet protection), the rubric
  id and version recorded in a hidden sheet;
* an offline HTML page (``format="html"``) whose "Save answers" button downloads the answers as a
  JSON file (the rubric id and version are embedded in the page and in the file).

Filled forms are read back by :func:`compare.governance.import_responses`.

Command line: ``python -m compare assess questionnaire CITY [--rubric FILE] [--format xlsx|html]
-o FILE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from compare.errors import ConfigError
from compare.governance._form_fields import (
    DONT_KNOW,
    FORM_ID,
    FORM_VERSION,
    ORGANISATION_TYPES,
    ROLE_LABELS,
    ROLES,
)
from compare.governance.rubric import Rubric, load_rubric

__all__ = [
    "FORM_ID",
    "FORM_VERSION",
    "DONT_KNOW",
    "ROLES",
    "ROLE_LABELS",
    "ORGANISATION_TYPES",
    "Question",
    "Questionnaire",
    "questionnaire",
    "write_questionnaire",
]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire (one rubric criterion)."""

    criterion: str
    dimension: str
    dimension_name: str
    name: str
    question: str
    levels: tuple[tuple[int, str], ...]

    def level_text(self, sep: str = "; ") -> str:
        """The levels in words: ``"0 = absent; 1 = ad hoc; ..."``."""
        return sep.join(f"{k} = {v}" for k, v in self.levels)


@dataclass(frozen=True)
class Questionnaire:
    """A self-assessment questionnaire of one city against one rubric.

    Examples
    --------
    >>> q = questionnaire("vantaa")
    >>> q.rubric_id, len(q.questions) == len(load_rubric().criteria)
    ('area-governance-v1', True)
    >>> q.questions[0].levels[0]
    (0, 'absent: no standing group; sectors work on the area separately')
    """

    city: str
    city_name: str
    rubric_id: str
    rubric_version: str
    rubric_title: str
    scale: tuple[tuple[int, str], ...]
    questions: tuple[Question, ...]

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """Criterion ids in question order."""
        return tuple(q.criterion for q in self.questions)

    def score_choices(self) -> list[str]:
        """Drop-down choices of a score: ``"0 - absent"``, ..., and :data:`DONT_KNOW`."""
        return [f"{k} - {v}" for k, v in self.scale] + [DONT_KNOW]

    def instructions(self) -> list[str]:
        """Instruction paragraphs shown in both forms."""
        lo, hi = self.scale[0][0], self.scale[-1][0]
        return [
            f"This questionnaire asks how you see the area-based governance model of {self.city_name}. "
            f"It has one question per criterion of the rubric '{self.rubric_title}' "
            f"(id {self.rubric_id}, version {self.rubric_version or 'unversioned'}).",
            f"For each criterion choose the level {lo}-{hi} that describes the model best today, or "
            f"'{DONT_KNOW}' if you cannot judge it. A don't-know answer is recorded as such and never "
            "counted as a score.",
            "Please add a short comment where you can, and where it exists evidence: a document, a "
            "link or a page that shows what you describe.",
            "Do not write your name. Give the rater code the coordinator gave you (or any short code "
            "you will use again in a later round), your role in the group, the type of your "
            "organisation and the date.",
            "Your answers are combined with those of the other members of the local group: the "
            "report shows the median and the spread of the answers per criterion, how far the group "
            "agrees, and comments (quoted without the rater code).",
        ]


def questionnaire(
    city: str, rubric: Rubric | str | Path | None = None, city_name: str | None = None
) -> Questionnaire:
    """Build the questionnaire of ``city`` from a rubric.

    Parameters
    ----------
    city : str
        City id (slug, e.g. ``"vantaa"``).
    rubric : Rubric or path, optional
        Default: the shipped rubric. A swapped rubric gives a swapped questionnaire.
    city_name : str, optional
        Display name (default: the id, capitalised).

    Returns
    -------
    Questionnaire

    Examples
    --------
    >>> questionnaire("vantaa").questions[0].criterion
    'cross_sector_group'
    """
    if not isinstance(city, str) or not _SLUG.match(city):
        raise ConfigError(f"city id {city!r} is not a slug (lower-case letters, digits, -, _)", key="city")
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    scale = tuple(sorted(rubric.scale.items()))
    qs = []
    for d in rubric.dimensions:
        for c in d.criteria:
            own = dict(c.levels)
            levels = tuple((k, f"{v}: {own[k]}" if k in own else v) for k, v in scale)
            qs.append(
                Question(
                    criterion=c.id,
                    dimension=d.id,
                    dimension_name=d.name,
                    name=c.name,
                    question=c.question or c.name,
                    levels=levels,
                )
            )
    return Questionnaire(
        city=city,
        city_name=city_name or city.replace("-", " ").title(),
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rubric_title=rubric.title,
        scale=scale,
        questions=tuple(qs),
    )


def write_questionnaire(q: Questionnaire, path, format: str | None = None) -> Path:
    """Write the questionnaire as an xlsx or an offline HTML form.

    Parameters
    ----------
    q : Questionnaire
    path : str or Path
        Output file; its suffix chooses the format when ``format`` is ``None``.
    format : {"xlsx", "html"}, optional

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_questionnaire(questionnaire("vantaa"), pathlib.Path(tempfile.mkdtemp()) / "v.html")
    >>> out.suffix
    '.html'
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt == "xlsx":
        from compare.governance._form_xlsx import write_xlsx

        write_xlsx(q, path)
    elif fmt in ("html", "htm"):
        from compare.governance._form_html import write_html

        write_html(q, path)
    else:
        raise ConfigError(f"form format {fmt!r} is not 'xlsx' or 'html'", file=path, key="format")
    return path
