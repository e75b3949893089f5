"""One city's data for its report, loaded lazily: :class:`CityData` and :func:`load_city`.

:func:`load_city` reads the network (the city and its peers) and checks the periods; everything
else (index panel, neighbourhood indicators, the map period's LISA, the status index, profiles,
rubric, practice catalogue, effects of local actions) is computed the first time a section asks
for it, once (:func:`functools.cached_property`), by exactly one property each. A report section
(:mod:`compare.pages.model_section` and the others) is built from this object.
"""

from __future__ import annotations

import textwrap
from functools import cached_property

import pandas as pd

from compare.errors import DataError
from compare.pages._common import FAVOURABLE_GROUPS, TREND_INDICES

__all__ = ["CityData", "CityAssessment", "load_city", "network_profiles"]


class CityData:
    """A city of a network with its peers, periods and everything its report shows, computed on demand.

    Parameters
    ----------
    network : Network
        The loaded network (the city and its peers).
    city : str
    peers : list of str
    periods : list of str
        The city's periods shown (validated against its data).
    permutations, seed : int
        LISA permutations and seed of the map period (reproducible maps).
    load_notes : list of str
        What the network import warned about.

    Examples
    --------
    >>> a = load_city("helsinki-berlin", "berlin")
    >>> "panel" in vars(a)  # nothing computed yet
    False
    >>> sorted(a.panel["city"].unique())[:2]
    ['berlin', 'espoo']
    """

    def __init__(self, network, city: str, peers: list[str], periods: list[str], *,
                 permutations: int = 999, seed: int = 0, load_notes: list[str] | None = None):  # fmt: skip
        self.network = network
        self.city = city
        self.peers = list(peers)
        self.periods = list(periods)
        self.permutations = permutations
        self.seed = seed
        self._load_notes = list(load_notes or [])

    def __repr__(self) -> str:
        done = [k for k in ("panel", "local", "local_map", "profiles", "effects") if k in vars(self)]
        return (
            f"<CityData {self.city!r} of {self.network.name!r}: {len(self.periods)} periods "
            f"{self.periods[0]}-{self.periods[-1]}, {len(self.peers)} peers; "
            f"computed: {done or 'nothing yet'}>"
        )

    # ------------------------------------------------------------------ cheap facts
    @property
    def name(self) -> str:
        """City name."""
        return self.network.cities[self.city].name

    @property
    def source_line(self) -> str:
        """Attribution line of the city's data (for figures)."""
        files = self.network.files
        ids = list(dict.fromkeys(files.loc[files["city"] == self.city, "dataset"].dropna()))
        cites = [self.network.catalog[i].citation for i in ids if i in self.network.catalog.datasets]
        text = " ".join(cites) or "Source: see the data sources section."
        return "\n".join(textwrap.wrap(text, 150))

    @cached_property
    def _city_pop(self) -> pd.DataFrame:
        pop = self.network.population
        return pop[(pop["city"] == self.city) & pop["period"].isin(self.periods)]

    @property
    def _areas(self):
        return self.network.areas[self.network.areas["city"] == self.city]

    @property
    def _min_population(self) -> float:
        return self.network.min_population or 0

    # ------------------------------------------------------------------ governance
    @cached_property
    def rubric(self):
        """The maturity rubric (:func:`compare.governance.load_rubric`)."""
        from compare.governance import load_rubric

        return load_rubric()

    @cached_property
    def profiles(self) -> dict:
        """Governance profiles of the network's cities (:func:`network_profiles`)."""
        return network_profiles(self.network, self.rubric)

    @property
    def profile(self):
        """The city's governance profile (``None`` if it has none)."""
        return self.profiles.get(self.city)

    @cached_property
    def catalogue(self):
        """The practice catalogue (:func:`compare.governance.load_practices`)."""
        from compare.governance import load_practices

        return load_practices()

    @cached_property
    def _covered(self) -> tuple[list[str], str]:
        return _covered_ids(self.network, self.city, self.profile)

    @property
    def covered_ids(self) -> list[str]:
        """Covered area ids that are areas of this entry's data (none when the schemes differ)."""
        return self._covered[0]

    @property
    def covered(self) -> list[str]:
        """Area ids covered by the city's model (none where the city's areas use another scheme)."""
        return list(self.covered_ids)

    @cached_property
    def notes(self) -> list[str]:
        """What the import noticed, plus why covered areas are not shown on this entry."""
        extra = [self._covered[1]] if self._covered[1] else []
        return self._load_notes + extra + self.network.notes()

    # ------------------------------------------------------------------ indicators
    @cached_property
    def panel(self) -> pd.DataFrame:
        """City-level trend indices of the city and its peers (:func:`compare.indicators.compute_panel`).

        Peers are kept within the city's years. The rows are those of the network's panel
        (:func:`compare.pages.shared.network_panel`, computed once for all the network's reports
        in a report run): each row depends only on its city, period and group definition.
        """
        from compare.pages.shared import network_panel

        full = network_panel(self.network, TREND_INDICES)
        years = {int(p[:4]) for p in self.periods}
        in_range = full["period"].astype(str).str.slice(0, 4).astype(int).between(min(years), max(years))
        keep = in_range & ((full["city"] != self.city) | full["period"].isin(self.periods))
        return full[keep].reset_index(drop=True)

    @cached_property
    def local(self) -> pd.DataFrame:
        """Group shares by area and period, no LISA (:func:`compare.indicators.local_indicators`)."""
        from compare.indicators import local_indicators

        return local_indicators(
            self._city_pop, self.network.definitions_for(self.city), self._areas,
            lisa_clusters=False, min_population=self._min_population,
        )  # fmt: skip

    @cached_property
    def map_period(self) -> str | None:
        """Latest period with the covered areas and the most group definitions."""
        return _choose_map_period(self.local, self.covered_ids)

    @cached_property
    def local_map(self) -> pd.DataFrame:
        """Shares and local Moran's I clusters in the map period (conditional permutations)."""
        from compare.indicators import local_indicators

        pop = self._city_pop
        return local_indicators(
            pop[pop["period"] == self.map_period],
            self.network.definitions_for(self.city),
            self._areas,
            permutations=self.permutations,
            seed=self.seed,
            min_population=self._min_population,
        )

    @cached_property
    def disadvantage(self) -> pd.DataFrame:
        """Composite social status index of the map period (:func:`compare.indicators.disadvantage_index`)."""
        from compare.indicators import disadvantage_index

        present = list(dict.fromkeys(self.local_map["group_definition"]))
        return disadvantage_index(
            self.local_map, {d: (-1.0 if d in FAVOURABLE_GROUPS else 1.0) for d in present}
        )

    # ------------------------------------------------------------------ local actions
    @cached_property
    def _effects(self) -> tuple[list, str | None]:
        if not (self.profile is not None and self.profile.actions and self.covered_ids):
            return [], None
        from compare.pages.effects import evaluate_profile_actions

        matches, matches_file = _id_matches(self.network, self.city)
        pop = self.network.population
        effects = evaluate_profile_actions(
            pop[pop["city"] == self.city],
            self.profile,
            self.network.definitions_for(self.city),
            min_population=self._min_population,
            id_matches=matches,
        )
        return effects, matches_file

    @property
    def effects(self) -> list:
        """Evaluations of the profile's local actions (:func:`.effects.evaluate_profile_actions`)."""
        return self._effects[0]

    @property
    def id_matches_file(self) -> str | None:
        """The boundary correspondence file the evaluations used, if any."""
        return self._effects[1]


