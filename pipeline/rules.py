"""Declarative rules and lexicons, loaded from ``rules/*.yaml``.

A rule file holds ``lexicons`` (named word lists: language knowledge lives
here, not in code) and ``rules``.  Each rule has an ``id``, the record
``field`` it fills, a grammar-like ``description``, an optional ``pattern`` (a
regular expression for the ``regex`` module in which ``<<name>>`` stands for
the alternation of a lexicon, longest entry first), the name of a Python
``builder`` that turns a match into a value (no code in YAML), ``examples``
(text, expected ``span`` and ``value``) and ``counterexamples`` (text that
must not yield the field).  An optional ``starts_with`` (literals, ``<<lexicon>>``)
names where every match starts, derived by itself for a pattern that begins
with a lexicon; the pattern is then tried only there (and, with ``lead_chars``, in the run of
those characters just before: the number of ``57-мо СУ``).  An optional ``requires`` lists literal strings of
which every match holds at least one (``"@"`` for an e-mail address): a text
that holds none of them, case-folded, is not scanned at all, which spares the
costly patterns most documents cannot match (``requires_exact``: the same, the
literals as written, for a case-sensitive pattern).  The test suite runs every example through the
full pipeline, and fails on a rule without both kinds of example.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
import regex
import yaml

from .errors import RuleError

__all__ = ["RULES_DIR", "CueGate", "Rule", "RuleSet", "StartWordIndex", "casefolded", "compile_v1", "first_words", "held_lexicons",
           "expand_lexicons", "factored_alternation", "finditer_at", "lexicon_alternation", "load_ruleset", "matches_at", "rule_files", "scan_options", "word_starts"]

RULES_DIR = Path(os.environ.get("BGPRESS_RULES", Path(__file__).resolve().parent.parent / "rules"))

_PLACEHOLDER = regex.compile(r"<<(\w+)>>")
#: libyaml's parser when PyYAML was built with it: the same data, 7x faster to read
#: the rule files (start-up of every worker process reads all of them).
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compile_v1(pattern: str, flags: int = 0) -> Any:
    """``regex.compile(pattern, flags | VERSION1)`` with *simple* case folding.

    Why: VERSION1 (set operations, scoped inline flags) turns on full case folding with
    IGNORECASE, which only matters for characters that fold to several (ß to ss, ligatures);
    Bulgarian has none, and full folding made compiling the rules a seventh of a worker's
    start-up (in instructions) and case-insensitive scans about 2.4x slower.  ``(?-f)`` turns it off for the whole pattern.

    >>> bool(compile_v1("ЗАЕТИ", regex.IGNORECASE).fullmatch("заети")), compile_v1("ss", regex.I).match("ß")
    (True, None)
    """
    return regex.compile("(?-f)" + pattern, flags | regex.VERSION1)



@dataclass(frozen=True)
class Rule:
    id: str
    field: str
    description: str
    builder: str | None
    pattern: str | None
    compiled: Any  # regex.Pattern | None
    examples: tuple[dict[str, Any], ...]
    counterexamples: tuple[Any, ...]
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    source: str = ""
    requires: tuple[str, ...] = ()  # case-folded literals, one of which every match holds
    #: ``requires_exact`` in YAML: literals one of which every match holds as written (a case-sensitive
    #: pattern's upper-case legal forms, which the case-folded gate would find inside every ``град``)
    requires_exact: tuple[str, ...] = ()
    #: for a case-insensitive pattern that begins with a lexicon: the case-folded first
    #: words of its entries; found with ``str.find`` in the case-folded text, they are
    #: the only positions where the pattern can start (a case-insensitive alternation
    #: scanned at every position is the costliest thing the rules do)
    starts: tuple[str, ...] | None = None
    #: ``lead_run: {literal: "@", chars: '[\\w.+-]'}`` in YAML: every match starts where the run of
    #: ``chars`` before an occurrence of ``literal`` starts (declared, and tested on the corpus;
    #: ``chars`` compiled as a backwards run, as ``lead_chars``)
    lead_run: tuple[str, Any] | None = None
    #: ``lead_chars: CLASS`` in YAML, with ``starts``: the characters of an optional lead before the
    #: start words (a number before a school: ``57-мо СУ``); every position of the run of them just
    #: before a start word is tried too, since a match that begins with the lead begins there
    #: (compiled as a backwards run of the class: one call finds where the run begins)
    lead_chars: Any = None

    def applies_to(self, text: str) -> bool:
        """Whether the pattern can match ``text`` at all (False when no ``requires`` literal occurs).

        >>> r = Rule("x.y", "f", "", None, "@", regex.compile("@"), (), (), requires=("@",))
        >>> r.applies_to("без адрес"), r.applies_to("a@b.bg")
        (False, True)
        """
        if self.requires_exact and not any(lit in text for lit in self.requires_exact):
            return False
        if not self.requires:
            return True
        folded = _folded(text)
        return any(lit in folded for lit in self.requires)

    def _from_starts(self, text: str, pos: int, endpos: int) -> list[Any] | None:
        """The matches of ``finditer``, trying the pattern only where a lexicon entry starts.

        That every match starts at a candidate holds when case folding keeps
        every character one character long (else offsets would shift: None,
        scan the usual way).
        """
        folded = casefolded(text)
        if folded is None:
            return None
        assert self.starts is not None
        candidates = word_starts(folded, self.starts, pos, endpos)
        if self.lead_chars is not None:
            run_back = self.lead_chars.match
            lead: set[int] = set(candidates)
            for i in candidates:
                lead.update(range(run_back(folded, pos, i).start(), i))
            candidates = sorted(lead)
        return matches_at(self.compiled, text, candidates, pos, endpos)

    def _from_lead_run(self, text: str, pos: int, endpos: int) -> list[Any] | None:
        """The matches of ``finditer`` for a rule with ``lead_run``: tried only at the start
        of the run of ``chars`` before each ``literal`` (the local part before an ``@``)."""
        assert self.lead_run is not None
        literal, run_back = self.lead_run
        candidates: list[int] = []
        i = text.find(literal, pos, endpos)
        while i >= 0:
            candidates.append(run_back.match(text, 0, i).start())
            i = text.find(literal, i + 1, endpos)
        return matches_at(self.compiled, text, sorted(set(candidates)), pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        """``compiled.finditer`` behind the ``requires`` gate (no matches for a pattern-less rule)."""
        if self.compiled is None or not self.applies_to(text):
            return iter(())
        if self.starts is not None or self.lead_run is not None:
            end = len(text) if endpos is None else endpos
            found = (self._from_lead_run(text, pos, end) if self.lead_run is not None
                     else self._from_starts(text, pos, end))
            if found is not None:
                return iter(found)
        if endpos is None:
            return self.compiled.finditer(text, pos)  # type: ignore[no-any-return]
        return self.compiled.finditer(text, pos, endpos)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class RuleSet:
    name: str
    rules: tuple[Rule, ...]
    lexicons: dict[str, Any]
    source: str

    _by_id: dict[str, Rule] = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((r.id, r) for r in self.rules)  # extractors look rules up per document

    def rule(self, rule_id: str) -> Rule:
        hit = self._by_id.get(rule_id)
        if hit is not None:
            return hit
        raise RuleError(f"no rule {rule_id!r}", source=self.source)

    def pattern_rules(self) -> Iterator[Rule]:
        return (r for r in self.rules if r.compiled is not None)

    def finditer(self, text: str) -> Iterator[tuple[Rule, Any]]:
        """Every match of every pattern rule, rule by rule in file order."""
        for r in self.pattern_rules():
            for m in r.finditer(text):
                yield r, m

    def check_builders(self, builders: dict[str, Callable[..., Any]]) -> None:
        for r in self.rules:
            if r.builder is not None and r.builder not in builders:
                raise RuleError(f"rule {r.id!r} names unknown builder {r.builder!r}", source=self.source)


#: the last few texts and their case-folded forms, the latest first
_FOLDED: tuple[tuple[str, str], ...] = ()
_FOLDED_KEPT = 4


def _folded(text: str) -> str:
    """``text.casefold()``, remembered for the last few texts: rules gate the same document in
    turn, and money and dates scan a lower-cased copy of it between them (with one text
    remembered, the two evicted each other and the start-word index of a fresh folding was
    built again and again).

    One tuple read and one tuple write, so threads sharing it never see a
    text paired with another text's folding.
    """
    global _FOLDED
    recent = _FOLDED
    for known, folded in recent:
        if known is text:
            return folded
    folded = text.casefold()
    _FOLDED = ((text, folded), *recent[: _FOLDED_KEPT - 1])
    return folded


class StartWordIndex:
    """Every occurrence of a set of words in a text, found in one pass.

    Why: each rule with ``starts`` used to look for its words with one ``str.find``
    loop per word (260 words over 21 rules: half a millisecond per document, as
    much as a whole extractor).  One Aho-Corasick automaton over the start words of
    all rules finds them all, overlapping ones included, in one pass over the text;
    the positions of the last few texts are kept, since every rule gates the same
    document in turn (and a few extractors scan a variant of it between two rules).
    Words are added as rules are first used (the automaton is rebuilt then: a few
    times per process).  The municipality gazetteer keeps an index of its own over
    the first words of its names, as written.
    """

    #: texts whose positions are kept
    RECENT = 4

    def __init__(self) -> None:
        #: the indexed words and their automaton, published together (one tuple: a thread never
        #: pairs new words with an automaton that lacks them)
        self.state: tuple[frozenset[str], Any] = (frozenset(), None)
        self._lock = threading.Lock()
        #: id -> the word tuples already indexed (rules pass the same tuple every time: an
        #: identity test instead of a subset test per call)
        self.indexed: dict[int, tuple[str, ...]] = {}
        #: (text, the automaton it was indexed with, word -> start offsets), the latest first
        self.recent: tuple[tuple[str, Any, dict[str, list[int]]], ...] = ()

    def positions(self, text: str, words: tuple[str, ...]) -> dict[str, list[int]]:
        """Start offsets of each indexed word found in ``text`` (``words`` are indexed first if new)."""
        known_words, automaton = self.state
        if self.indexed.get(id(words)) is not words:
            if automaton is None or not known_words.issuperset(words):
                automaton = self._rebuild(words)
            if len(self.indexed) >= 1000:  # a caller that builds its tuple anew each time: bounded
                self.indexed.clear()
            self.indexed[id(words)] = words
        recent = self.recent  # one tuple read: threads never pair a text with another's positions
        for known, indexed_by, found in recent:
            if indexed_by is automaton and (known is text or known == text):  # money lower-cases a copy
                return found
        found = {}
        for end, word in automaton.iter(text):
            hits = found.get(word)
            if hits is None:
                found[word] = [end - len(word) + 1]
            else:
                hits.append(end - len(word) + 1)
        self.recent = ((text, automaton, found), *recent[: self.RECENT - 1])
        return found

    def starts(self, text: str, words: tuple[str, ...], pos: int = 0, endpos: int | None = None) -> list[int]:
        """Sorted offsets where one of ``words`` occurs wholly inside ``text[pos:endpos]`` (what a
        ``str.find`` loop per word finds)."""
        where = self.positions(text, words)
        end = len(text) if endpos is None else endpos
        found: set[int] = set()
        for word in words:
            hits = where.get(word)
            if hits:
                if pos == 0 and end == len(text):
                    found.update(hits)
                else:
                    size = len(word)
                    found.update(i for i in hits if pos <= i and i + size <= end)
        return sorted(found)

    def _rebuild(self, words: tuple[str, ...]) -> Any:
        """An automaton for the words known so far and ``words``; under a lock, so that the set of
        indexed words only grows (two threads adding words at once keep both)."""
        with self._lock:
            known_words, automaton = self.state
            if automaton is not None and known_words.issuperset(words):
                return automaton
            every = known_words | set(words)
            automaton = ahocorasick.Automaton()
            for word in every:
                automaton.add_word(word, word)
            automaton.make_automaton()
            self.state = (every, automaton)
            return automaton


_START_WORDS = StartWordIndex()


def word_starts(folded: str, words: tuple[str, ...], pos: int = 0, endpos: int | None = None) -> list[int]:
    """Sorted offsets where one of ``words`` occurs wholly inside ``folded[pos:endpos]`` (what a
    ``str.find`` loop per word finds), from the one-pass index of all rules' words.

    >>> word_starts("проектът и проект", ("проект", "и"), 1)
    [9, 11]
    """
    return _START_WORDS.starts(folded, words, pos, endpos)


def matches_at(pattern: Any, text: str, candidates: Sequence[int], pos: int, endpos: int) -> list[Any] | None:
    """The matches of ``pattern.finditer(text, pos, endpos)``, trying only the sorted ``candidates``.

    ``finditer`` yields, from the end of the last match on, the leftmost
    position where the pattern matches; trying the candidates in order gives
    the same matches when every match starts at a candidate (a match sees the
    text before ``pos``, as in ``finditer``), at a fraction of the cost.  An
    empty match (never in a rule) gives None: scan the usual way.
    """
    out: list[Any] = []
    last = pos
    match = pattern.match
    for s in candidates[bisect_left(candidates, pos):]:
        if s >= endpos:
            break
        if s < last:
            continue
        m = match(text, s, endpos)
        if m is None:
            continue
        if m.end() == s:
            return None
        out.append(m)
        last = m.end()
    return out


def finditer_at(pattern: Any, text: str, candidates: Sequence[int], pos: int = 0,
                endpos: int | None = None) -> Iterable[Any]:
    """``pattern.finditer(text, pos, endpos)``, trying only the sorted ``candidates``
    (:func:`matches_at`), or scanning the usual way where that gives None."""
    end = len(text) if endpos is None else endpos
    found = matches_at(pattern, text, candidates, pos, end)
    return found if found is not None else pattern.finditer(text, pos, end)


def _run_back(chars: str, flags: int) -> Any:
    """A character class as a backwards run: ``.match(text, pos, i).start()`` is where the run
    of those characters that ends at ``i`` begins (one call instead of one per character)."""
    return compile_v1(f"(?r)(?:{chars})*", flags)


def casefolded(text: str) -> str | None:
    """``text.casefold()`` when it keeps every offset (candidate starts are found in it), else None.

    >>> casefolded("Община"), casefolded("Straße")
    ('община', None)
    """
    folded = _folded(text)
    return folded if len(folded) == len(text) else None


_LEAD_LEXICON = regex.compile(r"\(\?(?:P<\w+>|i?:)<<(\w+)>>\)|<<(\w+)>>")


def _lexicon_lead(pattern: str) -> str | None:
    """The lexicon an entry of which begins every match of ``pattern``, or None.

    Accepted: zero-width assertions (``\\m``, ``\\b``, look-behinds), then
    ``<<name>>`` alone or as the whole of a group, not optional, and no ``|``
    outside parentheses.  Anything the check cannot read (verbose mode,
    comments, nested sets) gives None, which only costs speed.

    >>> _lexicon_lead(r"(?<![\\w.-])(?P<mon><<months>>)(?!\\w)"), _lexicon_lead(r"\\m<<relative>>\\s")
    ('months', 'relative')
    >>> _lexicon_lead(r"(?P<x><<a>>)?b"), _lexicon_lead(r"<<a>>|b"), _lexicon_lead(r"(?P<x><<a>>|b)")
    (None, None, None)
    """
    p = pattern.strip()
    if "(?x" in p or "(?#" in p or not _no_top_level_bar(p):
        return None
    i = 0
    while True:
        if p.startswith(("\\m", "\\b"), i):
            i += 2
        elif p.startswith(("(?<!", "(?<="), i):
            j = _group_end(p, i)
            if j is None:
                return None
            i = j
        else:
            break
    m = _LEAD_LEXICON.match(p, i)
    if m is None or p[m.end():m.end() + 1] in ("?", "*", "{"):
        return None
    return m.group(1) or m.group(2)


def held_lexicons(pattern: str) -> tuple[str, ...]:
    r"""The lexicons an entry of which every match of ``pattern`` holds: ``<<name>>`` at the top
    level, alone or as the whole of a group, not optional, in a pattern with no ``|`` outside
    groups (a window without any of its words holds no match).  Patterns the check cannot read
    (verbose mode, comments, nested sets) give none, which only costs speed.

    >>> held_lexicons(r"(?<!\d)\d{1,2}\s*(?P<mon><<months>>)\s+(?P<y>\d{4})"), held_lexicons(r"<<a>>?b|c")
    (('months',), ())
    """
    p = pattern.strip()
    if "(?x" in p or "(?#" in p or not _no_top_level_bar(p):
        return ()
    try:
        events = list(_scan(p))
    except ValueError:
        return ()
    out: list[str] = []
    for m in _LEAD_LEXICON.finditer(p):
        name = m.group(1) or m.group(2)
        if p[m.end():m.end() + 1] in ("?", "*", "{") or name in out:
            continue
        depth = 0  # groups open at the placeholder (or its group)
        for i, d in events:
            if i >= m.start():
                break
            depth = d if p[i] != ")" else d - 1
        if depth == 0:
            out.append(name)
    return tuple(out)


def _scan(p: str) -> Iterator[tuple[int, int]]:
    """(position, parenthesis depth) of every ``(``, ``)`` and ``|`` outside escapes and sets;
    raises ValueError on a set that holds ``[`` (a nested set of VERSION1, not read here)."""
    depth = 0
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            if p[j:j + 1] == "^":
                j += 1
            if p[j:j + 1] == "]":
                j += 1
            while j < len(p) and p[j] != "]":
                if p[j] == "[":
                    raise ValueError("nested set")
                j += 2 if p[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
            yield i, depth
        elif c == ")":
            yield i, depth
            depth -= 1
        elif c == "|":
            yield i, depth
        i += 1


def _no_top_level_bar(p: str) -> bool:
    try:
        return not any(p[i] == "|" and d == 0 for i, d in _scan(p))
    except ValueError:
        return False


def _group_end(p: str, start: int) -> int | None:
    """The index after the ``)`` that closes the group opened at ``start``."""
    try:
        for i, d in _scan(p[start:]):
            if p[start + i] == ")" and d == 1:
                return start + i + 1
    except ValueError:
        return None
    return None


def first_words(entries: Any, *, fold: Callable[[str], str] = str.casefold, shortest: int = 2) -> tuple[str, ...] | None:
    """The folded first words of a lexicon's entries, none of which begins with another.

    A match of the lexicon at a position has one of them there in the folded
    text (a space in an entry matches any whitespace, so the word ends at it).
    None for an empty lexicon, or when a word is shorter than ``shortest``
    characters (``с``: candidates everywhere, slower than the scan).

    >>> first_words(["Оперативна програма", "ОП", "Оперативната програма", "План"])
    ('оп', 'план')
    >>> first_words(["с името", "наречен"]) is None, first_words(["€", "евро"], shortest=1)
    (True, ('евро', '€'))
    """
    words = sorted({fold(str(e)).split(" ")[0] for e in entries})
    if not words or any(len(w) < shortest for w in words):
        return None
    kept: list[str] = []
    for w in words:  # sorted: a word's shorter prefixes come before it
        if not any(w.startswith(k) for k in kept):
            kept.append(w)
    return tuple(kept)


class CueGate:
    r"""Cue patterns with the first words of their lexicons: a stretch of the case-folded text
    that holds none of a pattern's words cannot hold a match of it, and is not searched.

    Why: the extractors look for their cue lexicons in short stretches around each figure or
    date (a clause, a window), and most stretches hold none of most cues; ``in`` on the folded
    stretch costs far less than the case-insensitive alternation tried at every position.
    The words are not added to the text's :class:`StartWordIndex`: short common words
    (``от``, ``по``) would enlarge every document's index for the few stretches that ask.

    >>> import regex
    >>> cue = compile_v1(r"(?<!\w)(?:срок\s+на\s+изпълнение|продължителност)", regex.I)
    >>> gate = CueGate({cue: ["срок на изпълнение", "продължителност"]})
    >>> gate.may_match(cue, "общият срок е 12 месеца"), gate.may_match(cue, "стойност 10 лв.")
    (True, False)
    >>> gate.may_match(cue, "xxx продължителност", 4), gate.may_match(cue, None)
    (True, True)
    """

    def __init__(self, lexicons: dict[Any, Any]) -> None:
        """``lexicons``: each cue pattern -> the entries one of which starts every match of it.
        A lexicon without usable first words (:func:`first_words`) leaves its pattern ungated."""
        self._words = {pattern: words for pattern, entries in lexicons.items()
                       if (words := first_words(entries)) is not None}

    def may_match(self, pattern: Any, folded: str | None, lo: int = 0, hi: int | None = None) -> bool:
        """False when ``pattern`` cannot match in ``folded[lo:hi]`` (the case-folded stretch; None
        when folding moved offsets: then anything may match), nor in that stretch cut out."""
        words = self._words.get(pattern)
        if words is None or folded is None:
            return True
        stretch = folded[lo:hi] if lo or hi is not None else folded
        return any(w in stretch for w in words)


def _declared_starts(items: Any, lexicons: dict[str, Any], rid: str, source: str) -> tuple[str, ...] | None:
    """The ``starts_with`` of a rule: literals, and ``<<name>>`` for a lexicon's first words.

    Declared where the pattern does not show it (an alternation of cues):
    every match starts at one of them, case-folded.  The test suite checks
    the rule's matches on the corpus against the plain scan.
    """
    words: list[str] = []
    for item in items:
        m = _PLACEHOLDER.fullmatch(str(item))
        if m is None:
            words.append(str(item))
            continue
        if m.group(1) not in lexicons:
            raise RuleError(f"rule {rid!r}: starts_with names unknown lexicon {item}", source=source)
        words.extend(lexicons[m.group(1)])
    return first_words(words)


def _lexicon_words(entries: Any) -> list[str]:
    """A lexicon's entries (keys of a mapping), distinct and non-empty, longest first."""
    words = list(entries) if isinstance(entries, dict) else [str(e) for e in entries]
    return sorted({w for w in words if w}, key=lambda w: (-len(w), w))


