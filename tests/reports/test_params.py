import pytest

from compare.errors import ConfigError
from compare.reports.params import (
    notebook_parameters,
    validate_city_parameters,
    validate_parameters,
)


@pytest.fixture
def nb(tmp_path, notebook_factory):
    return notebook_factory(
        tmp_path / "p.ipynb",
        'network = "net"  # network id\ncity = "a"\nperiods: list = []\npeers = ["b"]\n'
        "n = 3\nratio = 0.5\noutput_folder = None",
        "x = 1",
    )


def test_notebook_parameters_reads_defaults_and_types(nb):
    params = notebook_parameters(nb)
    assert params["city"]["default"] == "a"
    assert params["city"]["type"] is str
    assert params["periods"]["type"] is list
    assert params["peers"]["type"] is list
    assert params["n"]["type"] is int
    assert params["output_folder"]["type"] is None


def test_validate_parameters_merges_defaults(nb):
    merged = validate_parameters(nb, {"city": "b", "periods": ("2015",), "n": 4})
    assert merged == {
        "network": "net",
        "city": "b",
        "periods": ["2015"],
        "peers": ["b"],
        "n": 4,
        "ratio": 0.5,
        "output_folder": None,
    }


def test_validate_parameters_refuses_an_undeclared_name(nb):
    with pytest.raises(ConfigError, match="unknown parameter 'perids'") as err:
        validate_parameters(nb, {"perids": ["2015"]})
    assert err.value.key == "perids"


@pytest.mark.parametrize(
    "name, value", [("periods", "2015"), ("city", 3), ("n", "3"), ("n", True), ("peers", "b")]
)
def test_validate_parameters_refuses_a_value_of_the_wrong_type(nb, name, value):
    with pytest.raises(ConfigError, match=f"parameter '{name}' is"):
        validate_parameters(nb, {name: value})


def test_validate_parameters_accepts_an_int_for_a_float(nb):
    assert validate_parameters(nb, {"ratio": 1})["ratio"] == 1


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    import nbformat

    path = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1")]), path)
    with pytest.raises(ConfigError, match="no cell tagged 'parameters'"):
        notebook_parameters(path)


def test_missing_notebook_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="notebook not found"):
        notebook_parameters(tmp_path / "nope.ipynb")


CITIES = {"a": ["2015", "2016"], "b": [], "c": ["2015-H1"]}


def test_city_parameters_pass_for_known_city_peers_and_periods():
    validate_city_parameters({"city": "a", "periods": ["2016"], "peers": ["b", "c"]}, CITIES)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"city": "x"}, "unknown city 'x'"),
        ({"city": "a", "peers": ["z"]}, "unknown peer city 'z'"),
        ({"city": "a", "peers": ["a"]}, "among its own peers"),
        ({"city": "a", "periods": ["15"]}, "not a period label"),
        ({"city": "a", "periods": ["2019"]}, "no data for period '2019'"),
    ],
)
def test_city_parameters_are_refused_with_a_reason(params, message):
    with pytest.raises(ConfigError, match=message):
        validate_city_parameters(params, CITIES, source="net.yml")


def test_city_without_declared_periods_accepts_any_well_formed_period():
    validate_city_parameters({"city": "b", "periods": ["2030-H2"]}, CITIES)


def test_parameters_are_read_again_after_the_notebook_changes(tmp_path, notebook_factory):
    import os

    from compare.reports.params import notebook_parameters

    nb = notebook_factory(tmp_path / "p.ipynb", 'city = "a"', "print(city)")
    assert notebook_parameters(nb)["city"]["default"] == "a"
    notebook_parameters(nb)["city"]["default"] = "changed by a caller"
    assert notebook_parameters(nb)["city"]["default"] == "a", "callers get copies"
    notebook_factory(nb, 'city = "bb"\nn = 2', "print(city)")
    os.utime(nb, ns=(1, 1))  # even with an old modification time: the size changed
    params = notebook_parameters(nb)
    assert params["city"]["default"] == "bb" and params["n"]["type"] is int
