import pytest

from compare.errors import ConfigError
from compare.governance.evidence import Source, _Ctx, parse_claim, parse_sources


def test_citation_reads_publisher_year_title_url():
    s = Source("x", "Title", "URBACT", 2018, "https://archive.urbact.eu/node/9605")
    assert s.citation() == "URBACT (2018). Title. https://archive.urbact.eu/node/9605"


def test_bare_value_is_an_unsupported_low_confidence_claim():
    c = parse_claim("stage", "pilot", _Ctx("f.yml", "claims.stage"))
    assert (c.value, c.confidence, c.supported) == ("pilot", "low", False)


def test_claim_with_quote_is_supported_and_keeps_the_quote():
    sources = parse_sources({"s": {"title": "T"}})
    c = parse_claim(
        "mandate",
        {"value": "v", "confidence": "High", "evidence": [{"source": "s", "quote": "q"}]},
        _Ctx("f.yml", "claims.mandate", sources),
    )
    assert c.supported and c.confidence == "high"
    assert c.evidence[0].text() == '"q" [s]'


def test_unknown_confidence_level_is_rejected():
    expected = r"expected a confidence level \['low', 'medium', 'high'\], got str 'sure'"
    with pytest.raises(ConfigError, match=expected) as e:
        parse_claim("m", {"value": 1, "confidence": "sure"}, _Ctx("f.yml", "claims.m"))
    assert e.value.key == "claims.m.confidence"


def test_source_without_title_is_rejected():
    with pytest.raises(ConfigError, match="missing required key 'title'") as e:
        parse_sources({"s": {"publisher": "P"}}, file="f.yml")
    assert e.value.key == "sources.s.title"
