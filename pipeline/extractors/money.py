"""Extractor: money amounts (field ``amounts``).

Every amount written with a currency becomes one :class:`~pipeline.schema.Amount`
mention: figures (``1 573 417,65 лв.``), figures with a multiplier (``20,6 млн.
лв.``), ISO codes before the figure (``BGN 100 000``), number words (``два
милиона лева``), and the bare figures of a list or range whose currency is
written once (``от 50 000 до 200 000 лв.``).  Values are exact ``Decimal``.

The shapes are the rules of ``rules/money.yaml``; the role, the qualifier
(``approx``) and the programme come from the amount's context, read with the
cue lexicons of the same file:

* the *unit* of an amount is the amount with its list mates and its twin in
  another currency (``1 000 000 лв. (511 292 евро)``): they share role and
  qualifier;
* the role is the nearest cue between the previous amount of the sentence and
  this one; after another amount a share cue (a programme, the EU, national,
  own) wins, because ``..., като финансирането от ЕСФ е на стойност X`` names
  a share whatever generic cue stands next to it; a share cue right after the
  amount (``X лв. по ОП РЧР``) counts when nothing before decides;
* a document about a call for proposals or about several projects gives
  every amount the role ``other`` (SCHEMA.md, labelling conventions);
* bullet lines take their cues from the list header (``максималният размер за:``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import regex

from ..document import Document
from ..normalisers.numbers import (
    FIGURE_PATTERN,
    _word_values,
    multiplier_value,
    multipliers_pattern,
    number_words_pattern,
    parse_figure,
    parse_number_words,
)
from ..rules import (
    CueGate,
    Rule,
    casefolded,
    compile_v1,
    finditer_at,
    first_words,
    lexicon_alternation,
    load_ruleset,
    word_starts,
)
from ..schema import Amount, Mention

__all__ = ["extract", "build_figure", "build_prefixed", "build_words", "build_list"]

RULESET = "money"
LIST_RULE = "money.list_shared_currency"
LINE_LIST_RULE = "money.line_list_shared_currency"
SHARE_ROLES = ("own", "national", "eu", "programme")
#: Cue lexicons ``role_<name>``; ``grant_weak`` (a bare ``финансиране``) is a grant unless
#: the amount is broken down into shares right after it, which makes it the total.
ROLE_LEXICONS = ("total", "grant", "grant_weak", "programme", "eu", "national", "own", "other")
ADJACENT_LEXICONS = ("total", "grant", "other")
#: Cue lexicons ``role_<name>_after`` read only right after the amount.
AFTER_LEXICONS = ("eu", "national", "own")
APPROX_KINDS = ("over", "under", "about", "up_to")
#: Qualifier lexicons ``approx_<kind>``; ``none`` holds qualifiers outside SCHEMA's list
#: (``не по-малко от`` is "at least"), read so that ``по-малко от`` inside them is not ``under``.
QUALIFIER_KINDS = (*APPROX_KINDS, "none")
#: How far before an amount its cues are looked for (characters), and after it.
BEFORE_WINDOW = 250
AFTER_WINDOW = 25
#: The rule patterns run within this many characters before / after a written currency.
SCAN_BEFORE = 150
SCAN_AFTER = 60
_BULLETS = "•·▪*-–—○◦►"


# --------------------------------------------------------------------------
# grammar: rule patterns and cue lexicons, compiled once
# --------------------------------------------------------------------------

def _words(alternation: str) -> str:
    """A lexicon alternation that only matches whole words."""
    return rf"(?<!\w){alternation}(?!\w)"


@dataclass(frozen=True)
class _Grammar:
    rules: tuple[tuple[Rule, Any], ...]
    currency: dict[str, str]
    cues: dict[str, Any]           # role -> compiled cue pattern
    adjacent: dict[str, Any]       # role -> cue that counts only right before the figure
    share_opener: Any
    approx_end: Any                # qualifier right before the figure, anchored at the end
    up_to_clause: Any
    chain: Any                     # bare list figures before an amount, anchored at the end
    range_opener: Any
    range_closer: Any              # "до" between two amounts of a range: от 5 000 лв. до 10 000 лв.
    pair_link: Any
    # whole-text scans run on the lower-cased text without IGNORECASE, which is
    # several times faster with the regex module on Cyrillic alternations
    doc_call: Any                  # a call for proposals (tried only where one of call_starts occurs)
    call_starts: tuple[str, ...]   # lower-cased first words of the doc_call entries
    doc_multi: Any                 # several projects: tried only before multi_nouns (_several_projects)
    multi_nouns: tuple[str, ...]   # lower-cased first words of the doc_project_nouns
    plural_scales: frozenset[str]
    any_currency: Any              # prefilter: where a currency is written
    currency_starts: tuple[str, ...]  # lower-cased first words of the currency entries
    leads: tuple[str | None, ...]  # per rule: what every match starts with (see _rule_lead)
    lead_words: dict[str, tuple[str, ...]]  # lead -> case-folded first words of its lexicon
    only_qualifier: Any
    neutral: Any                   # cue-lookalikes that give no role (финансиране на проекти)
    bare_line_end: Any             # a line ending in a bare figure: "Зелен регион (63,454,564)"
    after: dict[str, Any]          # share cues that count only right after the amount
    after_link: Any                # what may stand between an amount and a share cue after it
    #: the role, adjacent and neutral cues with their lexicons' first words: a clause without any
    #: of a cue's words is not scanned for it (see :class:`_Cues`)
    gate: CueGate


def _lower_alternation(entries: Any) -> str:
    """A lexicon alternation of the lower-cased entries (for scans of lower-cased text)."""
    return lexicon_alternation([str(w).lower() for w in entries])


def _lowered(text: str) -> str | None:
    """The lower-cased text when it keeps every offset (it does for Cyrillic and Latin).

    When it equals the case-folded text (it nearly always does), the rule engine's folded
    string itself is returned: the word index of that very object is kept (one pass over
    the text for all extractors), whereas a fresh copy is indexed anew.
    """
    low = text.lower()
    if len(low) != len(text):
        return None
    folded = casefolded(text)
    return folded if folded == low else low


def _lower_scan(pattern: Any, low: str, starts: tuple[str, ...]) -> Any:
    """``pattern.finditer(low)`` for a lexicon alternation of lower-cased entries, tried only
    where one of the entries' lower-cased first words ``starts`` occurs in ``low``."""
    return finditer_at(pattern, low, word_starts(low, starts)) if starts else pattern.finditer(low)


