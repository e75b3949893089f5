"""The project's own set-up files agree with each other (pyproject, environment.yml, README, CI)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in py["dependencies"]} | {_name(r) for r in py["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(r) for r in dep.get("pip", [])}
        else:
            conda.add(_name(dep))
    have = (conda | pip) - {"python", "pip"}
    assert wanted - have == set(), f"in pyproject.toml but not in environment.yml: {sorted(wanted - have)}"
    assert have - wanted == set(), f"in environment.yml but not in pyproject.toml: {sorted(have - wanted)}"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    lines = (ROOT / "README.md").read_text().splitlines()[:6]
    commands = [ln.split("#")[0].strip() for ln in lines if ln.startswith("make ")]
    assert commands == ["make reports", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def _lock() -> dict[str, tuple[str, str]]:
    """requirements.lock as name -> (version, environment marker)."""
    out = {}
    for n, line in enumerate((ROOT / "requirements.lock").read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req, _, marker = line.partition(";")
        m = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", req.strip())
        assert m, f"requirements.lock: line {n}: expected 'name==version', got {line!r}"
        name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
        assert name not in out, f"requirements.lock: line {n}: {name} pinned twice"
        out[name] = (m.group(2), marker.strip())
    return out


def _pyproject_requirements():
    from packaging.requirements import Requirement

    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in py["dependencies"] + py["optional-dependencies"]["test"]]


def test_the_lock_pins_every_pyproject_dependency_inside_its_range():
    lock = _lock()
    for req in _pyproject_requirements():
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in lock, f"requirements.lock has no pin for {req} (pyproject.toml); run `make lock`"
        version, marker = lock[name]
        assert marker == "", f"requirements.lock: {name} is pinned only when {marker}"
        assert req.specifier.contains(version, prereleases=True), (
            f"requirements.lock: {name}=={version} is outside pyproject.toml's {req}; run `make lock`"
        )


def test_the_lock_is_closed_every_installed_requirement_is_pinned_too():
    """`pip install -r requirements.lock` needs nothing the lock does not name (on this platform)."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.markers import Marker
    from packaging.requirements import Requirement

    lock = _lock()
    here = {n: v for n, (v, m) in lock.items() if not m or Marker(m).evaluate()}
    missing = []
    for name in here:
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue  # checked by the next test where the lock was installed
        for raw in dist.requires or []:
            req = Requirement(raw)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            dep = re.sub(r"[-_.]+", "-", req.name).lower()
            if dep not in here:
                missing.append(f"{dep} (needed by {name})")
    assert missing == [], f"requirements.lock lacks {sorted(set(missing))}; run `make lock`"


def test_an_environment_installed_from_the_lock_has_exactly_its_versions():
    from importlib.metadata import PackageNotFoundError, version

    from packaging.markers import Marker

    marker = ROOT / ".venv" / ".installed"
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() or not marker.is_file():
        pytest.skip("not the project's .venv made by `make setup`")
    if marker.read_text().strip() != "lock":
        pytest.skip(".venv was installed from pyproject.toml's ranges (make setup LOCK=0)")
    wrong = []
    for name, (pinned, m) in _lock().items():
        if m and not Marker(m).evaluate():
            continue
        try:
            have = version(name)
        except PackageNotFoundError:
            have = "missing"
        if have != pinned:
            wrong.append(f"{name}: locked {pinned}, installed {have}")
    assert wrong == []


def test_makefile_installs_the_lock_by_default_and_registers_the_kernel():
    mk = (ROOT / "Makefile").read_text()
    assert re.search(r"^LOCK \?= 1$", mk, re.M)
    assert "pip install --quiet -r requirements.lock" in mk and "--no-deps -e ." in mk
    assert "-e '.[test]'" in mk  # LOCK=0: pyproject's ranges
    assert re.search(r"^\$\(VENV\)/.installed: pyproject.toml requirements.lock$", mk, re.M)
    assert "ipykernel install --sys-prefix --name compare" in mk
    assert re.search(r"^test: .*data", mk, re.M) and re.search(r"^reports: ", mk, re.M)


def test_the_notebook_kernel_is_registered_in_this_environment():
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "compare" in out.stdout


def test_import_compare_is_light():
    heavy = "('geopandas', 'papermill', 'esda', 'dask')"
    code = f"import sys, compare; print(any(m in sys.modules for m in {heavy}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_raw_data_and_reports_are_not_tracked():
    ignore = (ROOT / ".gitignore").read_text()
    assert "data/raw/" in ignore and "reports/*" in ignore


def test_the_suite_runs_the_docstring_examples():
    opts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in opts["addopts"].split() and "src/compare" in opts["testpaths"]
    assert (ROOT / "src" / "conftest.py").is_file()  # the doctest fixtures (raw, project, tmp)


def test_the_readme_figure_to_reproduce_is_the_one_the_library_computes():
    """The README's 'Reproduce one figure exactly' gives Vantaa's D of unemployment (2016)."""
    import warnings

    import compare

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Reproduce one figure exactly", 1)[1].split("\n## ", 1)[0]
    stated = float(re.search(r"# (0\.\d+) \.\.\. True", section).group(1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = compare.load_network("helsinki-berlin", cities=["vantaa"])
    panel = compare.compute_panel(net.population, net.group_definitions, net.areas)
    row = panel.query("index == 'dissimilarity' and group_definition == 'unemployment' and period == '2016'")
    assert float(row["value"].iloc[0]) == stated
    assert "reports run helsinki-berlin --cities vantaa" in section and "vantaa.results.json" in section
