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
from spacy.attrs import ORTH as ORTH_ATTR
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
        if "\n" in spaces[i - 1]:
            starts[i] = True
        else:
            starts[i] = _starts_after(texts[i - 1], texts[i], texts[i - 2] if i >= 2 else None)
    return starts


def _starts_after(prev: str, cur: str, before: str | None) -> bool:
    """Does token ``cur`` start a sentence, given the token ``prev`` before it (and ``before`` that)?"""
    if "\n" in prev:
        return True
    last = prev[-1:]
    if last not in _FINAL:
        return False  # most tokens follow a word: no newline, no final punctuation
    first = cur[:1]
    if prev in ("!", "?", "…"):
        return first.isupper() or first in "\"'(" or first.isdigit()
    if last != ".":
        return False
    word = prev if prev != "." else (before + "." if before is not None else ".")
    key = word.lower()
    if key in _PREFIX:
        return False  # гр. Смолян, проф. Иванов
    if key in _SUFFIX:
        return first.isupper()  # 2021 г. Той ...
    if prev != "." and len(prev) == 2 and prev[0].isupper():
        return False  # an initial: М. Иванова
    if prev != ".":
        return first.isupper()
    return first.isupper() or first in "\"'(" or first.isdigit()


#: Last characters of a token after which a sentence may end (``!``, ``?``, ``…`` alone, or ``.``).
_FINAL = frozenset("!?….")


def _may_end_sentence(token_text: str) -> bool:
    """A lexeme flag: the token holds a newline or ends in final punctuation (:func:`_starts_after` can say yes after it)."""
    return "\n" in token_text or token_text[-1:] in _FINAL


def _break_flag(vocab: Any) -> int:
    """The id of the :func:`_may_end_sentence` flag in ``vocab``, registered at first use.

    spaCy computes a flag once per lexeme (word type), so a document's
    candidates come out of ``Doc.to_array`` without touching its tokens.
    """
    for flag_id, getter in vocab.lex_attr_getters.items():
        if getter is _may_end_sentence:
            return int(flag_id)
    return int(vocab.add_flag(_may_end_sentence))


@Language.component("bgpress_sentences")
def bgpress_sentences(doc: Doc) -> Doc:
    """Sets sentence starts in one array write.

    Only a token after one that holds a newline or ends in final punctuation
    can start a sentence, and a document has a few dozen of those among
    hundreds of tokens.  A lexeme flag finds them in one ``to_array`` call;
    only their texts are looked up.  Iterating the ``Doc`` (one ``Token``
    object per token) or even reading ``doc.text`` cost more than the rest of
    the splitter.  Spaces after a token are a single ``" "`` in spaCy (newlines
    are tokens of their own), so the decision needs the token texts alone: it
    is :func:`_starts_after`, the rule :func:`sentence_starts` applies to
    every token.
    """
    n = len(doc)
    if not n:
        return doc
    flag = _break_flag(doc.vocab)
    arr = doc.to_array([ORTH_ATTR, flag])
    values = numpy.full((n, 1), -1, dtype="int64")
    values[0, 0] = 1
    candidates = numpy.flatnonzero(arr[:-1, 1]).tolist()
    if candidates:
        orth = arr[:, 0].tolist()
        strings = doc.vocab.strings
        for k in candidates:
            before = strings[orth[k - 1]] if k >= 1 else None
            if _starts_after(strings[orth[k]], strings[orth[k + 1]], before):
                values[k + 1, 0] = 1
    doc.from_array([SENT_START], values.astype("uint64"))  # type: ignore[arg-type]
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
