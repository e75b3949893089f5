"""Benchmark of compare.indicators against PySAL ``segregation`` (one run, prints figures).

Part 1 (aspatial): the panel of the 12 aspatial indices for every Finnish municipality with
>= 5 postal areas, every year of Paavo 2012-2017 and three group definitions (low_income,
unemployment, basic_education), from the canonical long table, against looping PySAL's
index classes over the same (already pivoted, per-city) data. Target: >= 30x faster, same
numbers (max abs difference printed).

Part 2 (spatial): spatial dissimilarity and Moran's I on a 1000 x 1000 synthetic grid
(1,000,000 areas) with sparse rook weights; target < 30 s and < 4 GB. Runs in a fresh
subprocess so that its peak RSS (``resource.getrusage``) is its own; tracemalloc peak of
the index computation is printed too. PySAL's ``SpatialDissim`` densifies the n x n
weights (8 TB at n = 10^6), so it is timed on a 50 x 50 grid for a ratio instead.

Usage::

    .venv/bin/python benchmarks/bench_indicators.py            # both parts
    .venv/bin/python benchmarks/bench_indicators.py --part spatial --n 1000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from compare.paths import raw_dir

PAAVO = (
    raw_dir() / "helsinki-region" / "paavo-2012-2017"
)  # fetched by `make data` / `python -m compare data fetch`
DEFS = ["low_income", "unemployment", "basic_education"]
# our index name -> PySAL `segregation` class: the oracle mapping the tests use, in one place
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.indicators.test_real_data import MULTI, TWO  # noqa: E402


def load_finland() -> pd.DataFrame:
    """Canonical long table of all Finnish municipalities with >= 5 postal areas."""
    from compare.sources.paavo import read_pxweb_dir

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = read_pxweb_dir(
            PAAVO / "paavo_raw",
            lookup=PAAVO / "zip_municipality.tsv",
            themes=["Inhabitants_disposable", "Main_type", "Educational"],
        )
    n_areas = df.groupby("municipality")["area_id"].nunique()
    keep = n_areas[n_areas >= 5].index
    df = df[df["municipality"].isin(keep)]
    return pd.DataFrame(
        {
            "city": df["municipality"].astype(str).to_numpy(),
            "area_id": df["area_id"].astype(str).to_numpy(),
            "period": df["period"].astype(str).to_numpy(),
            "variable": df["variable"].astype(str).to_numpy(),
            "count": df["count"].astype(float).to_numpy(),
            "vintage": "paavo-pxweb",
        }
    )


def pysal_loop(pop: pd.DataFrame, defs) -> tuple[pd.DataFrame, float]:
    """Loop PySAL's classes over every municipality x year x definition; time the loop."""
    import segregation.multigroup as smg
    import segregation.singlegroup as ssg

    from compare.indicators.panel import wide_counts

    # pivot and split outside the timed loop: PySAL is timed on ready per-city frames
    jobs = []
    for gd in defs:
        wide = wide_counts(pop, gd.variables, require=gd.variables)
        for (city, period), seg in wide.groupby(["city", "period"], sort=True):
            two = seg.dropna(subset=[gd.group, gd.total])
            two = two[two[gd.total] > 0].reset_index(drop=True)
            multi = seg.dropna(subset=list(gd.groups))
            multi = multi[multi[list(gd.groups)].sum(axis=1) > 0].reset_index(drop=True)
            jobs.append((gd, city, period, two, multi))
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # compile numba kernels (PySAL's Gini) before timing
        ssg.Gini(jobs[0][3], jobs[0][0].group, jobs[0][0].total)
        t0 = time.perf_counter()
        for gd, city, period, two, multi in jobs:
            for name, cls in TWO.items():
                v = getattr(ssg, cls)(two, gd.group, gd.total).statistic if len(two) > 1 else np.nan
                rows.append((city, period, gd.name, name, v))
            for name, cls in MULTI.items():
                v = getattr(smg, cls)(multi, list(gd.groups)).statistic if len(multi) > 1 else np.nan
                rows.append((city, period, gd.name, name, v))
        elapsed = time.perf_counter() - t0
    return pd.DataFrame(rows, columns=["city", "period", "group_definition", "index", "pysal"]), elapsed


