"""``bgpress show FILE -o page.html``: the document with every extracted value highlighted."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._output import emit


def run(args: argparse.Namespace) -> int:
    from ..api import extract_with_mentions
    from ..visualize import page

    path = Path(args.file)
    text = path.read_text(encoding="utf-8")
    record, mentions = extract_with_mentions(text, path.stem, ner=args.ner)
    html_page = page(path.stem, text, record.to_dict(), mentions)
    emit(html_page, args.output)
    return 0


def register(sub: Any) -> None:
    from ..api import DEFAULT_NER

    p = sub.add_parser("show", help="HTML page with the extracted values highlighted in the text")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="page.html (default: standard output)")
    p.add_argument("--ner", default=DEFAULT_NER, choices=("rules", "spacy", "stanza"))
    p.set_defaults(func=run)
