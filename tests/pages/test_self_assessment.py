"""The city report's self-assessment section: what it loads and what it displays (escaped)."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from compare.governance import load_profiles, load_rubric, write_responses
from compare.pages.self_assessment import key_figures, load_self_assessment, show_self_assessment

matplotlib.use("Agg")


@pytest.fixture
def captured(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    return shown


def _html(shown) -> str:
    return "\n".join(o.data for o in shown if hasattr(o, "data") and isinstance(o.data, str))


def test_shipped_example_responses_load_as_two_labelled_rounds_for_vantaa():
    s = load_self_assessment("vantaa", load_profiles()["vantaa"], load_rubric(), name="Vantaa")
    assert s.rounds == ["baseline", "follow-up"] and s.example
    assert set(s.agreement) == {"baseline", "follow-up"}
    assert len(s.change) == len(load_rubric().criteria)
    assert "FICTITIOUS EXAMPLE RESPONSES" in s.source_line()
    k = key_figures(s)
    assert k["example_raters"] is True and k["rounds"] == ["baseline", "follow-up"]


def test_section_escapes_comments_and_hides_rater_codes(tmp_path, captured):
    rubric = load_rubric()
    rows = []
    for i, score in enumerate([1, 2, 3, 3]):
        for c in rubric.criteria:
            rows.append(
                {
                    "city": "vantaa",
                    "round": "baseline",
                    "rater": f"SECRET{i}",
                    "role": "resident" if i < 2 else "municipal_sector",
                    "organisation_type": "",
                    "date": "2027-01-01",
                    "dimension": c.dimension,
                    "criterion": c.id,
                    "score": float(score),
                    "dont_know": False,
                    "comment": "<script>alert('x')</script> & co"
                    if (i == 0 and c.id == "aligned_goals")
                    else "",
                    "evidence": "",
                    "rubric": rubric.id,
                    "rubric_version": rubric.version,
                    "source_file": "f.xlsx",
                    "example": False,
                }
            )
    write_responses(pd.DataFrame(rows), tmp_path)
    s = load_self_assessment("vantaa", load_profiles()["vantaa"], rubric, name="Vantaa", directory=tmp_path)
    assert not s.example
    show_self_assessment(s)
    page = _html(captured)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "<script>" not in page and "SECRET0" not in page
    assert "FICTITIOUS" not in page
    assert "Do residents assess the model differently?" in page
    figures = [o for o in captured if isinstance(o, matplotlib.figure.Figure)]
    assert len(figures) == 3  # consensus, desk vs self, answers by rater (one round: no change figure)


def test_city_without_responses_says_it_has_a_desk_review_only(tmp_path, captured):
    s = load_self_assessment(
        "berlin", load_profiles()["berlin"], load_rubric(), name="Berlin", directory=tmp_path
    )
    assert not s.has_responses and key_figures(s) == {}
    show_self_assessment(s)
    page = _html(captured)
    assert "No self-assessment of Berlin" in page and "desk review" in page
    assert "python -m compare assess questionnaire berlin" in page