def _expand(pattern: str, lexicons: dict[str, Any], placeholders: dict[str, str]) -> str:
    def repl(m: Any) -> str:
        name = m.group(1)
        return f"(?P<{name}>{lexicon_alternation(lexicons[name])})"

    out = regex.sub(r"<<(\w+)>>", repl, pattern)
    for key, value in placeholders.items():
        out = out.replace("{" + key + "}", value)
    return out


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    rs = load_ruleset(RULESET)
    lex = rs.lexicons
    rs.check_builders(_BUILDERS)
    figure = f"(?:{FIGURE_PATTERN})"
    mult = rf"(?:{multipliers_pattern()})(?:(?<=\.)|(?!\w))"
    placeholders = {
        "figure": f"(?P<figure>{figure})",
        "multiplier": f"(?P<multiplier>{mult})",
        "number_words": f"(?P<number_words>{number_words_pattern()})",
    }
    rules = tuple(
        (r, compile_v1(_expand(r.pattern, lex, placeholders), regex.IGNORECASE)) for r in rs.rules if r.pattern and r.builder
    )
    currency = {" ".join(k.lower().split()): v for k, v in {**lex["currency"], **lex["currency_prefix"]}.items()}

    def cue(name: str) -> Any:
        return compile_v1(_words(lexicon_alternation(lex[name])), regex.IGNORECASE)

    cues = {role: cue(f"role_{role}") for role in ROLE_LEXICONS}
    adjacent = {role: cue(f"role_{role}_adjacent") for role in ADJACENT_LEXICONS}
    neutral = cue("role_none")
    gate = CueGate({pat: lex[name]
                    for pat, name in (*((cues[r], f"role_{r}") for r in ROLE_LEXICONS),
                                      *((adjacent[r], f"role_{r}_adjacent") for r in ADJACENT_LEXICONS),
                                      (neutral, "role_none"))})
    approx_alt = "|".join(f"(?P<{k}>{lexicon_alternation(lex['approx_' + k])})" for k in QUALIFIER_KINDS)
    approx_end = compile_v1(rf"(?<!\w)(?:{approx_alt})\s*\Z", regex.IGNORECASE)
    seps = "|".join(
        regex.escape(s) if not s[:1].isalpha() else rf"(?<!\w){regex.escape(s)}(?!\w)"
        for s in sorted(lex["list_separators"], key=len, reverse=True)
    )
    chain = compile_v1(
        rf"(?:(?<![\w.,/-])(?P<f>{figure})(?:\s*(?P<m>{mult}))?\s*(?:{seps})\s*)+\Z", regex.IGNORECASE
    )
    multi = (
        rf"(?<![\w.,-])(?:\d{{1,3}}|{_lower_alternation(lex['doc_number_words'])})\s+(?:\w+\s+)?"
        rf"{_lower_alternation(lex['doc_project_nouns'])}(?!\w)"
    )
    return _Grammar(
        rules=rules,
        currency=currency,
        cues=cues,
        adjacent=adjacent,
        share_opener=cue("share_openers"),
        approx_end=approx_end,
        up_to_clause=cue("approx_up_to_clause"),
        chain=chain,
        range_opener=compile_v1(rf"(?<!\w){lexicon_alternation(lex['range_openers'])}\s*\Z", regex.IGNORECASE),
        range_closer=compile_v1(rf"\s*{lexicon_alternation(lex['range_closers'])}\s*", regex.IGNORECASE),
        pair_link=compile_v1(rf"\A[\s,]*(?:{lexicon_alternation(lex['currency_pair_links'])})?\s*\Z", regex.IGNORECASE),
        # the call-for-proposals alternation scanned at every position cost more than any other test
        doc_call=regex.compile(_words(_lower_alternation(lex["doc_call"])), regex.VERSION1),
        call_starts=_first_words_of(lex["doc_call"], str.lower),
        doc_multi=regex.compile(multi, regex.VERSION1),
        multi_nouns=_first_words_of(lex["doc_project_nouns"], str.lower),
        # no left word boundary: "857810.32лв." glues the currency to the figure
        any_currency=regex.compile(
            rf"{_lower_alternation([*lex['currency'], *lex['currency_prefix']])}(?!\w)", regex.VERSION1
        ),
        currency_starts=_first_words_of([*lex["currency"], *lex["currency_prefix"]], str.lower),
        leads=tuple(_rule_lead(str(r.pattern)) for r, _ in rules),
        lead_words={"currency_prefix": _first_words_of(lex["currency_prefix"], str.casefold),
                    "number_words": _first_words_of(_word_values(), str.casefold)},
        plural_scales=frozenset(w.lower() for w in lex["scale_plurals_need_number"]),
        neutral=neutral,
        gate=gate,
        bare_line_end=compile_v1(
            rf"(?m)(?P<open>\(|[-:]\s)\s*(?P<f>{figure})(?:\s*(?P<m>{mult}))?\s*\)?\s*[.;,]?[ \t]*$", regex.IGNORECASE
        ),
        after={role: cue(f"role_{role}_after") for role in AFTER_LEXICONS},
        after_link=compile_v1(
            rf"[\s,:;(-]*(?:(?<!\w)(?:{lexicon_alternation(lex['after_links'])})(?!\w)[\s,:;(-]*)*", regex.IGNORECASE
        ),
        only_qualifier=compile_v1(rf"[\s:,-]*(?:(?:{approx_alt})\s*)?", regex.IGNORECASE),
    )


