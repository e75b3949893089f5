"""Krippendorff's alpha through compare.governance.agreement: published values, edge cases, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.governance import agreement, reliability_matrix

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, values 1-5, missing data (rows = observers A-D, columns = units 1-12).
NAN = np.nan
KRIPPENDORFF_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
# Krippendorff (2011) section A: binary data, two observers, ten units.
KRIPPENDORFF_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


def _long(matrix) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"unit": f"u{j + 1}", "rater": "ABCD"[i], "score": v}
            for i, row in enumerate(matrix)
            for j, v in enumerate(row)
        ]
    )


def _nominal_alpha_by_hand(matrix) -> float:
    """alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k, from the coincidence matrix."""
    m = np.asarray(matrix, dtype=float)
    values = sorted({v for v in m.ravel() if not np.isnan(v)})
    o = {(c, k): 0.0 for c in values for k in values}
    for u in range(m.shape[1]):
        vals = [v for v in m[:, u] if not np.isnan(v)]
        mu = len(vals)
        if mu < 2:
            continue
        for i, j in itertools.permutations(range(mu), 2):
            o[(vals[i], vals[j])] += 1 / (mu - 1)
    n_c = {c: sum(o[(c, k)] for k in values) for c in values}
    n = sum(n_c.values())
    d_o = sum(o[(c, k)] for c in values for k in values if c != k)
    d_e = sum(n_c[c] * n_c[k] for c in values for k in values if c != k)
    return 1 - (n - 1) * d_o / d_e


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorffs_published_example_c(level, published):
    res = agreement(_long(KRIPPENDORFF_C), level=level, n_boot=0)
    assert round(res.alpha, 3) == published


def test_nominal_alpha_of_example_c_equals_the_coincidence_formula_by_hand():
    assert _nominal_alpha_by_hand(KRIPPENDORFF_C) == pytest.approx(0.743, abs=5e-4)
    res = agreement(_long(KRIPPENDORFF_C), level="nominal", n_boot=0)
    assert res.alpha == pytest.approx(_nominal_alpha_by_hand(KRIPPENDORFF_C), abs=1e-12)


def test_example_c_has_forty_pairable_values_twelve_units_four_raters():
    # values per unit 3,4,4,4,4,4,4,4,4,3,2,1: unit 12 is not pairable, n = 3 + 8*4 + 3 + 2 = 40
    res = agreement(_long(KRIPPENDORFF_C), n_boot=0)
    assert (res.n_pairable, res.n_units, res.n_raters) == (40, 12, 4)


def test_binary_example_a_by_hand():
    # coincidences: o_01 = o_10 = 4 (four disagreeing units), n_0 = 14, n_1 = 6, n = 20
    by_hand = 1 - (20 - 1) * 4 / (14 * 6)
    res = agreement(_long(KRIPPENDORFF_A), level="nominal", n_boot=0)
    assert res.alpha == pytest.approx(by_hand)
    assert round(res.alpha, 3) == 0.095


def test_perfect_agreement_gives_one_at_every_level():
    m = [[0, 1, 2, 3, 4, 2], [0, 1, 2, 3, 4, 2], [0, 1, 2, 3, 4, NAN]]
    for level in ("nominal", "ordinal", "interval", "ratio"):
        res = agreement(_long(m), level=level, n_boot=200)
        assert res.alpha == 1.0
        assert res.conf_int == (1.0, 1.0)


def test_one_value_everywhere_is_undefined_and_says_so():
    res = agreement(_long([[3, 3, 3], [3, 3, 3]]), n_boot=100)
    assert np.isnan(res.alpha)
    assert not res.defined
    assert "undefined" in " ".join(res.notes)


def test_systematic_disagreement_is_negative():
    res = agreement(_long([[0, 4, 0, 4], [4, 0, 4, 0]]), level="interval", n_boot=0)
    assert res.alpha < 0


def test_bootstrap_interval_is_reproducible_and_brackets_the_estimate():
    a = agreement(_long(KRIPPENDORFF_C), n_boot=500, seed=3)
    b = agreement(_long(KRIPPENDORFF_C), n_boot=500, seed=3)
    assert a.conf_int == b.conf_int
    lo, hi = a.conf_int
    assert lo <= a.alpha <= hi
    assert 0 <= a.prob_below[0.8] <= 1


def test_summary_has_text_and_escaped_html():
    s = agreement(_long(KRIPPENDORFF_C), n_boot=100).summary()
    assert "Krippendorff's alpha (ordinal)" in s.as_text()
    assert "0.815" in s.as_text()
    html = s._repr_html_()
    assert "<table" in html and "Krippendorff&#x27;s" in html


def test_rater_who_rated_nothing_does_not_count():
    r = pd.concat([_long(KRIPPENDORFF_C), pd.DataFrame({"unit": ["u1"], "rater": ["E"], "score": [NAN]})])
    assert agreement(r, n_boot=0).n_raters == 4


def test_bad_inputs_are_refused_with_a_located_message():
    with pytest.raises(DataError, match="lack columns"):
        agreement(pd.DataFrame({"unit": [1], "score": [1]}))
    with pytest.raises(DataError, match="more than once"):
        agreement(pd.DataFrame({"unit": [1, 1], "rater": ["a", "a"], "score": [1, 2]}))
    with pytest.raises(DataError, match="not a number"):
        reliability_matrix(pd.DataFrame({"unit": [1], "rater": ["a"], "score": ["high"]}))
    with pytest.raises(ConfigError, match="level"):
        agreement(_long(KRIPPENDORFF_A), level="fuzzy")
