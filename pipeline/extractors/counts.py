"""Extractor: counts — numbers of people, things, events and organisations.

A count is a number (a figure such as ``1 139`` or number words such as ``две``)
together with the noun it counts (``40 лица``, ``две трудови борси``).  The
noun is looked up in the count-noun lexicon of ``rules/counts.yaml``: its lemma
is the unit and, for most nouns, it fixes the category.  Nouns that name
people in general (лица, хора, души ...) take the category of the nearest cue
word in the sentence (наети → employed, обучени → trained ...), because the
same ``40 лица`` is a different statement when they were hired than when they
were trained.

A plural noun the lexicon does not know (new releases name new things) is
still counted when the lemma table or the plural endings make it a noun and no
exclusion lexicon (units, abstract nouns, adjectives, participles) rejects
it; its category comes from the nearest thing cue (закупени → equipment,
проведени → events ...) or, for nouns of people, the people cues, else
``other`` (rule ``counts.unknown_noun_by_cue``).

What merely looks like a count — money, dates and years, durations,
percentages, ages, list numbers, labels (``Компонент 2``), codes, addresses,
measurements, page furniture, ordinals — is excluded by the lexicons of the
same file and by the money and date mentions found before.  The scan is one
pass of one tokenising regex; everything after it looks at a few neighbouring
tokens, so the cost is linear in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import accumulate, compress
from operator import add, sub
from typing import Any, Final

import regex

from ..document import Document
from ..language.lemmas import get_lemmatizer
from ..normalisers.numbers import parse_figure, parse_number_words
from ..rules import casefolded, finditer_at, first_words, lexicon_alternation, load_ruleset, word_starts
from ..schema import Count, Mention

__all__ = ["extract", "find_counts", "CountCandidate", "build_counts"]

#: Fields whose mentions claim their numbers (a count never overlaps them).
_CLAIMING_FIELDS = frozenset({
    "amounts", "dates", "start_date", "end_date", "project_code", "procedure_code",
    "contacts.phones", "contacts.emails",
})

_QUOTES = frozenset('"\'')
_MAX_MODIFIERS = 4
_CUE_REACH = 200  # characters on either side of a count searched for a cue
_INHERIT_REACH = 160  # how far back the count a bare number refers to may be
_COORD_REACH = 80
_NUM_KINDS = frozenset({"num", "nw", "nwd"})
_PERSONAL_CATS = frozenset({"people", "person", "children", "parents"})  # nouns a personal numeral counts
_DASHES = frozenset("-–—:")


@dataclass(frozen=True)
class _Noun:
    lemma: str
    category: str
    default: str
    adjectival: bool
    modifiers: tuple[tuple[str, str], ...]
    recast: tuple[tuple[str, str], ...] = ()


#: A token of the count scan: (kind, start, end, text, low); ``kind`` is num | nw | nwd | word | p
#: and ``low`` the lower-cased text, computed once instead of at every look.  A plain tuple read
#: through the constants below: the tokens of a document are then zipped in C from the columns of
#: one ``findall`` (a Python ``__init__`` per token cost as much as the regex scan), and indexing a
#: tuple is as cheap as a slot (a named-tuple field or a property costs three times as much).
_Tok = tuple[str, int, int, str, str]
_KIND: Final = 0
_START: Final = 1
_END: Final = 2
_TEXT: Final = 3
_LOW: Final = 4


@dataclass(frozen=True)
class CountCandidate:
    """A count found in normalised text: value, the ``[start, end)`` interval, the rule."""

    count: Count
    start: int
    end: int
    rule_id: str
    #: the counted noun as read here: a count after it that names no noun of its own takes it over
    noun: _Noun | None = field(default=None, compare=False, repr=False)


class _Lex:
    """The lexicons of ``rules/counts.yaml``, compiled once."""

    def __init__(self) -> None:
        rs = load_ruleset("counts")
        lex: dict[str, Any] = rs.lexicons
        self.nouns: dict[str, _Noun] = {}
        for lemma, entry in (lex["count_nouns"] or {}).items():
            entry = entry or {}
            noun = _Noun(
                lemma=str(lemma),
                category=str(entry.get("category", "other")),
                default=str(entry.get("default", "participants")),
                adjectival=bool(entry.get("adjectival", False)),
                modifiers=tuple((str(k).lower(), str(v)) for k, v in (entry.get("modifiers") or {}).items()),
                recast=tuple((str(k), str(v)) for k, v in (entry.get("recast") or {}).items()),
            )
            for form in entry.get("forms") or ():
                self.nouns.setdefault(str(form).lower(), noun)
        self.by_lemma = {n.lemma.lower(): n for n in self.nouns.values()}

        def words(name: str) -> frozenset[str]:
            return frozenset(str(w).lower().rstrip(".") for w in lex.get(name) or ())

        self.stop = words("stop_words")
        self.pieces = words("piece_words")
        self.money = words("money_units")
        self.mult = words("multipliers_words")
        self.excl_after = (words("money_units") | words("duration_units") | words("percent_units")
                           | words("measure_units") | words("months") | words("furniture_words"))
        self.labels = words("label_words")
        self.ordinal_ok = frozenset({"те"})
        self.weak = words("weak_number_words")
        self.personal = words("personal_numeral_suffixes")
        self.glued_endings = self.ordinal_ok | self.personal  # endings written `<figure>-<ending>`
        self.number_of = words("number_of_words")
        num_lex = load_ruleset("numbers").lexicons
        self.scales = frozenset(str(w).lower() for w in num_lex["scales"])
        self.mult_values = {str(k).lower().rstrip("."): int(v) for k, v in num_lex["multipliers"].items()}

        cue_items: list[tuple[str, str, bool]] = []
        for name, weak in (("people_cues", False), ("weak_people_cues", True)):
            for cat, cues in (lex.get(name) or {}).items():
                for cue in cues or ():
                    cue_items.append((str(cue), str(cat), weak))
        self.people_cues = _cue_regex(cue_items)
        openers = lexicon_alternation(lex.get("time_phrase_openers") or [])
        self.time_phrase_re = regex.compile(
            rf"(?<!\w){openers}\s+(?:[^\W\d_]+(?:не|нето|ние|нието)\s+(?:на\s+)?)?$", regex.IGNORECASE)
        self.definite = {str(k).lower(): int(v) for k, v in (lex.get("definite_number_words") or {}).items()}
        self.generic_people = words("generic_people")

        quals = lex["qualifiers"] or {}
        self.qual_map = {" ".join(str(k).lower().split()): str(v) for k, v in quals.items()}
        self.qual_last_words = tuple(sorted({k.split()[-1] for k in self.qual_map}))
        self.qual_re = regex.compile(r"(?<!\w)(" + lexicon_alternation(quals)[3:-1] + r")\s*$", regex.IGNORECASE)
        inh = lex["inherit_cues"] or []
        self.inherit_lead = tuple(tuple(str(c).lower().split()) for c in lex["inherit_lead_cues"] or ())
        self.inherit_re = regex.compile(r"\s*(?:" + lexicon_alternation(inh) + r")(?!\w)", regex.IGNORECASE)

        figure = rs.rule("counts.figure_noun").pattern or r"\d+"
        # the whitespace before each token is captured so that findall (strings, no match objects)
        # still gives the offsets; a token never begins with whitespace, so the tokens are those of
        # a finditer over the three alternatives alone.  Words come first: most tokens are words, a
        # word starts with a letter and a figure with a digit, so the order changes no token and
        # spares the figure's look-behind at every letter
        self.tok_re = regex.compile(
            rf"(\s*)((?P<word>[^\W\d_]+(?:-[^\W\d_]+)*)|(?P<num>{figure})|\S)", regex.VERSION1,
        )
        # the same pattern in the standard library's engine, which scans it twice as fast; it
        # tokenises alike wherever the two engines agree on \s, \w and \d (_engine_disagreement)
        self.tok_re_fast = re.compile(self.tok_re.pattern)
        self.tok_fast_unsafe = _engine_disagreement()
        self.number_words = frozenset(w.lower() for kind in ("units", "tens", "hundreds", "scales")
                                      for w in num_lex[kind])
        self.number_conj = frozenset(str(w).lower() for w in num_lex["conjunctions"])
        self.number_like = self.number_words | frozenset(self.definite)  # words _tokens looks at twice
        self.lemmatizer = get_lemmatizer()

        # nouns the lexicon does not know (rule counts.unknown_noun_by_cue)
        self.never = words("never_counted")
        self.modifier_only = words("modifier_only")
        self.adj_endings = tuple(sorted(words("adjective_lemma_endings"), key=len, reverse=True))
        self.plural_endings = tuple(sorted(((str(k), str(v or "")) for k, v in
                                            (lex.get("noun_plural_endings") or {}).items()),
                                           key=lambda kv: -len(kv[0])))
        self.weak_endings = tuple((str(k), str(v or "")) for k, v in (lex.get("weak_noun_endings") or {}).items())
        self.not_noun_endings = tuple(words("not_noun_endings"))
        self.verb_endings = tuple(words("verb_endings"))
        self.person_endings = tuple(words("person_noun_endings"))
        self.person_exceptions = words("person_ending_exceptions")
        self.unknown_person_recast = tuple((str(k), str(v)) for k, v in
                                           (lex.get("unknown_person_recast") or {}).items())
        suffix_raw = lex.get("plural_suffixes") or {}
        self.suffix_rules = tuple(sorted(((str(k), tuple(str(e) for e in (v or [""]))) for k, v in suffix_raw.items()),
                                         key=lambda r: -len(r[0])))
        self.thing_cues = _cue_regex(
            [(str(c), str(cat), False) for cat, cues in (lex.get("thing_cues") or {}).items() for c in cues or ()])
        #: (lemma, is a person) -> noun: the same for every form and document that reads it so
        self.fallback_nouns: dict[tuple[str, bool], _Noun] = {}
        # the answers of the word tests below, per word: a head search asks them of the same few
        # words at every number before them and in every document (each a function of the word
        # alone, so the answer never depends on which document asked first)
        self.noun_of = _Memo(self.noun)  # lower-cased word -> noun(word)
        self.never_of = _Memo(self.never_counted)  # lower-cased word -> never_counted(word)
        self.fallback_of = _Memo(self.fallback_noun)  # word as written -> fallback_noun(word)
        self.fallback_single_of = _Memo(partial(self.fallback_noun, single=True))

    def noun(self, word: str) -> _Noun | None:
        low = word.lower()
        if low in self.never:
            return None
        hit = self.nouns.get(low)
        if hit is not None:
            return hit
        lemma = self.lemmatizer.lemma(low)
        found = self.by_lemma.get(lemma.lower()) if lemma else None
        if found is None and "-" in low:
            found = self._compound(low)
        return found

    def _compound(self, low: str) -> _Noun | None:
        """A hyphenated compound of two nouns the lexicon knows (``помощник-възпитатели``):
        counted as its last part, its lemma the two parts' lemmas joined."""
        first, _, last = low.rpartition("-")
        if not first or "-" in first:
            return None
        head, tail = self.noun(first), self.noun(last)
        if head is None or tail is None:
            return None
        return replace(tail, lemma=f"{head.lemma}-{tail.lemma}")


    def fallback_noun(self, word: str, *, single: bool = False) -> _Noun | None:
        """A plural noun the lexicon does not know, or None (adjectives, participles, units, abstract nouns).

        The lemma comes from the lemma table when the form is a plural of it
        under the suffix rules (``книги`` → ``книга``), else from the strong
        plural endings (``хакатони`` is unknown, ``микроскопа`` → ``микроскоп``
        only through the table).  Its category is ``thing`` or ``person``,
        decided by cues later.  ``single`` (after ``1 бр.``) takes the word
        itself as the lemma when the table knows no other.
        """
        low = word.lower()
        if len(low) < 4 or not word[:1].islower() or not _CYRILLIC_RE.fullmatch(low):
            return None
        if (low in self.stop or low in self.never or low in self.excl_after or low in self.labels
                or low in self.modifier_only):
            return None
        table_lemma = self.lemmatizer.table.get(low) if self.lemmatizer.table else None
        lemma: str | None = None
        if single:
            if (table_lemma or low) == low and not low.endswith(self.not_noun_endings):
                lemma = low
        elif table_lemma and table_lemma != low and _CYRILLIC_RE.fullmatch(table_lemma):
            if self._is_plural_of(low, table_lemma):
                lemma = table_lemma
            else:
                return None  # a participle, an adjective, a verb form
        else:
            for ending, singular in self.plural_endings:
                if low.endswith(ending) and len(low) > len(ending) + 2:
                    lemma = low[: -len(ending)] + singular
                    break
            else:
                if not low.endswith(self.not_noun_endings):
                    for ending, singular in self.weak_endings:
                        if low.endswith(ending) and (ending != "а" or low[-2] not in _VOWELS):
                            lemma = low[: -len(ending)] + singular
                            break
        if lemma is None or lemma in self.never or lemma.endswith(self.adj_endings):
            return None
        person = low.endswith(self.person_endings) and lemma not in self.person_exceptions
        hit = self.fallback_nouns.get((lemma, person))
        if hit is None:
            hit = _Noun(lemma, "person" if person else "thing", "participants", False, (),
                        self.unknown_person_recast if person else ())
            self.fallback_nouns[(lemma, person)] = hit
        return hit

    def never_counted(self, word: str) -> bool:
        """A unit, score or abstract noun (пъти, точки, лири): the number before it counts nothing."""
        low = word.lower()
        if low in self.never:
            return True
        lemma = self.lemmatizer.table.get(low) if self.lemmatizer.table else None
        return lemma is not None and lemma in self.never

    def _is_plural_of(self, form: str, lemma: str) -> bool:
        """``form`` is a plural or count form of the noun ``lemma`` under the suffix rules."""
        if lemma[-1:] not in _VOWELS and form in (lemma + "а", lemma + "я"):
            return True  # count form: 5 микроскопа
        for suffix, endings in self.suffix_rules:
            if form.endswith(suffix):
                stem = form[: -len(suffix)]
                if any(stem + e == lemma for e in endings):
                    return True
        return False


