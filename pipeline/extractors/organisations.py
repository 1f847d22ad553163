"""Extractor: organisations (being written)."""

from __future__ import annotations

from collections.abc import Sequence

from ..document import Document
from ..schema import Mention

__all__ = ["extract"]


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    return []
