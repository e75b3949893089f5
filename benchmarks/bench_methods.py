"""Multiscalar segregation profiles: the workbench (sparse KD-tree kernels) against PySAL.

Each measurement runs in a fresh Python process (peak memory = that process's max RSS). Input:
synthetic grid cities of 1 km cells (``compare.synthetic.grid_city``, clustered focus group,
EPSG:3035 cell centres; the Europe 1 km grid importer was not available), profile of D and
Theil's H at five bandwidths 0, 1, 2, 3, 5 km (triangular kernel). The workbench runs the
target size of 100,000 areas (316 x 316 cells); PySAL's ``compute_multiscalar_profile`` (a
kernel graph over all pairwise distances) runs the sizes it can handle, and both run the
same small sizes for the ratio. Targets: 100,000 areas < 60 s and < 4 GB.

Run: .venv/bin/python benchmarks/bench_methods.py [--pysal-max 4900]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

DISTANCES = [0, 1000, 2000, 3000, 5000]

CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
side, engine = int(sys.argv[1]), sys.argv[2]
dist = json.loads(sys.argv[3])
from compare.synthetic import grid_city
city = grid_city(side, side, cell_size=1000.0, seed=7, geometry=(engine == "pysal"))
wide = city.wide
if engine == "pysal":
    import geopandas as gpd
    wide = gpd.GeoDataFrame(wide.merge(city.areas[["area_id", "geometry"]], on="area_id"), crs=3035)
else:
    wide = wide.merge(city.areas[["area_id", "x", "y"]], on="area_id")
gd = city.group_definition
if engine == "compare":
    from compare.indicators import multiscalar_profile
else:
    from segregation.dynamics import compute_multiscalar_profile
    from segregation.multigroup import MultiInfoTheory
    from segregation.singlegroup import Dissim
t0 = time.perf_counter()  # imports done: time the computation only
if engine == "compare":
    prof = multiscalar_profile(wide, group=gd.group, total=gd.total, groups=list(gd.groups),
                               indices=["dissimilarity", "theil_h"], distances=dist, round_counts=True)
    d = prof[prof["index"] == "dissimilarity"]["value"].tolist()
else:
    d = compute_multiscalar_profile(wide, Dissim, group_pop_var=gd.group, total_pop_var=gd.total,
                                    distances=dist[1:]).tolist()
    compute_multiscalar_profile(wide, MultiInfoTheory, groups=list(gd.groups), distances=dist[1:])
t = time.perf_counter() - t0
print(json.dumps({"seconds": t, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "d": d}))
"""


def run(side: int, engine: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(side), engine, json.dumps(DISTANCES)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pysal-max", type=int, default=4900, help="largest area count PySAL is run on")
    args = ap.parse_args()
    print(f"bandwidths (m): {DISTANCES}; indices: dissimilarity + theil_h; 1 km cells")
    print(f"{'areas':>8} {'engine':>8} {'seconds':>9} {'peak MB':>9} {'D at 5 km':>10}  ratio")
    for side in (30, 50, 70):
        n = side * side
        ours = run(side, "compare")
        ref = run(side, "pysal") if n <= args.pysal_max else {"error": "skipped"}
        for name, r in (("compare", ours), ("pysal", ref)):
            if "error" in r:
                print(f"{n:>8} {name:>8} {'-':>9} {'-':>9} {'-':>10}  {r['error']}")
                continue
            ratio = (ref["seconds"] / ours["seconds"]) if name == "pysal" and "error" not in ref else ""
            print(
                f"{n:>8} {name:>8} {r['seconds']:>9.2f} {r['rss_mb']:>9.0f} {r['d'][-1]:>10.6f}"
                + (f"  pysal/compare = {ratio:.1f}x" if ratio else "")
            )
        if "error" not in ours and "error" not in ref:
            same = max(abs(a - b) for a, b in zip(ours["d"], ref["d"], strict=True))
            print(f"{'':>8} max |D difference| over bandwidths: {same:.2e}")
    side = 316
    r = run(side, "compare")
    n = side * side
    if "error" in r:
        print(f"{n:>8} compare failed: {r['error']}")
        return
    ok = "PASS" if r["seconds"] < 60 and r["rss_mb"] < 4096 else "FAIL"
    print(
        f"{n:>8} {'compare':>8} {r['seconds']:>9.2f} {r['rss_mb']:>9.0f} {r['d'][-1]:>10.6f}"
        f"  target < 60 s, < 4096 MB: {ok}"
    )


if __name__ == "__main__":
    main()