class _Memo(dict[str, Any]):
    """``memo[word]`` is ``fn(word)``, computed at the first look: a hit is a dict lookup in C,
    not a Python call.  Cleared when it grows past ``_MEMO_MAX`` words (a long-running process
    reads an open vocabulary)."""

    def __init__(self, fn: Callable[[str], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, word: str) -> Any:
        if len(self) >= _MEMO_MAX:
            self.clear()
        value = self[word] = self.fn(word)
        return value


_MEMO_MAX = 100_000
_CYRILLIC_RE = regex.compile(r"[а-яѐ-ӿ]+(?:-[а-яѐ-ӿ]+)?")
_VOWELS = frozenset("аъоуеияю")


@dataclass(frozen=True)
class _Cues:
    """A set of cue stems: one alternation (longest first), group name → (category, weak), and the
    case-folded first words of the cues, where every match begins (None: scan the plain way)."""

    pattern: regex.Pattern[str]
    cats: dict[str, tuple[str, bool]]
    starts: tuple[str, ...] | None


def _cue_regex(items: list[tuple[str, str, bool]]) -> _Cues:
    """The cues of ``items`` (cue, category, weak), compiled."""
    items = sorted(items, key=lambda t: -len(t[0]))
    parts = []
    cats: dict[str, tuple[str, bool]] = {}
    for i, (cue, cat, weak) in enumerate(items):
        body = r"\s+".join(regex.escape(w) for w in cue.split()) + r"\w*"
        parts.append(f"(?P<c{i}>{body})")
        cats[f"c{i}"] = (cat, weak)
    pattern = regex.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", regex.IGNORECASE)
    return _Cues(pattern, cats, first_words(cue for cue, _, _ in items))


_CHECKED_UP_TO = 0x3000  # Latin, Cyrillic, punctuation, symbols: every character of the releases so far


def _engine_disagreement() -> re.Pattern[str]:
    r"""The characters on which ``re`` and ``regex`` disagree about ``\s``, ``\w`` or ``\d``
    (superscript digits, combining accents ...), and all above ``_CHECKED_UP_TO``.

    Both are backtracking engines with the same semantics for the constructs of the
    token pattern (alternation, greedy repeats, one-character look-arounds), so on a
    text without these characters they find the same tokens; a text with one is
    tokenised by ``regex`` as before.
    """
    chars = "".join(map(chr, range(_CHECKED_UP_TO)))
    differ: set[str] = set()
    for cls in (r"\s", r"\w", r"\d"):
        differ |= set(re.findall(cls, chars)) ^ set(regex.findall(cls, chars))
    listed = "".join(re.escape(c) for c in sorted(differ))
    return re.compile(f"[{listed}{chr(_CHECKED_UP_TO)}-{chr(0x10FFFF)}]")


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    return _Lex()


# ---------------------------------------------------------------- tokens
def _tokens(text: str) -> tuple[list[_Tok], list[int]]:
    """Figures, words and punctuation, and the indices of the numbers among them; runs of
    number words (двеста и петдесет) become one token.

    One ``findall`` gives (space before, token, word, figure) per token; the offsets are
    summed from their lengths and the tokens zipped from the columns, all in C: a Python
    step per token cost more than the regex scan.  Only the number words take a Python step:
    they are found by a set intersection and ``list.index`` (a token or two per document, where
    a test per token cost as much as making the columns).
    """
    lx = _lex()
    tok_re = lx.tok_re if lx.tok_fast_unsafe.search(text) else lx.tok_re_fast
    parts = tok_re.findall(text)
    if not parts:
        return [], []
    spaces, texts, words, figures = zip(*parts, strict=True)
    lens = list(map(len, texts))
    ends = list(accumulate(map(add, map(len, spaces), lens)))
    starts = list(map(sub, ends, lens))
    lows = list(map(str.lower, texts))
    kinds = ["word" if w else "num" if f else "p" for w, f in zip(words, figures, strict=True)]
    texts_l = list(texts)
    hits: list[int] = []
    for word in lx.number_like.intersection(lows):
        i = lows.index(word)
        while True:
            hits.append(i)
            try:
                i = lows.index(word, i + 1)
            except ValueError:
                break
    if hits:
        hits.sort()
        _number_words(text, hits, kinds, starts, ends, texts_l, lows)
    toks = list(zip(kinds, starts, ends, texts_l, lows, strict=True))
    nums = list(compress(range(len(kinds)), map(_NUM_KINDS.__contains__, kinds)))
    return toks, nums


def _number_words(text: str, hits: list[int], kinds: list[str], starts: list[int], ends: list[int],
                  texts: list[str], lows: list[str]) -> None:
    """Mark number words ``nw`` / ``nwd`` in the token columns and join their runs, in place.

    A run is joined left to right as it is read (``двадесет и три``, ``двеста петдесет``),
    so a word joins the token the previous number words already make.
    """
    lx = _lex()
    nw, conj, definite = lx.number_words, lx.number_conj, lx.definite
    shift = 0  # tokens removed by joins before the current one
    for i in hits:
        k = i - shift
        if kinds[k] != "word":
            continue
        low = lows[k]
        if low not in nw:
            if low in definite:
                kinds[k] = "nwd"
            continue
        if (k > 1 and kinds[k - 1] == "word" and lows[k - 1] in conj and kinds[k - 2] == "nw"
                and text[ends[k - 2]:starts[k]].strip().lower() in conj):
            first = k - 2
        elif k > 0 and kinds[k - 1] == "nw" and not text[ends[k - 1]:starts[k]].strip():
            first = k - 1
        else:
            kinds[k] = "nw"
            continue
        joined = text[starts[first]:ends[k]]
        kinds[first], ends[first], texts[first], lows[first] = "nw", ends[k], joined, joined.lower()
        for col in (kinds, starts, ends, texts, lows):
            del col[first + 1:k + 1]
        shift += k - first


_SEP_RE = regex.compile(r"[.,]")
_GLUED_AFTER_RE = regex.compile(r"[:/]\d|-\d|\s*-\s*\d{4}")
_SUFFIX_RE = regex.compile(r"-([^\W\d_]+)")


def _figure_value(s: str) -> int | None:
    """An integer figure, or None for decimals, dates, clock times and versions."""
    if s.isascii() and s.isdigit():
        return int(s)  # most figures: what parse_figure would return, without the Decimal
    groups = _SEP_RE.split(s)
    if len(groups) > 1 and not all(len(g) == 3 for g in groups[1:]):
        return None
    v = parse_figure(s)
    if v is None or v != v.to_integral_value():
        return None
    return int(v)


@dataclass
class _Num:
    i: int  # token index of the number
    j: int  # index of the first token after the number (and its multiplier)
    value: int
    start: int
    end: int
    kind: str
    personal: bool = False  # `3-ма`: a count only of people


def _number_at(text: str, toks: list[_Tok], i: int, *, allow_weak: bool = False) -> _Num | None:
    """The number at token ``i`` with its multiplier, or None when it is no count candidate."""
    lx = _lex()
    t = toks[i]
    if t[_KIND] == "num":
        value = _figure_value(t[_TEXT])
    elif t[_KIND] == "nwd":
        value = lx.definite.get(t[_LOW])
    elif t[_KIND] == "nw":
        words = t[_LOW].split()
        if (t[_LOW] in lx.weak and not allow_weak) or words[0] in lx.scales:
            return None
        value = parse_number_words(t[_TEXT])
    else:
        return None
    if value is None:
        return None
    j, end = i + 1, t[_END]
    # an ending glued to the figure belongs to it: the article (`48-те общини`) or the ending
    # of a masculine personal numeral (`3-ма служители`, `15-има младежи`; rule counts.personal_numeral)
    personal = False
    if (t[_KIND] == "num" and j + 1 < len(toks) and toks[j][_TEXT] == "-" and toks[j][_START] == end
            and toks[j + 1][_START] == toks[j][_END] and toks[j + 1][_LOW] in lx.glued_endings):
        personal = toks[j + 1][_LOW] in lx.personal
        end = toks[j + 1][_END]
        j += 2
    # `3 (три) автомобила`: the number restated in words, in brackets, between figure and noun
    if (t[_KIND] == "num" and j + 2 < len(toks) and toks[j][_TEXT] == "(" and toks[j + 1][_KIND] in ("nw", "nwd")
            and toks[j + 2][_TEXT] == ")"):
        j += 3
    if j < len(toks) and toks[j][_LOW] in lx.mult_values and toks[j][_KIND] in ("word", "nw"):
        value *= lx.mult_values[toks[j][_LOW]]
        end = toks[j][_END]
        j += 1
        if j < len(toks) and toks[j][_TEXT] == "." and toks[j][_START] == end:
            end = toks[j][_END]
            j += 1
    return _Num(i, j, value, t[_START], end, t[_KIND], personal)


_CLOSING_QUOTES = frozenset('"“”»')


def _excluded(text: str, toks: list[_Tok], n: _Num) -> bool:
    """True when the number is money, a date, a duration, a label ... rather than a count."""
    lx = _lex()
    t = toks[n.i]
    nxt = toks[n.j] if n.j < len(toks) else None
    after = text[n.end:n.end + 3]
    # glued to a word before (първите15) or a label before (Компонент 2, № 5, ул. 3)
    if n.i > 0:
        p = toks[n.i - 1]
        if p[_KIND] == "word" and p[_END] == t[_START]:
            return True
        if p[_LOW] in lx.labels or p[_TEXT] in ("№", "#"):
            return True
        if p[_TEXT] == "." and n.i > 1 and toks[n.i - 2][_LOW] in lx.labels:
            return True
        if p[_LOW] == "на" and t[_LOW] == "сто":
            return True
        if p[_TEXT] == "©":
            return True  # a copyright year
    # the end of a quoted name: НЧ "Обединение - 1869", СУ "Христо Ботев 2"
    if after[:1] in _CLOSING_QUOTES:
        return True
    # list numbering at a line start: "1." / "2)" (the cheap tests first: the line before is
    # copied to be stripped)
    if after[:1] in (".", ")") and t[_KIND] == "num":
        line_start = text.rfind("\n", 0, t[_START]) + 1
        if not text[line_start:t[_START]].strip():
            return True
    # clock times, codes, ranges and ordinals glued after: 17:00, 14/07, 2014-2020, 2-ри
    if t[_KIND] == "num" and _GLUED_AFTER_RE.match(after):
        return True
    if after[:1] == "-":  # where a suffix can begin (a regex call spared for most numbers)
        m = _SUFFIX_RE.match(text, n.end, n.end + 12)
        if m and m.group(1).lower() not in lx.ordinal_ok:
            return True
    if nxt is None:
        return False
    if nxt[_LOW].rstrip(".") in lx.excl_after or nxt[_TEXT] == "%":
        return True
    if nxt[_LOW] == "на" and n.j + 1 < len(toks) and toks[n.j + 1][_LOW] == "сто":
        return True
    # a year: 4 digits 1900–2100 is a count only when a count noun follows at once
    if t[_KIND] == "num" and len(t[_TEXT]) == 4 and 1900 <= n.value <= 2100:
        # `2024 Община Елена` (a footer) names, it does not count
        return not (nxt[_KIND] == "word" and nxt[_TEXT][:1].islower() and lx.noun_of[nxt[_LOW]] is not None)
    return False


# ---------------------------------------------------------------- heads
@dataclass
class _Head:
    noun: _Noun
    tok: int  # index of the head noun token
    modifiers: tuple[str, ...]
    coord: int | None = None  # token index of a coordinated number that owns the noun
    pieces: bool = False  # `бр.` stood before the noun


def _find_head(text: str, toks: list[_Tok], j: int, *, allow_copula: bool,
               allow_fallback: bool = True, single: bool = False, listed: bool = False) -> _Head | None:
    """The count noun after a number: skip quotes, `бр.`, adjectives and `и`.

    A plural noun the lexicon does not know is the head when no lexicon noun
    follows it at once (``3 стари сгради``: ``стари`` is then a modifier).
    After ``1`` (``single``) a singular noun it does not know is the head
    only after ``бр.`` or in a list of counts (``listed``: ``2 станции и 1
    напорен резервоар``).
    """
    lx = _lex()
    mods: list[str] = []
    k = j
    # pieces: 2 броя, 3 бр. (a period then a capitalised word other than an
    # acronym, or a new line, ends the search; rule counts.pieces_noun)
    pieces = False
    if k < len(toks) and toks[k][_LOW] in lx.pieces:
        pieces = True
        k += 1
        if k < len(toks) and toks[k][_TEXT] == ".":
            k += 1
            if k < len(toks) and toks[k][_TEXT][:1].isupper() and not (len(toks[k][_TEXT]) > 1
                                                                     and toks[k][_TEXT].isupper()):
                return None
    if allow_copula and k < len(toks) and toks[k][_LOW] == "са":
        k += 1
    skipped = 0
    last_conj = False
    while k < len(toks) and skipped <= _MAX_MODIFIERS:
        t = toks[k]
        if k > j and "\n" in text[toks[k - 1][_END]:t[_START]]:
            return None
        if t[_KIND] == "p":
            if t[_TEXT] in _QUOTES:
                k += 1
                continue
            if t[_TEXT] == "," and mods and k + 1 < len(toks) and toks[k + 1][_KIND] in ("num", "nw", "nwd"):
                last_conj = True
                k += 1
                continue
            return None
        if t[_KIND] in ("num", "nw", "nwd"):
            if last_conj:
                return _Head(_Noun("", "", "", False, ()), -1, tuple(mods), coord=k)
            return None
        low = t[_LOW]
        noun = lx.noun_of[low]
        if noun is not None and low not in lx.stop:
            if noun.adjectival and k + 1 < len(toks) and toks[k + 1][_KIND] == "word" and lx.noun_of[toks[k + 1][_LOW]]:
                mods.append(low)
                k += 1
                skipped += 1
                continue
            return _Head(noun, k, tuple(mods), pieces=pieces)
        if allow_fallback and lx.never_of[low]:
            return None
        between = text[toks[j - 1][_END]:t[_START]]
        fb = ((lx.fallback_single_of if single and (pieces or listed) else lx.fallback_of)[t[_TEXT]]
              if allow_fallback and "\n" not in between and not _QUOTES & set(between) else None)
        if fb is not None:
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is not None and (nxt[_LOW].rstrip(".") in lx.excl_after or lx.never_of[nxt[_LOW]]):
                return None  # две чисти години: a duration or a unit after all
            before_noun = (nxt is not None and nxt[_KIND] == "word" and "\n" not in text[t[_END]:nxt[_START]]
                           and nxt[_LOW] not in lx.stop
                           and (lx.noun_of[nxt[_LOW]] is not None or lx.fallback_of[nxt[_TEXT]] is not None))
            if not before_noun and not _coordinated_modifier(toks, k):
                return _Head(fb, k, tuple(mods), pieces=pieces)
        if low in ("и", "или"):
            last_conj = True
            k += 1
            continue
        if low in lx.stop or low.rstrip(".") in lx.excl_after or low.endswith(lx.verb_endings):
            return None
        mods.append(low)
        last_conj = False
        skipped += 1
        k += 1
    return None


def _coordinated_modifier(toks: list[_Tok], k: int) -> bool:
    """``180 младежки и ромски медиатори``: the word at ``k`` and the one after ``и`` both
    stand before a noun the lexicon knows, so they are its modifiers."""
    if k + 3 >= len(toks) or toks[k + 1][_LOW] not in ("и", "или"):
        return False
    after, noun = toks[k + 2], toks[k + 3]
    return after[_KIND] == "word" and noun[_KIND] == "word" and _lex().noun_of[noun[_LOW]] is not None


# ---------------------------------------------------------------- category
class _CueScan:
    """The cue matches in windows of one document, tried only where a cue's first word stands.

    Why: each count scanned its clause and then its sentence with the whole cue
    alternation, at every character of up to 400 (the dearest regex of the
    extractor); the first words of the cues are found for the whole text in the
    rule engine's one Aho-Corasick pass, and ``matches_at`` gives from them what
    ``finditer`` gives (tests/test_candidate_scans.py compares the two).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = casefolded(text)
        self._starts: dict[tuple[str, ...], list[int]] = {}

    def finditer(self, cues: _Cues, lo: int, hi: int) -> list[Any]:
        """The matches of ``cues.pattern.finditer(text, lo, hi)``."""
        if self.folded is None or cues.starts is None:
            return list(cues.pattern.finditer(self.text, lo, hi))
        starts = self._starts.get(cues.starts)
        if starts is None:
            starts = self._starts[cues.starts] = word_starts(self.folded, cues.starts)
        return list(finditer_at(cues.pattern, self.text, starts, lo, hi))


def _category(scan: _CueScan, clause: Callable[[], tuple[tuple[int, int], tuple[int, int] | None]],
              noun: _Noun, mods: tuple[str, ...], toks: list[_Tok], head_tok: int, start: int,
              end: int, fallback: str | None = None) -> str | None:
    """The count's category: the noun's, a modifier's, or for people the nearest cue's.

    Cues are looked for first in the count's clause (the ``bounds`` of ``clause()``: between
    the neighbouring counts, cut at ``;``), then in the whole sentence (``sent``); a cue
    inside the count (25 *обучени* лица) wins, a weak cue (включени) decides only when no
    other cue is there.  ``clause`` is called only when a cue is looked for: finding where
    the next count starts tries the noun after every number that follows, and most nouns
    fix their category themselves.
    """
    lx = _lex()
    for stem, cat in noun.modifiers:
        if any(m.startswith(stem) for m in mods):
            return cat
    if noun.category == "none":
        return None
    if noun.category == "thing":  # a noun the lexicon does not know: the nearest thing cue, else other
        sent, bounds = clause()
        return _nearest_cue(scan, sent, toks, head_tok, start, end, bounds, lx.thing_cues, set()) or "other"
    if noun.category not in ("people", "person"):
        return noun.category
    # "представители на (техните) семейства" → parents
    k = head_tok + 1
    if k < len(toks) and toks[k][_LOW] == "на":
        for t in toks[k + 1:k + 4]:
            comp = lx.noun_of[t[_LOW]] if t[_KIND] == "word" else None
            if comp is not None and comp.category in ("parents", "children"):
                return comp.category
            if t[_KIND] != "word":
                break
    # a cue recast to the noun's own default says nothing (staff "наети" are jobs anyway);
    # one recast to another category gives that one (unknown trades "наети" are jobs)
    silent = {cue for cue, cat in noun.recast if cat == noun.default}
    sent, bounds = clause()
    cue_cat = _nearest_cue(scan, sent, toks, head_tok, start, end, bounds, lx.people_cues, silent)
    if cue_cat is None:
        # a silenced cue is still a cue: staff `наети` are jobs, not the group they came from
        return (None if silent else fallback) or noun.default
    return dict(noun.recast).get(cue_cat, cue_cat)


def _nearest_cue(scan: _CueScan, sent: tuple[int, int], toks: list[_Tok], head_tok: int, start: int, end: int,
                 bounds: tuple[int, int] | None, cues: _Cues, silent: set[str]) -> str | None:
    """The category of the cue nearest to the count, in its clause first, then in its sentence."""
    lx = _lex()
    doc_text = scan.text
    head = (toks[head_tok][_START], toks[head_tok][_END]) if 0 <= head_tok < len(toks) else (start, start)
    lo = max(sent[0], start - _CUE_REACH)
    # `ще бъдат наети 3 екскурзоводи, а общината очаква 12 000 посетители`: a clause opened by
    # `, а` has its own subject and verb; no cue in it speaks for the counts before it, nor a
    # cue before it for the counts after it
    lo = max(lo, doc_text.rfind(", а ", lo, start) + 1)
    hi = min(sent[1], end + _CUE_REACH)
    contrast = doc_text.find(", а ", end, hi)
    if contrast >= 0:
        hi = contrast
    windows = []
    if bounds is not None:
        b_lo = max(lo, bounds[0], doc_text.rfind(";", lo, start) + 1)  # `lo` is already past a `, а`
        semi = doc_text.find(";", end, hi)
        b_hi = min(hi, bounds[1], semi if semi >= 0 else hi)
        windows.append((b_lo, b_hi))
    windows.append((lo, hi))
    for w_lo, w_hi in windows:
        best: tuple[int, int, str] | None = None
        for m in scan.finditer(cues, w_lo, max(w_lo, w_hi)):
            if m.start() < head[1] and m.end() > head[0]:
                continue  # the counted noun itself (жители, участници)
            if m.start() >= start and m.end() <= end:
                dist = -1  # inside the count (25 обучени лица)
            elif m.end() <= start:
                dist = (start - m.end()) * 3 // 2  # a cue after the count is more often its verb
            elif m.start() >= end:
                dist = m.start() - end
            else:
                continue
            cat, weak = cues.cats[m.lastgroup or ""]
            if cat in silent:
                continue
            key = (1 if weak else 0, dist)
            if best is not None and key >= best[:2]:
                continue
            # looked at last, only for a cue that would win: the search is the dearest test
            if lx.time_phrase_re.search(doc_text, max(w_lo, m.start() - 40), m.start()):
                continue  # `преди започване на работа`: a time, not what the counted did
            best = (key[0], key[1], cat)
        if best is not None:
            return best[2]
    return None


def _qualifier(text: str, start: int) -> str | None:
    """``над 40 лица``: the qualifier ending just before the count (only whitespace between).

    A match ends with a qualifier's last word, so the search (tried at every character of the
    window) runs only where the text before the count ends with one (most counts have none).
    """
    lx = _lex()
    lo = max(0, start - 28)
    if not text[lo:start].rstrip().lower().endswith(lx.qual_last_words):
        return None
    m = lx.qual_re.search(text, lo, start)
    if not m:
        return None
    return lx.qual_map.get(" ".join(m.group(1).lower().split()))


# ---------------------------------------------------------------- builder
def build_counts(doc: Document, found: Sequence[Mention] = ()) -> list[CountCandidate]:
    """Every count in the document, in text order (the builder of all rules in counts.yaml)."""
    return find_counts(doc.text, doc.sentences, _claimed(doc, found))


def _claimed(doc: Document, found: Sequence[Mention]) -> list[tuple[int, int]]:
    spans = sorted((m.start, m.end) for m in found
                   if m.field in _CLAIMING_FIELDS and m.start is not None and m.end is not None)
    return spans


def _overlaps(starts: list[int], ends: list[int], s: int, e: int) -> bool:
    """One of the (up to) eight claimed spans that start last before ``e`` ends after ``s``: the
    largest of their ends, found in C (a generator over them cost more than the search)."""
    i = bisect.bisect_left(starts, e)
    return max(ends[max(0, i - 8):i], default=s) > s


def find_counts(text: str, sentences: Sequence[tuple[int, int]] = (),
                claimed: Sequence[tuple[int, int]] = (), to_original: Any = None) -> list[CountCandidate]:
    """Counts in normalised ``text``.

    ``claimed`` are intervals (original coordinates, mapped by ``to_original``)
    already taken by money, dates and codes.

    >>> [(c.count.value, c.count.category, c.count.unit) for c in find_counts("Наети са 40 лица.")]
    [(40, 'employed', 'лице')]
    """
    toks, nums = _tokens(text)
    sent_starts = [s for s, _ in sentences]
    claimed_l = sorted(claimed)
    claimed_starts = [s for s, _ in claimed_l]
    claimed_ends = [e for _, e in claimed_l]
    out: list[CountCandidate] = []
    cue_scan = _CueScan(text)

    def sentence(pos: int) -> tuple[int, int]:
        if not sentences:
            return (0, len(text))
        i = bisect.bisect_right(sent_starts, pos) - 1
        return sentences[i] if i >= 0 else (0, len(text))

    has_head: dict[int, bool] = {}  # number token -> a count noun follows it (asked again by each count before)

    def next_count_start(k: int) -> int:
        """Where the next number with a noun of its own begins, within 40 tokens: the clause's end."""
        # only the numbers of those 40 tokens: a slice to the end of `nums` copied the rest of
        # the document's numbers at every count
        first = bisect.bisect_left(nums, max(k, 0) + 1)
        for m in nums[first:bisect.bisect_left(nums, min(len(toks), k + 40), first)]:
            known = has_head.get(m)
            if known is None:
                known = has_head[m] = _find_head(text, toks, m + 1, allow_copula=False) is not None
            if known:
                return toks[m][_START]
        return len(text)

    def emit(n: _Num, head: _Head, rule: str, start: int, end: int, qualifier: str | None = None,
             fallback: str | None = None) -> bool:
        def clause() -> tuple[tuple[int, int], tuple[int, int]]:
            return sentence(n.start), (out[-1].end if out else 0, next_count_start(max(head.tok, n.i)))

        cat = _category(cue_scan, clause, head.noun, head.modifiers, toks, head.tok, start, end, fallback)
        if cat is None:
            return False
        if n.kind == "nwd" and any(c.count.value == n.value and c.count.category == cat for c in out):
            return True  # двата проекта after два проекта: the same statement
        q = qualifier if qualifier is not None else _qualifier(text, n.start)
        out.append(CountCandidate(Count(n.value, cat, head.noun.lemma, q), start, end, rule, head.noun))
        return True

    def claimed_by_other(n: _Num) -> bool:
        if not claimed_l:
            return False
        s, e = (to_original(n.start, n.end) if to_original else (n.start, n.end))
        return _overlaps(claimed_starts, claimed_ends, s, e)

    for i in nums:
        t = toks[i]
        # един/една after "и" next to a count: три училища и една детска градина
        allow_weak = bool(out) and i > 0 and (toks[i - 1][_LOW] == "и" or toks[i - 1][_TEXT] == ",") \
            and t[_START] - out[-1].end < 50
        n = _number_at(text, toks, i, allow_weak=allow_weak)
        if n is None or _excluded(text, toks, n) or claimed_by_other(n):
            continue
        rule = "counts.figure_noun" if n.kind == "num" else "counts.number_words_noun"
        year_like = n.kind == "num" and 1900 <= n.value <= 2100 and len(t[_TEXT]) == 4
        head = _find_head(text, toks, n.j, allow_copula=not year_like, allow_fallback=not year_like,
                          single=n.value == 1, listed=allow_weak)
        if n.personal and (head is None or head.coord is not None or head.noun.category not in _PERSONAL_CATS):
            continue  # `7-ма група`: an ordinal
        if head is not None and head.coord is not None:
            n2 = _number_at(text, toks, head.coord)
            if n2 is None or _excluded(text, toks, n2):
                continue
            head2 = _find_head(text, toks, n2.j, allow_copula=False)
            if head2 is None or head2.coord is not None:
                continue
            h = _Head(head2.noun, head2.tok, head.modifiers + head2.modifiers)
            emit(n, h, "counts.coordinated", n.start, n.end)
            continue
        if head is not None:
            if head.noun.category in ("thing", "person"):
                if n.value < 2 and not (head.pieces or allow_weak):  # a plural after 0 or 1: furniture, mismatch
                    continue
                if text.endswith("-те", n.start, n.end):
                    continue  # `27-те регионални служби`: a known whole, named, not counted
                rule = "counts.pieces_noun" if head.pieces else "counts.unknown_noun_by_cue"
            elif head.noun.category == "people" and rule == "counts.figure_noun":
                rule = "counts.people_by_cue"
            if n.personal:
                rule = "counts.personal_numeral"
            emit(n, head, rule, n.start, toks[head.tok][_END], fallback=_subset_of(toks, n, out))
            continue
        # no noun after the number: pieces after a noun, "брой лица - осем", or a referent
        if _pieces_after_noun(text, toks, n, emit):
            continue
        if _number_of_noun(text, toks, n, emit):
            continue
        _inherit(text, toks, n, out, emit)
    out.sort(key=lambda c: c.start)
    return _merge_generic_people(out)


