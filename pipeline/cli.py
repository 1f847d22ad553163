"""Command line: ``bgpress extract``, ``bgpress evaluate``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .api import DEFAULT_NER
from .batch.errors import EXIT_USAGE
from .batch.runner import BatchOptions, print_record, run_batch
from .readers import DEFAULT_MAX_BYTES, ReaderOptions

__all__ = ["main", "build_parser", "spare_torch"]

# kept for callers of the old private name
_print_record = print_record


def cmd_extract(args: argparse.Namespace) -> int:
    """Run the batch; exit 0 when every document has a record, 2 when some are in the errors table."""
    reader = ReaderOptions(
        id_field=args.id_field, text_field=args.text_field, url_field=args.url_field,
        title_field=args.title_field, date_field=args.date_field, max_bytes=args.max_bytes,
        input_format=args.format,
    )
    opts = BatchOptions(
        output=args.output, mentions=args.mentions, errors=args.errors, ner=args.ner, jobs=args.jobs,
        resume=args.resume, reader=reader, progress=args.progress, chunksize=args.chunksize,
        engine=args.engine, scheduler=args.scheduler, partition_size=args.partition_size,
        part_format=args.part_format, quiet=args.quiet,
    )
    try:
        summary = run_batch(args.paths, opts)
    except ValueError as exc:
        print(f"bgpress extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return summary.exit_code


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation.run import evaluate_dirs, format_scores

    result = evaluate_dirs(Path(args.corpus), Path(args.gold), ner=args.ner)
    print(format_scores(result, errors=not args.no_errors))
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bgpress", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser(
        "extract", help="extract records from press releases",
        description="Extract one record per press release. Exit status: 0 when every document got a record, "
        "1 on a usage error, 2 when the batch finished but some documents are in the errors table.",
    )
    e.add_argument("paths", nargs="+", help="files, folders (recursive), globs, or - for standard input; "
                   ".txt, .html/.htm, .jsonl(.gz), .csv(.gz)")
    e.add_argument("-o", "--output", help="FILE.jsonl, .csv, .parquet, .sqlite/.db or .duckdb; a folder with "
                   "--engine dask (default: a table on the terminal)")
    e.add_argument("--mentions", help="write one row per extracted value (any of the output formats)")
    e.add_argument("--errors", help="write one row per failed document (default: OUTPUT.errors.csv beside -o, "
                   "or the errors table of a .sqlite/.duckdb output)")
    e.add_argument("--ner", default=DEFAULT_NER, choices=("rules", "spacy", "stanza"))
    e.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)")
    e.add_argument("--resume", action="store_true", help="continue an interrupted run into the same -o: "
                   "documents already done are skipped, none is lost or written twice")
    e.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="larger documents get an error row "
                   f"too_large instead of a record (default {DEFAULT_MAX_BYTES}; 0 = no limit)")
    e.add_argument("--format", default="auto", choices=("auto", "txt", "html", "jsonl", "csv"),
                   help="format of standard input and of files with an unknown extension (default: txt)")
    e.add_argument("--id-field", default="id", help="JSONL/CSV field holding the doc_id (default id)")
    e.add_argument("--text-field", default="text", help="JSONL/CSV field holding the text (default text)")
    e.add_argument("--url-field", default="url")
    e.add_argument("--title-field", default="title")
    e.add_argument("--date-field", default="date", help="publication date (relative dates resolve against it)")
    e.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: only when stderr is a terminal)")
    e.add_argument("--chunksize", type=int, default=8, help="documents per task sent to a worker (default 8)")
    e.add_argument("-q", "--quiet", action="store_true", help="no summary or error lines on stderr")
    e.add_argument("--engine", default="local", choices=("local", "dask"),
                   help="dask: run on a Dask cluster, output a folder of part-*.jsonl files (or Parquet datasets)")
    e.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    e.add_argument("--partition-size", type=int, default=500,
                   help="documents per Dask partition: one-document files, or lines of an uncompressed JSONL "
                        "file, which is cut into line ranges (default 500)")
    e.add_argument("--part-format", default="jsonl", choices=("jsonl", "parquet"),
                   help="--engine dask: write the records (and --mentions) parts as part-NNNNN.jsonl (default) or "
                        "as Parquet datasets OUT/records/ and OUT/mentions/ with the columns of -o FILE.parquet; "
                        "errors stay JSONL (ignored by the local engine, like --scheduler)")
    e.set_defaults(func=cmd_extract)

    v = sub.add_parser("evaluate", help="score extraction against gold")
    v.add_argument("--corpus", required=True)
    v.add_argument("--gold", required=True)
    v.add_argument("--json", help="write the full scores and error list as JSON")
    v.add_argument("--no-errors", action="store_true", help="do not list the false positives and negatives")
    v.add_argument("--ner", default=DEFAULT_NER, choices=("rules", "spacy", "stanza"))
    v.set_defaults(func=cmd_evaluate)

    # further commands live in pipeline/commands/<name>.py, each with register(subparsers)
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return p


def spare_torch(args: argparse.Namespace) -> bool:
    """Keep thinc from importing torch in this process when nothing here needs it; True if so.

    Why: spaCy imports thinc, and thinc imports torch whenever it is installed
    (the dev extras install it for stanza): about 3 s of the CLI's 6 s start-up,
    paid again by every worker that imports spaCy.  The tokenizer and our CNN NER
    model run on numpy alone; only the stanza backend needs torch.  A ``None`` in
    ``sys.modules`` makes ``import torch`` raise ImportError, which thinc reads as
    "torch not installed".  Not done for ``--ner stanza``, for the Dask engine
    (its libraries probe for torch in ways this could upset), or once thinc or
    torch is loaded (then it is too late, or torch is in use).
    """
    if (getattr(args, "ner", None) == "stanza" or getattr(args, "engine", None) == "dask"
            or "thinc" in sys.modules or "torch" in sys.modules):
        return False
    sys.modules["torch"] = None  # type: ignore[assignment]
    return True


def main(argv: list[str] | None = None) -> int:
    """Run one command.  Called as the program (no ``argv``: the arguments of ``sys.argv``),
    it first spares the process torch where it can (:func:`spare_torch`); called in-process
    with ``argv`` (tests, scripts) it leaves ``sys.modules`` alone."""
    args = build_parser().parse_args(argv)
    if argv is None:
        spare_torch(args)
    return int(args.func(args))
