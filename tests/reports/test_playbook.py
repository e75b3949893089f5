"""The Action Playbook as the report runner writes it for the example network (HTML, PDF, versions)."""

import html.parser
import json
import re
import shutil

import pytest
import yaml

pytestmark = pytest.mark.slow  # uses the network run of tests/reports/conftest.py

PART_IDS = ["models", "cities", "lessons", "transfers", "plans", "methods", "changes"]
CITY_NAMES = ["Vantaa", "Helsinki", "Espoo", "Berlin"]


@pytest.fixture(scope="module")
def out(network_run):
    code, folder = network_run
    assert code == 0
    return folder


@pytest.fixture(scope="module")
def page(out):
    return (out / "playbook.html").read_text(encoding="utf-8")


class _Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.imgs, self.h2 = set(), [], [], []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        self._in_h2 = tag == "h2"

    def handle_data(self, data):
        if self._in_h2 and data.strip():
            self.h2.append(data.strip())
            self._in_h2 = False


def _parsed(page):
    p = _Collect()
    p.feed(page)
    return p


def test_the_playbook_has_its_six_parts_contents_and_a_page_per_city(page):
    p = _parsed(page)
    for pid in PART_IDS:
        assert pid in p.ids, pid
        assert f'href="#{pid}"' in page  # in the contents
    for name in CITY_NAMES:
        assert f"city-{name.lower()}" in p.ids
    assert re.search(r"Action Playbook, version \d+, \d{4}-\d{2}-\d{2}", page)
    # every figure has a title, units and a source line
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page, flags=re.S)
    assert captions and all("Units:" in c and "Source" in c for c in captions)


def test_every_city_has_a_recommended_practice_or_the_reason_there_is_none(page):
    transfers = page[page.index('id="transfers"') : page.index('id="plans"')]
    blocks = re.split(r"<h4>", transfers)
    for name in CITY_NAMES:
        block = next(b for b in blocks if b.startswith(name + "</h4>"))
        assert ("<table" in block) != ("No recommendation:" in block), name


def test_each_recommendation_addresses_one_of_the_citys_weakest_criteria():
    from compare.pages.playbook import collect_playbook_data
    from compare.sources import network_record

    d = collect_playbook_data(network_record("helsinki-berlin"), "/nonexistent")
    rec = d.recommendations
    assert len(rec.table)
    for r in rec.table.itertuples():
        weak = rec.weakest[r.city]
        assert r.criterion in weak.index
        assert r.city_score == weak[r.criterion] == d.scores.at[r.city, r.criterion]
        assert r.origin_score >= 3 and r.origin_score > r.city_score
        practice = d.catalogue.practice(r.practice)
        assert r.criterion in practice.addresses and practice.origin_city == r.origin != r.city
    adopted = {(t.adopter, t.practice) for t in d.catalogue.transfers}
    assert not {(r.city, r.practice) for r in rec.table.itertuples()} & adopted


def test_images_load_and_links_resolve(out, page):
    p = _parsed(page)
    assert p.imgs and all(src.startswith("data:image/png;base64,") and len(src) > 1000 for src in p.imgs)
    for href in p.hrefs:
        if href.startswith("#"):
            assert href[1:] in p.ids, href
        elif not re.match(r"https?://", href):
            path, _, anchor = href.partition("#")
            assert (out / path).is_file(), href
            if anchor:
                assert f'id="{anchor}"' in (out / path).read_text(encoding="utf-8"), href


def test_the_pdf_has_numbered_pages_contents_and_two_sides_at_most_per_city(out):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(out / "playbook.pdf")
    n = len(reader.pages)
    assert 8 <= n <= 60
    first = reader.pages[0].extract_text()
    assert "Contents" in first and f"Page 1 of {n}" in first
    assert f"Page {n} of {n}" in reader.pages[-1].extract_text()

    def flat(outline):
        for o in outline:
            if isinstance(o, list):
                yield from flat(o)
            else:
                yield o.title, reader.get_destination_page_number(o)

    marks = list(flat(reader.outline))
    titles = [t for t, _ in marks]
    for part in ("1. Models", "2. Where each city stands", "3. Lessons learned", "4. Transfers",
                 "5. Local action plans", "6. Tools and methods"):  # fmt: skip
        assert part in titles, part
    for i, (title, pg) in enumerate(marks):
        if any(title.startswith(c) for c in CITY_NAMES) and i + 1 < len(marks):
            nxt = marks[i + 1][1]
            if nxt > pg:  # the next heading starts the next city's page (or part)
                assert nxt - pg <= 2, f"{title} takes {nxt - pg} pages"


def test_the_playbook_renders_in_headless_chromium_with_every_image(out):
    playwright = pytest.importorskip("playwright.sync_api")
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        pytest.skip("no chromium browser installed (Debian: apt-get install chromium; `make browser`)")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"])
        for width in (1280, 390):  # desktop and phone
            pg = browser.new_page(viewport={"width": width, "height": 900})
            pg.goto((out / "playbook.html").as_uri())
            broken = pg.evaluate(
                "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length"
            )
            assert broken == 0
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 2, f"page wider than a {width}px screen by {overflow}px"
            pg.close()
        browser.close()


