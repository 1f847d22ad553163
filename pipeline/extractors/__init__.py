"""Rule-based extractors, one module per field family.

Each module exposes ``extract(doc, found) -> list[Mention]``; ``found`` holds
the mentions of the extractors that ran before it, so that e.g. counts can
skip numbers already claimed as money or dates, and money can attach a
programme id.  The order below is that dependency order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..document import Document
from ..schema import Mention
from . import codes, contacts, counts, dates, money, organisations, programmes, title

__all__ = ["EXTRACTORS", "run_extractors"]

Extractor = Callable[[Document, Sequence[Mention]], list[Mention]]

EXTRACTORS: tuple[tuple[str, Extractor], ...] = (
    ("codes", codes.extract),
    ("programmes", programmes.extract),
    ("money", money.extract),
    ("dates", dates.extract),
    ("counts", counts.extract),
    ("title", title.extract),
    ("organisations", organisations.extract),
    ("contacts", contacts.extract),
)


def run_extractors(doc: Document) -> list[Mention]:
    found: list[Mention] = []
    for _name, fn in EXTRACTORS:
        found.extend(fn(doc, found))
    return found
