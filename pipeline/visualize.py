"""Self-contained HTML: a document with every extracted value highlighted in place.

Like langextract's ``visualize()``, the page needs no network: styles are
inline, there is no script.  Overlapping mentions are cut into segments at
every start and end, and each segment lists all the mentions that cover it in
its hover title, so nothing is hidden when a count sits inside an amount.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from .schema import Mention

__all__ = ["FIELD_COLOURS", "render_document", "page"]

FIELD_COLOURS = {
    "project_title": "#ffd166", "project_code": "#f4a261", "procedure_code": "#e9c46a",
    "programmes": "#90be6d", "funds": "#43aa8b", "beneficiary": "#4d96ff", "municipality": "#6bcBef",
    "partners": "#9b5de5", "amounts": "#f15bb5", "start_date": "#00bbf9", "end_date": "#00bbf9",
    "dates": "#8ecae6", "counts": "#fee440", "contacts.persons": "#c77dff", "contacts.emails": "#c77dff",
    "contacts.phones": "#c77dff",
}

_CSS = """
body{font-family:system-ui,sans-serif;margin:0;display:flex;gap:1.5em;padding:1em;color:#222}
.text{flex:3;white-space:pre-wrap;line-height:1.6;font-size:15px}
.record{flex:2;font-size:13px}
mark{border-radius:3px;padding:0 1px}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
.legend span{display:inline-block;margin:2px;padding:1px 5px;border-radius:3px;font-size:12px}
h1{font-size:18px} h2{font-size:15px}
"""


def _shown(m: Mention) -> str:
    v = m.normalised()
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)


def _title(ms: Sequence[Mention]) -> str:
    parts = []
    for m in ms:
        label = f" [{m.label}]" if m.label else ""
        parts.append(f"{m.field}{label}: {_shown(m)} (rule {m.rule_id})")
    return "\n".join(parts)


def render_document(text: str, mentions: Sequence[Mention]) -> str:
    """The text as HTML with ``<mark>`` around every grounded mention."""
    grounded = [(m.start, m.end, m) for m in mentions if m.start is not None and m.end is not None and m.end > m.start]
    cuts = sorted({0, len(text), *(s for s, _, _ in grounded), *(e for _, e, _ in grounded)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        seg = html.escape(text[a:b])
        spans = sorted(((e - s, m) for s, e, m in grounded if s <= a and e >= b), key=lambda t: t[0])
        covering = [m for _, m in spans]
        if not covering:
            out.append(seg)
            continue
        colour = FIELD_COLOURS.get(covering[0].field, "#ddd")
        out.append(
            f'<mark style="background:{colour}" data-field="{html.escape(covering[0].field)}" '
            f'title="{html.escape(_title(covering))}">{seg}</mark>'
        )
    return "".join(out)


def _record_table(record: dict[str, Any]) -> str:
    from .writers import flatten_record

    rows = []
    for k, v in flatten_record(record).items():
        if v in (None, ""):
            continue
        rows.append(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def page(doc_id: str, text: str, record: dict[str, Any], mentions: Sequence[Mention]) -> str:
    """A complete, self-contained HTML page for one document."""
    legend = "".join(
        f'<span style="background:{c}">{html.escape(f)}</span>' for f, c in FIELD_COLOURS.items()
        if any(m.field == f for m in mentions)
    )
    return (
        "<!doctype html><html lang=\"bg\"><head><meta charset=\"utf-8\">"
        f"<title>bgpress: {html.escape(doc_id)}</title><style>{_CSS}</style></head><body>"
        f'<div class="text"><h1>{html.escape(doc_id)}</h1><div class="legend">{legend}</div>'
        f"{render_document(text, mentions)}</div>"
        f'<div class="record"><h2>Record</h2>{_record_table(record)}'
        f"<h2>Mentions ({len(mentions)})</h2><table><tr><th>field</th><th>value</th><th>text</th><th>rule</th></tr>"
        + "".join(
            f"<tr><td>{html.escape(m.field)}</td><td>{html.escape(_shown(m))}</td>"
            f"<td>{html.escape(m.text)}</td><td>{html.escape(m.rule_id)}</td></tr>"
            for m in mentions
        )
        + "</table></div></body></html>"
    )
