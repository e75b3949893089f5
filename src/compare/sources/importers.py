"""The registry of importers: one small class per data source, asked by the loader, cache and plan.

Modelled on papermill's ``engines.py`` (a registry in front of a small base class): an importer
declares

- the config keys of its ``sources:`` / ``areas:`` entries (pydantic models, registered with
  :func:`compare.schema.register_source_spec` by :func:`register`),
- :meth:`Importer.files`: every file an entry reads (the network cache key and the report plan's
  fingerprints ask this, so a report can never stay "cached" after one of its inputs changed),
- :meth:`Importer.read_population` and :meth:`Importer.read_areas`.

Adding a source means writing one class and calling :func:`register`; nothing else dispatches on
importer names. This module imports no heavy library at import time (the report plan uses it).

Examples
--------
>>> sorted(IMPORTER_REGISTRY)[:3]
['berlin_lor', 'census_grid', 'generic']
>>> get_importer("census_grid").reads_areas
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator

from compare.errors import ConfigError
from compare.schema import register_source_spec, resolve_config_path
from compare.schema._core import Crs
from compare.schema.network import (
    BerlinLorAreas,
    BerlinLorSource,
    GenericAreas,
    GenericSource,
    Paavo2019Source,
    PaavoPxwebSource,
    PostalAreasAreas,
    _SourceBase,
)

__all__ = ["Importer", "IMPORTER_REGISTRY", "register", "get_importer", "spec_files"]


class Importer:
    """Base class of an importer. Subclasses set ``name`` and the spec models and override readers.

    ``res`` in the readers is the network loader's resolver (``res.file``, ``res.dataset_folder``,
    ``res.record``, ``res.raw``, ``res.cfg_path``); ``cache`` is shared by the cities of one load.
    """

    name: str = ""
    sources_spec: type | None = None
    areas_spec: type | None = None

    @property
    def reads_population(self) -> bool:
        """Whether the importer reads ``sources:`` entries."""
        return self.sources_spec is not None

    @property
    def reads_areas(self) -> bool:
        """Whether the importer reads ``areas:`` entries."""
        return self.areas_spec is not None

    def files(self, spec: dict, catalog, raw: Path, cfg_path: Path | None) -> dict[str, Path]:
        """Every file an entry reads: ``label -> path`` (default: its ``path`` or whole data set)."""
        from compare.paths import data_dir

        if spec.get("path"):
            return {f"path:{spec['path']}": resolve_config_path(spec["path"], cfg_path, fallback=data_dir())}
        if not spec.get("dataset") or spec["dataset"] not in catalog.datasets:
            return {}  # an unknown data set is refused, located, by the loader
        ds = catalog[spec["dataset"]]
        return {f"{ds.id}:{f.path}": Path(raw) / f.path for f in ds.files}

    def read_population(self, cid: str, spec: dict, key: str, res, report, cache: dict, areas=None):
        """``(long population table, vintage or None)`` of one ``sources:`` entry."""
        raise ConfigError(f"importer {self.name!r} does not read population", file=res.cfg_path, key=key)

    def read_areas(self, cid: str, spec: dict, key: str, res, report, cache: dict):
        """GeoDataFrame ``area_id, area_name, area_level, vintage, geometry`` of one ``areas:`` entry."""
        raise ConfigError(f"importer {self.name!r} does not read areas", file=res.cfg_path, key=key)

    def check_network(self, city_areas: dict, reports: dict, cfg: dict) -> None:
        """Checks across the cities of a network that use this importer (default: none)."""

    def variables(self) -> list[str]:
        """Canonical variable names this importer produces (for ``python -m compare variables``)."""
        return []


#: importer name -> Importer instance
IMPORTER_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Register an importer (and its config spec models with :mod:`compare.schema`)."""
    if not importer.name:
        raise ValueError("an importer needs a name")
    IMPORTER_REGISTRY[importer.name] = importer
    register_source_spec(importer.name, sources=importer.sources_spec, areas=importer.areas_spec)
    return importer


def get_importer(name: str) -> Importer:
    """The registered importer called ``name`` (``ConfigError`` naming the known ones otherwise)."""
    try:
        return IMPORTER_REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"unknown importer {name!r}; expected one of {sorted(IMPORTER_REGISTRY)}", key="importer"
        ) from None