def lexicon_alternation(entries: Any) -> str:
    """``(?:a|b|c)`` of a lexicon's entries (keys of a mapping), longest first, escaped."""
    return "(?:" + "|".join(regex.escape(w).replace("\\ ", r"\s+") for w in _lexicon_words(entries)) + ")"


def factored_alternation(entries: Any, *, ignore_case: bool) -> str:
    """:func:`lexicon_alternation` of ``entries``, with the entries that share
    a first character put under one branch, recursively (a trie).

    Why: the regex engine tries an alternation branch by branch; the 329 forms of the
    gazetteer after a cue cost ~25 us per try (case-insensitive), the trie a few.
    The matches are the same: branches that start with different characters (case-folded
    where the alternation is matched case-insensitively) never match at the same place, so
    their order does not matter, and along the one path the text takes the longer entries are
    still tried first (an entry that ends at a node is its last branch), as in the
    longest-first alternation.  ``ignore_case`` must say how the alternation is matched;
    where a character folds to several, the plain alternation is returned.

    >>> print(factored_alternation(["Бяла", "Бяла Слатина", "Бургас"], ignore_case=False))
    (?:Б(?:яла(?:\\s+Слатина|)|ургас))
    """
    words = _lexicon_words(entries)
    if any(len(ch.casefold()) != 1 or (ch.isspace() and ch != " ") for w in words for ch in w):
        return lexicon_alternation(entries)

    def key(ch: str) -> str:
        return ch.casefold() if ignore_case else ch

    def build(rests: list[str]) -> str:
        groups: dict[str, list[str]] = {}
        ends = False
        for r in rests:
            if r:
                group = groups.setdefault(key(r[0]), [r])
                if group[0] is not r:
                    if r[0] != group[0][0] and not compile_v1(regex.escape(group[0][0]), regex.I).fullmatch(r[0]):
                        raise ValueError(r[0])  # folded alike, yet not matched alike
                    group.append(r)
            else:
                ends = True
        alts = [(r"\s+" if g[0][0] == " " else regex.escape(g[0][0])) + build([r[1:] for r in g])
                for g in groups.values()]
        if ends:
            alts.append("")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    try:
        out = build(words)
    except ValueError:
        return lexicon_alternation(entries)
    return out if out.startswith("(?:") else f"(?:{out})"


