"""``python -m compare reports run NETWORK``: every city's assessment with one command."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "cmd_run"]


def _bounded(kind, low, high, what):
    """Return an argparse type: a ``kind`` number in ``[low, high]`` (refused with the bound otherwise)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what} from {low} to {high}, got {text}")
        return value

    return parse


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out = [v.strip() for item in values for v in item.split(",") if v.strip()]
    return out or None


def cmd_run(args: argparse.Namespace) -> int:
    """Run a network's reports; return the number of failed reports (capped at 100).

    Examples
    --------
    >>> from compare.cli import main
    >>> main(["reports", "run", "helsinki-berlin", "--jobs", "2"])  # doctest: +SKIP
    0
    """
    from compare.reports._startup import defer_iri_grammar

    defer_iri_grammar()  # this process reads notebooks; see compare.reports._startup
    from compare.files import check_output_path
    from compare.reports.plan import run_network

    if args.output is not None:  # refused before any notebook runs
        check_output_path(args.output, option="--output", folder=True)

    summary = run_network(
        args.network,
        cities=_split(args.cities),
        periods=_split(args.periods),
        n_jobs=args.jobs,
        scheduler=args.scheduler,
        force=args.force,
        show_code=args.show_code,
        out_root=args.output,
        comparison=not args.no_comparison,
        timeout=args.timeout,
        progress=not args.quiet,
    )
    print(summary.summary())
    print(f"index: {summary.out_dir / 'index.html'}")
    if summary.n_failed:
        print(f"{summary.n_failed} report(s) failed", file=sys.stderr)
    return min(summary.n_failed, 100)


def register(subparsers) -> None:
    """Add the ``reports`` command (sub-command ``run``) to the CLI."""
    reports = subparsers.add_parser(
        "reports", help="execute the assessment notebooks of a network into HTML reports"
    )
    sub = reports.add_subparsers(dest="reports_command", metavar="SUBCOMMAND")
    sub.required = True
    run = sub.add_parser(
        "run",
        help="run every city's assessment and the network comparison",
        description=(
            "Validate parameters, execute notebooks/city_assessment.ipynb for each city and "
            "notebooks/network_comparison.ipynb with papermill (in parallel, skipping reports "
            "whose inputs are unchanged), convert them to HTML and write "
            "reports/<network>/index.html. The exit code is the number of failed reports."
        ),
    )
    run.add_argument("network", help="network id (data/networks/<id>.yml)")
    run.add_argument("--cities", nargs="+", help="city ids (default: all cities of the network)")
    run.add_argument("--periods", nargs="+", help="periods to show (default: all)")
    run.add_argument(
        "--jobs",
        "-j",
        type=_bounded(int, 1, 256, "a whole number of parallel reports"),
        default=None,
        help="parallel reports, 1-256 (default: number of cores)",
    )
    run.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask distributed scheduler address (tcp://host:8786) to run the reports on",
    )
    run.add_argument("--force", action="store_true", help="re-run reports whose inputs are unchanged")
    run.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML")
    run.add_argument("--output", default=None, help="reports folder (default: <project>/reports)")
    run.add_argument("--no-comparison", action="store_true", help="skip the network comparison notebook")
    run.add_argument(
        "--timeout",
        type=_bounded(float, 1.0, 86400.0, "a per-cell timeout in seconds"),
        default=None,
        help="per-cell timeout in seconds, 1-86400 (default: none)",
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)