def spec_files(city_cfg: dict, catalog, raw: Path, cfg_path: Path | None) -> dict[str, Path]:
    """Every data file one city's ``sources`` and ``areas`` entries read (the importers say which)."""
    areas = city_cfg["areas"] if isinstance(city_cfg["areas"], list) else [city_cfg["areas"]]
    files: dict[str, Path] = {}
    for spec in list(city_cfg.get("sources") or []) + list(areas):
        files.update(get_importer(spec["importer"]).files(spec, catalog, raw, cfg_path))
    return files


# --------------------------------------------------------------------------------------------
# Statistics Finland Paavo


class PaavoPxwebImporter(Importer):
    """Paavo PxWeb CSV exports 2012-2017 (:func:`compare.sources.paavo.read_pxweb_dir`)."""

    name = "paavo_pxweb"

    def variables(self):
        from compare.sources.paavo import PXWEB_VARIABLES

        # other PxWeb count columns are named <theme prefix>_<label>, e.g. age_20_24
        return sorted({*PXWEB_VARIABLES.values(), "labour_force"})
    sources_spec = PaavoPxwebSource

    def read_population(self, cid, spec, key, res, report, cache, areas=None):
        from compare.model import ImportReport
        from compare.sources import paavo

        folder = res.dataset_folder(spec, key, "paavo_raw")
        lookup = res.dataset_folder(spec, key) / "zip_municipality.tsv"
        muni = spec.get("municipality")
        if not muni:
            raise ConfigError(
                "missing `municipality` (Finnish name)", file=res.cfg_path, key=f"{key}.municipality"
            )
        ck = ("pxweb", str(folder))
        if ck not in cache:
            cache[ck] = paavo.read_pxweb_dir(folder, lookup=lookup, report=ImportReport("paavo"))
        df = cache[ck]
        known = set(df["municipality"].unique())
        if muni not in known:
            raise ConfigError(
                f"municipality {muni!r} not in the Paavo data; e.g. {sorted(known)[:8]}...",
                file=res.cfg_path,
                key=f"{key}.municipality",
            )
        df = df[df["municipality"] == muni]
        report.suppressed += int(df["count"].isna().sum())
        if df.loc[df["variable"] == "labour_force", "period"].isin(["2016"]).any():
            report.notes.append(
                "Paavo 2016 activity table publishes no labour force; it is employed + unemployed"
            )
        res.record(cid, spec, key, sorted(folder.glob("*.csv")) + [lookup])
        return df.drop(columns="municipality"), "paavo-pxweb"


def _municipality_dataset(spec: dict) -> str | None:
    """Data set whose postal-code -> municipality table an area spec also reads, if any."""
    if spec.get("importer") in ("postal_areas", "paavo_2019") and spec.get("municipality"):
        return spec.get("municipality_dataset") or "paavo-2019"
    return None


class PostalAreasImporter(Importer):
    """Paavo postal-code polygons, optionally one municipality's (as the Paavo 2019 table assigns them)."""

    name = "postal_areas"
    areas_spec = PostalAreasAreas

    def files(self, spec, catalog, raw, cfg_path):
        files = super().files(spec, catalog, raw, cfg_path)
        muni = _municipality_dataset(spec)
        if muni:
            files.update(super().files({"dataset": muni}, catalog, raw, cfg_path))
        return files

    def read_areas(self, cid, spec, key, res, report, cache):
        from compare.sources import paavo

        path = res.file(spec, key)
        g = paavo.read_postal_areas(
            path,
            id_column=spec.get("id_column", "posti_alue"),
            name_column=spec.get("name_column"),
            crs=spec.get("crs"),
        )
        muni_dataset = _municipality_dataset(spec)
        if muni_dataset:
            table = res.file({"dataset": muni_dataset}, key, "pno_tilasto_2019.dbf")
            lookup = paavo.postal_code_municipalities(table)
            g = g[g["area_id"].map(lookup).eq(spec["municipality"])]
            if g.empty:
                raise ConfigError(
                    f"no postal area of municipality {spec['municipality']!r} in the geometry file",
                    file=res.cfg_path,
                    key=f"{key}.municipality",
                )
            res.record(cid, {"dataset": muni_dataset}, key, [table])
        g["area_level"] = spec.get("area_level", "postal_area")
        g["vintage"] = spec.get("vintage", "postal-areas")
        res.record(cid, spec, key, [path])
        return g


