"""Command line: ``python -m compare <command> ...``.

Each command group lives beside the code it drives and registers itself here:

- ``data`` (fetch, validate, summary) -- :mod:`compare.sources.cli`
- ``indices`` -- :mod:`compare.indicators.cli`
- ``reports`` (run) -- :mod:`compare.reports.cli`

The CLI holds no analysis logic; it parses arguments, calls the library and prints.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from compare.errors import CompareError

__all__ = ["main", "build_parser"]

#: modules that provide ``register(subparsers)``; a missing module is skipped so that
#: partial installs still offer the commands that exist.
_COMMAND_MODULES = ["compare.sources.cli", "compare.indicators.cli", "compare.reports.cli"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every available command registered."""
    parser = argparse.ArgumentParser(
        prog="python -m compare",
        description="Comparative research workbench for area-based urban governance.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CompareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
