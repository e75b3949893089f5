import warnings

import pytest


@pytest.fixture(scope="session")
def network():
    """The example network from real open data (Paavo postal areas + Berlin LOR)."""
    from compare.sources import load_network

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_network("helsinki-berlin")


@pytest.fixture(scope="session")
def network_panel(network):
    from compare.indicators import compute_panel

    return compute_panel(network.population, network.group_definitions, network.areas)
