"""Hostile command lines: outputs that cannot be written (refused before computing), malformed ``indices``
inputs, impossible flags, and stored self-assessment responses."""

import os
import shutil
from pathlib import Path

import pytest

from compare.errors import DataError
from tests.hostile.conftest import assert_refused

ROOT = Path(__file__).resolve().parents[2]
TABLE = "code,city,pop,foreign\nA,x,100,10\nB,x,200,50\nC,x,50,5\nD,y,80,20\nE,y,60,30\n"


@pytest.fixture
def table(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(TABLE)
    return p


def _read_only_folder(tmp_path) -> Path:
    """A folder no new file can be created in: a chmod 555 folder, or for root (who ignores permission
    bits) the kernel's /sys, where nobody can create files."""
    if os.geteuid() == 0:
        return Path("/sys")
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o555)
    return ro


# ---- outputs: refused before anything is computed ---------------------------------------------------------

# id, argv (OUT stands for the output path), the output path under tmp_path ("RO" = a read-only folder),
# patterns of the message
OUTPUT_CASES = [
    ("indices-missing-folder", ["indices", "TABLE", "--group", "foreign", "--total", "pop", "-o", "OUT"], "no/such/out.csv",
     [r"-o/--output: the folder .*no/such does not exist"]),
    ("indices-read-only-folder", ["indices", "TABLE", "--group", "foreign", "--total", "pop", "-o", "OUT"], "RO/out.csv",
     [r"-o/--output: the folder .* is not writable"]),
    ("indices-output-is-a-folder", ["indices", "TABLE", "--group", "foreign", "--total", "pop", "-o", "OUT"], ".",
     [r"-o/--output: .* is a folder; expected the name of the output file"]),
    ("questionnaire-missing-folder", ["assess", "questionnaire", "vantaa", "-o", "OUT"], "missing/q.xlsx",
     [r"-o/--output: the folder .*missing does not exist"]),
    ("questionnaire-read-only-folder", ["assess", "questionnaire", "vantaa", "-o", "OUT"], "RO/q.html",
     [r"-o/--output: the folder .* is not writable"]),
    ("grid-centres-missing-folder", ["grid", "centres", "--country", "FI", "-o", "OUT"], "typo/centres.csv",
     [r"-o/--output: the folder .*typo does not exist"]),
    ("grid-cells-missing-folder", ["grid", "cells", "--centre", "UC0028", "-o", "OUT"], "typo/cells.gpkg",
     [r"-o/--output: the folder .*typo does not exist"]),
    ("grid-cells-read-only-folder", ["grid", "cells", "--centre", "UC0028", "-o", "OUT"], "RO/cells.gpkg",
     [r"-o/--output: the folder .* is not writable"]),
    ("reports-output-missing-parent", ["reports", "run", "helsinki-berlin", "--output", "OUT"], "no/such/reports",
     [r"--output: the folder .*no/such does not exist"]),
    ("reports-output-is-a-file", ["reports", "run", "helsinki-berlin", "--output", "OUT"], "FILE",
     [r"--output: .* is a file; expected a folder"]),
    ("assess-import-output-missing-parent", ["assess", "import", "form.xlsx", "--round", "r1", "--output", "OUT"], "no/such/responses",
     [r"--output: the folder .*no/such does not exist"]),
]


@pytest.mark.parametrize("argv, out, patterns", [c[1:] for c in OUTPUT_CASES], ids=[c[0] for c in OUTPUT_CASES])
def test_an_output_that_cannot_be_written_is_refused_before_computing(tmp_path, table, cli, monkeypatch, argv, out, patterns):
    if out.startswith("RO/"):
        target = _read_only_folder(tmp_path) / out[3:]
    elif out == "FILE":
        target = tmp_path / "a-file"
        target.write_text("x")
    else:
        target = tmp_path / out
    import importlib

    computed = []
    for mod, fn in (("compare.indicators.panel", "panel_from_wide"), ("compare.reports.plan", "run_network"),
                    ("compare.governance.questionnaire", "questionnaire"), ("compare.sources.grid_city", "europe_centres"),
                    ("compare.sources.grid_city", "cells_of_centre"), ("compare.governance.responses", "import_responses")):
        monkeypatch.setattr(importlib.import_module(mod), fn, lambda *a, _fn=fn, **k: computed.append(_fn))
    args = [str(target) if a == "OUT" else str(table) if a == "TABLE" else a for a in argv]
    assert_refused(cli(*args), *patterns)
    assert computed == [], f"computed {computed} before refusing the output"
    assert not (tmp_path / "no").exists() and not (tmp_path / "typo").exists() and not (tmp_path / "missing").exists()


