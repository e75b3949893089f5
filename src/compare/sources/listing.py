"""What the workbench knows, as tidy tables: networks, data sets, canonical variables, group definitions.

These back the listing commands (``python -m compare networks``, ``data list``, ``variables``) and
can be called in a notebook. Nothing here imports data: the tables are read from the configs, the
catalog and the importer registry.
"""

from __future__ import annotations

import pandas as pd

from compare.errors import ConfigError

__all__ = ["networks_table", "datasets_table", "variables_table", "group_definitions_table"]


def networks_table() -> pd.DataFrame:
    """The networks shipped in ``data/networks/``: id, title, cities, lead city.

    A network file that does not validate is listed with the error instead of its cities, so
    one broken file never hides the others.

    Examples
    --------
    >>> t = networks_table()
    >>> "helsinki-berlin" in set(t["network"])
    True
    """
    from compare.paths import data_dir
    from compare.sources.network import read_network_config

    rows = []
    for path in sorted((data_dir() / "networks").glob("*.yml")):
        try:
            cfg, _ = read_network_config(path)
        except ConfigError as exc:
            rows.append({"network": path.stem, "title": "", "cities": 0, "lead_city": "",
                         "city_ids": "", "problem": str(exc)})  # fmt: skip
            continue
        cities = cfg["cities"]
        rows.append(
            {
                "network": path.stem,
                "title": str(cfg.get("title") or cfg.get("name") or path.stem),
                "cities": len(cities),
                "lead_city": cfg.get("lead_city") or "",
                "city_ids": ", ".join(cities),
                "problem": "",
            }
        )
    return pd.DataFrame(rows, columns=["network", "title", "cities", "lead_city", "city_ids", "problem"])


def datasets_table(*, verify: bool = False) -> pd.DataFrame:
    """The catalog's data sets: publisher, licence, files, and whether they are installed.

    Parameters
    ----------
    verify : bool, optional
        Check every installed file against its sha256 (reads every byte; otherwise a file of
        the recorded size counts as installed, and the checksum is verified when it is read).

    Returns
    -------
    pandas.DataFrame
        ``dataset, title, publisher, licence, files, installed, state`` (``state``: ``installed``,
        ``verified``, ``missing N of M``, ``wrong size: FILE`` or ``checksum mismatch: FILE``).

    Examples
    --------
    >>> t = datasets_table()
    >>> bool(t.loc[t["dataset"] == "berlin-lor-geometry", "licence"].str.startswith("CC BY").all())
    True
    """
    from compare.paths import raw_dir
    from compare.sources.catalog import load_catalog, sha256_of

    raw = raw_dir()
    rows = []
    for ds in load_catalog():
        missing, problem = 0, ""
        for f in ds.files:
            p = raw / f.path
            if not p.is_file():
                missing += 1
            elif p.stat().st_size != f.bytes and not problem:
                problem = f"wrong size: {f.path}"
            elif verify and not problem and sha256_of(p) != f.sha256:
                problem = f"checksum mismatch: {f.path}"
        n = len(ds.files)
        state = problem or (f"missing {missing} of {n}" if missing else "verified" if verify else "installed")
        rows.append(
            {
                "dataset": ds.id,
                "title": ds.title,
                "publisher": ds.publisher,
                "licence": ds.licence,
                "files": n,
                "installed": n - missing,
                "state": state,
            }
        )
    return pd.DataFrame(rows)


def group_definitions_table() -> pd.DataFrame:
    """The built-in group definitions a network can name: focus group, total, groups, label.

    Examples
    --------
    >>> t = group_definitions_table().set_index("name")
    >>> t.loc["unemployment", "total"]
    'labour_force'
    """
    from compare.model import DEFAULT_GROUP_DEFINITIONS

    return pd.DataFrame(
        [
            {"name": g.name, "group": g.group, "total": g.total, "groups": " + ".join(g.groups),
             "label": g.label}  # fmt: skip
            for g in DEFAULT_GROUP_DEFINITIONS.values()
        ]
    )


def variables_table() -> pd.DataFrame:
    """Canonical variable names: which importers produce each, and which group definitions use it.

    A city's own file (``importer: generic``) maps its columns to these names in ``variables:``;
    a group definition then works for it when its total and all its groups are present.

    Examples
    --------
    >>> t = variables_table().set_index("variable")
    >>> "census_grid" in t.loc["born_outside_eu", "importers"]
    True
    >>> "unemployment" in t.loc["unemployed", "group_definitions"]
    True
    """
    from compare.model import DEFAULT_GROUP_DEFINITIONS
    from compare.sources.importers import IMPORTER_REGISTRY

    produced: dict[str, list[str]] = {}
    for name, imp in IMPORTER_REGISTRY.items():
        for v in imp.variables():
            produced.setdefault(v, []).append(name)
    used: dict[str, list[str]] = {}
    for g in DEFAULT_GROUP_DEFINITIONS.values():
        for v in dict.fromkeys([g.total, g.group, *g.groups]):
            used.setdefault(v, []).append(g.name)
    names = sorted(set(produced) | set(used))
    return pd.DataFrame(
        {
            "variable": names,
            "importers": [", ".join(produced.get(v, [])) for v in names],
            "group_definitions": [", ".join(used.get(v, [])) for v in names],
        }
    )