def _merge_generic_people(cands: list[CountCandidate]) -> list[CountCandidate]:
    """One statement per value, category and qualifier among counts of people in general.

    ``24 души`` in a headline and ``24 безработни лица`` in the body are one fact.
    """
    generic = _lex().generic_people
    seen: set[tuple[int, str, str | None]] = set()
    kept: list[CountCandidate] = []
    for c in cands:
        key = (c.count.value, c.count.category, c.count.qualifier)
        if (c.count.unit or "") in generic:
            if key in seen:
                continue
            seen.add(key)
        kept.append(c)
    return kept


def _pieces_after_noun(text: str, toks: list[_Tok], n: _Num, emit: Any) -> bool:
    """``ЦНСТ - 1 бр.``: the nearest count noun before the number on its line."""
    lx = _lex()
    if not (n.j < len(toks) and toks[n.j][_LOW] in lx.pieces):
        return False
    end = toks[n.j][_END]
    if n.j + 1 < len(toks) and toks[n.j + 1][_TEXT] == "." and toks[n.j + 1][_START] == end:
        end = toks[n.j + 1][_END]
    for k in range(n.i - 1, max(-1, n.i - 9), -1):
        t = toks[k]
        if "\n" in text[t[_END]:toks[k + 1][_START]]:
            return False
        if t[_KIND] == "p" and t[_TEXT] in ",;:.()":
            return False
        if t[_LOW] in lx.stop:
            return False  # `проекта ще бъдат закупени 2 бр.`: a verb phrase, not a list item
        if t[_KIND] == "word":
            noun = lx.noun_of[t[_LOW]]
            if noun is not None and t[_LOW] not in lx.stop:
                return bool(emit(n, _Head(noun, k, ()), "counts.noun_then_pieces", t[_START], end))
    return False


