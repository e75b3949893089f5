from pathlib import Path

import pandas as pd
import pytest

from compare.paths import raw_dir
from compare.sources import fetch

REFERENCE_DATASETS = {
    "mpdta.csv": "reference-mpdta",
    "basque.csv": "reference-basque",
    "ck_public.dat": "reference-card-krueger",
}

CK_COLUMNS = (
    "sheet chain co_owned state southj centralj northj pa1 pa2 shore ncalls empft emppt nmgrs "
    "wage_st inctime firstinc bonus pctaff meals open hrsopen psoda pfry pentree nregs nregs11 "
    "type2 status2 date2 ncalls2 empft2 emppt2 nmgrs2 wage_st2 inctime2 firstin2 special2 meals2 "
    "open2r hrsopen2 psoda2 pfry2 pentree2 nregs2 nregs112"
).split()


def _need(name: str) -> Path:
    """A reference file from the data catalog, fetched (and sha256-verified) into data/raw if needed."""
    path = raw_dir() / "reference" / name
    if not path.exists():
        fetch([REFERENCE_DATASETS[name]])
    return path


@pytest.fixture(scope="session")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(_need("mpdta.csv"))


@pytest.fixture(scope="session")
def basque() -> pd.DataFrame:
    return pd.read_csv(_need("basque.csv"))


@pytest.fixture(scope="session")
def card_krueger() -> pd.DataFrame:
    """Card & Krueger (1994) public.dat: one row per store, wave-2 columns end in 2.

    Layout from the original codebook (46 whitespace-separated fields, "." = missing). FTE =
    full-time + managers + part-time / 2; permanently closed stores (status2 = 3) report 0
    employment in wave 2 and are kept, as in Table 3.
    """
    d = pd.read_csv(_need("ck_public.dat"), sep=r"\s+", header=None, names=CK_COLUMNS, na_values=".")
    d["fte"] = d["empft"] + d["nmgrs"] + d["emppt"] / 2
    d["fte2"] = d["empft2"] + d["nmgrs2"] + d["emppt2"] / 2
    d["store"] = range(len(d))  # sheet is not unique (407 labels two stores)
    return d


@pytest.fixture(scope="session")
def card_krueger_long(card_krueger) -> pd.DataFrame:
    d = card_krueger
    before = d.assign(fte_value=d["fte"], post=0)
    after = d.assign(fte_value=d["fte2"], post=1)
    return pd.concat([before, after], ignore_index=True)[["store", "state", "post", "fte_value"]]
