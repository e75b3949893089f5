"""The spreadsheet form of a :class:`~compare.governance.Questionnaire` (openpyxl): write and read.

Layout (``FORM_VERSION`` 1):

* sheet ``Assessment`` (the only one to fill): rater fields in column B of rows
  :data:`RATER_ROWS`, one row per criterion from :data:`FIRST_ROW` with the criterion id in
  column A (locked) and the answer in columns F (score, drop-down), G (comment), H (evidence);
* sheet ``Instructions``: the instructions and the scale (protected, read-only);
* hidden sheet ``form``: form id and version, rubric id and version, city, and the drop-down
  lists.

Protection has no password: it prevents accidental edits, it is not a security feature.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_xlsx", "read_xlsx", "SHEET", "FIRST_ROW", "RATER_ROWS", "ANSWER_COLUMNS"]

SHEET = "Assessment"
INSTRUCTIONS = "Instructions"
META = "form"
#: rater field -> row in column B of the Assessment sheet
RATER_ROWS = {"rater": 7, "role": 8, "organisation_type": 9, "date": 10}
_RATER_LABELS = {
    "rater": "Rater code (not your name)",
    "role": "Your role in the group",
    "organisation_type": "Type of your organisation",
    "date": "Date (YYYY-MM-DD)",
}
HEADER_ROW = 12
FIRST_ROW = 13
COLUMNS = ["criterion id", "dimension", "criterion", "question", "levels", "score", "comment", "evidence"]
#: answer field -> column letter
ANSWER_COLUMNS = {"criterion": "A", "score": "F", "comment": "G", "evidence": "H"}
_META_KEYS = ("form", "form_version", "rubric", "rubric_version", "city", "n_questions")


def write_xlsx(q, path: Path) -> None:
    """Write the spreadsheet form of questionnaire ``q`` to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from compare.governance._form_fields import FORM_ID, FORM_VERSION, ORGANISATION_TYPES, ROLES

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ins = wb.create_sheet(INSTRUCTIONS)
    meta = wb.create_sheet(META)
    meta.sheet_state = "hidden"

    # hidden metadata and lists
    values = [FORM_ID, FORM_VERSION, q.rubric_id, q.rubric_version, q.city, len(q.questions)]
    for i, (k, v) in enumerate(zip(_META_KEYS, values, strict=True), start=1):
        meta.cell(i, 1, k)
        meta.cell(i, 2, v)
    lists = {"D": q.score_choices(), "E": list(ROLES), "F": list(ORGANISATION_TYPES)}
    for col, items in lists.items():
        for i, item in enumerate(items, start=1):
            meta[f"{col}{i}"] = item
    meta.protection.sheet = True

    grey = PatternFill("solid", fgColor="EEEEEE")
    yellow = PatternFill("solid", fgColor="FFF7CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)

    ws["A1"] = f"Self-assessment of the area-based governance model: {q.city_name}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "Fill in the yellow cells only (see the sheet 'Instructions'). Choose a level from the drop-down "
        'in column F, or "don\'t know". Do not write your name.'
    )
    ws["A3"], ws["B3"] = "Rubric", q.rubric_id
    ws["A4"], ws["B4"] = "Rubric version", q.rubric_version
    ws["A5"], ws["B5"] = "City", q.city
    for key, row in RATER_ROWS.items():
        ws.cell(row, 1, _RATER_LABELS[key]).font = Font(bold=True)
        c = ws.cell(row, 2)
        c.fill = yellow
        c.protection = unlocked
    dv_role = DataValidation(type="list", formula1=f"={META}!$E$1:$E${len(ROLES)}", allow_blank=True)
    dv_org = DataValidation(
        type="list", formula1=f"={META}!$F$1:$F${len(ORGANISATION_TYPES)}", allow_blank=True
    )
    n_choices = len(q.score_choices())
    dv_score = DataValidation(type="list", formula1=f"={META}!$D$1:$D${n_choices}", allow_blank=True)
    for dv, what in ((dv_role, "role"), (dv_org, "organisation type"), (dv_score, "level")):
        dv.error = f"Please choose a {what} from the list."
        dv.errorTitle = "Not in the list"
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
    dv_role.add(f"B{RATER_ROWS['role']}")
    dv_org.add(f"B{RATER_ROWS['organisation_type']}")

    for j, name in enumerate(COLUMNS, start=1):
        c = ws.cell(HEADER_ROW, j, name)
        c.font = Font(bold=True)
        c.fill = grey
    for i, qu in enumerate(q.questions):
        r = FIRST_ROW + i
        for j, v in enumerate(
            [qu.criterion, qu.dimension_name, qu.name, qu.question, qu.level_text("\n")], start=1
        ):
            c = ws.cell(r, j, v)
            c.alignment = wrap
        for col in ("F", "G", "H"):
            c = ws[f"{col}{r}"]
            c.fill = yellow
            c.protection = unlocked
            c.alignment = wrap
        dv_score.add(f"F{r}")
    for col, width in zip("ABCDEFGH", (26, 20, 24, 44, 62, 26, 40, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    ins["A1"] = "Instructions"
    ins["A1"].font = Font(bold=True, size=14)
    r = 3
    for para in q.instructions():
        ins.cell(r, 1, para).alignment = wrap
        r += 1
    r += 1
    ins.cell(r, 1, "Maturity levels").font = Font(bold=True)
    for k, v in q.scale:
        r += 1
        ins.cell(r, 1, f"{k} = {v}")
    r += 2
    ins.cell(r, 1, "Roles").font = Font(bold=True)
    from compare.governance._form_fields import ROLE_LABELS

    for role in ROLES:
        r += 1
        ins.cell(r, 1, f"{role}: {ROLE_LABELS[role]}")
    r += 2
    ins.cell(r, 1, f"Form: {FORM_ID} v{FORM_VERSION}; rubric {q.rubric_id} version {q.rubric_version}.")
    ins.column_dimensions["A"].width = 120
    ins.protection.sheet = True
    wb.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def read_xlsx(path: Path) -> dict:
    """Read a filled spreadsheet form into a raw form dict (values with their locations).

    Returns ``{"meta": {key: (value, loc)}, "rater": {field: (value, loc)}, "answers": [...]}``
    where ``loc`` is ``(where, row, field)`` and each answer maps ``criterion, score, comment,
    evidence`` to ``(value, loc)``.
    """
    from openpyxl import load_workbook

    from compare.errors import DataError

    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise DataError(
            f"cannot read the spreadsheet ({exc}); expected a filled xlsx form", file=path
        ) from exc
    if SHEET not in wb.sheetnames or META not in wb.sheetnames:
        raise DataError(
            f"not a self-assessment form: sheets {wb.sheetnames}, expected {SHEET!r} and a hidden {META!r}",
            file=path,
        )
    m = wb[META]
    meta = {}
    for i, k in enumerate(_META_KEYS, start=1):
        key = m.cell(i, 1).value
        meta[k] = (m.cell(i, 2).value if key == k else None, (f"sheet {META}", i, k))
    ws = wb[SHEET]
    where = f"sheet {SHEET}"
    rater = {k: (ws.cell(r, 2).value, (where, r, _RATER_LABELS[k])) for k, r in RATER_ROWS.items()}
    answers = []
    r = FIRST_ROW
    while True:
        crit = ws[f"A{r}"].value
        rest = [ws[f"{c}{r}"].value for c in ("F", "G", "H")]
        if crit is None and all(v is None for v in rest):
            break
        answers.append({f: (ws[f"{col}{r}"].value, (where, r, f)) for f, col in ANSWER_COLUMNS.items()})
        r += 1
    return {"meta": meta, "rater": rater, "answers": answers}
