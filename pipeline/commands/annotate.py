"""``bgpress annotate FILE -o gold/ID.json``: the extraction as a gold draft for hand correction."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ._output import emit


def run(args: argparse.Namespace) -> int:
    from ..api import extract_with_mentions
    from ..gold import record_to_gold

    path = Path(args.file)
    text = path.read_text(encoding="utf-8")
    record, mentions = extract_with_mentions(text, path.stem, ner=args.ner)
    draft = record_to_gold(record.to_dict(), mentions)
    out = json.dumps(draft, ensure_ascii=False, indent=1) + "\n"
    if args.output and Path(args.output).exists() and not args.force:
        print(f"error: {args.output} exists; pass --force to overwrite a gold file", file=sys.stderr)
        return 1
    emit(out, args.output, note=f"draft written to {args.output}: correct it by hand, then run bgpress validate-gold")
    return 0


def register(sub: Any) -> None:
    from ..api import DEFAULT_NER

    p = sub.add_parser("annotate", help="write the extraction of FILE as a gold draft")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="gold/<doc_id>.json (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--ner", default=DEFAULT_NER, choices=("rules", "spacy", "stanza"))
    p.set_defaults(func=run)
