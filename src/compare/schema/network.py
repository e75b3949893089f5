"""Network config schema (``data/networks/*.yml``) and the registry of importers' source specs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from compare.errors import ConfigError
from compare.schema._core import (
    Crs,
    Period,
    PeriodList,
    Strict,
    StrList,
    describe,
    did_you_mean,
    load_yaml,
    validate,
)

__all__ = [
    "GroupDefinitionConfig",
    "CityConfig",
    "NetworkConfig",
    "SOURCE_SPECS",
    "register_source_spec",
    "source_spec",
    "read_network",
    "PaavoPxwebSource",
    "Paavo2019Source",
    "BerlinLorSource",
    "GenericSource",
    "PostalAreasAreas",
    "BerlinLorAreas",
    "GenericAreas",
]


class GroupDefinitionConfig(Strict):
    """A group definition declared in a network file (``group_definitions.<name>``)."""

    group: str
    total: str
    groups: StrList = []
    label: str = ""


class _SourceBase(Strict):
    dataset: str | None = Field(None, description="catalog data set id (data/catalog.yml)")
    file: str | None = Field(None, description="file within the catalog data set")
    path: str | None = Field(None, description="file path, relative to the network file's folder (or data/)")
    vintage: str | None = None
    note: str = ""


class PaavoPxwebSource(_SourceBase):
    """``importer: paavo_pxweb`` -- Statistics Finland Paavo PxWeb CSV exports."""

    importer: Literal["paavo_pxweb"]
    municipality: str


class Paavo2019Source(_SourceBase):
    """``importer: paavo_2019`` -- the Paavo 2019 attribute table (DBF)."""

    importer: Literal["paavo_2019"]
    municipality: str


class BerlinLorSource(_SourceBase):
    """``importer: berlin_lor`` -- Berlin LOR population tables."""

    importer: Literal["berlin_lor"]
    tables: StrList = ["t1"]


class GenericSource(_SourceBase):
    """``importer: generic`` -- any CSV / GeoPackage / GeoJSON / GeoParquet table of counts."""

    importer: Literal["generic"]
    id_column: str
    variables: dict[str, str]
    period: Period | None = None
    period_column: str | None = None
    missing_values: StrList = ["", "..", "."]
    layer: str | None = None


class PostalAreasAreas(_SourceBase):
    """``importer: postal_areas`` / ``paavo_2019`` areas -- Paavo postal-code polygons."""

    importer: Literal["postal_areas", "paavo_2019"]
    id_column: str = "posti_alue"
    name_column: str | None = None
    crs: Crs | None = None
    municipality: str | None = None
    municipality_dataset: str | None = None
    area_level: str = "postal_area"


class BerlinLorAreas(_SourceBase):
    """``importer: berlin_lor`` areas -- LOR planning / forecast areas."""

    importer: Literal["berlin_lor"]


class GenericAreas(_SourceBase):
    """``importer: generic`` areas -- polygons with an id column."""

    importer: Literal["generic"]
    id_column: str
    name_column: str | None = None
    crs: Crs | None = None
    layer: str | None = None
    area_level: str = "area"


#: importer name -> {"sources": model or None, "areas": model or None}
SOURCE_SPECS: dict[str, dict[str, type[BaseModel] | None]] = {}


def register_source_spec(
    importer: str,
    *,
    sources: type[BaseModel] | None = None,
    areas: type[BaseModel] | None = None,
) -> None:
    """Declare the config keys an importer reads in ``sources:`` and/or ``areas:`` entries.

    Adding an importer means one call here (or in the importer's module); the network schema,
    its JSON Schema and the error messages ask this registry.

    Parameters
    ----------
    importer : str
        The name written as ``importer:`` in a network file.
    sources, areas : pydantic model class, optional
        The model of a population-source entry / an areas entry (subclass :class:`Strict`).

    Examples
    --------
    >>> class MySource(Strict):
    ...     importer: Literal["mine"]
    ...     path: str
    >>> register_source_spec("mine", sources=MySource)
    >>> source_spec("mine", "sources") is MySource
    True
    >>> _ = SOURCE_SPECS.pop("mine")
    """
    entry = SOURCE_SPECS.setdefault(importer, {"sources": None, "areas": None})
    if sources is not None:
        entry["sources"] = sources
    if areas is not None:
        entry["areas"] = areas


def source_spec(importer: str, part: str) -> type[BaseModel] | None:
    """The registered model of ``importer`` for ``part`` (``"sources"`` or ``"areas"``)."""
    return SOURCE_SPECS.get(importer, {}).get(part)


register_source_spec("paavo_pxweb", sources=PaavoPxwebSource)
register_source_spec("paavo_2019", sources=Paavo2019Source, areas=PostalAreasAreas)
register_source_spec("berlin_lor", sources=BerlinLorSource, areas=BerlinLorAreas)
register_source_spec("postal_areas", areas=PostalAreasAreas)
register_source_spec("generic", sources=GenericSource, areas=GenericAreas)


class CityConfig(Strict):
    """One city of a network (``cities.<id>``); ``sources``/``areas`` entries are checked per importer."""

    name: str
    country: str = ""
    national_crs: Crs | None = None
    governance_profile: str | None = Field(
        None, description="profile YAML, relative to the network file's folder (or data/)"
    )
    periods: PeriodList | None = None
    group_definitions: StrList = []
    sources: list[dict[str, Any]] = Field(min_length=1)
    areas: dict[str, Any] | list[dict[str, Any]]
    notes: str | list[str] = ""
    role: str = ""


class NetworkConfig(Strict):
    """A comparison network file (``data/networks/<name>.yml``)."""

    name: str | None = None
    title: str | None = None
    description: str = ""
    lead_city: str | None = None
    crs: Crs = "EPSG:3035"
    min_population: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    cities: dict[str, CityConfig] = Field(min_length=1)
    group_definitions: dict[str, GroupDefinitionConfig] = {}
    notes: str | list[str] = ""

    @field_validator("min_population", mode="before")
    @classmethod
    def _number(cls, v):
        if isinstance(v, (bool, str)):
            raise ValueError(f"expected a number of residents, got {describe(v)}")
        return v


def _validate_spec(spec, part: str, file, key: str) -> BaseModel:
    if not isinstance(spec, Mapping) or "importer" not in spec:
        raise ConfigError(f"expected a mapping with an `importer`, got {describe(spec)}", file=file, key=key)
    imp = spec["importer"]
    known = sorted(n for n, e in SOURCE_SPECS.items() if e[part] is not None)
    model = source_spec(str(imp), part)
    if model is None:
        other = "areas" if part == "sources" else "population sources"
        extra = (
            f" (it reads {other} only);" if str(imp) in SOURCE_SPECS else did_you_mean(str(imp), known) or ";"
        )
        raise ConfigError(
            f"unknown importer {imp!r} for {part}{extra} expected one of {known}",
            file=file,
            key=f"{key}.importer",
        )
    return validate(model, spec, file, key)


def read_network(path: str | Path, data: Any = None) -> tuple[NetworkConfig, dict]:
    """Load and validate a network file; return ``(model, plain config dict)``.

    The plain dict is the YAML as written (with ``cities.*.sources`` / ``areas`` entries
    normalised by their importer's spec: defaults filled in, nothing else changed) -- what the
    loader and the cache key read.

    Raises
    ------
    ConfigError
        ``file: key.path: expected ..., got ...`` for the first problem.
    """
    path = Path(path)
    data = load_yaml(path) if data is None else data
    if not isinstance(data, Mapping):
        raise ConfigError(f"expected a mapping at the top level, got {describe(data)}", file=path)
    model = validate(NetworkConfig, data, path)
    for cid, city in model.cities.items():
        base = f"cities.{cid}"
        for i, s in enumerate(city.sources):
            _validate_spec(s, "sources", path, f"{base}.sources[{i}]")
        areas = city.areas if isinstance(city.areas, list) else [city.areas]
        for i, s in enumerate(areas):
            k = f"{base}.areas" + (f"[{i}]" if isinstance(city.areas, list) else "")
            _validate_spec(s, "areas", path, k)
    if model.lead_city is not None and model.lead_city not in model.cities:
        raise ConfigError(
            f"expected one of the cities {sorted(model.cities)}, got {model.lead_city!r}"
            f"{did_you_mean(model.lead_city, model.cities)}",
            file=path,
            key="lead_city",
        )
    return model, dict(data)


