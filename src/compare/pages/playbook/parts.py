"""The six parts of the Action Playbook, each rendered to escaped HTML from :class:`PlaybookData`.

1. Models: the network's area-based models grouped into types, what sets each type apart.
2. Where each city stands: segregation side by side, one page per city.
3. Lessons learned: evaluations of local actions, the QCA, where stakeholders disagree.
4. Transfers: weakest criteria matched to peers' practices; transfers through URBACT's stages.
5. Local action plans: the URBACT action table per city.
6. Tools and methods: how each figure was made and how to reproduce it; sources and licences.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from compare.pages.html import esc
from compare.pages.playbook.data import CityEntry, PlaybookData

__all__ = ["Part", "PARTS", "build_parts"]


@dataclass
class Part:
    """One part of the Playbook: anchor id, title and its HTML body."""

    id: str
    title: str
    html: str


# ---------------------------------------------------------------------------------------- helpers
def _num(x, nd: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) >= 1):
        return f"{int(x):,}"
    if isinstance(x, float):
        return f"{x:,.{nd}f}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    """An HTML table; ``rows`` hold HTML already escaped (use :func:`esc` on text)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<div class="tw"><table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def _figure(fig, title: str, units: str, source: str) -> str:
    """A matplotlib figure as an embedded PNG with its title, units and source line."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{esc(title)}">'
        f"<figcaption><strong>{esc(title)}</strong>. Units: {esc(units)}. {esc(source)}</figcaption></figure>"
    )


def _report_link(c: CityEntry, anchor: str = "", text: str = "full city report") -> str:
    if c.results is None:
        return ""
    return _link(f"{c.slug}.html{('#' + anchor) if anchor else ''}", text)


def _status_note(c: CityEntry) -> str:
    if c.status == "failed":
        return f'<p class="warn">This city\'s report failed in the last run ({esc(c.error)}); its figures are missing here.</p>'
    if c.results is None:
        return '<p class="warn">This city has no report yet; its figures are missing here.</p>'
    return ""


def _source_links(sources: dict, ids: Sequence[str] | None = None, limit: int = 4) -> str:
    items = []
    for sid, s in sources.items():
        if ids is not None and sid not in ids:
            continue
        title = getattr(s, "title", sid) or sid
        url = getattr(s, "url", "") or ""
        pub = getattr(s, "publisher", "") or ""
        label = f"{title} ({pub})" if pub else title
        items.append(_link(url, label) if url else esc(label))
        if len(items) >= limit:
            break
    return "; ".join(items)


# ---------------------------------------------------------------------------------------- 1 models
def _distinguishing(d: PlaybookData, members: list[str], top: int = 3) -> list[tuple[str, float, float]]:
    """Criteria whose mean score in the type differs most from the other cities' mean."""
    m = d.scores
    inside = m.loc[[c for c in members if c in m.index]].mean()
    rest_ids = [c for c in m.index if c not in members]
    if not rest_ids:
        return []
    rest = m.loc[rest_ids].mean()
    diff = (inside - rest).dropna()
    order = diff.abs().sort_values(ascending=False, kind="stable").index[:top]
    return [(k, float(inside[k]), float(rest[k])) for k in order if abs(diff[k]) > 0]


