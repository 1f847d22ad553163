"""Extractor: funding programmes and funds.

A programme is named by a head and a name (``Оперативна програма „Околна
среда“``), by an abbreviation (``ОП РЧР``), by a code prefix
(``BG05M9OP001-...``) or in a list of short names (``програми - "Образование",
"Околна среда"``).  Names shared by several programming periods belong to a
*family* (``rules/programmes.yaml``) and are dated, in this order, by the years
written with them, by the head (``Програма`` is the 2021-2027 style), by the
text's codes and by the first year the text gives; the 2014-2020 id otherwise.
Every occurrence is a mention, because the money extractor attaches amounts to
the nearest programme mention.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from ..document import Document
from ..rules import RuleSet, lexicon_alternation, load_ruleset
from ..schema import Mention
from .codes import scan_codes

__all__ = ["programme_of_prefix", "period_of_years", "extract"]

#: compiled once: ``regex.search(str, ...)`` pays a pattern-cache lookup of ~8 us per call
_QUOTED_ITEM = regex.compile(r'"([^"\n]{2,80})"')
_QUOTED = regex.compile(r'"([^"\n]+)"')

_YEAR = regex.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_RANGE_AFTER = regex.compile(r"\s*-\s*(?:19|20)\d\d")
_RANGE_BEFORE = regex.compile(r"(?:19|20)\d\d\s*-\s*$")
_NOISE_LINE = regex.compile(r"©|copyright", regex.IGNORECASE)
_YEARS = regex.compile(r"((?:19|20)\d\d)\s*-\s*((?:19|20)\d\d)")


@dataclass(frozen=True)
class _Hit:
    start: int  # normalised offsets, half-open
    end: int
    target: str  # a family name or a programme id
    kind: str  # "op" (Оперативна програма / ОП), "new" (Програма), "list", "fixed"
    years: str | None
    rule_id: str


@lru_cache(maxsize=1)
def _rules() -> RuleSet:
    return load_ruleset("programmes")


def _lex(name: str) -> Any:
    return _rules().lexicons[name]


@lru_cache(maxsize=1)
def _years_after() -> regex.Pattern[str]:
    return regex.compile(_rules().rule("programmes.head_name").options["years_after"], regex.IGNORECASE)


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    return {k.upper().replace("O", "0"): v for k, v in _lex("code_prefixes").items()}


def programme_of_prefix(prefix: str) -> str | None:
    """The programme id of a code prefix (O and 0 are confused in writing).

    >>> programme_of_prefix("BG05M20P001"), programme_of_prefix("BG05M9OP001")
    ('OPSESG-2014', 'OPHRD-2014')
    """
    return _prefixes().get(prefix.upper().replace("O", "0"))


def period_of_years(years: str) -> int | None:
    """The programming period of a written range of years.

    >>> period_of_years("2007 - 2013"), period_of_years("2014-2020"), period_of_years("2021-2027")
    (2007, 2014, 2021)
    """
    m = _YEARS.search(years)
    if not m:
        return None
    start = int(m.group(1))
    if start <= 2012:
        return 2007
    if start <= 2019:
        return 2014
    return 2021


def _first_year(text: str) -> int | None:
    """The first year of the text that is not part of a range of years nor a copyright line."""
    years = _single_years(text, 0, len(text), [])
    return years[0] if years else None


@dataclass
class _Context:
    code_period: int | None
    first_year: int | None
    list_period: int | None = None
    family_periods: dict[str, int] | None = None  # family -> period of its first explicitly dated mention


def _pick(family: dict[Any, str], period: int | None) -> str:
    fam = {int(k): v for k, v in family.items()}
    if period in fam:
        return fam[period]  # type: ignore[index]
    return fam.get(2014) or next(iter(fam.values()))


def _resolve(hit: _Hit, ctx: _Context) -> str:
    families = _lex("families")
    if hit.target not in families:
        return hit.target
    family = families[hit.target]
    keys = {int(k) for k in family}
    if hit.years:
        return _pick(family, period_of_years(hit.years))
    if ctx.family_periods and hit.target in ctx.family_periods:
        return _pick(family, ctx.family_periods[hit.target])
    if hit.kind == "new" and 2021 in keys:
        return _pick(family, 2021)
    if hit.kind == "list" and ctx.list_period is not None:
        return _pick(family, ctx.list_period)
    if ctx.code_period is not None and ctx.code_period != 2021:
        return _pick(family, ctx.code_period)
    if ctx.first_year is not None and ctx.first_year <= 2013:
        return _pick(family, 2007)
    return _pick(family, 2014)


@lru_cache(maxsize=16)
def _table(lexicon: str) -> dict[str, str]:
    """A lexicon keyed by its casefolded, space-collapsed entries."""
    entries = _lex(lexicon)
    if isinstance(entries, list):
        return {" ".join(str(k).casefold().split()): "" for k in entries}
    return {" ".join(str(k).casefold().split()): str(v) for k, v in entries.items()}


def _key(s: str) -> str:
    return " ".join(s.casefold().split())


def _lookup_name(name: str) -> str | None:
    key = _key(_YEARS.sub("", name).replace('"', " ")).strip(" .,-")
    return _table("programme_names").get(key) or _table("short_names").get(key)


def _overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < e2 and s2 < e for s2, e2 in spans)


def _programme_hits(text: str) -> list[_Hit]:
    rs = _rules()
    hits: list[_Hit] = []
    for c in scan_codes(text):
        pid = programme_of_prefix(c.prefix)
        if pid:
            hits.append(_Hit(c.start, c.prefix_end, pid, "fixed", None, "programmes.code_prefix"))
    names = _table("programme_names")
    for m in rs.rule("programmes.head_name").finditer(text):
        head = _key(m.group("head"))
        name = _key(m.group("name"))
        if head.endswith(" за") and name not in _table("za_names"):
            continue
        if name in _table("quoted_only_names") and '"' not in text[m.start("head") : m.start("name")]:
            continue
        kind = "new" if head.startswith("програм") else "op"
        target = names.get(_key(m.group("name")), "OTHER")
        years = m.group("years")
        if not years:
            after = _years_after().match(text, m.end())
            years = after.group("years") if after else None
        hits.append(_Hit(m.start(), m.end(), str(target), kind, years, "programmes.head_name"))
    abbr = _table("abbreviations")
    for m in rs.rule("programmes.abbreviation").finditer(text):
        key = _key(m.group("abbr"))
        after = _years_after().match(text, m.end())
        hits.append(_Hit(m.start(), m.end(), str(abbr.get(key, "OTHER")), "op",
                         after.group("years") if after else None, "programmes.abbreviation"))
    others = _table("other_names")
    for m in rs.rule("programmes.other_name").finditer(text):
        key = _key(m.group("other"))
        if not _overlaps(m.start(), m.end(), [(h.start, h.end) for h in hits]):
            hits.append(_Hit(m.start(), m.end(), str(others.get(key, "OTHER")), "fixed", None, "programmes.other_name"))
    for m in rs.rule("programmes.list").finditer(text):
        for q in _QUOTED_ITEM.finditer(m.group("list")):
            s, e = m.start("list") + q.start(1), m.start("list") + q.end(1)
            if _overlaps(s, e, [(h.start, h.end) for h in hits]):
                continue
            hits.append(_Hit(s, e, _lookup_name(q.group(1)) or "OTHER", "list", None, "programmes.list"))
    for m in rs.rule("programmes.other_generic").finditer(text):
        if _overlaps(m.start(), m.end(), [(h.start, h.end) for h in hits]):
            continue
        quoted = _QUOTED.search(m.group(0))
        target = (_lookup_name(quoted.group(1)) if quoted else None) or "OTHER"
        kind = "new" if m.group(0).casefold().startswith("програм") else "op"
        hits.append(_Hit(m.start(), m.end(), target, kind, None, "programmes.other_generic"))
    return sorted(hits, key=lambda h: h.start)


def _fund_mentions(doc: Document) -> list[Mention]:
    rs = _rules()
    out: list[Mention] = []
    for rule_id, lex in (("programmes.fund", "fund_names"), ("programmes.fund_abbreviation", "fund_abbreviations")):
        table = _table(lex)
        for m in rs.rule(rule_id).finditer(doc.text):
            fid = table.get(_key(m.group("fund")))
            if fid:
                out.append(doc.mention("funds", fid, m.start(), m.end(), rule_id))
    return out


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """One programme mention per occurrence (dated), and one fund mention per occurrence."""
    text = doc.text
    hits = _programme_hits(text)
    periods = _lex("id_periods")
    code_period = None
    for h in hits:
        if h.rule_id == "programmes.code_prefix" and h.target != "OTHER":
            code_period = int(periods.get(h.target, 2014))
            break
    ctx = _Context(code_period=code_period, first_year=_first_year(text))
    fixed_periods = {int(periods.get(h.target, 2014)) for h in hits if h.target in periods or h.target.endswith("-2014")}
    if 2021 in fixed_periods:
        ctx.list_period = 2021
    elif fixed_periods:
        ctx.list_period = min(fixed_periods)
    ctx.family_periods = {}
    for h in hits:
        p = period_of_years(h.years) if h.years else None
        if p is not None and h.target not in ctx.family_periods:
            ctx.family_periods[h.target] = p
    out = [doc.mention("programmes", _resolve(h, ctx), h.start, h.end, h.rule_id) for h in hits]
    return _without_earlier_projects(doc, out) + _fund_mentions(doc)


def _single_years(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[int]:
    """Years in ``text[start:end]`` that stand alone: not in a range, a copyright line or a programme's name."""
    years = []
    for m in _YEAR.finditer(text, start, end):
        if _RANGE_AFTER.match(text, m.end()) or _RANGE_BEFORE.search(text[max(0, m.start() - 8) : m.start()]):
            continue
        if any(a <= m.start() < b for a, b in skip):
            continue
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        if _NOISE_LINE.search(text[ls : le if le >= 0 else len(text)]):
            continue
        years.append(int(m.group(1)))
    return years


