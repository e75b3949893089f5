"""``python -m compare assess ...``: self-assessment forms, import of filled forms, example responses.

- ``assess questionnaire CITY [--rubric FILE] [--format xlsx|html] -o FILE``
- ``assess import FILES... --round NAME [--rubric FILE] [--skip-invalid] [--replace] [--dry-run]``
- ``assess example NETWORK [--seed N] [-o FOLDER]`` (fictitious example raters, labelled as such)
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "cmd_questionnaire", "cmd_import", "cmd_example"]


def cmd_questionnaire(args: argparse.Namespace) -> int:
    """Write the questionnaire form of a city.

    Examples
    --------
    >>> from compare.cli import main
    >>> main(["assess", "questionnaire", "vantaa", "-o", str(tmp / "vantaa.html")])
    questionnaire of Vantaa (14 questions, rubric area-governance-v1 ...): .../vantaa.html
    0
    """
    from pathlib import Path

    from compare.errors import ConfigError
    from compare.files import check_output_path
    from compare.governance.questionnaire import questionnaire, write_questionnaire
    from compare.governance.responses import known_cities

    cities = known_cities()
    if args.city not in cities:
        raise ConfigError(f"unknown city {args.city!r}; known cities: {sorted(cities)}", key="city")
    name = _city_name(args.city)
    out = Path(args.output)
    fmt = args.format or (out.suffix.lstrip(".").lower() or "xlsx")
    if not out.suffix:
        out = out.with_suffix("." + fmt)
    check_output_path(out)
    q = questionnaire(args.city, args.rubric, city_name=name)
    write_questionnaire(q, out, fmt)
    print(
        f"questionnaire of {name} ({len(q.questions)} questions, rubric {q.rubric_id} "
        f"{q.rubric_version}): {out}"
    )
    return 0


def _city_name(city: str) -> str:
    """Display name of a city from the network files (else the id, capitalised)."""
    from compare.errors import ConfigError
    from compare.governance._io import read_yaml
    from compare.paths import data_dir

    for f in sorted((data_dir() / "networks").glob("*.y*ml")):
        try:
            net = read_yaml(f)
        except ConfigError:
            continue
        c = (
            net.get("cities", {}).get(city)
            if isinstance(net, dict) and isinstance(net.get("cities"), dict)
            else None
        )
        if isinstance(c, dict) and c.get("name"):
            return str(c["name"])
    return city.replace("-", " ").title()


def cmd_import(args: argparse.Namespace) -> int:
    """Import filled forms into ``data/self-assessment``; return 1 when a file was invalid."""
    from compare.files import check_output_path
    from compare.governance.responses import import_responses

    if args.output is not None and not args.dry_run:
        check_output_path(args.output, option="--output", folder=True)
    res = import_responses(
        args.files,
        args.round,
        rubric=args.rubric,
        skip_invalid=args.skip_invalid,
        write=not args.dry_run,
        directory=args.output,
        replace=args.replace,
    )
    print(res.report())
    return 0 if res.ok else 1


def cmd_example(args: argparse.Namespace) -> int:
    """Write the fictitious example responses of a network (labelled as such)."""
    import pandas as pd

    from compare.errors import DataError
    from compare.governance.examples import EXAMPLE_NOTE, example_responses
    from compare.governance.responses import load_responses, write_responses

    t = example_responses(args.network, seed=args.seed)
    stored = load_responses(args.output, cities=sorted(set(t["city"])), validate=False)
    keys = set(zip(t["city"], t["round"], strict=True))
    in_plan = pd.Series(
        [k in keys for k in zip(stored["city"], stored["round"], strict=True)], index=stored.index
    )
    real = stored[in_plan & ~stored["example"].astype(bool)]
    if len(real):
        c, r = real["city"].iloc[0], real["round"].iloc[0]
        raise DataError(
            f"round {r!r} of {c!r} holds real (non-example) responses; the example would overwrite them. "
            "Write the examples elsewhere with -o FOLDER",
            file=f"{c}/{r}.csv",
        )
    paths = write_responses(t, args.output, replace=True)
    print(EXAMPLE_NOTE)
    for p in paths:
        print(f"written  {p}")
    return 0


def register(subparsers) -> None:
    """Add the ``assess`` command (questionnaire, import, example) to the CLI."""
    p = subparsers.add_parser("assess", help="self-assessment by a city's local group: forms and responses")
    sub = p.add_subparsers(dest="assess_command", metavar="SUBCOMMAND")
    sub.required = True
    q = sub.add_parser(
        "questionnaire",
        help="write the questionnaire form of a city (xlsx or offline html)",
        description="One question per rubric criterion, levels 0-4 in words, don't know, comment, evidence.",
    )
    q.add_argument("city", help="city id (e.g. vantaa)")
    q.add_argument(
        "--rubric", default=None, help="rubric file (default: data/rubrics/area-governance-v1.yml)"
    )
    q.add_argument("--format", choices=["xlsx", "html"], default=None, help="default: from the output suffix")
    q.add_argument("-o", "--output", required=True, help="output file (.xlsx or .html)")
    q.set_defaults(func=cmd_questionnaire)
    i = sub.add_parser(
        "import",
        help="validate filled forms and store them as one round",
        description=(
            "Read filled xlsx forms and the .json files saved by the html form, validate them (criterion, "
            "score 0-4, rubric version, duplicate rater, city, empty form, role, date) and store the "
            "responses in data/self-assessment/<city>/<round>.csv. Nothing is written unless every file "
            "is valid (or with --skip-invalid, the valid ones). Exit code 1 when a file was invalid."
        ),
    )
    i.add_argument("files", nargs="+", help="filled forms (.xlsx, .json)")
    i.add_argument("--round", required=True, help="round name, e.g. baseline or follow-up")
    i.add_argument("--rubric", default=None, help="rubric the forms were made from")
    i.add_argument("--skip-invalid", action="store_true", help="import the valid files, report the others")
    i.add_argument("--replace", action="store_true", help="replace the stored round instead of adding to it")
    i.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    i.add_argument("--output", default=None, help="responses folder (default: data/self-assessment)")
    i.set_defaults(func=cmd_import)
    e = sub.add_parser(
        "example",
        help="write FICTITIOUS example responses of a network (reproducible, labelled as examples)",
    )
    e.add_argument("network", help="network id with an example plan (helsinki-berlin)")
    e.add_argument("--seed", type=int, default=13, help="random seed (default 13, the shipped files)")
    e.add_argument("-o", "--output", default=None, help="responses folder (default: data/self-assessment)")
    e.set_defaults(func=cmd_example)


def _main() -> int:  # pragma: no cover - convenience
    from compare.cli import main

    return main(["assess", *sys.argv[1:]])
