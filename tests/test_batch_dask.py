"""``--engine dask`` gives the records of the local run, in partitioned files."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from test_batch_support import read_jsonl, write_corpus

from pipeline.batch import BatchOptions, run_batch
from pipeline.batch.dask_engine import part_files, plan_partitions
from pipeline.readers import LineRange, ReaderOptions

pytest.importorskip("dask.distributed")


def test_dask_local_cluster_matches_local_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    ids = write_corpus(folder, 12, seed=4, size=900)
    (folder / "sub").mkdir()
    (folder / "sub" / f"{ids[1]}.txt").write_text("Дубликат.", encoding="utf-8")  # cross-partition duplicate
    (folder / "sub" / "empty.txt").write_bytes(b"")
    local = run_batch([str(folder)], BatchOptions(output=str(tmp_path / "local.jsonl"), jobs=1, quiet=True))
    opts = BatchOptions(output=str(tmp_path / "dask_out"), engine="dask", jobs=1, partition_size=5,
                        dask_processes=False, mentions="yes", quiet=True)
    dsk = run_batch([str(folder)], opts)
    parts = part_files(tmp_path / "dask_out")
    assert len(parts) == 3
    dask_recs = [r for p in parts for r in read_jsonl(p)]
    assert dask_recs == read_jsonl(tmp_path / "local.jsonl")
    assert [r["doc_id"] for r in dask_recs] == ids
    errs = sorted((e["doc_id"], e["kind"]) for p in sorted((tmp_path / "dask_out").glob("part-*.errors.jsonl")) for e in read_jsonl(p))
    assert errs == sorted([(ids[1], "duplicate_id"), ("empty", "empty")])
    assert (dsk.total_records, dsk.total_errors, dsk.exit_code) == (local.records, local.errors, local.exit_code) == (12, 2, 2)
    mention_docs = {m["doc_id"] for p in (tmp_path / "dask_out").glob("part-*.mentions.jsonl") for m in read_jsonl(p)}
    assert mention_docs <= set(ids)


def _big_jsonl(path: Path, texts: list[str]) -> None:
    """One JSONL dump: ids on most lines (fallback ids ``stem:n`` on the others), a blank line,
    an invalid line and no final newline, so that line numbers and error rows are tested too."""
    lines = []
    for k, text in enumerate(texts):
        lines.append(json.dumps({"text": text} if k % 4 == 1 else {"id": f"j{k}", "text": text}, ensure_ascii=False))
        if k == 5:
            lines.append("")
        if k == 8:
            lines.append("{not json")
    path.write_text("\n".join(lines), encoding="utf-8")


def test_one_big_jsonl_spreads_over_partitions_with_the_local_runs_records(tmp_path: Path) -> None:
    src = tmp_path / "src"
    ids = write_corpus(src, 14, seed=9, size=700)
    texts = [(src / f"{i}.txt").read_text(encoding="utf-8") for i in ids]
    folder = tmp_path / "in"
    folder.mkdir()
    _big_jsonl(folder / "a_dump.jsonl", texts[:11])
    with gzip.open(folder / "b_small.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "gz0", "text": texts[11]}, ensure_ascii=False) + "\n")
    for i in (12, 13):
        (folder / f"c{i}.txt").write_text(texts[i], encoding="utf-8")

    plan = plan_partitions([str(p) for p in sorted(folder.iterdir())], 4, ReaderOptions())
    ranges = [p for part in plan for p in part if isinstance(p, LineRange)]
    assert [(r.first_line, r.lines) for r in ranges] == [(1, 4), (5, 4), (9, 4), (13, 1)]  # 13 lines
    assert len(plan) == 5  # 4 + 4 + 4 lines, then 1 line + the .gz (counts 4), then the two .txt

    local = run_batch([str(folder)], BatchOptions(output=str(tmp_path / "local.jsonl"), jobs=1, quiet=True))
    opts = BatchOptions(output=str(tmp_path / "dask_out"), engine="dask", jobs=2, partition_size=4,
                        dask_processes=False, quiet=True)
    dsk = run_batch([str(folder)], opts)
    parts = part_files(tmp_path / "dask_out")
    assert len(parts) == 5
    dask_recs = [r for p in parts for r in read_jsonl(p)]
    local_recs = read_jsonl(tmp_path / "local.jsonl")
    assert dask_recs == local_recs
    assert {"a_dump:2", "a_dump:12", "gz0", "c12"} <= {r["doc_id"] for r in dask_recs}
    with (tmp_path / "local.errors.csv").open(encoding="utf-8", newline="") as fh:
        local_errs = [(e["doc_id"], e["source"], e["kind"]) for e in csv.DictReader(fh)]
    dask_errs = [e for p in sorted((tmp_path / "dask_out").glob("part-*.errors.jsonl")) for e in read_jsonl(p)]
    assert [(e["doc_id"], e["source"], e["kind"]) for e in dask_errs] == local_errs == [
        ("a_dump:11", f"{folder / 'a_dump.jsonl'}:11", "invalid_json")]
    assert (dsk.total_records, dsk.total_errors) == (local.records, local.errors) == (14, 1)


def test_resume_refuses_another_partition_plan(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_corpus(folder, 3, seed=2, size=500)
    out = tmp_path / "dask_out"
    opts = BatchOptions(output=str(out), engine="dask", jobs=1, partition_size=2, dask_processes=False, quiet=True)
    run_batch([str(folder)], opts)
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["partitions"] == 2
    again = BatchOptions(output=str(out), engine="dask", jobs=1, partition_size=2, dask_processes=False, quiet=True, resume=True)
    assert run_batch([str(folder)], again).total_records == 3  # the same plan: resumed, nothing to do
    other = BatchOptions(output=str(out), engine="dask", jobs=1, partition_size=1, dask_processes=False, quiet=True, resume=True)
    with pytest.raises(ValueError, match="partition-size"):
        run_batch([str(folder)], other)
