"""Label Studio round trip: predictions out as pre-annotations, corrected annotations back as gold.

Each grounded mention becomes a ``labels`` region on the text (label = record
field) whose ``meta.text`` holds the normalised value as JSON, so a labeller
can fix a span, a label or a value in Label Studio.  Values without a span
(a procedure code derived from the project code) travel as ``textarea``
results.  Import rebuilds mentions and runs the same record assembly as the
extractor, so export followed by import gives back the same record.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from .assemble import assemble
from .schema import RECORD_FIELDS, Amount, Count, DateValue, Mention

__all__ = ["LABEL_FIELDS", "label_config", "to_task", "from_task", "mention_from_value"]

LABEL_FIELDS = (
    "project_title", "project_code", "procedure_code", "programmes", "funds", "beneficiary", "municipality",
    "partners", "amounts", "start_date", "end_date", "dates", "counts", "contacts.persons", "contacts.emails",
    "contacts.phones",
)


def label_config() -> str:
    """The Label Studio labelling configuration (XML) that matches the exported tasks."""
    labels = "\n".join(f'    <Label value="{f}"/>' for f in LABEL_FIELDS)
    return (
        "<View>\n"
        '  <Labels name="field" toName="text">\n'
        f"{labels}\n"
        "  </Labels>\n"
        '  <Text name="text" value="$text"/>\n'
        '  <TextArea name="unlocated" toName="text" rows="3" perRegion="false"/>\n'
        "</View>\n"
    )


def _value_json(m: Mention) -> str:
    return json.dumps({"field": m.field, "value": m.normalised(), "rule_id": m.rule_id, "label": m.label},
                      ensure_ascii=False, default=str)


def to_task(doc_id: str, text: str, mentions: Sequence[Mention], *, model_version: str = "bgpress",
            as_annotation: bool = False) -> dict[str, Any]:
    """One Label Studio task with the mentions as predictions (or as an annotation)."""
    results: list[dict[str, Any]] = []
    for m in mentions:
        if m.field not in LABEL_FIELDS:
            continue
        if m.start is None or m.end is None:
            results.append({"id": uuid.uuid4().hex[:10], "from_name": "unlocated", "to_name": "text",
                            "type": "textarea", "value": {"text": [_value_json(m)]}})
            continue
        results.append({
            "id": uuid.uuid4().hex[:10], "from_name": "field", "to_name": "text", "type": "labels",
            "value": {"start": m.start, "end": m.end, "text": m.text, "labels": [m.field]},
            "meta": {"text": [_value_json(m)]},
        })
    key = "annotations" if as_annotation else "predictions"
    body: dict[str, Any] = {"result": results}
    if not as_annotation:
        body["model_version"] = model_version
    return {"data": {"text": text, "doc_id": doc_id}, key: [body]}


def mention_from_value(field: str, value: Any, text: str, start: int | None, end: int | None,
                       rule_id: str = "labelstudio", label: str | None = None) -> Mention:
    """A mention whose value has the pipeline's type (Amount, DateValue, Count or str)."""
    v: Any = value
    if field == "amounts" and isinstance(value, dict):
        v = Amount(Decimal(str(value["value"])), value["currency"], value.get("role") or "other",
                   value.get("programme"), value.get("approx"))
    elif field == "dates" and isinstance(value, dict):
        v = DateValue(str(value["value"]), value.get("role") or "other")
    elif field == "counts" and isinstance(value, dict):
        v = Count(int(value["value"]), value.get("category") or "other", value.get("unit"), value.get("qualifier"))
    return Mention(field, v, text, start, end, rule_id, label)


def from_task(task: dict[str, Any], *, prefer: str = "annotations") -> dict[str, Any]:
    """A gold record (SCHEMA.md, no derived fields) from a Label Studio task export.

    Regions without a value in ``meta`` (drawn by hand in Label Studio) take the
    region text as the value: right for names and codes; money, dates and
    counts drawn by hand need their value typed into the region's meta.
    """
    data = task.get("data") or {}
    doc_id = str(data.get("doc_id") or task.get("id"))
    blocks = task.get(prefer) or task.get("predictions" if prefer == "annotations" else "annotations") or []
    results: Iterable[dict[str, Any]] = blocks[-1].get("result", []) if blocks else []
    mentions: list[Mention] = []
    for r in results:
        if r.get("type") == "textarea":
            for raw in (r.get("value") or {}).get("text", []):
                payload = json.loads(raw)
                mentions.append(mention_from_value(payload["field"], payload["value"], "", None, None,
                                                   payload.get("rule_id") or "labelstudio", payload.get("label")))
            continue
        value = r.get("value") or {}
        labels = value.get("labels") or []
        if not labels:
            continue
        field = labels[0]
        meta = (r.get("meta") or {}).get("text") or []
        if meta:
            payload = json.loads(meta[0])
            v = payload["value"]
            rule, lab = payload.get("rule_id") or "labelstudio", payload.get("label")
        else:
            v, rule, lab = value.get("text", ""), "labelstudio", None
        mentions.append(mention_from_value(field, v, value.get("text", ""), value.get("start"), value.get("end"), rule, lab))
    record = assemble(doc_id, mentions).to_dict()
    for a in record["amounts"]:
        a.pop("value_eur", None)
    assert tuple(record) == RECORD_FIELDS
    return record