def expand_lexicons(pattern: str, lexicons: dict[str, Any], source: str, rule_id: str, *, ignore_case: bool) -> str:
    """The pattern with each ``<<lexicon>>`` replaced by its alternation: as a trie
    (:func:`factored_alternation`, fewer branches tried per position) where the pattern's case
    is the rule's throughout and no lexicon stands in a lookbehind (matched backwards, where the
    trie's order argument does not hold); else the plain longest-first alternation."""
    trie = not _INLINE_CASE.search(pattern) and not any(
        "<<" in pattern[a:b] for a, b in _lookbehinds(pattern))

    def repl(m: Any) -> str:
        name = m.group(1)
        if name not in lexicons:
            raise RuleError(f"rule {rule_id!r} uses unknown lexicon <<{name}>>", source=source)
        if trie:
            return factored_alternation(lexicons[name], ignore_case=ignore_case)
        return lexicon_alternation(lexicons[name])

    return _PLACEHOLDER.sub(repl, pattern)


#: an inline flag group that may set or clear case-insensitivity (or full case-folding)
_INLINE_CASE = regex.compile(r"\(\?[a-zA-Z]*-?[a-zA-Z]*[if][a-zA-Z]*[:)]")


def _lookbehinds(pattern: str) -> list[tuple[int, int]]:
    r"""Where the pattern's lookbehind groups stand (from ``(?<=`` / ``(?<!`` to the closing paren).

    >>> p = r"(?<!\w)a(?<=(?:b|[)]))d\(?<=x)"
    >>> [p[a:b] for a, b in _lookbehinds(p)]
    ['(?<!\\w)', '(?<=(?:b|[)]))']
    """
    out: list[tuple[int, int]] = []
    for m in regex.finditer(r"\(\?<[=!]", pattern):
        escapes = len(pattern[:m.start()]) - len(pattern[:m.start()].rstrip("\\"))
        if escapes % 2:
            continue  # an escaped paren
        depth, i, in_class = 0, m.start(), False
        while i < len(pattern):
            ch = pattern[i]
            if ch == "\\":
                i += 2
                continue
            if in_class:
                in_class = ch != "]"
            elif ch == "[":
                in_class = True
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    out.append((m.start(), i + 1))
                    break
            i += 1
    return out


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml"))


