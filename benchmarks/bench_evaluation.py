"""Speed of the evaluation estimators on the reference data sets.

Run: .venv/bin/python benchmarks/bench_evaluation.py
"""

import sys
import time
import warnings
from pathlib import Path

import pandas as pd

from compare.evaluation import SyntheticControl, att_gt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "evaluation"))
from test_synth import BASQUE_FIT, BASQUE_SPEC  # noqa: E402  (the published Basque specification)

REF = ROOT.parent / "shared" / "data" / "reference"


def main() -> None:
    warnings.simplefilter("ignore")
    mpdta = pd.read_csv(REF / "mpdta.csv")
    basque = pd.read_csv(REF / "basque.csv")
    t = time.perf_counter()
    att_gt(mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", random_state=0)
    print(
        f"Callaway & Sant'Anna on mpdta (500 counties, 999 bootstrap draws): {time.perf_counter() - t:.3f} s"
    )
    t = time.perf_counter()
    SyntheticControl(**BASQUE_SPEC, placebo=False).fit(basque, **BASQUE_FIT)
    base = time.perf_counter() - t
    print(f"Basque synthetic control, nested V optimisation, no placebos: {base:.2f} s")
    for pv in ["fixed", "refit"]:
        t = time.perf_counter()
        SyntheticControl(**BASQUE_SPEC, placebo_v=pv).fit(basque, **BASQUE_FIT)
        el = time.perf_counter() - t
        print(f"Basque + 16 placebos in space ({pv} V): {el:.2f} s ({el / base:.1f}x the single fit)")


if __name__ == "__main__":
    main()
