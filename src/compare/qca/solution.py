"""Conservative, parsimonious and intermediate solutions of a truth table.

* **conservative** (complex): minimise the positive rows only; remainders are treated as
  negative (Ragin 1987).
* **parsimonious**: remainders may be used as "don't cares" wherever they simplify the
  solution; the remainders used are the *simplifying assumptions*.
* **intermediate**: only the *easy counterfactuals* may be used: remainders that are simplifying
  assumptions of the parsimonious model and differ from an observed positive row only in
  conditions whose value in the remainder matches the directional expectation (Ragin & Sonnett
  2005; Ragin 2008, ch. 9). Computed once per parsimonious model, as in R package QCA.

Every solution lists *all* minimal sums (equivalent models ``M1, M2, ...``), with parameters of
fit for each term and each model (see :mod:`compare.qca.fit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare.errors import ConfigError
from compare.qca.fit import expression_membership, format_expression, parameters_of_fit
from compare.qca.minimize import (
    Implicant,
    covers,
    implicant_to_string,
    minimal_covers,
    pi_chart,
    prime_implicants,
    sort_key,
)
from compare.qca.truthtable import TruthTable
from compare.summary import Summary

__all__ = ["QCASolution", "minimize", "parse_directional_expectations"]

_KINDS = ("conservative", "parsimonious", "intermediate")


def parse_directional_expectations(
    dir_exp: str | Mapping[str, int | str] | Sequence[str], conditions: Sequence[str]
) -> dict[str, int]:
    """Directional expectations as ``{condition: 1 or 0}``; conditions left out are "don't care".

    Accepts R QCA's string form (``"DEV, URB, ~IND"``), a list of such literals, or a mapping
    ``{"DEV": 1, "IND": 0, "URB": "-"}``.

    Examples
    --------
    >>> parse_directional_expectations("A, ~C", ["A", "B", "C"])
    {'A': 1, 'C': 0}
    """
    if isinstance(dir_exp, str):
        items = [s.strip() for s in dir_exp.split(",") if s.strip()]
    elif isinstance(dir_exp, Mapping):
        items = []
        for c, v in dir_exp.items():
            if v in ("-", None):
                continue
            if v not in (0, 1):
                raise ConfigError(f"directional expectation for {c!r} must be 1, 0 or '-'", key=c)
            items.append(c if v == 1 else f"~{c}")
    else:
        items = [str(s).strip() for s in dir_exp]
    out: dict[str, int] = {}
    for it in items:
        if "*" in it or "+" in it:
            raise ConfigError(
                f"conjunctural directional expectation {it!r} is not supported; give one "
                "literal per condition",
                key="dir_exp",
            )
        neg = it.startswith("~")
        name = it[1:] if neg else it
        if name not in conditions:
            raise ConfigError(
                f"directional expectation names unknown condition {name!r}; conditions: {list(conditions)}",
                key="dir_exp",
            )
        out[name] = 0 if neg else 1
    return out


@dataclass
class QCASolution:
    """Result of :func:`minimize`: all equivalent minimal models with parameters of fit.

    Attributes
    ----------
    kind : str
        ``"conservative"``, ``"parsimonious"`` or ``"intermediate"``.
    models : list of list of tuple
        Each model is a list of implicants (1 present, 0 absent, -1 eliminated).
    truth_table : TruthTable
    primes : list of tuple
        Prime implicants of the chart the models were chosen from.
    simplifying_assumptions : list of DataFrame
        Per model, the remainder rows the model covers (parsimonious and intermediate; for the
        intermediate solution these are the easy counterfactuals used).
    dir_exp : dict
        Directional expectations (intermediate solution only).
    """

    kind: str
    models: list[list[Implicant]]
    truth_table: TruthTable
    primes: list[Implicant]
    simplifying_assumptions: list[pd.DataFrame] = field(default_factory=list)
    dir_exp: dict[str, int] = field(default_factory=dict)
    source_models: list[str] = field(default_factory=list)

    @property
    def conditions(self) -> list[str]:
        """Condition names."""
        return self.truth_table.conditions

    @property
    def outcome(self) -> str:
        """Outcome label (``~`` when negated)."""
        return self.truth_table.outcome

    @property
    def formulas(self) -> list[str]:
        """One readable formula per model, e.g. ``"DEV*~IND + URB*STB"``."""
        return [format_expression(m, self.conditions) for m in self.models]

    @property
    def formula(self) -> str:
        """The formula of the only model, or all models joined by ``" | "``."""
        return " | ".join(self.formulas)

    @property
    def essential(self) -> list[str]:
        """Terms that appear in every model."""
        if not self.models:
            return []
        common = set(self.models[0]).intersection(*map(set, self.models[1:]))
        return [implicant_to_string(i, self.conditions) for i in sorted(common, key=sort_key)]

    @property
    def pi_chart(self) -> pd.DataFrame:
        """Prime-implicant chart: terms x positive rows (row numbers as in the truth table)."""
        pos = self.truth_table.positive()
        chart = pi_chart(self.primes, self.truth_table.minterms("1"))
        chart.index = [implicant_to_string(p, self.conditions) for p in self.primes]
        labels = {
            "".join(str(v) for v in r): int(i)
            for i, r in zip(pos.index, pos[self.conditions].to_numpy(), strict=True)
        }
        chart.columns = [labels[c] for c in chart.columns]
        return chart

    def terms(self) -> pd.DataFrame:
        """Tidy parameters of fit: one row per (model, term), plus one ``role == "model"`` row.

        Columns ``model, term, role, inclS, PRI, covS, covU, cases``; ``covU`` is unique
        coverage within the model.
        """
        frames = []
        for j, m in enumerate(self.models, start=1):
            t = parameters_of_fit(self.truth_table.data, m, self.outcome, self.conditions, cases=True)
            t["role"] = t["role"].replace({"expression": "model"})
            t.insert(0, "model", f"M{j}")
            frames.append(t)
        if not frames:
            return pd.DataFrame(columns=["model", "term", "role", "inclS", "PRI", "covS", "covU", "cases"])
        return pd.concat(frames, ignore_index=True)

    def fit(self) -> pd.DataFrame:
        """One row per model: ``model, formula, inclS, PRI, covS``."""
        t = self.terms()
        m = t[t["role"] == "model"][["model", "term", "inclS", "PRI", "covS"]]
        return m.rename(columns={"term": "formula"}).reset_index(drop=True)

    def membership(self, model: int = 0) -> pd.Series:
        """Membership of every case in a model (fuzzy OR of its terms)."""
        x = expression_membership(self.truth_table.data, self.models[model], self.conditions)
        return pd.Series(x, index=self.truth_table.data.index, name=self.formulas[model])

    def summary(self) -> Summary:
        """Report in the layout of R QCA's ``minimize(..., details = TRUE)`` (text or HTML)."""
        tt = self.truth_table
        n1 = int(tt.positive()["n"].sum())
        n0 = int(tt.negative()["n"].sum())
        nc = int(tt.rows("C")["n"].sum())
        conditions = ", ".join(self.conditions)
        s = Summary(
            f"{self.kind.capitalize()} solution for {self.outcome} (conditions: {conditions})",
            info=[("n OUT = 1/0/C", f"{n1}/{n0}/{nc}"), ("Total", len(tt.data))],
        )
        if self.dir_exp:
            de = ", ".join(c if v == 1 else f"~{c}" for c, v in self.dir_exp.items())
            s.info.append(("Directional expectations", de))
        if not self.models:
            return s.add_note("No positive rows: nothing to minimise.")
        models = []
        for j, f in enumerate(self.formulas, start=1):
            src = f" (from {self.source_models[j - 1]})" if self.source_models else ""
            models.append(f"M{j}: {f} -> {self.outcome}{src}")
        t = self.terms()
        show = t[["model", "term", "inclS", "PRI", "covS", "covU", "cases"]].copy()
        for c in ["inclS", "PRI", "covS", "covU"]:
            show[c] = show[c].map(lambda v: "-" if pd.isna(v) else f"{v:.3f}")
        return s.add_table("Models", "\n".join(models)).add_table("Terms", show)

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        return self.summary().as_text()


