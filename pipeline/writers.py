"""Writers: JSONL (the SCHEMA record), CSV, Parquet, SQLite and DuckDB tables.

Batch runs write every table as an append-only JSONL file first, one row per
line, flushed per document (:class:`JsonlAppender`): that is what makes
``--resume`` exact after a ``kill -9``.  When the requested format is not JSONL
the JSONL file is a *spool* (``FILE.part.jsonl``) converted at the end of the
run by :func:`convert_jsonl`, in batches, so memory stays constant.

Formats by extension: ``.jsonl``, ``.csv``, ``.parquet``, ``.sqlite`` / ``.db``
(tables ``records``, ``mentions``, ``errors``) and ``.duckdb`` (needs the
optional ``duckdb`` package).
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .schema import Mention

__all__ = [
    "MENTION_COLUMNS",
    "ERROR_COLUMNS",
    "RECORD_COLUMNS",
    "SOURCE_COLUMNS",
    "FORMATS",
    "output_format",
    "flatten_record",
    "mention_row",
    "JsonlAppender",
    "iter_jsonl",
    "convert_jsonl",
    "write_records",
    "write_mentions",
]

MENTION_COLUMNS = ("doc_id", "field", "value", "text", "start", "end", "label", "rule_id")
ERROR_COLUMNS = ("doc_id", "source", "kind", "message")
RECORD_COLUMNS = (
    "doc_id", "project_title", "project_code", "procedure_code", "programmes", "funds", "beneficiary",
    "municipality", "partners", "amounts", "total_eur", "start_date", "end_date", "dates", "counts",
    "contact_persons", "contact_emails", "contact_phones",
)
#: Where each document came from; in the flat formats (CSV, Parquet, SQLite), not in the JSONL record.
SOURCE_COLUMNS = ("source", "encoding", "page_title", "url", "date")
FORMATS = ("jsonl", "csv", "parquet", "sqlite", "duckdb")

_INT_COLUMNS = {"start", "end"}
_FLOAT_COLUMNS = {"total_eur"}
_BATCH = 5000


def output_format(path: str | Path) -> str:
    """The table format named by a file's extension.

    >>> output_format("out/records.parquet"), output_format("x.db")
    ('parquet', 'sqlite')
    """
    suf = Path(path).suffix.lower()
    fmt = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".sqlite": "sqlite",
           ".sqlite3": "sqlite", ".db": "sqlite", ".duckdb": "duckdb"}.get(suf)
    if fmt is None:
        raise ValueError(f"unsupported output format {suf or path!r}: use .jsonl, .csv, .parquet, .sqlite/.db or .duckdb")
    return fmt


def _fmt_number(v: Any) -> str:
    return f"{v:,.2f}".replace(",", " ").removesuffix(".00") if isinstance(v, (int, float)) else str(v)


def flatten_record(rec: dict[str, Any]) -> dict[str, Any]:
    """One flat row: scalars as they are, lists joined with `` | `` in a readable form.

    >>> flatten_record({"doc_id": "a", "project_title": None, "project_code": None, "procedure_code": None,
    ...   "programmes": ["OPHRD-2014"], "funds": [], "beneficiary": None, "municipality": None, "partners": [],
    ...   "amounts": [{"value": 1000.5, "currency": "BGN", "role": "total", "value_eur": 511.55}],
    ...   "start_date": None, "end_date": None, "dates": [], "counts": [],
    ...   "contacts": {"persons": [], "emails": [], "phones": []}})["amounts"]
    '1 000.50 BGN (total)'
    """
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
    """One row of the mentions table: the value, its surface text and ``[start, end)``, label and rule."""
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


# -- append-only JSONL --------------------------------------------------------
class JsonlAppender:
    """An append-only JSONL file flushed after each document (a kill loses at most a partial line)."""

    def __init__(self, path: str | Path, *, fresh: bool = False) -> None:
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: IO[str] = self.path.open("w" if fresh else "a", encoding="utf-8")
        self.rows = 0

    def write(self, row: dict[str, Any]) -> None:
        self._fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        self.rows += 1

    def write_many(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.write(row)

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file, lazily (a torn last line is skipped)."""
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.endswith("\n"):
                yield json.loads(line)


# -- conversion ------------------------------------------------------------------
def _table_rows(rows: Iterable[dict[str, Any]], table: str) -> Iterator[dict[str, Any]]:
    if table != "records":
        yield from rows
        return
    for rec in rows:
        meta = rec.pop("_meta", None) or {}
        flat = flatten_record(rec)
        flat["source"] = meta.get("source")
        flat["encoding"] = meta.get("encoding")
        flat["page_title"] = meta.get("title")
        flat["url"] = meta.get("url")
        flat["date"] = meta.get("date")
        flat["record_json"] = json.dumps(rec, ensure_ascii=False)
        yield flat


def _columns(table: str) -> tuple[str, ...]:
    if table == "records":
        return (*RECORD_COLUMNS, *SOURCE_COLUMNS, "record_json")
    return MENTION_COLUMNS if table == "mentions" else ERROR_COLUMNS


