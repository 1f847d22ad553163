"""Bad input never stops the batch: corrupted files of every kind among generated releases.

The run finishes, the good documents' records equal those of a clean run, every bad
input has its row in the errors table, and the exit status is 2.  (The 2,000-document,
5 %-corrupted version is ``benchmarks/robustness.py``.)
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from test_batch_support import read_jsonl, write_corpus, write_corrupted

from pipeline.batch import BatchOptions, run_batch

N = 200


def test_corrupted_inputs_do_not_stop_the_batch(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    ids = write_corpus(clean, N, seed=21, size=1500)
    dirty = tmp_path / "dirty"
    shutil.copytree(clean, dirty)
    good_text = (clean / f"{ids[0]}.txt").read_text(encoding="utf-8")
    expected = write_corrupted(dirty / "zz_bad", good_text)

    s_clean = run_batch([str(clean)], BatchOptions(output=str(tmp_path / "clean.jsonl"), jobs=2, quiet=True))
    s_dirty = run_batch([str(dirty)], BatchOptions(output=str(tmp_path / "dirty.jsonl"), jobs=2, quiet=True))
    assert s_clean.exit_code == 0 and s_dirty.exit_code == 2

    clean_recs = {r["doc_id"]: r for r in read_jsonl(tmp_path / "clean.jsonl")}
    dirty_recs = {r["doc_id"]: r for r in read_jsonl(tmp_path / "dirty.jsonl")}
    assert set(clean_recs) == set(ids)
    assert {k: dirty_recs[k] for k in ids} == clean_recs  # every good one, exactly as in the clean run
    assert "jl_good" in dirty_recs  # the good line of a file with bad lines still gets its record

    with (tmp_path / "dirty.errors.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kinds = {r["doc_id"]: r["kind"] for r in rows}
    for doc_id, kind in expected.items():
        assert kinds.get(doc_id) == kind, (doc_id, kind, kinds)
    assert any(r["kind"] == "corrupt_file" and "bad_trunc" in r["source"] for r in rows)
    assert all(r["message"] and r["source"] for r in rows)