#: the name the report functions were written against
CityAssessment = CityData


def network_profiles(net, rubric=None) -> dict:
    """Governance profiles of a network's cities, read from each city's ``governance_profile:`` key.

    A city without the key has no profile (its report says so). Keys are the network's city ids,
    so one profile can serve two entries of a city (e.g. ``vantaa`` on the grid and
    ``vantaa-paavo`` on postal areas).

    Examples
    --------
    >>> from compare.sources import load_network
    >>> sorted(network_profiles(load_network("helsinki-berlin")))  # doctest: +SKIP
    ['berlin', 'espoo', 'helsinki', 'vantaa']
    """
    from compare.governance import load_profile, validate_profile_areas

    out = {}
    for cid, c in net.cities.items():
        if c.governance_profile is not None:
            profile = load_profile(c.governance_profile, rubric=rubric)
            areas = net.areas[net.areas["city"] == cid]
            if len(areas) and not (areas["area_level"] == "grid_1km").all():
                # covered areas and action targets must exist in the data, exactly as the library checks
                validate_profile_areas(profile, set(areas["area_id"].astype(str)))
            out[cid] = profile
    return out


def _covered_ids(net, city: str, profile) -> tuple[list[str], str]:
    """Covered area ids that are areas of the city's data, and a note when the schemes differ."""
    if profile is None:
        return [], ""
    areas = net.areas[net.areas["city"] == city]
    ids = list(profile.area_ids)
    if (areas["area_level"] == "grid_1km").all() and ids:
        return [], (
            f"the governance profile's {len(ids)} covered areas use the scheme {profile.area_scheme!r}; "
            "this entry is on 1 km grid cells, so covered-vs-rest comparisons and local-action effects are "
            "shown only for the city's entry on its national areas"
        )
    return ids, ""


