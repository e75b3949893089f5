import numpy as np
import pandas as pd
import pytest

from compare.errors import DataError
from compare.indicators import decompose_mutual_information, mutual_information
from compare.synthetic import grid_city


def _network():
    rng = np.random.default_rng(11)
    rows = []
    for c, shares in enumerate([(0.2, 0.5, 0.3), (0.6, 0.2, 0.2), (0.3, 0.3, 0.4)]):
        for i in range(15):
            g = rng.multinomial(200, rng.dirichlet(np.array(shares) * 5))
            for period in ("2020", "2021"):
                rows.append(
                    {
                        "city": f"c{c}",
                        "period": period,
                        "area_id": f"{c}-{i}",
                        "a": g[0],
                        "b": g[1],
                        "c": g[2] + (period == "2021"),
                    }
                )
    return pd.DataFrame(rows)


def test_between_plus_within_equals_total_m_of_the_pooled_network():
    df = _network()
    d = decompose_mutual_information(df, ["a", "b", "c"], between="city", by=["period"])
    for period, sub in d.groupby("period"):
        comp = sub.set_index("component")["value"]
        pooled = df[df.period == period][["a", "b", "c"]].to_numpy()
        assert comp["total"] == pytest.approx(mutual_information(pooled), abs=1e-12)
        assert comp["between"] + comp["within"] == pytest.approx(comp["total"], abs=1e-12)


def test_within_parts_are_city_m_weighted_by_population_share():
    df = _network()
    d = decompose_mutual_information(df, ["a", "b", "c"], by=["period"])
    units = d[(d.component == "within_unit") & (d.period == "2020")]
    c0 = df[(df.city == "c0") & (df.period == "2020")][["a", "b", "c"]].to_numpy()
    row = units[units.unit == "c0"].iloc[0]
    assert row["value"] == pytest.approx(mutual_information(c0), abs=1e-12)
    assert row["weight"] == pytest.approx(
        c0.sum() / df[df.period == "2020"][["a", "b", "c"]].to_numpy().sum()
    )
    assert units["share"].sum() + d[(d.component == "between") & (d.period == "2020")]["share"].iloc[
        0
    ] == pytest.approx(1.0)


def test_between_is_zero_when_every_city_has_the_same_composition():
    df = pd.DataFrame({"city": ["a", "a", "b", "b"], "x": [9, 1, 5, 5], "y": [1, 9, 5, 5]})
    d = decompose_mutual_information(df, ["x", "y"], by=())
    assert d.set_index("component").loc["between", "value"] == pytest.approx(0.0, abs=1e-15)


def test_decomposition_from_canonical_population_with_a_group_definition():
    c1 = grid_city(5, 5, seed=1, name="x", groups=("g1", "g2", "g3"))
    c2 = grid_city(5, 5, seed=2, name="y", groups=("g1", "g2", "g3"), shares=(0.6, 0.2, 0.2))
    pop = pd.concat([c1.population, c2.population])
    d = decompose_mutual_information(pop, group_definition=c1.group_definition)
    comp = d[d.unit == ""].set_index("component")["value"]
    assert comp["between"] > 0.01
    assert comp["between"] + comp["within"] == pytest.approx(comp["total"], abs=1e-12)


def test_missing_unit_column_is_an_error():
    with pytest.raises(DataError, match="district"):
        decompose_mutual_information(_network(), ["a", "b"], between="district")


def test_between_districts_within_a_city_from_an_id_rule(network):
    pop = network.population
    pop = pop[(pop.city == "berlin") & (pop.period.isin(["2019-H1", "2019-H2"]))]
    d = decompose_mutual_information(
        pop,
        group_definition="migration_background",
        between="district",
        unit_of=lambda ids: ids.str[:2],
    )
    assert d.loc[d.component == "within_unit", "unit"].nunique() == 12  # Berlin's Bezirke
    for _, sub in d[d.unit == ""].groupby("period"):
        comp = sub.set_index("component")["value"]
        assert comp["between"] + comp["within"] == pytest.approx(comp["total"], abs=1e-12)
        assert 0 < comp["between"] < comp["total"]


def test_unit_of_mapping_must_cover_every_area():
    df = _network()
    with pytest.raises(DataError, match="no district"):
        decompose_mutual_information(df, ["a", "b", "c"], between="district", unit_of={"0-0": "x"})


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["u", "v", "w"]), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)
        ),
        min_size=3,
        max_size=25,
    )
)
def test_decomposition_identity_holds_for_any_counts(rows):
    df = pd.DataFrame(rows, columns=["city", "a", "b", "c"])
    if (df[["a", "b", "c"]].sum(axis=1) == 0).all():
        return
    d = decompose_mutual_information(df, ["a", "b", "c"], by=())
    comp = d[d.unit == ""].set_index("component")["value"]
    assert comp["between"] + comp["within"] == pytest.approx(comp["total"], abs=1e-12)
    assert comp["between"] >= -1e-15 and comp["within"] >= -1e-15
