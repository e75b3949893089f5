"""Filled self-assessment forms into one validated tidy table, and the stored responses.

:func:`import_responses` reads filled forms (the xlsx form, or the JSON file saved by the HTML
form, see :mod:`compare.governance.questionnaire`) and returns one row per rater and criterion:

``city, round, rater, role, organisation_type, date, dimension, criterion, score, dont_know,
comment, evidence, rubric, rubric_version, source_file, example``

``score`` is the level 0-4 (``NaN`` for "don't know" or no answer; ``dont_know`` tells which).
Every form is checked where it enters: a criterion the rubric does not have, a score outside the
scale, a form made for another rubric or rubric version, a rater code used twice in a round (in
the files or in the responses already stored), a city that is not known, an empty form, a role
or organisation type outside the lists, a missing rater code or date. Each error names the file,
the sheet and row (xlsx) or key (JSON), and the field. Nothing is written unless every file is
valid; with ``skip_invalid=True`` the valid files are kept and the others reported.

Stored responses live in ``data/self-assessment/<city>/<round>.csv`` (:func:`write_responses`,
:func:`load_responses`). Rows with ``example`` true are fictitious example raters
(:mod:`compare.governance.examples`) and are labelled so wherever they are shown.

Command line: ``python -m compare assess import FILES... --round NAME [--skip-invalid]``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.governance.questionnaire import DONT_KNOW, FORM_ID, ORGANISATION_TYPES, ROLES
from compare.governance.rubric import Rubric, load_rubric

__all__ = [
    "RESPONSE_COLUMNS",
    "RESPONSES_DIR",
    "ImportResult",
    "read_form",
    "import_responses",
    "write_responses",
    "load_responses",
    "responses_dir",
    "known_cities",
]

#: Columns of the tidy responses table, in order.
RESPONSE_COLUMNS = [
    "city",
    "round",
    "rater",
    "role",
    "organisation_type",
    "date",
    "dimension",
    "criterion",
    "score",
    "dont_know",
    "comment",
    "evidence",
    "rubric",
    "rubric_version",
    "source_file",
    "example",
]
#: Folder under ``data/`` holding the stored responses.
RESPONSES_DIR = "self-assessment"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SCORE = re.compile(r"^\s*(-?\d+(?:\.0+)?)(?:\s*-.*)?$")


def responses_dir(directory=None) -> Path:
    """Folder of stored responses (default ``data/self-assessment`` of the repository).

    Examples
    --------
    >>> responses_dir().name
    'self-assessment'
    """
    if directory is not None:
        return Path(directory)
    from compare.paths import data_dir

    return data_dir() / RESPONSES_DIR


def known_cities() -> set[str]:
    """City ids the workbench knows: governance profiles and the cities of every network.

    Examples
    --------
    >>> {"vantaa", "berlin"} <= known_cities()
    True
    """
    from compare.governance._io import read_yaml
    from compare.paths import data_dir

    data = data_dir()
    out = {p.stem for p in (data / "governance").glob("*.y*ml")}
    for f in sorted((data / "networks").glob("*.y*ml")):
        try:
            raw = read_yaml(f)
        except ConfigError:
            continue
        if isinstance(raw, dict) and isinstance(raw.get("cities"), dict):
            out |= {str(c) for c in raw["cities"]}
    return out


def read_form(path) -> dict:
    """Read one filled form (``.xlsx`` or the HTML form's ``.json``) without validating it.

    Returns a raw form: ``{"meta", "rater", "answers"}`` whose values are ``(value, location)``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; expected a filled form (.xlsx or .json)", file=path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from compare.governance._form_xlsx import read_xlsx

        return read_xlsx(path)
    if suffix == ".json":
        from compare.governance._form_html import read_json

        return read_json(path)
    raise DataError(
        f"unknown form type {suffix!r}; expected the xlsx form or the .json saved by the HTML form",
        file=path,
    )


def _err(path: Path, loc, message: str) -> DataError:
    where, row, fld = loc
    return DataError(message, file=f"{path.name} ({where})" if where else path.name, row=row, column=fld)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return " ".join(str(value).split())


def _date(value) -> str | None:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    s = _text(value)
    try:
        return _dt.date.fromisoformat(s).isoformat()
    except ValueError:
        return None


def _parse_score(value, rubric: Rubric):
    """Return (score or None, dont_know, error message or None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, False, None
    if isinstance(value, str) and value.strip().lower() in {DONT_KNOW, "dont know", "don’t know", "dk"}:
        return None, True, None
    lo, hi = min(rubric.scale), max(rubric.scale)
    if isinstance(value, bool):
        return None, False, f"score {value!r} is not a level; expected {lo}-{hi} or {DONT_KNOW!r}"
    if isinstance(value, int | float):
        num = float(value)
    else:
        m = _SCORE.match(str(value))
        if not m:
            return None, False, f"score {value!r} is not a level; expected {lo}-{hi} or {DONT_KNOW!r}"
        num = float(m.group(1))
    if num != int(num):
        return None, False, f"score {value!r} is not a whole level; expected {lo}-{hi} or {DONT_KNOW!r}"
    if int(num) not in rubric.scale:
        return None, False, f"score {int(num)} is outside the maturity scale {lo}-{hi}"
    return int(num), False, None


def _validate(path: Path, raw: dict, rubric: Rubric, round_name: str, cities: set[str] | None):
    """Validate one raw form; return (rows, errors)."""
    errors: list[DataError] = []
    meta, rater, answers = raw["meta"], raw["rater"], raw["answers"]
    form, loc = meta["form"]
    if form != FORM_ID:
        return [], [_err(path, loc, f"not a self-assessment form (form id {form!r}, expected {FORM_ID!r})")]
    rid, loc = meta["rubric"]
    rver, vloc = meta["rubric_version"]
    if str(rid) != rubric.id or _text(rver) != rubric.version:
        return [], [
            _err(
                path,
                loc if str(rid) != rubric.id else vloc,
                f"form for rubric {rid!r} version {_text(rver)!r}, but the rubric loaded is {rubric.id!r} "
                f"version {rubric.version!r}; import it with that rubric (--rubric) or send the raters "
                "a form of this version",
            )
        ]
    city, loc = meta["city"]
    city = _text(city)
    if not city or (cities is not None and city not in cities):
        known = sorted(cities) if cities is not None else []
        errors.append(_err(path, loc, f"unknown city {city!r}; expected one of {known}"))
    code, loc = rater["rater"]
    code = _text(code)
    if not code:
        errors.append(_err(path, loc, "no rater code; expected the code the coordinator gave (not a name)"))
    role, loc = rater["role"]
    role = _text(role)
    if role not in ROLES:
        what = f"role {role!r} is not" if role else "no role given; expected"
        errors.append(_err(path, loc, f"{what} one of {list(ROLES)}"))
    org, loc = rater["organisation_type"]
    org = _text(org)
    if org and org not in ORGANISATION_TYPES:
        errors.append(_err(path, loc, f"organisation type {org!r} is not one of {list(ORGANISATION_TYPES)}"))
    date_raw, loc = rater["date"]
    date = _date(date_raw)
    if date is None:
        what = f"date {_text(date_raw)!r} is not a date" if _text(date_raw) else "no date given"
        errors.append(_err(path, loc, f"{what}; expected YYYY-MM-DD"))
    rows, seen, answered = [], {}, 0
    for ans in answers:
        crit, cloc = ans["criterion"]
        crit = _text(crit)
        if crit not in rubric.criterion_ids:
            errors.append(
                _err(
                    path,
                    cloc,
                    f"unknown criterion {crit!r}; rubric {rubric.id!r} has {list(rubric.criterion_ids)}",
                )
            )
            continue
        if crit in seen:
            errors.append(_err(path, cloc, f"criterion {crit!r} is answered twice (first at {seen[crit]})"))
            continue
        seen[crit] = cloc[1] if cloc[1] is not None else cloc[2]
        value, sloc = ans["score"]
        score, dk, msg = _parse_score(value, rubric)
        if msg:
            errors.append(_err(path, sloc, msg))
            continue
        comment, evidence = _text(ans["comment"][0]), _text(ans["evidence"][0])
        if score is not None or dk:
            answered += 1
        if score is None and not dk and not comment and not evidence:
            continue
        rows.append(
            {
                "city": city,
                "round": round_name,
                "rater": code,
                "role": role,
                "organisation_type": org,
                "date": date,
                "dimension": rubric.dimension_of(crit),
                "criterion": crit,
                "score": np.nan if score is None else float(score),
                "dont_know": bool(dk),
                "comment": comment,
                "evidence": evidence,
                "rubric": rubric.id,
                "rubric_version": rubric.version,
                "source_file": path.name,
                "example": False,
            }
        )
    if answered == 0 and not any("criterion" in str(e) or "score" in str(e) for e in errors):
        errors.append(
            DataError(
                f"empty form: none of the {len(rubric.criterion_ids)} questions has a level or "
                f"{DONT_KNOW!r}; expected at least one answer",
                file=path.name,
            )
        )
    return rows, errors


@dataclass
class ImportResult:
    """What :func:`import_responses` read, refused and wrote.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy responses of the accepted files (:data:`RESPONSE_COLUMNS`).
    errors : dict of str to list of DataError
        File -> its errors (empty when every file is valid).
    accepted, skipped : list of str
        Files accepted and files left out.
    written : list of pathlib.Path
        Files written (empty when nothing was written).
    """

    table: pd.DataFrame
    errors: dict = field(default_factory=dict)
    accepted: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    written: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no file has an error."""
        return not self.errors

    def report(self) -> str:
        """Plain-text report: per file accepted or its errors, and what was written."""
        lines = []
        for f in self.accepted:
            n = self.table[self.table["source_file"] == Path(f).name]
            lines.append(
                f"ok       {f}: {n['criterion'].nunique()} criteria, rater {', '.join(n['rater'].unique())}"
            )
        for f, errs in self.errors.items():
            lines.append(f"INVALID  {f}: {len(errs)} error(s)")
            lines += [f"  - {e}" for e in errs]
        if self.written:
            lines += [f"written  {p}" for p in self.written]
        elif self.errors and not self.skipped:
            lines.append(
                "nothing written: fix the files above, or use --skip-invalid to import the valid ones"
            )
        elif not self.written:
            lines.append("nothing written")
        return "\n".join(lines)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RESPONSE_COLUMNS})


