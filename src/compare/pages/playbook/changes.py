"""Versions of the Action Playbook and what changed between them.

Each Playbook carries a version number and a date. Its content is summarised in a *snapshot*
(indicators with their intervals, rubric scores and their evidence, action evaluations,
practices and transfers) kept in ``playbook.json`` beside it. A run whose snapshot equals the
last one keeps the version, date and change list (the page is then byte-identical); a run that
changes it writes version + 1 with "what changed since the last version":

* an indicator that moved beyond the previous 95% interval (a move inside it is not a change),
* a rubric score that changed, and evidence of a score that changed,
* an action estimate that changed, an action that became (not) evaluable,
* new or removed practices, transfers and recommended transfers, and a transfer that reached a new stage.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from compare.pages.playbook.data import PlaybookData

__all__ = ["Version", "snapshot", "diff_snapshots", "next_version", "read_version"]

#: Format of ``playbook.json``.
FORMAT = 1


@dataclass
class Version:
    """The Playbook's version, date, snapshot digest and the changes since the previous version."""

    number: int
    date: str
    digest: str
    previous: int | None = None
    previous_date: str | None = None
    changes: list[str] = field(default_factory=list)
    snapshot: dict = field(default_factory=dict)
    inputs: str = ""

    def to_json(self) -> str:
        """The ``playbook.json`` text."""
        return json.dumps(
            {
                "format": FORMAT,
                "version": self.number,
                "date": self.date,
                "digest": self.digest,
                "previous": self.previous,
                "previous_date": self.previous_date,
                "changes": self.changes,
                "snapshot": self.snapshot,
                "inputs": self.inputs,
            },
            indent=1,
            sort_keys=True,
            ensure_ascii=False,
        )


def _evidence_digest(score) -> str:
    text = "\n".join(e.text() for e in score.evidence) + "\n" + (score.rationale or "")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def snapshot(d: PlaybookData) -> dict:
    """The comparable content of a Playbook (JSON-ready, sorted keys).

    Examples
    --------
    >>> from compare.pages.playbook.data import collect_playbook_data
    >>> import tempfile; tmp_dir = tempfile.mkdtemp()
    >>> s = snapshot(collect_playbook_data({"id": "helsinki-berlin", "name": "H-B"}, tmp_dir))
    >>> sorted(s)
    ['actions', 'evidence', 'indicators', 'practices', 'recommendations', 'scores', 'transfers']
    """
    indicators, actions = {}, {}
    for c in d.cities:
        r = c.results or {}
        ci = r.get("dissimilarity_interval") or {}
        for gd, v in (r.get("dissimilarity_latest") or {}).items():
            indicators[f"{c.id}|D {gd}"] = {"value": round(float(v), 4), "interval": ci.get(gd)}
        for e in r.get("action_effects") or []:
            actions[f"{c.id}|{e['action_id']}"] = (
                {"estimate": round(e["estimate"], 3), "conf_int": [round(x, 3) for x in e["conf_int"]]}
                if e["evaluated"]
                else {"reason": e["reason"]}
            )
    scores = {}
    for cid in d.scores.index:
        for k, v in d.scores.loc[cid].items():
            if v == v:  # not NaN
                scores[f"{cid}|{k}"] = float(v)
    evidence = {}
    for cid, p in d.profiles.items():
        if p.assessment is None:
            continue
        for k, s in p.assessment.scores.items():
            evidence[f"{cid}|{k}"] = _evidence_digest(s)
    practices = sorted(p.id for p in d.catalogue.practices)
    transfers = {f"{t.practice}|{t.origin}>{t.adopter}": t.stage_reached for t in d.catalogue.transfers}
    recommended = sorted(
        f"{r.city}|{r.practice} from {r.origin} for {r.criterion}" for r in d.recommendations.table.itertuples()
    )
    return {
        "recommendations": recommended,
        "indicators": indicators,
        "scores": scores,
        "evidence": evidence,
        "actions": actions,
        "practices": practices,
        "transfers": transfers,
    }


def _digest(snap: dict) -> str:
    return hashlib.sha256(json.dumps(snap, sort_keys=True).encode("utf-8")).hexdigest()


def _who(key: str, names: dict) -> tuple[str, str]:
    city, _, rest = key.partition("|")
    return names.get(city, city), rest


