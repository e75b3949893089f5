"""Neighbourhood types (pooled scaling) and transitions (giddy Markov, spatial Markov)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.indicators import (
    disadvantage_index,
    local_indicators,
    neighbourhood_types,
    spatial_markov,
    status_change_summary,
    transition_matrices,
    type_profiles,
)
from compare.indicators.local import STATUS_CLASSES


@pytest.fixture(scope="module")
def berlin_classes(network):
    pop = network.population
    keep = pop.city.eq("berlin") & pop.period.isin(["2017-H2", "2018-H2", "2019-H2", "2021-H2", "2022-H2"])
    defs = ["unemployment", "foreigners"]
    defs = [d for d in defs if d in {g.name for g in network.definitions_for("berlin")}]
    loc = local_indicators(pop[keep], defs, network.areas, lisa_clusters=False)
    st = disadvantage_index(loc, defs)
    vint = pop[keep].drop_duplicates(["area_id", "period"])[["area_id", "period", "vintage"]]
    return loc, st.merge(vint, on=["area_id", "period"], how="left")


def test_transition_counts_equal_a_hand_crosstab_and_giddy(berlin_classes):
    from giddy.markov import Markov

    _, st = berlin_classes
    m = transition_matrices(st, states=STATUS_CLASSES)
    assert set(m["vintage"]) == {"lor-2006", "lor-2021"}  # never across the 2021 boundary change
    old = m[m.vintage == "lor-2006"]
    assert tuple(old[["from_period", "to_period"]].iloc[0]) == ("2017-H2", "2019-H2")
    counts = old.pivot(index="from_state", columns="to_state", values="count").loc[
        list(STATUS_CLASSES), list(STATUS_CLASSES)
    ]
    # by hand: consecutive pairs of the balanced panel
    s = st[(st.vintage == "lor-2006") & (st.status_class != "not classified")]
    wide = s.pivot(index="area_id", columns="period", values="status_class").dropna()
    hand = pd.DataFrame(0.0, index=list(STATUS_CLASSES), columns=list(STATUS_CLASSES))
    cols = sorted(wide.columns)
    for a, b in zip(cols[:-1], cols[1:], strict=True):
        for x, y in zip(wide[a], wide[b], strict=True):
            hand.loc[x, y] += 1
    assert np.array_equal(counts.to_numpy(), hand.to_numpy())
    code = {c: i for i, c in enumerate(STATUS_CLASSES)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = Markov(wide[cols].map(code.get).to_numpy(), classes=np.arange(4), summary=False)
    assert np.array_equal(counts.to_numpy(), ref.transitions)
    probs = old.pivot(index="from_state", columns="to_state", values="probability").loc[
        list(STATUS_CLASSES), list(STATUS_CLASSES)
    ]
    assert np.allclose(probs.to_numpy(), ref.p, equal_nan=True)
    assert old["n_areas"].iloc[0] == len(wide) > 300


def test_spatial_markov_equals_giddy_and_adds_up_to_the_plain_counts(berlin_classes, network):
    from giddy.markov import Spatial_Markov
    from libpysal.weights import WSP

    from compare.indicators.spatial import contiguity_weights

    _, st = berlin_classes
    mats, test = spatial_markov(st, network.areas[network.areas.city == "berlin"], states=STATUS_CLASSES)
    plain = transition_matrices(st, states=STATUS_CLASSES)
    for v in ("lor-2006", "lor-2021"):
        cond = mats[mats.vintage == v].groupby(["from_state", "to_state"])["count"].sum()
        flat = plain[plain.vintage == v].set_index(["from_state", "to_state"])["count"]
        assert np.allclose(cond.reindex(flat.index).fillna(0), flat)
    row = test.set_index("vintage").loc["lor-2006"]
    assert 0 <= row["Q_p_value"] <= 1 and row["dof"] > 0
    # giddy on the same classes and weights
    s = st[(st.vintage == "lor-2006") & (st.status_class != "not classified")]
    wide = s.pivot(index="area_id", columns="period", values="status_class").dropna()
    ar = network.areas[(network.areas.city == "berlin") & (network.areas.vintage == "lor-2006")]
    geo = ar.set_index(ar.area_id.astype(str)).loc[wide.index.astype(str)]
    w = WSP(contiguity_weights(geo.geometry, "queen")).to_W(silence_warnings=True)
    np.random.seed(0)  # ties between neighbour classes are broken at random (seed 0 as ours)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = Spatial_Markov(wide.to_numpy(dtype=object), w, discrete=True)
    assert row["Q"] == pytest.approx(ref.Q) and row["LR"] == pytest.approx(ref.LR)


def test_status_summary_by_hand():
    c = pd.DataFrame(
        {
            "city": "c",
            "vintage": "v",
            "area_id": list("abcde") * 3,
            "period": ["1"] * 5 + ["2"] * 5 + ["3"] * 5,
            "status_class": ["low", "very low", "high", "medium", "medium"]
            + ["low", "low", "high", "low", "not classified"]
            + ["very low", "medium", "medium", "low", "low"],
        }
    )
    s = status_change_summary(c).iloc[0]
    assert s["n_areas"] == 4  # e is not classified in period 2
    assert (s["stayed disadvantaged"], s["improved"], s["declined"], s["stable"]) == (1, 1, 3, 0)
    assert (s["left disadvantage"], s["became disadvantaged"]) == (1, 1)


def test_types_mean_the_same_in_every_period():
    rng = np.random.default_rng(0)
    n = 60
    a = rng.random(n)
    b = rng.random(n)
    # period 2: the first half of the areas unchanged, the rest shifted (the city mean moves)
    a2, b2 = a.copy(), b.copy()
    a2[n // 2 :] += 0.3
    rows = []
    for p, (u, r) in {"2010": (a, b), "2020": (a2, b2)}.items():
        for i in range(n):
            rows += [
                {"city": "c", "area_id": f"x{i}", "period": p, "group_definition": "u", "share": u[i]},
                {"city": "c", "area_id": f"x{i}", "period": p, "group_definition": "r", "share": r[i]},
            ]
    loc = pd.DataFrame(rows).assign(small_area=False, suppressed=False)
    t = neighbourhood_types(loc, n_types=4, seed=1)
    wide = t.pivot(index="area_id", columns="period", values="type")
    same = [f"x{i}" for i in range(n // 2)]
    assert (wide.loc[same, "2010"] == wide.loc[same, "2020"]).all()
    prof = type_profiles(t, loc)
    assert prof["n"].sum() == 2 * n and list(prof["type"]) == [1, 2, 3, 4]
    # types are ordered from least to most disadvantaged (higher shares = more disadvantage)
    assert (prof[["u", "r"]].mean(axis=1).diff().dropna() > 0).all()


def test_type_and_class_inputs_are_checked():
    loc = pd.DataFrame({"area_id": ["a"], "period": ["1"], "group_definition": ["u"], "share": [0.1]})
    with pytest.raises(DataError, match="city"):
        neighbourhood_types(loc)
    with pytest.raises(ConfigError, match="n_types"):
        neighbourhood_types(loc.assign(city="c"), n_types=1)
    c = pd.DataFrame(
        {"city": "c", "area_id": ["a", "a"], "period": ["1", "2"], "status_class": ["low", "odd"]}
    )
    with pytest.raises(DataError, match="odd"):
        transition_matrices(c, states=STATUS_CLASSES)