def part_models(d: PlaybookData) -> Part:
    """Part 1: model types (the comparison's clustering) with the criteria that set them apart."""
    out = []
    profiled = [c for c in d.cities if c.id in d.profiles]
    if not profiled:
        out.append(
            "<p>No city of the network has a governance profile: there is no model to compare. A city adds one "
            "by writing <code>data/governance/&lt;city&gt;.yml</code> (schema and evidence rules in "
            "<code>data/governance/README.md</code>; <code>python -m compare schema profile</code> gives the JSON "
            "Schema for editors) and naming it under the city's <code>governance_profile:</code> in the network file.</p>"
        )
        return Part("models", "1. Models", "".join(out))
    if d.similarity is None:
        out.append(
            f"<p>Model types are formed by clustering the cities' rubric scores; that needs more profiled "
            f"cities than types (2): the network has {len(profiled)}. Each city's model is listed on its own.</p>"
        )
        groups = {i + 1: [c.id] for i, c in enumerate(profiled)}
    else:
        cl = d.similarity.clusters_
        groups = {}
        for c in profiled:
            groups.setdefault(int(cl[c.id]), []).append(c.id)
        out.append(
            f"<p>The {len(profiled)} profiled cities fall into {len(groups)} model types: average-linkage "
            "clustering of their rubric scores (the local group's consensus where it exists, else the desk "
            "review), as in the network comparison report. A type is described by the criteria on which its "
            "cities score most differently from the rest.</p>"
        )
    for k, members in groups.items():
        names = ", ".join(d.name(c) for c in members)
        out.append(f'<h3 id="type-{k}">Model type {k}: {esc(names)}</h3>')
        crit = _distinguishing(d, members) if d.similarity is not None else []
        if crit:
            items = "".join(
                f"<li>{'higher' if a > b else 'lower'} on <em>{esc(d.rubric.criterion(c).name)}</em> "
                f"({a:.1f} against {b:.1f} in the other cities, scale 0-4)</li>"
                for c, a, b in crit
            )
            out.append(f"<p>What sets it apart:</p><ul>{items}</ul>")
        rows = []
        for cid in members:
            p = d.profiles[cid]
            src = (
                d.assessed[d.assessed["city"] == cid]["source"].iloc[0]
                if d.assessed is not None
                else "desk review"
            )
            rows.append(
                [
                    _link(f"#{d.city(cid).anchor}", d.name(cid)),
                    esc(p.name) + (f" <small>[{esc(p.stage)}]</small>" if p.stage else ""),
                    esc(p.start_year or "–"),
                    esc(src),
                    _source_links(p.sources, limit=3),
                ]
            )
        out.append(_table(["City", "Model", "Since", "Scores from", "Evidence (profile sources)"], rows))
    none = [c for c in d.cities if c.id not in d.profiles]
    if none:
        out.append(
            "<p>Not profiled: "
            + ", ".join(esc(c.name) for c in none)
            + " (no governance profile, or the profile is scored under another entry of the same city).</p>"
        )
    return Part("models", "1. Models", "".join(out))


