import pandas as pd
import pytest

from compare.errors import DataError
from compare.governance import coverage_table, covered_vs_rest, flag_covered


def _wide():
    return pd.DataFrame(
        {
            "city": ["vantaa"] * 4 + ["berlin"] * 2,
            "area_id": ["01200", "01280", "01300", "01400", "01022101", "99999999"],
            "period": ["2015"] * 6,
            "unemployment_rate": [0.20, 0.10, 0.05, 0.07, 0.3, 0.1],
            "population": [100.0, 300.0, 200.0, 200.0, 10.0, 10.0],
        }
    )


def test_coverage_table_filters_by_mapping_confidence(profiles):
    allc = coverage_table(profiles)
    high = coverage_table(profiles, min_confidence="high")
    assert set(high["confidence"]) == {"high"}
    assert len(high) < len(allc) == sum(len(p.covered_areas) for p in profiles.values())


def test_covered_areas_are_compared_with_the_rest_of_the_city(profiles):
    r = covered_vs_rest(_wide(), profiles, indicator_columns=["unemployment_rate"])
    v = r.set_index("city").loc["vantaa"]
    assert v["covered_mean"] == pytest.approx(0.15)
    assert v["rest_mean"] == pytest.approx(0.06)
    assert v["difference"] == pytest.approx(0.09)
    assert v["ratio"] == pytest.approx(2.5)
    assert (v["n_covered"], v["n_rest"]) == (2, 2)


def test_weighted_means_use_the_weight_column(profiles):
    r = covered_vs_rest(_wide(), profiles, indicator_columns=["unemployment_rate"], weight="population")
    v = r.set_index("city").loc["vantaa"]
    assert v["covered_mean"] == pytest.approx((0.2 * 100 + 0.1 * 300) / 400)


def test_long_input_gives_the_same_answer_as_wide(profiles):
    w = _wide().drop(columns="population")
    long = w.melt(id_vars=["city", "area_id", "period"], var_name="indicator")
    a = covered_vs_rest(w, profiles)
    b = covered_vs_rest(long, profiles)
    pd.testing.assert_frame_equal(a, b)


def test_city_whose_covered_areas_are_absent_is_an_error(profiles):
    t = _wide()
    t.loc[t["city"] == "berlin", "area_id"] = ["0102", "0103"]
    with pytest.raises(DataError, match="none of the covered areas of city 'berlin'"):
        covered_vs_rest(t, profiles)


def test_model_active_starts_in_the_start_year(profiles):
    f = pd.DataFrame(
        {
            "city": ["vantaa"] * 3,
            "area_id": ["01200", "01200", "01300"],
            "period": ["2015", "2019-H1", "2019"],
        }
    )
    out = flag_covered(f, profiles)
    assert out["covered"].tolist() == [True, True, False]
    assert out["model_active"].tolist() == [False, True, False]


def test_missing_key_column_is_an_error(profiles):
    with pytest.raises(DataError, match="lacks column"):
        covered_vs_rest(_wide().drop(columns="period"), profiles)
