"""Evaluate the extractor on a corpus folder against a gold folder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import DEFAULT_NER, extract_with_mentions
from ..schema import Mention
from .scoring import Scores, normalise_text, score_corpus

__all__ = ["EvaluationResult", "evaluate_dirs", "format_scores", "locate_error"]


@dataclass
class EvaluationResult:
    scores: Scores
    predictions: dict[str, dict[str, Any]]
    mentions: dict[str, list[Mention]]
    texts: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        out = self.scores.to_dict()
        out["errors"] = [
            {**e.to_dict(), **locate_error(e.field, e.kind, e.value, self.mentions.get(e.doc_id, []),
                                           self.texts.get(e.doc_id, ""))}
            for e in self.scores.errors
        ]
        return out


def _same_value(field: str, mention: Mention, value: Any) -> bool:
    mv = mention.normalised()
    if isinstance(value, dict) and isinstance(mv, dict):
        keys = {"amounts": ("value", "currency"), "counts": ("value", "category"), "dates": ("value",)}.get(field, ())
        return all(str(mv.get(k)) == str(value.get(k)) for k in keys)
    return normalise_text(mv) == normalise_text(value)


def locate_error(field: str, kind: str, value: Any, mentions: list[Mention], text: str) -> dict[str, Any]:
    """Where a false positive came from (its mention) or where a missed value sits in the text."""
    if kind == "FP":
        for m in mentions:
            if m.field == field and m.start is not None and _same_value(field, m, value):
                return {"start": m.start, "end": m.end, "surface": m.text, "rule_id": m.rule_id}
        return {"start": None, "end": None, "surface": None, "rule_id": None}
    needle = value if isinstance(value, str) else None
    if isinstance(value, dict) and field == "counts":
        needle = str(value.get("value"))
    if needle:
        i = text.find(needle)
        if i < 0:
            i = text.casefold().find(needle.casefold())
        if i >= 0:
            return {"start": i, "end": i + len(needle), "surface": text[i:i + len(needle)], "rule_id": None}
    return {"start": None, "end": None, "surface": None, "rule_id": None}


def evaluate_dirs(corpus: Path, gold: Path, *, ner: str = DEFAULT_NER) -> EvaluationResult:
    """Extract every corpus document that has a gold file and score it."""
    pairs = []
    predictions: dict[str, dict[str, Any]] = {}
    mentions: dict[str, list[Mention]] = {}
    texts: dict[str, str] = {}
    for gold_path in sorted(Path(gold).glob("*.json")):
        doc_id = gold_path.stem
        text_path = Path(corpus) / f"{doc_id}.txt"
        if not text_path.exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        record, ms = extract_with_mentions(text, doc_id, ner=ner)
        pred = record.to_dict()
        predictions[doc_id], mentions[doc_id], texts[doc_id] = pred, ms, text
        pairs.append((pred, json.loads(gold_path.read_text(encoding="utf-8"))))
    return EvaluationResult(score_corpus(pairs), predictions, mentions, texts)


def format_scores(result: EvaluationResult, *, errors: bool = True) -> str:
    s = result.scores
    lines = [f"{'field':<18}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}{'gold':>6}"]
    for name, fs in s.fields.items():
        lines.append(f"{name:<18}{fs.precision:7.3f}{fs.recall:7.3f}{fs.f1:7.3f}{fs.tp:6d}{fs.fp:6d}{fs.fn:6d}{fs.gold_items:6d}")
    m = s.micro
    lines.append(f"{'MICRO':<18}{m.precision:7.3f}{m.recall:7.3f}{m.f1:7.3f}{m.tp:6d}{m.fp:6d}{m.fn:6d}{m.gold_items:6d}")
    lines.append(f"{'MACRO F1':<18}{s.macro_f1:21.3f}")
    lines.append("")
    lines.append("attribute accuracy over matched pairs:")
    for (f, a), (c, t) in s.attributes.items():
        lines.append(f"  {f}.{a:<12} {c}/{t}" + (f"  ({c / t:.3f})" if t else ""))
    lines.append("")
    lines.append("per document:")
    for d in s.documents:
        dm = d.micro
        lines.append(f"  {d.doc_id:<28} F1 {dm.f1:.3f}  (tp {dm.tp}, fp {dm.fp}, fn {dm.fn})")
    if errors:
        lines.append("")
        lines.append("errors (doc, field, kind, value, span):")
        for e in result.to_dict()["errors"]:
            where = f"[{e['start']}:{e['end']}] {e['surface']!r}" if e["start"] is not None else "(no span)"
            rule = f" rule={e['rule_id']}" if e.get("rule_id") else ""
            lines.append(f"  {e['doc_id']:<24} {e['field']:<17} {e['kind']} {json.dumps(e['value'], ensure_ascii=False)}  {where}{rule}")
    return "\n".join(lines)