# --------------------------------------------------------------------------
# builders: a match to (value, currency, multiplier)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Built:
    """What a builder reads from a match: the exact value, its currency and the multiplier written."""

    value: Decimal
    currency: str
    multiplier: int | None = None


def _currency(surface: str) -> str | None:
    return _grammar().currency.get(" ".join(surface.lower().split()))


def _figure_value(fig: str, mult: str | None) -> tuple[Decimal, int | None] | None:
    factor = multiplier_value(mult) if mult else None
    value = parse_figure(fig, with_multiplier=factor is not None)
    if value is None:
        return None
    return (value * factor if factor else value), factor


def build_figure(m: Any) -> Built | None:
    """``1 573 417,65 лв.`` / ``20,6 млн. лв.``: the figure times the multiplier, in the currency written after.

    >>> build_figure(regex.search(r"(?P<figure>[\\d,]+) (?P<multiplier>млн\\.) (?P<currency>лв\\.)", "20,6 млн. лв."))
    Built(value=Decimal('20600000.0'), currency='BGN', multiplier=1000000)
    """
    cur = _currency(m.group("currency"))
    mult = m.groupdict().get("multiplier")
    fig = m.group("figure") if mult else _figure_part(m)
    got = _figure_value(fig, mult)
    if cur is None or got is None:
        return None
    return Built(got[0], cur, got[1])


def _figure_part(m: Any) -> str:
    """The figure of a ``<figure> <currency>`` match, with a split decimal tail (``2 197 777, 06``)
    and without the amount repeated in words (``1 500 000 (един милион ...)``)."""
    return m.string[m.start("figure") : m.start("currency")].split("(")[0].rstrip()


def build_prefixed(m: Any) -> Built | None:
    """``BGN 100 000`` / ``€ 50 000`` / ``EUR 2,5 млн.``: the currency written before the figure.

    >>> build_prefixed(regex.search(r"(?P<currency_prefix>BGN) (?P<figure>[\\d ]+)(?P<multiplier>)", "BGN 100 000"))
    Built(value=Decimal('100000'), currency='BGN', multiplier=None)
    """
    cur = _currency(m.group("currency_prefix"))
    if _is_year(m.group("figure")) and not m.group("multiplier"):
        return None  # "BGN 2019" names a report, not a sum
    got = _figure_value(m.group("figure"), m.group("multiplier") or None)
    if cur is None or got is None:
        return None
    return Built(got[0], cur, got[1])


