"""Networks of one and of two cities get their reports: the plan has every job, the notebooks run, and the
comparison says what needs more cities (clustering, QCA) instead of failing.

The notebooks' code cells are executed in this process, cell by cell as Jupyter would (the last
expression of a cell is displayed), instead of through papermill and a kernel: the cells are the
notebooks' own, so a cell that fails on a small network fails here, in seconds rather than minutes.
"""

import ast
import html
import re
import warnings
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _small_network(folder: Path, cities: list[str]) -> Path:
    """helsinki-berlin cut down to ``cities`` (profile paths made absolute for the new folder)."""
    cfg = yaml.safe_load((ROOT / "data" / "networks" / "helsinki-berlin.yml").read_text())
    cfg["cities"] = {k: v for k, v in cfg["cities"].items() if k in cities}
    for c in cfg["cities"].values():
        c["governance_profile"] = str(ROOT / "data" / c["governance_profile"])
    cfg["name"] = f"small-{len(cities)}"
    cfg["lead_city"] = cities[0]
    p = folder / f"small-{len(cities)}.yml"
    p.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    return p


def _run_notebook(name: str, parameters: dict, monkeypatch) -> str:
    """Execute a notebook's code cells in-process; return the text of everything displayed."""
    import IPython.display

    shown: list[str] = []

    def record(obj):
        if obj is None:
            return
        rich = getattr(obj, "_repr_html_", None)
        shown.append(str(rich() if rich else getattr(obj, "data", None) or repr(obj)))

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: [record(o) for o in objs])
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    ns: dict = {}
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        src = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith("%"))
        if "parameters" in (cell.metadata.get("tags") or []):
            src += "\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
        tree = ast.parse(src)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        try:
            exec(compile(tree, f"{name} cell {i}", "exec"), ns)
            if last is not None:
                record(eval(compile(ast.Expression(last.value), f"{name} cell {i}", "eval"), ns))
        except Exception as exc:  # noqa: BLE001 - name the failing cell
            raise AssertionError(f"{name}: code cell {i} fails on a small network:\n{cell.source}") from exc
        finally:
            import matplotlib.pyplot as plt

            plt.close("all")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(shown))).split())


@pytest.mark.parametrize("cities", [["vantaa"], ["vantaa", "berlin"]], ids=["one-city", "two-cities"])
def test_a_small_network_gets_its_plan_and_a_comparison_that_says_what_needs_more_cities(
    tmp_path, monkeypatch, cities
):
    from compare.reports.plan import plan_network

    net = _small_network(tmp_path, cities)
    plan = plan_network(str(net), out_root=tmp_path / "reports")
    assert [j.name for j in plan.jobs] == [*cities, "network-comparison"]
    out = tmp_path / "reports" / f"small-{len(cities)}"
    out.mkdir(parents=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = _run_notebook(
            "network_comparison.ipynb",
            {"network": str(net), "cities": [], "output_folder": str(out)},
            monkeypatch,
        )
    n = len(cities)
    assert re.search(rf"QCA not run: only {n} cities have .* at least \d+ are needed", text), text[:2000]
    assert "add cities" in text
    if n == 1:
        assert "No model types: 1 city has a governance profile" in text and "too few to cluster" in text
    assert (out / "network-comparison.results.json").is_file()


def test_the_city_report_of_a_one_city_network_runs_without_peers(tmp_path, monkeypatch):
    from compare.pages.results import read_key_results

    net = _small_network(tmp_path, ["vantaa"])
    out = tmp_path / "out"
    out.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = _run_notebook(
            "city_assessment.ipynb",
            {"network": str(net), "city": "vantaa", "periods": [], "peers": [], "output_folder": str(out)},
            monkeypatch,
        )
    assert "Vantaa" in text
    res = read_key_results(out, "vantaa")
    assert res["n_areas_map"] == 36
