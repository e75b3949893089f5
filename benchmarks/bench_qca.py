"""Speed of QCA truth tables and Boolean minimisation on random fuzzy data (seeded).

Run: .venv/bin/python benchmarks/bench_qca.py
"""

import time

import numpy as np
import pandas as pd

from compare.qca import minimize, truth_table


def main() -> None:
    rng = np.random.default_rng(1)
    for k, n in [(5, 18), (6, 30), (8, 40), (10, 60)]:
        x = rng.random((n, k))
        y = rng.random(n)
        df = pd.DataFrame(x, columns=[f"C{i}" for i in range(k)])
        df["Y"] = y
        t0 = time.perf_counter()
        tt = truth_table(df, "Y", incl_cut=0.75)
        t1 = time.perf_counter()
        pars = minimize(tt, "parsimonious")
        t2 = time.perf_counter()
        minimize(tt, "conservative")
        t3 = time.perf_counter()
        print(
            f"k={k:2d} conditions, n={n:2d} cases: truth table {t1 - t0:.3f} s, parsimonious {t2 - t1:.3f} s "
            f"({len(pars.models)} models), conservative {t3 - t2:.3f} s, positive rows {len(tt.positive())}"
        )


if __name__ == "__main__":
    main()