def build_words(m: Any) -> Built | None:
    """``два милиона лева``: number words; a plural scale alone (``хиляди лева``) is no value.

    >>> build_words(regex.search(r"(?P<number_words>\\w+ \\w+) (?P<currency>\\w+)", "сто хиляди евро"))
    Built(value=Decimal('100000'), currency='EUR', multiplier=None)
    """
    words = m.group("number_words")
    if words.split()[0].lower() in _grammar().plural_scales:
        return None
    value = parse_number_words(words)
    cur = _currency(m.group("currency"))
    if value is None or cur is None:
        return None
    amount = Decimal(value)
    cents_text = m.groupdict().get("cents")
    if cents_text:
        # a restatement in words keeps the stotinki, so it equals the figure it spells out
        cents = int(cents_text) if cents_text.isdigit() else parse_number_words(cents_text)
        if cents is not None and 0 <= cents < 100:
            amount += Decimal(int(cents)) / 100
    return Built(amount, cur)


def build_composite(m: Any) -> Built | None:
    """``3 милиона и 200 хиляди лева``: a figure with a larger scale plus one with a smaller scale."""
    big = _figure_value(m.group("figure"), m.group("multiplier"))
    small = _figure_value(m.group("figure2"), m.group("multiplier2"))
    cur = _currency(m.group("currency"))
    if big is None or small is None or cur is None or small[0] >= big[0]:
        return None
    return Built(big[0] + small[0], cur)


def build_list(m: Any) -> Built | None:
    """List mates are built in :func:`_list_mates`; the rule exists for its examples."""
    return None


_BUILDERS: dict[str, Callable[[Any], Built | None]] = {
    "build_figure": build_figure,
    "build_prefixed": build_prefixed,
    "build_words": build_words,
    "build_composite": build_composite,
    "build_list": build_list,
}


# --------------------------------------------------------------------------
# candidates and units
# --------------------------------------------------------------------------

@dataclass
class _Hit:
    start: int
    end: int
    value: Decimal
    currency: str
    rule_id: str
    multiplier: int | None = None
    figure_start: int = -1  # where the figure itself starts (for the list chain)


@dataclass
class _Unit:
    """Amounts sharing role and qualifier: a list/range, and twins in another currency."""

    hits: list[_Hit]
    is_range: bool = False
    role: str = "other"
    role_cue: str = ""          # which lexicon decided ("" = default)
    cue_span: tuple[int, int] | None = None
    approx: str | None = None
    consumed: int = -1          # end of an after-cue this unit used

    @property
    def start(self) -> int:
        return self.hits[0].start

    @property
    def end(self) -> int:
        return self.hits[-1].end


def _first_words_of(entries: Any, fold: Callable[[str], str]) -> tuple[str, ...]:
    """Where every match of a lexicon begins (:func:`~pipeline.rules.first_words`, one-character
    entries such as ``€`` included)."""
    return first_words(entries, fold=fold, shortest=1) or ()


def _windows(text: str, low: str | None) -> list[tuple[int, int]]:
    """Merged intervals around each written currency: every amount lies in one of them.

    Running the rule patterns only there keeps the extractor cheap on long texts.
    The currency pattern is tried only where one of its entries' first words occurs.
    """
    out: list[tuple[int, int]] = []
    if low is None:
        return [(0, len(text))]
    g = _grammar()
    for m in _lower_scan(g.any_currency, low, g.currency_starts):
        lo, hi = max(0, m.start() - SCAN_BEFORE), min(len(text), m.end() + SCAN_AFTER)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _rule_lead(pattern: str) -> str | None:
    """What every match of a money rule starts with (``figure``, ``currency_prefix``,
    ``number_words``), read from the pattern as written after its look-behinds; None if unknown."""
    m = _LEAD_RE.match(pattern)
    if m is None:
        return None
    lead = m.group("lead")
    return "figure" if lead.startswith(("{figure}", "(?P<figure>")) else lead.strip("<>{}")


#: look-behinds (no nested groups), then the element every match begins with
_LEAD_RE = regex.compile(r"(?:\(\?<[!=][^()]*\))*(?P<lead>\{figure\}|\(\?P<figure>\\d|<<currency_prefix>>|\{number_words\})")
_DIGIT_RUN = regex.compile(r"\d+")