def scan_options(raw: dict[str, Any], pattern: str | None, compiled: Any, lexicons: dict[str, Any], rid: str,
                 source: str, *, case_sensitive: bool) -> dict[str, Any]:
    """The :class:`Rule` fields that spare the scan (``requires``, ``starts``, ``lead_chars``,
    ``lead_run``), read from a rule as written in YAML (``raw``) and checked.

    Shared by the rule files and the entity patterns of ``rules/entities.yaml``.
    """
    starts = None
    lead = _lexicon_lead(pattern) if pattern else None
    if lead is not None and case_sensitive and f"(?i:<<{lead}>>)" not in str(pattern):
        lead = None  # a case-sensitive lexicon is scanned fast enough already
    if lead is not None and lead in lexicons:
        starts = first_words(lexicons[lead])
    if raw.get("starts_with"):
        starts = _declared_starts(raw["starts_with"], lexicons, rid, source)
    lead_chars = None
    if raw.get("lead_chars"):
        if starts is None or compiled is None:
            raise RuleError(f"rule {rid!r}: lead_chars needs a pattern and start words", source=source)
        try:
            lead_chars = _run_back(str(raw["lead_chars"]), compiled.flags)
        except regex.error as exc:
            raise RuleError(f"rule {rid!r}: lead_chars: {exc}", source=source) from exc
    lead_run = None
    if raw.get("lead_run"):
        lr = raw["lead_run"]
        try:
            lead_run = (str(lr["literal"]), _run_back(str(lr["chars"]), compiled.flags if compiled else 0))
        except (KeyError, TypeError, regex.error) as exc:
            raise RuleError(f"rule {rid!r}: lead_run needs literal and chars: {exc}", source=source) from exc
        if not lead_run[0] or compiled is None:
            raise RuleError(f"rule {rid!r}: lead_run needs a pattern and a literal", source=source)
    requires = tuple(str(lit).casefold() for lit in raw.get("requires") or ())
    requires_exact = tuple(str(lit) for lit in raw.get("requires_exact") or ())
    for key, lits, fold in (("requires", requires, True), ("requires_exact", requires_exact, False)):
        if not lits:
            continue
        if compiled is None or not all(lits):
            raise RuleError(f"rule {rid!r}: {key} needs a pattern and non-empty literals", source=source)
        for ex in raw.get("examples") or ():
            text = str(ex.get("text", "")) if isinstance(ex, dict) else str(ex)
            if not any(lit in (text.casefold() if fold else text) for lit in lits):
                raise RuleError(f"rule {rid!r}: example without any of {key} {list(lits)}: {text!r}", source=source)
    return {"requires": requires, "requires_exact": requires_exact, "starts": starts, "lead_chars": lead_chars,
            "lead_run": lead_run}