def import_responses(
    files: Sequence,
    round: str,
    *,
    rubric: Rubric | str | Path | None = None,
    cities: Iterable[str] | None = None,
    skip_invalid: bool = False,
    write: bool = False,
    directory=None,
    replace: bool = False,
) -> ImportResult:
    """Read and validate filled forms into one tidy table; optionally store them.

    Parameters
    ----------
    files : sequence of path
        Filled forms (``.xlsx``) and answer files of the HTML form (``.json``).
    round : str
        Round name (a slug such as ``"baseline"`` or ``"2027-follow-up"``).
    rubric : Rubric or path, optional
        The rubric the forms were made from (default: the shipped rubric).
    cities : iterable of str, optional
        Known city ids (default :func:`known_cities`).
    skip_invalid : bool
        Keep the valid files when some are invalid (default: all or nothing).
    write : bool
        Store the accepted responses with :func:`write_responses`.
    directory : path, optional
        Folder of stored responses (default ``data/self-assessment``).
    replace : bool
        Replace the stored responses of the (city, round) instead of adding to them.

    Returns
    -------
    ImportResult

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from compare.governance import questionnaire, write_questionnaire
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> f = write_questionnaire(questionnaire("vantaa"), d / "v.xlsx")   # not filled in
    >>> res = import_responses([f], "baseline")
    >>> res.ok, "empty form" in str(res.errors[str(f)][-1])
    (False, True)
    """
    if not isinstance(round, str) or not _SLUG.match(round):
        raise ConfigError(
            f"round name {round!r} is not a slug (lower-case letters, digits, -, _)", key="round"
        )
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    known = set(cities) if cities is not None else known_cities()
    per_file: dict[str, list[dict]] = {}
    errors: dict[str, list[DataError]] = {}
    for f in files:
        path = Path(f)
        try:
            raw = read_form(path)
        except DataError as exc:
            errors[str(f)] = [exc]
            continue
        rows, errs = _validate(path, raw, rubric, round, known)
        if errs:
            errors[str(f)] = errs
        else:
            per_file[str(f)] = rows
    # duplicate raters within the round: between files, then against stored responses
    first: dict[tuple, str] = {}
    for f, rows in list(per_file.items()):
        if not rows:
            continue
        key = (rows[0]["city"], round, rows[0]["rater"])
        if key in first:
            errors.setdefault(f, []).append(
                DataError(
                    f"rater {key[2]!r} already answered round {round!r} of {key[0]!r} in {first[key]}; "
                    "expected one form per rater and round",
                    file=Path(f).name,
                    column="rater",
                )
            )
            del per_file[f]
        else:
            first[key] = Path(f).name
    if not replace:
        stored = load_responses(directory, validate=False)
        for f, rows in list(per_file.items()):
            c, r = rows[0]["city"], rows[0]["rater"]
            same_round = stored[(stored["city"] == c) & (stored["round"] == round)]
            if same_round["example"].any():
                errors.setdefault(f, []).append(
                    DataError(
                        f"round {round!r} of {c!r} holds fictitious example responses "
                        f"({responses_dir(directory) / c / (round + '.csv')}); real answers are never mixed "
                        "with them: use --replace to replace the examples, or another round name",
                        file=Path(f).name,
                        column="round",
                    )
                )
                del per_file[f]
                continue
            hit = same_round[same_round["rater"] == r]
            if len(hit):
                errors.setdefault(f, []).append(
                    DataError(
                        f"rater {r!r} is already stored for round {round!r} of {c!r} "
                        f"({responses_dir(directory) / c / (round + '.csv')}); expected one form per rater "
                        "and round (use --replace to replace the stored round)",
                        file=Path(f).name,
                        column="rater",
                    )
                )
                del per_file[f]
    keep = per_file if (skip_invalid or not errors) else {}
    rows = [r for f in keep for r in keep[f]]
    table = pd.DataFrame(rows, columns=RESPONSE_COLUMNS) if rows else _empty()
    res = ImportResult(
        table=table,
        errors=errors,
        accepted=list(keep),
        skipped=list(errors) if skip_invalid else [],
    )
    if write and len(table):
        res.written = write_responses(table, directory, replace=replace)
    return res


