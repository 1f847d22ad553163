"""``--engine dask`` gives the records of the local run, in partitioned files."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_batch_support import read_jsonl, write_corpus

from pipeline.batch import BatchOptions, run_batch
from pipeline.batch.dask_engine import part_files

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
