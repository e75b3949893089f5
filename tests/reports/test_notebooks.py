"""Execute both notebooks on the real example network and check what they computed."""

import base64
import html.parser
import io
import json
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest

from compare.reports import read_key_results

pytestmark = pytest.mark.slow  # executes the notebooks with papermill (about 2 minutes)

CITIES = ["vantaa", "berlin"]


@pytest.fixture(scope="module")
def run(network_run):
    """The whole example network's run (tests/reports/conftest.py); the checks below look at CITIES."""
    return network_run


@pytest.fixture(scope="module")
def net():
    from compare.sources import load_network

    return load_network("helsinki-berlin", cities=CITIES)


def test_the_run_succeeds_and_publishes_every_report(run):
    code, out = run
    assert code == 0
    for name in [*CITIES, "helsinki", "espoo", "network-comparison"]:
        for suffix in (".ipynb", ".html", ".results.json", ".provenance.json"):
            assert (out / f"{name}{suffix}").is_file(), f"{name}{suffix}"
    for name in ("index.html", "playbook.html", "playbook.pdf", "playbook.json"):
        assert (out / name).is_file(), name


def test_executed_notebooks_have_no_errors_and_show_figures(run):
    _, out = run
    for name, min_figures in [("vantaa", 10), ("berlin", 7), ("network-comparison", 4)]:
        nb = nbformat.read(out / f"{name}.ipynb", as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        pngs = [o for o in outputs if "image/png" in o.get("data", {})]
        assert len(pngs) >= min_figures, name
        prov = nb.metadata["compare"]["provenance"]
        assert prov["packages"]["compare"].startswith("0.1.0+src.")
        assert all(len(v) == 64 for v in prov["data"].values())


def test_city_results_match_the_library_computed_independently(run, net):
    from compare.indicators import dissimilarity
    from compare.model import group_table

    _, out = run
    res = read_key_results(out, "vantaa")
    areas, pop = net.city_tables("vantaa")
    assert res["n_areas_map"] == areas["area_id"].nunique()
    gd = net.group_definitions["unemployment"]
    t = group_table(pop, gd).dropna()
    period = max(t.index.get_level_values("period"))
    last = t.xs(period, level="period")
    expected = dissimilarity(last["group"].to_numpy(), last["total"].to_numpy())
    assert res["dissimilarity_latest"]["unemployment"] == pytest.approx(float(expected), rel=1e-9)
    assert 0 < res["dissimilarity_latest"]["unemployment"] < 1


def test_city_results_reflect_the_governance_profile_and_practices(run):
    from compare.governance import load_practices, load_profiles

    _, out = run
    profiles = load_profiles()
    catalogue = load_practices()
    transfers = catalogue.transfers_table()
    for city in CITIES:
        res = read_key_results(out, city)
        assert res["n_covered"] == len(profiles[city].covered_areas)
        assert res["stage"] == profiles[city].stage
        assert res["practices_adopted"] == transfers.loc[transfers["adopter"] == city, "practice"].tolist()
        assert 0 <= res["covered_in_very_low_status"] <= res["n_covered"]


def test_berlin_maps_use_the_boundaries_its_covered_areas_are_defined_on(run, net):
    _, out = run
    res = read_key_results(out, "berlin")
    from compare.governance import load_profiles

    covered = set(load_profiles()["berlin"].area_ids)
    pop = net.population[net.population["city"] == "berlin"]
    ids = set(pop.loc[pop["period"] == res["map_period"], "area_id"])
    assert covered & ids
    later = sorted(p for p in pop["period"].unique() if p > res["map_period"])
    assert all(not (covered & set(pop.loc[pop["period"] == p, "area_id"])) for p in later)


def test_comparison_results_cover_every_city(run):
    from compare.governance import ModelSimilarity, load_profiles, load_rubric, score_matrix

    _, out = run
    res = read_key_results(out, "network-comparison")
    assert res["cities"] == ["vantaa", "helsinki", "espoo", "berlin"]
    rubric = load_rubric()
    profiles = {k: v for k, v in load_profiles(rubric=rubric).items() if k in res["cities"]}
    expected = ModelSimilarity(n_clusters=2).fit(score_matrix(profiles, rubric)).clusters_
    assert res["model_types"] == {c: int(k) for c, k in expected.items()}
    assert set(res["dissimilarity_latest"]) == set(res["cities"])


def test_index_links_every_report_and_the_playbook(run):
    _, out = run
    page = (out / "index.html").read_text()
    links = _Links.of(page)
    expected = {"vantaa.html", "berlin.html", "helsinki.html", "espoo.html", "network-comparison.html",
                "playbook.html", "playbook.pdf"}  # fmt: skip
    assert expected <= set(links)
    for href in links:
        assert (out / href).is_file(), href
    assert page.count('<tr class="ok">') == 4


def test_reports_hide_code_and_embed_every_image(run):
    _, out = run
    page = (out / "vantaa.html").read_text()
    assert "A.load_city" not in page
    assert 'id="provenance"' in page
    # instructions for whoever runs the notebook are not for the report's readers
    for name in ("vantaa", "network-comparison"):
        text = (out / f"{name}.html").read_text()
        assert "parameters below" not in text and "Logic lives in" not in text, name
    srcs = _Links.of(page, tag="img", attr="src")
    assert len(srcs) >= 10
    from PIL import Image

    for src in srcs:
        assert src.startswith("data:image/png;base64,")
        img = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        assert img.size[0] > 200 and img.size[1] > 150


def test_index_and_a_report_render_in_headless_chromium(run):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("chromium not found on PATH (Debian: apt-get install -y chromium)")
    from PIL import Image

    _, out = run
    shots = Path(tempfile.mkdtemp(prefix="compare-shots-"))
    for page in ("index", "vantaa"):
        png = shots / f"{page}.png"
        profile = tempfile.mkdtemp(prefix="chromium-profile-")
        proc = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--window-size=1280,1600",
                f"--screenshot={png}",
                (out / f"{page}.html").as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        shutil.rmtree(profile, ignore_errors=True)
        assert proc.returncode == 0, proc.stderr[-500:]
        img = np.asarray(Image.open(png).convert("L"))
        assert img.shape == (1600, 1280)
        # rendered, not blank: text and figures give many dark pixels and many grey levels
        assert (img < 128).mean() > 0.005
        assert len(np.unique(img)) > 50
    shutil.copy(shots / "index.png", out / "screenshot-index.png")
    shutil.copy(shots / "vantaa.png", out / "screenshot-vantaa.png")


def test_provenance_sidecar_records_checksums_of_the_raw_files(run, net):
    from compare.provenance import file_sha256

    _, out = run
    prov = json.loads((out / "vantaa.provenance.json").read_text())
    files = net.files[net.files["city"] == "vantaa"]
    for path in files["path"].head(3):
        key = next(k for k in prov["data"] if k.endswith(Path(path).name))
        assert prov["data"][key] == file_sha256(path)
    assert prov["parameters"]["city"] == "vantaa"


class _Links(html.parser.HTMLParser):
    def __init__(self, tag, attr):
        super().__init__()
        self.tag, self.attr, self.found = tag, attr, []

    def handle_starttag(self, tag, attrs):
        if tag == self.tag:
            value = dict(attrs).get(self.attr)
            if value and not value.startswith(("#", "http", "mailto:")):
                self.found.append(value)

    @classmethod
    def of(cls, page, tag="a", attr="href"):
        p = cls(tag, attr)
        p.feed(page)
        return p.found


def test_vantaa_report_shows_action_effects_equal_to_evaluate_action_called_directly(run, net):
    from compare.evaluation import evaluate_action
    from compare.governance import load_profiles
    from compare.model import group_table

    _, out = run
    effects = {e["action_id"]: e for e in read_key_results(out, "vantaa")["action_effects"]}
    profile = load_profiles()["vantaa"]
    assert set(effects) == {a.id for a in profile.actions}
    action = next(a for a in profile.actions if a.id == "lansimaki-development")
    first_definition = net.definitions_for("vantaa")[0].name
    assert action.outcome_hint is None  # so the report falls back to the first definition
    lans = effects["lansimaki-development"]
    assert lans["evaluated"] and lans["outcome"] == first_definition

    # the same inputs built here: share in percent, areas ever below the minimum left out,
    # comparison = rest of the city minus areas of other actions started within the data
    _, pop = net.city_tables("vantaa")
    t = group_table(pop, net.group_definitions[first_definition]).reset_index()
    small = set(t.loc[t["total"].fillna(0) < net.min_population, "area_id"])
    t = t[~t["area_id"].isin(small)].assign(value=lambda d: 100 * d["group"] / d["total"])
    outcome = t.dropna(subset=["value"])[["city", "area_id", "period", "value"]]
    last = max(pop["period"])
    elsewhere = {
        x for b in profile.actions if b.id != action.id and b.start_period <= last for x in b.target_areas
    }
    comparison = sorted(set(outcome["area_id"]) - set(action.target_areas) - elsewhere)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = evaluate_action(outcome, action, city="vantaa", comparison=comparison)
    assert lans["estimate"] == pytest.approx(ev.estimate, rel=1e-9)
    assert lans["conf_int"] == pytest.approx(list(ev.conf_int), rel=1e-9)
    assert lans["method"] == ev.method
    assert lans["n_comparison_areas"] == len(comparison) and lans["n_target_areas"] == 1
    assert any("fewer than two periods" in c for c in lans["caveats"])

    assert not effects["mek-programme"]["evaluated"]
    assert "after the last period with data (2017)" in effects["mek-programme"]["reason"]
    assert not effects["tempo-orchestras"]["evaluated"]
    assert "before the first period with data" in effects["tempo-orchestras"]["reason"]

    page = (out / "vantaa.html").read_text()
    assert "Effects of local actions" in page
    assert f"{ev.estimate:+.2f} percentage points" in page
    assert "parallel-trends assumption" in page and "Not evaluated." in page


def test_berlin_actions_respect_the_2021_boundary_change(run):
    _, out = run
    effects = {e["action_id"]: e for e in read_key_results(out, "berlin")["action_effects"]}
    for aid in ("qm-boulevard-kastanienallee", "qm-gesundbrunnen-badstrasse"):
        e = effects[aid]
        assert e["evaluated"] and e["vintage"] == "lor-2006"
        assert e["periods"] == ["2015-H1", "2020-H2"]
        assert np.isfinite(e["estimate"]) and e["conf_int"][0] <= e["estimate"] <= e["conf_int"][1]
    low = effects["qm-gesundbrunnen-badstrasse"]["caveats"]
    assert any("to be verified" in c for c in low)
    new = effects["qm-alte-hellersdorfer-strasse"]
    assert not new["evaluated"] and new["vintage"] == "lor-2021"
    assert "no period before the start" in new["reason"]
    assert "10020412 -> 1020" in new["reason"]


def test_comparison_report_states_that_qca_was_not_run_and_why(run, net):
    from compare.indicators import dissimilarity
    from compare.model import group_table
    from compare.qca import minimum_cases

    _, out = run
    q = read_key_results(out, "network-comparison")["qca"]
    assert q["ran"] is False and q["n_cases"] == 4
    assert q["min_cases"] == minimum_cases(len(q["conditions"])) == 20
    assert "only 4 cities" in q["message"] and "at least 20 are needed for 6 conditions" in q["message"]
    assert q["solutions"] == {}
    # the outcome of Vantaa: yearly change of D of its first definition, computed here
    _, pop = net.city_tables("vantaa")
    gd = net.definitions_for("vantaa")[0]
    t = group_table(pop, gd).dropna()
    periods = sorted(t.index.get_level_values("period").unique())
    d = {p: dissimilarity(*t.xs(p, level="period")[["group", "total"]].to_numpy().T) for p in periods}
    years = int(periods[-1]) - int(periods[0])
    assert q["outcome"]["vantaa"] == pytest.approx((d[periods[-1]] - d[periods[0]]) / years, rel=1e-6)
    page = (out / "network-comparison.html").read_text()
    assert "Configurations of conditions (QCA)" in page
    assert "QCA not run" in page and "not even two conditions can be used" in page


def test_vantaa_report_has_the_self_assessment_section_labelled_as_fictitious(run):
    _, out = run
    page = (out / "vantaa.html").read_text()
    assert "How the local group assesses its model" in page
    assert page.count("FICTITIOUS EXAMPLE RESPONSES") >= 1
    assert "(fictitious example raters)" in page
    assert "Krippendorff" in page and "Change between rounds: baseline to follow-up" in page
    assert "the agenda &amp; the money stay with the city" in page  # comments quoted and escaped
    berlin = (out / "berlin.html").read_text()
    assert "No self-assessment of Berlin" in berlin and "FICTITIOUS" not in berlin


def test_comparison_uses_the_consensus_and_names_desk_review_only_cities(run):
    _, out = run
    r = read_key_results(out, "network-comparison")
    # the run compares all four cities; Vantaa and Helsinki have (fictitious) responses
    assert r["score_sources"]["vantaa"] == "self-assessment consensus"
    assert r["score_sources"]["berlin"] == "desk review only"
    assert r["example_raters"] is True
    page = (out / "network-comparison.html").read_text()
    assert "Robustness to the raters" in page and "desk review only: Espoo, Berlin" in page