def write_responses(table: pd.DataFrame, directory=None, *, replace: bool = False) -> list[Path]:
    """Store responses as ``<directory>/<city>/<round>.csv`` (added to what is stored, or replacing it).

    Returns the files written.
    """
    root = responses_dir(directory)
    out = []
    for (city, rnd), sub in table.groupby(["city", "round"], sort=True):
        path = root / str(city) / f"{rnd}.csv"
        sub = sub[RESPONSE_COLUMNS]
        if path.exists() and not replace:
            old = _read_csv(path)
            sub = pd.concat([old, sub], ignore_index=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".csv.tmp")
        sub.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        tmp.replace(path)
        out.append(path)
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    import io

    from compare.files import check_csv_rows

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte {exc.start}); expected a CSV saved as UTF-8", file=path
        ) from None
    check_csv_rows(text, ",", file=path)  # pandas would pad a short row with missing answers
    t = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in RESPONSE_COLUMNS if c not in t.columns]
    if missing:
        raise DataError(f"stored responses lack columns {missing}; expected {RESPONSE_COLUMNS}", file=path)
    t = t[RESPONSE_COLUMNS].copy()
    raw = t["score"].str.strip()
    score = pd.to_numeric(raw.replace("", np.nan), errors="coerce")
    bad = score.isna() & raw.ne("")
    if bad.any():  # a score that is not a number is an error, never an unanswered question
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"score {raw.iloc[i]!r} is not a number; expected a level of the maturity scale, or empty "
            "with dont_know=True",
            file=path,
            row=i + 2,
            column="score",
        )
    t["score"] = score
    for c in ("dont_know", "example"):
        t[c] = t[c].str.lower().isin(["true", "1"])
    return t


