"""``python -m compare networks`` and ``python -m compare variables``: what a new user can name."""

from __future__ import annotations

import argparse

import pandas as pd

__all__ = ["register_networks", "register_variables"]


def _print(table: pd.DataFrame) -> None:
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 90):
        print(table.to_string(index=False))


def register_networks(subparsers) -> None:
    """Add ``networks``: the networks in ``data/networks/`` with their cities."""
    p = subparsers.add_parser("networks", help="list the networks (data/networks/*.yml) and their cities")
    p.set_defaults(func=_networks)


def register_variables(subparsers) -> None:
    """Add ``variables``: canonical variable names and the built-in group definitions."""
    p = subparsers.add_parser(
        "variables", help="list canonical variable names (who produces them) and the group definitions"
    )
    p.add_argument("--definitions", action="store_true", help="only the group definitions")
    p.set_defaults(func=_variables)


def _networks(args: argparse.Namespace) -> int:
    from compare.sources.listing import networks_table

    t = networks_table()
    for r in t.itertuples():
        if r.problem:
            print(f"{r.network}: INVALID: {r.problem}")
            continue
        lead = f", lead city {r.lead_city}" if r.lead_city else ""
        print(f"{r.network}: {r.title}\n    {r.cities} cities{lead}: {r.city_ids}")
    print("\nrun one: python -m compare reports run NETWORK   (or a path to your own network .yml)")
    return int(t["problem"].astype(bool).sum())


def _variables(args: argparse.Namespace) -> int:
    import compare.sources.importers  # noqa: F401  (registers every importer)
    from compare.sources.listing import group_definitions_table, variables_table

    if not args.definitions:
        print("canonical variables (map your file's columns to these in `variables:` of a generic source):")
        _print(variables_table())
        print()
    print("group definitions (name them in a city's `group_definitions:`; it needs the total and groups):")
    for r in group_definitions_table().itertuples():
        print(f"  {r.name}: {r.group} / {r.total}   (groups: {r.groups})\n      {r.label}")
    return 0
