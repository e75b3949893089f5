"""Malformed population tables read by the generic importer, through ``python -m compare data validate``."""

import pytest

from tests.hostile.conftest import assert_refused, network_config

H = "code,year,pop,foreign,nationals\n"
OK = "D1,2020,100,10,90\nD2,2020,200,50,150\nD3,2020,50,..,..\n"

# id, pop.csv bytes, overrides of the source entry, patterns the message must hold (file + location)
CASES = [
    ("empty-file", b"", {}, [r"pop\.csv: empty file"]),
    ("whitespace-only", b"  \n\n \n", {}, [r"pop\.csv: empty file"]),
    ("header-only", H.encode(), {}, [r"pop\.csv, row 2: no data rows"]),
    ("ragged-extra-field", (H + "D1,2020,100,10,90,7\n").encode(), {}, [r"pop\.csv, row 2: row has 6 fields; expected 5"]),
    ("ragged-short-row", (H + "D1,2020,100,10,90\nD2,2020,200\n").encode(), {}, [r"pop\.csv, row 3: row has 3 fields; expected 5"]),
    ("unbalanced-quote", (H + 'D1,2020,"100,10,90\nD2,2020,200,50,150\n').encode(), {}, [r"pop\.csv.*(row|line) \d"]),
    ("semicolon-decimal-comma", b"code;year;pop;foreign;nationals\nD1;2020;100,5;10;90\n", {},
     [r"pop\.csv, row 2 \(area D1\), column pop: value '100,5' is not a number"]),
    ("latin1-text", (H + "D1,2020,100,10,90\nD\xe42,2020,200,50,150\n").encode("latin-1"), {},
     [r"pop\.csv, row 3: not utf-8 text \(byte 0xe4 at line 3\)", r"encoding: latin-1"]),
    ("utf16-text", (H + OK).encode("utf-16"), {}, [r"pop\.csv, row 1: not utf-8 text"]),
    ("unknown-encoding", (H + OK).encode(), {"encoding": "klingon"}, [r"pop\.csv.*encoding: unknown encoding 'klingon'"]),
    ("bom-read-as-latin1", ("\ufeff" + H + OK).encode("utf-8"), {"encoding": "latin-1"},
     [r"pop\.csv, column code: missing mapped column 'code'"]),
    ("nul-bytes", b"\x00\x01\x02\xff\xfe" * 20, {}, [r"pop\.csv, row 1: not utf-8 text"]),
    ("duplicate-area-period", (H + OK + "D1,2020,100,10,90\n").encode(), {}, [r"pop\.csv.*D1", r"duplicate"]),
    ("inf-count", (H + "D1,2020,inf,10,90\n").encode(), {}, [r"pop\.csv, row 2 \(area D1\), column pop: count inf is not finite"]),
    ("minus-inf-count", (H + "D1,2020,100,-inf,90\n").encode(), {}, [r"pop\.csv, row 2 \(area D1\), column foreign: count -inf"]),
    ("overflow-count", (H + "D1,2020,1e400,10,90\n").encode(), {}, [r"pop\.csv, row 2 \(area D1\), column pop: count inf"]),
    ("nan-text", (H + "D1,2020,100,NaN,90\n").encode(), {}, [r"pop\.csv, row 2 \(area D1\), column foreign: value 'NaN' is not a number"]),
    ("NA-not-declared", (H + "D1,2020,100,10,NA\n").encode(), {}, [r"pop\.csv, row 2 \(area D1\), column nationals: value 'NA'", r"missing_values"]),
    ("n/a-not-declared", (H + "D1,2020,100,n/a,90\n").encode(), {}, [r"row 2 \(area D1\), column foreign: value 'n/a'"]),
    ("null-not-declared", (H + "D1,2020,null,10,90\n").encode(), {}, [r"row 2 \(area D1\), column pop: value 'null'"]),
    ("negative-count", (H + OK + "D4,2020,-1,0,0\n").encode(), {}, [r"pop\.csv, row 5 \(area D4\), column pop: count -1 is negative"]),
    ("text-count", (H + "D1,2020,hundred,10,90\n").encode(), {}, [r"row 2 \(area D1\), column pop: value 'hundred' is not a number"]),
    ("thousands-separator", b'code,year,pop,foreign,nationals\nD1,2020,"1,200",10,90\n', {},
     [r"row 2 \(area D1\), column pop: value '1,200' is not a number"]),
    ("empty-area-id", (H + "D1,2020,100,10,90\n,2020,200,50,150\n").encode(), {}, [r"pop\.csv, row 3, column code: empty area id"]),
    ("bad-period", (H + "D1,2020,100,10,90\nD2,20x0,200,50,150\n").encode(), {}, [r"pop\.csv, row 3, column year: period '20x0'"]),
    ("mistyped-column", (H + OK).encode(), {"variables": {"population": "popp", "foreigners": "foreign", "nationals": "nationals"}},
     [r"pop\.csv, column popp: missing mapped column 'popp'", r"'pop'"]),
    ("missing-id-column", (H + OK).encode(), {"id_column": "district"}, [r"pop\.csv, column district: missing mapped column 'district'"]),
    ("missing-period-column", (H + OK).encode(), {"period_column": "vuosi"}, [r"pop\.csv, column vuosi: missing period column"]),
    ("group-larger-than-total", (H + "D1,2020,100,150,90\nD2,2020,200,50,150\nD3,2020,50,5,45\n").encode(), {},
     [r"net\.yml: cities\.mycity\.sources, row D1, column foreigners: group 'foreigners' \(150\) is larger"]),
    ("long-layout-nothing-mapped", b"code,variable,year,n\nD1,pop_total,2020,5\n",
     {"layout": "long", "variable_column": "variable", "count_column": "n"}, [r"pop\.csv, column variable: no row has a mapped variable"]),
    ("long-layout-duplicate-rows", b"code,variable,year,n\nD1,pop,2020,5\nD1,pop,2020,6\n",
     {"layout": "long", "variable_column": "variable", "count_column": "n", "variables": {"population": "pop"}},
     [r"pop\.csv.*D1", r"duplicate"]),
    ("derived-unknown-part", (H + OK).encode(), {"derived": {"labour_force": "employed + unemployed"}},
     [r"pop\.csv.*derived\.labour_force.*'employed'"]),
    ("derived-not-a-sum", (H + OK).encode(), {"derived": {"natives": "pop - foreign"}}, [r"derived\.natives.*expected a sum"]),
    ("unsupported-file-type", None, {"path": "pop.xlsx"}, [r"pop\.xlsx: unsupported file type '\.xlsx'"]),
    ("file-not-found", None, {"path": "no/such/pop.csv"}, [r"no/such/pop\.csv", r"not found"]),
]


@pytest.mark.parametrize("content, source, patterns", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_population_table_is_refused_naming_file_and_row(own_city, cli, content, source, patterns):
    if content is not None:
        (own_city.folder / "pop.csv").write_bytes(content)
    if source.get("path") == "pop.xlsx":
        (own_city.folder / "pop.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    net = own_city(network_config(source=source))
    assert_refused(cli("data", "validate", net), *patterns)


def test_the_same_table_with_semicolons_and_a_bom_imports_the_same_counts(own_city, cli):
    """Not an error: Excel's 'CSV UTF-8' with semicolons is read exactly like the comma file."""
    from compare.sources import load_network

    plain = load_network(own_city(network_config())).population
    (own_city.folder / "pop.csv").write_bytes(("\ufeff" + (H + OK).replace(",", ";")).encode("utf-8"))
    excel = load_network(own_city(network_config(), name="net2.yml")).population
    key = ["area_id", "period", "variable"]
    a, b = plain.sort_values(key).reset_index(drop=True), excel.sort_values(key).reset_index(drop=True)
    assert a[key + ["count"]].equals(b[key + ["count"]])
