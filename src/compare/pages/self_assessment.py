"""The city report's "How the local group assesses its model" section.

The section reads the stored self-assessment responses of the city
(``data/self-assessment/<city>/<round>.csv``, :func:`compare.governance.load_responses`) and
shows: the number of raters by role and round; the consensus (median, quartiles, raters) next
to the desk-review score of the profile, which stays as it is; Krippendorff's alpha per round
with its bootstrap interval; the criteria the raters disagree on most; whether residents answer
differently from the other members (exact permutation test, with what the group sizes allow);
the change between the first and the last round, said to be a change only where it exceeds
the raters' disagreement; and the raters' comments, quoted and escaped, without rater codes.

When the responses are fictitious example raters (:mod:`compare.governance.examples`) the
section says so first, in every table caption and in every figure's source line.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["SelfAssessment", "load_self_assessment", "response_files", "show_self_assessment", "key_figures"]


@dataclass
class SelfAssessment:
    """Everything the section shows for one city."""

    city: str
    name: str
    rubric: Any
    responses: pd.DataFrame
    rounds: list
    consensus: pd.DataFrame = field(default_factory=pd.DataFrame)
    agreement: dict = field(default_factory=dict)
    disagreement: pd.DataFrame = field(default_factory=pd.DataFrame)
    roles: pd.DataFrame = field(default_factory=pd.DataFrame)
    role_tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    change: pd.DataFrame = field(default_factory=pd.DataFrame)
    change_dimensions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def has_responses(self) -> bool:
        """Whether the city has any stored responses."""
        return len(self.responses) > 0

    @property
    def example(self) -> bool:
        """Whether any response is a fictitious example rater."""
        return bool(self.has_responses and self.responses["example"].any())

    @property
    def latest(self) -> str | None:
        """The latest round."""
        return self.rounds[-1] if self.rounds else None

    def source_line(self) -> str:
        """Source line of the section's figures (says when the raters are fictitious)."""
        from compare.governance.examples import EXAMPLE_NOTE

        base = (
            f"Source: self-assessment forms of the local group of {self.name} "
            "(data/self-assessment, compare.governance); desk review: data/governance."
        )
        if self.example:
            import textwrap

            return "\n".join(textwrap.wrap(EXAMPLE_NOTE + " " + base, 150))
        return base


def response_files(city: str, directory=None) -> dict:
    """Stored response files of a city (``self-assessment/<city>/<round>.csv``) for provenance."""
    from compare.governance.responses import responses_dir

    root = responses_dir(directory) / city
    return {f"self-assessment/{city}/{p.name}": p for p in sorted(root.glob("*.csv"))}


def load_self_assessment(city: str, profile=None, rubric=None, *, name: str | None = None, directory=None):
    """Compute what the section shows for ``city``.

    Parameters
    ----------
    city : str
    profile : Profile, optional
        The city's governance profile (desk-review scores shown beside the consensus).
    rubric : Rubric, optional
    name : str, optional
        Display name.
    directory : path, optional
        Folder of stored responses.

    Returns
    -------
    SelfAssessment

    Examples
    --------
    >>> s = load_self_assessment("vantaa")
    >>> s.rounds
    ['baseline', 'follow-up']
    >>> s.example
    True
    """
    from compare.governance import (
        agreement,
        consensus,
        disagreement,
        load_responses,
        load_rubric,
        role_counts,
        role_differences,
        round_change,
        rounds_of,
        with_desk_review,
    )

    rubric = rubric or load_rubric()
    resp = load_responses(directory, cities=[city], rubric=rubric)
    s = SelfAssessment(city=city, name=name or city.title(), rubric=rubric, responses=resp, rounds=[])
    if resp.empty:
        return s
    s.rounds = rounds_of(resp, city)
    profiles = {city: profile} if profile is not None else {}
    s.consensus = with_desk_review(consensus(resp, rubric), profiles)
    for rnd in s.rounds:
        sub = resp[resp["round"] == rnd].rename(columns={"criterion": "unit"})
        s.agreement[rnd] = agreement(sub, level="ordinal", n_boot=1000, seed=0)
    s.disagreement = disagreement(resp)
    s.roles = role_counts(resp)
    if (resp["role"] == "resident").any():
        s.role_tests = pd.concat(
            [role_differences(resp, "resident", level=lv) for lv in ("overall", "dimension")],
            ignore_index=True,
        )
    if len(s.rounds) >= 2:
        s.change = round_change(resp, s.rounds[0], s.rounds[-1], level="criterion")
        s.change_dimensions = round_change(resp, s.rounds[0], s.rounds[-1], level="dimension")
    return s


def _fmt(x, nd: int = 2) -> str:
    return "–" if pd.isna(x) else f"{x:.{nd}f}".rstrip("0").rstrip(".") if nd else f"{x:.0f}"


