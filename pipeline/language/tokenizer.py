"""spaCy's ``bg`` tokenizer with our abbreviations, and a rule-based sentence splitter.

spaCy's Bulgarian tokenizer splits ``млн.`` and ``хил.`` into word and period
and knows few address abbreviations, so a naive splitter ends sentences at
``гр.`` or ``20,6 млн. лв.``.  The abbreviations live in ``rules/language.yaml``.
"""

from __future__ import annotations

import re
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

__all__ = ["make_nlp", "get_nlp", "sentence_spans", "text_sentences"]


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


# -- sentences without a Doc -------------------------------------------------------------------

#: The whitespace before a run of non-space characters, and the run: spaCy's tokenizer cuts the
#: text at exactly these places (``\s`` and ``str.isspace`` agree) and tokenises every run, and every
#: whitespace run less the single space it keeps as a token's trailing space, on its own.
_SPAN_RE = re.compile(r"(\s*)(\S+)")
#: Distinct spans remembered (about 250 bytes each: some 25 MB per process when full); the
#: memory is cleared when full.
_MAX_SPANS = 100_000


class _SpanTokens:
    """Token texts of whitespace-separated spans, each tokenised by spaCy once per process.

    Why: spaCy caches a span's tokens only until the first special case of a
    document (``г.``, ``гр.``: its flag ``has_special`` stays set for the rest of the
    text, spaCy issue #1250) and stops caching at 10,000 spans, so most spans of
    every document went through the affix regexes again; building the ``Doc``
    cost as much as ``spacy.blank("bg")`` itself, for the sentence splitter alone.
    Here each distinct span is tokenised once, by the same tokenizer, and its
    tokens are reused.

    Tokenising span by span equals tokenising the text, except where two pieces
    of a special case (``и под.``: ``и`` + ``под`` + ``.``; ``:-)``) meet across a
    space: spaCy's matcher of special cases then sees a match that no span holds
    alone, which may join the pieces or keep another match from being applied.
    Where a span ends with one piece and the next begins with the piece after it,
    the two (and any run of spans so joined) are tokenised together, as spaCy
    tokenises them in the text.  The matcher looks at the tokens before it
    retokenises: a span's first token was then either the one it has now or, when
    that one is a special case the matcher assembled, the first piece of it (the
    last token likewise), so the test can only err towards tokenising together.
    """

    def __init__(self, nlp: Language) -> None:
        from spacy.tokenizer import Tokenizer
        from spacy.vocab import Vocab

        tok: Any = nlp.tokenizer
        # The same rules over a vocabulary without lexical attributes: each new token string
        # becomes a lexeme, and computing its attributes (shape, flags, norms: in Python) cost
        # as much as tokenising it; only the token texts are used here.
        self.tokenizer = Tokenizer(Vocab(lex_attr_getters={}), rules=tok.rules, prefix_search=tok.prefix_search,
                                   suffix_search=tok.suffix_search, infix_finditer=tok.infix_finditer,
                                   token_match=tok.token_match, url_match=tok.url_match,
                                   faster_heuristics=tok.faster_heuristics)
        # every special case cut by the affix rules alone: the token sequences spaCy's matcher looks for
        bare = Tokenizer(self.tokenizer.vocab, rules={}, prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                         infix_finditer=tok.infix_finditer, token_match=tok.token_match, url_match=tok.url_match)
        pairs: set[tuple[str, str]] = set()
        #: a token a special case begins (ends) with -> the first (last) piece the matcher assembled it from
        first_piece: dict[str, set[str]] = {}
        last_piece: dict[str, set[str]] = {}
        for special, substrings in tok.rules.items():
            pieces = [t.text for t in bare(special)]
            if len(pieces) < 2:
                continue
            pairs.update(zip(pieces, pieces[1:], strict=False))
            first_piece.setdefault(substrings[0][ORTH], set()).add(pieces[0])
            last_piece.setdefault(substrings[-1][ORTH], set()).add(pieces[-1])
        self.pairs = frozenset(pairs)
        self.firsts = frozenset(a for a, _ in pairs)
        self.seconds = frozenset(b for _, b in pairs)
        self.first_piece = {k: frozenset(v) for k, v in first_piece.items()}
        self.last_piece = {k: frozenset(v) for k, v in last_piece.items()}
        #: span -> (token texts, pieces its first token may have been, pieces its last token may have been)
        self.cache: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}

    def _learn(self, spans: list[str]) -> None:
        """Tokenise spans not seen before, in one call: a spaCy ``Doc`` per span cost more than
        its tokens.  Joined by newlines, which are tokens of their own and in no special case, the
        spans are tokenised exactly as one by one; a whitespace span is tokenised alone."""
        words: list[str] = []
        for s in dict.fromkeys(spans):
            if s.isspace():
                self._store(s, tuple(t.text for t in self.tokenizer(s)))
            else:
                words.append(s)
        if not words:
            return
        bounds: list[int] = []  # where each span ends (its newline)
        at = 0
        for w in words:
            at += len(w)
            bounds.append(at)
            at += 1
        found: list[list[str]] = [[] for _ in words]
        k = 0
        for t in self.tokenizer("\n".join(words)):
            while t.idx > bounds[k]:
                k += 1
            if t.idx < bounds[k]:  # not the newline after span k
                found[k].append(t.text)
        for w, toks in zip(words, found, strict=True):
            self._store(w, tuple(toks))

    def _store(self, span: str, toks: tuple[str, ...]) -> None:
        if toks == (span,):
            toks = (span,)  # most spans are one token: keep one string, not two equal ones
        begins: tuple[str, ...] = ()
        ends: tuple[str, ...] = ()
        if toks:
            first, last = toks[0], toks[-1]
            begins = (first,) if first in self.seconds else ()
            if first in self.first_piece:
                begins = tuple(p for p in {first, *self.first_piece[first]} if p in self.seconds)
            ends = (last,) if last in self.firsts else ()
            if last in self.last_piece:
                ends = tuple(p for p in {last, *self.last_piece[last]} if p in self.firsts)
        self.cache[span] = (toks, begins, ends)

    def tokens(self, text: str) -> tuple[list[str], list[int]]:
        """Token texts and their start offsets, exactly as ``get_nlp()(text)`` has them."""
        spans = _spans(text)
        cache = self.cache
        missing = [s for s, _ in spans if s not in cache]
        if missing:
            if len(cache) + len(missing) >= _MAX_SPANS:
                cache.clear()  # bounded memory; the spans of this text are learnt again at once
            self._learn(missing)
        texts: list[str] = []
        starts: list[int] = []
        pairs = self.pairs
        ends: tuple[str, ...] = ()
        group_at = group_start = 0  # first token and offset of the span (or joined spans) before this one
        for span, at in spans:
            toks, begins, span_ends = cache[span]
            if begins and ends and any((a, b) in pairs for a in ends for b in begins):
                # pieces of a special case may meet across the space: tokenise the run of spans together
                del texts[group_at:], starts[group_at:]
                for t in self.tokenizer(text[group_start:at + len(span)]):
                    texts.append(t.text)
                    starts.append(group_start + t.idx)
            else:
                group_at, group_start = len(texts), at
                if len(toks) == 1:  # most spans
                    texts.append(toks[0])
                    starts.append(at)
                else:
                    for t in toks:
                        texts.append(t)
                        starts.append(at)
                        at += len(t)
            ends = span_ends
        return texts, starts


