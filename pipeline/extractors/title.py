"""Extractor: the project's own name (``project_title``).

The title is the quoted name right after a word for the project (``проект
„...“``, ``Проект BG05M9OP001-2.023-0001 „...“``, ``Проектът е „...“``), a
fact-sheet label line (``Наименование: ...``) or the rest of an all-caps
headline after ``ПРОЕКТА``.  Quotes are matched on the original characters
(``„`` opens, ``“``/``”`` close unless the context says otherwise), so nested
quotes stay inside the title and a missing closing quote does not swallow the
text.  The value is the original surface, inner whitespace collapsed.

A headline often shortens the name (``ЦДГ`` for ``целодневна детска
градина``) or names an umbrella project, so a name found in the body wins over
a different one in the headline.  Documents about several projects (several
project codes or procedures) and calls for proposals get no title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..document import Document
from ..rules import RuleSet, load_ruleset
from ..schema import Mention
from .codes import is_call, is_several, scan_codes

__all__ = ["closing_quote", "extract"]

_OPENERS = "„«"
_CLOSERS = "»"
_MAX_TITLE = 400
_ACRONYM = regex.compile(r"^[A-ZА-Я0-9&+-]{2,10}$")
_PREPOSITION_START = regex.compile(r"^(?:НА|ЗА|ПО|В|ВЪВ|С|СЪС|ОТ|ДО|И|С\s|НА\s)\b")


@dataclass(frozen=True)
class _Candidate:
    start: int  # normalised offsets of the name, half-open
    end: int
    rule_id: str
    rank: int  # 0 label line, 1 quoted, 2 caps headline


@lru_cache(maxsize=1)
def _rules() -> RuleSet:
    return load_ruleset("title")


def closing_quote(doc: Document, open_idx: int) -> int | None:
    """The normalised index of the quote that closes the one at ``open_idx`` (None when unclosed).

    Each ``"`` of the normalised text is classified by its original character
    (``„«`` open, ``»`` closes) or, for ``“ ” "``, by its neighbours: a quote
    after a space and before a letter opens, one after a letter closes.

    >>> d = Document.from_text("проект „Дом „Слънце“ в града“ сега")
    >>> d.text[closing_quote(d, 7)+1:]
    ' сега'
    """
    text = doc.text
    depth = 1
    line_end = text.find("\n", open_idx)
    limit = min(len(text), open_idx + _MAX_TITLE, line_end if line_end >= 0 else len(text))
    for i in range(open_idx + 1, limit):
        if text[i] != '"':
            continue
        orig = doc.original[doc.to_original(i, i + 1)[0]]
        prev = text[i - 1]
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if orig in _OPENERS:
            opens = True
        elif orig in _CLOSERS:
            opens = False
        elif (prev.isspace() or prev in "(-") and nxt.isalnum():
            opens = True
        else:
            opens = False
        depth += 1 if opens else -1
        if depth == 0:
            return i
    return None


def _quoted(doc: Document) -> list[_Candidate]:
    out = []
    for m in _rules().rule("title.quoted_after_cue").finditer(doc.text):
        o = m.start("open")
        close = closing_quote(doc, o)
        if close is None:
            continue
        s, e = o + 1, close
        while s < e and doc.text[s].isspace():
            s += 1
        while e > s and doc.text[e - 1].isspace():
            e -= 1
        if e - s >= 2:
            out.append(_Candidate(s, e, "title.quoted_after_cue", 1))
    return out


def _label_lines(doc: Document) -> list[_Candidate]:
    out = []
    for m in _rules().rule("title.label_line").finditer(doc.text):
        s, e = m.span("title")
        if doc.text[s] == '"' and doc.text[e - 1] == '"' and e - s > 2:
            s, e = s + 1, e - 1
        out.append(_Candidate(s, e, "title.label_line", 0))
    return out


def _caps_headlines(doc: Document) -> list[_Candidate]:
    out = []
    text = doc.text
    for m in _rules().rule("title.caps_headline").finditer(text):
        ls = text.rfind("\n", 0, m.start()) + 1
        line = text[ls : m.end()]
        letters = [c for c in line if c.isalpha()]
        if not letters or sum(c.isupper() for c in letters) < 0.9 * len(letters):
            continue
        if _PREPOSITION_START.match(m.group("title")):
            continue
        out.append(_Candidate(m.start("title"), m.end("title"), "title.caps_headline", 2))
    return out


#: compiled once: ``regex.sub(str, ...)`` pays a pattern-cache lookup of ~8 us per call
_CALL_SUFFIX_RE = regex.compile(r"-C\d+$")  # X-0001-C01 is project X-0001


def _several_projects(text: str) -> bool:
    codes = scan_codes(text)
    projects = {_CALL_SUFFIX_RE.sub("", c.project) for c in codes if c.project}
    return len(projects) > 1 or len({c.procedure for c in codes}) > 1 or is_call(text) or is_several(text)


def _value(doc: Document, c: _Candidate) -> str:
    return " ".join(doc.surface(c.start, c.end).split())


def _choose(doc: Document, cands: list[_Candidate]) -> _Candidate | None:
    if not cands:
        return None
    best_rank = min(c.rank for c in cands)
    pool = sorted((c for c in cands if c.rank == best_rank), key=lambda c: c.start)
    headline_end = doc.text.find("\n")
    if headline_end < 0:
        headline_end = len(doc.text)
    body = [c for c in pool if c.start > headline_end]
    choice = body[0] if body else pool[0]
    if _ACRONYM.match(_value(doc, choice)):
        full = [c for c in pool if not _ACRONYM.match(_value(doc, c))]
        if full:
            choice = full[0]
    if _value(doc, choice).isupper():
        # a headline in capitals and the name in the body: the body spells it, and a headline
        # often shortens it (`ЗАЕДНО В ПРАКТИКАТА` for `Заедно в практиката – ученическо ...`)
        key = _value(doc, choice).casefold()
        spelt = [c for c in cands if not _value(doc, c).isupper() and _value(doc, c).casefold().startswith(key)]
        if spelt:
            choice = min(spelt, key=lambda c: (-len(_value(doc, c)), c.start))
    return choice


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """The best title mention, or nothing for several-project documents and calls."""
    if _several_projects(doc.text):
        return []
    choice = _choose(doc, _label_lines(doc) + _quoted(doc) + _caps_headlines(doc))
    if choice is None:
        return []
    return [doc.mention("project_title", _value(doc, choice), choice.start, choice.end, choice.rule_id)]
