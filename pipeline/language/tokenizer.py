"""spaCy's ``bg`` tokenizer with our abbreviations, and a rule-based sentence splitter.

spaCy's Bulgarian tokenizer splits ``млн.`` and ``хил.`` into word and period
and knows few address abbreviations, so a naive splitter ends sentences at
``гр.`` or ``20,6 млн. лв.``.  The abbreviations live in ``rules/language.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc

from ..rules import load_ruleset

__all__ = ["make_nlp", "get_nlp", "sentence_spans"]


def _abbreviations() -> tuple[list[str], list[str]]:
    lex = load_ruleset("language").lexicons
    return list(lex["prefix_abbreviations"]), list(lex["suffix_abbreviations"])


def sentence_starts(texts: list[str], spaces: list[str]) -> list[bool]:
    """Which tokens start a sentence, from token texts and trailing whitespace alone.

    Sentence-final punctuation ends a sentence when the next token looks like a
    sentence start; a newline always does; a prefix abbreviation never does.
    """
    starts = [False] * len(texts)
    if not texts:
        return starts
    starts[0] = True
    for i in range(1, len(texts)):
        prev = texts[i - 1]
        # most tokens follow a word: no newline, no final punctuation, so no decision to make
        if "\n" in prev or "\n" in spaces[i - 1]:
            starts[i] = True
            continue
        last = prev[-1:]
        if last not in _FINAL:
            continue
        first = texts[i][:1]
        if prev in ("!", "?", "…"):
            start = first.isupper() or first in "\"'(" or first.isdigit()
        elif last == ".":
            word = prev if prev != "." else (texts[i - 2] + "." if i >= 2 else ".")
            key = word.lower()
            if key in _PREFIX:
                start = False  # гр. Смолян, проф. Иванов
            elif key in _SUFFIX:
                start = first.isupper()  # 2021 г. Той ...
            elif prev != "." and len(prev) == 2 and prev[0].isupper():
                start = False  # an initial: М. Иванова
            elif prev != ".":
                start = first.isupper()
            else:
                start = first.isupper() or first in "\"'(" or first.isdigit()
        else:
            continue
        starts[i] = start
    return starts


#: Last characters of a token after which a sentence may end (``!``, ``?``, ``…`` alone, or ``.``).
_FINAL = frozenset("!?….")


@Language.component("bgpress_sentences")
def bgpress_sentences(doc: Doc) -> Doc:
    """Sets sentence starts in one array write (setting ``is_sent_start`` token by
    token re-checks the whole document's annotation each time)."""
    if not len(doc):
        return doc
    texts: list[str] = []
    spaces: list[str] = []
    for t in doc:  # one pass: every access creates a Token object
        texts.append(t.text)
        spaces.append(t.whitespace_)
    starts = sentence_starts(texts, spaces)
    values = numpy.array([1 if b else -1 for b in starts], dtype="int64").astype("uint64").reshape(-1, 1)
    doc.from_array([SENT_START], values)  # type: ignore[arg-type]
    return doc


_PREFIX: frozenset[str] = frozenset()
_SUFFIX: frozenset[str] = frozenset()


def make_nlp() -> Language:
    """A blank ``bg`` pipeline with the abbreviation exceptions and the sentence splitter."""
    global _PREFIX, _SUFFIX
    nlp = spacy.blank("bg")
    prefix, suffix = _abbreviations()
    _PREFIX = frozenset(a.lower() for a in prefix)
    _SUFFIX = frozenset(a.lower() for a in suffix)
    tokenizer: Any = nlp.tokenizer
    for a in prefix + suffix:
        if " " in a:
            continue
        tokenizer.add_special_case(a, [{ORTH: a}])
        if a[0].islower():
            cap = a[0].upper() + a[1:]
            tokenizer.add_special_case(cap, [{ORTH: cap}])
    nlp.add_pipe("bgpress_sentences")
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    return make_nlp()


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character intervals of the sentences (normalised-text coordinates)."""
    return [(s.start_char, s.end_char) for s in doc.sents]
