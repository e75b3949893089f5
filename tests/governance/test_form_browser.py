"""The offline HTML form filled in headless Chromium round-trips to the same table as the xlsx form."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from compare.governance import DONT_KNOW, load_rubric, questionnaire, write_questionnaire
from tests.governance.test_self_assessment_forms import fill_xlsx, import_responses

CHROMIUM = next(
    (
        p
        for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
        if p and Path(p).exists()
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium browser installed (Debian: apt-get install chromium; `make browser`)",
)

ANSWERS = {
    "cross_sector_group": (3, 'Meets "monthly" & has <all> sectors', "Minutes 2026, p. 2"),
    "aligned_goals": (0, "", ""),
    "strategy_link": (DONT_KNOW, "Not visible from my NGO", ""),
    "monitoring_evaluation": (4, "", "https://example.org/evaluation.pdf"),
}


def _fill_in_browser(html: Path, out_dir: Path, *, rater: str | None = "R07") -> tuple[Path | None, str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(html.as_uri())
            if rater:
                page.fill("#rater", rater)
            page.select_option("#role", "local_organisation")
            page.select_option("#organisation_type", "NGO or association")
            page.fill("#date", "2027-02-03")
            for crit, (score, comment, evidence) in ANSWERS.items():
                value = "dk" if score == DONT_KNOW else str(score)
                page.check(f"input[name='score-{crit}'][value='{value}']")
                if comment:
                    page.fill(f"#comment-{crit}", comment)
                if evidence:
                    page.fill(f"#evidence-{crit}", evidence)
            if not rater:
                page.click("#save")
                return None, page.inner_text("#status")
            with page.expect_download() as info:
                page.click("#save")
            download = info.value
            target = out_dir / download.suggested_filename
            download.save_as(target)
            return target, page.inner_text("#status")
        finally:
            browser.close()


def test_html_form_filled_in_chromium_round_trips_to_the_xlsx_table(tmp_path):
    rubric = load_rubric()
    q = questionnaire("vantaa", rubric, city_name="Vantaa")
    html = write_questionnaire(q, tmp_path / "vantaa.html")
    saved, status = _fill_in_browser(html, tmp_path)
    assert saved.name == "self-assessment_vantaa_R07_2027-02-03.json"
    assert "4 of 14 questions answered" in status
    from_html = import_responses([saved], "baseline", rubric=rubric, cities={"vantaa"})
    assert from_html.ok, from_html.report()

    blank = write_questionnaire(q, tmp_path / "vantaa.xlsx")
    xlsx = fill_xlsx(
        blank,
        tmp_path / "filled.xlsx",
        rater="R07",
        role="local_organisation",
        org="NGO or association",
        date="2027-02-03",
        answers=ANSWERS,
    )
    from_xlsx = import_responses([xlsx], "baseline", rubric=rubric, cities={"vantaa"})
    assert from_xlsx.ok, from_xlsx.report()

    a = from_html.table.drop(columns=["source_file"]).reset_index(drop=True)
    b = from_xlsx.table.drop(columns=["source_file"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    row = a.set_index("criterion").loc["cross_sector_group"]
    assert row["comment"] == 'Meets "monthly" & has <all> sectors' and row["score"] == 3.0
    assert a.set_index("criterion").loc["strategy_link", "dont_know"]


def test_html_form_asks_for_the_rater_code_before_saving(tmp_path):
    html = write_questionnaire(questionnaire("vantaa"), tmp_path / "vantaa.html")
    saved, status = _fill_in_browser(html, tmp_path, rater=None)
    assert saved is None and "Please fill in: rater code" in status
