"""Record assembly: from grounded mentions to one record per document.

Scalar fields take the first mention an extractor emitted (extractors emit
their best candidate first).  List fields keep one entry per distinct
statement: a value repeated in the text (a headline rounding the body, a
closing paragraph restating the total) is listed once, and when the copies
disagree on the role the informative one (not ``other``) is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from .schema import Amount, Contacts, Count, DateValue, Mention, Record

__all__ = ["assemble", "SCALAR_FIELDS", "LIST_FIELDS"]

SCALAR_FIELDS = ("project_title", "project_code", "procedure_code", "beneficiary", "municipality", "start_date", "end_date")
LIST_FIELDS = ("programmes", "funds", "partners", "amounts", "dates", "counts",
               "contacts.persons", "contacts.emails", "contacts.phones")


def _casefold_key(v: Any) -> Hashable:
    return " ".join(str(v).replace('"', "").replace("„", "").replace("“", "").casefold().split())


_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "amounts": lambda a: (a.value, a.currency),
    "counts": lambda c: (c.value, c.category, c.unit),
    "dates": lambda d: d.value,
    "partners": _casefold_key,
    "contacts.persons": _casefold_key,
    "contacts.emails": lambda e: str(e).lower(),
    "contacts.phones": lambda p: str(p)[-9:],
}


def _informative(v: Any) -> bool:
    for attr in ("role", "category"):
        if getattr(v, attr, None) not in (None, "other"):
            return True
    return False


def _unique(values: Iterable[Any], key: Callable[[Any], Hashable]) -> list[Any]:
    out: dict[Hashable, Any] = {}
    for v in values:
        k = key(v)
        if k not in out:
            out[k] = v
        elif not _informative(out[k]) and _informative(v):
            out[k] = v
    return list(out.values())


def assemble(doc_id: str, mentions: Iterable[Mention]) -> Record:
    scalars: dict[str, Any] = {}
    lists: dict[str, list[tuple[int, int, Any]]] = {f: [] for f in LIST_FIELDS}
    for i, m in enumerate(mentions):
        if m.field in SCALAR_FIELDS:
            if m.value is not None and m.field not in scalars:
                scalars[m.field] = m.value
        elif m.field in lists:
            # programmes and funds are listed in order of first mention in the text
            pos = m.start if (m.field in ("programmes", "funds") and m.start is not None) else 10**12
            lists[m.field].append((pos, i, m.value))
    ordered = {f: [v for _, _, v in sorted(items, key=lambda t: (t[0], t[1]))] for f, items in lists.items()}
    unique = {f: _unique(vals, _KEYS.get(f, lambda v: v)) for f, vals in ordered.items()}
    return Record(
        doc_id=doc_id,
        project_title=scalars.get("project_title"),
        project_code=scalars.get("project_code"),
        procedure_code=scalars.get("procedure_code"),
        programmes=tuple(unique["programmes"]),
        funds=tuple(unique["funds"]),
        beneficiary=scalars.get("beneficiary"),
        municipality=scalars.get("municipality"),
        partners=tuple(unique["partners"]),
        amounts=tuple(a for a in unique["amounts"] if isinstance(a, Amount)),
        start_date=scalars.get("start_date"),
        end_date=scalars.get("end_date"),
        dates=tuple(d for d in unique["dates"] if isinstance(d, DateValue)),
        counts=tuple(c for c in unique["counts"] if isinstance(c, Count)),
        contacts=Contacts(
            persons=tuple(unique["contacts.persons"]),
            emails=tuple(unique["contacts.emails"]),
            phones=tuple(unique["contacts.phones"]),
        ),
    )
