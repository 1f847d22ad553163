"""``--engine dask``: the same extraction on a Dask cluster, over partitioned files.

The input files are listed (folders walked, globs expanded) and cut into
partitions of about ``--partition-size`` documents: that many one-document
files, or that many lines of an uncompressed JSONL file (a big file is cut into
line ranges by byte offset, so one 10 GB dump spreads over every worker; a
``.gz`` or CSV file cannot be cut without reading it and is one partition).  A
``dask.bag`` maps each partition to a task that reads, extracts and writes its
own files in the output folder::

    OUT/part-00000.jsonl            records, exactly as in a local JSONL run
    OUT/part-00000.mentions.jsonl   mention rows (when --mentions is given)
    OUT/part-00000.errors.jsonl     error rows
    OUT/part-00000.ids.tsv          doc_id and source of each record (for the duplicate pass)

With ``--part-format parquet`` the records and mentions parts are Parquet
datasets instead, one folder each, which pandas, pyarrow, Dask, DuckDB and Spark
read as one table (``pd.read_parquet("OUT/records")``)::

    OUT/records/part-00000.parquet
    OUT/mentions/part-00000.parquet

Each part is spooled as JSONL and converted by
:func:`pipeline.writers.convert_jsonl`, the local engine's own path, so the parts
have exactly the columns and the explicit schema of a local ``-o FILE.parquet``
and concatenate into its table.  The errors and ids parts stay JSONL/TSV in the
output folder in both formats: they are small, the duplicate pass edits them in
place, and the errors rows are the same as in a JSONL run.  Temporary files
start with a dot, which dataset readers skip.

A partition's files are written under temporary names and renamed at the end,
the records file last, so a partition is either complete or absent: ``--resume``
skips the complete ones.  ``OUT/plan.json`` holds a digest of the partition
plan and the part format; resuming with other inputs, another
``--partition-size`` or another ``--part-format`` is refused rather than
mixing two plans' partitions.  Duplicate doc_ids within a partition
are handled as in a local run; across partitions, a final pass in the client
(partition order = input order) turns later copies into ``duplicate_id`` error
rows (the part is rewritten without them, JSONL or Parquet).  Reading the
concatenated record parts in order gives the records of the local run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..readers import (
    LineRange,
    ReaderOptions,
    input_format,
    iter_items,
    iter_line_range,
    iter_paths,
    jsonl_line_ranges,
)
from ..writers import convert_jsonl
from .errors import ErrorRow
from .runner import BatchOptions, BatchSummary, default_jobs
from .state import IdSet
from .worker import init_worker, process_item

__all__ = ["PART_FORMATS", "run_dask", "process_partition", "part_files", "plan_partitions"]

#: the formats of the records and mentions parts (``--part-format``)
PART_FORMATS = ("jsonl", "parquet")

#: a partition's share of the input: a file read whole, or a line range of a JSONL file
Piece = str | LineRange

_READY: dict[str, Any] = {}


def _dup_row(doc_id: str, source: str) -> ErrorRow:
    return ErrorRow(doc_id, source, "duplicate_id",
                    f"doc_id {doc_id!r} is already used by an earlier document; this one is not extracted")


def _name(outdir: Path, i: int, kind: str, fmt: str = "jsonl") -> Path:
    """Partition ``i``'s file of ``kind`` (records, mentions, errors, ids); ``fmt`` is the part format."""
    if fmt == "parquet" and kind in ("records", "mentions"):
        return outdir / kind / f"part-{i:05d}.parquet"
    suffix = {"records": "jsonl", "mentions": "mentions.jsonl", "errors": "errors.jsonl", "ids": "ids.tsv"}[kind]
    return outdir / f"part-{i:05d}.{suffix}"


def _tmp(path: Path, tag: str = "tmp") -> Path:
    """A temporary name beside ``path``: hidden, so that dataset readers of the folder skip it."""
    return path.with_name(f".{path.name}.{tag}")