def _batches(rows: Iterable[dict[str, Any]], size: int = _BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_csv(rows: Iterable[dict[str, Any]], dest: Path, cols: tuple[str, ...], table: str) -> int:
    out_cols = tuple(c for c in cols if c != "record_json")
    n = 0
    with dest.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=out_cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
            n += 1
    return n


def _write_parquet(rows: Iterable[dict[str, Any]], dest: Path, cols: tuple[str, ...]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        (c, pa.int64() if c in _INT_COLUMNS else pa.float64() if c in _FLOAT_COLUMNS else pa.string()) for c in cols
    ])
    n = 0
    with pq.ParquetWriter(dest, schema) as w:
        for batch in _batches(rows):
            arrays = {c: [_cell(r.get(c), c) for r in batch] for c in cols}
            w.write_table(pa.table(arrays, schema=schema))
            n += len(batch)
        if n == 0:
            w.write_table(pa.table({c: [] for c in cols}, schema=schema))
    return n


def _cell(v: Any, col: str) -> Any:
    if v is None or col in _INT_COLUMNS or col in _FLOAT_COLUMNS:
        return v
    return v if isinstance(v, str) else str(v)


def _sql_type(c: str) -> str:
    return "INTEGER" if c in _INT_COLUMNS else "REAL" if c in _FLOAT_COLUMNS else "TEXT"


def _write_sqlite(rows: Iterable[dict[str, Any]], dest: Path, cols: tuple[str, ...], table: str) -> int:
    con = sqlite3.connect(dest)
    try:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
        con.execute(f'CREATE TABLE "{table}" (' + ", ".join(f'"{c}" {_sql_type(c)}' for c in cols) + ")")
        sql = f'INSERT INTO "{table}" VALUES (' + ", ".join("?" for _ in cols) + ")"
        n = 0
        for batch in _batches(rows):
            con.executemany(sql, [tuple(_cell(r.get(c), c) for c in cols) for r in batch])
            con.commit()
            n += len(batch)
        if table in ("records", "mentions", "errors"):
            con.execute(f'CREATE INDEX IF NOT EXISTS "{table}_doc_id" ON "{table}" (doc_id)')
        con.commit()
        return n
    finally:
        con.close()


def _write_duckdb(rows: Iterable[dict[str, Any]], dest: Path, cols: tuple[str, ...], table: str) -> int:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - optional dependency
        raise ValueError("writing .duckdb needs the optional duckdb package: pip install 'bgpress[duckdb]'") from None
    con = duckdb.connect(str(dest))
    try:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
        con.execute(f'CREATE TABLE "{table}" (' + ", ".join(
            f'"{c}" ' + ("BIGINT" if c in _INT_COLUMNS else "DOUBLE" if c in _FLOAT_COLUMNS else "VARCHAR") for c in cols) + ")")
        sql = f'INSERT INTO "{table}" VALUES (' + ", ".join("?" for _ in cols) + ")"
        n = 0
        for batch in _batches(rows):
            con.executemany(sql, [tuple(_cell(r.get(c), c) for c in cols) for r in batch])
            n += len(batch)
        return n
    finally:
        con.close()


def convert_jsonl(src: str | Path, dest: str | Path, table: str, *, fmt: str | None = None) -> int:
    """Copy the rows of JSONL ``src`` into ``dest`` (format from its extension) as table ``table``.

    ``table`` is ``records`` (flattened with :func:`flatten_record`, plus source
    columns), ``mentions`` or ``errors``.  SQLite and DuckDB files get one table
    each, so records, mentions and errors can share a database.  Constant memory.
    """
    dest = Path(dest)
    fmt = fmt or output_format(dest)
    rows = _table_rows(iter_jsonl(src), table)
    cols = _columns(table)
    if fmt == "jsonl":
        n = 0
        with JsonlAppender(dest, fresh=True) as w:
            for r in iter_jsonl(src):
                r.pop("_meta", None)
                w.write(r)
                n += 1
        return n
    if fmt == "csv":
        return _write_csv(rows, dest, cols, table)
    if fmt == "parquet":
        return _write_parquet(rows, dest, cols)
    if fmt == "sqlite":
        return _write_sqlite(rows, dest, cols, table)
    if fmt == "duckdb":
        return _write_duckdb(rows, dest, cols, table)
    raise ValueError(f"unsupported output format {fmt!r}")


def _write_table(rows: Iterable[dict[str, Any]], path: Path, table: str) -> int:
    fmt = output_format(path)
    if fmt == "jsonl":
        n = 0
        with JsonlAppender(path, fresh=True) as w:
            for r in rows:
                r = dict(r)
                r.pop("_meta", None)
                w.write(r)
                n += 1
        return n
    spool = path.with_name(path.name + ".part.jsonl")
    with JsonlAppender(spool, fresh=True) as w:
        w.write_many(rows)
    try:
        return convert_jsonl(spool, path, table, fmt=fmt)
    finally:
        spool.unlink(missing_ok=True)


def write_records(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write record dicts (``Record.to_dict()``) to ``path``; the format comes from the extension."""
    return _write_table(records, Path(path), "records")


def write_mentions(rows: Iterable[dict[str, Any]], path: str | Path, table: str = "mentions") -> int:
    """Write mention rows (:func:`mention_row`) or error rows (``table="errors"``) to ``path``."""
    return _write_table(rows, Path(path), table)
