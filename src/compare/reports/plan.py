"""Plan and run a network's reports: one city assessment per city plus the network comparison.

:func:`plan_network` reads the network configuration (never the data: planning must stay fast
for the incremental path), builds and validates every job's parameters before any kernel
starts, and lists each job's input files for the fingerprint. :func:`run_network` runs the plan
and writes the network's report index ``index.html`` and Action Playbook ``playbook.html``/``.pdf``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.errors import ConfigError
from compare.files import safe_join, slugify
from compare.pages.index import write_index
from compare.reports.params import validate_city_parameters, validate_parameters
from compare.reports.runner import JobOutcome, ReportJob, RunSummary, read_state, run_jobs

__all__ = [
    "CITY_NOTEBOOK",
    "COMPARISON_NOTEBOOK",
    "COMPARISON_NAME",
    "NetworkPlan",
    "plan_network",
    "run_network",
    "notebooks_dir",
]

CITY_NOTEBOOK = "city_assessment.ipynb"
COMPARISON_NOTEBOOK = "network_comparison.ipynb"
COMPARISON_NAME = "network-comparison"


def notebooks_dir() -> Path:
    """Return the ``notebooks/`` folder of the project (``COMPARE_NOTEBOOKS`` overrides it)."""
    env = os.environ.get("COMPARE_NOTEBOOKS")
    if env:
        return Path(env)
    from compare.paths import project_root

    return project_root() / "notebooks"


@dataclass
class NetworkPlan:
    """The jobs of one network run and what the index needs to know about the network."""

    network: dict[str, Any]
    out_dir: Path
    jobs: list[ReportJob]
    all_cities: dict[str, dict] = field(default_factory=dict)


def _city_files(cid: str, cfg: dict, catalog, raw: Path, data: Path, cfg_path=None) -> dict[str, Path]:
    """Every input of one city: the files its importers say they read, and its governance profile."""
    from compare.schema import resolve_config_path
    from compare.sources.importers import spec_files

    files: dict[str, Path] = dict(spec_files(cfg, catalog, raw, cfg_path))
    profile = cfg.get("governance_profile")
    if profile:
        files["governance_profile"] = resolve_config_path(profile, cfg_path, fallback=data)
    # the local group's self-assessment responses (compare.pages.self_assessment)
    for p in sorted((data / "self-assessment" / cid).glob("*.csv")):
        files[f"self-assessment/{cid}/{p.name}"] = p
    return files


def _shared_files(data: Path, network_path: Path, catalog_path: Path | None) -> dict[str, Path]:
    files = {"network_config": network_path}
    if catalog_path is not None:
        files["catalog"] = Path(catalog_path)
    # every report reads all profiles (load_profiles validates each), the rubric and the practices
    for folder in ("governance", "rubrics", "practices"):
        for p in sorted((data / folder).glob("*.y*ml")):
            files[f"{folder}/{p.name}"] = p
    return files


def plan_network(
    network: str,
    *,
    cities: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    out_root: str | Path | None = None,
    notebooks: str | Path | None = None,
    comparison: bool = True,
) -> NetworkPlan:
    """Build and validate the report jobs of a network, without starting any kernel.

    Parameters
    ----------
    network : str
        Network id (``data/networks/<id>.yml``).
    cities : sequence of str, optional
        City ids to report on (default: every city of the network).
    periods : sequence of str, optional
        Periods to show (default: all the city has).
    out_root : str or Path, optional
        Reports folder (default ``<project>/reports``); reports go to ``<out_root>/<network>``.
    notebooks : str or Path, optional
        Folder holding the two notebooks (default ``<project>/notebooks``).
    comparison : bool, optional
        Also run the network comparison notebook.

    Returns
    -------
    NetworkPlan

    Raises
    ------
    ConfigError
        Unknown network or city, a malformed period, a parameter the notebook does not declare
        or of the wrong type, a notebook without a ``parameters`` cell.

    Examples
    --------
    >>> plan = plan_network("helsinki-berlin", cities=["vantaa"], out_root=tmp)
    >>> [j.name for j in plan.jobs]
    ['vantaa', 'network-comparison']
    """
    from compare.paths import data_dir, raw_dir, reports_dir
    from compare.sources import load_catalog, network_record, read_network_config

    cfg, cfg_path = read_network_config(network)
    catalog = load_catalog()
    data, raw = data_dir(), raw_dir()
    net_id = slugify(str(cfg.get("name") or network), what="network")
    out_dir = safe_join(Path(out_root) if out_root else reports_dir(), net_id)
    nb_dir = Path(notebooks) if notebooks else notebooks_dir()
    city_cfgs: dict[str, dict] = cfg["cities"]
    chosen = list(cities) if cities else list(city_cfgs)
    for c in chosen:
        if c not in city_cfgs:
            raise ConfigError(
                f"unknown city {c!r}; the network has {sorted(city_cfgs)}",
                file=cfg_path,
                key="cities",
            )
    available = {cid: list(map(str, c.get("periods") or [])) for cid, c in city_cfgs.items()}
    undeclared = [c for c in chosen if not city_cfgs[c].get("group_definitions")]
    if periods or undeclared:  # check them against the data (load_network keeps a validated cache)
        from compare.sources import load_network

        net = load_network(network, cities=chosen)
        net.require_definitions(undeclared)  # refused before any kernel starts, with what to declare
        for cid, ps in net.population.groupby("city")["period"].unique().items():
            available[cid] = sorted(map(str, ps))
    # every report shows the peers too (trends, radar), so it depends on every city's inputs
    shared = _shared_files(data, cfg_path, getattr(catalog, "source", None))
    for cid, c in city_cfgs.items():
        shared |= {f"{cid}:{k}": v for k, v in _city_files(cid, c, catalog, raw, data, cfg_path).items()}
    jobs: list[ReportJob] = []
    city_nb = nb_dir / CITY_NOTEBOOK
    for cid in chosen:
        slug = slugify(cid, what="city id")
        c = city_cfgs[cid]
        params = {
            "network": str(network),
            "city": cid,
            "periods": list(periods or []),
            "peers": [p for p in city_cfgs if p != cid],
            "output_folder": str(out_dir.resolve()),
        }
        validate_city_parameters(params, available, source=str(cfg_path))
        params = validate_parameters(city_nb, params)
        files = dict(shared)
        jobs.append(
            ReportJob(
                name=slug,
                notebook=city_nb,
                parameters=params,
                data_files=files,
                title=str(c.get("name", cid)),
                kind="city",
                meta={"country": c.get("country", ""), "city": cid},
            )
        )
    if comparison:
        comp_nb = nb_dir / COMPARISON_NOTEBOOK
        files = dict(shared)
        params = validate_parameters(
            comp_nb,
            {
                "network": str(network),
                "cities": list(city_cfgs),
                "output_folder": str(out_dir.resolve()),
            },
        )
        jobs.append(
            ReportJob(
                name=COMPARISON_NAME,
                notebook=comp_nb,
                parameters=params,
                data_files=files,
                title="Network comparison: all cities side by side",
                kind="comparison",
            )
        )
    info = network_record(cfg_path)
    all_cities = {
        cid: {"name": str(c.get("name", cid)), "country": c.get("country", "")}
        for cid, c in city_cfgs.items()
    }
    return NetworkPlan(info, out_dir, jobs, all_cities)


def _index_outcomes(plan: NetworkPlan, summary: RunSummary) -> list[JobOutcome]:
    """Outcomes for every city of the network: this run's, else the last run's state."""
    ran = {slugify(o.name): o for o in summary.outcomes}
    out = []
    for cid, info in plan.all_cities.items():
        slug = slugify(cid)
        if slug in ran:
            out.append(ran[slug])
            continue
        state = read_state(plan.out_dir, slug)
        if state is None:
            out.append(
                JobOutcome(
                    slug,
                    info["name"],
                    "city",
                    "not run",
                    meta={"country": info["country"], "city": cid},
                )
            )
        else:
            out.append(
                JobOutcome(
                    slug,
                    info["name"],
                    "city",
                    "failed" if state.get("status") == "failed" else "earlier",
                    error=state.get("error"),
                    previous_kept=bool(state.get("previous_kept")),
                    meta={"country": info["country"], "city": cid},
                )
            )
    out += [o for o in summary.outcomes if o.kind != "city"]
    return out


def run_network(
    network: str,
    *,
    cities: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    n_jobs: int | None = None,
    scheduler: str | Any | None = None,
    force: bool = False,
    show_code: bool = False,
    out_root: str | Path | None = None,
    notebooks: str | Path | None = None,
    comparison: bool = True,
    timeout: float | None = None,
    progress: bool = True,
) -> RunSummary:
    """Run every report of a network, write its ``index.html`` (run status) and the Action Playbook.

    Parameters are those of :func:`plan_network` and :func:`~compare.reports.runner.run_jobs`.

    Returns
    -------
    RunSummary
        ``summary.n_failed`` is the command's exit code.

    Examples
    --------
    >>> summary = run_network("helsinki-berlin", n_jobs=2)  # doctest: +SKIP
    >>> (summary.out_dir / "index.html").exists()  # doctest: +SKIP
    True
    """
    plan = plan_network(
        network,
        cities=cities,
        periods=periods,
        out_root=out_root,
        notebooks=notebooks,
        comparison=comparison,
    )
    import threading

    preloaded = threading.Thread(target=_preload_playbook, name="compare-playbook-imports", daemon=True)
    summary = run_jobs(
        plan.jobs,
        plan.out_dir,
        n_jobs=n_jobs,
        scheduler=scheduler,
        force=force,
        show_code=show_code,
        timeout=timeout,
        progress=progress,
        on_idle=preloaded.start,  # the last reports leave a core free: the Playbook's imports use it
    )
    if preloaded.is_alive():  # never import the same modules from two threads at once
        preloaded.join()
    outcomes = _index_outcomes(plan, summary)
    write_index(plan.network, outcomes, plan.out_dir)
    try:  # a Playbook that cannot be built never costs the reports, and the previous one is kept
        import time

        from compare.pages.playbook import write_playbook

        t0 = time.perf_counter()
        summary.playbook = write_playbook(plan.network, plan.out_dir, outcomes)
        summary.playbook["seconds"] = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - reported on the console and in the exit code
        from compare.pages.playbook import PlaybookPDFError

        summary.playbook_error = f"{type(exc).__name__}: {exc}"
        summary.playbook_html_written = isinstance(exc, PlaybookPDFError)
    return summary


#: what building the Playbook imports (besides itself), about 1.5 s in a fresh process
PLAYBOOK_MODULES = ("compare.pages.playbook", "compare.pages.city", "compare.pages.comparison",
                    "compare.pages.self_assessment", "compare.governance", "compare.indicators",
                    "compare.sources", "matplotlib.pyplot", "weasyprint")  # fmt: skip


def _preload_playbook() -> None:
    """Import what :func:`~compare.pages.playbook.write_playbook` will import (errors are its own)."""
    import importlib

    # (no warnings.catch_warnings here: it changes the process's filters, not this thread's)
    for name in PLAYBOOK_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the Playbook reports a missing renderer itself
            pass
