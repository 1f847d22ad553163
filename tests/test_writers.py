"""Writers: every format round-trips; spools convert in batches; torn JSONL tails are cut."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline.batch.state import IdSet, truncate_torn_tail
from pipeline.writers import (
    MENTION_COLUMNS,
    RECORD_COLUMNS,
    convert_jsonl,
    flatten_record,
    output_format,
    write_mentions,
    write_records,
)


def _record(doc_id: str, **kw: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "doc_id": doc_id, "project_title": None, "project_code": None, "procedure_code": None, "programmes": [],
        "funds": [], "beneficiary": None, "municipality": None, "partners": [], "amounts": [], "start_date": None,
        "end_date": None, "dates": [], "counts": [], "contacts": {"persons": [], "emails": [], "phones": []},
    }
    rec.update(kw)
    return rec


RECS = [
    _record("a", project_title="Заедно", programmes=["OPHRD-2014", "OPSESG-2014"], partners=["СУ \"Христо Ботев\""],
            amounts=[{"value": 1035612, "currency": "BGN", "role": "total", "programme": None, "approx": None, "value_eur": 529500.01}],
            counts=[{"value": 40, "category": "employed", "unit": "лице", "qualifier": "over"}]),
    _record("b"),
]


def test_output_format_by_extension() -> None:
    assert [output_format(p) for p in ("a.jsonl", "a.csv", "a.parquet", "a.sqlite", "a.db", "a.duckdb")] == [
        "jsonl", "csv", "parquet", "sqlite", "sqlite", "duckdb"]
    with pytest.raises(ValueError):
        output_format("a.xlsx")


def test_flatten_is_readable() -> None:
    row = flatten_record(RECS[0])
    assert row["programmes"] == "OPHRD-2014 | OPSESG-2014"
    assert row["amounts"] == "1 035 612 BGN (total)"
    assert row["total_eur"] == 529500.01
    assert row["counts"] == "over 40 лице (employed)"
    assert tuple(row) == RECORD_COLUMNS


def test_jsonl_is_exactly_the_record(tmp_path: Path) -> None:
    write_records([{**RECS[0], "_meta": {"source": "x"}}, RECS[1]], tmp_path / "r.jsonl")
    assert [json.loads(x) for x in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()] == RECS


def test_csv_parquet_sqlite_round_trip(tmp_path: Path) -> None:
    import pandas as pd

    rows = [{**r, "_meta": {"source": f"{r['doc_id']}.txt", "encoding": "cp1251"}} for r in RECS]
    write_records(rows, tmp_path / "r.csv")
    write_records(rows, tmp_path / "r.parquet")
    write_records(rows, tmp_path / "r.sqlite")
    csv_df = pd.read_csv(tmp_path / "r.csv")
    pq_df = pd.read_parquet(tmp_path / "r.parquet")
    assert list(csv_df["doc_id"]) == list(pq_df["doc_id"]) == ["a", "b"]
    assert pq_df.loc[0, "programmes"] == "OPHRD-2014 | OPSESG-2014" and pq_df.loc[0, "encoding"] == "cp1251"
    assert json.loads(pq_df.loc[0, "record_json"]) == RECS[0]
    with sqlite3.connect(tmp_path / "r.sqlite") as con:
        got = con.execute("SELECT doc_id, total_eur, source, record_json FROM records ORDER BY doc_id").fetchall()
    assert got[0][:3] == ("a", 529500.01, "a.txt") and json.loads(got[0][3]) == RECS[0]
    assert not list(tmp_path.glob("*.part.jsonl"))  # spools removed


def test_mentions_and_errors_tables_share_a_database(tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    write_records(RECS, db)
    m = {"doc_id": "a", "field": "amounts", "value": "{}", "text": "1 035 612 лв.", "start": 10, "end": 23,
         "label": "total", "rule_id": "money.x"}
    write_mentions([m], db)
    write_mentions([{"doc_id": "c", "source": "c.txt", "kind": "empty", "message": "no text"}], db, table="errors")
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"records", "mentions", "errors"}
        assert con.execute('SELECT "start", "end", rule_id FROM mentions').fetchone() == (10, 23, "money.x")
    write_mentions([m], tmp_path / "m.parquet")
    import pandas as pd

    assert tuple(pd.read_parquet(tmp_path / "m.parquet").columns) == MENTION_COLUMNS


def test_duckdb_if_installed(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    write_records(RECS, tmp_path / "r.duckdb")
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    assert con.execute("SELECT count(*) FROM records").fetchone() == (2,)
    con.close()


def test_convert_is_streaming_in_batches(tmp_path: Path) -> None:
    spool = tmp_path / "s.jsonl"
    with spool.open("w", encoding="utf-8") as fh:
        for i in range(12_000):
            fh.write(json.dumps(_record(f"d{i}")) + "\n")
    assert convert_jsonl(spool, tmp_path / "s.parquet", "records") == 12_000


def test_truncate_torn_tail(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    good = '{"doc_id": "a"}\n{"doc_id": "b"}\n'
    for torn in ('{"doc_id": "c", "pro', '{"doc_id": "c"}', "garbage\n"):
        p.write_text(good + torn, encoding="utf-8")
        assert truncate_torn_tail(p) == len(torn.encode())
        assert p.read_text(encoding="utf-8") == good
    assert truncate_torn_tail(p) == 0
    p.write_text('{"doc_id": "only-partial', encoding="utf-8")
    truncate_torn_tail(p)
    assert p.read_text(encoding="utf-8") == ""


def test_idset() -> None:
    s = IdSet()
    assert s.add("x") and not s.add("x") and "x" in s and "y" not in s and len(s) == 1
    s.close()
