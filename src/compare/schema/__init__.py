"""One schema for every configuration file: safe YAML, pydantic models, located errors.

Every config the workbench reads -- network (``data/networks/*.yml``), governance profile, rubric,
practice catalogue, transfers, report parameters -- is loaded with :func:`load_yaml` and checked
against a pydantic model here before anything runs. Every failure is a
:class:`~compare.errors.ConfigError` that reads ``file: key.path: expected ..., got ...``; an
unknown key is refused with a "did you mean".

- :func:`load_yaml` -- safe loader (libyaml's C loader when available), bounded alias expansion
  ("billion laughs"), duplicate keys refused, YAML syntax errors located in one place.
- :func:`validate` -- pydantic model + raw data -> validated model, or a located ConfigError.
- :func:`register_source_spec` / :func:`source_spec` -- each importer declares the keys of its
  ``sources:`` / ``areas:`` entries in one place; the network schema asks this registry.
- :func:`read_network` -- load + validate a network file (every importer entry by its spec).
- :class:`Location` -- file + dotted key of a value, for the semantic checks parsers do after
  the schema (cross references such as "evidence cites a declared source").
- :func:`json_schema` -- JSON Schema of a config kind (``python -m compare schema network``).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "net.yml"
>>> _ = p.write_text("cities: {a: {name: A, sources: 5, areas: {importer: generic, path: a.gpkg, "
...                  "id_column: id}}}")
>>> try:
...     read_network(p)
... except ConfigError as e:
...     print(str(e).split(": ", 1)[1])
cities.a.sources: expected a list, got int 5
"""

from compare.errors import ConfigError
from compare.schema._core import (
    MAX_YAML_ALIASES,
    MAX_YAML_NODES,
    PERIOD_PATTERN,
    PERIOD_RE,
    Crs,
    Location,
    Period,
    PeriodList,
    Strict,
    StrList,
    check_keys,
    describe,
    did_you_mean,
    load_yaml,
    require_mapping,
    resolve_config_path,
    validate,
)
from compare.schema._json import CONFIG_KINDS, json_schema
from compare.schema.network import (
    SOURCE_SPECS,
    CityConfig,
    GroupDefinitionConfig,
    NetworkConfig,
    read_network,
    register_source_spec,
    source_spec,
)

__all__ = [
    "CONFIG_KINDS",
    "ConfigError",
    "CityConfig",
    "Crs",
    "GroupDefinitionConfig",
    "Location",
    "MAX_YAML_ALIASES",
    "MAX_YAML_NODES",
    "NetworkConfig",
    "PERIOD_PATTERN",
    "PERIOD_RE",
    "Period",
    "PeriodList",
    "SOURCE_SPECS",
    "Strict",
    "StrList",
    "check_keys",
    "describe",
    "did_you_mean",
    "json_schema",
    "load_yaml",
    "read_network",
    "register_source_spec",
    "require_mapping",
    "resolve_config_path",
    "source_spec",
    "validate",
]
