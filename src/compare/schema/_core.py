"""Shared parts of the config schema: safe YAML, located errors, pydantic base and small types."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from compare.errors import ConfigError

__all__ = [
    "PERIOD_PATTERN",
    "PERIOD_RE",
    "MAX_YAML_ALIASES",
    "MAX_YAML_NODES",
    "Location",
    "did_you_mean",
    "check_keys",
    "require_mapping",
    "load_yaml",
    "validate",
    "resolve_config_path",
    "Strict",
    "Period",
    "Crs",
    "StrList",
    "PeriodList",
    "describe",
]

#: The one period label pattern: ``YYYY``, ``YYYY-H1``/``YYYY-H2`` (half-years), ``YYYY-MM``.
PERIOD_PATTERN = r"^\d{4}(-H[12]|-\d{2})?$"
PERIOD_RE = re.compile(PERIOD_PATTERN)
#: Most aliases (``*name``) a YAML document may use.
MAX_YAML_ALIASES = 200
#: Most nodes a YAML document may expand to once aliases are followed ("billion laughs" bound).
MAX_YAML_NODES = 200_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ---------------------------------------------------------------------------------------------
# where a value sits, and the small checks the parsers share
# ---------------------------------------------------------------------------------------------
@dataclass
class Location:
    """Where a value sits: file and dotted key (plus the ids a cross reference may cite).

    Examples
    --------
    >>> loc = Location("p.yml").child("actions").child(0).child("id")
    >>> loc.key
    'actions[0].id'
    >>> str(loc.error("expected a slug, got 'A B'"))
    "p.yml: actions[0].id: expected a slug, got 'A B'"
    """

    file: object = None
    key: str = ""
    sources: Mapping[str, Any] = field(default_factory=dict)

    def child(self, key) -> Location:
        """The location of ``key`` (a mapping key or a list index) inside this one."""
        sep = "" if isinstance(key, int) or not self.key else "."
        k = f"[{key}]" if isinstance(key, int) else str(key)
        return Location(self.file, f"{self.key}{sep}{k}", self.sources)

    def error(self, message: str) -> ConfigError:
        """A :class:`ConfigError` at this location."""
        return ConfigError(message, file=self.file, key=self.key or None)


def did_you_mean(word: str, options) -> str:
    """``"; did you mean 'x'?"`` for the closest option, or ``""``.

    Examples
    --------
    >>> did_you_mean("sourcs", ["sources", "areas"])
    "; did you mean 'sources'?"
    """
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def require_mapping(value, loc: Location, what: str) -> Mapping:
    """Return ``value`` if it is a mapping, else raise a located error."""
    if not isinstance(value, Mapping):
        raise loc.error(f"expected a mapping ({what}), got {describe(value)}")
    return value


def check_keys(value: Mapping, allowed, loc: Location, required: tuple[str, ...] = ()) -> None:
    """Refuse unknown keys (with a "did you mean") and missing or empty required keys."""
    unknown = sorted(set(map(str, value)) - set(allowed))
    if unknown:
        u = unknown[0]
        raise loc.child(u).error(
            f"unknown key {u!r}{did_you_mean(u, allowed)} expected one of {sorted(allowed)}"
        )
    for key in required:
        if value.get(key) in (None, ""):
            raise loc.child(key).error(f"missing required key {key!r}")


def describe(value) -> str:
    if value is None:
        return "nothing (null)"
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(value).__name__} {text}"


# ---------------------------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------------------------
def _yaml_error(exc: yaml.YAMLError, path) -> ConfigError:
    """The one place where a PyYAML error becomes a located :class:`ConfigError`."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return ConfigError(f"malformed YAML{where}: {problem}", file=path)