# ---------------------------------------------------------------------------------------- 2 cities
def fig_dissimilarity(d: PlaybookData):
    """Latest D of every city and group definition with its 95% bootstrap interval (one row each)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = []
    for c in d.cities:
        r = c.results or {}
        for gd, v in (r.get("dissimilarity_latest") or {}).items():
            lo, hi = (r.get("dissimilarity_interval") or {}).get(gd, (None, None))
            rows.append((f"{c.name}: {gd.replace('_', ' ')}", v, lo, hi, c.name))
    if not rows:
        return None
    rows = rows[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(rows) + 1.2))
    names = list(dict.fromkeys(r[4] for r in rows))
    colours = {n: plt.get_cmap("tab10")(i % 10) for i, n in enumerate(names)}
    for i, (_label, v, lo, hi, city) in enumerate(rows):
        if lo is not None:
            ax.plot([lo, hi], [i, i], color=colours[city], lw=2.5, alpha=0.5)
        ax.plot([v], [i], "o", color=colours[city])
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.set_xlabel("index of dissimilarity D (0 = even, 1 = complete separation)")
    ax.set_xlim(0, max(0.4, max(r[1] for r in rows) * 1.15))
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Segregation by city and group, latest period", fontsize=10)
    return fig


def _city_results_row(d: PlaybookData, c: CityEntry) -> list[str]:
    r = c.results or {}
    desk = r.get("mean_rubric_score")
    used = ((d.comparison or {}).get("mean_rubric_score") or {}).get(c.id)
    consensus = c.self_assessment is not None and used is not None
    score = esc(_num(desk, 2)) + (
        f"<br><small>local group: {esc(_num(used, 2))}</small>" if consensus else ""
    )
    very_low = f"{r['covered_in_very_low_status']} of {r['n_covered']}" if r.get("n_covered") else "–"
    return [
        _link(f"#{c.anchor}", c.name),
        esc(c.country),
        esc((r.get("periods") or ["–"])[-1]),
        esc(_num((r.get("key_figures") or {}).get(f"population {(r.get('periods') or [''])[-1]}"))),
        esc(very_low),
        score,
    ]


def _groups(d: PlaybookData) -> list[str]:
    """Group definitions with a latest D in any city, in first-seen order."""
    out: dict[str, None] = {}
    for c in d.cities:
        out.update(dict.fromkeys((c.results or {}).get("dissimilarity_latest") or {}))
    return list(out)


def _dissimilarity_table(d: PlaybookData) -> str:
    """Cities x groups: latest D with its 95% interval below it."""
    groups = _groups(d)
    rows = []
    for c in d.cities:
        r = c.results or {}
        ds, ci = r.get("dissimilarity_latest") or {}, r.get("dissimilarity_interval") or {}
        cells = []
        for gd in groups:
            if gd not in ds:
                cells.append("–")
                continue
            iv = f"<br><small class='nw'>{ci[gd][0]:.3f}–{ci[gd][1]:.3f}</small>" if gd in ci else ""
            cells.append(f"{ds[gd]:.3f}{iv}")
        rows.append([_link(f"#{c.anchor}", c.name), *cells])
    return _table(["City", *[g.replace("_", " ") for g in groups]], rows)


def _comparability(d: PlaybookData) -> str:
    """Which groups can be compared across which cities (in words, from the data)."""
    by_city = {c.name: set((c.results or {}).get("dissimilarity_latest") or {}) for c in d.cities if c.results}
    if not by_city:
        return ""
    shared = set.intersection(*by_city.values())
    if all(v == shared for v in by_city.values()):
        return (
            "<p>Every city publishes the same groups, so cities can be compared group by group; areas of "
            "different sizes still change D (the multiscalar profiles in the city reports compare them at the "
            "same distances).</p>"
        )
    kinds: dict[frozenset, list[str]] = {}
    for name, g in by_city.items():
        kinds.setdefault(frozenset(g), []).append(name)
    parts = [
        f"{', '.join(names)}: {', '.join(sorted(x.replace('_', ' ') for x in g)) or 'no group'}"
        for g, names in kinds.items()
    ]
    common = ", ".join(sorted(x.replace("_", " ") for x in shared)) or "none"
    return (
        "<p>The cities publish different groups (" + esc("; ".join(parts)) + "). Groups shared by all: "
        + esc(common) + ". Compare a city's groups with each other and over time, and cities only on a group "
        "they share.</p>"
    )


def _dimension_table(d: PlaybookData, c: CityEntry) -> str:
    """Dimension means of the city's desk review and, where it exists, its local group's consensus."""
    if c.id not in d.desk_dimensions.index:
        return "<p>No rubric scores.</p>"
    desk = d.desk_dimensions.loc[c.id]
    consensus = c.self_assessment is not None and c.id in d.dimensions.index
    rows = []
    for dim in d.rubric.dimensions:
        row = [esc(dim.name), esc(_num(desk.get(dim.id), 1))]
        if consensus:
            row.append(esc(_num(d.dimensions.at[c.id, dim.id], 1)))
        rows.append(row)
    header = ["Dimension", "Desk review (0-4)"] + (["Local group's consensus (0-4)"] if consensus else [])
    return _table(header, rows)


def _self_assessment_html(c: CityEntry) -> str:
    s = c.self_assessment
    if s is None:
        return "<p>The local group has not assessed the model yet (no responses in data/self-assessment).</p>"
    a = s.agreement[s.latest]
    lo, hi = a.conf_int
    parts = [
        f"<p>Local group's self-assessment, round <em>{esc(s.latest)}</em>: {a.n_raters} raters; "
        f"Krippendorff's alpha (ordinal) {_num(a.alpha, 2)} [{_num(lo, 2)}, {_num(hi, 2)}]: {esc(a.reading())}.</p>"
    ]
    if s.example:
        parts.append('<p class="warn">These raters are fictitious examples, not the city\'s local group.</p>')
    return "".join(parts)


def _europe_html(c: CityEntry) -> str:
    pos = (c.results or {}).get("europe_position") or []
    rows = [
        [esc(p["group_definition"].replace("_", " ")), esc(p["index"]), esc(_num(p["value"])),
         esc(f"{p['rank_all']} of {p['n_all']}"), esc(_num(p["median_all"]))]
        for p in pos if p.get("index") == "dissimilarity"
    ]  # fmt: skip
    if not rows:
        return ""
    return (
        "<p>Against all European urban centres (Census 2021 1 km grid; rank 1 = most segregated):</p>"
        + _table(["Group", "Index", "Value", "Rank", "Median of all centres"], rows)
    )


def _city_page(d: PlaybookData, c: CityEntry) -> str:
    r = c.results or {}
    p = c.profile
    head = (
        f'<section class="city" id="{esc(c.anchor)}"><h3>{esc(c.name)} <small>{esc(c.country)}</small></h3>'
        + _status_note(c)
    )
    model = (
        f"<p><strong>Model:</strong> {esc(p.name)}"
        + (f" (stage: {esc(p.stage)}, since {esc(p.start_year)})" if p.stage else "")
        + f". {esc(p.summary)}</p>"
        if p is not None
        else "<p>No governance profile is declared for this city: only its data are shown.</p>"
    )
    figs = r.get("key_figures") or {}
    kf = _table(["Figure", "Value"], [[esc(k), esc(_num(v))] for k, v in figs.items()]) if figs else ""
    link = _report_link(c)
    return (
        head
        + model
        + kf
        + _europe_html(c)
        + (
            "<h4>Governance profile</h4>" + _dimension_table(d, c) + _self_assessment_html(c)
            if p is not None
            else ""
        )
        + (f"<p>More: {link}.</p>" if link else "")
        + "</section>"
    )


def part_cities(d: PlaybookData) -> Part:
    """Part 2: a side-by-side table and figure, then one page per city."""
    rows = [_city_results_row(d, c) for c in d.cities]
    out = [
        _table(["City", "Country", "Latest period", "Residents", "Covered areas in very low status",
                "Mean rubric score, desk review (0-4)"], rows),  # fmt: skip
        "<p>Index of dissimilarity D of each group the city publishes, latest period, with its 95% "
        "bootstrap interval (multinomial resampling of the counts, 199 draws). D is biased upwards on "
        "small areas, so the interval can sit at or above the estimate; the city reports give the "
        "bias-corrected D and the value expected under random allocation.</p>",
        _dissimilarity_table(d),
    ]
    fig = fig_dissimilarity(d)
    if fig is not None:
        out.append(_figure(fig, "Segregation by city and group, latest period", "D, 0 to 1; bars: 95% interval",
                           d.source_line))  # fmt: skip
    out.append(_comparability(d))
    out += [_city_page(d, c) for c in d.cities]
    return Part("cities", "2. Where each city stands", "".join(out))


# ---------------------------------------------------------------------------------------- 3 lessons
def _effect_sentence(e: dict) -> str:
    lo, hi = e["conf_int"]
    if lo <= 0 <= hi:
        verdict = "no effect can be told apart from zero"
    else:
        verdict = (
            "the share "
            + ("rose" if e["estimate"] > 0 else "fell")
            + " in the target areas relative to the comparison areas"
        )
        if any(str(c).startswith("Pre-trends differ") for c in e.get("caveats") or []):
            # never stronger than the evidence: diverging pre-trends undo the design's assumption
            verdict += (
                ", but target and comparison areas already moved differently before the start, "
                "so this is not evidence of an effect of the action"
            )
    return (
        f"{e['estimate']:+.2f} percentage points [{lo:+.2f}, {hi:+.2f}] on the share '{e['outcome']}' "
        f"({e['method']}, {e['n_target_areas']} target and {e['n_comparison_areas']} comparison areas, "
        f"{e['periods'][0]}-{e['periods'][-1]}): {verdict}"
    )


def part_lessons(d: PlaybookData) -> Part:
    """Part 3: what the evaluations, the QCA and the local groups' disagreement show."""
    out = [
        "<p>Every lesson below links to where it comes from. An estimate is the change in the target areas "
        "beyond the change in comparison areas of the same city; where the design cannot separate the "
        "action from other differences, it says so, and a gap between areas at one time is never called an effect.</p>",
        "<h3>Evaluations of local actions</h3>",
    ]
    any_action = False
    for c in d.cities:
        effects = (c.results or {}).get("action_effects") or []
        if not effects:
            continue
        any_action = True
        items = []
        for e in effects:
            src = _report_link(c, "6.-Effects-of-local-actions", "evaluation in the city report")
            if e["evaluated"]:
                cav = "".join(f"<li>{esc(x)}</li>" for x in e.get("caveats") or [])
                items.append(
                    f"<li><strong>{esc(e['name'])}</strong>: {esc(_effect_sentence(e))}. {src}"
                    + (
                        f"<details><summary>caveats ({len(e.get('caveats') or [])})</summary><ul>{cav}</ul></details>"
                        if cav
                        else ""
                    )
                    + "</li>"
                )
            else:
                items.append(
                    f"<li><strong>{esc(e['name'])}</strong>: not evaluable. {esc(e['reason'])} {src}</li>"
                )
        out.append(f"<h4>{esc(c.name)}</h4><ul>{''.join(items)}</ul>")
    if not any_action:
        out.append("<p>No city of the network declares local actions with target areas in its profile.</p>")
    out.append("<h3>Which conditions go with less segregation (QCA)</h3>")
    q = (d.comparison or {}).get("qca")
    comp_link = _link("network-comparison.html", "network comparison report")
    if d.comparison is None:
        out.append("<p>The network comparison report has not run, so there is no QCA.</p>")
    elif q is None:
        out.append(f"<p>No QCA: no city has rubric scores. {comp_link}</p>")
    elif q["ran"]:
        sols = "".join(
            f"<li>{esc(k)}: <code>{esc(v)}</code></li>" for k, v in (q.get("solutions") or {}).items()
        )
        out.append(f"<p>{esc(q['message'])}</p><ul>{sols}</ul><p>{comp_link}</p>")
    else:
        out.append(f"<p>{esc(q['message'])}. {comp_link}</p>")
    out.append("<h3>Where stakeholders disagree</h3>")
    rows = []
    for c in d.cities:
        s = c.self_assessment
        if s is None:
            continue
        dis = s.disagreement[s.disagreement["round"] == s.latest].head(3)
        crit = "; ".join(
            f"{d.rubric.criterion(r.criterion).name} (ratings range {r.range:g})" for r in dis.itertuples()
        )
        a = s.agreement[s.latest]
        rows.append(
            [esc(c.name), esc(s.latest), esc(_num(a.alpha, 2)), esc(crit),
             esc("fictitious example raters" if s.example else "local group")]
        )  # fmt: skip
    if rows:
        out.append(
            _table(["City", "Round", "Alpha (ordinal)", "Criteria with most disagreement", "Raters"], rows)
        )
    else:
        out.append("<p>No local group has assessed its model yet.</p>")
    return Part("lessons", "3. Lessons learned", "".join(out))