def _number_of_noun(text: str, toks: list[_Tok], n: _Num, emit: Any) -> bool:
    """``брой лица – осем``, ``Брой обучени лица – 45``: the noun named after `брой` on the number's line."""
    lx = _lex()
    k = n.i - 1
    while k >= 0 and toks[k][_KIND] == "p" and toks[k][_TEXT] in _DASHES:
        k -= 1
    dashed = k < n.i - 1
    b = k
    while b >= 0 and k - b < 12:
        t = toks[b]
        if "\n" in text[t[_END]:toks[b + 1][_START]] or t[_KIND] in _NUM_KINDS:
            return False
        if t[_LOW] in lx.number_of:
            break
        b -= 1
    else:
        return False
    j = b + 2 if b + 1 < k and toks[b + 1][_LOW] == "на" else b + 1
    head = _find_head(text, toks, j, allow_copula=False, allow_fallback=False)
    if head is None or head.coord is not None or head.tok > k or (not dashed and head.tok != k):
        return False  # without a dash the number must follow the noun at once (`броят на децата в групите 25`)
    before = text[max(0, toks[b][_START] - 40):toks[b][_START]].lower()
    qual = "up_to" if ("максимал" in before or "допустим" in before) else (
        "at_least" if "минимал" in before else None)
    return bool(emit(n, head, "counts.number_of_noun", toks[b][_START], n.end, qual))


