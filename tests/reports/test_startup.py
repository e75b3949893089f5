"""The runner's processes defer rfc3987_syntax's grammar compilation without changing behaviour."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("rfc3987_syntax") is None, reason="rfc3987_syntax is not installed"
)

PROBE = r"""
import json, sys
from compare.reports._startup import defer_iri_grammar
installed = defer_iri_grammar()
import nbformat, jsonschema
after_import = "lark" in sys.modules
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
good = checker.conforms("https://example.org/ä?q=1", "iri")
bad = checker.conforms("not an iri", "iri")
print(json.dumps({
    "installed": installed,
    "again": defer_iri_grammar(),
    "lark_after_import": after_import,
    "lark_after_use": "lark" in sys.modules,
    "good": good,
    "bad": bad,
    "real_now": not hasattr(sys.modules["rfc3987_syntax"], "__compare_stand_in__"),
}))
"""


def _probe(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_nbformat_no_longer_compiles_the_iri_grammars():
    r = _probe(PROBE)
    assert r["installed"] is True
    assert r["again"] is False  # already in place: nothing to do
    assert r["lark_after_import"] is False


def test_iri_format_checking_is_unchanged_and_loads_the_real_module_on_first_use():
    r = _probe(PROBE)
    plain = _probe(
        "import json, jsonschema; c = jsonschema.Draft7Validator.FORMAT_CHECKER; "
        "print(json.dumps({'good': c.conforms('https://example.org/ä?q=1', 'iri'), "
        "'bad': c.conforms('not an iri', 'iri')}))"
    )
    assert (r["good"], r["bad"]) == (plain["good"], plain["bad"]) == (True, False)
    assert r["lark_after_use"] is True and r["real_now"] is True


def test_nothing_is_deferred_once_the_module_is_imported():
    r = _probe(
        "import json, rfc3987_syntax; from compare.reports._startup import defer_iri_grammar; "
        "print(json.dumps({'installed': defer_iri_grammar()}))"
    )
    assert r["installed"] is False