@cache
def load_ruleset(name: str) -> RuleSet:
    """Load ``rules/<name>.yaml`` (cached; rule files are read once per process)."""
    path = RULES_DIR / f"{name}.yaml"
    if not path.exists():
        raise RuleError(f"rule file not found: {path}", source=str(path))
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}  # C or Python safe loader
    lexicons = data.get("lexicons") or {}
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("rules") or []):
        rid = raw.get("id") or f"{name}#{i}"
        if rid in seen:
            raise RuleError(f"duplicate rule id {rid!r}", source=str(path))
        seen.add(rid)
        if "field" not in raw:
            raise RuleError(f"rule {rid!r} has no field", source=str(path))
        pattern = raw.get("pattern")
        compiled = None
        if pattern:
            flags = 0 if raw.get("case_sensitive") else regex.IGNORECASE
            expanded = expand_lexicons(pattern, lexicons, str(path), rid, ignore_case=not raw.get("case_sensitive"))
            try:
                compiled = compile_v1(expanded, flags)
            except regex.error as exc:
                raise RuleError(f"rule {rid!r}: bad pattern: {exc}", source=str(path)) from exc
        opts = scan_options(raw, pattern, compiled, lexicons, rid, str(path),
                            case_sensitive=bool(raw.get("case_sensitive")))
        rules.append(
            Rule(
                id=rid,
                field=raw["field"],
                description=raw.get("description", ""),
                builder=raw.get("builder"),
                pattern=pattern,
                compiled=compiled,
                examples=tuple(raw.get("examples") or ()),
                counterexamples=tuple(raw.get("counterexamples") or ()),
                options=dict(raw.get("options") or {}),
                source=str(path),
                **opts,
            )
        )
    return RuleSet(name=name, rules=tuple(rules), lexicons=lexicons, source=str(path))