def test_the_output_check_can_pass(tmp_path, table, cli):
    out = tmp_path / "panel.csv"
    rc, stdout, err = cli("indices", table, "--group", "foreign", "--total", "pop", "-o", out)
    assert rc == 0 and out.is_file() and "indices:" in stdout, err


# ---- indices: malformed inputs and flags -------------------------------------------------------------------

# id, the input file's bytes (None: the shared table), extra argv, patterns
INDICES_CASES = [
    ("empty-input", b"", [], [r"t\.csv: empty file"]),
    ("header-only-input", b"code,city,pop,foreign\n", [], [r"t\.csv, row 2: no data rows"]),
    ("ragged-input", b"code,city,pop,foreign\nA,x,100,10\nB,x,200\n", [], [r"t\.csv, row 3: row has 3 fields; expected 4"]),
    ("duplicate-area-ids", (TABLE + "A,x,100,10\n").encode(), ["--by", "city", "--id", "code"],
     [r"t\.csv, row A, column area_id: duplicate area id\(s\) \['A'\]", r"counted twice"]),
    ("id-column-missing", None, ["--id", "district"], [r"t\.csv, column district: missing --id column 'district'"]),
    ("inf-count", b"code,city,pop,foreign\nA,x,inf,10\nB,x,200,50\n", [], [r"t\.csv, row 2.*column pop: count inf is not finite"]),
    ("negative-count", b"code,city,pop,foreign\nA,x,100,-10\nB,x,200,50\n", [], [r"t\.csv, row 2.*column foreign: count -10 is negative"]),
    ("group-column-missing", None, ["--by", "city"], [r"t\.csv, column foreigners: column 'foreigners' not found", r"closest: \['foreign'\]"]),
    ("by-column-missing", None, ["--by", "town"], [r"t\.csv, column town: missing --by column 'town'"]),
    ("unknown-index", None, ["--index", "dissimilarity,no_such_index"], [r"error: index: unknown index name\(s\) \['no_such_index'\]"]),
    ("unknown-weights", None, ["--weights", "hexagon"], [r"error: weights: unknown spatial weights 'hexagon'"]),
    ("knn-zero", None, ["--weights", "knn:0"], [r"error: weights: unknown spatial weights 'knn:0'.*K >= 1"]),
    ("n-boot-zero", None, ["--n-boot", "0", "--ci"], [r"--n-boot: --n-boot must be at least 1, got 0"]),
    ("min-areas-zero", None, ["--min-areas", "0"], [r"--min-areas: --min-areas must be at least 1"]),
    ("input-missing", "MISSING", [], [r"nothere\.csv: file not found"]),
    ("input-is-excel", "XLSX", [], [r"t\.xlsx: unsupported file type '\.xlsx'"]),
]


@pytest.mark.parametrize("content, extra, patterns", [c[1:] for c in INDICES_CASES], ids=[c[0] for c in INDICES_CASES])
def test_malformed_indices_input_is_refused_naming_file_and_row(tmp_path, table, cli, content, extra, patterns):
    src = table
    if content == "MISSING":
        src = tmp_path / "nothere.csv"
    elif content == "XLSX":
        src = tmp_path / "t.xlsx"
        src.write_bytes(b"PK\x03\x04")
    elif content is not None:
        table.write_bytes(content)
    group = ["--group", "foreigners"] if "'foreigners'" in str(patterns) else ["--group", "foreign"]
    argv = ["indices", src, *group, "--total", "pop", *extra, "-o", tmp_path / "out.csv"]
    assert_refused(cli(*argv), *patterns)
    assert not (tmp_path / "out.csv").exists()


