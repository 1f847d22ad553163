"""The local batch engine: streaming, parallel, resumable.

Reading, duplicate detection and writing happen in the main process, in input
order; extraction (and the decoding of plain files) in ``--jobs`` worker
processes fed by ``Pool.imap`` through a bounded gate, so at most
``jobs x chunksize x 4`` documents are in flight whatever the corpus size.
Records are written as they come, one JSONL line flushed per document.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..readers import PendingFile, ReaderOptions, ReadError, SourceDoc, count_documents, iter_items
from ..writers import JsonlAppender, convert_jsonl, flatten_record, output_format
from .errors import EXIT_FAILED_DOCS, EXIT_OK, ErrorRow
from .state import IdSet, scan_for_resume
from .worker import Outcome, init_worker, process_item

__all__ = ["BatchOptions", "BatchSummary", "Sink", "run_batch", "print_record", "default_jobs", "plan_sinks"]

#: How many error lines are echoed on stderr before the rest go only to the errors file.
_ECHO_ERRORS = 10


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class BatchOptions:
    """Everything ``bgpress extract`` can be told; see README "Batch runs"."""

    output: str | None = None
    mentions: str | None = None
    errors: str | None = None
    ner: str = "rules"
    jobs: int | None = None
    resume: bool = False
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    progress: bool | None = None  # None: only when stderr is a terminal
    chunksize: int = 8
    engine: str = "local"
    scheduler: str | None = None
    partition_size: int = 500
    part_format: str = "jsonl"  # --engine dask: records and mentions parts as jsonl or parquet
    dask_processes: bool = True
    quiet: bool = False


@dataclass
class BatchSummary:
    """What a run did; ``exit_code`` is 0 when every document has a record, 2 otherwise."""

    records: int = 0
    errors: int = 0
    resumed: int = 0
    total_records: int = 0
    total_errors: int = 0
    words: int = 0
    seconds: float = 0.0
    error_kinds: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED_DOCS if self.total_errors else EXIT_OK

    @property
    def docs_per_second(self) -> float:
        return (self.records + self.errors) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Sink:
    """One output table: the final file and the append-only JSONL spool written during the run."""

    table: str
    final: Path
    spool: Path

    @property
    def direct(self) -> bool:
        return self.final == self.spool

    @classmethod
    def for_path(cls, table: str, final: str | Path) -> Sink:
        final = Path(final)
        if output_format(final) == "jsonl":
            return cls(table, final, final)
        return cls(table, final, final.with_name(f"{final.name}.{table}.part.jsonl"))


def plan_sinks(opts: BatchOptions) -> dict[str, Sink]:
    """Where records, mentions and errors go (the errors file defaults to ``OUTPUT.errors.csv``)."""
    sinks: dict[str, Sink] = {}
    out_fmt = output_format(opts.output) if opts.output else None
    if opts.output:
        sinks["records"] = Sink.for_path("records", opts.output)
    if opts.mentions:
        sinks["mentions"] = Sink.for_path("mentions", opts.mentions)
    elif out_fmt in ("sqlite", "duckdb"):
        sinks["mentions"] = Sink.for_path("mentions", opts.output)  # type: ignore[arg-type]
    if opts.errors:
        sinks["errors"] = Sink.for_path("errors", opts.errors)
    elif opts.output:
        if out_fmt in ("sqlite", "duckdb"):
            sinks["errors"] = Sink.for_path("errors", opts.output)
        else:
            out = Path(opts.output)
            sinks["errors"] = Sink.for_path("errors", out.with_name(out.name.removesuffix(out.suffix) + ".errors.csv"))
    return sinks


def print_record(rec: dict[str, Any], out: TextIO) -> None:
    """The readable terminal form of one record."""
    flat = flatten_record(rec)
    width = max(len(k) for k in flat)
    print(f"── {rec['doc_id']} " + "─" * 40, file=out)
    for k, v in flat.items():
        if k == "doc_id" or v in (None, ""):
            continue
        print(f"  {k:<{width}}  {v}", file=out)


def _progress(opts: BatchOptions, paths: list[str], initial: int, exclude: list[str]) -> Any:
    enabled = sys.stderr.isatty() if opts.progress is None else opts.progress
    if not enabled or opts.quiet:
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread (workers are forked)
    total = None if "-" in paths else count_documents(paths, opts.reader, exclude=exclude)
    return tqdm(total=total, initial=initial, unit="doc", dynamic_ncols=True, smoothing=0.05, file=sys.stderr)


class _Gate:
    """Lets the pool's feeder thread run at most ``limit`` documents ahead of the writer."""

    def __init__(self, limit: int) -> None:
        self._sem = threading.BoundedSemaphore(limit)

    def feed(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            self._sem.acquire()
            yield item

    def done(self) -> None:
        self._sem.release()


def _outcomes(tasks: Iterator[Any], opts: BatchOptions, jobs: int, want_mentions: bool) -> Iterator[Outcome]:
    if jobs <= 1:
        init_worker(opts.ner, opts.reader, want_mentions)
        for t in tasks:
            yield process_item(t)
        return
    # build the pipeline in the parent first: forked workers inherit it instead of each loading spaCy
    init_worker(opts.ner, opts.reader, want_mentions, preload=True)
    gate = _Gate(max(jobs * opts.chunksize * 4, opts.chunksize))
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    # workers are recycled every ~4000 documents: spaCy's string store grows with every new token
    # (figures, names), a slow leak over a million documents; a fork of the loaded parent is cheap
    pool = ctx.Pool(jobs, initializer=init_worker, initargs=(opts.ner, opts.reader, want_mentions),
                    maxtasksperchild=max(1, 4000 // max(1, opts.chunksize)))
    try:
        for oc in pool.imap(process_item, gate.feed(tasks), chunksize=opts.chunksize):
            gate.done()
            yield oc
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def run_batch(paths: Iterable[str], opts: BatchOptions | None = None, *, out: TextIO | None = None,
              on_record: Callable[[dict[str, Any]], None] | None = None) -> BatchSummary:
    """Extract every input document; write records, mentions and errors; return a summary.

    Without ``opts.output`` records go to ``on_record`` or are printed to ``out``.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("Проект.", encoding="utf-8")
    >>> _ = (d / "b.txt").write_bytes(b"")
    >>> s = run_batch([str(d)], BatchOptions(output=str(d / "out.jsonl"), jobs=1, quiet=True))
    >>> s.records, s.errors, s.exit_code
    (1, 1, 2)
    """
    opts = opts or BatchOptions()
    if opts.engine == "dask":
        from .dask_engine import run_dask

        return run_dask(list(paths), opts)
    if opts.engine != "local":
        raise ValueError(f"unknown engine {opts.engine!r} (local or dask)")
    if opts.resume and not opts.output:
        raise ValueError("--resume needs -o/--output: it continues the records already in that file")
    paths = [str(p) for p in paths]
    out = out or sys.stdout
    started = time.perf_counter()
    sinks = plan_sinks(opts)
    summary = BatchSummary(outputs={k: str(s.final) for k, s in sinks.items()})
    rec_sink = sinks.get("records")
    if opts.resume and rec_sink and not rec_sink.direct and not rec_sink.spool.exists() and rec_sink.final.exists():
        if not opts.quiet:
            print(f"{rec_sink.final} is complete: nothing to resume", file=sys.stderr)
        return summary

    done: IdSet | None = None
    reported_dups: IdSet | None = None
    prev_errors = 0
    if opts.resume:
        err = sinks.get("errors")
        men = sinks.get("mentions")
        done, reported_dups, n_prev = scan_for_resume(rec_sink.spool,  # type: ignore[union-attr]
                                                      err.spool if err else None, men.spool if men else None)
        if err and err.spool.exists():
            with err.spool.open(encoding="utf-8") as fh:
                prev_errors = sum(1 for _ in fh)
        summary.resumed = n_prev
    # a sink that shares its spool file (sqlite output) is opened once per table, each with its own spool
    writers = {k: JsonlAppender(s.spool, fresh=not opts.resume) for k, s in sinks.items()}
    rec_w, men_w, err_w = writers.get("records"), writers.get("mentions"), writers.get("errors")
    rec_meta = rec_sink is not None and not rec_sink.direct
    # never read our own outputs when they sit inside an input folder (-o in/out.jsonl would feed itself)
    own_files = [str(p) for s in sinks.values() for p in (s.final, s.spool)]
    seen = IdSet()

    def tasks() -> Iterator[SourceDoc | PendingFile | ReadError | ErrorRow]:
        for item in iter_items(paths, opts.reader, exclude=own_files):
            doc_id, source = item.doc_id, item.source
            if not seen.add(doc_id):
                if reported_dups is not None and f"{doc_id}\t{source}" in reported_dups:
                    continue
                yield ErrorRow(doc_id, source, "duplicate_id",
                               f"doc_id {doc_id!r} is already used by an earlier document; this one is not extracted")
                continue
            if done is not None and doc_id in done:
                continue
            yield item

    jobs = opts.jobs or default_jobs()
    bar = _progress(opts, paths, summary.resumed, own_files)
    echoed = 0
    try:
        for oc in _outcomes(tasks(), opts, jobs, men_w is not None):
            if oc.error is not None:
                e = oc.error
                summary.errors += 1
                summary.error_kinds[e.kind] = summary.error_kinds.get(e.kind, 0) + 1
                if err_w is not None:
                    err_w.write(e.to_dict())
                    err_w.flush()
                if echoed < _ECHO_ERRORS and not opts.quiet:
                    level = "warning" if e.kind == "duplicate_id" else "error"
                    msg = f"{level}: {e.source}: {e.kind}: {e.message}"
                    (bar.write(msg, file=sys.stderr) if bar is not None else print(msg, file=sys.stderr))
                    echoed += 1
            else:
                assert oc.record is not None
                summary.records += 1
                summary.words += oc.words
                if men_w is not None:
                    men_w.write_many(oc.mentions)
                    men_w.flush()
                if rec_w is not None:
                    rec_w.write({**oc.record, "_meta": oc.meta} if rec_meta else oc.record)
                    rec_w.flush()
                elif on_record is not None:
                    on_record(oc.record)
                else:
                    print_record(oc.record, out)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        for w in writers.values():
            w.close()
        seen.close()
        for ids in (done, reported_dups):
            if ids is not None:
                ids.close()

    for key in ("records", "mentions", "errors"):
        sink = sinks.get(key)
        if sink is not None and not sink.direct:
            convert_jsonl(sink.spool, sink.final, sink.table)
    for sink in sinks.values():
        if not sink.direct:
            sink.spool.unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - started
    summary.total_errors = prev_errors + summary.errors
    summary.total_records = summary.resumed - prev_errors + summary.records
    if not opts.quiet and (opts.output or summary.errors):
        _report(summary, sinks)
    return summary


def _report(s: BatchSummary, sinks: dict[str, Sink]) -> None:
    parts = [f"{s.records} records"]
    if s.resumed:
        parts.append(f"{s.resumed} done before (resumed)")
    parts.append(f"{s.errors} errors" + (f" ({', '.join(f'{k} {v}' for k, v in sorted(s.error_kinds.items()))})" if s.errors else ""))
    rate = f"{s.docs_per_second:.1f} docs/s" if s.seconds else ""
    print(f"bgpress: {', '.join(parts)} in {s.seconds:.1f} s, {rate}", file=sys.stderr)
    for key, sink in sinks.items():
        if key != "errors" or s.total_errors:
            print(f"  {key}: {sink.final}", file=sys.stderr)
