"""The project's own set-up files agree with each other (pyproject, environment.yml, README, CI)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

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


def test_makefile_installs_everything_and_registers_the_kernel():
    mk = (ROOT / "Makefile").read_text()
    assert "pip install" in mk and "-e '.[test]'" in mk
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