class Paavo2019Importer(PostalAreasImporter):
    """The Paavo 2019 attribute table (population) and its postal areas."""

    name = "paavo_2019"

    def variables(self):
        from compare.sources.paavo import PAAVO_2019_VARIABLES

        return sorted({v for v, _ in PAAVO_2019_VARIABLES.values()} | {"labour_force"})
    sources_spec = Paavo2019Source
    areas_spec = PostalAreasAreas

    def read_population(self, cid, spec, key, res, report, cache, areas=None):
        from compare.sources import paavo

        path = res.file(spec, key, "pno_tilasto_2019.dbf")
        df = paavo.read_paavo_2019(path, municipalities=[spec["municipality"]], report=report)
        res.record(cid, spec, key, [path])
        return df.drop(columns="municipality"), "paavo-2019"


# --------------------------------------------------------------------------------------------
# Berlin LOR


class BerlinLorImporter(Importer):
    """Berlin LOR population tables and planning / forecast area geometry."""

    name = "berlin_lor"

    def variables(self):
        from compare.sources.berlin import LOR_VARIABLES

        return sorted({v for table in LOR_VARIABLES.values() for v in table.values() if v})
    sources_spec = BerlinLorSource
    areas_spec = BerlinLorAreas

    def read_population(self, cid, spec, key, res, report, cache, areas=None):
        from compare.sources import berlin

        folder = res.dataset_folder(spec, key)
        df = berlin.read_lor_population(folder, tables=spec.get("tables", ["t1"]), report=report)
        res.record(cid, spec, key, sorted(folder.glob("*.csv")))
        return df, None

    def read_areas(self, cid, spec, key, res, report, cache):
        from compare.sources import berlin

        folder = res.dataset_folder(spec, key)
        plr = folder / "berlin-lor-planning-areas-until-2020.geojson"
        pgr = folder / "berlin-lor-forecast-areas-from-2021.geojson"
        districts = folder / "berlin-lor-districts.geojson"
        res.record(cid, spec, key, [plr, pgr, districts])
        return berlin.read_lor_areas(plr, pgr, districts=districts, report=report)


# --------------------------------------------------------------------------------------------
# Generic (the user's own files)


class GenericImporter(Importer):
    """Any CSV / GeoPackage / GeoJSON / GeoParquet with a column mapping (:mod:`compare.sources.generic`)."""

    name = "generic"
    sources_spec = GenericSource
    areas_spec = GenericAreas

    def read_population(self, cid, spec, key, res, report, cache, areas=None):
        from compare.sources import generic

        path = res.file(spec, key)
        if "id_column" not in spec or "variables" not in spec:
            raise ConfigError("generic source needs `id_column` and `variables`", file=res.cfg_path, key=key)
        variables = spec["variables"]
        if isinstance(variables, list):  # the file already uses the canonical names
            variables = {v: v for v in variables}
        df = generic.read_generic_population(
            path,
            id_column=spec["id_column"],
            variables=variables,
            period=spec.get("period"),
            period_column=spec.get("period_column"),
            missing_values=spec.get("missing_values", ("", "..", ".")),
            layer=spec.get("layer"),
            report=report,
            layout=spec.get("layout", "wide"),
            variable_column=spec.get("variable_column"),
            count_column=spec.get("count_column"),
            derived=spec.get("derived"),
            encoding=spec.get("encoding", "utf-8"),
        )
        res.record(cid, spec, key, [path])
        return df, None

    def read_areas(self, cid, spec, key, res, report, cache):
        from compare.sources import generic

        path = res.file(spec, key)
        if "id_column" not in spec:
            raise ConfigError("generic areas need `id_column`", file=res.cfg_path, key=f"{key}.id_column")
        g = generic.read_generic_areas(
            path, spec["id_column"], spec.get("name_column"), spec.get("crs"), spec.get("layer")
        )
        g["area_level"] = spec.get("area_level", "area")
        g["vintage"] = spec.get("vintage", "generic")
        res.record(cid, spec, key, [path])
        return g


# --------------------------------------------------------------------------------------------
# Eurostat Census 2021 1 km grid


GRID_DATASET = "europe-census-2021-grid"


class CensusGridSource(_SourceBase):
    """``importer: census_grid`` population: every count of the city's grid cells (2021)."""

    importer: Literal["census_grid"]