# ---------------------------------------------------------------------------------------- 4 transfers
def _stage_html(d: PlaybookData, t) -> str:
    if not t.stages:
        return "<p>The stages of this transfer are not recorded.</p>"
    items = []
    for s in t.stages:
        lists = "".join(
            f"<br><em>{label}:</em> {esc('; '.join(v))}" for label, v in
            (("kept", s.kept), ("adapted", s.adapted), ("dropped", s.dropped)) if v
        )  # fmt: skip
        ev = "; ".join(
            (_link(e.source.url, e.source.title) if getattr(e.source, "url", "") else esc(e.source.title))
            + (f": “{esc(e.quote)}”" if getattr(e, "quote", "") else "")
            for e in s.evidence
        )
        items.append(
            f"<li><strong>{esc(s.stage.title())}</strong> ({esc(s.year or 'year not stated')}, {esc(s.by or 'who not stated')}): "
            f"{esc(s.summary)}{lists}"
            + (f"<br><small>{esc(s.note)}</small>" if s.note else "")
            + f"<br><small>Evidence: {ev}</small></li>"
        )
    return f"<ol class='stages'>{''.join(items)}</ol>"


def part_transfers(d: PlaybookData) -> Part:
    """Part 4: recommended transfers per city, then the transfers the network has recorded."""
    rec = d.recommendations
    out = [
        "<p>For each city, the rubric criteria with its lowest scores are matched to practices of the catalogue "
        "(data/practices) that address them and come from a city scoring at least 3 there (any profiled city: "
        "the catalogue is shared by all networks, and a city outside this network is marked). They are ranked by "
        "the score gap, the strength of the practice's evidence, and how alike the two cities' contexts are in "
        "the data (population and segregation of the groups both publish).</p>"
    ]
    for c in d.cities:
        out.append(f"<h4>{esc(c.name)}</h4>")
        weak = rec.weakest.get(c.id)
        if weak is not None:
            out.append(
                "<p>Weakest criteria: "
                + ", ".join(f"{esc(d.rubric.criterion(k).name)} ({v:g})" for k, v in weak.items())
                + ".</p>"
            )
        t = rec.for_city(c.id)
        if len(t):
            rows = [
                [esc(r.rank), esc(r.practice_name), esc(d.name(r.origin)), esc(r.criterion_name),
                 esc(f"{r.city_score:g} → {r.origin_score:g}"), esc(r.confidence), esc(r.why),
                 esc(r.sources)]
                for r in t.head(5).itertuples()
            ]  # fmt: skip
            out.append(_table(["#", "Practice", "From", "Criterion", "Score (city → origin)", "Evidence",
                               "Why it fits", "Sources"], rows))  # fmt: skip
        else:
            out.append(f"<p>No recommendation: {esc(rec.reasons.get(c.id, 'no candidate'))}.</p>")
    out.append("<h3>Transfers recorded (URBACT transfer method: Understand, Adapt, Re-use)</h3>")
    ids = {c.id for c in d.cities}
    transfers = [t for t in d.catalogue.transfers if t.origin in ids or t.adopter in ids]
    if not transfers:
        out.append("<p>The catalogue records no transfer to or from a city of this network.</p>")
    for t in transfers:
        p = d.catalogue.practice(t.practice)
        out.append(
            f"<h4>{esc(p.name)}: {esc(d.name(t.origin))} → {esc(d.name(t.adopter))}"
            f" <small>({esc(t.year or 'year not stated')}, {esc(t.programme)}; stage reached: {esc(t.stage_reached)})</small></h4>"
            + _stage_html(d, t)
        )
    return Part("transfers", "4. Transfers", "".join(out))


