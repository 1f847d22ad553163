"""``bgpress validate-gold DIR``: check every gold file against SCHEMA.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def run(args: argparse.Namespace) -> int:
    from ..gold import validate_gold_dir

    corpus = Path(args.corpus) if args.corpus else None
    if corpus is None and (Path(args.gold).parent / "corpus").is_dir():
        corpus = Path(args.gold).parent / "corpus"
    n, problems = validate_gold_dir(Path(args.gold), corpus)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{n} gold files checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def register(sub: Any) -> None:
    p = sub.add_parser("validate-gold", help="check gold files against SCHEMA.md")
    p.add_argument("gold", help="folder of gold/<doc_id>.json files")
    p.add_argument("--corpus", help="folder of the texts (default: ../corpus beside the gold folder)")
    p.set_defaults(func=run)
