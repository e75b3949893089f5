"""Helpers of the hostile-input suite: a user's own city (generic importer) and the CLI run in-process.

Every case writes one malformed input into a fresh folder, runs the command a user would run
(``python -m compare ...`` through :func:`compare.cli.main`) or calls the importer, and asserts the
exit code (or exception type) and that the message names the location: the file and the row, column
or key.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
import yaml

POP_CSV = "code,year,pop,foreign,nationals\nD1,2020,100,10,90\nD2,2020,200,50,150\nD3,2020,50,..,..\n"


def write_areas(folder: Path, name: str = "districts.gpkg", **kw) -> Path:
    import geopandas as gpd
    from shapely.geometry import box

    g = gpd.GeoDataFrame(
        {"code": kw.get("ids", ["D1", "D2", "D3"]), "name": ["North", "Centre", "South"][: len(kw.get("ids", "abc"))]},
        geometry=kw.get("geometry", [box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2000, 0, 3000, 1000)]),
        crs=kw.get("crs", "EPSG:2180"),
    )
    p = folder / name
    g.to_file(p, **({"layer": kw["layer"]} if "layer" in kw else {}))
    return p


def network_config(**overrides) -> dict:
    """The config of a one-city network read with the generic importer; ``overrides`` per section."""
    source = {
        "importer": "generic",
        "path": "pop.csv",
        "id_column": "code",
        "period_column": "year",
        "variables": {"population": "pop", "foreigners": "foreign", "nationals": "nationals"},
    }
    areas = {"importer": "generic", "path": "districts.gpkg", "id_column": "code", "name_column": "name"}
    source.update(overrides.pop("source", {}))
    areas.update(overrides.pop("areas", {}))
    for section, drop in (("source", source), ("areas", areas)):
        for key in overrides.pop(f"drop_{section}", ()):
            drop.pop(key)
    city = {"name": "My City", "sources": [source], "areas": areas, "group_definitions": ["foreigners"]}
    city.update(overrides.pop("city", {}))
    cfg = {"name": "mine", "cities": {"mycity": city}}
    cfg.update(overrides)
    return cfg


@pytest.fixture
def own_city(tmp_path):
    """A folder with districts.gpkg, pop.csv and a writer for net.yml."""
    write_areas(tmp_path)
    (tmp_path / "pop.csv").write_text(POP_CSV)

    def write(cfg: dict | str | bytes | None = None, name: str = "net.yml") -> Path:
        p = tmp_path / name
        if isinstance(cfg, bytes):
            p.write_bytes(cfg)
        elif isinstance(cfg, str):
            p.write_text(cfg)
        else:
            p.write_text(yaml.safe_dump(cfg if cfg is not None else network_config(), sort_keys=False))
        return p

    write.folder = tmp_path
    return write


@pytest.fixture
def cli(capsys):
    """Run ``python -m compare ARGS`` in this process; return (exit code, stdout, stderr)."""
    from compare.cli import main

    def run(*argv) -> tuple[int, str, str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                code = main([str(a) for a in argv])
            except SystemExit as exc:  # argparse refusals
                code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def assert_refused(result, *patterns: str, code: int = 2) -> str:
    """Exit code ``code``, no traceback, and every regex pattern found in stderr."""
    rc, _out, err = result
    assert "Traceback" not in err, err
    assert rc == code, f"exit code {rc}, expected {code}; stderr: {err}"
    for pat in patterns:
        assert re.search(pat, err), f"{pat!r} not in the message: {err}"
    return err
