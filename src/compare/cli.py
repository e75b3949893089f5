"""Command line: ``python -m compare <command> ...``.

Each command group lives beside the code it drives and registers itself here:

- ``data`` (fetch, validate) -- :mod:`compare.sources.cli`
- ``indices`` -- :mod:`compare.indicators.cli`
- ``grid`` (centres, cells) -- :mod:`compare.sources.grid_cli`
- ``reports`` (run) -- :mod:`compare.reports.cli`
- ``schema`` (JSON Schema of a config kind) -- :mod:`compare.schema.cli`
- ``assess`` (questionnaire, import, example) -- :mod:`compare.governance.cli`
- ``networks``, ``variables`` (what a network can name) -- :mod:`compare.sources.list_cli`

The CLI holds no analysis logic; it parses arguments, calls the library and prints. Only the module
of the command being run is imported, so one command's dependencies never slow or break another.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from compare.errors import CompareError

__all__ = ["main", "build_parser", "COMMANDS"]

#: command name -> module providing ``register(subparsers)``
COMMANDS = {
    "data": "compare.sources.cli",
    "indices": "compare.indicators.cli",
    "grid": "compare.sources.grid_cli",
    "reports": "compare.reports.cli",
    "schema": "compare.schema.cli",
    "assess": "compare.governance.cli",
    "networks": "compare.sources.list_cli",
    "variables": "compare.sources.list_cli",
}
#: commands whose module registers them under another function name than ``register``
_REGISTER = {"networks": "register_networks", "variables": "register_variables"}


def build_parser(commands=None) -> argparse.ArgumentParser:
    """Return the argument parser with the given commands (all by default) registered."""
    parser = argparse.ArgumentParser(
        prog="python -m compare",
        description="Comparative research workbench for area-based urban governance. "
        f"Commands: {', '.join(COMMANDS)}.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in commands or COMMANDS:
        module = importlib.import_module(COMMANDS[name])
        getattr(module, _REGISTER.get(name, "register"))(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser([first] if first in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CompareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