def _check_nodes(root, path) -> None:
    """Bound the alias expansion of a composed document and refuse duplicate mapping keys."""
    sizes: dict[int, int] = {}
    aliases = 0
    seen: set[int] = set()

    def size(node) -> int:
        nonlocal aliases
        nid = id(node)
        if nid in sizes:
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise ConfigError(
                    f"more than {MAX_YAML_ALIASES} YAML aliases (*name); expected a plain config "
                    "(a document that expands aliases this often is refused)",
                    file=path,
                )
            return sizes[nid]
        sizes[nid] = 1  # guards against recursive aliases
        n = 1
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge" and nid not in seen:
                    if k.value in keys:
                        raise ConfigError(
                            f"duplicate key {k.value!r} at line {k.start_mark.line + 1} (first at line "
                            f"{keys[k.value]}); expected each key once (YAML would keep only the last)",
                            file=path,
                        )
                    keys[k.value] = k.start_mark.line + 1
                n += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                n += size(v)
        seen.add(nid)
        sizes[nid] = n
        if n > MAX_YAML_NODES:
            raise ConfigError(
                f"the YAML document expands to more than {MAX_YAML_NODES} values through aliases; "
                "expected a plain config (\"billion laughs\" documents are refused)",
                file=path,
            )
        return n

    size(root)


def load_yaml(path, text: str | None = None) -> Any:
    """Read a YAML file safely; raise :class:`ConfigError` naming the file (and line).

    The safe loader (libyaml's C loader when available) builds only plain data; aliases are
    bounded (:data:`MAX_YAML_ALIASES`, :data:`MAX_YAML_NODES`) and duplicate keys refused.

    Parameters
    ----------
    path : str or Path
    text : str, optional
        The document, if already read (``path`` then only names it in errors).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yml"
    >>> _ = p.write_text("a: &x [1, 2]\\nb: *x")
    >>> load_yaml(p)
    {'a': [1, 2], 'b': [1, 2]}
    >>> _ = p.write_text("a: 1\\na: 2")
    >>> load_yaml(p)
    Traceback (most recent call last):
    ...
    compare.errors.ConfigError: ...x.yml: duplicate key 'a' at line 2 (first at line 1); ...
    """
    path = Path(path)
    if text is None:
        if not path.is_file():
            raise ConfigError("file not found; expected a YAML file", file=path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"not UTF-8 text (byte {exc.start}); expected a YAML file saved as UTF-8", file=path
            ) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, path)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
    finally:
        loader.dispose()


def resolve_config_path(value: str | Path, config_file: str | Path | None, *, fallback: Path | None = None):
    """Resolve a path named in a config: absolute, else relative to the config file's folder.

    For configs under ``data/`` written before this rule, a relative path that does not exist
    beside the config but does exist under ``fallback`` (``data/``) is taken from there.

    Examples
    --------
    >>> resolve_config_path("a.csv", "/x/y/net.yml").as_posix()
    '/x/y/a.csv'
    """
    p = Path(value).expanduser()
    if p.is_absolute():
        return p
    base = Path(config_file).parent if config_file is not None else Path.cwd()
    cand = base / p
    if not cand.exists() and fallback is not None and (fallback / p).exists():
        return fallback / p
    return cand