def test_a_second_run_with_nothing_changed_keeps_the_version(out):
    from compare.pages.playbook import write_playbook
    from compare.sources import network_record

    before = json.loads((out / "playbook.json").read_text(encoding="utf-8"))
    html_before = (out / "playbook.html").read_bytes()
    paths = write_playbook(network_record("helsinki-berlin"), out)
    assert paths["unchanged"]
    assert json.loads((out / "playbook.json").read_text(encoding="utf-8"))["version"] == before["version"]
    assert (out / "playbook.html").read_bytes() == html_before


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project root whose data/ is a copy (profiles editable), reading the real data/raw."""
    from compare.paths import data_dir, raw_dir

    raw = raw_dir()
    d = tmp_path / "data"
    for sub in ("networks", "governance", "rubrics", "practices", "self-assessment"):
        shutil.copytree(data_dir() / sub, d / sub)
    shutil.copy(data_dir() / "catalog.yml", d / "catalog.yml")
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    monkeypatch.setenv("COMPARE_RAW", str(raw))
    return d


def test_what_changed_lists_a_profile_change_between_two_runs(out, home, tmp_path):
    from compare.pages.playbook import write_playbook
    from compare.sources import network_record

    folder = tmp_path / "pb"
    folder.mkdir()
    for f in out.glob("*.results.json"):
        shutil.copy(f, folder / f.name)
    for f in out.glob("*.html"):
        shutil.copy(f, folder / f.name)
    info = network_record("helsinki-berlin")
    write_playbook(info, folder, pdf=False)
    v1 = json.loads((folder / "playbook.json").read_text(encoding="utf-8"))
    assert "first version" in (folder / "playbook.html").read_text(encoding="utf-8")

    p = home / "governance" / "espoo.yml"  # Espoo has no self-assessment: its desk score is the one used
    raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    scores = raw["assessments"][0]["scores"]
    crit = next(iter(scores))
    old = scores[crit]["score"] if isinstance(scores[crit], dict) else scores[crit]
    new = 4 if old < 4 else 3
    if isinstance(scores[crit], dict):
        scores[crit]["score"] = new
    else:
        scores[crit] = new
    p.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")

    paths = write_playbook(info, folder, pdf=False)
    assert not paths["unchanged"]
    v2 = json.loads((folder / "playbook.json").read_text(encoding="utf-8"))
    assert v2["version"] == v1["version"] + 1 and v2["previous"] == v1["version"]
    from compare.governance import load_rubric

    name = load_rubric().criterion(crit).name
    expected = f"Espoo: rubric score of {name} changed from {old:g} to {new:g}"
    assert expected in v2["changes"]
    page = (folder / "playbook.html").read_text(encoding="utf-8")
    changes = page[page.index('id="changes"') :]
    assert f"Changes since version {v1['version']}" in changes and expected in changes


def test_a_failed_city_is_marked_and_the_other_cities_keep_their_figures(out, tmp_path):
    from types import SimpleNamespace

    from compare.pages.playbook import build_playbook
    from compare.sources import network_record

    folder = tmp_path / "partial"
    folder.mkdir()
    for f in out.glob("*.results.json"):
        if not f.name.startswith("berlin"):
            shutil.copy(f, folder / f.name)
    failed = SimpleNamespace(name="berlin", status="failed", failed=True, previous_kept=False,
                             error={"ename": "DataError", "evalue": "LOR file cut short"})  # fmt: skip
    pb = build_playbook(network_record("helsinki-berlin"), folder, [failed])
    berlin = pb.html[pb.html.index('id="city-berlin"') :]
    berlin = berlin[: berlin.index("</section>")]
    assert "report failed in the last run (DataError: LOR file cut short)" in berlin
    assert "1 of 4 cities have no report in this run (Berlin)" in pb.html
    vantaa = pb.html[pb.html.index('id="city-vantaa"') :]
    assert "D low_income (2016)" in vantaa[: vantaa.index("</section>")]


def test_a_lesson_is_never_stronger_than_its_design(page):
    lessons = page[page.index('id="lessons"') : page.index('id="transfers"')]
    # Berlin's QM estimates have diverging pre-trends: the lesson says it is not evidence of an effect
    item = lessons[lessons.index("Boulevard Kastanienallee") :]
    item = item[: item.index("</li>")]
    assert "not evidence of an effect of the action" in item
    # an interval that includes zero is read as no distinguishable effect, and links to its source
    assert "no effect can be told apart from zero" in lessons
    assert 'href="vantaa.html#6.-Effects-of-local-actions"' in lessons


def test_without_a_pdf_renderer_the_html_is_written_and_says_what_to_install(out, tmp_path, monkeypatch):
    import compare.pages.playbook as pbmod
    from compare.pages.playbook import PlaybookPDFError, build_playbook, write_playbook
    from compare.sources import network_record

    folder = tmp_path / "nopdf"
    folder.mkdir()
    for f in out.glob("*.results.json"):
        shutil.copy(f, folder / f.name)
    pb = build_playbook(network_record("helsinki-berlin"), folder)

    def no_pango(*a, **k):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pbmod, "render_pdf", no_pango)
    with pytest.raises(PlaybookPDFError) as exc:
        pb.write()
    msg = str(exc.value)
    assert str(folder / "playbook.html") in msg and "libpango" in msg and "apt-get install" in msg
    assert (folder / "playbook.html").is_file() and not (folder / "playbook.pdf").exists()
    # the next run tries the PDF again instead of calling the Playbook current
    monkeypatch.undo()
    assert not write_playbook(network_record("helsinki-berlin"), folder)["unchanged"]
    assert (folder / "playbook.pdf").is_file()
