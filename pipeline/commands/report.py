"""``bgpress report --corpus DIR --gold DIR -o report.html``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def run(args: argparse.Namespace) -> int:
    from ..evaluation.report import write_report
    from ..evaluation.run import evaluate_dirs

    result = evaluate_dirs(Path(args.corpus), Path(args.gold), ner=args.ner)
    out = write_report(result, Path(args.output))
    print(f"wrote {out} (micro F1 {result.scores.micro.f1:.3f})", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    from ..api import DEFAULT_NER

    p = sub.add_parser("report", help="HTML evaluation report with charts and the errors in context")
    p.add_argument("--corpus", required=True)
    p.add_argument("--gold", required=True)
    p.add_argument("-o", "--output", default="report.html")
    p.add_argument("--ner", default=DEFAULT_NER, choices=("rules", "spacy", "stanza"))
    p.set_defaults(func=run)
