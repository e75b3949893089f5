import pytest

from compare.errors import ConfigError
from compare.governance import find_data_dir, load_practices

PRACTICES = find_data_dir("practices") / "practices"


@pytest.fixture(scope="module")
def catalogue():
    return load_practices()


def test_tempo_orchestra_travelled_from_amadora_to_vantaa_through_mile(catalogue):
    t = catalogue.transfers_table()
    row = t[(t["practice"] == "tempo-orchestra") & (t["adopter"] == "vantaa")].iloc[0]
    assert (row["origin"], row["year"], row["programme"]) == ("amadora", 2009, "URBACT II MILE")


def test_coaching_together_comes_from_vantaa_urbact_local_group(catalogue):
    p = catalogue.practice("coaching-together")
    assert p.origin_city == "vantaa" and "Arrival Cities" in p.programme


def test_query_by_theme_and_city(catalogue):
    part = catalogue.query(theme="Participation")
    assert {"quartiersrat-aktionsfonds", "borough-liaison-coffee-tables"} <= set(part["id"])
    assert all("participation" in t for t in part["themes"])
    vantaa = set(catalogue.query(city="vantaa")["id"])
    assert vantaa == {"tempo-orchestra", "coaching-together", "mek-community-developers"}
    assert list(catalogue.query(theme="participation", city="berlin")["id"]) == ["quartiersrat-aktionsfonds"]


def test_transfer_network_has_one_edge_per_origin_adopter_pair(catalogue):
    g = catalogue.graph()
    pairs = {(t.origin, t.adopter) for t in catalogue.transfers}
    assert set(g.edges) == pairs
    assert g.nodes["amadora"]["profiled"] is False and g.nodes["vantaa"]["profiled"] is True


def _copy(tmp_path):
    d = tmp_path / "practices"
    d.mkdir()
    for f in PRACTICES.glob("*.yml"):
        (d / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return d


def test_transfer_to_an_unknown_city_is_rejected(tmp_path):
    d = _copy(tmp_path)
    p = d / "transfers.yml"
    p.write_text(p.read_text(encoding="utf-8").replace("adopter: oulu", "adopter: tampere"), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown city 'tampere'") as e:
        load_practices(d)
    assert e.value.key == "transfers[1].adopter" and e.value.file.endswith("transfers.yml")


def test_transfer_of_an_unknown_practice_is_rejected(tmp_path):
    d = _copy(tmp_path)
    p = d / "transfers.yml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("practice: tempo-orchestra", "practice: x", 1), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="unknown practice 'x'"):
        load_practices(d)


def test_malformed_practice_yaml_names_the_file(tmp_path):
    d = _copy(tmp_path)
    (d / "transfers.yml").write_text("transfers:\n  - practice: [\n")
    with pytest.raises(ConfigError, match="malformed YAML") as e:
        load_practices(d)
    assert e.value.file.endswith("transfers.yml")
