import json
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def LC():
    return pd.read_csv(DATA / "lipset_LC.csv", index_col="case")


@pytest.fixture(scope="session")
def LF():
    return pd.read_csv(DATA / "lipset_LF.csv", index_col="case")


@pytest.fixture(scope="session")
def LR():
    return pd.read_csv(DATA / "lipset_LR.csv", index_col="case")


@pytest.fixture(scope="session")
def expected():
    return json.loads((DATA / "r_qca_expected.json").read_text())