# ---------------------------------------------------------------------------------------- 5 action plans
def part_action_plans(d: PlaybookData) -> Part:
    """Part 5: the URBACT Integrated Action Plan action table of each city."""
    out = [
        "<p>The actions of each city's profile in the form of the URBACT Integrated Action Plan's action table. "
        "Baselines come from the data: the share of the outcome group in the target areas (and in the whole city) "
        "in the last period before the action started; the latest value is on the same area boundaries.</p>"
    ]
    for c in d.cities:
        plan = (c.results or {}).get("action_plan")
        out.append(f"<h4>{esc(c.name)}</h4>")
        if c.profile is None:
            out.append("<p>No governance profile, so no declared actions.</p>")
            continue
        if plan is None:
            out.append(_status_note(c) or "<p>No action table in the city's results.</p>")
            continue
        if not plan:
            out.append("<p>The profile declares no local action.</p>")
            continue
        rows = []
        declared = any(not str(a["target"]).startswith("not declared") or not str(a["responsible"]).startswith(
            "not declared") for a in plan)  # fmt: skip
        for a in plan:
            base = (
                f"{_num(a['baseline_target_areas'], 1)}% (city {_num(a['baseline_city'], 1)}%), {esc(a['baseline_period'])}"
                if a.get("baseline_target_areas") is not None
                else esc(a["baseline_period"])
            )
            latest = (
                f"{_num(a['latest_target_areas'], 1)}% (city {_num(a['latest_city'], 1)}%), {esc(a['latest_period'])}"
                if a.get("latest_target_areas") is not None
                else "–"
            )
            row = [esc(a["action"]), esc(a["target_areas"]), esc(d.group_labels.get(a["outcome"], a["outcome"])),
                   base, latest]  # fmt: skip
            if declared:
                row += [esc(a["target"]), esc(a["responsible"])]
            rows.append(row + [esc(a["evaluation"])])
        header = ["Action", "Target areas", "Outcome indicator", "Baseline", "Latest"]
        header += ["Target", "Responsible partner"] if declared else []
        out.append(_table(header + ["Evaluation"], rows, "plan"))
        if not declared:
            out.append(
                "<p><small>No action of this profile declares a target value or a responsible partner "
                "(keys <code>target:</code> and <code>responsible:</code> of an action in data/governance): "
                "the action table's Target and Responsible partner columns appear once the profile declares them.</small></p>"
            )
    return Part("plans", "5. Local action plans", "".join(out))