def part_files(outdir: str | Path, part_format: str | None = None) -> list[Path]:
    """The records files of a dask output folder, in input order (of ``part_format``, or of either)."""
    out = Path(outdir)
    found: list[Path] = []
    if part_format in (None, "jsonl"):
        found += [p for p in out.glob("part-*.jsonl") if p.name.count(".") == 1]
    if part_format in (None, "parquet"):
        found += list((out / "records").glob("part-*.parquet"))
    # by number: past 99,999 partitions the names outgrow their five digits and sort out of order
    return sorted(found, key=lambda p: (p.suffix, int(p.name[5:].split(".", 1)[0])))


def plan_partitions(files: Iterable[str], size: int, reader: ReaderOptions) -> list[list[Piece]]:
    """Partitions of about ``size`` documents, in input order.

    One-document files count one each; an uncompressed JSONL file is cut into
    ranges of ``size`` lines (its lines are counted, blank ones included); a
    ``.gz`` or CSV file counts ``size`` (its length is unknown until read).  A
    partition closes once it holds ``size``, so small JSONL files share one.
    """
    size = max(1, size)
    parts: list[list[Piece]] = []
    current: list[Piece] = []
    held = 0
    for path in files:
        fmt = input_format(path, reader.input_format)
        pieces: list[tuple[Piece, int]] = [(path, size if fmt in ("jsonl", "csv") else 1)]
        if fmt == "jsonl" and not path.lower().endswith(".gz"):
            try:
                pieces = [(r, r.lines) for r in jsonl_line_ranges(path, size)]
            except OSError:  # missing or unreadable: read whole, the worker writes its error row
                pass
        for piece, weight in pieces:
            current.append(piece)
            held += weight
            if held >= size:
                parts.append(current)
                current, held = [], 0
    if current:
        parts.append(current)
    return parts


