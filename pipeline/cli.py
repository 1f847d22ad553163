"""Command line: ``bgpress extract``, ``bgpress evaluate``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .api import DEFAULT_NER, extract_with_mentions
from .readers import ReadError, read_inputs
from .writers import flatten_record, mention_row, write_mentions, write_records

__all__ = ["main", "build_parser"]


def _print_record(rec: dict[str, Any], out: Any) -> None:
    flat = flatten_record(rec)
    width = max(len(k) for k in flat)
    print(f"── {rec['doc_id']} " + "─" * 40, file=out)
    for k, v in flat.items():
        if k == "doc_id" or v in (None, ""):
            continue
        print(f"  {k:<{width}}  {v}", file=out)


def cmd_extract(args: argparse.Namespace) -> int:
    records: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    errors: list[ReadError] = []
    for item in read_inputs(args.paths):
        if isinstance(item, ReadError):
            errors.append(item)
            print(f"error: {item.source}: {item.kind}: {item.message}", file=sys.stderr)
            continue
        try:
            record, ms = extract_with_mentions(item.text, item.doc_id, ner=args.ner)
        except Exception as exc:  # one bad document must not stop the batch
            errors.append(ReadError(item.doc_id, item.source, "extraction", f"{type(exc).__name__}: {exc}"))
            print(f"error: {item.source}: extraction: {exc}", file=sys.stderr)
            continue
        records.append(record.to_dict())
        if args.mentions:
            mentions.extend(mention_row(item.doc_id, m) for m in ms)
    if args.output:
        n = write_records(records, Path(args.output))
        print(f"wrote {n} records to {args.output}", file=sys.stderr)
    else:
        for rec in records:
            _print_record(rec, sys.stdout)
    if args.mentions:
        write_mentions(mentions, Path(args.mentions))
    if args.errors and errors:
        write_mentions([e.__dict__ for e in errors], Path(args.errors))
    return 1 if errors else 0


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

    e = sub.add_parser("extract", help="extract records from press releases")
    e.add_argument("paths", nargs="+", help="files, folders of .txt files, or - for standard input")
    e.add_argument("-o", "--output", help="FILE.jsonl, FILE.csv or FILE.parquet (default: a table on the terminal)")
    e.add_argument("--mentions", help="write one row per extracted value (jsonl, csv or parquet)")
    e.add_argument("--errors", help="write one row per failed document")
    e.add_argument("--ner", default=DEFAULT_NER, choices=("rules", "spacy", "stanza"))
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
        importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