def _rule_matches(text: str, folded: str | None, pat: Any, lead: str | None, lo: int, hi: int,
                  digits: list[int]) -> Any:
    """The matches of ``pat.finditer(text, lo, hi)``, tried only where a match can start.

    A figure starts a run of digits; a currency code or a number word starts at
    one of its lexicon's first words, found in the case-folded text (when folding
    keeps offsets: ``folded`` is None otherwise, and the window is scanned).
    """
    if lead == "figure":
        return finditer_at(pat, text, digits, lo, hi)
    if lead is not None and folded is not None:
        return finditer_at(pat, text, word_starts(folded, _grammar().lead_words[lead], lo, hi), lo, hi)
    return pat.finditer(text, lo, hi)


def _scan(text: str, low: str | None) -> list[_Hit]:
    g = _grammar()
    hits: list[_Hit] = []
    windows = _windows(text, low)
    folded = casefolded(text)
    digits = [m.start() for lo, hi in windows for m in _DIGIT_RUN.finditer(text, lo, hi)]
    for (rule, pat), lead in zip(g.rules, g.leads, strict=True):
        build = _BUILDERS[rule.builder or ""]
        for lo, hi in windows:
            for m in _rule_matches(text, folded, pat, lead, lo, hi, digits):
                built = build(m)
                if built is None:
                    continue
                fs = m.start("figure") if "figure" in m.groupdict() and m.group("figure") else m.start()
                hits.append(_Hit(m.start(), m.end(), built.value, built.currency, rule.id, built.multiplier, fs))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def _is_year(fig: str) -> bool:
    return len(fig) == 4 and fig.isdigit() and fig[:2] in ("19", "20")


def _list_mates(text: str, hit: _Hit, floor: int) -> tuple[list[_Hit], bool]:
    """Bare figures of the list or range that ends in ``hit``, and whether it is a range."""
    if hit.rule_id == "money.words_currency" or hit.figure_start != hit.start:
        return [], False
    lo = max(floor, hit.start - BEFORE_WINDOW)
    m = _grammar().chain.search(text, lo, hit.start)
    if m is None:
        return [], False
    mates: list[_Hit] = []
    for fig, fs, fe, mult in zip(m.captures("f"), m.starts("f"), m.ends("f"), _aligned_mults(m), strict=True):
        if _is_year(fig):
            mates = []
            continue
        own = multiplier_value(mult) if mult else None
        factor = own
        if factor is None and hit.multiplier and (parse_figure(fig) or Decimal(1000)) < 1000:
            factor = hit.multiplier
        value = parse_figure(fig, with_multiplier=factor is not None)
        if value is None:
            mates = []
            continue
        value = value * factor if factor else value
        if value * 1000 < hit.value:
            mates = []  # "ос 2 - 500 000 лв.": a label number, not a list mate
            continue
        mates.append(_Hit(fs, fe, value, hit.currency, LIST_RULE, factor, fs))
    if not mates:
        return [], False
    is_range = _grammar().range_opener.search(text, max(lo, mates[0].start - 12), mates[0].start) is not None
    return mates, is_range


def _aligned_mults(m: Any) -> list[str | None]:
    """The multiplier written after each captured figure (None where there is none)."""
    mult_spans = list(zip(m.starts("m"), m.captures("m"), strict=True))
    out: list[str | None] = []
    ends = m.ends("f")
    starts = m.starts("f")
    for i, fe in enumerate(ends):
        nxt = starts[i + 1] if i + 1 < len(starts) else m.end()
        out.append(next((s for p, s in mult_spans if fe <= p < nxt), None))
    return out


def _line_list_mates(text: str, hits: list[_Hit]) -> list[_Hit]:
    """Bare figures closing a line of a list whose earlier lines close with an amount.

    ``Зелен регион (63,454,564 евро)`` followed by ``Ефикасен регион (12,690,913)``:
    the second line takes the currency (and multiplier) of the first.
    """
    g = _grammar()
    out: list[_Hit] = []
    taken = [(h.start, h.end) for h in hits]
    # the amount that closes each line, by line start
    closing: dict[int, tuple[str, _Hit]] = {}
    for h in hits:
        ls = text.rfind("\n", 0, h.start) + 1
        le = text.find("\n", h.end)
        le = len(text) if le < 0 else le
        if _LINE_CLOSE_RE.fullmatch(text[h.end : le]):
            before = text[ls : h.start].rstrip()
            opener = "(" if before.endswith("(") else "-" if before[-1:] in "-:" else ""
            if opener:
                closing[ls] = (opener, h)
    if not closing:
        return out
    for m in g.bare_line_end.finditer(text):
        fs, fe = m.span("f")
        if any(s <= fs < e for s, e in taken) or _is_year(m.group("f")):
            continue
        ls = text.rfind("\n", 0, fs) + 1
        opener = "(" if m.group("open") == "(" else "-"
        prev_ls = _previous_line_start(text, ls)
        if prev_ls is None or prev_ls not in closing or closing[prev_ls][0] != opener:
            continue
        model = closing[prev_ls][1]
        mult = m.group("m")
        factor = multiplier_value(mult) if mult else model.multiplier
        value = parse_figure(m.group("f"), with_multiplier=factor is not None)
        if value is None or (factor is None and value < 1000):
            continue  # "(120)" after a money line is more likely a count
        end = m.end("m") if mult else fe
        hit = _Hit(fs, end, value * factor if factor else value, model.currency, LINE_LIST_RULE, factor, fs)
        out.append(hit)
        closing[ls] = (opener, hit)
    return out