def load_responses(
    directory=None,
    cities: Iterable[str] | None = None,
    rubric: Rubric | None = None,
    *,
    validate: bool = True,
) -> pd.DataFrame:
    """Read the stored responses (``data/self-assessment/<city>/<round>.csv``) into one table.

    Parameters
    ----------
    directory : path, optional
    cities : iterable of str, optional
        Only these cities.
    rubric : Rubric, optional
        When given, rows of another rubric or version are left out (responses to an old
        rubric are not comparable) and criteria are checked against it.
    validate : bool
        Check scores (within the scale), duplicates (city, round, rater, criterion) and that
        the folder and file name match the ``city`` and ``round`` columns.

    Returns
    -------
    pandas.DataFrame
        :data:`RESPONSE_COLUMNS`; empty when nothing is stored.

    Examples
    --------
    >>> t = load_responses(cities=["vantaa"])
    >>> set(t["city"]) <= {"vantaa"}
    True
    """
    root = responses_dir(directory)
    wanted = None if cities is None else set(cities)
    frames = []
    for path in sorted(root.glob("*/*.csv")):
        if wanted is not None and path.parent.name not in wanted:
            continue
        t = _read_csv(path)
        if validate:
            for col, expected in (("city", path.parent.name), ("round", path.stem)):
                bad = t[col] != expected
                if bad.any():
                    i = int(np.flatnonzero(bad.to_numpy())[0])
                    raise DataError(
                        f"{col} {t[col].iloc[i]!r} does not match the file's place; expected {expected!r}",
                        file=path,
                        row=i + 2,
                        column=col,
                    )
            s = t["score"]
            levels = [0, 1, 2, 3, 4] if rubric is None else sorted(rubric.scale)
            bad = s.notna() & ~s.isin(levels)
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError(
                    f"score {s.iloc[i]:g} is outside the maturity scale {levels[0]}-{levels[-1]}",
                    file=path,
                    row=i + 2,
                    column="score",
                )
            dup = t.duplicated(["rater", "criterion"], keep="first")
            if dup.any():
                i = int(np.flatnonzero(dup.to_numpy())[0])
                raise DataError(
                    f"rater {t['rater'].iloc[i]!r} answers criterion {t['criterion'].iloc[i]!r} twice",
                    file=path,
                    row=i + 2,
                    column="criterion",
                )
        if rubric is not None:
            t = t[(t["rubric"] == rubric.id) & (t["rubric_version"] == rubric.version)]
            unknown = t[~t["criterion"].isin(rubric.criterion_ids)]
            if validate and len(unknown):
                raise DataError(
                    f"unknown criterion {unknown['criterion'].iloc[0]!r} for rubric {rubric.id!r}",
                    file=path,
                    row=int(unknown.index[0]) + 2,
                    column="criterion",
                )
        frames.append(t)
    if not frames:
        return _empty()
    return pd.concat(frames, ignore_index=True)
