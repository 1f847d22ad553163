"""The Python API: one document to one record, many documents to a table."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .assemble import assemble
from .document import Document
from .extractors import run_extractors
from .language.ner import get_ner
from .schema import Mention, Record

__all__ = ["DEFAULT_NER", "extract", "extract_with_mentions", "extract_batch", "records_to_dataframe"]

#: The entity layer used when none is named: the shipped spaCy model merged with the rules
#: (better in-domain entity F1 at equal field scores, README "Language layer and NER"); without
#: the model directory get_ner falls back to "rules" with one warning line.
DEFAULT_NER = "spacy"


@lru_cache(maxsize=4)
def _ner(name: str, model_dir: str | None = None) -> Any:
    return get_ner(name, model_dir=model_dir)


def extract_with_mentions(
    text: str, doc_id: str = "doc", *, ner: str = DEFAULT_NER, meta: dict[str, Any] | None = None
) -> tuple[Record, list[Mention]]:
    """The record and every grounded mention behind it."""
    doc = Document.from_text(text, doc_id, ner=_ner(ner), meta=meta)
    mentions = run_extractors(doc)
    return assemble(doc_id, mentions), mentions


def extract(text: str, doc_id: str = "doc", *, ner: str = DEFAULT_NER, meta: dict[str, Any] | None = None) -> Record:
    """Extract the SCHEMA.md record of one press release.

    >>> extract("Общата стойност на проекта е 1 035 612 лева.", doc_id="x").amounts[0].currency
    'BGN'
    """
    return extract_with_mentions(text, doc_id, ner=ner, meta=meta)[0]


def extract_batch(
    docs: Iterable[tuple[str, str]] | str | Path | Iterable[str | Path], *, ner: str = DEFAULT_NER,
    errors: list[Any] | None = None,
) -> Iterator[Record]:
    """Records, lazily, in input order, for ``(doc_id, text)`` pairs or for paths.

    Paths may be files, folders, globs (``.txt``, ``.html``, ``.jsonl``, ``.csv``;
    see :mod:`pipeline.readers`); a document that cannot be read is skipped and,
    when ``errors`` is a list, appended to it as a :class:`~pipeline.readers.ReadError`.

    >>> [r.doc_id for r in extract_batch([("a", "Проект."), ("b", "Нищо.")])]
    ['a', 'b']
    """
    if isinstance(docs, (str, Path)):
        docs = [docs]
    it = iter(docs)
    first = next(it, None)
    if first is None:
        return
    if isinstance(first, (str, Path)):
        from .readers import ReadError, read_inputs

        paths = [str(first), *(str(p) for p in it)]
        for item in read_inputs(paths):
            if isinstance(item, ReadError):
                if errors is not None:
                    errors.append(item)
                continue
            yield extract(item.text, item.doc_id, ner=ner, meta=item.meta)
        return
    for doc_id, text in itertools.chain([first], it):  # type: ignore[misc,str-unpack]
        yield extract(text, doc_id, ner=ner)


def records_to_dataframe(records: Iterable[Record]) -> Any:
    """A pandas DataFrame with one row per record; list fields flattened readably (see writers)."""
    import pandas as pd

    from .writers import flatten_record

    return pd.DataFrame([flatten_record(r.to_dict()) for r in records])
