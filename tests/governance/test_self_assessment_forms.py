"""Questionnaire forms (xlsx, html) and the import of filled forms: structure, validation, round trip."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from compare.cli import main
from compare.errors import DataError
from compare.governance import (
    DONT_KNOW,
    load_responses,
    load_rubric,
    questionnaire,
    write_questionnaire,
)
from compare.governance._form_xlsx import FIRST_ROW, RATER_ROWS

CITIES = {"vantaa", "helsinki"}
#: a responses folder that holds nothing (the shipped folder holds fictitious example rounds)
NO_STORE = Path(tempfile.mkdtemp()) / "no-responses"


def import_responses(files, round, **kw):
    from compare.governance import import_responses as _import

    kw.setdefault("directory", NO_STORE)
    return _import(files, round, **kw)


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


@pytest.fixture
def blank(tmp_path, rubric):
    return write_questionnaire(questionnaire("vantaa", rubric, city_name="Vantaa"), tmp_path / "blank.xlsx")


ANSWERS = {  # criterion -> (score or DONT_KNOW, comment, evidence)
    "cross_sector_group": (3, "Meets monthly & has <all> sectors", "Minutes 2026, p. 2"),
    "aligned_goals": (2, "", ""),
    "strategy_link": (DONT_KNOW, "Not visible from my NGO", ""),
    "resident_participation": (1, "", "https://example.org/plan"),
}


def fill_xlsx(
    src,
    dst,
    *,
    rater="R01",
    role="resident",
    org="none (individual resident)",
    date="2027-01-15",
    answers=ANSWERS,
    edit=None,
):
    wb = load_workbook(src)
    ws = wb["Assessment"]
    ws[f"B{RATER_ROWS['rater']}"] = rater
    ws[f"B{RATER_ROWS['role']}"] = role
    ws[f"B{RATER_ROWS['organisation_type']}"] = org
    ws[f"B{RATER_ROWS['date']}"] = date
    rows = {ws[f"A{r}"].value: r for r in range(FIRST_ROW, FIRST_ROW + 40) if ws[f"A{r}"].value}
    choices = {int(c.split(" - ")[0]): c for c in questionnaire("vantaa").score_choices()[:-1]}
    for crit, (score, comment, evidence) in answers.items():
        r = rows[crit]
        ws[f"F{r}"] = score if score == DONT_KNOW or not isinstance(score, int) else choices.get(score, score)
        ws[f"G{r}"] = comment or None
        ws[f"H{r}"] = evidence or None
    if edit:
        edit(wb)
    wb.save(dst)
    return dst


def json_form(
    path,
    *,
    rater="R02",
    role="municipal_sector",
    org="city administration",
    date="2027-01-16",
    answers=ANSWERS,
    **meta,
):
    rub = load_rubric()
    data = {
        "form": "compare-self-assessment",
        "form_version": 1,
        "rubric": rub.id,
        "rubric_version": rub.version,
        "city": "vantaa",
        "rater": rater,
        "role": role,
        "organisation_type": org,
        "date": date,
        "answers": [
            {
                "criterion": c,
                "score": None if s == DONT_KNOW else s,
                "dont_know": s == DONT_KNOW,
                "comment": com,
                "evidence": ev,
            }
            for c, (s, com, ev) in answers.items()
        ],
    }
    data.update(meta)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- the forms -------------------------------------------------------------------------------


def test_xlsx_form_has_one_sheet_to_fill_locked_instructions_dropdowns_and_the_rubric_version(blank, rubric):
    wb = load_workbook(blank)
    assert wb.sheetnames == ["Assessment", "Instructions", "form"]
    assert wb["form"].sheet_state == "hidden"
    assert wb["Instructions"].protection.sheet and wb["Assessment"].protection.sheet
    ws = wb["Assessment"]
    # criterion ids are locked, answer cells are open
    assert ws[f"A{FIRST_ROW}"].protection.locked
    assert not ws[f"F{FIRST_ROW}"].protection.locked and not ws[f"G{FIRST_ROW}"].protection.locked
    assert not ws[f"B{RATER_ROWS['rater']}"].protection.locked
    ids = [ws[f"A{r}"].value for r in range(FIRST_ROW, FIRST_ROW + len(rubric.criteria))]
    assert ids == list(rubric.criterion_ids)
    dvs = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    score_dv = next(f for ref, f in dvs.items() if f"F{FIRST_ROW}" in ref)
    assert score_dv == "=form!$D$1:$D$6"
    lists = [wb["form"][f"D{i}"].value for i in range(1, 7)]
    assert lists == [
        "0 - absent",
        "1 - ad hoc",
        "2 - formalised",
        "3 - resourced and implemented",
        "4 - evaluated and adaptive",
        DONT_KNOW,
    ]
    meta = {wb["form"].cell(i, 1).value: wb["form"].cell(i, 2).value for i in range(1, 7)}
    assert (
        meta["rubric"] == rubric.id and meta["rubric_version"] == rubric.version and meta["city"] == "vantaa"
    )
    # no field asks for a name
    labels = " ".join(str(ws.cell(r, 1).value) for r in RATER_ROWS.values())
    assert "not your name" in labels


def test_html_form_embeds_rubric_and_offers_every_level_and_dont_know(tmp_path, rubric):
    p = write_questionnaire(questionnaire("vantaa", rubric), tmp_path / "v.html")
    text = p.read_text(encoding="utf-8")
    start = text.index("id='form-def'>") + len("id='form-def'>")
    definition = json.loads(text[start : text.index("</script>", start)])
    assert definition["rubric"] == rubric.id and definition["rubric_version"] == rubric.version
    assert definition["criteria"] == list(rubric.criterion_ids)
    for c in rubric.criterion_ids:
        for k in range(5):
            assert f"name='score-{c}' value='{k}'" in text
        assert f"name='score-{c}' value='dk'" in text
    assert "http://" not in text.replace("http://www.w3", "") and "<link" not in text  # works offline
    assert "new Blob" in text and "download" in text


def test_a_swapped_rubric_gives_a_swapped_questionnaire_escaped(tmp_path):
    rub = {
        "id": "mini",
        "version": "0.1",
        "title": "Mini <rubric>",
        "dimensions": [
            {
                "id": "d1",
                "name": "D & one",
                "criteria": [
                    {
                        "id": "k1",
                        "name": "Kay <one>",
                        "question": "Is it <b>bold</b>?",
                        "levels": {0: "none", 4: "all of it"},
                    },
                    {"id": "k2", "name": "Kay two"},
                ],
            }
        ],
    }
    f = tmp_path / "mini.yml"
    f.write_text(yaml.safe_dump(rub), encoding="utf-8")
    q = questionnaire("vantaa", f)
    assert q.criterion_ids == ("k1", "k2")
    assert q.questions[0].levels[0] == (0, "absent: none") and q.questions[0].levels[4] == (
        4,
        "evaluated and adaptive: all of it",
    )
    assert q.questions[0].levels[1] == (1, "ad hoc")  # the scale where the criterion gives no words
    html = write_questionnaire(q, tmp_path / "m.html").read_text(encoding="utf-8")
    assert "Is it &lt;b&gt;bold&lt;/b&gt;?" in html and "<b>bold" not in html
    xlsx = load_workbook(write_questionnaire(q, tmp_path / "m.xlsx"))
    assert xlsx["Assessment"][f"A{FIRST_ROW + 1}"].value == "k2"


# -- import: valid forms --------------------------------------------------------------------


def test_filled_xlsx_and_json_forms_import_to_the_tidy_table(tmp_path, blank, rubric):
    x = fill_xlsx(blank, tmp_path / "r01.xlsx")
    j = json_form(tmp_path / "r02.json")
    res = import_responses([x, j], "baseline", cities=CITIES)
    assert res.ok, res.report()
    t = res.table
    assert list(t.columns)[:8] == [
        "city",
        "round",
        "rater",
        "role",
        "organisation_type",
        "date",
        "dimension",
        "criterion",
    ]
    assert set(t["rater"]) == {"R01", "R02"} and set(t["round"]) == {"baseline"}
    r1 = t[t["rater"] == "R01"].set_index("criterion")
    assert r1.loc["cross_sector_group", "score"] == 3.0
    assert r1.loc["cross_sector_group", "comment"] == "Meets monthly & has <all> sectors"
    assert r1.loc["cross_sector_group", "evidence"] == "Minutes 2026, p. 2"
    assert np.isnan(r1.loc["strategy_link", "score"]) and r1.loc["strategy_link", "dont_know"]
    assert r1.loc["resident_participation", "dimension"] == "participation"
    # both forms carry the same answers: the same table apart from rater fields and file
    keep = ["criterion", "score", "dont_know", "comment", "evidence"]
    a = t[t["rater"] == "R01"][keep].reset_index(drop=True)
    b = t[t["rater"] == "R02"][keep].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_import_writes_only_when_asked_and_adds_to_the_round(tmp_path, blank):
    store = tmp_path / "store"
    x = fill_xlsx(blank, tmp_path / "r01.xlsx")
    res = import_responses([x], "baseline", cities=CITIES, write=True, directory=store)
    assert res.written == [store / "vantaa" / "baseline.csv"]
    j = json_form(tmp_path / "r02.json")
    import_responses([j], "baseline", cities=CITIES, write=True, directory=store)
    t = load_responses(store)
    assert set(t["rater"]) == {"R01", "R02"}
    assert t["score"].dropna().isin([0, 1, 2, 3, 4]).all()


# -- import: every bad form is refused, naming file, sheet/row and field -----------------------


def _errors(res, f):
    return [str(e) for e in res.errors[str(f)]]


def test_unknown_criterion_is_refused_naming_sheet_row_and_field(tmp_path, blank):
    def edit(wb):
        wb["Assessment"][f"A{FIRST_ROW + 1}"] = "budget_magic"

    f = fill_xlsx(blank, tmp_path / "bad.xlsx", edit=edit)
    res = import_responses([f], "baseline", cities=CITIES)
    (msg,) = [m for m in _errors(res, f) if "budget_magic" in m]
    assert msg.startswith(
        f"bad.xlsx (sheet Assessment), row {FIRST_ROW + 1}, column criterion: unknown criterion"
    )


@pytest.mark.parametrize("value", [5, -1, "7 - superb", 2.5, "high"])
def test_score_outside_the_scale_is_refused(tmp_path, blank, value):
    f = fill_xlsx(blank, tmp_path / "bad.xlsx", answers={"aligned_goals": (value, "", "")})
    res = import_responses([f], "baseline", cities=CITIES)
    msgs = _errors(res, f)
    assert any(
        f"row {FIRST_ROW + 1}, column score" in m and ("outside" in m or "not a" in m) for m in msgs
    ), msgs


def test_form_for_another_rubric_version_is_refused(tmp_path, blank):
    def edit(wb):
        wb["form"]["B4"] = "0.9 (2025-01-01)"

    f = fill_xlsx(blank, tmp_path / "old.xlsx", edit=edit)
    res = import_responses([f], "baseline", cities=CITIES)
    (msg,) = _errors(res, f)
    assert "sheet form" in msg and "rubric_version" in msg and "'0.9 (2025-01-01)'" in msg
    j = json_form(tmp_path / "other.json", rubric="someone-elses-rubric")
    assert "someone-elses-rubric" in _errors(import_responses([j], "baseline", cities=CITIES), j)[0]


def test_duplicate_rater_in_a_round_is_refused_in_the_batch_and_against_stored(tmp_path, blank):
    a = fill_xlsx(blank, tmp_path / "a.xlsx", rater="R01")
    b = json_form(tmp_path / "b.json", rater="R01")
    res = import_responses([a, b], "baseline", cities=CITIES)
    assert str(a) not in res.errors and "already answered round 'baseline'" in _errors(res, b)[0]
    assert "a.xlsx" in _errors(res, b)[0]
    assert res.table.empty  # all or nothing
    store = tmp_path / "store"
    import_responses([a], "baseline", cities=CITIES, write=True, directory=store)
    again = import_responses([b], "baseline", cities=CITIES, directory=store)
    assert "already stored" in _errors(again, b)[0]
    # another round is fine
    assert import_responses([b], "follow-up", cities=CITIES, directory=store).ok


def test_unknown_city_is_refused(tmp_path):
    j = json_form(tmp_path / "x.json", city="atlantis")
    (msg,) = _errors(import_responses([j], "baseline", cities=CITIES), j)
    assert msg.startswith("x.json (JSON), column city: unknown city 'atlantis'")


def test_empty_form_is_refused(tmp_path, blank):
    f = fill_xlsx(blank, tmp_path / "empty.xlsx", answers={})
    (msg,) = _errors(import_responses([f], "baseline", cities=CITIES), f)
    assert "empty form" in msg and "empty.xlsx" in msg


def test_role_date_and_rater_code_are_checked(tmp_path, blank):
    f = fill_xlsx(blank, tmp_path / "bad.xlsx", rater=None, role="mayor", date="15.1.2027", org="cult")
    msgs = " | ".join(_errors(import_responses([f], "baseline", cities=CITIES), f))
    assert "no rater code" in msgs and "role 'mayor'" in msgs and "'15.1.2027' is not a date" in msgs
    assert "organisation type 'cult'" in msgs
    assert f"row {RATER_ROWS['role']}" in msgs


def test_not_a_form_and_a_foreign_file_are_refused(tmp_path):
    junk = tmp_path / "notes.json"
    junk.write_text("[1, 2]", encoding="utf-8")
    txt = tmp_path / "answers.txt"
    txt.write_text("3, 2, 1", encoding="utf-8")
    res = import_responses([junk, txt], "baseline", cities=CITIES)
    assert "expected a JSON object" in _errors(res, junk)[0]
    assert "unknown form type '.txt'" in _errors(res, txt)[0]


def test_nothing_is_written_unless_all_valid_or_skip_invalid(tmp_path, blank):
    store = tmp_path / "store"
    good = fill_xlsx(blank, tmp_path / "good.xlsx")
    bad = fill_xlsx(blank, tmp_path / "bad.xlsx", rater="R09", answers={"aligned_goals": (9, "", "")})
    res = import_responses([good, bad], "baseline", cities=CITIES, write=True, directory=store)
    assert not res.written and not (store / "vantaa").exists()
    assert "nothing written" in res.report()
    res = import_responses(
        [good, bad], "baseline", cities=CITIES, write=True, directory=store, skip_invalid=True
    )
    assert res.written and res.skipped == [str(bad)]
    assert set(load_responses(store)["rater"]) == {"R01"}
    assert "INVALID" in res.report() and "ok       " in res.report()


def test_cli_import_reports_and_exits_1_on_an_invalid_file(tmp_path, blank, capsys):
    store = tmp_path / "store"
    bad = fill_xlsx(blank, tmp_path / "bad.xlsx", answers={"aligned_goals": (9, "", "")})
    code = main(["assess", "import", str(bad), "--round", "baseline", "--output", str(store)])
    out = capsys.readouterr().out
    assert code == 1 and "score 9 is outside the maturity scale 0-4" in out and not store.exists()
    good = fill_xlsx(blank, tmp_path / "good.xlsx")
    assert main(["assess", "import", str(good), "--round", "baseline", "--output", str(store)]) == 0
    assert (store / "vantaa" / "baseline.csv").is_file()


def test_cli_questionnaire_writes_both_formats_and_refuses_an_unknown_city(tmp_path, capsys):
    assert main(["assess", "questionnaire", "vantaa", "-o", str(tmp_path / "v.xlsx")]) == 0
    assert main(["assess", "questionnaire", "vantaa", "--format", "html", "-o", str(tmp_path / "v")]) == 0
    assert (tmp_path / "v.xlsx").is_file() and (tmp_path / "v.html").is_file()
    assert main(["assess", "questionnaire", "atlantis", "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "unknown city 'atlantis'" in capsys.readouterr().err


def test_stored_responses_are_validated_where_they_are_read(tmp_path):
    d = tmp_path / "store" / "vantaa"
    d.mkdir(parents=True)
    cols = [
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
    row = [
        "vantaa",
        "baseline",
        "R1",
        "resident",
        "",
        "2027-01-01",
        "horizontal",
        "aligned_goals",
        "6",
        "False",
        "",
        "",
        "area-governance-v1",
        "x",
        "f.xlsx",
        "False",
    ]
    (d / "baseline.csv").write_text(",".join(cols) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=r"baseline.csv, row 2, column score: score 6 is outside the maturity scale 0-4"
    ):
        load_responses(tmp_path / "store")


def test_real_answers_are_never_mixed_with_fictitious_example_responses(tmp_path, blank):
    from compare.governance import example_responses, write_responses

    store = tmp_path / "store"
    write_responses(example_responses(), store)
    f = fill_xlsx(blank, tmp_path / "real.xlsx")
    res = import_responses([f], "baseline", cities=CITIES, directory=store, write=True)
    assert "holds fictitious example responses" in _errors(res, f)[0] and not res.written
    res = import_responses([f], "baseline", cities=CITIES, directory=store, write=True, replace=True)
    assert (
        res.ok and not load_responses(store, cities=["vantaa"]).query("round == 'baseline'")["example"].any()
    )


def test_example_command_never_overwrites_real_responses(tmp_path, blank, capsys):
    store = tmp_path / "store"
    f = fill_xlsx(blank, tmp_path / "real.xlsx")
    assert import_responses([f], "baseline", cities=CITIES, directory=store, write=True).ok
    assert main(["assess", "example", "helsinki-berlin", "-o", str(store)]) == 2
    assert "holds real (non-example) responses" in capsys.readouterr().err
    assert main(["assess", "example", "helsinki-berlin", "-o", str(tmp_path / "other")]) == 0
    assert load_responses(tmp_path / "other")["example"].all()