def _previous_line_start(text: str, ls: int) -> int | None:
    """Start of the nearest line before ``ls`` with more than blanks and bullets."""
    end = ls - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip(_BULLETS + " \t"):
            return start
        end = start - 1
    return None


def _units(text: str, hits: list[_Hit]) -> list[_Unit]:
    units: list[_Unit] = []
    floor = 0
    for h in hits:
        mates, is_range = _list_mates(text, h, floor)
        units.append(_Unit(mates + [h], is_range=is_range))
        floor = h.end
    return units


# --------------------------------------------------------------------------
# context: document mode, role, qualifier, programme
# --------------------------------------------------------------------------

#: compiled once: ``regex.match(str, ...)`` pays a pattern-cache lookup of ~8 us per call
_LINE_CLOSE_RE = regex.compile(r"\s*\)?\s*[.;,]?\s*")  # only a bracket or stop to the line end
_NUMBERED_RE = regex.compile(r"\s*\d{1,2}[.)]\s")  # a numbered list item


def _header_context(text: str, pos: int) -> tuple[int, int] | None:
    """For an amount on a bullet line, the interval of the list header line (ending in ':')."""
    ls = text.rfind("\n", 0, pos) + 1
    if text[ls:pos].lstrip()[:1] not in tuple(_BULLETS) and not _NUMBERED_RE.match(text[ls:pos]):
        return None
    end = ls - 1
    for _ in range(30):
        if end <= 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        stripped = line.strip()
        if not stripped or stripped[:1] in _BULLETS:
            end = start - 1
            continue
        return (start, end) if stripped.endswith(":") else None
    return None


class _Cues:
    """The role cues of one stretch ``text[lo:hi]``, found once per lexicon.

    An amount after another in its sentence reads the share cues first, then
    all cues when none decided: the share lexicons are not scanned twice.
    """

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self.text, self.lo, self.hi = text, lo, hi
        folded = casefolded(text)
        #: the stretch case-folded (None when folding moves offsets: every lexicon is then scanned)
        self.folded = folded[lo:hi] if folded is not None else None
        self._cues: dict[str, list[tuple[int, int]]] = {}
        self._adjacent: dict[str, list[tuple[int, int]]] = {}
        self._blocked: list[tuple[int, int]] | None = None

    def cues(self, role: str) -> list[tuple[int, int]]:
        """Spans of the role's cues, less those inside a neutral look-alike."""
        found = self._cues.get(role)
        if found is None:
            g = _grammar()
            if self._blocked is None:
                self._blocked = [m.span() for m in self._finditer(g.neutral)]
            blocked = self._blocked
            spans = [m.span() for m in self._finditer(g.cues[role])]
            found = self._cues[role] = (
                [(s, e) for s, e in spans if not any(bs < e and s < be for bs, be in blocked)] if blocked else spans
            )
        return found

    def _finditer(self, pattern: Any) -> Any:
        """``pattern.finditer`` over the stretch; not tried when none of its lexicon's first words
        occurs in the stretch case-folded (most clauses lack most cues, and the case-insensitive
        alternations scanned at every position were most of the cost of the context)."""
        if not _grammar().gate.may_match(pattern, self.folded):
            return ()
        return pattern.finditer(self.text, self.lo, self.hi)

    def adjacent(self, role: str) -> list[tuple[int, int]]:
        """Spans of the role's adjacent cues with nothing but a qualifier between them and ``hi``."""
        found = self._adjacent.get(role)
        if found is None:
            g = _grammar()
            found = self._adjacent[role] = [
                m.span() for m in self._finditer(g.adjacent[role])
                if g.only_qualifier.fullmatch(self.text, m.end(), self.hi)
            ]
        return found


def _nearest_cue(found: _Cues, roles: Sequence[str]) -> tuple[str, int, int] | None:
    g = _grammar()
    best: tuple[str, int, int] | None = None
    for role in roles:
        for start, end in found.cues(role):
            if best is None or end > best[2] or (end == best[2] and start < best[1]):
                best = (role, start, end)
        if role in g.adjacent:
            for start, end in found.adjacent(role):
                if best is None or end > best[2]:
                    best = (role, start, end)
    return best