# ---------------------------------------------------------------------------------------- 6 methods
_DESIGNS = {
    "did": "two-period difference-in-differences (Card & Krueger 1994)",
    "twfe": "two-way fixed effects with an event study (Angrist & Pischke 2009)",
    "staggered": "staggered adoption, Callaway & Sant'Anna (2021)",
    "callaway_santanna": "staggered adoption, Callaway & Sant'Anna (2021)",
}


def part_methods(d: PlaybookData) -> Part:
    """Part 6: indices with references, evaluation designs, QCA, commands, sources and licences."""
    from compare.indicators.registry import indices_table

    idx = indices_table()
    shown = idx[idx["index"].isin(["dissimilarity", "isolation", "theil_h", "morans_i"])]
    # LaTeX-like index symbols of the docstrings ({}_xP_x^*) read as xP*x in prose
    rows = [[esc(r.index), esc(r.family), esc(re.sub(r"\{\}_(\w)P_(\w)\^\*", r"\1P*\2", r.description))]
            for r in shown.itertuples()]  # fmt: skip
    methods = sorted(
        {e["method"] for c in d.cities for e in (c.results or {}).get("action_effects") or [] if e["method"]}
    )
    designs = "".join(f"<li><code>{esc(m)}</code>: {esc(_DESIGNS.get(m, m))}</li>" for m in methods)
    net_id = d.network.get("id", "")
    ds_rows = [[esc(r.title), esc(r.publisher), esc(r.licence), esc(r.cities), esc(r.citation)]
               for r in d.datasets.itertuples()]  # fmt: skip
    return Part(
        "methods",
        "6. Tools and methods",
        "<h3>Indices</h3>"
        + _table(["Index", "Family", "Definition and reference"], rows)
        + "<p>Intervals: bootstrap percentile intervals from multinomial resampling of each area's counts "
        "(compare.indicators.inference). Areas below the network's minimum population and suppressed counts are left out.</p>"
        + "<h3>Evaluation designs used</h3>"
        + (f"<ul>{designs}</ul>" if designs else "<p>No action was evaluated.</p>")
        + "<p>Comparison areas are the rest of the city minus areas targeted by the city's other actions. "
        "Actions that start before the data or after them, or whose target areas are not in the data, are listed as not evaluable.</p>"
        + "<h3>Model types, QCA and agreement</h3><p>Model types: average-linkage clustering of rubric scores "
        "(compare.governance.ModelSimilarity). QCA: crisp-set qualitative comparative analysis (Ragin 1987), "
        "run only with enough cases for its conditions (Marx &amp; Dusa 2011). Agreement of a local group: "
        "Krippendorff's alpha, ordinal (Krippendorff 2004), with a bootstrap interval. Transfers: "
        "compare.governance.recommend_transfers; stages after URBACT's transfer method.</p>"
        + "<h3>Reproduce</h3><pre>git clone &lt;repository&gt; &amp;&amp; cd compare\n"
        f"make reports NETWORK={esc(net_id)}        # installs, fetches and verifies the data, runs every report\n"
        f".venv/bin/python -m compare reports run {esc(net_id)} --force   # re-run everything\n"
        ".venv/bin/python -m compare indices --help    # one index on your own table</pre>"
        "<p>Each city report ends with its provenance: data checksums, parameters and package versions.</p>"
        + "<h3>Data sources and licences</h3>"
        + _table(["Data set", "Publisher", "Licence", "Cities", "Citation"], ds_rows),
    )


#: The parts in order.
PARTS = (part_models, part_cities, part_lessons, part_transfers, part_action_plans, part_methods)


def build_parts(d: PlaybookData) -> list[Part]:
    """Render every part of the Playbook.

    Examples
    --------
    >>> from compare.pages.playbook.data import collect_playbook_data
    >>> import tempfile; tmp_dir = tempfile.mkdtemp()
    >>> parts = build_parts(collect_playbook_data({"id": "helsinki-berlin", "name": "H-B"}, tmp_dir))
    >>> [p.id for p in parts]
    ['models', 'cities', 'lessons', 'transfers', 'plans', 'methods']
    """
    return [f(d) for f in PARTS]
