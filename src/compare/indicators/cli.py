"""``python -m compare indices INPUT ...``: the tidy index panel of a wide table.

INPUT is a CSV, GeoPackage, GeoJSON or GeoParquet file with one row per area and one column
per group count; spatial indices need a geometry column. Example::

    python -m compare indices areas.gpkg --group foreigners --total population \\
        --groups nationals,foreigners --by city period --weights queen --ci -o panel.csv
"""

from __future__ import annotations

import argparse
import time

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``indices`` command to the workbench CLI.

    Examples
    --------
    >>> import argparse
    >>> sub = argparse.ArgumentParser().add_subparsers()
    >>> register(sub)
    >>> sorted(sub.choices)
    ['indices']
    """
    from compare.indicators.panel import INDICES

    p = subparsers.add_parser(
        "indices",
        help="segregation indices of a wide table (one row per area) -> tidy CSV",
        description=(
            "Compute city-level segregation indices for every combination of the --by "
            "columns. Areas with suppressed (empty) counts are dropped and counted in "
            "n_dropped; undefined values carry status=undefined and a note."
        ),
    )
    p.add_argument("input", nargs="?", help="CSV, GeoPackage, GeoJSON or GeoParquet; one row per area")
    p.add_argument("--list", action="store_true", help="list the indices (family, reference) and exit")
    p.add_argument("--group", help="column with the focus-group count (two-group indices)")
    p.add_argument("--total", help="column with the total population (two-group indices)")
    p.add_argument(
        "--groups",
        help="comma-separated partition columns (multigroup indices), e.g. a,b,c",
    )
    p.add_argument(
        "--by",
        nargs="+",
        default=None,
        help="key columns (default: city and period where present)",
    )
    p.add_argument(
        "--index",
        default=None,
        help=f"comma-separated index names (default: all the inputs allow): {', '.join(INDICES)}",
    )
    p.add_argument("--weights", default="queen", help="spatial weights: rook, queen or knn:K (default queen)")
    p.add_argument("--ci", action="store_true", help="add bootstrap 95%% intervals")
    p.add_argument("--n-boot", type=int, default=199, help="bootstrap replicates (default 199)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--min-areas", type=int, default=2, help="fewer usable areas -> undefined (default 2)")
    p.add_argument("--layer", default=None, help="layer of a multi-layer GeoPackage")
    p.add_argument(
        "--id",
        default=None,
        help="column with the area id (default: area_id where present); an id repeated within the "
        "--by keys is refused, never counted twice",
    )
    p.add_argument("-o", "--output", help="output CSV path (required unless --list)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Execute ``indices``: read, compute, write; return the exit code."""
    import geopandas as gpd

    from compare.errors import ConfigError, DataError
    from compare.files import check_output_path
    from compare.indicators.panel import panel_from_wide
    from compare.indicators.spatial import parse_weights
    from compare.model import require_columns
    from compare.sources.generic import read_table

    if args.list:
        from compare.indicators.registry import indices_table

        for r in indices_table().itertuples():
            extra = f"; parameters: {r.parameters}" if r.parameters else ""
            extra += "; analytic p-value" if r.p_value else ""
            print(f"{r.index:<22} {r.family:<10} {r.description.rstrip('.')}{extra}")
        return 0
    for name, value in (("INPUT", args.input), ("-o/--output", args.output)):
        if not value:
            raise ConfigError(f"{name} is required (or give --list to see the indices)", key=name)
    for name, value, low in (("--n-boot", args.n_boot, 1), ("--min-areas", args.min_areas, 1)):
        if value < low:
            raise ConfigError(f"{name} must be at least {low}, got {value}", key=name)
    check_output_path(args.output)
    t0 = time.perf_counter()
    parse_weights(args.weights)
    data = read_table(args.input, layer=args.layer)
    if len(data) == 0:
        raise DataError("no data rows (only a header); expected one row per area", file=args.input, row=2)
    if args.id is not None and args.id != "area_id":
        require_columns(data, [args.id], source=args.input, what="--id")
        if "area_id" in data.columns:
            raise ConfigError(
                f"the file has both {args.id!r} and an 'area_id' column; give --id area_id or rename one",
                file=args.input,
                key="--id",
            )
        data = data.rename(columns={args.id: "area_id"})
    groups = [g.strip() for g in args.groups.split(",") if g.strip()] if args.groups else None
    if args.group is None and groups is None:
        raise ConfigError("give --group and --total, or --groups (or both)", key="--group")
    by = args.by
    if by is None:
        by = [c for c in ("city", "period") if c in data.columns]
    require_columns(data, by, source=args.input, what="--by")
    if isinstance(data, gpd.GeoDataFrame) and data.crs is not None and data.crs.is_geographic:
        data = data.to_crs("EPSG:3035")
    panel = panel_from_wide(
        data,
        group=args.group,
        total=args.total,
        groups=groups,
        by=by,
        indices=args.index,
        weights=args.weights,
        ci=args.ci,
        n_boot=args.n_boot,
        seed=args.seed,
        min_areas=args.min_areas,
        group_definition=args.group or "groups",
        source=args.input,
    )
    panel.to_csv(args.output, index=False)
    n_undef = int((panel["status"] == "undefined").sum())
    print(
        f"indices: {len(panel)} rows ({panel['index'].nunique()} indices, "
        f"{len(panel.drop_duplicates(by)) if by else 1} key combinations, {n_undef} undefined) "
        f"-> {args.output} ({time.perf_counter() - t0:.1f} s)"
    )
    return 0
