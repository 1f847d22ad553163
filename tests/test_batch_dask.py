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


def test_dask_parquet_parts_read_back_as_the_local_parquet_table(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    folder = tmp_path / "in"
    ids = write_corpus(folder, 5, seed=6, size=600)
    (folder / "sub").mkdir()
    (folder / "sub" / f"{ids[1]}.txt").write_text("Дубликат.", encoding="utf-8")  # duplicate across partitions
    dup = json.dumps({"id": "jdup", "text": "Община Смолян изпълнява проект."}, ensure_ascii=False)
    (folder / "sub" / "dups.jsonl").write_text(dup + "\n" + dup + "\n", encoding="utf-8")  # within one partition
    (folder / "sub" / "empty.txt").write_bytes(b"")
    local = run_batch([str(folder)], BatchOptions(output=str(tmp_path / "local.parquet"), jobs=1, quiet=True,
                                                  mentions=str(tmp_path / "local.mentions.parquet")))
    out = tmp_path / "dask_out"
    opts = BatchOptions(output=str(out), engine="dask", jobs=1, partition_size=3, dask_processes=False,
                        mentions="yes", part_format="parquet", quiet=True)
    dsk = run_batch([str(folder)], opts)
    parts = part_files(out)
    assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert part_files(out, "jsonl") == [] and not list(out.rglob("*.tmp"))
    want = pq.read_table(tmp_path / "local.parquet")
    got = pa.concat_tables([pq.read_table(p) for p in parts])  # fails unless the parts' schemas agree
    assert got.schema == want.schema and got.equals(want)
    assert got.column("doc_id").to_pylist() == [*ids, "jdup"]
    # the folders are datasets: read as one table, in part order
    assert pq.read_table(out / "records").equals(want)
    assert pq.read_table(out / "mentions").equals(pq.read_table(tmp_path / "local.mentions.parquet"))
    assert dsk.outputs["records"] == str(out / "records") and dsk.outputs["mentions"] == str(out / "mentions")
    with (tmp_path / "local.errors.csv").open(encoding="utf-8", newline="") as fh:
        local_errs = sorted((e["doc_id"], e["kind"]) for e in csv.DictReader(fh))
    errs = sorted((e["doc_id"], e["kind"]) for p in sorted(out.glob("part-*.errors.jsonl")) for e in read_jsonl(p))
    assert errs == local_errs == sorted([(ids[1], "duplicate_id"), ("jdup", "duplicate_id"), ("empty", "empty")])
    assert (dsk.total_records, dsk.total_errors) == (local.records, local.errors) == (6, 3)


def _copy_across_partitions(tmp_path: Path, part_format: str) -> tuple[Path, Path, BatchOptions]:
    """x.txt, y.txt and sub/x.txt, one partition each: the third is a copy of the first's doc_id."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    text = "Община Смолян изпълнява проект \"Заедно\" с обща стойност 1 035 612 лв.\n"
    for name in ("x.txt", "y.txt", "sub/x.txt"):
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "dask_out"
    opts = BatchOptions(output=str(out), engine="dask", jobs=1, partition_size=1, dask_processes=False,
                        mentions="yes", part_format=part_format, quiet=True)
    return folder, out, opts


def test_dask_parquet_duplicates_across_partitions_become_error_rows(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")

    folder, out, opts = _copy_across_partitions(tmp_path, "parquet")
    s = run_batch([str(folder)], opts)
    assert (s.total_records, s.total_errors, s.exit_code) == (2, 1, 2)
    first, last = pq.read_table(out / "records" / "part-00000.parquet"), pq.read_table(out / "records" / "part-00002.parquet")
    assert first.column("doc_id").to_pylist() == ["x"]
    assert last.num_rows == 0 and last.schema == first.schema  # rewritten without the copy, same columns
    assert pq.read_table(out / "mentions" / "part-00000.parquet").num_rows > 0
    assert pq.read_table(out / "mentions" / "part-00002.parquet").num_rows == 0
    [err] = read_jsonl(out / "part-00002.errors.jsonl")
    assert (err["doc_id"], err["kind"], err["source"]) == ("x", "duplicate_id", str(folder / "sub" / "x.txt"))
    assert (out / "part-00002.ids.tsv").read_text(encoding="utf-8") == ""
    again = run_batch([str(folder)], BatchOptions(**{**opts.__dict__, "resume": True}))  # nothing to do, nothing changes
    assert (again.total_records, again.total_errors) == (2, 1)


def test_dask_resume_refuses_another_part_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    folder = tmp_path / "in"
    write_corpus(folder, 3, seed=2, size=500)
    out = tmp_path / "dask_out"
    opts = BatchOptions(output=str(out), engine="dask", jobs=1, partition_size=2, dask_processes=False, quiet=True)
    run_batch([str(folder)], opts)
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["part_format"] == "jsonl"
    # refused before any work, so the CLI (whose LocalCluster would use processes) is cheap to call here
    assert main(["extract", str(folder), "-o", str(out), "--engine", "dask", "--partition-size", "2",
                 "--part-format", "parquet", "--resume", "-q"]) == 1
    assert "--part-format jsonl" in capsys.readouterr().err
    assert [p.name for p in part_files(out)] == ["part-00000.jsonl", "part-00001.jsonl"]  # left as they were
    parquet = BatchOptions(**{**opts.__dict__, "part_format": "parquet"})
    assert run_batch([str(folder)], parquet).total_records == 3  # without --resume: a fresh run, parquet parts
    assert [p.name for p in part_files(out)] == ["part-00000.parquet", "part-00001.parquet"]
    with pytest.raises(ValueError, match="part-format parquet"):
        run_batch([str(folder)], BatchOptions(**{**opts.__dict__, "resume": True}))
    assert run_batch([str(folder)], BatchOptions(**{**parquet.__dict__, "resume": True})).total_records == 3


@pytest.mark.parametrize("part_format", ["jsonl", "parquet"])
def test_duplicate_pass_cut_short_and_resumed_leaves_one_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   part_format: str) -> None:
    """The cross-partition duplicate pass killed between writing a copy's error row and taking the
    copy out of the records: the resumed run has the copy once in the errors, never in the records."""
    from pipeline.batch import dask_engine

    folder, out, opts = _copy_across_partitions(tmp_path, part_format)

    drop = dask_engine._drop_docs

    def killed(path: Path, gone: frozenset[str]) -> None:
        if "mentions" in str(path):
            return drop(path, gone)
        raise KeyboardInterrupt("killed in the duplicate pass, at the records")

    with monkeypatch.context() as m:
        m.setattr(dask_engine, "_drop_docs", killed)
        with pytest.raises(KeyboardInterrupt):
            run_batch([str(folder)], opts)
    again = run_batch([str(folder)], BatchOptions(**{**opts.__dict__, "resume": True}))
    assert (again.total_records, again.total_errors) == (2, 1)
    rows = [e for p in sorted(out.glob("part-*.errors.jsonl")) for e in read_jsonl(p)]
    assert [(e["doc_id"], e["kind"]) for e in rows] == [("x", "duplicate_id")]
    assert sorted(ln.split("\t")[0] for p in sorted(out.glob("part-*.ids.tsv"))
                  for ln in p.read_text(encoding="utf-8").splitlines()) == ["x", "y"]


def test_part_files_are_in_partition_order_past_five_digits(tmp_path: Path) -> None:
    for name in ("part-100000.jsonl", "part-99999.jsonl", "part-00002.jsonl", "part-00002.errors.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "part-00003.parquet").write_bytes(b"")
    assert [p.name for p in part_files(tmp_path, "jsonl")] == ["part-00002.jsonl", "part-99999.jsonl", "part-100000.jsonl"]
    assert [p.name for p in part_files(tmp_path, "parquet")] == ["part-00003.parquet"]