def _solve(on: list[Implicant], dc: list[Implicant], k: int) -> tuple[list, list]:
    primes = prime_implicants(on, dc, k=k)
    chart = pi_chart(primes, on)
    models = [sorted(m, key=sort_key) for m in minimal_covers(chart)]
    models.sort(key=lambda m: [sort_key(i) for i in m])
    return primes, models


def _covered_rows(tt: TruthTable, model: Sequence[Implicant], rows: pd.DataFrame) -> pd.DataFrame:
    mt = [tuple(int(v) for v in r) for r in rows[tt.conditions].to_numpy()]
    keep = [any(covers(i, m) for i in model) for m in mt]
    return rows[np.array(keep, dtype=bool)] if len(rows) else rows


def _easy(remainder: Sequence[int], positives: list[Implicant], de: dict[int, int]) -> bool:
    for p in positives:
        if all(r == p[j] or (j in de and r == de[j]) or j not in de for j, r in enumerate(remainder)):
            return True
    return False


def minimize(
    tt: TruthTable,
    kind: str = "conservative",
    *,
    include: Sequence[str] = (),
    dir_exp: str | Mapping[str, int | str] | Sequence[str] | None = None,
) -> QCASolution:
    """Minimise a truth table into a conservative, parsimonious or intermediate solution.

    Parameters
    ----------
    tt : TruthTable
        From :func:`~compare.qca.truth_table`.
    kind : {"conservative", "parsimonious", "intermediate"}
    include : sequence of str, optional
        Extra ``OUT`` codes used as don't cares, e.g. ``["C"]`` for contradictions
        (remainders ``"?"`` are added automatically for the parsimonious and intermediate
        solutions).
    dir_exp : str, mapping or list, optional
        Directional expectations for the intermediate solution, e.g. ``"DEV, URB, ~IND"``.

    Returns
    -------
    QCASolution

    References
    ----------
    Ragin, C. C. & Sonnett, J. (2005) "Between complexity and parsimony: limited diversity,
    counterfactual cases, and comparative analysis". Dusa, A. (2019) *QCA with R*, ch. 8.

    Examples
    --------
    >>> from compare.qca.truthtable import truth_table
    >>> df = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 1, 0], "Y": [1, 1, 0, 0]})
    >>> minimize(truth_table(df, "Y")).formula
    'A'
    """
    if kind not in _KINDS:
        raise ConfigError(f"kind must be one of {_KINDS}, got {kind!r}", key="kind")
    bad = [c for c in include if c not in ("?", "C")]
    if bad:
        raise ConfigError(f"include accepts '?' and 'C', got {bad}", key="include")
    k = len(tt.conditions)
    on = tt.minterms("1")
    extra = [c for c in include if c != "?"]
    if not on:
        return QCASolution(kind=kind, models=[], truth_table=tt, primes=[])
    if kind == "conservative":
        dc = tt.minterms(extra) if extra else []
        if "?" in include:
            dc += tt.minterms("?")
        primes, models = _solve(on, dc, k)
        return QCASolution(kind=kind, models=models, truth_table=tt, primes=primes)

    remainder_rows = tt.remainders()
    dc = tt.minterms(["?"] + extra)
    primes, models = _solve(on, dc, k)
    if kind == "parsimonious":
        sa = [_covered_rows(tt, m, remainder_rows) for m in models]
        return QCASolution(
            kind=kind, models=models, truth_table=tt, primes=primes, simplifying_assumptions=sa
        )

    if dir_exp is None:
        raise ConfigError("the intermediate solution needs directional expectations (dir_exp)", key="dir_exp")
    de = parse_directional_expectations(dir_exp, tt.conditions)
    de_idx = {tt.conditions.index(c): v for c, v in de.items()}
    out_models: list[list[Implicant]] = []
    out_sa: list[pd.DataFrame] = []
    sources: list[str] = []
    all_primes: set[Implicant] = set()
    for j, pm in enumerate(models, start=1):
        sa = _covered_rows(tt, pm, remainder_rows)
        sa_mt = [tuple(int(v) for v in r) for r in sa[tt.conditions].to_numpy()]
        easy = [r for r in sa_mt if _easy(r, on, de_idx)]
        ec_rows = sa[[r in set(easy) for r in sa_mt]] if len(sa) else sa
        ip, im = _solve(on, easy + (tt.minterms(extra) if extra else []), k)
        all_primes.update(ip)
        for m in im:
            if m in out_models:
                continue
            out_models.append(m)
            out_sa.append(ec_rows)
            sources.append(f"P{j}")
    return QCASolution(
        kind=kind,
        models=out_models,
        truth_table=tt,
        primes=sorted(all_primes, key=sort_key),
        simplifying_assumptions=out_sa,
        dir_exp=de,
        source_models=sources,
    )
