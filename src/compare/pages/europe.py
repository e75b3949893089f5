"""Europe as the frame: every urban centre's segregation indices, and a city placed among them.

:func:`centre_panel` computes the aspatial and spatial index panel (D, isolation, Theil's H,
Moran's I) for every urban centre of the Census 2021 grid and every grid group definition in one
vectorised call per definition (rook contiguity of the 1 km cells, one block per centre). It is
cached under ``data/raw/.cache`` as parquet. :func:`europe_frame` places a city's value among all
centres (rank, percentile) and among centres of similar size (half to twice its population);
:func:`fig_europe_frame` draws it; :func:`fig_partner_map` shows a network's partners on one map
of Europe.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "CROSS_SOURCE",
    "PANEL_INDICES",
    "confidential_table",
    "cross_source_table",
    "europe_position",
    "fig_network_map",
    "network_grid_table",
    "show_europe_frame",
    "cell_rook_weights",
    "centre_panel",
    "city_grid_panel",
    "europe_frame",
    "fig_europe_frame",
    "fig_partner_map",
]

PANEL_INDICES = ("dissimilarity", "isolation", "theil_h", "morans_i")
_SOURCE = "Source: Eurostat, Census 2021 population grid (1 km), tiled by J. Gaffuri (tiled-census2021); urban centres computed by the workbench."  # noqa: E501


def cell_rook_weights(easting, northing, block=None):
    """Binary rook contiguity of 1 km cells (shared edge), optionally only within the same block.

    Examples
    --------
    >>> w = cell_rook_weights([0, 1000, 0, 5000], [0, 0, 1000, 0])
    >>> w.toarray().astype(int).tolist()
    [[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    """
    import scipy.sparse as sp

    e = np.asarray(easting, dtype=np.int64) // 1000
    n = np.asarray(northing, dtype=np.int64) // 1000
    b = np.zeros(len(e), dtype=np.int64) if block is None else pd.factorize(np.asarray(block))[0]
    key = (b * 10_000_000 + e) * 10_000_000 + n
    order = np.argsort(key)
    sk = key[order]
    rows, cols = [], []
    for de, dn in ((1, 0), (0, 1)):
        probe = (b * 10_000_000 + e + de) * 10_000_000 + n + dn
        pos = np.searchsorted(sk, probe)
        pos = np.minimum(pos, len(sk) - 1)
        hit = sk[pos] == probe
        i = np.flatnonzero(hit)
        j = order[pos[hit]]
        rows += [i, j]
        cols += [j, i]
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(e), len(e)))


def _panel_of_cells(cells: pd.DataFrame, key: str, definitions, indices) -> pd.DataFrame:
    from compare.indicators.panel import panel_from_wide

    w = cell_rook_weights(cells["easting"], cells["northing"], cells[key])
    frames = []
    for gd in definitions:
        frames.append(
            panel_from_wide(
                cells,
                group=gd.group,
                total=gd.total,
                groups=list(gd.groups) or None,
                by=[key],
                indices=list(indices),
                group_definition=gd.name,
                weights=w,
            )
        )
    return pd.concat(frames, ignore_index=True)


def centre_panel(definitions=None, indices=PANEL_INDICES, raw=None, cache: bool = True) -> pd.DataFrame:
    """Index panel of every urban centre of Europe (one row per centre, definition and index).

    Returns
    -------
    pandas.DataFrame
        ``centre_id, index, group_definition, value, p_value, n_areas, n_dropped, ...`` plus the
        centre's ``country`` and ``centre_population``.
    """
    from compare.paths import raw_dir
    from compare.sources.census_grid import GRID_GROUP_DEFINITIONS
    from compare.sources.grid_city import _key, europe_centres, grid_folder

    defs = list(definitions or GRID_GROUP_DEFINITIONS.values())
    raw = Path(raw) if raw is not None else raw_dir()
    h = hashlib.sha256(_key(grid_folder(raw)).encode())
    h.update(Path(__file__).read_bytes())
    h.update(repr(([d for d in defs], list(indices))).encode())
    f = raw / ".cache" / f"europe-panel-{h.hexdigest()[:20]}.parquet"
    if cache and f.is_file():
        try:
            return pd.read_parquet(f)
        except Exception:  # noqa: BLE001 - unreadable cache is absent
            pass
    uc, cells = europe_centres(raw)
    from compare.sources.census_grid import mask_sparse

    sub = cells[cells["centre_id"].notna()].reset_index(drop=True)
    sub, _ = mask_sparse(sub, by="centre_id")  # e.g. no employed persons in French, German, Swiss centres
    panel = _panel_of_cells(sub, "centre_id", defs, indices)
    info = uc.centres.set_index("centre_id")
    panel["country"] = panel["centre_id"].map(info["country"])
    panel["centre_population"] = panel["centre_id"].map(info["population"])
    if cache:
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(".part")
        panel.to_parquet(tmp, index=False)
        tmp.replace(f)
    return panel


def city_grid_panel(net, city: str, indices=PANEL_INDICES) -> pd.DataFrame:
    """The same panel for one grid city of a network (its own cells, e.g. inside a boundary)."""
    from compare.model import population_wide

    areas = net.areas[(net.areas["city"] == city) & (net.areas["area_level"] == "grid_1km")]
    if areas.empty:
        return pd.DataFrame()
    defs = net.definitions_for(city)
    pop = net.population[(net.population["city"] == city) & net.population["area_id"].isin(areas["area_id"])]
    wide = population_wide(pop).reset_index()
    wide = wide.merge(
        pd.DataFrame(
            {"area_id": areas["area_id"].to_numpy(), "easting": areas.geometry.bounds["minx"].to_numpy(),
             "northing": areas.geometry.bounds["miny"].to_numpy()}
        ),
        on="area_id",
    )  # fmt: skip
    wide["easting"] = wide["easting"].round().astype(np.int64)
    wide["northing"] = wide["northing"].round().astype(np.int64)
    from compare.pages.shared import _code_digest, shared_table, table_key

    # the city's report and the network comparison ask for the same panel: computed once per run
    key = table_key(
        wide, [repr(d) for d in defs], list(indices), _code_digest("indicators", "model", "pages/europe")
    )
    return shared_table("grid-panel", key, lambda: _panel_of_cells(wide, "city", defs, indices))


def europe_frame(
    value: float, population: float, panel: pd.DataFrame, index: str, group_definition: str,
    exclude: str | None = None,
) -> dict:  # fmt: skip
    """Rank and percentile of a value among all centres and among centres of similar size.

    ``exclude``: the city's own urban centre (a city given by a point or a centre id *is* that
    centre), left out of the distribution so that it is not counted twice.

    Similar size: half to twice the city's population. Rank 1 = highest value (most segregated).

    Examples
    --------
    >>> p = pd.DataFrame({"centre_id": list("abcd"), "index": "dissimilarity", "group_definition": "g",
    ...     "value": [0.1, 0.2, 0.3, 0.4], "centre_population": [1e5, 2e5, 9e5, 4e6]})
    >>> f = europe_frame(0.25, 1.5e5, p, "dissimilarity", "g")
    >>> f["rank_all"], f["n_all"], f["rank_similar"], f["n_similar"]
    (3, 5, 1, 3)
    """
    sub = panel[(panel["index"] == index) & (panel["group_definition"] == group_definition)]
    if exclude is not None and "centre_id" in sub.columns:  # the city is this centre: never counted twice
        sub = sub[sub["centre_id"] != exclude]
    vals = sub["value"].dropna().to_numpy()
    near = sub["centre_population"].between(population / 2, population * 2)
    similar = sub.loc[near, "value"].dropna().to_numpy()
    return {
        "index": index,
        "group_definition": group_definition,
        "value": value,
        "rank_all": int((vals > value).sum() + 1),
        "n_all": int(len(vals) + 1),
        "percentile_all": float((vals < value).mean() * 100) if len(vals) else float("nan"),
        "rank_similar": int((similar > value).sum() + 1),
        "n_similar": int(len(similar) + 1),
        "median_all": float(np.median(vals)) if len(vals) else float("nan"),
        "median_similar": float(np.median(similar)) if len(similar) else float("nan"),
    }


def fig_europe_frame(
    name: str, value: float, population: float, panel: pd.DataFrame, index: str = "dissimilarity",
    group_definition: str = "born_abroad", label: str = "Dissimilarity index D", exclude: str | None = None,
):  # fmt: skip
    """One figure: every European urban centre's index against its population, the city marked.

    Centres of similar size (half to twice the population) are drawn darker.
    """
    import matplotlib.pyplot as plt

    from compare.plots import add_source

    sub = panel[(panel["index"] == index) & (panel["group_definition"] == group_definition)].dropna(
        subset=["value"]
    )
    if exclude is not None:
        sub = sub[sub["centre_id"] != exclude]
    fr = europe_frame(value, population, panel, index, group_definition, exclude)
    sim = sub["centre_population"].between(population / 2, population * 2)
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.scatter(
        sub.loc[~sim, "centre_population"], sub.loc[~sim, "value"], s=9, color="0.75", label="urban centres"
    )
    ax.scatter(
        sub.loc[sim, "centre_population"], sub.loc[sim, "value"], s=12, color="0.35",
        label="centres of similar size (x0.5-x2)",
    )  # fmt: skip
    ax.scatter([population], [value], s=90, color="#c0392b", zorder=5, edgecolor="k", label=name)
    ax.annotate(
        f"{name}: {value:.3f}\nrank {fr['rank_all']} of {fr['n_all']} centres; "
        f"{fr['rank_similar']} of {fr['n_similar']} of similar size",
        (population, value), xytext=(10, 10), textcoords="offset points", fontsize=8,
    )  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("Population of the urban centre, 2021 (log scale)")
    ax.set_ylabel(label)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(
        f"{name} among Europe's {fr['n_all'] - 1} other urban centres: {label}, "
        f"{group_definition.replace('_', ' ')}",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    add_source(fig, _SOURCE)
    plt.close(fig)
    return fig


#: label offsets tried in turn (points), with their alignment: right-above first
_LABEL_OFFSETS = (
    ((6, 6), "left", "bottom"),
    ((6, -6), "left", "top"),
    ((-6, 6), "right", "bottom"),
    ((-6, -6), "right", "top"),
    ((0, 12), "center", "bottom"),
    ((0, -12), "center", "top"),
)


def _label_points(fig, ax, points: pd.DataFrame, fontsize: float = 8) -> None:
    """Label each point at the first offset whose text box overlaps no marker and no label placed before.

    Partners close together (Lille and Brussels are 90 km apart) would otherwise print their
    names over each other; a point whose every offset collides keeps the least crowded one.
    """
    from matplotlib.transforms import Bbox

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    half = 6 * fig.dpi / 72  # the partner markers (s=120: about 11 pt across) are obstacles too
    xy = ax.transData.transform(points[["x", "y"]].to_numpy(float))
    placed = [Bbox([[x - half, y - half], [x + half, y + half]]) for x, y in xy]
    for r in points.sort_values("y", ascending=False).itertuples():
        best = None
        for (dx, dy), ha, va in _LABEL_OFFSETS:
            t = ax.annotate(r.name, (r.x, r.y), xytext=(dx, dy), textcoords="offset points",
                            fontsize=fontsize, ha=ha, va=va, zorder=6)  # fmt: skip
            box = t.get_window_extent(renderer).expanded(1.05, 1.1)
            hits = sum(box.overlaps(b) for b in placed)
            if best is None or hits < best[0]:
                if best is not None:
                    best[1].remove()
                best = (hits, t, box)
            else:
                t.remove()
            if hits == 0:
                break
        placed.append(best[2])


def fig_partner_map(points: pd.DataFrame, centres: pd.DataFrame, title: str):
    """Map of Europe: every urban centre (grey) and a network's partners (labelled).

    ``points``: ``name, x, y, value`` (EPSG:3035 metres; value colours the partner marker).
    """
    import matplotlib.pyplot as plt

    from compare.plots import add_source

    fig, ax = plt.subplots(figsize=(9, 8))
    ax.scatter(centres["x"], centres["y"], s=np.clip(centres["population"] / 2e4, 2, 80), color="0.8",
               label="urban centres (size: population)")  # fmt: skip
    sc = ax.scatter(
        points["x"], points["y"], c=points["value"], cmap="viridis", s=120, edgecolor="k", zorder=5
    )
    cb = fig.colorbar(sc, ax=ax, shrink=0.6)
    cb.set_label("Dissimilarity index D, born abroad (0-1)")
    ax.set_aspect("equal")
    ax.set_xlim(2.5e6, 6.0e6)
    ax.set_ylim(1.4e6, 5.3e6)
    _label_points(fig, ax, points)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, _SOURCE + " ETRS89-LAEA (EPSG:3035).")
    plt.close(fig)
    return fig


def _grid_city(a) -> bool:
    areas = a.network.areas[a.network.areas["city"] == a.city]
    return bool(len(areas)) and bool((areas["area_level"] == "grid_1km").all())


def own_centre(net, city: str) -> str | None:
    """The urban centre a grid city *is* (given by ``lon``/``lat`` or ``centre``), else ``None``."""
    spec = net.cities[city].config.get("areas") or {}
    specs = spec if isinstance(spec, list) else [spec]
    for sp in specs:
        if sp.get("importer") != "census_grid":
            continue
        if sp.get("centre"):
            return str(sp["centre"])
        if sp.get("lon") is not None:
            from compare.sources.grid_city import centre_containing

            return centre_containing(float(sp["lon"]), float(sp["lat"]))
    return None


def europe_position(a, indices=("dissimilarity", "isolation", "theil_h", "morans_i")) -> pd.DataFrame:
    """The city's grid indices per group definition, ranked among Europe's urban centres.

    Columns: ``group_definition, index, value, rank_all, n_all, rank_similar, n_similar,
    median_all, median_similar, cells, confidential_cells`` (cells left out of that index because
    a count it needs is confidential). Empty for a city not on the grid.
    """
    if not _grid_city(a):
        return pd.DataFrame()
    panel = centre_panel()
    own = city_grid_panel(a.network, a.city, indices=indices)
    pop = a.network.population
    total = pop.loc[(pop["city"] == a.city) & (pop["variable"] == "population"), "count"].sum()
    rows = []
    exclude = own_centre(a.network, a.city)
    for r in own.itertuples():
        if np.isnan(r.value):
            continue
        fr = europe_frame(r.value, total, panel, r.index, r.group_definition, exclude)
        fr.update(cells=int(r.n_areas), confidential_cells=int(r.n_dropped))
        rows.append(fr)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    cols = ["group_definition", "index", "value", "rank_all", "n_all", "rank_similar", "n_similar",
            "median_all", "median_similar", "cells", "confidential_cells"]  # fmt: skip
    return out[cols].round({"value": 3, "median_all": 3, "median_similar": 3})


def show_europe_frame(a, index: str = "dissimilarity", group_definition: str = "born_abroad"):
    """The Europe-frame figure of a city (or a sentence saying why there is none)."""
    from IPython.display import HTML

    if not _grid_city(a):
        return HTML(
            "<p>The Europe frame uses the Census 2021 1 km grid; this entry is on national areas "
            "(see the city's grid entry where the network has one).</p>"
        )
    own = city_grid_panel(a.network, a.city, indices=[index])
    own = own[own["group_definition"] == group_definition]
    if own.empty or own["value"].isna().all():
        return HTML(f"<p>No {index} for {group_definition} in {a.name}.</p>")
    pop = a.network.population
    total = pop.loc[(pop["city"] == a.city) & (pop["variable"] == "population"), "count"].sum()
    return fig_europe_frame(
        a.name, float(own["value"].iloc[0]), float(total), centre_panel(), index, group_definition,
        label="Dissimilarity index D (0-1)" if index == "dissimilarity" else index,
        exclude=own_centre(a.network, a.city),
    )  # fmt: skip


def confidential_table(net, city: str | None = None) -> pd.DataFrame:
    """Cells with a confidential count per city and grid group definition.

    A cell is left out of a definition when any variable the definition needs is confidential.
    """
    areas = net.areas[net.areas["area_level"] == "grid_1km"]
    rows = []
    for cid in [city] if city else list(net.cities):
        ids = set(areas.loc[areas["city"] == cid, "area_id"])
        if not ids:
            continue
        pop = net.population[(net.population["city"] == cid) & net.population["area_id"].isin(ids)]
        wide = pop.pivot_table(
            index="area_id", columns="variable", values="count", aggfunc="first", dropna=False
        )
        for gd in net.definitions_for(cid):
            need = [v for v in gd.variables if v in wide.columns]
            lost = wide[need].isna().any(axis=1)
            rows.append(
                {"city": cid, "group_definition": gd.name, "cells": len(wide),
                 "confidential_cells": int(lost.sum()),
                 "share": round(float(lost.mean()), 3),
                 "population_in_confidential_cells": float(wide.loc[lost, "population"].sum())
                 if "population" in wide else float("nan")}
            )  # fmt: skip
    return pd.DataFrame(rows)


def network_grid_table(v, group_definition: str | None = None) -> pd.DataFrame:
    """Every grid city of a network side by side on the same indices (one row per city and definition).

    Columns: ``city, group_definition, dissimilarity, isolation, theil_h, morans_i, population, cells,
    confidential_cells`` (cells left out of the definition), ``rank_all`` of D among Europe's centres.
    """
    net = v.network
    panel = centre_panel()
    rows = []
    for cid in v.cities:
        own = city_grid_panel(net, cid)
        if own.empty:
            continue
        pop = net.population
        total = pop.loc[(pop["city"] == cid) & (pop["variable"] == "population"), "count"].sum()
        own_c = own_centre(net, cid)
        for gd, sub in own.groupby("group_definition", sort=False):
            if group_definition and gd != group_definition:
                continue
            vals = sub.set_index("index")["value"]
            d = vals.get("dissimilarity", np.nan)
            fr = None if np.isnan(d) else europe_frame(d, total, panel, "dissimilarity", gd, own_c)
            rank = None if fr is None else fr["rank_all"]
            rows.append(
                {"city": net.cities[cid].name, "group_definition": gd,
                 **{i: round(float(vals.get(i, np.nan)), 3) for i in PANEL_INDICES},
                 "population": float(total), "cells": int(sub["n_areas"].max()),
                 "confidential_cells": int(sub["n_dropped"].max()), "rank of D in Europe": rank}
            )  # fmt: skip
    return pd.DataFrame(rows)


def fig_network_map(v, group_definition: str = "born_abroad"):
    """All partners of a network on one map of Europe, coloured by D (born abroad), or a sentence."""
    from IPython.display import HTML

    from compare.sources.grid_city import europe_centres

    net = v.network
    rows = []
    for cid in v.cities:
        a = net.areas[(net.areas["city"] == cid) & (net.areas["area_level"] == "grid_1km")]
        if a.empty:
            continue
        own = city_grid_panel(net, cid, indices=["dissimilarity"])
        own = own[own["group_definition"] == group_definition]
        c = a.geometry.union_all().centroid
        rows.append({"name": net.cities[cid].name, "x": c.x, "y": c.y,
                     "value": float(own["value"].iloc[0]) if len(own) else np.nan})  # fmt: skip
    if not rows:
        return HTML("<p>No city of this network is on the Census 2021 grid: no map of Europe.</p>")
    uc, _ = europe_centres()
    title = f"{net.title}: partners among Europe's urban centres"
    return fig_partner_map(pd.DataFrame(rows), uc.centres, "\n".join(__import__("textwrap").wrap(title, 80)))


_NO_PAAVO = (
    "no comparable national figure: Paavo 2012-2017 publishes no country of birth, citizenship or "
    "language (Statistics Finland has them by municipality, not in Paavo's postal-code tables)"
)

#: grid entry -> (national entry, national group definition or None, reason the figures differ)
CROSS_SOURCE = {
    "berlin": (
        "berlin-lor",
        "foreigners",
        "LOR counts foreign nationals (citizenship) in the residents' register on 448 planning areas "
        "(31 Dec 2020); the census grid counts people born abroad (country of birth: naturalised "
        "Germans born abroad are in, German-born foreign nationals are out) on about 800 square 1 km "
        "cells (1 Jan 2021). Smaller, socially drawn planning areas and a different group give a "
        "different D.",
    ),
    "vantaa": ("vantaa-paavo", None, _NO_PAAVO),
    "helsinki": ("helsinki-paavo", None, _NO_PAAVO),
    "espoo": ("espoo-paavo", None, _NO_PAAVO),
}


def cross_source_table(net, period_national: str = "2020-H2") -> pd.DataFrame:
    """Grid-based D (born abroad) next to the national-source D, with why they differ.

    Parameters
    ----------
    net : Network
        A network with both entries of a city (``segregation-network``: ``berlin`` and ``berlin-lor``).
    period_national : str
        Period of the national source closest to the census date (1 Jan 2021).
    """
    from compare.indicators import compute_panel

    rows = []
    for grid_city, (nat_city, nat_def, why) in CROSS_SOURCE.items():
        if grid_city not in net.cities:
            continue
        g = city_grid_panel(net, grid_city, indices=["dissimilarity"])
        g = g[g["group_definition"] == "born_abroad"]
        row = {
            "city": net.cities[grid_city].name.split(" (")[0],
            "grid D (born abroad, 2021, 1 km cells)": (
                round(float(g["value"].iloc[0]), 3) if len(g) else np.nan
            ),
            "grid cells": int(g["n_areas"].iloc[0]) if len(g) else 0,
            "national source": net.cities[nat_city].name if nat_city in net.cities else "",
            "national group": nat_def or "none comparable",
            "national D": np.nan,
            "national areas": 0,
            "national period": "",
            "why they differ": why,
        }
        if nat_def and nat_city in net.cities:
            pop = net.population
            pop = pop[(pop["city"] == nat_city) & (pop["period"] == period_national)]
            p = compute_panel(pop, [net.group_definitions[nat_def]], indices=["dissimilarity"])
            if len(p):
                row.update(
                    {"national D": round(float(p["value"].iloc[0]), 3),
                     "national areas": int(p["n_areas"].iloc[0]), "national period": period_national}
                )  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)