def _inherit(text: str, toks: list[_Tok], n: _Num, out: list[CountCandidate], emit: Any) -> bool:
    """``140 деца, 117 от които ...``: a bare number takes the previous count's noun."""
    lx = _lex()
    if not out:
        return False
    prev = out[-1]
    if n.start - prev.end > _INHERIT_REACH:
        return False
    follows = lx.inherit_re.match(text, n.end)
    head_tok = n.i
    if follows:
        word = follows.group().strip().lower()
        if word == "от":
            # partitive "5 от общините" names its own noun
            k = _tok_after(toks, follows.end())
            h = _find_head(text, toks, k, allow_copula=False)
            if h is not None and h.coord is None:
                return False
            if k < len(toks) and toks[k][_KIND] == "word":
                head_tok = k  # `23 от обучените са назначени`: the referent names the group, not what these did
        if word == "за" and not _after_conjunction(text, toks, n, prev):
            return False
    elif not (_after_conjunction(text, toks, n, prev) or _after_lead_cue(toks, n)) or not _bare(text, toks, n):
        return False
    unit = (prev.count.unit or "").lower()
    noun = lx.by_lemma.get(unit) or prev.noun
    if noun is None:
        return False
    if noun.category not in ("people", "person"):
        # people are re-read from their own clause (52 от тях получиха свидетелство)
        noun = _Noun(noun.lemma, prev.count.category, prev.count.category, False, ())
    return bool(emit(n, _Head(noun, head_tok, ()), "counts.inherit_referent", n.start, n.end,
                     fallback=prev.count.category if prev.count.category in _PEOPLE_GROUPS else None))


