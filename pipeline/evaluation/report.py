"""``bgpress report``: an HTML evaluation report with charts, errors in context and document pages.

The report is one self-contained page (the chart is inline SVG, no network)
plus one evidence page per document in a folder beside it, so a person can go
from a number to the sentence that produced it in two clicks.
"""

from __future__ import annotations

import html
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from .run import EvaluationResult

__all__ = ["field_chart_svg", "sentence_around", "write_report"]


def field_chart_svg(result: EvaluationResult) -> str:
    """Grouped bars of precision, recall and F1 per field, as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fields = [f for f, s in result.scores.fields.items() if s.gold_items or s.fp]
    p = [result.scores.fields[f].precision for f in fields]
    r = [result.scores.fields[f].recall for f in fields]
    f1 = [result.scores.fields[f].f1 for f in fields]
    fig, ax = plt.subplots(figsize=(10, 3.6))
    xs = range(len(fields))
    w = 0.27
    ax.bar([x - w for x in xs], p, w, label="precision", color="#4d96ff")
    ax.bar(list(xs), r, w, label="recall", color="#f4a261")
    ax.bar([x + w for x in xs], f1, w, label="F1", color="#43aa8b")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(fields, rotation=35, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8, ncol=3, loc="lower left")
    ax.set_title(f"per-field scores (micro F1 {result.scores.micro.f1:.3f})", fontsize=10)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.find("<svg"):]


def sentence_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, the span, after) within the sentence that holds ``[start, end)``."""
    left = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start) + 1, 0)
    right_nl = text.find("\n", end)
    right_dot = text.find(". ", end)
    candidates = [x for x in (right_nl, right_dot + 1 if right_dot >= 0 else -1) if x >= 0]
    right = min(candidates) if candidates else len(text)
    return text[left:start].lstrip(), text[start:end], text[end:right]


def _fmt(v: Any) -> str:
    import json

    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)


def write_report(result: EvaluationResult, out: Path) -> Path:
    """Write ``out`` (the report) and ``<out stem>_docs/<doc_id>.html``; return the report path."""
    from ..visualize import page

    out = Path(out)
    docs_dir = out.parent / f"{out.stem}_docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for doc_id, text in result.texts.items():
        (docs_dir / f"{doc_id}.html").write_text(
            page(doc_id, text, result.predictions[doc_id], result.mentions[doc_id]), encoding="utf-8"
        )
    s = result.scores
    micro = s.micro
    rows = "".join(
        f'<tr data-field="{f}"><td>{f}</td><td>{fs.precision:.3f}</td><td>{fs.recall:.3f}</td>'
        f"<td>{fs.f1:.3f}</td><td>{fs.tp}</td><td>{fs.fp}</td><td>{fs.fn}</td><td>{fs.gold_items}</td></tr>"
        for f, fs in s.fields.items()
    )
    attrs = "".join(
        f"<tr><td>{f}.{a}</td><td>{c}/{t}</td><td>{(c / t if t else 0):.3f}</td></tr>" for (f, a), (c, t) in s.attributes.items()
    )
    errors_by_field: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in result.to_dict()["errors"]:
        errors_by_field[e["field"]].append(e)
    err_html = []
    for field, errs in errors_by_field.items():
        items = []
        for e in errs:
            link = f'<a href="{docs_dir.name}/{html.escape(e["doc_id"])}.html">{html.escape(e["doc_id"])}</a>'
            context = "<i>(not located in the text)</i>"
            if e.get("start") is not None:
                before, span, after = sentence_around(result.texts[e["doc_id"]], e["start"], e["end"])
                context = f"…{html.escape(before)}<mark>{html.escape(span)}</mark>{html.escape(after)}…"
            rule = f" <code>{html.escape(e['rule_id'])}</code>" if e.get("rule_id") else ""
            items.append(
                f'<li class="{e["kind"]}"><b>{e["kind"]}</b> {link}: <code>{html.escape(_fmt(e["value"]))}</code>{rule}'
                f"<br><small>{context}</small></li>"
            )
        err_html.append(f"<h3>{html.escape(field)} ({len(errs)})</h3><ul>{''.join(items)}</ul>")
    doc_rows = "".join(
        f'<tr><td><a href="{docs_dir.name}/{html.escape(d.doc_id)}.html">{html.escape(d.doc_id)}</a></td>'
        f"<td>{d.micro.f1:.3f}</td><td>{d.micro.tp}</td><td>{d.micro.fp}</td><td>{d.micro.fn}</td></tr>"
        for d in s.documents
    )
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bgpress evaluation report</title>
<style>body{{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1200px}}
table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}li{{margin:.4em 0}}li.FP b{{color:#c0392b}}li.FN b{{color:#2c7be5}}
mark{{background:#fee440}}</style></head><body>
<h1>bgpress evaluation report</h1>
<p id="summary">{len(s.documents)} documents · micro P <span id="micro-p">{micro.precision:.3f}</span> ·
micro R <span id="micro-r">{micro.recall:.3f}</span> · micro F1 <span id="micro-f1">{micro.f1:.3f}</span> ·
macro F1 <span id="macro-f1">{s.macro_f1:.3f}</span></p>
<div class="chart">{field_chart_svg(result)}</div>
<h2>Per field</h2><table id="fields"><tr><th>field</th><th>P</th><th>R</th><th>F1</th><th>TP</th><th>FP</th><th>FN</th><th>gold</th></tr>{rows}</table>
<h2>Attributes over matched pairs</h2><table><tr><th>attribute</th><th>correct</th><th>accuracy</th></tr>{attrs}</table>
<h2>Documents</h2><table><tr><th>doc</th><th>F1</th><th>TP</th><th>FP</th><th>FN</th></tr>{doc_rows}</table>
<h2>Errors by field</h2>{''.join(err_html) or '<p>none</p>'}
</body></html>"""
    out.write_text(body, encoding="utf-8")
    return out
