"""The city report's "why did segregation change" section on the real example network (Berlin:
a boundary change in 2021) and the network comparison's profile figure."""

import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def berlin():
    from compare.pages import assessment as A
    from compare.pages import segregation_change as W

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = A.load_city("helsinki-berlin", "berlin")
        return W.load_change(a)


def test_decomposition_is_per_vintage_and_the_sentences_carry_its_numbers(berlin):
    from compare.pages import segregation_change as W

    t = W.change_table(berlin)
    assert set(t["vintage"]) == {"lor-2006", "lor-2021"}
    assert not ((t["from_period"] < "2021") & (t["to_period"] >= "2021")).any()  # never across 2021
    parts = ["sorting", "area sizes", "group shares", "additions", "removals"]
    assert (t[parts].sum(axis=1) - t["change"]).abs().max() < 2e-5  # table is rounded to 5 digits
    zeros = t[parts].to_numpy(float) == 0
    assert not np.signbit(t[parts].to_numpy(float))[zeros].any()  # no "-0.0" printed for a zero
    sentences = W.change_sentences(berlin)
    assert len(sentences) == len(t)
    row = t[(t.group_definition == "foreigners") & (t.vintage == "lor-2021")].iloc[0]
    s = next(x for x in sentences if "foreigners / nationals" in x and "2021-H1" in x)
    assert f"{abs(row['change']):.4f}" in s and ("fell" if row["change"] < 0 else "rose") in s
    html = W.show_change(berlin).data
    assert "<script" not in html and "Berlin&#x27;s M" in html


def test_baseline_is_below_the_index_and_transitions_never_cross_vintages(berlin):
    from compare.pages import segregation_change as W

    b = W.baseline_table(berlin)
    assert (b["expected if random"] < b["value"]).all()
    s = W.transitions_summary(berlin)
    assert set(s["vintage"]) == {"lor-2006", "lor-2021"}
    cols = ["stayed disadvantaged", "improved", "declined", "stable"]
    # every area counted once (improved/declined/stable/stayed overlap only via stayed+moved)
    assert (s[cols[1:]].sum(axis=1) <= s["n_areas"]).all()
    assert set(W.spatial_markov_table(berlin)["vintage"]) <= {"lor-2006", "lor-2021"}


def test_figures_have_titles_and_source_lines(berlin):
    from compare.pages import segregation_change as W

    figs = [
        W.fig_change(berlin),
        W.fig_local_scores(berlin),
        W.fig_profile(berlin),
        *W.fig_transitions(berlin),
    ]
    assert all(f is not None for f in figs)
    for f in figs:
        texts = [t.get_text() for t in f.texts] + [f._suptitle.get_text() if f._suptitle else ""]
        texts += [ax.get_title() for ax in f.axes]
        assert any("Berlin" in t for t in texts)
        assert any("Amt für Statistik" in t or "Source" in t or "CC BY" in t for t in texts)
