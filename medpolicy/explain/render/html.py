"""A determination as one self-contained HTML page: text, the SVG graph, references.

Top to bottom: the case and policy, the verdict in a coloured banner, the
rows behind it (for a pend, the rows still open) beside the facts the view
shows (unknown ones first, with their questions), the documentation request
as a table of alternatives, for a denial what would have to be different,
the explanation graph, the criteria of the view, and the cited sources as a
numbered reference list. No script, no external resource: a
Content-Security-Policy forbids every fetch, so the page works offline and
leaks nothing when opened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from medpolicy.explain.render.style import STATUS_WORDS, change_text, need_text
from medpolicy.explain.render.svg import render_svg
from medpolicy.tables.model import OTHERWISE_ID
from medpolicy.textsafe import xml_text as escape

_CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#1a1a1a;margin:0;
background:#f6f7f9;font-size:15px;line-height:1.45}
main{max-width:1400px;margin:0 auto;padding:20px 28px 40px}
header p{margin:2px 0;color:#444}
h1{font-size:24px;margin:4px 0 6px}
h2{font-size:17px;margin:0 0 8px}
.verdict{border-radius:10px;padding:14px 20px;margin:14px 0 18px;color:#fff;font-size:19px}
.verdict b{font-size:26px;letter-spacing:1px;margin-right:12px}
.verdict p{margin:6px 0 0;font-size:15px;opacity:.95}
.verdict-approve{background:#2e7d32}.verdict-deny{background:#b71c1c}
.verdict-pend{background:#c96a00}.verdict-refer{background:#4527a0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}
section{background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:14px 18px;
margin-bottom:18px}
.grid section{margin-bottom:0}
ol,ul{margin:0;padding-left:22px}li{margin:3px 0}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:bold;
color:#fff;vertical-align:1px}
.tag-deny{background:#b71c1c}.tag-pend{background:#c05600}.tag-approve{background:#2e7d32}
.tag-refer{background:#4527a0}
.state{color:#555;font-size:13px}
.unknown{color:#8a5a00;font-weight:bold}.question{color:#555;font-size:13px}
.requested{color:#6a1b9a;font-weight:bold;font-size:12px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-size:13px}
td.need{font-weight:bold;color:#1b5e20;white-space:nowrap}td.none{color:#aaa}
code{font-size:13px}
figure{margin:0;overflow-x:auto}figure svg{max-width:100%;height:auto}
.refs li{margin:6px 0}footer{color:#666;font-size:12px}
sup a{text-decoration:none}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _cite(sources: Sequence[str], numbers: Mapping[str, int]) -> str:
    links = "".join(f'<a href="#ref-{numbers[s]}">[{numbers[s]}]</a>' for s in sources
                    if s in numbers)
    return f"<sup>{links}</sup>" if links else ""


def _reasons(info: Mapping[str, Any], numbers: Mapping[str, int]) -> str:
    heading = ("Rows still open (each may decide against approval)" if info["undetermined"]
               else "What decided it")
    items = []
    for reason in info["reasons"]:
        outcome = reason["outcome"]
        items.append(f'<li><b>{escape(reason["row"])}</b> <span class="tag tag-{outcome}">'
                     f"{outcome}</span> {escape(reason['text'])}"
                     f"{_cite(reason['sources'], numbers)}</li>")
    body = f"<ol>{''.join(items)}</ol>" if items else "<p>No row decides this case.</p>"
    return f'<section id="reasons"><h2>{heading}</h2>{body}</section>'


def _facts(graph: Any) -> str:
    facts = [attrs for _, attrs in graph.nodes(data=True) if attrs["kind"] == "fact"]
    unknown = [a for a in facts if a["status"] == "unknown"]
    known = [a for a in facts if a["status"] != "unknown"]
    items = []
    for attrs in unknown:
        flag = ' <span class="requested">requested</span>' if attrs["requested"] else ""
        items.append(f'<li><b>{escape(attrs["label"])}</b>: <span class="unknown">unknown</span>'
                     f'{flag}<br><span class="question">{escape(attrs["question"])}</span></li>')
    for attrs in known:
        items.append(f'<li><b>{escape(attrs["label"])}</b>: {escape(attrs["display"])}</li>')
    heading = "Unknown facts they wait on" if unknown else "Facts behind it"
    body = f"<ul>{''.join(items)}</ul>" if items else "<p>No fact is needed.</p>"
    return f'<section id="facts"><h2>{heading}</h2>{body}</section>'


def _request(info: Mapping[str, Any]) -> str:
    alternatives = info["missing"]
    if not alternatives:
        if info["undetermined"]:
            return ('<section id="request"><h2>Documentation request</h2><p>No documentation '
                    "can lead to approval: every completion of the unknown facts is denied or "
                    "pended.</p></section>")
        return ""
    names: list[str] = []
    questions: dict[str, str] = {}
    for alternative in alternatives:
        for need in alternative:
            if need["fact"] not in names:
                names.append(need["fact"])
                questions[need["fact"]] = need["question"]
    heads = "".join(f"<th>Alternative {i} (cost {sum(n['cost'] for n in a)})</th>"
                    for i, a in enumerate(alternatives, 1))
    rows = []
    for name in names:
        cells = []
        for alternative in alternatives:
            need = next((n for n in alternative if n["fact"] == name), None)
            cells.append(f'<td class="need">{escape(need_text(need))}</td>' if need
                         else '<td class="none">—</td>')
        rows.append(f"<tr><td><b>{escape(name)}</b><br><span class=\"question\">"
                    f"{escape(questions[name])}</span></td>{''.join(cells)}</tr>")
    omitted = info.get("missing_omitted", 0)
    more = f"<p>{omitted} more alternatives are not shown.</p>" if omitted else ""
    return ('<section id="request"><h2>Documentation request</h2><p>Any one alternative, '
            "documented as shown, approves the request (cheapest first).</p>"
            f"<table><tr><th>Fact to document</th>{heads}</tr>{''.join(rows)}</table>{more}"
            f"{_pathways(info)}</section>")


def _pathways(info: Mapping[str, Any]) -> str:
    """Every route to approval, cheapest first, and the next question worth asking."""
    items = []
    for number, pathway in enumerate(info.get("pathways", []), 1):
        cost = sum(n["cost"] for n in pathway)
        needs = "; ".join(f"{n['fact']}: {need_text(n)}" for n in pathway)
        items.append(f"<li>Pathway {number} (cost {cost}): {escape(needs)}</li>")
    omitted = info.get("pathways_omitted", 0)
    more = f"<p>{omitted} more pathways are not shown.</p>" if omitted else ""
    question = info.get("next_question")
    ask = (f'<p class="next-question">Next question: {escape(question["question"])} '
           f'({escape(question["fact"])})</p>' if question else "")
    return (f'<h3>Every route to approval</h3><ol id="pathways">{"".join(items)}</ol>'
            f"{more}{ask}")


def _counterfactuals(info: Mapping[str, Any]) -> str:
    stuck = info["undetermined"] and not info["missing"]
    if info["verdict"] not in ("deny", "refer") and not stuck:
        return ""
    changes = info["counterfactuals"]
    head = '<section id="counterfactuals"><h2>What would have to be different</h2>'
    if not changes:
        return f"{head}<p>No change to the documented facts can lead to approval.</p></section>"
    items = []
    for number, change in enumerate(changes, 1):
        lines = "".join(f"<li><code>{escape(change_text(need))}</code></li>" for need in change)
        cost = sum(n["cost"] for n in change)
        items.append(f"<li>Change {number} (cost {cost}):<ul>{lines}</ul></li>")
    return (f"{head}<p>Any one of these changes would make the request approvable "
            f"(cheapest first).</p><ol>{''.join(items)}</ol></section>")


def _criteria(graph: Any) -> str:
    rows = [f"<tr><td><b>{escape(a['label'])}</b></td><td>{STATUS_WORDS[a['status']]}</td>"
            f"<td><code>{escape(a['when'])}</code></td></tr>"
            for _, a in graph.nodes(data=True) if a["kind"] == "criterion"]
    if not rows:
        return ""
    return ('<section id="criteria"><h2>Criteria in this view</h2><table><tr><th>criterion</th>'
            f"<th>status</th><th>condition</th></tr>{''.join(rows)}</table></section>")


def _references(info: Mapping[str, Any]) -> str:
    if not info["sources"]:
        return ""
    items = "".join(f'<li id="ref-{i}"><b>{escape(key)}</b>: {escape(text)}</li>'
                    for i, (key, text) in enumerate(info["sources"], 1))
    return f'<section id="references"><h2>References</h2><ol class="refs">{items}</ol></section>'


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def at_a_glance(graph: Any) -> str:
    """One sentence under the verdict: how many rows, unknown facts and alternatives."""
    info = graph.graph
    rows = len(info["reasons"])
    if info["undetermined"]:
        unknown = sum(1 for _, a in graph.nodes(data=True)
                      if a["kind"] == "fact" and a["status"] == "unknown")
        text = (f"{_plural(rows, 'row')} may still decide against approval; they wait on "
                f"{_plural(unknown, 'unknown fact')}.")
        if info["missing"]:
            sizes = sorted({len(a) for a in info["missing"]})
            facts = " or ".join(str(s) for s in sizes)
            text += (f" Documenting any one of {_plural(len(info['missing']), 'alternative')} "
                     f"({facts} facts) approves the request.")
        return text
    if info["verdict"] == "deny":
        changes = len(info["counterfactuals"])
        text = f"Denied by {_plural(rows, 'row')}, whatever is undocumented."
        if changes:
            text += f" {_plural(changes, 'cheapest change')} would make it approvable."
        return text
    if info["verdict"] == "refer":
        changes = len(info["counterfactuals"])
        text = (f"Referred to clinical review by {_plural(rows, 'row')}, "
                "whatever is undocumented.")
        if changes:
            text += f" {_plural(changes, 'cheapest change')} would make it approvable."
        return text
    if [r["row"] for r in info["reasons"]] == [OTHERWISE_ID]:
        total = sum(1 for _, a in graph.nodes(data=True) if a["kind"] == "row")
        return (f"No row matches ({_plural(total, 'row')} shown excluded), so the table's "
                "otherwise clause decides.")
    return f"Decided by {_plural(rows, 'row')}, whatever is undocumented."


def render_html(graph: Any) -> str:
    """One self-contained HTML page of the determination and its graph."""
    info = graph.graph
    policy = info["policy"]
    numbers = {key: i for i, (key, _) in enumerate(info["sources"], 1)}
    verdict = info["verdict"]
    words = info["text"].split(":", 1)[-1].strip()
    engine = ", ".join(f"{k} {v}" for k, v in info["engine"].items())
    view = "only what decided the verdict" if info["view"] == "why" else "the whole table"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(info['case'])}: {verdict.upper()} — {escape(policy['id'])}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<header><p>{escape(policy['title'])} · policy <b>{escape(policy['id'])}</b> "
        f"version {escape(policy['version'])}</p>",
        f"<h1>Determination for case {escape(info['case'])}</h1>",
        f"<p>{escape(info['description'])}</p></header>" if info["description"] else "</header>",
        f'<div class="verdict verdict-{verdict}" id="verdict"><b>{verdict.upper()}</b>'
        f"{escape(words)}<p>{escape(at_a_glance(graph))}</p></div>",
        f'<div class="grid">{_reasons(info, numbers)}{_facts(graph)}</div>',
        "<div style=\"height:18px\"></div>",
        _request(info),
        _counterfactuals(info),
        f'<section id="graph"><h2>Explanation graph ({view})</h2>'
        f"<figure>{render_svg(graph)}</figure></section>",
        _criteria(graph),
        _references(info),
        f"<footer>Decided exactly by {escape(engine)}; policy sha256 "
        f"<code>{escape(policy['sha256'])}</code>.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
