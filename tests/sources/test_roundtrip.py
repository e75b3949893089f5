"""Round trips: a tidy table written the way a statistics office publishes it reads back unchanged.

Hypothesis draws the table (area ids with leading zeros, accented names, counts with suppressed
cells, one or two periods) and the way it is written (wide or long layout, separator, UTF-8 with
or without a byte-order mark, or Latin-1, a missing-value code). Whatever the draw, the importer
must return exactly the counts that were written, NaN where a cell was suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.sources.generic import read_generic_population

VARIABLES = ("population", "foreigners", "employed")
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéèçñ ", min_size=1, max_size=12)


@st.composite
def tables(draw):
    n = draw(st.integers(1, 8))
    ids = draw(st.lists(st.integers(0, 99999), min_size=n, max_size=n, unique=True))
    periods = draw(st.sampled_from([["2021"], ["2019", "2020"]]))
    variables = draw(st.lists(st.sampled_from(VARIABLES), min_size=1, max_size=3, unique=True))
    rows = []
    for p in periods:
        for i in ids:
            for v in variables:
                count = draw(st.one_of(st.none(), st.integers(0, 10**7)))
                rows.append({"area_id": f"{i:05d}", "period": p, "variable": v, "count": count})
    return pd.DataFrame(rows), draw(NAMES)


def _write(frame, name, path, *, layout, sep, encoding, missing):
    if layout == "wide":
        wide = frame.pivot_table(index=["area_id", "period"], columns="variable", values="count",
                                 aggfunc="first", dropna=False).reset_index()  # fmt: skip
        wide = frame[["area_id", "period"]].drop_duplicates().merge(wide, how="left")
        cols = ["area_id", "period", *sorted(frame["variable"].unique())]
        lines = [sep.join(["Alue", "Nimi", "Vuosi", *(f"n_{c}" for c in cols[2:])])]
        for r in wide[cols].itertuples(index=False):
            cells = [r[0], name, r[1], *(missing if pd.isna(x) else str(int(x)) for x in r[2:])]
            lines.append(sep.join(cells))
    else:
        lines = [sep.join(["Alue", "Nimi", "Vuosi", "Muuttuja", "Arvo"])]
        for r in frame.itertuples(index=False):
            value = missing if r.count is None or pd.isna(r.count) else str(int(r.count))
            lines.append(sep.join([r.area_id, name, r.period, f"n_{r.variable}", value]))
    data = ("\n".join(lines) + "\n").encode(encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    path.write_bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    drawn=tables(),
    layout=st.sampled_from(["wide", "long"]),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
    missing=st.sampled_from(["..", "x", "-"]),
)
def test_generic_population_round_trip(tmp_path, drawn, layout, sep, encoding, missing):
    frame, name = drawn
    path = tmp_path / f"pop_{layout}.csv"
    _write(frame, name, path, layout=layout, sep=sep, encoding=encoding, missing=missing)
    variables = {v: f"n_{v}" for v in frame["variable"].unique()}
    kwargs = {"variable_column": "Muuttuja", "count_column": "Arvo"} if layout == "long" else {}
    out = read_generic_population(
        path,
        "Alue",
        variables,
        period_column="Vuosi",
        missing_values=[missing],
        layout=layout,
        encoding="latin-1" if encoding == "latin-1" else "utf-8",
        **kwargs,
    )
    got = out.astype({"area_id": str, "period": str, "variable": str}).set_index(
        ["area_id", "period", "variable"]
    )["count"]
    want = frame.set_index(["area_id", "period", "variable"])["count"].astype(float)
    assert len(got) == len(want)
    got = got.reindex(want.index)
    np.testing.assert_array_equal(got.to_numpy(float), want.to_numpy(float))


PXWEB_LABELS = {"population": "Inhabitants, total (HE)", "unemployed": "Unemployed (PT)",
                "employed": "Employed (PT)"}  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    drawn=tables(),
    layout=st.sampled_from(["wide", "long"]),
    encoding=st.sampled_from(["utf-8", "latin-1"]),
)
def test_paavo_pxweb_round_trip(tmp_path, drawn, layout, encoding):
    from compare.sources.paavo import read_pxweb_csv

    frame, name = drawn
    frame = frame.assign(variable=frame["variable"].replace({"foreigners": "unemployed"}))
    frame = frame.drop_duplicates(["area_id", "period", "variable"])
    years = sorted(frame["period"].unique())
    label = f"{name.strip() or 'x'} ({'Helsinki'})"
    cell = {(r.area_id, r.period, r.variable): r.count for r in frame.itertuples(index=False)}
    variables = sorted(frame["variable"].unique())
    areas = sorted(frame["area_id"].unique())

    def text(v):
        return ".." if v is None or pd.isna(v) else str(int(v))

    if layout == "wide":
        head = [f'"{PXWEB_LABELS[v].replace(" (", f", {y} (")}"' for y in years for v in variables]
        lines = ['"Postal code area",' + ",".join(head)]
        lines += [f'"{a} {label}",' + ",".join(text(cell.get((a, y, v))) for y in years for v in variables)
                  for a in areas]  # fmt: skip
    else:
        lines = ['"Postal code area","Information",' + ",".join(f'"{y}"' for y in years)]
        lines += [f'"{a} {label}","{PXWEB_LABELS[v]}",' + ",".join(text(cell.get((a, y, v))) for y in years)
                  for a in areas for v in variables]  # fmt: skip
    path = tmp_path / f"paavo_{layout}.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    out = read_pxweb_csv(path).astype({"area_id": str, "period": str, "variable": str})
    got = out.set_index(["area_id", "period", "variable"])["count"]
    want = pd.Series({k: np.nan if v is None else float(v) for k, v in cell.items()})
    # every (area, year, variable) the file holds, including those the draw left out (written '..')
    assert len(got) == len(areas) * len(years) * len(variables)
    np.testing.assert_array_equal(got.reindex(want.index).to_numpy(float), want.to_numpy(float))
    assert set(out["municipality"].astype(str)) == {"Helsinki"}