def diff_snapshots(
    old: dict, new: dict, names: dict | None = None, criteria: dict | None = None
) -> list[str]:
    """What changed from snapshot ``old`` to ``new``, one sentence each.

    Examples
    --------
    >>> old = {"indicators": {"x|D u": {"value": 0.2, "interval": [0.18, 0.22]}}, "scores": {"x|a": 2.0}}
    >>> new = {"indicators": {"x|D u": {"value": 0.3, "interval": [0.28, 0.32]}}, "scores": {"x|a": 3.0}}
    >>> for line in diff_snapshots(old, new): print(line)
    x: D u moved from 0.200 to 0.300, beyond the previous 95% interval [0.180, 0.220]
    x: rubric score of a changed from 2 to 3
    """
    names, criteria = dict(names or {}), dict(criteria or {})
    out: list[str] = []
    oi, ni = old.get("indicators", {}), new.get("indicators", {})
    for k in sorted(set(oi) | set(ni)):
        city, what = _who(k, names)
        if k not in oi:
            out.append(f"{city}: {what} is new ({ni[k]['value']:.3f})")
        elif k not in ni:
            out.append(f"{city}: {what} is no longer shown (was {oi[k]['value']:.3f})")
        else:
            a, b, iv = oi[k]["value"], ni[k]["value"], oi[k].get("interval")
            if iv and not (iv[0] <= b <= iv[1]):
                out.append(
                    f"{city}: {what} moved from {a:.3f} to {b:.3f}, beyond the previous 95% interval "
                    f"[{iv[0]:.3f}, {iv[1]:.3f}]"
                )
            elif not iv and abs(a - b) > 5e-4:
                out.append(f"{city}: {what} moved from {a:.3f} to {b:.3f} (no interval to judge it by)")
    os_, ns = old.get("scores", {}), new.get("scores", {})
    for k in sorted(set(os_) | set(ns)):
        city, crit = _who(k, names)
        crit = criteria.get(crit, crit)
        if os_.get(k) != ns.get(k):
            a = "not scored" if k not in os_ else f"{os_[k]:g}"
            b = "not scored" if k not in ns else f"{ns[k]:g}"
            out.append(f"{city}: rubric score of {crit} changed from {a} to {b}")
    oe, ne = old.get("evidence", {}), new.get("evidence", {})
    for k in sorted(set(oe) & set(ne)):
        if oe[k] != ne[k]:
            city, crit = _who(k, names)
            out.append(
                f"{city}: the evidence or rationale of the score of {criteria.get(crit, crit)} changed"
            )
    oa, na = old.get("actions", {}), new.get("actions", {})
    for k in sorted(set(oa) | set(na)):
        city, act = _who(k, names)
        if k not in oa:
            out.append(f"{city}: new local action {act}")
        elif k not in na:
            out.append(f"{city}: local action {act} is no longer in the profile")
        elif oa[k] != na[k]:
            if "estimate" in na[k] and "estimate" in oa[k]:
                out.append(
                    f"{city}: estimate of {act} changed from {oa[k]['estimate']:+.3f} to {na[k]['estimate']:+.3f}"
                )
            elif "estimate" in na[k]:
                out.append(f"{city}: {act} is now evaluated ({na[k]['estimate']:+.3f})")
            elif "estimate" in oa[k]:
                out.append(f"{city}: {act} is no longer evaluable: {na[k]['reason']}")
    orec, nrec = set(old.get("recommendations", [])), set(new.get("recommendations", []))
    for k in sorted(nrec - orec):
        city, what = _who(k, names)
        out.append(f"{city}: new recommended transfer: {what}")
    for k in sorted(orec - nrec):
        city, what = _who(k, names)
        out.append(f"{city}: no longer recommended: {what}")
    op, np_ = set(old.get("practices", [])), set(new.get("practices", []))
    out += [f"new practice in the catalogue: {p}" for p in sorted(np_ - op)]
    out += [f"practice removed from the catalogue: {p}" for p in sorted(op - np_)]
    ot, nt = old.get("transfers", {}), new.get("transfers", {})
    for k in sorted(set(ot) | set(nt)):
        label = k.replace("|", ": ", 1).replace(">", " → ")
        if k not in ot:
            out.append(f"new transfer {label}")
        elif k not in nt:
            out.append(f"transfer removed: {label}")
        elif ot[k] != nt[k]:
            out.append(f"transfer {label} reached stage {nt[k]} (was {ot[k]})")
    return out


def read_version(path: str | Path) -> dict | None:
    """The previous ``playbook.json``, or ``None`` when absent or unreadable (then a new series starts)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("version"), int):
        return None
    return raw


def next_version(d: PlaybookData, previous: dict | None, *, today: str | None = None) -> Version:
    """The version of a Playbook built from ``d``, given the previous ``playbook.json``.

    Examples
    --------
    >>> from compare.pages.playbook.data import collect_playbook_data
    >>> import tempfile; tmp_dir = tempfile.mkdtemp()
    >>> d = collect_playbook_data({"id": "helsinki-berlin", "name": "H-B"}, tmp_dir)
    >>> v1 = next_version(d, None, today="2026-12-01")
    >>> v2 = next_version(d, json.loads(v1.to_json()), today="2026-12-03")
    >>> (v1.number, v2.number, v2.date)
    (1, 1, '2026-12-01')
    """
    snap = snapshot(d)
    digest = _digest(snap)
    today = today or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")
    if previous is None:
        return Version(1, today, digest, snapshot=snap)
    if previous.get("digest") == digest:
        return Version(
            previous["version"], previous["date"], digest, previous.get("previous"),
            previous.get("previous_date"), list(previous.get("changes") or []), snap,
        )  # fmt: skip
    names = {c.id: c.name for c in d.cities}
    criteria = {c.id: c.name for c in d.rubric.criteria}
    changes = diff_snapshots(previous.get("snapshot") or {}, snap, names, criteria)
    if not changes:
        changes = [
            "no figure moved beyond its interval and no score, evidence, action, practice or transfer changed "
            "(figures may have moved within their intervals, or intervals been recomputed)"
        ]
    return Version(
        previous["version"] + 1, today, digest, previous["version"], previous["date"], changes, snap
    )
