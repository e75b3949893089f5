"""The offline HTML form of a :class:`~compare.governance.Questionnaire`: write, and read its JSON.

The page needs no server and loads nothing from the network: the questions are static HTML,
the form definition (form id and version, rubric id and version, city, criterion ids) is
embedded as JSON, and the "Save answers" button builds a JSON file of the answers in the
browser and downloads it (a ``Blob`` behind a download link). The rater sends that file to the
coordinator, who imports it with ``python -m compare assess import``.
"""

from __future__ import annotations

import html as _html
import json
from pathlib import Path

__all__ = ["write_html", "read_json"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60em;margin:2em auto;padding:0 1em;
color:#222;line-height:1.4}
h1{font-size:1.5em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
fieldset{border:1px solid #ccc;border-radius:4px;margin:1em 0;padding:0.6em 1em}
legend{font-weight:600} .q{color:#444;margin:0.2em 0 0.5em} .levels label{display:block;margin:0.15em 0}
textarea,input[type=text],input[type=date],select{width:100%;box-sizing:border-box;font:inherit;padding:0.25em}
.rater label{display:block;margin-top:0.5em;font-weight:600} .small{font-size:0.85em;color:#555}
button{font:inherit;padding:0.5em 1.2em;margin-top:1em} #status{margin-top:0.8em;font-weight:600}
.err{color:#a00} .ok{color:#060}
"""

_JS = r"""
(function(){
  const def = JSON.parse(document.getElementById('form-def').textContent);
  function val(id){ const e = document.getElementById(id); return e ? e.value.trim() : ''; }
  function collect(){
    const answers = def.criteria.map(function(c){
      const checked = document.querySelector('input[name="score-' + c + '"]:checked');
      let score = null, dk = false;
      if (checked) {
        if (checked.value === 'dk') { dk = true; } else { score = parseInt(checked.value, 10); }
      }
      return {criterion: c, score: score, dont_know: dk,
              comment: val('comment-' + c),
              evidence: val('evidence-' + c)};
    });
    return {form: def.form, form_version: def.form_version, rubric: def.rubric,
            rubric_version: def.rubric_version, city: def.city,
            rater: val('rater'), role: val('role'), organisation_type: val('organisation_type'),
            date: val('date'), answers: answers};
  }
  function save(){
    const data = collect();
    const status = document.getElementById('status');
    const missing = [];
    if (!data.rater) missing.push('rater code');
    if (!data.role) missing.push('role');
    if (!data.date) missing.push('date');
    if (missing.length) {
      status.className = 'err';
      status.textContent = 'Please fill in: ' + missing.join(', ') + '.';
      return;
    }
    const blob = new Blob([JSON.stringify(data, null, 1)], {type: 'application/json'});
    const a = document.createElement('a');
    const safe = function(s){ return s.replace(/[^A-Za-z0-9_-]+/g, '-'); };
    a.href = URL.createObjectURL(blob);
    a.download = 'self-assessment_' + safe(def.city) + '_' + safe(data.rater) + '_'
      + safe(data.date) + '.json';
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
    const n = data.answers.filter(function(x){ return x.score !== null || x.dont_know; }).length;
    status.className = 'ok';
    status.textContent = 'Saved ' + a.download + ' (' + n + ' of ' + data.answers.length
      + ' questions answered). Send this file to the coordinator.';
  }
  document.getElementById('save').addEventListener('click', save);
})();
"""


def write_html(q, path: Path) -> None:
    """Write the offline HTML form of questionnaire ``q`` to ``path``."""
    from compare.governance._form_fields import (
        DONT_KNOW,
        FORM_ID,
        FORM_VERSION,
        ORGANISATION_TYPES,
        ROLE_LABELS,
        ROLES,
    )

    esc = _html.escape
    definition = {
        "form": FORM_ID,
        "form_version": FORM_VERSION,
        "rubric": q.rubric_id,
        "rubric_version": q.rubric_version,
        "city": q.city,
        "criteria": list(q.criterion_ids),
    }
    # "</" cannot end the script element inside JSON
    def_json = json.dumps(definition, ensure_ascii=False).replace("</", "<\\/")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Self-assessment: {esc(q.city_name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Self-assessment of the area-based governance model: {esc(q.city_name)}</h1>",
        f"<p class='small'>Rubric <code>{esc(q.rubric_id)}</code>, version {esc(q.rubric_version)} · "
        f"form {esc(FORM_ID)} v{FORM_VERSION} · works offline, nothing is sent anywhere.</p>",
    ]
    parts += [f"<p>{esc(p)}</p>" for p in q.instructions()]
    parts.append("<fieldset class='rater'><legend>About you (no name)</legend>")
    parts.append(
        "<label for='rater'>Rater code</label><input type='text' id='rater' maxlength='40' "
        "autocomplete='off' placeholder='e.g. R07'>"
    )
    parts.append(
        "<label for='role'>Your role in the group</label><select id='role'><option value=''>choose</option>"
    )
    parts += [f"<option value='{esc(r)}'>{esc(ROLE_LABELS[r])}</option>" for r in ROLES]
    parts.append("</select>")
    parts.append(
        "<label for='organisation_type'>Type of your organisation</label>"
        "<select id='organisation_type'><option value=''>choose</option>"
    )
    parts += [f"<option value='{esc(o)}'>{esc(o)}</option>" for o in ORGANISATION_TYPES]
    parts.append("</select>")
    parts.append("<label for='date'>Date</label><input type='date' id='date'></fieldset>")
    dim = None
    for qu in q.questions:
        if qu.dimension != dim:
            dim = qu.dimension
            parts.append(f"<h2>{esc(qu.dimension_name)}</h2>")
        c = esc(qu.criterion)
        parts.append(
            f"<fieldset id='q-{c}'><legend>{esc(qu.name)}</legend><p class='q'>{esc(qu.question)}</p>"
        )
        parts.append("<div class='levels'>")
        for k, label in qu.levels:
            parts.append(
                f"<label><input type='radio' name='score-{c}' value='{k}'> {k} = {esc(label)}</label>"
            )
        parts.append(
            f"<label><input type='radio' name='score-{c}' value='dk'> {esc(DONT_KNOW)}</label></div>"
        )
        parts.append(
            f"<label class='small' for='comment-{c}'>Comment</label>"
            f"<textarea id='comment-{c}' rows='2'></textarea>"
            f"<label class='small' for='evidence-{c}'>Evidence (document, link, page; optional)</label>"
            f"<input type='text' id='evidence-{c}'></fieldset>"
        )
    parts.append("<button type='button' id='save'>Save answers</button><div id='status' role='status'></div>")
    parts.append(f"<script type='application/json' id='form-def'>{def_json}</script>")
    parts.append(f"<script>{_JS}</script></body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")


def read_json(path: Path) -> dict:
    """Read the answers file saved by the HTML form into a raw form dict (see ``read_xlsx``)."""
    from compare.errors import DataError

    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            f"cannot read the answers file ({exc}); expected the JSON saved by the form", file=path
        ) from exc
    if not isinstance(raw, dict):
        raise DataError("not a self-assessment answers file: expected a JSON object", file=path)
    where = "JSON"
    meta = {
        k: (raw.get(key), (where, None, key))
        for k, key in (
            ("form", "form"),
            ("form_version", "form_version"),
            ("rubric", "rubric"),
            ("rubric_version", "rubric_version"),
            ("city", "city"),
        )
    }
    meta["n_questions"] = (None, (where, None, "answers"))
    rater = {k: (raw.get(k), (where, None, k)) for k in ("rater", "role", "organisation_type", "date")}
    answers = []
    items = raw.get("answers")
    if not isinstance(items, list):
        items = []
    for i, a in enumerate(items):
        if not isinstance(a, dict):
            a = {}
        ans = {
            f: (a.get(f), (where, None, f"answers[{i}].{f}"))
            for f in ("criterion", "score", "comment", "evidence")
        }
        if a.get("dont_know") and a.get("score") is None:
            ans["score"] = ("don't know", (where, None, f"answers[{i}].dont_know"))
        answers.append(ans)
    return {"meta": meta, "rater": rater, "answers": answers}