class CensusGridAreas(_SourceBase):
    """``importer: census_grid`` areas: which 1 km cells are the city (exactly one way).

    ``lon`` + ``lat``: the urban centre containing the point; ``centre``: an urban-centre id;
    ``boundary``: a polygon file (cells assigned by their centre); ``within``: the areas entry of
    another importer (e.g. a municipality's Paavo postal areas), dissolved. ``part_of`` names the
    larger city whose urban centre a municipality belongs to (said in the report).
    """

    importer: Literal["census_grid"]
    lon: float | None = None
    lat: float | None = None
    centre: str | None = None
    boundary: str | None = None
    crs: Crs | None = None
    within: dict[str, Any] | None = None
    part_of: str | None = None

    @model_validator(mode="after")
    def _one_way(self):
        ways = [
            self.lon is not None or self.lat is not None,
            self.centre is not None,
            self.boundary is not None,
            self.within is not None,
        ]
        if sum(ways) != 1:
            raise ValueError("expected exactly one of `lon` + `lat`, `centre`, `boundary` or `within`")
        if ways[0] and (self.lon is None or self.lat is None):
            raise ValueError("expected both `lon` and `lat`")
        if ways[0] and not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90):
            raise ValueError(f"expected a WGS84 longitude, latitude; got ({self.lon}, {self.lat})")
        return self