def _choose_map_period(local: pd.DataFrame, covered: list[str]) -> str | None:
    """Latest period with the covered areas (vintages differ) and the most group definitions."""
    if local.empty:
        return None
    ok = local[local["share"].notna()]
    ids = set(covered)
    best, best_key = None, None
    for p, sub in ok.groupby("period"):
        key = (
            bool(ids & set(sub["area_id"])) if ids else True,
            sub["group_definition"].nunique(),
            p,
        )
        if best_key is None or key > best_key:
            best, best_key = p, key
    return best if best is not None else sorted(local["period"].unique())[-1]


def load_city(
    network: str,
    city: str,
    *,
    peers: list[str] | None = None,
    periods: list[str] | None = None,
    permutations: int = 999,
    seed: int = 0,
) -> CityData:
    """Read a city and its peers, check periods and profiles; the rest is computed when a section asks.

    Parameters
    ----------
    network : str
        Network id (or path to its YAML file).
    city : str
        City id.
    peers : list of str, optional
        Peer cities (default: every other city of the network).
    periods : list of str, optional
        Periods of the city to show (default: all it has).
    permutations, seed : int
        LISA permutations and random seed (reproducible maps).

    Returns
    -------
    CityData

    Examples
    --------
    >>> a = load_city("helsinki-berlin", "vantaa")
    >>> a.map_period
    '2016'
    """
    import warnings

    from compare.sources import load_network, read_network_config

    cfg, _ = read_network_config(network)
    if city not in cfg["cities"]:
        raise DataError(f"unknown city {city!r}; the network has {sorted(cfg['cities'])}", column="city")
    peers = [p for p in (peers or [c for c in cfg["cities"] if c != city]) if p != city]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = load_network(network, cities=[city, *peers])
    notes = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    pop = net.population
    city_periods = sorted(pop.loc[pop["city"] == city, "period"].unique())
    chosen = [p for p in city_periods if not periods or p in set(periods)]
    if not chosen:
        raise DataError(
            f"no data for periods {periods} in city {city!r}; available: {city_periods}",
            column="period",
        )
    data = CityData(net, city, peers, chosen, permutations=permutations, seed=seed, load_notes=notes)
    _ = data.profiles  # inputs are checked where they enter: a profile naming areas the data lack fails here
    return data


def _id_matches(net, city: str) -> tuple[dict | None, str | None]:
    """Boundary correspondence table (``*-matches.json``) beside the city's data files, if any."""
    import json
    from pathlib import Path

    files = net.files
    dirs = {Path(p).parent for p in files.loc[files["city"] == city, "path"]}
    for d in sorted(dirs):
        for f in sorted(d.glob("*-matches.json")):
            with open(f, encoding="utf-8") as fh:
                raw = json.load(fh)
            if isinstance(raw, dict):
                return {str(k): [str(x) for x in v] for k, v in raw.items()}, str(f)
    return None, None
