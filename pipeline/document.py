"""A document as the extractors see it: original text, normalised text with its
offset map, spaCy tokens and sentences, and named entities.

Extractors work in normalised coordinates and call :meth:`Document.mention`,
which maps the interval back to the original text, so every value in the
mentions table satisfies ``original[start:end] == text``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .schema import Mention
from .textnorm import NormalisedText, normalise

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .language.ner import Entity

__all__ = ["Document", "lead_end"]

#: non-blank lines of a release's lead: source or date line, headline, first paragraph
LEAD_LINES = 4


@dataclass
class Document:
    doc_id: str
    original: str
    norm: NormalisedText
    entities: list[Entity] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    #: values derived once per document (lower-cased text, sentence starts), each stored
    #: with the object it was derived from so that a reassigned field is not served stale
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _spacy_doc: Doc | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The normalised text, which all extractor offsets refer to."""
        return self.norm.text

    @classmethod
    def from_text(cls, text: str, doc_id: str = "doc", *, ner: Any = None, meta: dict[str, Any] | None = None) -> Document:
        """Normalise, split sentences and (optionally) tag entities.

        The sentences come from the tokens of our tokenizer without a spaCy
        ``Doc`` (:func:`~pipeline.language.tokenizer.text_sentences`): building
        one cost as much as the rest of the language layer, and only the
        stanza backend reads it (:attr:`spacy_doc`, built on first use).
        """
        from .language.tokenizer import text_sentences

        norm = normalise(text)
        doc = cls(doc_id=doc_id, original=text, norm=norm, meta=dict(meta or {}))
        doc.sentences = text_sentences(norm.text)
        if ner is not None:
            doc.entities = list(ner(doc))
        return doc

    @property
    def spacy_doc(self) -> Doc:
        """The normalised text as a spaCy ``Doc`` of our tokenizer and sentence splitter
        (its sentences are :attr:`sentences`), built on first use."""
        if self._spacy_doc is None:
            from .language.tokenizer import get_nlp

            self._spacy_doc = get_nlp()(self.norm.text)
        return self._spacy_doc

    # -- offsets ---------------------------------------------------------
    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.to_original(start, end)

    def surface(self, start: int, end: int) -> str:
        """The original text behind a normalised interval (quotes as written)."""
        s, e = self.to_original(start, end)
        return self.original[s:e]

    def mention(
        self, field_name: str, value: Any, start: int | None, end: int | None, rule_id: str, label: str | None = None
    ) -> Mention:
        """A grounded mention from a normalised-text interval (``None`` when not locatable)."""
        if start is None or end is None:
            return Mention(field_name, value, "", None, None, rule_id, label)
        s, e = self.to_original(start, end)
        return Mention(field_name, value, self.original[s:e], s, e, rule_id, label)

    # -- context helpers -------------------------------------------------
    @property
    def lower(self) -> str:
        """``text.lower()``, computed once per document (extractors look up cue words in it).

        >>> Document.from_text("Проект ДЕСИ").lower
        'проект деси'
        """
        cached = self._cache.get("lower")
        if cached is None or cached[0] is not self.norm.text:
            cached = (self.norm.text, self.norm.text.lower())
            self._cache["lower"] = cached
        return cached[1]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence interval that holds normalised offset ``pos``.

        The sentence starts are listed once per ``sentences`` list (extractors
        ask for many positions of one document).
        """
        cached = self._cache.get("starts")
        if cached is None or cached[0] is not self.sentences:
            cached = (self.sentences, [s for s, _ in self.sentences])
            self._cache["starts"] = cached
        i = bisect_right(cached[1], pos) - 1
        if i < 0:
            return (0, len(self.text))
        return self.sentences[i]

    def entities_in(self, start: int, end: int, labels: tuple[str, ...] | None = None) -> list[Entity]:
        return [
            e for e in self.entities if e.start >= start and e.end <= end and (labels is None or e.label in labels)
        ]


@lru_cache(maxsize=8)
def lead_end(text: str) -> int:
    """Where the lead ends: after the fourth non-blank line, or after the 12th line if sooner.

    What a release says of itself stands there (its subject, how many projects it is about).
    Computed once per text, as the lead-subject rule is tried at every line start (before, each
    try counted the lines above it: quadratic in a long text)."""
    nonblank = 0
    pos = 0
    for _ in range(LEAD_LINES * 3):
        nl = text.find("\n", pos)
        if text[pos: len(text) if nl < 0 else nl].strip():
            nonblank += 1
        if nl < 0:
            return len(text)
        pos = nl + 1
        if nonblank == LEAD_LINES:
            break
    return pos
