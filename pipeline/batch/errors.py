"""The errors table: one row per document that got no record, and why.

Kinds: ``not_found``, ``unreadable``, ``empty``, ``binary``, ``undecodable``,
``too_large``, ``no_text`` (an HTML page without main text), ``invalid_json``,
``invalid_csv``, ``missing_text``, ``corrupt_file`` (a truncated ``.gz``),
``duplicate_id`` (a second document with a doc_id already seen: it is not
extracted, the first one wins) and ``extraction`` (the pipeline raised).

A text that names no project is *not* an error: it gets a record with empty fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["ErrorRow", "EXIT_OK", "EXIT_FAILED_DOCS", "EXIT_USAGE"]

#: Every input document got its record.
EXIT_OK = 0
#: Usage error (bad option, unsupported output format).
EXIT_USAGE = 1
#: The batch finished, but at least one document is in the errors table.
EXIT_FAILED_DOCS = 2


@dataclass(frozen=True)
class ErrorRow:
    """``doc_id``, ``source`` (path, ``path:line`` for JSONL/CSV), ``kind``, ``message``."""

    doc_id: str
    source: str
    kind: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