def _bare(text: str, toks: list[_Tok], n: _Num) -> bool:
    """No noun of its own follows: punctuation, a function word or a verb cue (а 38 започнаха работа)."""
    lx = _lex()
    if n.j >= len(toks):
        return True
    t = toks[n.j]
    if t[_KIND] != "word" or t[_LOW] in lx.stop:
        return True
    return lx.people_cues.pattern.match(text, t[_START]) is not None


#: categories of counted people: a part of such a group, with no cue of its own, is counted as the whole
_PEOPLE_GROUPS = frozenset({"employed", "trained", "children", "parents", "supported", "participants",
                            "population", "jobs"})


def _subset_of(toks: list[_Tok], n: _Num, out: list[CountCandidate]) -> str | None:
    """``214 потребители ... От тях 139 са възрастни хора``: the category of the group a count
    after a referent cue is part of (used when its own clause has no cue)."""
    if not out or not _after_lead_cue(toks, n) or n.start - out[-1].end > _INHERIT_REACH:
        return None
    cat = out[-1].count.category
    return cat if cat in _PEOPLE_GROUPS else None


def _after_lead_cue(toks: list[_Tok], n: _Num) -> bool:
    """``От тях 131 получиха свидетелства``: a referent cue before the number (a comma may follow it)."""
    k = n.i - 1
    if k >= 0 and toks[k][_TEXT] == ",":
        k -= 1
    return any(k - len(cue) + 1 >= 0 and tuple(t[_LOW] for t in toks[k - len(cue) + 1:k + 1]) == cue
               for cue in _lex().inherit_lead)