def _plan_digest(parts: list[list[Piece]], fmt: str = "jsonl") -> str:
    h = hashlib.sha256()
    if fmt != "jsonl":  # a JSONL plan keeps the digest it had before --part-format existed
        h.update(f"part-format\t{fmt}\n".encode())
    for i, part in enumerate(parts):
        for piece in part:
            h.update(f"{i}\t{piece!r}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _check_plan(outdir: Path, parts: list[list[Piece]], resume: bool, fmt: str = "jsonl") -> None:
    """Write the plan's digest; on ``--resume`` refuse a plan other than the interrupted run's."""
    path = outdir / "plan.json"
    plan: dict[str, Any] = {"partitions": len(parts), "sha256": _plan_digest(parts, fmt), "part_format": fmt}
    if resume and path.exists():
        before = json.loads(path.read_text(encoding="utf-8"))
        before_fmt = before.get("part_format", "jsonl")  # plan.json written before --part-format: JSONL parts
        if before_fmt != fmt:
            raise ValueError(f"--resume: the interrupted run wrote --part-format {before_fmt} parts, not {fmt}; "
                             f"resume with --part-format {before_fmt}, or run again without --resume")
        if {**before, "part_format": before_fmt} != plan:
            raise ValueError(f"--resume: the inputs or --partition-size differ from the interrupted run's "
                             f"({before.get('partitions')} partitions then, {len(parts)} now); "
                             f"resume with the same ones, or run again without --resume")
    path.write_text(json.dumps(plan) + "\n", encoding="utf-8")


def _iter_pieces(pieces: list[Piece], reader: ReaderOptions) -> Iterator[Any]:
    for piece in pieces:
        if isinstance(piece, LineRange):
            yield from iter_line_range(piece, reader)
        else:
            yield from iter_items([piece], reader)


def process_partition(task: tuple[int, list[Piece]], outdir: str, ner: str, reader: ReaderOptions, mentions: bool,
                      part_format: str = "jsonl") -> dict[str, Any]:
    """Read, extract and write one partition (runs on a Dask worker)."""
    i, pieces = task
    key = f"{ner}|{mentions}|{reader}"
    if _READY.get("key") != key:
        init_worker(ner, reader, mentions)
        _READY["key"] = key
    out = Path(outdir)
    parquet = part_format == "parquet"
    kinds = ["errors", "ids", "records"] + (["mentions"] if mentions else [])
    final = {k: _name(out, i, k, part_format) for k in kinds}
    for path in final.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = {k: _tmp(p) for k, p in final.items()}
    # Parquet parts: records and mentions are spooled as JSONL (records with their source _meta, as the
    # local engine spools them) and converted at the end by the local engine's writer
    tables = [k for k in ("records", "mentions") if parquet and k in kinds]
    spool = {k: _tmp(final[k], "spool.tmp") if k in tables else tmp[k] for k in kinds}
    fh = {k: p.open("w", encoding="utf-8") for k, p in spool.items()}
    seen: set[str] = set()
    n_rec = n_err = words = 0
    try:
        for item in _iter_pieces(pieces, reader):
            if item.doc_id in seen:
                oc_err: ErrorRow | None = _dup_row(item.doc_id, item.source)
                oc = None
            else:
                seen.add(item.doc_id)
                oc = process_item(item)
                oc_err = oc.error
            if oc_err is not None:
                fh["errors"].write(json.dumps(oc_err.to_dict(), ensure_ascii=False) + "\n")
                n_err += 1
                continue
            assert oc is not None and oc.record is not None
            if mentions:
                for row in oc.mentions:
                    fh["mentions"].write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            rec = {**oc.record, "_meta": oc.meta} if parquet else oc.record
            fh["records"].write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            fh["ids"].write(f"{oc.doc_id}\t{oc.source}\n")
            n_rec += 1
            words += oc.words
    finally:
        for f in fh.values():
            f.close()
    for table in tables:
        convert_jsonl(spool[table], tmp[table], table, fmt=part_format)
        spool[table].unlink()
    for k in [k for k in kinds if k != "records"] + ["records"]:  # records last: marks the partition complete
        os.replace(tmp[k], final[k])
    return {"part": i, "records": n_rec, "errors": n_err, "words": words}


def _rewrite(path: Path, keep: Any) -> None:
    if not path.exists():
        return
    tmp = _tmp(path)
    with path.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as dst:
        for line in src:
            if keep(line):
                dst.write(line)
    os.replace(tmp, path)


def _rewrite_parquet(path: Path, gone: frozenset[str]) -> None:
    """Rewrite a Parquet part without the rows of the ``gone`` doc_ids, keeping its schema."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not path.exists():
        return
    tmp = _tmp(path)
    drop = pa.array(sorted(gone), pa.string())
    with pq.ParquetFile(path) as src, pq.ParquetWriter(tmp, src.schema_arrow) as dst:
        kept = 0
        for batch in src.iter_batches():
            rows = pa.Table.from_batches([batch]).filter(pc.invert(pc.is_in(batch["doc_id"], value_set=drop)))
            if rows.num_rows:
                dst.write_table(rows)
                kept += rows.num_rows
        if not kept:  # as the writer does: a part left with no rows still has its columns
            dst.write_table(src.schema_arrow.empty_table())
    os.replace(tmp, path)


def _drop_docs(path: Path, gone: frozenset[str]) -> None:
    if path.suffix == ".parquet":
        _rewrite_parquet(path, gone)
    else:
        _rewrite(path, lambda ln: json.loads(ln)["doc_id"] not in gone)


def _dedupe_across_parts(outdir: Path, n_parts: int, fmt: str = "jsonl") -> int:
    """Turn records whose doc_id an earlier partition already has into duplicate_id rows."""
    seen = IdSet()
    n_dups = 0
    try:
        for i in range(n_parts):
            ids_path, err_path = _name(outdir, i, "ids"), _name(outdir, i, "errors")
            if not ids_path.exists():
                continue
            dup_recs: dict[str, str] = {}
            for line in ids_path.read_text(encoding="utf-8").splitlines():
                doc_id, source = line.split("\t", 1)
                if not seen.add(doc_id):
                    dup_recs[doc_id] = source
            err_rows = [json.loads(x) for x in err_path.read_text(encoding="utf-8").splitlines()] if err_path.exists() else []
            changed = False
            for row in err_rows:
                if row["kind"] != "duplicate_id" and not seen.add(row["doc_id"]):
                    row.update(_dup_row(row["doc_id"], row["source"]).to_dict())
                    changed = True
            if dup_recs:
                n_dups += len(dup_recs)
                # a pass cut short (kill -9) and run again finds the same copies: their rows are there
                have = {(r["doc_id"], r["source"]) for r in err_rows if r["kind"] == "duplicate_id"}
                err_rows += [_dup_row(d, s).to_dict() for d, s in dup_recs.items() if (d, s) not in have]
                changed = True
            if changed:
                # the error rows first: a copy is taken out of the records only once its row is written
                tmp = _tmp(err_path)
                tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in err_rows), encoding="utf-8")
                os.replace(tmp, err_path)
            if dup_recs:
                gone = frozenset(dup_recs)
                _drop_docs(_name(outdir, i, "mentions", fmt), gone)
                _drop_docs(_name(outdir, i, "records", fmt), gone)
                _rewrite(ids_path, lambda ln, gone=gone: ln.split("\t", 1)[0] not in gone)  # last: the pass's mark
    finally:
        seen.close()
    return n_dups


def _count_rows(path: Path) -> int:
    if not path.exists():
        return 0
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.read_metadata(path).num_rows)
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def run_dask(paths: list[str], opts: BatchOptions) -> BatchSummary:
    """Run the batch on a Dask cluster; ``opts.output`` is the output folder."""
    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    fmt = opts.part_format
    if fmt not in PART_FORMATS:
        raise ValueError(f"unknown --part-format {fmt!r} (jsonl or parquet)")
    if not opts.output:
        raise ValueError(f"--engine dask needs -o/--output: a folder for the part-*.{fmt} files")
    if "-" in paths:
        raise ValueError("--engine dask reads files, not standard input")
    started = time.perf_counter()
    outdir = Path(opts.output)
    outdir.mkdir(parents=True, exist_ok=True)
    chunks = plan_partitions(iter_paths(paths, exclude=[str(outdir) + os.sep]), opts.partition_size, opts.reader)
    _check_plan(outdir, chunks, opts.resume, fmt)
    if not opts.resume:
        for pattern in ("part-*", ".part-*", "records/*part-*", "mentions/*part-*"):
            for p in outdir.glob(pattern):
                p.unlink()
    todo = [(i, c) for i, c in enumerate(chunks) if not (opts.resume and _name(outdir, i, "records", fmt).exists())]
    summary = BatchSummary(outputs={"records": str(outdir / "records" if fmt == "parquet" else outdir)})
    if todo:
        if opts.scheduler:
            client = Client(opts.scheduler)
            cluster = None
        else:
            cluster = LocalCluster(n_workers=opts.jobs or default_jobs(), threads_per_worker=1,
                                   processes=opts.dask_processes, dashboard_address=None)
            client = Client(cluster)
        try:
            bag = db.from_sequence(todo, npartitions=len(todo))
            results = bag.map(process_partition, outdir=str(outdir.resolve()), ner=opts.ner, reader=opts.reader,
                              mentions=bool(opts.mentions), part_format=fmt).compute()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        summary.words = sum(r["words"] for r in results)
    _dedupe_across_parts(outdir, len(chunks), fmt)
    summary.total_records = sum(_count_rows(_name(outdir, i, "records", fmt)) for i in range(len(chunks)))
    summary.total_errors = sum(_count_rows(_name(outdir, i, "errors")) for i in range(len(chunks)))
    summary.records, summary.errors = summary.total_records, summary.total_errors
    summary.seconds = time.perf_counter() - started
    if opts.mentions:
        summary.outputs["mentions"] = str(_name(outdir, 0, "mentions", fmt).parent if fmt == "parquet"
                                          else outdir / "part-*.mentions.jsonl")
    summary.outputs["errors"] = str(outdir / "part-*.errors.jsonl")
    if not opts.quiet:
        import sys

        print(f"bgpress (dask): {summary.total_records} records, {summary.total_errors} errors in "
              f"{summary.seconds:.1f} s; {len(chunks)} partitions in {outdir}", file=sys.stderr)
    return summary
