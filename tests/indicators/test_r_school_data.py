"""R ``segregation``'s documented results on its school data (``schools00``), to its printed precision.

The data ship with the R package only as binary ``data/schools00.rda`` (elbersb/segregation); no
copy is in ``../shared/data/reference`` and CI has no network, so these tests run when a CSV
export is placed there (in R: ``write.csv(segregation::schools00, "schools00.csv",
row.names = FALSE)``, columns ``state, district, school, race, n``) and are skipped otherwise,
saying so. The expected values are the ones printed in R ``segregation``'s documentation:
``mutual_total(schools00, "race", "school", weight = "n")`` (README: M 0.426, H 0.419) and
``mutual_local(schools00, "school", "race", weight = "n", wide = TRUE)`` (reference page of
``mutual_local``: ls and p of the five groups, seven digits).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compare.indicators.difference import mutual_total
from compare.indicators.local_scores import local_segregation
from compare.paths import default_mirror


def _schools00() -> pd.DataFrame:
    mirror = default_mirror()
    path = None if mirror is None else mirror / "reference" / "schools00.csv"
    if path is None or not path.is_file():
        pytest.skip(
            "R segregation's schools00 is not in ../shared/data/reference (the R package ships it "
            "only as a binary .rda); export it with write.csv to run these checks"
        )
    data = pd.read_csv(path)
    missing = {"school", "race", "n"} - set(data.columns)
    assert not missing, f"{path}: columns {sorted(missing)} missing"
    return data


def test_mutual_total_matches_r_readme():
    data = _schools00()
    m = mutual_total(data, unit="school", group="race", weight="n")
    p = data.groupby("race")["n"].sum() / data["n"].sum()
    h = m / float(-(p * np.log(p)).sum())
    assert round(m, 3) == 0.426
    assert round(h, 3) == 0.419


# mutual_local(schools00, "school", "race", weight = "n", wide = TRUE): local scores of the groups
R_LOCAL = {
    "asian": (0.6287673, 0.022553401),
    "black": (0.8805413, 0.190149919),
    "hisp": (0.7766327, 0.151696575),
    "white": (0.1836393, 0.628092178),
    "native": (1.4342644, 0.007507927),
}


def test_local_scores_of_groups_match_r_reference_page():
    data = _schools00()
    loc = local_segregation(data, unit="school", group="race", weight="n", of="group").set_index("race")
    for race, (ls, p) in R_LOCAL.items():
        assert loc.loc[race, "ls"] == pytest.approx(ls, abs=5e-8), race
        assert loc.loc[race, "p"] == pytest.approx(p, abs=5e-10), race
    assert float((loc["ls"] * loc["p"]).sum()) == pytest.approx(
        mutual_total(data, unit="school", group="race", weight="n"), abs=1e-12
    )
