"""JSON Schema of the record, generated from the dataclasses of :mod:`pipeline.schema`.

The schema is a generated artefact: ``schema/record.schema.json`` is committed
so that users see the column types, and a test regenerates it and compares, so
it never drifts from the code.  Two flavours: ``prediction`` (what
``bgpress extract`` writes: amounts carry ``value_eur``) and ``gold`` (what
``gold/*.json`` holds: no derived fields).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from . import schema as S

__all__ = ["record_json_schema", "write_schema", "SCHEMA_PATH"]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "record.schema.json"

_ENUMS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("Amount", "currency"): (),  # ISO 4217 code; BGN and EUR in practice, others allowed
    ("Amount", "role"): S.AMOUNT_ROLES,
    ("Amount", "programme"): (*S.PROGRAMME_IDS, None),
    ("Amount", "approx"): S.APPROX_VALUES,
    ("DateValue", "role"): S.DATE_ROLES,
    ("Count", "category"): S.COUNT_CATEGORIES,
    ("Count", "qualifier"): S.COUNT_QUALIFIERS,
}
_ITEM_ENUMS = {"programmes": S.PROGRAMME_IDS, "funds": S.FUND_IDS}
_DESCRIPTIONS = {
    "value": "number in units of the currency (Amount) or ISO 8601 date at the text's precision (DateValue) or integer (Count)",
}


def _type_schema(tp: Any, owner: str, name: str, flavour: str) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        non_null = [a for a in args if a is not type(None)]
        inner = _type_schema(non_null[0], owner, name, flavour)
        if "type" in inner and isinstance(inner["type"], str):
            inner = {**inner, "type": [inner["type"], "null"]}
        return inner
    if origin is tuple:
        item = _type_schema(args[0], owner, name, flavour)
        if name in _ITEM_ENUMS:
            item = {"type": "string", "enum": list(_ITEM_ENUMS[name])}
        return {"type": "array", "items": item}
    if dataclasses.is_dataclass(tp):
        return _object_schema(tp, flavour)
    if tp is str:
        return {"type": "string"}
    if tp is int:
        return {"type": "integer"}
    if tp is float or getattr(tp, "__name__", "") == "Decimal":
        return {"type": "number"}
    return {}


def _object_schema(cls: Any, flavour: str) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(S))
    props: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        prop = _type_schema(hints[f.name], cls.__name__, f.name, flavour)
        enum = _ENUMS.get((cls.__name__, f.name))
        if enum:
            prop["enum"] = list(enum)
        if cls.__name__ == "DateValue" and f.name == "value":
            prop["pattern"] = r"^\d{4}(-\d{2}(-\d{2})?)?$"
        props[f.name] = prop
    if cls is S.Amount and flavour == "prediction":
        props["value_eur"] = {"type": ["number", "null"], "description": "value at 1.95583 BGN = 1 EUR"}
    required = list(props)
    if flavour == "gold" and cls in (S.Amount, S.DateValue, S.Count):
        props["span"] = {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2,
                         "description": "optional [start, end) character offsets into the text as stored"}
    if cls is S.Record:
        for name in ("start_date", "end_date"):
            props[name]["pattern"] = r"^\d{4}(-\d{2}(-\d{2})?)?$"
    out: dict[str, Any] = {
        "type": "object",
        "properties": props,
        "required": required if cls is not S.Record else list(props),
        "additionalProperties": False,
    }
    if cls.__doc__:
        out["description"] = " ".join(cls.__doc__.split())
    return out


def record_json_schema(flavour: str = "prediction") -> dict[str, Any]:
    """The JSON Schema of one record (``prediction`` or ``gold``).

    >>> record_json_schema()["required"][:2]
    ['doc_id', 'project_title']
    """
    if flavour not in ("prediction", "gold"):
        raise ValueError("flavour is 'prediction' or 'gold'")
    body = _object_schema(S.Record, flavour)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://bgpress.example/record.{flavour}.schema.json",
        "title": f"bgpress record ({flavour})",
        **body,
    }


def write_schema(path: Path = SCHEMA_PATH) -> None:
    data = {"prediction": record_json_schema("prediction"), "gold": record_json_schema("gold")}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_schema()