def _decide_role(text: str, unit: _Unit, lo: int, hi: int, first: bool) -> None:
    """Set the unit's role from the cues in ``text[lo:hi]`` (the clause before it)."""
    found = _Cues(text, lo, hi)
    share = _nearest_cue(found, SHARE_ROLES) if not first else None
    roles = [r for r in ROLE_LEXICONS if not (first and r == "programme")]
    cue = share or _nearest_cue(found, roles)
    if cue is not None:
        unit.role = "grant" if cue[0] == "grant_weak" else cue[0]
        unit.role_cue, unit.cue_span = cue[0], (cue[1], cue[2])


#: between an amount and a label put after it: punctuation, or a copula (``X лв. са безвъзмездна помощ``)
_LABEL_LINK = regex.compile(r"[\s,:;(-]*(?:(?<!\w)(?:са|е|представляват|представлява)\s+)?", regex.V1)


def _after_cue(text: str, unit: _Unit, hi: int, generic: bool) -> None:
    """A cue right after the amount: ``X лв. по ОП РЧР``, ``X лв. собствен принос``.

    Share cues may follow a few link words (``X лв. са осигурени от ЕСФ``); with
    ``generic`` (nothing before the amount decided) a total or grant cue counts
    too, but only after punctuation, as in fact lines that put the label last
    (``391 166,34 лв. - обща стойност``, ``352 049,71 лв. (БФП)``).
    """
    g = _grammar()
    best: tuple[int, int, str] | None = None
    for role in SHARE_ROLES:
        for pat in (g.cues[role], g.after.get(role)):
            m = pat.search(text, unit.end, hi) if pat is not None else None
            if m is not None and g.after_link.fullmatch(text, unit.end, m.start()):
                if best is None or m.start() < best[0]:
                    best = (m.start(), m.end(), role)
    if best is None and generic:
        for role in ("total", "grant"):
            m = g.cues[role].search(text, unit.end, hi)
            if m is not None and _LABEL_LINK.fullmatch(text, unit.end, m.start()):
                if best is None or m.start() < best[0]:
                    best = (m.start(), m.end(), role)
    if best is not None:
        unit.role, unit.role_cue, unit.cue_span, unit.consumed = best[2], best[2], (best[0], best[1]), best[1]


#: how far a headline's rounded figure may be from the body's exact one (relative)
_ROUNDING = Decimal("0.05")


def _headline_roles(text: str, units: list[_Unit]) -> None:
    """A figure rounded in the headline takes the role of the exact one in the body.

    ``... с 1.2 млн. лв. от Програма X`` over ``Общата стойност е 1 214 560 лв.``:
    SCHEMA lists both with the same role; the headline's own cue is too terse to trust.
    """
    first_nl = text.find("\n")
    if first_nl < 0:
        return
    body = [u for u in units if u.start > first_nl and u.role_cue]
    for unit in units:
        if unit.start > first_nl or len(unit.hits) != 1:
            continue
        h = unit.hits[0]
        close = [(abs(b.hits[0].value - h.value) / h.value, b) for b in body
                 if b.hits[0].currency == h.currency and h.value > 0 and b.hits[0].value != h.value
                 and abs(b.hits[0].value - h.value) / h.value <= _ROUNDING]
        if close:
            unit.role = min(close, key=lambda c: c[0])[1].role