def consensus_table(s: SelfAssessment, rnd: str | None = None) -> pd.DataFrame:
    """Desk-review score and the group's consensus per criterion (one round, default the latest)."""
    rnd = rnd or s.latest
    names = {c.id: c.name for c in s.rubric.criteria}
    dims = {d.id: d.name for d in s.rubric.dimensions}
    t = s.consensus[s.consensus["round"] == rnd]
    return pd.DataFrame(
        {
            "dimension": [dims.get(d, d) for d in t["dimension"]],
            "criterion": [names.get(c, c) for c in t["criterion"]],
            "desk review": [_fmt(x, 0) for x in t["desk_score"]],
            "consensus (median)": [_fmt(x, 1) for x in t["median"]],
            "interquartile range": [
                f"{_fmt(a, 2)}-{_fmt(b, 2)}" for a, b in zip(t["q25"], t["q75"], strict=True)
            ],
            "raters": t["n_raters"].astype(int).to_numpy(),
            "don't know": t["n_dont_know"].astype(int).to_numpy(),
        }
    )


def agreement_table(s: SelfAssessment) -> pd.DataFrame:
    """Krippendorff's alpha per round with interval, counts and reading."""
    rows = []
    for rnd, a in s.agreement.items():
        lo, hi = a.conf_int
        rows.append(
            {
                "round": rnd,
                "alpha (ordinal)": _fmt(a.alpha, 2),
                "95% interval": f"{_fmt(lo, 2)} to {_fmt(hi, 2)}",
                "raters": a.n_raters,
                "criteria": a.n_units,
                "pairable answers": a.n_pairable,
                "reading": a.reading(),
            }
        )
    return pd.DataFrame(rows)


def key_figures(s: SelfAssessment) -> dict:
    """Figures of the section for ``results.json`` (empty without responses)."""
    if not s.has_responses:
        return {}
    a = s.agreement[s.latest]
    out = {
        "rounds": s.rounds,
        "raters_latest_round": int(s.responses.loc[s.responses["round"] == s.latest, "rater"].nunique()),
        "alpha_latest_round": None if not a.defined else round(a.alpha, 3),
        "example_raters": s.example,
    }
    if len(s.change):
        out["criteria_changed"] = s.change.loc[s.change["changed"], "criterion"].tolist()
    return out


