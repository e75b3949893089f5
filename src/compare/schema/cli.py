"""``python -m compare schema KIND``: print (or write) the JSON Schema of a config kind."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``schema`` command to the CLI."""
    from compare.schema import CONFIG_KINDS

    p = subparsers.add_parser(
        "schema",
        help="JSON Schema of a config file kind, for editors (e.g. VS Code's YAML extension)",
    )
    p.add_argument("kind", choices=CONFIG_KINDS, help="which config")
    p.add_argument("-o", "--output", default=None, help="write to this file instead of standard output")
    p.set_defaults(func=_schema)


def _schema(args: argparse.Namespace) -> int:
    import compare.sources.importers  # noqa: F401 - every importer registers its source spec on import
    from compare.schema import json_schema

    text = json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        from compare.errors import ConfigError

        out = Path(args.output)
        if not out.parent.is_dir():
            raise ConfigError("output folder does not exist; expected an existing folder", file=out.parent)
        out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
