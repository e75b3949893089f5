"""``python -m compare grid ...``: the urban centres of Europe and a city's 1 km cells.

::

    python -m compare grid centres [--country CC] -o centres.csv
    python -m compare grid cells (--at LON,LAT | --centre ID | --boundary FILE) -o cells.gpkg

``cells.gpkg`` has one 1 km square per cell with every count (empty where Eurostat flagged the
value confidential) and the keys ``city``, ``period``, ``area_id``; it feeds ``python -m compare
indices`` directly (e.g. ``--group born_abroad --total population_by_birth``) and the generic
importer of a network config (``id_column: area_id``).
"""

from __future__ import annotations

import argparse
import time

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``grid`` command group (``centres``, ``cells``).

    Examples
    --------
    >>> import argparse
    >>> sub = argparse.ArgumentParser().add_subparsers()
    >>> register(sub)
    >>> sorted(sub.choices)
    ['grid']
    """
    grid = subparsers.add_parser("grid", help="Census 2021 1 km grid: urban centres and a city's cells")
    sub = grid.add_subparsers(dest="grid_command", metavar="ACTION")
    sub.required = True
    c = sub.add_parser("centres", help="every urban centre (Degree of Urbanisation) of the grid -> CSV")
    c.add_argument("--country", default=None, help="only this country (ISO alpha-2, EL = Greece)")
    c.add_argument("-o", "--output", required=True, help="output CSV")
    c.set_defaults(func=_centres)
    k = sub.add_parser("cells", help="the 1 km cells of one city, with every count -> GeoPackage")
    how = k.add_mutually_exclusive_group(required=True)
    how.add_argument("--at", help="LON,LAT (WGS84): the urban centre containing this point")
    how.add_argument("--centre", help="urban-centre id (see `grid centres`), e.g. UC0028")
    how.add_argument("--boundary", help="polygon file: the cells whose centre lies inside")
    k.add_argument("--name", default=None, help="`city` column (default: centre id or file name)")
    k.add_argument("-o", "--output", required=True, help="output GeoPackage (.gpkg) or CSV")
    k.set_defaults(func=_cells)


def _centres(args: argparse.Namespace) -> int:
    from compare.files import check_output_path
    from compare.sources.grid_city import europe_centres

    check_output_path(args.output)
    t0 = time.perf_counter()
    uc, _ = europe_centres()
    tab = uc.centres
    if args.country:
        cc = args.country.upper()
        if cc not in set(tab["country"]):
            from compare.errors import ConfigError

            raise ConfigError(
                f"no urban centre in country {cc!r}; countries with centres: {sorted(set(tab['country']))}",
                key="--country",
            )
        tab = tab[tab["country"] == cc]
    tab.drop(columns=["x", "y"]).to_csv(args.output, index=False)
    print(
        f"grid centres: {len(tab)} urban centres, {tab['population'].sum():,.0f} inhabitants -> "
        f"{args.output} ({time.perf_counter() - t0:.1f} s)"
    )
    return 0


def _parse_point(text: str):
    from compare.errors import ConfigError

    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError:
        raise ConfigError(f"expected LON,LAT (two numbers), got {text!r}", key="--at") from None
    return lon, lat


def _cells(args: argparse.Namespace) -> int:
    from pathlib import Path

    from compare.files import check_output_path
    from compare.sources.census_grid import cell_polygons
    from compare.sources.grid_city import cells_in_boundary, cells_of_centre, centre_containing

    check_output_path(args.output)
    t0 = time.perf_counter()
    if args.boundary:
        cells, note = cells_in_boundary(args.boundary)
        name = args.name or Path(args.boundary).stem
    else:
        cid = args.centre or centre_containing(*_parse_point(args.at))
        cells, note = cells_of_centre(cid)
        name = args.name or cid
    g = cell_polygons(cells)
    g.insert(0, "city", name)
    g.insert(1, "period", "2021")
    g.insert(2, "area_id", g["cell_id"].astype(str))
    g = g.drop(columns=["cell_id"])
    out = Path(args.output)
    if out.suffix.lower() == ".csv":
        g.drop(columns="geometry").to_csv(out, index=False)
    else:
        g.to_file(out, driver="GPKG")
    print(
        f"grid cells: {len(g)} cells, {g['population'].sum():,.0f} inhabitants ({note}) -> {out} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    return 0
