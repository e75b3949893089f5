"""``python -m compare data ...``: fetch the open data, validate a network, print its summary."""

from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``data`` command group (``fetch``, ``list``, ``validate``) to the CLI."""
    data = subparsers.add_parser("data", help="fetch and validate open data")
    sub = data.add_subparsers(dest="data_command", metavar="ACTION")
    sub.required = True

    f = sub.add_parser("fetch", help="install every catalog file under data/raw, verified by sha256")
    f.add_argument(
        "--mirror",
        default="default",
        help="folder laid out like data/raw (default: ../shared/data if present)",
    )
    f.add_argument("--no-mirror", action="store_true", help="download from the recorded addresses only")
    f.add_argument("--dataset", action="append", help="only this data set id (repeatable)")
    f.add_argument("--dest", default=None, help="target folder (default data/raw)")
    f.set_defaults(func=_fetch)

    ls = sub.add_parser("list", help="list the catalog's data sets: publisher, licence, installed or not")
    ls.add_argument("--verify", action="store_true", help="check every installed file's sha256 (slow)")
    ls.set_defaults(func=_list)

    v = sub.add_parser("validate", help="import and check every city of a network; print a summary per city")
    v.add_argument("network", help="network name (data/networks/<name>.yml) or path to a YAML file")
    v.add_argument("--cities", nargs="+", default=None, help="only these cities")
    v.set_defaults(func=_validate)


def _fetch(args: argparse.Namespace) -> int:
    from compare.sources.catalog import fetch

    mirror = None if args.no_mirror else args.mirror
    t0 = time.perf_counter()
    res = fetch(args.dataset, mirror=mirror, dest=args.dest)
    print(f"data fetch: {res.summary()} ({time.perf_counter() - t0:.1f} s)")
    return 0


def _list(args: argparse.Namespace) -> int:
    from compare.sources.listing import datasets_table

    t = datasets_table(verify=args.verify)
    for r in t.itertuples():
        print(f"{r.dataset}: {r.state} ({r.installed} of {r.files} files)\n    {r.title}\n"
              f"    publisher: {r.publisher}\n    licence: {r.licence}")  # fmt: skip
    bad = t["state"].str.startswith(("wrong size", "checksum"))
    missing = t["state"].str.startswith("missing")
    if missing.any():
        print("\nmissing files: python -m compare data fetch [--dataset ID]")
    return int(bad.sum())


def _validate(args: argparse.Namespace) -> int:
    from compare.sources.network import load_network

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notes below say the same, once
        net = load_network(args.network, cities=args.cities)
    elapsed = time.perf_counter() - t0
    print(f"network {net.name}: {net.title}")
    print(
        f"{len(net.cities)} cities, {len(net.areas)} areas, {len(net.population):,} counts, "
        f"imported and validated in {elapsed:.1f} s\n"
    )
    table = net.summary()
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
        print(table.drop(columns=["group_definitions"]).to_string(index=False))
        print()
        print("group definitions per city:")
        for cid, city in net.cities.items():
            declared = ", ".join(city.group_definitions)
            if not declared:
                options = net.supported_definitions(cid)
                declared = (
                    f"NONE declared (reports need at least one); the data support {options}: add "
                    f"`group_definitions: [{', '.join(options)}]` under cities.{cid} in {net.path.name}"
                    if options
                    else "NONE declared, and no built-in definition fits the imported variables"
                )
            print(f"  {cid}: {declared}")
    notes = net.notes()
    if notes:
        print("\nwhat the import noticed:")
        for n in notes:
            print(f"  - {n}")
    print("\ndata sources:")
    for line in net.attribution():
        print(f"  - {line}")
    return 0