def show_self_assessment(s: SelfAssessment) -> None:
    """Display the section (all text escaped).

    Examples
    --------
    >>> show_self_assessment(load_self_assessment("vantaa"))  # doctest: +SKIP
    """
    from IPython.display import HTML, display

    from compare.governance.examples import EXAMPLE_NOTE
    from compare.pages._display import _close, show
    from compare.plots.self_assessment import (
        plot_consensus,
        plot_desk_vs_self,
        plot_rater_heatmap,
        plot_round_change,
    )

    esc = _html.escape
    if not s.has_responses:
        display(
            HTML(
                f"<p>No self-assessment of {esc(s.name)}'s local group is stored "
                f"(<code>data/self-assessment/{esc(s.city)}/</code>): the scores above are a desk review "
                "only. To collect one, write the forms with <code>python -m compare assess questionnaire "
                f"{esc(s.city)} -o {esc(s.city)}.xlsx</code> (or <code>.html</code>) and import the filled "
                "forms with <code>python -m compare assess import FILES --round baseline</code>.</p>"
            )
        )
        return None
    tag = " (fictitious example raters)" if s.example else ""
    if s.example:
        display(
            HTML(
                "<div style='border:2px solid #b00;background:#fff3f3;padding:0.6em 1em;margin:0.5em 0'>"
                f"<strong>{esc(EXAMPLE_NOTE)}</strong></div>"
            )
        )
    src = s.source_line()
    latest = s.latest
    n_latest = s.responses.loc[s.responses["round"] == latest, "rater"].nunique()
    display(
        HTML(
            f"<p>Members of {esc(s.name)}'s local group assessed the model with the rubric questionnaire "
            f"({len(s.rounds)} round{'s' if len(s.rounds) > 1 else ''}: {esc(', '.join(s.rounds))}; "
            f"{n_latest} raters in the latest round{esc(tag)}). The consensus is the median answer; the desk "
            "review of the profile is shown beside it and is not replaced. Answers 'don't know' are "
            "counted, never scored.</p>"
        )
    )
    roles = s.roles.pivot(index="role", columns="round", values="raters").reindex(columns=s.rounds)
    roles = roles.fillna(0).astype(int).reset_index()
    roles.columns.name = None
    roles["role"] = roles["role"].str.replace("_", " ")
    display(HTML(f"<p><strong>Raters by role and round{esc(tag)}</strong></p>"))
    display(show(roles))

    display(HTML(f"<p><strong>Desk review and consensus, round {esc(latest)}{esc(tag)}</strong></p>"))
    display(show(consensus_table(s)))
    sub = s.responses[s.responses["round"] == latest]
    cons = s.consensus[s.consensus["round"] == latest]
    display(
        _close(
            plot_consensus(
                cons,
                s.rubric,
                title=f"{s.name}: how the local group scores each criterion ({latest}){tag}",
                source=src,
            )
        )
    )
    if cons["desk_score"].notna().any():
        display(
            _close(
                plot_desk_vs_self(
                    cons,
                    s.rubric,
                    title=f"{s.name}: desk review against self-assessment ({latest}){tag}",
                    source=src,
                )
            )
        )

    display(HTML(f"<p><strong>Agreement between raters{esc(tag)}</strong></p>"))
    display(show(agreement_table(s)))
    display(
        HTML(
            "<p>Krippendorff's alpha (ordinal, <code>krippendorff</code> package) over the criteria as "
            "units: "
            "1 = the raters agree fully, 0 = no better than chance; Krippendorff suggests relying on "
            "alpha &ge; 0.800 and drawing tentative conclusions from 0.667. The interval is a percentile "
            "bootstrap over criteria (1,000 resamples); with about a dozen criteria it is wide.</p>"
        )
    )
    display(
        _close(
            plot_rater_heatmap(
                sub, s.rubric, title=f"{s.name}: answers by criterion and rater ({latest}){tag}", source=src
            )
        )
    )

    dis = s.disagreement[s.disagreement["round"] == latest].head(4)
    names = {c.id: c.name for c in s.rubric.criteria}
    if len(dis):
        items = "".join(
            f"<li>{esc(names.get(r.criterion, r.criterion))}: two raters are on average "
            f"{r.mean_pair_difference:.1f} levels apart (median {r.median:g}, "
            f"interquartile range {r.iqr:g}, range {r.range:g} levels; {r.n_raters} raters)</li>"
            for r in dis.itertuples()
        )
        display(
            HTML(f"<p><strong>Where the raters disagree most ({esc(latest)})</strong></p><ul>{items}</ul>")
        )

    if len(s.role_tests):
        rt = s.role_tests[s.role_tests["round"] == latest].copy()
        dims = {d.id: d.name for d in s.rubric.dimensions}
        rt["unit"] = rt["unit"].map(lambda u: dims.get(u, u))
        rt = rt.rename(
            columns={
                "unit": "compared on",
                "n_group": "residents",
                "n_other": "other members",
                "mean_group": "mean, residents",
                "mean_other": "mean, others",
            }
        )
        for c in ("mean, residents", "mean, others", "difference", "p_value", "p_holm", "min_p"):
            rt[c] = rt[c].round(2)
        display(
            HTML(
                "<p><strong>Do residents assess the model differently? "
                f"({esc(latest)}{esc(tag.replace(' (', '; ').rstrip(')'))})</strong></p>"
            )
        )
        display(show(rt.drop(columns=["city", "round", "method"])))
        display(
            HTML(
                "<p>Exact permutation test of the difference in mean answers (every split of the raters "
                "into groups of these sizes); <em>min_p</em> is the smallest p-value the group sizes "
                "allow, <em>p_holm</em> the p-value adjusted for testing several dimensions (Holm).</p>"
            )
        )

    if len(s.change):
        first, last = s.rounds[0], s.rounds[-1]
        display(HTML(f"<p><strong>Change between rounds: {esc(first)} to {esc(last)}{esc(tag)}</strong></p>"))
        dims = {d.id: d.name for d in s.rubric.dimensions}
        cd = s.change_dimensions.copy()
        cd.insert(0, "dimension name", cd["dimension"].map(lambda d: dims.get(d, d)))
        cols = [
            "dimension name",
            "n_baseline",
            "n_follow_up",
            "median_baseline",
            "median_follow_up",
            "change",
            "ci_low",
            "ci_high",
            "verdict",
        ]
        display(show(cd[cols].round(2)))
        changed = s.change[s.change["changed"]]
        txt = (
            "Criteria whose change exceeds the raters' disagreement: "
            + ", ".join(
                f"{names.get(r.criterion, r.criterion)} ({r.change:+g})" for r in changed.itertuples()
            )
            if len(changed)
            else "No single criterion changed by more than the raters' disagreement allows"
        ) + "."
        display(
            HTML(
                f"<p>{esc(txt)} A change counts only when its 95% bootstrap interval (raters of each round "
                "resampled) excludes zero and both rounds have at least 3 raters.</p>"
            )
        )
        display(
            _close(
                plot_round_change(
                    s.change,
                    s.rubric,
                    title=f"{s.name}: change per criterion, {first} to {last}{tag}",
                    source=src,
                )
            )
        )

    com = s.responses[s.responses["comment"].astype(str).str.len() > 0]
    if len(com):
        com = com[com["round"] == latest] if (com["round"] == latest).any() else com
        quotes = "".join(
            f"<blockquote style='margin:0.4em 1em;border-left:3px solid #ccc;padding-left:0.6em'>"
            f"&ldquo;{esc(r.comment)}&rdquo;<br><small>{esc(r.role.replace('_', ' '))} on "
            f"{esc(names.get(r.criterion, r.criterion))} ({esc(r.round)})</small></blockquote>"
            for r in com.itertuples()
        )
        display(
            HTML(
                f"<p><strong>Comments of the raters{esc(tag)}</strong> (quoted, without rater codes)</p>"
                + quotes
            )
        )
    return None
