"""Per-field precision/recall/F1 by the scoring rules of SCHEMA.md.

Scalars: a correct prediction is a true positive; a wrong one is both a false
positive and a false negative; a missing one is a false negative (a value
where gold has null is a false positive).  Lists are matched one to one.  The
matcher keeps the missed and spurious items themselves (not only counts), so
the error list can show every false positive and false negative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import regex
from rapidfuzz import fuzz

__all__ = [
    "SCORED_FIELDS",
    "SCALAR_FIELDS",
    "LIST_FIELDS",
    "normalise_text",
    "FieldScore",
    "Error",
    "DocumentScore",
    "Scores",
    "score_document",
    "score_corpus",
]

SCALAR_FIELDS = ("project_title", "project_code", "procedure_code", "beneficiary", "municipality",
                 "start_date", "end_date")
LIST_FIELDS = ("programmes", "funds", "partners", "amounts", "dates", "counts",
               "contacts.persons", "contacts.emails", "contacts.phones")
SCORED_FIELDS = ("project_title", "project_code", "procedure_code", "programmes", "funds", "beneficiary",
                 "municipality", "partners", "amounts", "start_date", "end_date", "dates", "counts",
                 "contacts.persons", "contacts.emails", "contacts.phones")
TEXT_FIELDS = ("project_title", "project_code", "procedure_code", "beneficiary", "municipality")
DATE_FIELDS = ("start_date", "end_date")

_QUOTES = regex.compile(r"[„“”\"«»'‘’]")
_DASHES = regex.compile(r"[\p{Pd}−]")
PARTNER_SIMILARITY = 0.85


def normalise_text(value: Any) -> str:
    """Case folded, quotes removed, dashes unified, whitespace collapsed."""
    s = _QUOTES.sub("", str(value)).casefold()
    s = _DASHES.sub("-", s)
    return " ".join(s.split())


def date_matches(pred: Any, gold: Any) -> bool:
    """A prediction matches a partial gold date at the gold's precision."""
    if pred is None or gold is None:
        return False
    p, g = str(pred), str(gold)
    return p[: len(g)] == g and (len(p) == len(g) or p[len(g)] == "-")


def _cents(v: Any) -> int:
    return round(float(v) * 100)


def _digits9(v: Any) -> str:
    return "".join(c for c in str(v) if c.isdigit())[-9:]


def _partner_match(p: Any, g: Any) -> bool:
    a, b = normalise_text(p), normalise_text(g)
    return a == b or fuzz.token_set_ratio(a, b) / 100.0 >= PARTNER_SIMILARITY


_LIST_MATCH: dict[str, Callable[[Any, Any], bool]] = {
    "programmes": lambda p, g: p == g,
    "funds": lambda p, g: p == g,
    "partners": _partner_match,
    "amounts": lambda p, g: _cents(p["value"]) == _cents(g["value"]) and p["currency"] == g["currency"],
    "dates": lambda p, g: date_matches(p["value"], g["value"]),
    "counts": lambda p, g: int(p["value"]) == int(g["value"]) and p["category"] == g["category"],
    "contacts.persons": lambda p, g: normalise_text(p) == normalise_text(g),
    "contacts.emails": lambda p, g: str(p).strip().casefold() == str(g).strip().casefold(),
    "contacts.phones": lambda p, g: _digits9(p) == _digits9(g),
}

#: Attributes whose accuracy is reported over matched pairs: (field, attribute).
ATTRIBUTES = (("amounts", "role"), ("amounts", "programme"), ("amounts", "approx"),
              ("dates", "role"), ("counts", "qualifier"), ("counts", "unit"))


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    gold_items: int = 0

    def add(self, other: FieldScore) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.gold_items += other.gold_items

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "gold_items": self.gold_items,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _pooled(scores: Iterable[FieldScore]) -> FieldScore:
    """Micro average: the counts of all fields added up."""
    total = FieldScore()
    for s in scores:
        total.add(s)
    return total


@dataclass(frozen=True)
class Error:
    """One false positive or false negative; ``value`` is the record value."""

    doc_id: str
    field: str
    kind: str  # "FP" or "FN"
    value: Any

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "field": self.field, "kind": self.kind, "value": self.value}


@dataclass
class DocumentScore:
    doc_id: str
    fields: dict[str, FieldScore] = field(default_factory=dict)
    errors: list[Error] = field(default_factory=list)
    # (field, attribute) -> [correct, total]
    attributes: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    @property
    def micro(self) -> FieldScore:
        return _pooled(self.fields.values())