def _after_conjunction(text: str, toks: list[_Tok], n: _Num, prev: CountCandidate) -> bool:
    if n.start - prev.end > _COORD_REACH or "\n" in text[prev.end:n.start] or "." in text[prev.end:n.start]:
        return False
    k = n.i - 1
    return k >= 0 and (toks[k][_LOW] in ("и", "а") or toks[k][_TEXT] == ",")


def _tok_after(toks: list[_Tok], pos: int) -> int:
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid][_START] < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """Count mentions of ``doc``, skipping numbers claimed by money, dates and codes."""
    cands = _without_headline_repeats(doc.text, find_counts(doc.text, doc.sentences, _claimed(doc, found),
                                                             doc.to_original))
    return [doc.mention("counts", c.count, c.start, c.end, c.rule_id, label=c.count.category) for c in cands]


def _without_headline_repeats(text: str, cands: list[CountCandidate]) -> list[CountCandidate]:
    """``Над 1 200 младежи`` in the headline and ``над 1 200 души`` in the body are one fact.

    SCHEMA lists a repeated fact once; the body names it with more care (its noun,
    its category cues), so a headline count goes when the body repeats its value,
    category and qualifier with a noun of its own.
    """
    first_nl = text.find("\n")
    if first_nl < 0:
        return cands
    # a body repeat that only points back (`над 1 800 от тях`) names no noun: the headline's stays
    body = {(c.count.value, c.count.category, c.count.qualifier) for c in cands
            if c.start > first_nl and c.rule_id != "counts.inherit_referent"}
    return [c for c in cands
            if c.start > first_nl or (c.count.value, c.count.category, c.count.qualifier) not in body]

