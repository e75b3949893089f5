"""Results display themselves: summary() returns one Summary class (text and HTML); short reprs."""

import importlib
import inspect

import numpy as np
import pandas as pd
import pytest

import compare
from compare.summary import Summary


def test_summary_renders_info_tables_text_nested_and_notes():
    inner = Summary("Inner", [("", pd.DataFrame({"x": [1.5]}))])
    s = Summary(
        "Outer <b>",
        [("Means", pd.DataFrame({"a": [0.25]}, index=pd.Index(["t"], name="group"))),
         ("Block", "M1: A -> Y")],
        ["few cases"],
        info=[("n", 3), ("alpha", 0.123456)],
    ).add_table("", inner)
    text = s.as_text()
    assert text.splitlines()[:3] == ["Outer <b>", "==========", "n: 3   alpha: 0.1235"]
    assert "group" in text and "0.2500" in text  # a named index is shown
    assert "M1: A -> Y" in text and "Inner" in text and text.rstrip().endswith("Note: few cases")
    html = s._repr_html_()
    assert "Outer &lt;b&gt;" in html and "<pre>M1: A -&gt; Y</pre>" in html and "<h4>Inner</h4>" in html
    assert str(s) == repr(s) == text and "few cases" in s


def test_the_old_governance_summary_is_the_shared_one():
    from compare.governance._summary import Summary as Old

    assert Old is Summary and compare.Summary is Summary


RESULT_MODULES = ["compare.evaluation.results", "compare.indicators.inference", "compare.indicators.spatial",
                  "compare.governance.compare", "compare.governance.agreement", "compare.qca.necessity",
                  "compare.qca.solution", "compare.qca.truthtable", "compare.qca.workbench"]


def _results_classes():
    for mod in RESULT_MODULES:
        m = importlib.import_module(mod)
        for name, cls in vars(m).items():
            if inspect.isclass(cls) and cls.__module__ == mod and callable(getattr(cls, "summary", None)):
                yield f"{mod}.{name}", cls


@pytest.mark.parametrize("name, cls", list(_results_classes()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_results_class_returns_a_summary_and_displays_as_html(name, cls):
    ann = inspect.signature(cls.summary).return_annotation
    assert ann in ("Summary", Summary), f"{name}.summary() is annotated {ann!r}; expected Summary"
    assert hasattr(cls, "_repr_html_"), f"{name} has no _repr_html_"


def test_results_classes_are_found():
    names = {n.rsplit(".", 1)[1] for n, _ in _results_classes()}
    assert {"EvaluationResult", "DifferenceResult", "MoranResult", "SimilarityResult", "AgreementResult",
            "NecessityResult", "QCASolution", "TruthTable", "WorkbenchQCAResult"} <= names


def test_did_summary_has_the_headline_figures_and_html():
    from compare.evaluation import did_2x2

    rng = np.random.default_rng(0)
    rows = [{"unit": u, "treated": int(u < 20), "post": p,
             "value": 1.0 + 0.5 * (u < 20) * p + rng.normal(0, 0.1)} for u in range(40) for p in (0, 1)]
    res = did_2x2(pd.DataFrame(rows), cluster="unit")
    s = res.summary()
    assert isinstance(s, Summary) and s.info[0][0] == "Estimate (ATT)"
    assert float(s.info[0][1]) == pytest.approx(res.estimate, abs=1e-3)
    assert "Parameters" in s.as_text() and "<table" in res._repr_html_()
    assert str(res) == s.as_text()


def test_difference_and_moran_summaries():
    from compare.indicators.inference import DifferenceResult
    from compare.indicators.spatial import MoranResult

    d = DifferenceResult("dissimilarity", 0.2, 0.3, 0.1, 0.02, 0.18, 0.01, 199, 0.95, "multinomial")
    assert "B - A: +0.1000" in d.summary().as_text() and "199 multinomial" in d.summary().as_text()
    m = MoranResult(I=0.31, EI=-0.02, VI_norm=0.01, z_norm=3.3, p_norm=0.001, p_sim=0.002, n=50,
                    permutations=999)
    text = m.summary().as_text()
    assert "Moran's I: 0.3100" in text and "pseudo p (999 permutations): 0.0020" in text
    assert "<th" in m._repr_html_()


def test_qca_summaries_nest_in_the_workbench_summary():
    from compare.qca import minimize, truth_table

    data = pd.DataFrame({"A": [1, 1, 0, 0, 1], "B": [1, 0, 1, 0, 1], "Y": [1, 1, 0, 0, 1]},
                        index=list("vwxyz"))
    tt = truth_table(data, "Y")
    sol = minimize(tt, "conservative")
    assert "Truth table: outcome Y" in tt.summary().as_text()
    text = sol.summary().as_text()
    assert "M1: A -> Y" in text and "Terms" in text
    assert "<pre>M1: A -&gt; Y</pre>" in sol._repr_html_()


def test_model_similarity_summary_lists_types_and_pairs():
    from compare.governance import ModelSimilarity

    m = pd.DataFrame({"k1": [0.0, 0.0, 4.0, 4.0], "k2": [0.0, 1.0, 4.0, 3.0]}, index=list("abcd"))
    s = ModelSimilarity(n_clusters=2).fit(m).result().summary()
    assert "type 1: a, b" in s.as_text() and "Closest pairs" in s.as_text()


# ---- short reprs ------------------------------------------------------------------------------------------


def test_network_repr_is_one_short_line(example_network):
    r = repr(example_network)
    n_periods = example_network.population["period"].nunique()
    n_areas = len(example_network.areas)
    assert r == f"<Network helsinki-berlin: 4 cities, {n_periods} periods, {n_areas} areas>"


def test_catalog_profile_and_rubric_reprs_are_short():
    cat = compare.load_catalog()
    n_files = sum(len(d.files) for d in cat.datasets.values())
    assert repr(cat) == f"<Catalog catalog.yml: {len(cat.datasets)} data sets, {n_files} files>"
    p = compare.load_profiles()["vantaa"]
    assert repr(p) == (f"<Profile vantaa: {len(p.covered_areas)} covered areas, {len(p.actions)} actions, "
                       f"{len(p.assessment.scores)} scores (area-governance-v1)>")
    r = compare.load_rubric()
    assert repr(r).startswith("<Rubric area-governance-v1 1.1: ") and "14 criteria, scale 0-4>" in repr(r)
    assert all(len(repr(o)) < 120 for o in (cat, p, r))