class CensusGridImporter(Importer):
    """Eurostat Census 2021 1 km grid (:mod:`compare.sources.census_grid`), cells of one city."""

    name = "census_grid"

    def variables(self):
        from compare.sources.census_grid import GRID_DERIVED, GRID_VARIABLES

        return sorted({*GRID_VARIABLES.values(), *GRID_DERIVED})
    sources_spec = CensusGridSource
    areas_spec = CensusGridAreas

    def files(self, spec, catalog, raw, cfg_path):
        files = super().files({"dataset": spec.get("dataset") or GRID_DATASET}, catalog, raw, cfg_path)
        if spec.get("boundary"):
            from compare.paths import data_dir

            b = spec["boundary"]
            files[f"path:{b}"] = resolve_config_path(b, cfg_path, fallback=data_dir())
        if spec.get("within"):
            inner = spec["within"]
            files.update(get_importer(inner["importer"]).files(inner, catalog, raw, cfg_path))
        return files

    def read_areas(self, cid, spec, key, res, report, cache):
        from compare.sources import census_grid as cg
        from compare.sources import grid_city

        ds_spec = {"dataset": spec.get("dataset") or GRID_DATASET}
        res.dataset_folder(ds_spec, key)  # fetched and checked against the catalog
        raw = res.raw
        if spec.get("lon") is not None:
            centre = grid_city.centre_containing(float(spec["lon"]), float(spec["lat"]), raw=raw)
            cells, desc = grid_city.cells_of_centre(centre, raw=raw)
            how = f"the urban centre containing ({spec['lon']}, {spec['lat']}): {desc}"
        elif spec.get("centre"):
            cells, desc = grid_city.cells_of_centre(spec["centre"], raw=raw)
            how = desc
        elif spec.get("boundary"):
            path = res.file({"path": spec["boundary"]}, f"{key}.boundary")
            cells, desc = grid_city.cells_in_boundary(path, raw=raw, crs=spec.get("crs"))
            how = desc
            res.record(cid, {"path": spec["boundary"]}, key, [path])
        else:
            inner = spec["within"]
            imp = get_importer(inner["importer"])
            if not imp.reads_areas or imp.name == self.name:
                raise ConfigError(
                    f"`within` needs the areas entry of another importer, got {inner['importer']!r}",
                    file=res.cfg_path,
                    key=f"{key}.within.importer",
                )
            from compare.model import ImportReport

            g = imp.read_areas(cid, inner, f"{key}.within", res, ImportReport(cid), cache)
            cells, desc = grid_city.cells_in_boundary(g[["geometry"]], raw=raw)
            levels = ", ".join(sorted(g["area_level"].unique())) if "area_level" in g else "areas"
            how = f"the {len(g)} {imp.name} areas ({levels.replace('_', ' ')}), dissolved: {desc}"
        uc = cells["centre_id"] if "centre_id" in cells.columns else None
        cells = cells.drop(columns=[c for c in ("centre_id",) if c in cells.columns])
        cache[("census_grid", cid)] = cells
        report.notes.append(f"grid cells: {how}; cells assigned by their centre")
        if spec.get("lon") is not None or spec.get("centre"):
            report.notes.append(
                "the figures describe the urban centre (Degree of Urbanisation, computed from the grid), "
                "not the municipality"
                + (
                    f": {spec.get('part_of')} is the larger city of this urban centre, of which "
                    f"{cid.replace('-', ' ').title()} is one municipality"
                    if spec.get("part_of")
                    else ""
                )
            )
        elif uc is not None:
            share = grid_city.centre_share(cells.assign(centre_id=uc.to_numpy()))
            main = share[share["centre_id"] != "outside"].sort_values("population", ascending=False)
            if len(main):
                top = main.iloc[0]
                report.notes.append(
                    f"{top['share']:.0%} of the residents of these cells live in urban centre "
                    f"{top['centre_id']}; "
                    f"{share.loc[share['centre_id'] == 'outside', 'share'].sum():.0%} outside any "
                    "urban centre"
                )
                cache[("census_grid_centre", cid)] = str(top["centre_id"])
        if spec.get("lon") is not None or spec.get("centre"):
            cache[("census_grid_centre", cid)] = spec.get("centre") or centre
        areas = cg.cell_polygons(cells)[["cell_id", "geometry"]].rename(columns={"cell_id": "area_id"})
        areas["area_id"] = areas["area_id"].astype(str)
        areas.insert(1, "area_name", "")
        areas.insert(2, "area_level", "grid_1km")
        areas.insert(3, "vintage", cg.GRID_VINTAGE)
        tiles = sorted(Path(grid_city.grid_folder(raw)).glob("*/*.parquet"))
        res.record(cid, ds_spec, key, tiles)
        return areas

    def read_population(self, cid, spec, key, res, report, cache, areas=None):
        from compare.sources import census_grid as cg

        cells = cache.get(("census_grid", cid))
        if cells is None:
            raise ConfigError(
                "a census_grid source needs census_grid areas in the same city (they say which cells)",
                file=res.cfg_path,
                key=key,
            )
        cells, masked = cg.mask_sparse(cells)
        for r in masked.itertuples():
            report.notes.append(
                f"{r.variable} is missing (confidential or not published) for {r.missing_share:.0%} of the "
                "residents' cells, so it is treated as not published for the whole city: the group "
                "definitions that use it are undefined here (France, Germany and Switzerland publish no "
                "employed persons on the grid)"
            )
        cache[("census_grid", cid)] = cells
        conf = cg.confidential_counts(cells)
        report.suppressed += int(conf["confidential"].sum())
        flagged = conf[conf["confidential"] > 0]
        if len(flagged):
            parts = ", ".join(
                f"{r.variable} {r.confidential} ({r.share:.0%})"
                for r in flagged.itertuples()
                if r.share >= 0.01
            )
            report.notes.append(
                f"confidential or unpublished grid values (missing, never 0) among {len(cells)} cells: "
                + (parts or "fewer than 1% of the cells for every variable")
            )
        heavy = flagged[flagged["share"] >= 0.2]
        for r in heavy.itertuples():
            report.notes.append(
                f"{r.share:.0%} of the cells have a confidential {r.variable} count: those cells are left "
                "out of every index of a group that uses it, so the index describes only the cells where "
                "Eurostat published the count (mostly cells where the group is numerous enough); read it "
                "as indicative, and do not rank this city against others on it"
            )
        cache[("census_grid_confidential", cid)] = conf
        df = cg.grid_population(cells)
        return df, cg.GRID_VINTAGE

    def check_network(self, city_areas, reports, cfg):
        ids = {
            cid: frozenset(a.loc[a["area_level"] == "grid_1km", "area_id"])
            for cid, a in city_areas.items()
        }
        ids = {c: s for c, s in ids.items() if s}
        names = list(ids)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                common = len(ids[a] & ids[b])
                if not common:
                    continue
                same = ids[a] == ids[b]
                msg = (
                    f"{a} and {b} get the same {len(ids[a])} grid cells (one urban centre): give each "
                    "its own boundary (`boundary:` or `within:`) to tell them apart"
                    if same
                    else f"{a} and {b} share {common} grid cells; their figures are not independent"
                )
                for c in (a, b):
                    reports[c][0].notes.append(msg)


for _imp in (
    PaavoPxwebImporter(),
    Paavo2019Importer(),
    BerlinLorImporter(),
    PostalAreasImporter(),
    GenericImporter(),
    CensusGridImporter(),
):
    register(_imp)