@dataclass
class Scores:
    fields: dict[str, FieldScore]
    documents: list[DocumentScore]
    attributes: dict[tuple[str, str], list[int]]

    @property
    def micro(self) -> FieldScore:
        return _pooled(self.fields.values())

    @property
    def macro_f1(self) -> float:
        scored = [s.f1 for s in self.fields.values() if s.gold_items > 0]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def errors(self) -> list[Error]:
        return [e for d in self.documents for e in d.errors]

    def to_dict(self) -> dict[str, Any]:
        micro = self.micro
        return {
            "micro": micro.to_dict(),
            "macro_f1": round(self.macro_f1, 4),
            "fields": {f: s.to_dict() for f, s in self.fields.items()},
            "attributes": {
                f"{f}.{a}": {"correct": c, "total": t, "accuracy": round(c / t, 4) if t else None}
                for (f, a), (c, t) in self.attributes.items()
            },
            "documents": [
                {"doc_id": d.doc_id, **d.micro.to_dict(), "fields": {f: s.to_dict() for f, s in d.fields.items()}}
                for d in self.documents
            ],
            "errors": [e.to_dict() for e in self.errors],
        }


def _get(record: dict[str, Any], name: str) -> Any:
    if name.startswith("contacts."):
        return (record.get("contacts") or {}).get(name.split(".", 1)[1]) or []
    return record.get(name)


def _scalar_equal(name: str, p: Any, g: Any) -> bool:
    if name in DATE_FIELDS:
        return date_matches(p, g)
    return normalise_text(p) == normalise_text(g)


def match_lists(name: str, pred: list[Any], gold: list[Any]) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """One-to-one matching: (matched pairs, spurious predictions, missed gold).

    Exact matches are paired first, so that a fuzzy partner match never takes
    a prediction another gold item matches exactly.
    """
    match = _LIST_MATCH[name]
    free = list(range(len(pred)))
    pairs: list[tuple[Any, Any]] = []
    missed: list[Any] = []
    pending: list[Any] = []
    for g in gold:
        exact = next((i for i in free if pred[i] == g), None)
        if exact is not None:
            free.remove(exact)
            pairs.append((pred[exact], g))
        else:
            pending.append(g)
    for g in pending:
        hit = next((i for i in free if match(pred[i], g)), None)
        if hit is None:
            missed.append(g)
        else:
            free.remove(hit)
            pairs.append((pred[hit], g))
    return pairs, [pred[i] for i in free], missed


def score_document(pred: dict[str, Any], gold: dict[str, Any]) -> DocumentScore:
    doc_id = str(gold.get("doc_id") or pred.get("doc_id"))
    ds = DocumentScore(doc_id)
    for name in SCORED_FIELDS:
        fs = FieldScore()
        p, g = _get(pred, name), _get(gold, name)
        if name in SCALAR_FIELDS:
            fs.gold_items = int(g is not None)
            if g is None and p is not None:
                fs.fp = 1
                ds.errors.append(Error(doc_id, name, "FP", p))
            elif g is not None and p is None:
                fs.fn = 1
                ds.errors.append(Error(doc_id, name, "FN", g))
            elif g is not None and p is not None:
                if _scalar_equal(name, p, g):
                    fs.tp = 1
                else:
                    fs.fp = fs.fn = 1
                    ds.errors.append(Error(doc_id, name, "FP", p))
                    ds.errors.append(Error(doc_id, name, "FN", g))
        else:
            p, g = list(p or []), list(g or [])
            pairs, spurious, missed = match_lists(name, p, g)
            fs.tp, fs.fp, fs.fn, fs.gold_items = len(pairs), len(spurious), len(missed), len(g)
            ds.errors.extend(Error(doc_id, name, "FP", v) for v in spurious)
            ds.errors.extend(Error(doc_id, name, "FN", v) for v in missed)
            for f, attr in ATTRIBUTES:
                if f != name:
                    continue
                acc = ds.attributes.setdefault((f, attr), [0, 0])
                for pv, gv in pairs:
                    acc[1] += 1
                    acc[0] += int(pv.get(attr) == gv.get(attr))
        ds.fields[name] = fs
    return ds


def score_corpus(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> Scores:
    """Scores for ``(prediction, gold)`` record pairs."""
    fields = {name: FieldScore() for name in SCORED_FIELDS}
    attributes: dict[tuple[str, str], list[int]] = {a: [0, 0] for a in ATTRIBUTES}
    docs: list[DocumentScore] = []
    for pred, gold in pairs:
        ds = score_document(pred, gold)
        docs.append(ds)
        for name, s in ds.fields.items():
            fields[name].add(s)
        for key, (c, t) in ds.attributes.items():
            attributes[key][0] += c
            attributes[key][1] += t
    return Scores(fields, docs, attributes)
