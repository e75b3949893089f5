"""JSON Schema of every config kind, for editors (``python -m compare schema KIND``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from compare.errors import ConfigError
from compare.schema._core import did_you_mean
from compare.schema.network import SOURCE_SPECS, CityConfig, NetworkConfig

__all__ = ["CONFIG_KINDS", "json_schema"]


def _network_schema_model() -> type[BaseModel]:
    from typing import Union

    from pydantic import create_model

    src = [e["sources"] for e in SOURCE_SPECS.values() if e["sources"] is not None]
    ars = [e["areas"] for e in SOURCE_SPECS.values() if e["areas"] is not None]
    src_u = Union[tuple(dict.fromkeys(src))]  # noqa: UP007
    ars_u = Union[tuple(dict.fromkeys(ars))]  # noqa: UP007
    city = create_model(
        "City",
        __base__=CityConfig,
        sources=(list[src_u], Field(min_length=1)),
        areas=(ars_u | list[ars_u], ...),
    )
    return create_model("Network", __base__=NetworkConfig, cities=(dict[str, city], Field(min_length=1)))


def _kinds() -> dict[str, Any]:
    return {"network": _network_schema_model}


#: Config kinds :func:`json_schema` knows.
CONFIG_KINDS = tuple(_kinds())


def json_schema(kind: str) -> dict:
    """JSON Schema of a config kind (one of :data:`CONFIG_KINDS`), for editors checking YAML.

    Examples
    --------
    >>> sorted(json_schema("network")["properties"])[:3]
    ['cities', 'crs', 'description']
    """
    kinds = _kinds()
    if kind not in kinds:
        raise ConfigError(f"unknown config kind {kind!r}{did_you_mean(kind, kinds) or ';'} expected one of "
                          f"{list(CONFIG_KINDS)}")
    schema = kinds[kind]().model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