# ---------------------------------------------------------------------------------------------
# pydantic -> located errors
# ---------------------------------------------------------------------------------------------
class Strict(BaseModel):
    """Base of every config model: unknown keys refused, values checked, not coerced loosely."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "missing": "this required key",
    "too_short": "a non-empty list",
    "string_too_short": "a non-empty string",
}


def _loc_key(loc: tuple, prefix: str = "") -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "union[", "list[", "str", "int")) or "[" in str(part):
            continue  # pydantic's internal union/validator tags
        else:
            out += ("." if out else "") + str(part)
    return out


def _error_message(err: dict, model: type[BaseModel] | None) -> str:
    typ = err["type"]
    got = err.get("input")
    if typ == "extra_forbidden":
        name = str(err["loc"][-1])
        allowed = sorted(_fields_at(model, err["loc"][:-1]) or [])
        hint = did_you_mean(name, allowed)
        return f"unknown key {name!r}{hint or ';'} expected one of {allowed}"
    if typ == "missing":
        return "missing required key"
    if typ == "value_error":
        return str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    if typ == "literal_error":
        exp = err.get("ctx", {}).get("expected", "")
        return f"expected one of {exp}, got {describe(got)}"
    if typ == "string_pattern_mismatch":
        return f"expected text matching {err['ctx']['pattern']}, got {describe(got)}"
    if typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {k: v for k, v in err.get("ctx", {}).items()}
        rel = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
        (b,) = bound.values()
        b = int(b) if isinstance(b, float) and b.is_integer() else b
        return f"expected a number {rel[typ]} {b}, got {describe(got)}"
    expected = _EXPECTED.get(typ, err["msg"].lower())
    return f"expected {expected}, got {describe(got)}"


def _fields_at(model, loc) -> list[str] | None:
    """Field names of the (sub)model at ``loc`` -- for the "did you mean" of an unknown key."""
    import typing

    cur = model
    for part in loc:
        if cur is None:
            return None
        if isinstance(part, int) or not (isinstance(cur, type) and issubclass(cur, BaseModel)):
            continue
        if part not in cur.model_fields:
            continue
        ann = cur.model_fields[part].annotation
        cur = _first_model(ann, typing)
    if isinstance(cur, type) and issubclass(cur, BaseModel):
        return [f.alias or n for n, f in cur.model_fields.items()]
    return None


def _first_model(ann, typing):
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in typing.get_args(ann):
        m = _first_model(a, typing)
        if m is not None:
            return m
    return None


def validate(model: type[BaseModel], data: Any, file=None, key: str = ""):
    """Validate ``data`` against a config model; raise the first error as a located ConfigError.

    Parameters
    ----------
    model : pydantic model class
    data : object
        The parsed YAML (or any plain data).
    file : str or Path, optional
        The config file, named in errors.
    key : str, optional
        Dotted key of ``data`` inside the file (prefix of every error's key).

    Examples
    --------
    >>> from compare.schema import GroupDefinitionConfig
    >>> validate(GroupDefinitionConfig, {"group": "a", "totl": "b"}, "net.yml", "group_definitions.x")
    Traceback (most recent call last):
    ...
    compare.errors.ConfigError: net.yml: group_definitions.x.totl: unknown key 'totl'; did you ...
    """
    if not isinstance(data, Mapping) and issubclass(model, BaseModel):
        raise ConfigError(f"expected a mapping, got {describe(data)}", file=file, key=key or None)
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # an unknown key first: a misspelt key explains the "missing" one
        err = sorted(errors, key=lambda e: e["type"] != "extra_forbidden")[0]
        where = _loc_key(err["loc"], key) or None
        raise ConfigError(_error_message(err, model), file=file, key=where) from None


# ---------------------------------------------------------------------------------------------
# small shared types
# ---------------------------------------------------------------------------------------------
_PERIOD_EXPECTED = "a period label 'YYYY', 'YYYY-H1'/'YYYY-H2' or 'YYYY-MM'"


def _check_period(v):
    if isinstance(v, int) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str) or not PERIOD_RE.match(v):
        raise ValueError(f"expected {_PERIOD_EXPECTED}, got {describe(v)}")
    return v


def _check_crs(v):
    if v is None:
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        v = f"EPSG:{v}"
    if not isinstance(v, str):
        raise ValueError(f"expected a CRS such as 'EPSG:3035', got {describe(v)}")
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(v)
    except CRSError:
        raise ValueError(f"expected a CRS PROJ knows (e.g. 'EPSG:3035'), got {v!r}") from None
    return v


def _str_list(v):
    """A list of strings; a bare string is refused (it would be read character by character)."""
    if isinstance(v, str):
        raise ValueError(f"expected a list, got str {v!r} (write [{v}])")
    return v


Period = Annotated[str, BeforeValidator(_check_period)]
Crs = Annotated[str, BeforeValidator(_check_crs)]
StrList = Annotated[list[str], BeforeValidator(_str_list)]
PeriodList = Annotated[list[Period], BeforeValidator(_str_list)]


