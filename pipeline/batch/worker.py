"""What a worker does with one input item: read it if needed, extract, report.

Workers build the pipeline once (:func:`init_worker`: spaCy, rules, the NER
backend) and then turn items into :class:`Outcome` objects, never raising:
whatever goes wrong with one document becomes an error row.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from ..readers import PendingFile, ReaderOptions, ReadError, SourceDoc, load_pending
from .errors import ErrorRow

__all__ = ["Outcome", "init_worker", "process_item"]

_STATE: dict[str, Any] = {"ner": "rules", "reader": ReaderOptions(), "mentions": False}


@dataclass
class Outcome:
    """The result for one document: a record (with its mention rows) or an error row."""

    doc_id: str
    source: str
    record: dict[str, Any] | None = None
    mentions: list[dict[str, Any]] = field(default_factory=list)
    error: ErrorRow | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    words: int = 0


def init_worker(ner: str, reader: ReaderOptions, mentions: bool, *, preload: bool = False) -> None:
    """Build the pipeline once per process (the first extraction loads spaCy and the rules).

    ``preload`` (the parent of forked workers) also loads now what extraction
    otherwise loads at its first need: the lemma model behind the lemma table
    (0.4 s).  Forked workers then share it, and so do the workers that replace
    recycled ones, instead of each loading its own copy.
    """
    from ..api import extract_with_mentions

    _STATE.update(ner=ner, reader=reader, mentions=mentions)
    extract_with_mentions("Проект.", "warm-up", ner=ner)
    if preload:
        from ..language.lemmas import get_lemmatizer

        model = get_lemmatizer().model
        if model is not None:
            model("")  # loads the model (an empty form has no lemma)


def process_item(item: SourceDoc | PendingFile | ReadError | ErrorRow) -> Outcome:
    """Extract one document; never raises (an error becomes ``Outcome.error``)."""
    from ..api import extract_with_mentions
    from ..writers import mention_row

    if isinstance(item, ErrorRow):
        return Outcome(item.doc_id, item.source, error=item)
    if isinstance(item, ReadError):
        return Outcome(item.doc_id, item.source, error=ErrorRow(item.doc_id, item.source, item.kind, item.message))
    doc: SourceDoc | ReadError = load_pending(item, _STATE["reader"]) if isinstance(item, PendingFile) else item
    if isinstance(doc, ReadError):
        return Outcome(doc.doc_id, doc.source, error=ErrorRow(doc.doc_id, doc.source, doc.kind, doc.message))
    try:
        record, ms = extract_with_mentions(doc.text, doc.doc_id, ner=_STATE["ner"], meta=doc.meta)
    except Exception as exc:  # one bad document must not stop the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        msg = f"{type(exc).__name__}: {exc} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
        return Outcome(doc.doc_id, doc.source, error=ErrorRow(doc.doc_id, doc.source, "extraction", msg[:2000]))
    rows = [mention_row(doc.doc_id, m) for m in ms] if _STATE["mentions"] else []
    meta = {"source": doc.source, **doc.meta}
    return Outcome(doc.doc_id, doc.source, record=record.to_dict(), mentions=rows, meta=meta, words=len(doc.text.split()))
