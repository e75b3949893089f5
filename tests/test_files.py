import pytest

from compare.errors import ConfigError
from compare.files import safe_join, slugify


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Vantaa", "vantaa"),
        ("Frankfurt am Main", "frankfurt-am-main"),
        ("Malmö", "malmo"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("  --x--  ", "x"),
        ("<script>", "script"),
    ],
)
def test_slugify_keeps_only_lowercase_ascii_letters_digits_and_dashes(text, expected):
    assert slugify(text) == expected


@pytest.mark.parametrize("text", ["", "..", "/", "../..", "!!!"])
def test_slugify_refuses_text_without_letters_or_digits(text):
    with pytest.raises(ConfigError, match="no letters or digits"):
        slugify(text)


def test_slugify_refuses_non_strings():
    with pytest.raises(ConfigError, match="not a string"):
        slugify(None)


def test_slugify_cuts_long_names_to_64_characters():
    assert len(slugify("x" * 500)) == 64


def test_safe_join_never_leaves_the_root(tmp_path):
    with pytest.raises(ConfigError):
        safe_join(tmp_path, "..")
    p = safe_join(tmp_path, "../../etc/passwd", suffix=".html")
    assert p == tmp_path / "etc-passwd.html"
    assert tmp_path.resolve() in p.resolve().parents


def test_safe_join_refuses_a_suffix_with_separators(tmp_path):
    with pytest.raises(ConfigError, match="suffix"):
        safe_join(tmp_path, "x", suffix="/../y")
