"""Writers: JSONL (the SCHEMA record), CSV and Parquet (one row per document), mentions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .schema import Mention

__all__ = ["flatten_record", "mention_row", "write_records", "write_mentions", "MENTION_COLUMNS"]

MENTION_COLUMNS = ("doc_id", "field", "value", "text", "start", "end", "label", "rule_id")


def _fmt_number(v: Any) -> str:
    return f"{v:,.2f}".replace(",", " ").removesuffix(".00") if isinstance(v, (int, float)) else str(v)


def flatten_record(rec: dict[str, Any]) -> dict[str, Any]:
    """One flat row: scalars as they are, lists joined with `` | `` in a readable form."""
    row: dict[str, Any] = {k: rec[k] for k in ("doc_id", "project_title", "project_code", "procedure_code")}
    row["programmes"] = " | ".join(rec["programmes"])
    row["funds"] = " | ".join(rec["funds"])
    row["beneficiary"] = rec["beneficiary"]
    row["municipality"] = rec["municipality"]
    row["partners"] = " | ".join(rec["partners"])
    row["amounts"] = " | ".join(
        f"{_fmt_number(a['value'])} {a['currency']} ({a['role']}"
        + (f" {a['programme']}" if a.get("programme") else "")
        + (f", {a['approx']}" if a.get("approx") else "")
        + ")"
        for a in rec["amounts"]
    )
    row["total_eur"] = next((a.get("value_eur") for a in rec["amounts"] if a["role"] == "total"), None)
    row["start_date"] = rec["start_date"]
    row["end_date"] = rec["end_date"]
    row["dates"] = " | ".join(f"{d['value']} ({d['role']})" for d in rec["dates"])
    row["counts"] = " | ".join(
        f"{(c['qualifier'] + ' ') if c.get('qualifier') else ''}{c['value']} {c['unit'] or ''} ({c['category']})".replace("  ", " ")
        for c in rec["counts"]
    )
    row["contact_persons"] = " | ".join(rec["contacts"]["persons"])
    row["contact_emails"] = " | ".join(rec["contacts"]["emails"])
    row["contact_phones"] = " | ".join(rec["contacts"]["phones"])
    if "error" in rec:
        row["error"] = rec["error"]
    return row


def mention_row(doc_id: str, m: Mention) -> dict[str, Any]:
    value = m.normalised()
    return {
        "doc_id": doc_id,
        "field": m.field,
        "value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str),
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "label": m.label,
        "rule_id": m.rule_id,
    }


def _write_table(rows: list[dict[str, Any]], path: Path) -> None:
    import pandas as pd

    df = pd.DataFrame(rows)
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    else:
        raise ValueError(f"unsupported table format: {path.suffix} (use .jsonl, .csv or .parquet)")


def write_records(records: Iterable[dict[str, Any]], path: Path) -> int:
    path = Path(path)
    n = 0
    if path.suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        return n
    rows = [flatten_record(r) for r in records]
    _write_table(rows, path)
    return len(rows)


def write_mentions(rows: Iterable[dict[str, Any]], path: Path) -> int:
    path = Path(path)
    rows = list(rows)
    if path.suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        return len(rows)
    _write_table(rows, path)
    return len(rows)