def part_aspatial() -> None:
    from compare.indicators import compute_panel
    from compare.indicators.panel import definitions_from

    t0 = time.perf_counter()
    pop = load_finland()
    print(
        f"[aspatial] Paavo 2012-2017: {pop['city'].nunique()} municipalities with >= 5 postal "
        f"areas, {pop['area_id'].nunique()} postal areas, {len(pop):,} long rows "
        f"(read in {time.perf_counter() - t0:.1f} s)"
    )
    defs = definitions_from(DEFS)
    indices = list(TWO) + list(MULTI)
    compute_panel(pop[pop["city"] == pop["city"].iloc[0]], defs, indices=indices)  # warm-up
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        panel = compute_panel(pop, defs, indices=indices)
        times.append(time.perf_counter() - t0)
    ours = min(times)
    n_seg = len(panel.drop_duplicates(["city", "period", "group_definition"]))
    print(
        f"[aspatial] compare.indicators.compute_panel: {len(panel):,} index values "
        f"({n_seg:,} municipality-year-definition segments x {len(indices)} indices) in "
        f"{ours:.2f} s (best of 3, from the long table, pivot included)"
    )
    ref, pysal_s = pysal_loop(pop, defs)
    print(
        f"[aspatial] PySAL segregation loop over the same segments: {len(ref):,} values in "
        f"{pysal_s:.1f} s (pivot excluded)"
    )
    m = panel.merge(ref, on=["city", "period", "group_definition", "index"], how="inner")
    both = m["value"].notna() & m["pysal"].notna()
    diff = (m.loc[both, "value"] - m.loc[both, "pysal"]).abs()
    only_ours = int((m["value"].notna() & m["pysal"].isna()).sum())
    print(
        f"[aspatial] compared {int(both.sum()):,} values: max |ours - PySAL| = {diff.max():.2e}; "
        f"{only_ours} values where PySAL gives NaN (absent group, see multigroup docs)"
    )
    print(f"[aspatial] RATIO PySAL / compare = {pysal_s / ours:.1f}x (target >= 30x)")


def part_spatial(n: int) -> None:
    from compare.indicators import panel_from_wide
    from compare.synthetic import grid_city

    t0 = time.perf_counter()
    city = grid_city(n, n, geometry=False, seed=0, mean_population=50, clustering=0.8)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    w = city.weights("rook")
    t_w = time.perf_counter() - t0
    tracemalloc.start()
    t0 = time.perf_counter()
    p = panel_from_wide(
        city.wide,
        group="group",
        total="total",
        indices=["spatial_dissimilarity", "morans_i"],
        weights=w,
    )
    t_idx = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    v = p.set_index("index")["value"]
    print(
        f"[spatial] {n * n:,} grid areas: synthetic city {t_gen:.1f} s, sparse rook weights "
        f"({w.nnz:,} links) {t_w:.1f} s, spatial_dissimilarity + morans_i {t_idx:.1f} s"
    )
    print(
        f"[spatial] D(adj) = {v['spatial_dissimilarity']:.4f}, Moran's I = {v['morans_i']:.4f}; "
        f"total {t_gen + t_w + t_idx:.1f} s (target < 30 s); peak traced memory of the index "
        f"step {peak / 2**30:.2f} GiB, process peak RSS {rss / 1024:.2f} GiB (target < 4 GB)"
    )
    dense = (n * n) ** 2 * 8 / 1e12
    print(f"[spatial] PySAL SpatialDissim would densify the weights: {dense:,.0f} TB at this n")


def part_spatial_small(n: int = 50) -> None:
    import geopandas as gpd
    from libpysal.weights import lat2W
    from segregation.singlegroup import SpatialDissim
    from shapely.geometry import box

    from compare.indicators import spatial_dissimilarity
    from compare.synthetic import grid_city

    city = grid_city(n, n, seed=1, mean_population=50)
    wide = city.wide
    geom = [box(c, -r, c + 1, -r + 1) for r in range(n) for c in range(n)]
    gdf = gpd.GeoDataFrame(wide[["group", "total"]], geometry=geom, crs=3035)
    wp = lat2W(n, n, rook=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        ref = SpatialDissim(gdf, "group", "total", w=wp).statistic
        t_p = time.perf_counter() - t0
    w = city.weights("rook")
    t0 = time.perf_counter()
    ours = spatial_dissimilarity(wide["group"], wide["total"], w)
    t_o = time.perf_counter() - t0
    print(
        f"[spatial] {n * n:,} areas: PySAL SpatialDissim {t_p:.3f} s, compare {t_o:.4f} s, "
        f"RATIO {t_p / t_o:.0f}x, |difference| = {abs(ours - ref):.1e}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["all", "aspatial", "spatial"], default="all")
    ap.add_argument("--n", type=int, default=1000, help="grid side for the spatial part")
    args = ap.parse_args()
    if args.part in ("all", "spatial"):
        if args.part == "all":  # fresh process: its peak RSS is the spatial part's own
            subprocess.run([sys.executable, __file__, "--part", "spatial", "--n", str(args.n)], check=True)
        else:
            part_spatial(args.n)
            part_spatial_small()
    if args.part in ("all", "aspatial"):
        part_aspatial()


if __name__ == "__main__":
    main()
