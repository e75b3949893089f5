"""Benchmark of the Census 2021 grid: read, delineate, index panel of every urban centre, network import.

One run, figures printed:

1. Reading the whole grid (149 tiles, 1.9 million cells) and delineating every urban centre of
   Europe (no cache). Target: < 20 s.
2. The aspatial and spatial index panel (D, isolation, Theil's H, Moran's I) for every urban centre
   and every grid group definition, one vectorised call per definition (rook weights of the cells).
   Target: < 15 s. Ratio against looping PySAL ``segregation`` (Dissim, Isolation, MultiInfoTheory)
   and ``esda.Moran`` over the same centres for one definition (born_abroad), values compared.
3. Validating and importing ``segregation-network`` from a warm cache. Target: < 5 s.

Usage::

    .venv/bin/python benchmarks/bench_grid.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd


def part_read_delineate():
    from compare.sources.census_grid import read_grid
    from compare.sources.grid_city import grid_folder
    from compare.sources.urban_centres import delineate_urban_centres

    folder = grid_folder()
    t0 = time.perf_counter()
    cells = read_grid(folder)
    t1 = time.perf_counter()
    uc = delineate_urban_centres(cells)
    t2 = time.perf_counter()
    print(
        f"[1] read {len(cells):,} cells ({cells['population'].sum():,.0f} residents) in {t1 - t0:.1f} s; "
        f"delineated {len(uc.centres)} urban centres ({uc.centres['population'].sum():,.0f} residents) in "
        f"{t2 - t1:.1f} s; total {t2 - t0:.1f} s (target < 20 s)"
    )
    cells["centre_id"] = uc.cells.to_numpy()
    return uc, cells


def part_panel(uc, cells):
    from compare.pages.europe import PANEL_INDICES, _panel_of_cells
    from compare.sources.census_grid import GRID_GROUP_DEFINITIONS, mask_sparse

    sub = cells[cells["centre_id"].notna()].reset_index(drop=True)
    sub, _ = mask_sparse(sub, by="centre_id")
    defs = list(GRID_GROUP_DEFINITIONS.values())
    t0 = time.perf_counter()
    panel = _panel_of_cells(sub, "centre_id", defs, PANEL_INDICES)
    ours_all = time.perf_counter() - t0
    print(
        f"[2] index panel: {len(panel):,} values ({sub['centre_id'].nunique()} centres x {len(defs)} "
        f"definitions x {len(PANEL_INDICES)} indices) in {ours_all:.2f} s (target < 15 s)"
    )
    gd = GRID_GROUP_DEFINITIONS["born_abroad"]
    t0 = time.perf_counter()
    one = _panel_of_cells(sub, "centre_id", [gd], PANEL_INDICES)
    ours_one = time.perf_counter() - t0
    ref, pysal_s = pysal_loop(sub, gd)
    m = one.merge(ref, on=["centre_id", "index"])
    both = m["value"].notna() & m["pysal"].notna()
    diff = (m.loc[both, "value"] - m.loc[both, "pysal"]).abs()
    print(
        f"[2] born_abroad only: ours {ours_one:.2f} s; PySAL segregation + esda.Moran loop over the same "
        f"{sub['centre_id'].nunique()} centres {pysal_s:.1f} s (weights built inside the loop, as a user "
        f"would) -> {pysal_s / ours_one:.0f}x; {int(both.sum())} values compared, max |diff| "
        f"{diff.max():.2e}"
    )


def pysal_loop(sub: pd.DataFrame, gd):
    import esda
    import geopandas as gpd
    import libpysal
    import segregation.multigroup as smg
    import segregation.singlegroup as ssg
    import shapely

    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        for cid, seg in sub.groupby("centre_id", sort=True):
            two = seg.dropna(subset=[gd.group, gd.total])
            two = two[two[gd.total] > 0].reset_index(drop=True)
            multi = seg.dropna(subset=list(gd.groups))
            multi = multi[multi[list(gd.groups)].sum(axis=1) > 0].reset_index(drop=True)
            if len(two) < 2:
                continue
            rows.append((cid, "dissimilarity", ssg.Dissim(two, gd.group, gd.total).statistic))
            rows.append((cid, "isolation", ssg.Isolation(two, gd.group, gd.total).statistic))
            rows.append((cid, "theil_h", smg.MultiInfoTheory(multi, list(gd.groups)).statistic))
            e, n = two["easting"].to_numpy(float), two["northing"].to_numpy(float)
            g = gpd.GeoDataFrame(geometry=shapely.box(e, n, e + 1000, n + 1000), crs="EPSG:3035")
            w = libpysal.weights.Rook.from_dataframe(g, use_index=False, silence_warnings=True)
            if w.n_components == len(two):  # no neighbours at all
                continue
            w.transform = "r"
            y = (two[gd.group] / two[gd.total]).to_numpy()
            rows.append((cid, "morans_i", esda.Moran(y, w, permutations=0).I))
        elapsed = time.perf_counter() - t0
    return pd.DataFrame(rows, columns=["centre_id", "index", "pysal"]), elapsed


def part_network():
    from compare.sources import load_network

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_network("segregation-network")  # warm the cache
        t0 = time.perf_counter()
        net = load_network("segregation-network")
        dt = time.perf_counter() - t0
    print(
        f"[3] segregation-network ({len(net.cities)} city entries, {len(net.areas):,} areas, "
        f"{len(net.population):,} counts) validated and imported from the warm cache in {dt:.2f} s "
        "(target < 5 s)"
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    uc, cells = part_read_delineate()
    part_panel(uc, cells)
    part_network()