def _spans(text: str) -> list[tuple[str, int]]:
    """The spans spaCy's tokenizer tokenises one by one, with their offsets: every run of
    non-space characters and every whitespace run, less the one space after a token
    (that space is the token's trailing space, not a token)."""
    out: list[tuple[str, int]] = []
    append = out.append
    pos = 0
    for space, word in _SPAN_RE.findall(text):
        if space:
            if space != " " or not pos:  # a lone space after a token is no span (most runs)
                skip = 1 if pos and space[0] == " " else 0
                if len(space) > skip:
                    append((space[skip:], pos + skip))
            pos += len(space)
        append((word, pos))
        pos += len(word)
    if pos < len(text):
        skip = 1 if pos and text[pos] == " " else 0
        if len(text) - pos > skip:
            append((text[pos + skip:], pos + skip))
    return out


@lru_cache(maxsize=1)
def _span_tokens() -> _SpanTokens:
    return _SpanTokens(get_nlp())


def text_sentences(text: str) -> list[tuple[int, int]]:
    """``sentence_spans(get_nlp()(text))`` without building the ``Doc``.

    The tokens come from :class:`_SpanTokens`; the decision at each token that
    may end a sentence is :func:`_starts_after`, as in :func:`bgpress_sentences`.

    >>> text_sentences("Срещата е в гр. Смолян. Тя започва в 10 ч.")
    [(0, 23), (24, 42)]
    """
    texts, starts = _span_tokens().tokens(text)
    n = len(texts)
    if not n:
        return []
    firsts = [0]
    for k in range(n - 1):
        t = texts[k]
        if ("\n" in t or t[-1:] in _FINAL) and _starts_after(t, texts[k + 1], texts[k - 1] if k else None):
            firsts.append(k + 1)
    firsts.append(n)
    return [(starts[a], starts[b - 1] + len(texts[b - 1])) for a, b in zip(firsts, firsts[1:], strict=False)]
