import pytest

from compare.errors import ConfigError
from compare.governance import find_data_dir, load_profiles, read_yaml


def test_data_dir_is_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPARE_HOME", raising=False)
    d = find_data_dir("governance")
    assert (d / "governance" / "vantaa.yml").is_file()
    assert "vantaa" in load_profiles()


def test_compare_home_overrides_the_lookup(tmp_path, monkeypatch):
    import shutil

    (tmp_path / "data" / "governance").mkdir(parents=True)
    shutil.copytree(find_data_dir("rubrics") / "rubrics", tmp_path / "data" / "rubrics")
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    assert find_data_dir("governance") == tmp_path / "data"
    assert load_profiles() == {}


def test_malformed_yaml_names_file_and_line(tmp_path):
    p = tmp_path / "bad.yml"
    p.write_text("city: vantaa\nname: [unclosed\n")
    with pytest.raises(ConfigError, match="malformed YAML at line") as exc:
        read_yaml(p)
    assert exc.value.file == str(p)


def test_yaml_is_read_with_the_safe_loader(tmp_path):
    p = tmp_path / "evil.yml"
    p.write_text("x: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ConfigError, match="malformed YAML"):
        read_yaml(p)


def test_importing_governance_pulls_in_no_plotting_library():
    import subprocess
    import sys

    code = (
        "import sys, compare.governance; "
        "print(any(m in sys.modules for m in ('matplotlib', 'seaborn', 'networkx')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