def test_indices_with_a_bom_keeps_the_cities_apart(tmp_path, table, cli):
    """Not an error: the first column of a BOM file is still `city` (it used to pool the cities)."""
    import pandas as pd

    table.write_bytes(("\ufeff" + TABLE.replace("code,city", "city,code").replace("A,x", "x,A").replace("B,x", "x,B")
                       .replace("C,x", "x,C").replace("D,y", "y,D").replace("E,y", "y,E")).encode("utf-8"))
    rc, _, err = cli("indices", table, "--group", "foreign", "--total", "pop", "--by", "city", "--index", "dissimilarity",
                     "-o", tmp_path / "o.csv")
    assert rc == 0, err
    assert sorted(pd.read_csv(tmp_path / "o.csv")["city"]) == ["x", "y"]


# ---- other commands: impossible flags and names ------------------------------------------------------------

FLAG_CASES = [
    ("reports-jobs-zero", ["reports", "run", "helsinki-berlin", "--jobs", "0"], [r"argument --jobs/-j: .* from 1 to 256, got 0"]),
    ("reports-timeout-negative", ["reports", "run", "helsinki-berlin", "--timeout", "-5"], [r"argument --timeout: .* got -5"]),
    ("reports-unknown-city", ["reports", "run", "helsinki-berlin", "--cities", "oslo"], [r"helsinki-berlin\.yml: cities: unknown city 'oslo'"]),
    ("fetch-unknown-dataset", ["data", "fetch", "--dataset", "no-such-data", "--no-mirror"], [r"catalog\.yml: datasets: unknown data set 'no-such-data'"]),
    ("schema-unknown-kind", ["schema", "netwrok"], [r"argument kind: invalid choice: 'netwrok'"]),
    ("questionnaire-unknown-city", ["assess", "questionnaire", "atlantis", "-o", "q.xlsx"], [r"city: unknown city 'atlantis'"]),
    ("grid-cells-bad-point", ["grid", "cells", "--at", "60.2;25.0", "-o", "c.gpkg"], [r"--at: expected LON,LAT \(two numbers\), got '60\.2;25\.0'"]),
]


@pytest.mark.parametrize("argv, patterns", [c[1:] for c in FLAG_CASES], ids=[c[0] for c in FLAG_CASES])
def test_impossible_flags_are_refused_naming_the_flag(tmp_path, cli, monkeypatch, argv, patterns):
    monkeypatch.chdir(tmp_path)
    rc, _out, err = cli(*argv)
    assert "Traceback" not in err
    assert rc == 2, err
    for pat in patterns:
        assert __import__("re").search(pat, err), (pat, err)


# ---- stored self-assessment responses ----------------------------------------------------------------------


def _responses(tmp_path, edit):
    d = tmp_path / "self-assessment"
    shutil.copytree(ROOT / "data" / "self-assessment" / "vantaa", d / "vantaa")
    p = d / "vantaa" / "baseline.csv"
    lines = p.read_text().splitlines()
    p.write_text("\n".join(edit(lines)) + "\n")
    return d


RESPONSE_CASES = [
    ("ragged-row", lambda ls: ls[:2] + [ls[2].rsplit(",", 3)[0]] + ls[3:], r"baseline\.csv, row 3"),
    ("score-is-text", lambda ls: ls[:2] + [ls[2].replace(",3.0,False,", ",high,False,")] + ls[3:], r"baseline\.csv, row 3, column score: score 'high' is not a number"),
    ("score-out-of-scale", lambda ls: ls[:2] + [ls[2].replace(",3.0,False,", ",7.0,False,")] + ls[3:], r"baseline\.csv, row 3"),
    ("unknown-criterion", lambda ls: ls[:2] + [ls[2].replace(",aligned_goals,", ",charisma,")] + ls[3:], r"baseline\.csv, row 3"),
]


@pytest.mark.parametrize("edit, pattern", [c[1:] for c in RESPONSE_CASES], ids=[c[0] for c in RESPONSE_CASES])
def test_malformed_stored_responses_are_refused_naming_file_and_row(tmp_path, edit, pattern):
    from compare.governance import load_responses, load_rubric

    d = _responses(tmp_path, edit)
    with pytest.raises(DataError, match=pattern):
        load_responses(d, cities=["vantaa"], rubric=load_rubric())