def _skip_punct(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t,:;(":
        pos += 1
    return pos


def _approx(text: str, unit: _Unit, lo: int, header: tuple[int, int] | None) -> str | None:
    if unit.is_range:
        return None
    g = _grammar()
    m = g.approx_end.search(text, max(lo, unit.start - 40), unit.start)
    if m is not None:
        kind = next(k for k in QUALIFIER_KINDS if m.group(k))
        return None if kind == "none" else kind
    if g.up_to_clause.search(text, lo, unit.start):
        return "up_to"
    if header is not None and g.up_to_clause.search(text, *header):
        return "up_to"
    return None


def _programme_id(doc: Document, cue: tuple[int, int] | None, programmes: Sequence[Mention]) -> str | None:
    if cue is None or not programmes:
        return None
    cs, ce = doc.to_original(*cue)

    def distance(m: Mention) -> int:
        assert m.start is not None and m.end is not None
        return max(0, m.start - ce, cs - m.end)

    best = min(programmes, key=distance)
    return str(best.value) if best.value is not None else None


def _several_projects(low: str) -> bool:
    """Whether ``doc_multi`` matches the lower-cased text (``два социални проекта``).

    Every match ends in one of its nouns after one or two words, each followed
    by whitespace: the pattern is tried only at those words before each noun,
    not at every position of the text (the costliest test of a document).
    """
    g = _grammar()
    for q in word_starts(low, g.multi_nouns):
        for start in _words_before(low, q):
            if g.doc_multi.match(low, start):
                return True
    return False


_SPACE_BACK = regex.compile(r"(?r)\s+", regex.VERSION1)
_WORD_BACK = regex.compile(r"(?r)\w+", regex.VERSION1)


def _words_before(text: str, pos: int, count: int = 2) -> list[int]:
    """Starts of the runs of word characters before ``pos``, nearest first, each followed by whitespace."""
    out: list[int] = []
    end = pos
    for _ in range(count):
        space = _SPACE_BACK.match(text, 0, end)
        word = _WORD_BACK.match(text, 0, space.start()) if space is not None else None
        if word is None:
            break
        out.append(word.start())
        end = word.start()
    return out


def _sentence_bounds(doc: Document, pos: int) -> tuple[int, int]:
    return doc.sentence_of(pos) if doc.sentences else (0, len(doc.text))


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """Every money amount of the document, with role, qualifier and programme.

    >>> from pipeline.document import Document
    >>> d = Document.from_text("Общата стойност на проекта е 1 035 612 лева.")
    >>> [(m.text, m.value.value, m.value.role) for m in extract(d, [])]
    [('1 035 612 лева', Decimal('1035612'), 'total')]
    """
    text = doc.text
    lowered = _lowered(text)
    hits = _scan(text, lowered)
    if not hits:
        return []
    g = _grammar()
    hits = sorted(hits + _line_list_mates(text, hits), key=lambda h: h.start)
    units = _units(text, hits)
    low = lowered or text.lower()
    several = next(iter(_lower_scan(g.doc_call, low, g.call_starts)), None) is not None or _several_projects(low)
    programmes = [m for m in found if m.field == "programmes" and m.start is not None and m.end is not None]

    prev: _Unit | None = None
    prev_sentence: tuple[int, int] | None = None
    for unit in units:
        sentence = _sentence_bounds(doc, unit.start)
        same = prev is not None and prev_sentence == sentence
        lo = max(sentence[0], unit.start - BEFORE_WINDOW)
        if same and prev is not None:
            lo = max(lo, prev.end, prev.consumed)
            if prev.hits[-1].currency != unit.hits[0].currency and g.pair_link.match(text[prev.end : unit.start]):
                unit.role, unit.role_cue, unit.cue_span, unit.approx = prev.role, prev.role_cue, prev.cue_span, prev.approx
                prev, prev_sentence = unit, sentence
                continue
        header = _header_context(text, unit.start)
        nxt = min(sentence[1], unit.end + AFTER_WINDOW + 40)
        if header is not None:
            # a bullet line reads its own cues (before, then after the amount) before the header's
            line_end = text.find("\n", unit.end)
            nxt = nxt if line_end < 0 else min(nxt, line_end)
            lo = max(lo, header[1] + 1, text.rfind("\n", 0, unit.start) + 1)
        _decide_role(text, unit, lo, unit.start, first=not same)
        if not unit.role_cue and header is not None:
            _after_cue(text, unit, nxt, generic=True)
        if not unit.role_cue and header is not None:
            _decide_role(text, unit, *header, first=True)
        if not unit.role_cue or g.share_opener.search(text, lo, unit.start) and unit.role in ("total", "grant"):
            _after_cue(text, unit, nxt, generic=not unit.role_cue)
        elif same and prev is not None and prev.consumed > prev.end and unit.role in SHARE_ROLES:
            # `A лв. европейско финансиране от ЕСФ и B лв. национално съфинансиране`: when the
            # previous share was labelled after it, so is this one; the cue before belongs to A
            _after_cue(text, unit, nxt, generic=False)
        if unit.role_cue == "grant_weak" and g.share_opener.match(text, _skip_punct(text, unit.end)):
            unit.role = "total"  # "финансиране в размер X лв., от които Y лв. по ..." is the whole
        if same and prev is not None and prev.role_cue == "other" and unit.role in SHARE_ROLES:
            unit.role, unit.role_cue = "other", "other"
        if (
            same and prev is not None and g.range_closer.fullmatch(text, prev.end, unit.start)
            and g.range_opener.search(text, max(0, prev.start - 12), prev.start)
        ):
            unit.is_range = prev.is_range = True  # от 5 000 лв. до 10 000 лв.: no "up to"
        unit.approx = _approx(text, unit, lo, header)
        prev, prev_sentence = unit, sentence

    _headline_roles(text, units)
    out: list[Mention] = []
    for unit in units:
        role = "other" if several else unit.role
        programme = _programme_id(doc, unit.cue_span, programmes) if role == "programme" else None
        for h in unit.hits:
            amount = Amount(value=h.value, currency=h.currency, role=role, programme=programme, approx=unit.approx)
            out.append(doc.mention("amounts", amount, h.start, h.end, h.rule_id, label=role))
    return out
