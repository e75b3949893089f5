"""``python -m compare reports run`` refuses impossible flags before planning anything."""

from __future__ import annotations

import pytest

from compare.cli import main


@pytest.mark.parametrize(
    "flag, value, message",
    [
        ("--jobs", "0", "--jobs/-j: expected a whole number of parallel reports from 1 to 256, got 0"),
        ("--jobs", "-2", "from 1 to 256, got -2"),
        ("--jobs", "two", "expected a whole number of parallel reports, got 'two'"),
        ("--jobs", "100000", "from 1 to 256, got 100000"),
        ("--timeout", "-5", "--timeout: expected a per-cell timeout in seconds from 1.0 to 86400.0, got -5"),
        ("--timeout", "0", "got 0"),
        ("--timeout", "nan", "got nan"),
        ("--timeout", "inf", "got inf"),
    ],
)
def test_impossible_jobs_and_timeout_are_refused_with_the_bounds(capsys, flag, value, message):
    with pytest.raises(SystemExit) as exc:
        main(["reports", "run", "no-such-network", flag, value])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
