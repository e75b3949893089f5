import subprocess
import sys

from compare.cli import main


def test_data_fetch_is_idempotent(capsys, raw_data):
    assert main(["data", "fetch"]) == 0
    out = capsys.readouterr().out
    assert "already present and verified" in out and "0 copied" in out


def test_data_validate_prints_a_summary_per_city(capsys):
    assert main(["data", "validate", "helsinki-berlin"]) == 0
    out = capsys.readouterr().out
    for city in ("vantaa", "helsinki", "espoo", "berlin"):
        assert city in out
    assert "suppressed_cells" in out and "forecast areas" in out


def test_cli_errors_are_one_line_and_exit_2(capsys):
    assert main(["data", "validate", "atlantis"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "unknown network 'atlantis'" in err


def test_python_dash_m_compare_runs():
    out = subprocess.run([sys.executable, "-m", "compare", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "data" in out.stdout
