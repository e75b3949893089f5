"""First-call cost of local Moran's I (LISA) in a fresh process: esda (numba) vs numpy engine.

Each measurement runs in a new Python process, as a report notebook kernel does: the process
imports ``compare.indicators.local``, then times the first ``lisa()`` call (for esda this
includes importing esda and numba's JIT compilation), then a second, warm call. Inputs:
the foreigners' share of the 448 Berlin planning areas (LOR 2006, 2020-H2, queen
contiguity) and a 100 x 100 synthetic grid (queen); 999 permutations, seed 1. A numpy-only
row on a 320 x 320 grid (102,400 areas) shows the bounded memory.

Run: .venv/bin/python benchmarks/bench_lisa.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

PERMUTATIONS = 999

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import numpy as np, scipy.sparse as sp
from compare.indicators.local import lisa
t_import = time.perf_counter() - t0
y = np.load(sys.argv[1]); w = sp.load_npz(sys.argv[2]); engine = sys.argv[3]; perms = int(sys.argv[4])
c0 = time.process_time(); t0 = time.perf_counter()
first = lisa(y, w, permutations=perms, seed=1, engine=engine)
t_first = time.perf_counter() - t0; c_first = time.process_time() - c0
t0 = time.perf_counter()
lisa(y, w, permutations=perms, seed=2, engine=engine)
t_warm = time.perf_counter() - t0
print(json.dumps({"import": t_import, "first": t_first, "first_cpu": c_first, "warm": t_warm,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "significant": int((first["lisa_p"] <= 0.05).sum())}))
"""


def _berlin():
    from compare.indicators.spatial import contiguity_weights
    from compare.sources import load_network

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = load_network("helsinki-berlin", cities=["berlin"])
    pop = net.population[net.population.period == "2020-H2"]
    wide = pop.pivot_table(index="area_id", columns="variable", values="count", aggfunc="first")
    areas = net.areas[net.areas.vintage == pop.vintage.iloc[0]].set_index("area_id").loc[wide.index]
    y = (wide["foreigners"] / wide["population"]).to_numpy()
    return y, contiguity_weights(areas.geometry.reset_index(drop=True), "queen")


def _grid(side: int):
    from compare.synthetic import grid_city

    c = grid_city(side, side, seed=1, clustering=0.7, geometry=False)
    return (c.wide["group"] / c.wide["total"]).to_numpy(), c.weights("queen")


def _run(tmp: Path, name: str, y, w, engine: str) -> dict:
    yf, wf = tmp / f"{name}_y.npy", tmp / f"{name}_w.npz"
    if not yf.exists():
        np.save(yf, y)
        sp.save_npz(wf, sp.csr_matrix(w))
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(yf), str(wf), engine, str(PERMUTATIONS)],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["process"] = time.perf_counter() - t0
    return res


def main() -> None:
    cases = {
        "Berlin LOR 2020-H2": _berlin(),
        "grid 100 x 100": _grid(100),
        "grid 320 x 320": _grid(320),
    }
    print(f"LISA first call in a fresh process, {PERMUTATIONS} permutations, {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    head = (
        f"{'data':<20} {'areas':>7} {'kmax':>4} {'engine':<6} {'first s':>8} {'cpu s':>7} "
        f"{'warm s':>7} {'process s':>9} {'RSS MB':>7} {'p<=.05':>6}"
    )
    print(head)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for name, (y, w) in cases.items():
            engines = ("esda", "numpy") if len(y) <= 10_000 else ("numpy",)
            got = {}
            for engine in engines:
                r = _run(tmp, name.replace(" ", "_"), y, w, engine)
                got[engine] = r
                print(
                    f"{name:<20} {len(y):>7} {int(np.diff(sp.csr_matrix(w).indptr).max()):>4} "
                    f"{engine:<6} {r['first']:>8.2f} {r['first_cpu']:>7.2f} {r['warm']:>7.3f} "
                    f"{r['process']:>9.2f} {r['rss_mb']:>7.0f} {r['significant']:>6}"
                )
            if len(got) == 2:
                e, n = got["esda"], got["numpy"]
                print(
                    f"  -> first call esda/numpy = {e['first'] / n['first']:.0f}x, "
                    f"whole process {e['process'] / n['process']:.1f}x, "
                    f"warm call esda/numpy = {e['warm'] / n['warm']:.2f}x"
                )
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