def _without_earlier_projects(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """Drop a programme named only in sentences about earlier work.

    ``през 2020 г. по ОП „Региони в растеж“ беше санирано училището`` in a 2024
    release names the programme of another, finished project; SCHEMA lists only
    the programmes that fund *this* project.  A programme goes when each sentence
    naming it holds a year earlier than the latest year of the text and none of
    the words that point at the project itself (``проектът``, ``договорът``), or
    when each such sentence speaks of earlier work the project builds on
    (``Проектът надгражда опита от ...``); the list is never emptied this way.
    """
    if len({m.value for m in mentions}) < 2:
        return mentions
    text = doc.text
    spans = [(m.start, m.end) for m in mentions if m.start is not None and m.end is not None]
    all_years = _single_years(text, 0, len(text), spans)
    latest = max(all_years) if all_years else None
    own = _words_pattern("own_project_words")
    other = _words_pattern("other_project_words")

    def about_earlier(m: Mention) -> bool:
        if m.start is None:
            return False
        s, e = doc.sentence_of(m.start)
        if other.search(text, s, e):
            return True  # `Проектът надгражда опита от ...`
        if own.search(text, s, e) or latest is None:
            return False
        return any(y < latest for y in _single_years(text, s, e, spans))

    earlier = {v for v in {m.value for m in mentions}
               if all(about_earlier(m) for m in mentions if m.value == v)}
    if not earlier or len(earlier) == len({m.value for m in mentions}):
        return mentions
    return [m for m in mentions if m.value not in earlier]


@lru_cache(maxsize=2)
def _words_pattern(lexicon: str) -> regex.Pattern[str]:
    """Any whole word or phrase of ``lexicon``, in any case."""
    return regex.compile(r"(?<!\p{L})" + lexicon_alternation(_lex(lexicon)) + r"(?!\p{L})", regex.IGNORECASE)
