"""Extractor: dates (``dates`` list, ``start_date`` / ``end_date`` scalars).

Three steps, all driven by ``rules/dates.yaml``:

1. *Atoms.*  Every pattern rule finds date atoms (one date, or a list of days
   sharing a month); its builder turns the match into ISO values at the
   precision the text gives.  Overlapping atoms keep the longest.  Atoms inside
   money or code mentions found earlier are dropped, except the date part of a
   contract number (``№ РД50-83/13.06.2012``), which is a contract date.
2. *The page's date line.*  An atom alone on its line, or with only clock
   times, weekdays and words like ``Източник`` / ``прочитания`` beside it, is
   the page's own date (role ``other``); the first one near the top is the
   publication date, stored in ``doc.meta["pub_date"]`` and used to resolve
   relative dates (``днес``, ``миналата година``), which are left out when there
   is none.
3. *Ranges and roles.*  Two atoms joined by ``-`` or ``до`` form a range; a range
   about the project's period gives start and end.  A single atom's role comes
   from the cue nearest to it (``стартира``, ``приключва``, ``до``, ``се
   проведе`` ...): start and end only when the project's implementation is
   spoken of nearby, otherwise an event (something began or happened) or
   ``other`` (a deadline, a fact about something else).

``start_date`` / ``end_date`` mentions are emitted best candidate first: a
period phrase or card label before a cue in running text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import regex

from ..document import Document
from ..normalisers.dates import expand_year, iso_date, month_number, resolve_relative
from ..rules import (
    CueGate,
    Rule,
    RuleSet,
    casefolded,
    compile_v1,
    finditer_at,
    first_words,
    held_lexicons,
    lexicon_alternation,
    load_ruleset,
    word_starts,
)
from ..schema import DateValue, Mention
from .codes import is_several

__all__ = ["extract", "Atom"]

#: compiled once: ``regex.search(str, ...)`` pays a pattern-cache lookup of ~8 us per call
_LOWER_WORD = regex.compile(r"(?<!\p{L})\p{Ll}{3,}")
_SENTENCE_AFTER = regex.compile(r"\s+[\p{Lu}\"]")

#: Mentions of these fields own their characters: a date inside them is not a date.
_BLOCKING_FIELDS = ("amounts", "project_code", "procedure_code")
#: How far (characters) a cue may stand from the date it qualifies.
_NEAR, _ADJACENT, _RIGHT, _SENTENCE_BACK, _SENTENCE_FWD = 90, 8, 40, 160, 100
#: Around each number, how far a date holding it may reach (characters).
_WINDOW_BACK, _WINDOW_FWD = 70, 30
#: How far back (characters) a call's reception makes bare card labels no project period.
_CALL_BACK = 200
#: A date line holds at most this many characters besides its dates.
_META_LINE_MAX = 90
#: The publication date line must be this close to the top.
_PUB_ZONE = 600
_HEADER_LINES = 4  # lines of a page before its body: headline, rubric, date line


@dataclass(frozen=True)
class Atom:
    """One date found by a pattern rule; ``[start, end)`` in normalised text.

    ``values`` holds one ISO string per date (two for ``9-ти и 10-ти май``);
    ``relative`` holds the expression still to resolve against the date line;
    ``open_day`` holds (month, day) of a yearless first date of a range.
    """

    start: int
    end: int
    values: tuple[str, ...]
    rule_id: str
    contract: bool = False
    header: bool = False
    relative: str | None = None
    open_day: tuple[int, int | None] | None = None  # (month, day) of a yearless range opener
    rel_day: tuple[int, int | None] | None = None


@dataclass
class _Item:
    """An atom with its resolved role, ready to become mentions."""

    atom: Atom
    values: tuple[str, ...]
    role: str = "other"
    scalar_rank: int | None = None  # lower is better; None: not a period candidate
    meta_line: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


# -- builders: match -> atoms ---------------------------------------------------


def build_numeric(rule: Rule, m: Any) -> list[Atom]:
    """``10.01.2022``, ``10/01/2022``, ``2022-01-10``, ``21.11.08 г.``."""
    year = expand_year(m.group("y"))
    value = iso_date(year, int(m.group("m")), int(m.group("d")))
    if value is None:
        return []
    start = min(m.start("d"), m.start("y"))  # `date 2025-09-24`: the date alone
    return [Atom(start, m.end(), (value,), rule.id, contract=bool(rule.options.get("contract")),
                 header=bool(rule.options.get("header")))]


def build_roman_month(rule: Rule, m: Any) -> list[Atom]:
    """``15.IV.2024 г.``: the month in Roman numerals, as official letters still write it."""
    month = _cues().roman.get(m.group("mon").upper())
    year = expand_year(m.group("y"))
    value = iso_date(year, month, int(m.group("d"))) if month else None
    if value is None:
        return []
    return [Atom(m.start(), m.end(), (value,), rule.id)]


def build_month_name(rule: Rule, m: Any) -> list[Atom]:
    """``10 януари 2022 г.``, ``юни 2023``, ``05 Jun, 2024``."""
    month = month_number(m.group("mon"))
    year = expand_year(m.group("y"))
    day = m.groupdict().get("d")
    value = iso_date(year, month, int(day) if day else None)
    if value is None:
        return []
    return [Atom(m.start(), m.end(), (value,), rule.id)]


def build_day_word(rule: Rule, m: Any) -> list[Atom]:
    """``на двадесети март 2024 г.``: the day as an ordinal word (``day_ordinals`` lexicon)."""
    day = _cues().day_words.get(" ".join(m.group("dw").casefold().split()))
    value = iso_date(expand_year(m.group("y")), month_number(m.group("mon")), day) if day else None
    if value is None:
        return []
    return [Atom(m.start(), m.end(), (value,), rule.id)]


def build_day_list(rule: Rule, m: Any) -> list[Atom]:
    """``9-ти и 10-ти май 2019 г.``, ``01-05.06.2023``: one value per day."""
    month = month_number(m.group("mon")) if m.group("mon") else int(m.group("m"))
    year = expand_year(m.group("y"))
    first, second = int(m.group("d")), int(m.group("d2"))
    if second <= first:
        return []
    values = tuple(v for v in (iso_date(year, month, first), iso_date(year, month, second)) if v)
    if len(values) != 2:
        return []
    return [Atom(m.start(), m.end(), values, rule.id)]


def build_year(rule: Rule, m: Any) -> list[Atom]:
    """``през 2021``, ``2021 г.``: a bare year needs its cue or its ``г.``."""
    if not m.group("g") and not _cues().year_cue.search(m.string, max(0, m.start() - 30), m.start()):
        return []
    value = iso_date(expand_year(m.group("y")))
    if value is None:
        return []
    return [Atom(m.start("y"), m.end(), (value,), rule.id)]


def build_year_range(rule: Rule, m: Any) -> list[Atom]:
    """``от 2019 до 2021 г.``: two year atoms, joined into a range later."""
    first, second = iso_date(expand_year(m.group("y"))), iso_date(expand_year(m.group("y2")))
    if first is None or second is None or second <= first:
        return []
    return [Atom(m.start("y"), m.end("g") if m.group("g") else m.end("y"), (first,), rule.id),
            Atom(m.start("y2"), m.end(), (second,), rule.id)]


def build_year_period(rule: Rule, m: Any) -> list[Atom]:
    """``в периода 2019 - 2021 г.``: the project's years, unless a programming period or no period cue."""
    cues = _cues()
    if f"{m.group('y')}-{m.group('y2')}" in cues.programme_periods:
        return []
    if not cues.year_period_cue.search(m.string, max(0, m.start() - 40), m.start()):
        return []
    first, second = iso_date(expand_year(m.group("y"))), iso_date(expand_year(m.group("y2")))
    if first is None or second is None or second <= first:
        return []
    return [Atom(m.start("y"), m.end("y"), (first,), rule.id), Atom(m.start("y2"), m.end(), (second,), rule.id)]


def build_relative(rule: Rule, m: Any) -> list[Atom]:
    """``днес``, ``миналата година``: resolved later against the date line."""
    return [Atom(m.start(), m.end(), (), rule.id, relative=m.group("rel"))]


def build_relative_day(rule: Rule, m: Any) -> list[Atom]:
    """``26 април т.г.``, ``юли т.г.``: a day or month of the date line's year."""
    month = month_number(m.group("mon"))
    if month is None:
        return []
    day = int(m.group("d")) if m.group("d") else None
    return [Atom(m.start(), m.end(), (), rule.id, relative=m.group("rel"), rel_day=(month, day))]


def build_open_day(rule: Rule, m: Any) -> list[Atom]:
    """``1 март`` in ``от 1 март до 30 юни 2023 г.``: takes the year of the range's end."""
    month = month_number(m.group("mon"))
    if month is None:
        return []
    return [Atom(m.start(), m.end(), (), rule.id, open_day=(month, int(m.group("d"))))]


def build_open_numeric(rule: Rule, m: Any) -> list[Atom]:
    """``01.01`` in ``от 01.01 до 31.12.2024 г.``: takes the year of the range's end."""
    month, day = int(m.group("m")), int(m.group("d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return []
    return [Atom(m.start(), m.end(), (), rule.id, open_day=(month, day))]


def build_open_month(rule: Rule, m: Any) -> list[Atom]:
    """``март`` in ``от м. март до м. юни 2024 г.``: takes the year of the range's end."""
    month = month_number(m.group("mon"))
    if month is None:
        return []
    return [Atom(m.start(), m.end(), (), rule.id, open_day=(month, None))]


_BUILDERS: dict[str, Callable[[Rule, Any], list[Atom]]] = {
    "build_numeric": build_numeric,
    "build_month_name": build_month_name,
    "build_roman_month": build_roman_month,
    "build_day_word": build_day_word,
    "build_day_list": build_day_list,
    "build_year": build_year,
    "build_year_range": build_year_range,
    "build_year_period": build_year_period,
    "build_relative": build_relative,
    "build_relative_day": build_relative_day,
    "build_open_day": build_open_day,
    "build_open_month": build_open_month,
    "build_open_numeric": build_open_numeric,
}


# -- compiled lexicons -------------------------------------------------------------


@dataclass(frozen=True)
class _Cues:
    rules: RuleSet
    start: Any
    end: Any
    done: Any
    event: Any
    several: Any
    project: Any
    start_label: Any
    end_label: Any
    event_label: Any
    start_label_bare: Any
    end_label_bare: Any
    call: Any
    deadline_label: Any
    deadline: Any
    period: Any
    extension: Any
    contract: Any
    prep: Any
    meta_words: Any
    meta_strip: Any
    boundary: Any
    clause_break: Any
    roman: dict[str, int]
    day_words: dict[str, int]
    since: Any
    connector: Any
    year_cue: Any
    relative_keys: tuple[str, ...]
    programme_periods: frozenset[str]
    year_period_cue: Any
    held: dict[str, tuple[tuple[str, ...], ...]]  # rule id -> words of lexicons every match holds
    #: (order, rule, builder, anchor) of the pattern rules with a builder, in file order
    plan: tuple[tuple[int, Rule, Callable[[Rule, Any], list[Atom]], str | None], ...]
    #: the label and context cues with their lexicons' first words: a context without any of a
    #: cue's words is not searched for it (:meth:`_Scan.may_hold`)
    gate: CueGate = field(default_factory=lambda: CueGate({}))


def _words(lex: dict[str, Any], *names: str) -> str:
    entries: list[str] = []
    for n in names:
        e = lex[n]
        entries.extend(list(e) if isinstance(e, dict) else [str(x) for x in e])
    return r"(?<!\w)" + lexicon_alternation(entries) + r"(?!\w)"


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    rs = load_ruleset("dates")
    rs.check_builders(_BUILDERS)
    lx = rs.lexicons
    def c(p: str) -> Any:
        return compile_v1(p, regex.IGNORECASE)

    # a label's tail: "Дата на приключване на проекта:", "Начало -", "Срокът за изпълнение на проекта е"
    label_tail = r"(?:[^\d\n:.]{0,40}(?::|\s(?:е|са)(?:\s+до)?)|\s*-)?\s*$"
    cues = _Cues(
        rules=rs,
        start=c(_words(lx, "start_cues")),
        end=c(_words(lx, "end_cues")),
        done=c(_words(lx, "done_cues")),
        several=c(_words(lx, "several_projects")),
        event=c(_words(lx, "event_cues")),
        project=c(_words(lx, "project_context")),
        start_label=c(_words(lx, "start_labels") + label_tail),
        end_label=c(_words(lx, "end_labels") + label_tail),
        event_label=c(_words(lx, "event_labels") + label_tail),
        start_label_bare=c(_words(lx, "start_labels_bare") + label_tail),
        end_label_bare=c(_words(lx, "end_labels_bare") + label_tail),
        call=c(_words(lx, "call_context")),
        deadline_label=c(_words(lx, "deadline_labels") + label_tail),
        deadline=c(_words(lx, "deadline_cues")),
        period=c(_words(lx, "period_cues") + r"\s*(?::|\s(?:е|ще\s+бъде))?\s*(?:от\s+)?$"),
        extension=c(_words(lx, "extension_cues") + r"(?:\s+\S+){0,3}?\s+от\s*$"),
        contract=c(r"(?:№\s*[\w./-]+\s*(?:от\s*|/\s*)?|" + _words(lx, "contract_nouns") + r"\s+от\s*)$"),
        prep=c(r"(?<!\w)(?P<p>считано\s+от|до\s+края\s+на|в\s+края\s+на|края\s+на|в\s+началото\s+на|"
               r"началото\s+на|от|до|на|през|в)\s*(?:(?:м\.|месец)\s*)?$"),
        meta_words=c(_words(lx, "meta_words", "weekdays") + r"|\d{1,2}[:.]\d{2}\s*(?:ч\.|часа|ч(?!\w))|\d{1,2}:\d{2}"),
        meta_strip=c(_words(lx, "meta_fillers") + r"|[\d\W_]+"),
        boundary=regex.compile(r"[.!?;]\s+(?=[\p{Lu}\"])|\n", regex.VERSION1),
        clause_break=c(r",\s*" + _words(lx, "clause_openers")),
        roman={str(k).upper(): int(v) for k, v in lx["roman_months"].items()},
        day_words={str(k).casefold(): int(v) for k, v in lx["day_ordinals"].items()},
        since=c(r"^\s*" + _words(lx, "since_after")),
        connector=c(r"^\s*(?:-|до)\s*(?:(?:м\.|месец)\s*)?$"),
        year_cue=c(_words(lx, "year_cues") + r"\s+$"),
        programme_periods=frozenset(str(p) for p in lx["programme_periods"]),
        year_period_cue=c(_words(lx, "year_period_cues") + r"\s*:?\s*$"),
        held={r.id: _held_words(str(r.pattern), lx) for r in rs.pattern_rules()},
        plan=tuple((order, r, _BUILDERS[r.builder], r.options.get("anchor"))
                   for order, r in enumerate(rs.pattern_rules()) if r.builder in _BUILDERS),
        relative_keys=tuple(sorted({str(k).casefold().split()[0] for k in lx["relative"]})),
    )
    gated = {"start": "start_cues", "end": "end_cues", "done": "done_cues", "event": "event_cues",
             "project": "project_context", "start_label": "start_labels", "end_label": "end_labels",
             "event_label": "event_labels", "start_label_bare": "start_labels_bare",
             "end_label_bare": "end_labels_bare", "call": "call_context", "deadline_label": "deadline_labels",
             "deadline": "deadline_cues"}
    return replace(cues, gate=CueGate({getattr(cues, attr): lx[name] for attr, name in gated.items()}))


# -- the extractor ------------------------------------------------------------------------


def _merge(points: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s0, e0 in sorted(points):
        s, e = max(0, s0 - _WINDOW_BACK), min(size, e0 + _WINDOW_FWD)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class _Scan:
    """Where in one text the date rules can start, found once for all rules and windows.

    A rule tried at every position of every window was most of the extractor's
    cost: the digit runs give the windows, and the occurrences of a lexicon's
    first words, found once per text, where a rule can start or whether a
    window can hold a match at all (:func:`_rule_matches`).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        #: None when case folding moves offsets: rules are then scanned the usual way
        self.folded = casefolded(text)
        self.runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
        self._words: dict[tuple[str, ...], list[int]] = {}

    def may_hold(self, pattern: Any, lo: int, hi: int, cues: _Cues) -> bool:
        """False when a cue ``pattern`` (one of ``cues.gate``) cannot match in ``text[lo:hi]``, nor in
        that stretch cut out: none of its lexicon's first words starts there."""
        return cues.gate.may_match(pattern, self.folded, lo, hi)

    def search(self, pattern: Any, stretch: str, lo: int, cues: _Cues) -> Any:
        """``pattern.search(stretch)`` for the stretch ``text[lo:lo + len(stretch)]``, None without
        trying where :meth:`may_hold` says it cannot match."""
        return pattern.search(stretch) if self.may_hold(pattern, lo, lo + len(stretch), cues) else None

    def word_starts(self, words: tuple[str, ...]) -> list[int]:
        """Sorted offsets of every occurrence of ``words`` in the folded text (rules share month words)."""
        found = self._words.get(words)
        if found is None:
            assert self.folded is not None
            found = self._words[words] = word_starts(self.folded, words)
        return found


_DIGIT_RUN = regex.compile(r"\d+", regex.VERSION1)
#: the first two digits of a four-digit year anchor
_CENTURIES = ("19", "20")


def _windows(scan: _Scan, cues: _Cues) -> dict[str, list[tuple[int, int]]]:
    """Stretches of text where a rule can match, by the rule's ``anchor`` option.

    ``year``: around every two- or four-digit number; ``year4``: around every
    19xx/20xx; ``relative``: around the words of the ``relative`` lexicon.  A
    rule runs only inside its stretches, which keeps the case-insensitive
    month alternations off the bulk of the text.  The anchors are whole digit
    runs (two digits, or four beginning 19 or 20), picked from the runs
    already found rather than scanned for again.
    """
    text = scan.text
    low = scan.folded if scan.folded is not None else text.casefold()
    rel: list[tuple[int, int]] = []
    for key in cues.relative_keys:
        i = low.find(key)
        while i >= 0:
            rel.append((i, i + len(key)))
            i = low.find(key, i + 1)
    year4 = [(s, e) for s, e in scan.runs if e - s == 4 and text.startswith(_CENTURIES, s)]
    year = [(s, e) for s, e in scan.runs if e - s == 2 or (e - s == 4 and text.startswith(_CENTURIES, s))]
    return {
        "year": _merge(year, len(text)),
        "year4": _merge(year4, len(text)),
        "relative": _merge(rel, len(text)),
    }


def _rule_matches(rule: Rule, scan: _Scan, ws: int, we: int, cues: _Cues) -> Any:
    """``rule.finditer(text, ws, we)``, tried only where a match can start and only in a
    window that holds a word every match holds (see :func:`_held_words`)."""
    text = scan.text
    if scan.folded is None:
        return rule.finditer(text, ws, we)
    for words in cues.held.get(rule.id, ()):
        starts = scan.word_starts(words)
        i = bisect_left(starts, ws)
        if i == len(starts) or starts[i] >= we:
            return ()
    if rule.starts is not None and rule.lead_chars is None and rule.lead_run is None and rule.applies_to(text):
        return finditer_at(rule.compiled, text, scan.word_starts(rule.starts), ws, we)
    return rule.finditer(text, ws, we)


def _held_words(pattern: str, lexicons: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The first words (case-folded) of each lexicon an entry of which every match of ``pattern``
    holds (:func:`~pipeline.rules.held_lexicons`): the month rules skip the many numbers that
    are no dates."""
    out: list[tuple[str, ...]] = []
    for name in held_lexicons(pattern):
        words = first_words(lexicons[name]) if name in lexicons else None
        if words is not None and words not in out:
            out.append(words)
    return tuple(out)


def _atoms(scan: _Scan, cues: _Cues) -> list[Atom]:
    found: list[tuple[int, int, int, Atom]] = []
    text = scan.text
    windows = _windows(scan, cues)
    whole = [(0, len(text))]
    # the windows of one anchor are disjoint: a match is found once
    for order, rule, builder, anchor in cues.plan:
        for ws, we in windows[anchor] if anchor else whole:
            for m in _rule_matches(rule, scan, ws, we, cues):
                for a in builder(rule, m):
                    found.append((a.start, -(a.end - a.start), order, a))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    out: list[Atom] = []
    last_end = -1
    for start, _, _, a in found:
        if start >= last_end:
            out.append(a)
            last_end = a.end
    return out


def _blocked(doc: Document, atoms: list[Atom], found: Sequence[Mention]) -> list[Atom]:
    spans = sorted((m.start, m.end) for m in found if m.field in _BLOCKING_FIELDS and m.start is not None
                   and m.end is not None)
    if not spans:
        return atoms
    keep = []
    for a in atoms:
        s, e = doc.to_original(a.start, a.end)
        clash = any(ms < e and s < me for ms, me in spans)
        if not clash or a.contract:
            keep.append(a)
    return keep


def _line(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _is_meta_line(text: str, atom: Atom, atoms_on_line: list[Atom], cues: _Cues) -> bool:
    """The page's own date line: nothing but dates, times, weekdays and page furniture.

    The line may also run on after a sentence (``... Showcase. Последна
    актуализация: 14:05 | 03.10.23 г``): then the part after the sentence is judged.
    """
    if atom.header:
        return True
    ls, le = _line(text, atom.start)
    starts = [ls]
    for m in cues.boundary.finditer(text, ls, atom.start):
        starts.append(m.end())
    for seg_start in dict.fromkeys((ls, starts[-1])):
        on_seg = [a for a in atoms_on_line if a.start >= seg_start]
        if le - seg_start - sum(a.end - a.start for a in on_seg) > _META_LINE_MAX:
            continue
        parts, pos = [], seg_start
        for a in on_seg:
            parts.append(text[pos:a.start])
            pos = a.end
        parts.append(text[pos:le])
        # a header line (`Бизнес | 15.07.2024 | Велинград`, `Попово, 08.12.2023 г.`): a few
        # words of rubric or place beside the date, in the first lines of the page
        header = seg_start == ls and text.count("\n", 0, ls) < _HEADER_LINES
        if _meta_residual(" ".join(parts), cues, header=header):
            return True
    return False


def _meta_residual(rest: str, cues: _Cues, *, header: bool = False) -> bool:
    """Nothing but page furniture left beside the dates (letters counted, not spaces)."""
    evidence = bool(cues.meta_words.search(rest)) or "|" in rest
    stripped = cues.meta_words.sub(" ", rest)
    residual = cues.meta_strip.sub("", stripped)
    if (header and len(stripped.split()) <= 3 and ":" not in stripped
            and not _LOWER_WORD.search(stripped)):
        evidence = True  # capitalised words only, no label: a rubric or a place, not a sentence
    # a line of `|`-separated fields may carry a rubric and a place or two beside the date
    limit = 40 if "|" in rest else 20
    return residual == "" or (evidence and len(residual) <= limit)


def _window_left(text: str, start: int, floor: int, cues: _Cues, reach: int = _NEAR) -> str:
    left = text[max(floor, start - reach):start]
    cut = None
    for m in cues.boundary.finditer(left):
        cut = m.end()
    return left if cut is None else left[cut:]


def _window_right(text: str, end: int, ceil: int, cues: _Cues, reach: int = _NEAR) -> str:
    right = text[end:min(ceil, end + reach)]
    if text[end - 1:end] == "." and _SENTENCE_AFTER.match(right):
        return ""  # the date's own `г.` ended the sentence
    m = cues.boundary.search(right)
    right = right if m is None else right[:m.start()]
    # `..., а дейностите ще продължат до`: a cue in the next clause is about another date
    m = cues.clause_break.search(right)
    return right if m is None else right[:m.start()]


def _sentence(text: str, start: int, end: int, cues: _Cues) -> str:
    return _window_left(text, start, 0, cues, _SENTENCE_BACK) + " " + _window_right(
        text, end, len(text), cues, _SENTENCE_FWD)


def _nearest_cue(left: str, right: str, cues: _Cues, scan: _Scan, start: int, end: int) -> str | None:
    """The kind of the cue closest to the date: adjacent on the left, else right, else left.

    ``left`` ends at ``start`` and ``right`` starts at ``end`` in the text."""
    best_left: tuple[int, str] | None = None
    best_right: tuple[int, str] | None = None
    for kind, pat in (("start", cues.start), ("end", cues.end), ("done", cues.done), ("event", cues.event)):
        if scan.may_hold(pat, start - len(left), start, cues):
            for m in pat.finditer(left):
                d = len(left) - m.end()
                if best_left is None or d < best_left[0]:
                    best_left = (d, kind)
        m2 = scan.search(pat, right, end, cues)
        if m2 is not None and (best_right is None or m2.start() < best_right[0]):
            best_right = (m2.start(), kind)
    if best_left is not None and best_left[0] <= _ADJACENT:
        return best_left[1]
    if best_right is not None and best_right[0] <= _RIGHT:
        return best_right[1]
    if best_left is not None:
        return best_left[1]
    return None


def _role(text: str, start: int, end: int, prev_end: int, next_start: int, cues: _Cues,
          scan: _Scan) -> tuple[str, int | None]:
    """Role of a date at ``[start, end)`` and its rank as a period candidate (None: not one)."""
    left = _window_left(text, start, max(prev_end, 0), cues)
    right = _window_right(text, end, next_start, cues)
    lo = start - len(left)

    def in_left(pat: Any) -> Any:
        return scan.search(pat, left, lo, cues)

    if cues.contract.search(left) or cues.since.match(right):
        return "event", None  # a contract's date; `от 2003 г. насам` tells how long, not when the project starts
    if in_left(cues.start_label):
        return "start", 1
    end_label = in_left(cues.end_label)
    deadline = in_left(cues.deadline_label) or in_left(cues.deadline)
    if end_label and not (deadline and deadline.start() > end_label.start()):
        return "end", 1  # "Крайният срок за изпълнение е ..." but not "Край на срока за подаване: ..."
    if in_left(cues.event_label):
        return "event", None
    call_lo = max(0, start - _CALL_BACK)
    if not deadline and not (scan.may_hold(cues.call, call_lo, start, cues) and cues.call.search(text, call_lo, start)):
        if in_left(cues.start_label_bare):
            return "start", 1
        if in_left(cues.end_label_bare):
            return "end", 1
    if deadline:
        return "other", None
    pm = cues.prep.search(left)
    prep = " ".join(pm.group("p").casefold().split()) if pm else None
    cue = _nearest_cue(left, right, cues, scan, start, end)
    near = right[:_RIGHT]
    near_project = bool(in_left(cues.project) or scan.search(cues.project, near, end, cues))
    sentence = _LazySentence(text, start, end, cues)
    if prep in ("до", "до края на"):
        if near_project or (cue in ("end", "done") and sentence.in_project(near_project)):
            return "end", sentence.rank()
        return "other", None
    if cue in ("start", "end"):
        return (cue, sentence.rank()) if sentence.in_project(near_project) else ("event", None)
    if cue == "done":
        if near_project or (prev_end > 0 and _PAIR_GAP.fullmatch(text, prev_end, start)
                            and cues.start.search(sentence.string()) and sentence.in_project(False)):
            # `Дейностите стартираха на 22.04.2024 г. и приключиха на 29.11.2024 г.`: the pair's end
            return "end", sentence.rank()
        return "event", None
    if cue == "event":
        return "event", None
    if prep in ("от", "считано от") and near_project:
        return "start", sentence.rank()
    # a date in running text with no limit or deadline on it: when something happened
    return "event", None


#: between the two dates of a start-end pair: `22.04.2024 г. и приключиха на 29.11.2024 г.`
_PAIR_GAP = regex.compile(r"\s*(?:г\.|година)?\s*,?\s*(?:и|а)\s+\p{L}+\s+(?:на|през|в)\s*", regex.V1)


class _LazySentence:
    """The sentence around a date, cut and searched only when a role needs it: most dates
    get theirs from a label or a cue nearby (or none), and never read the sentence."""

    def __init__(self, text: str, start: int, end: int, cues: _Cues) -> None:
        self.text, self.start, self.end, self.cues = text, start, end, cues
        self._sentence: str | None = None

    def string(self) -> str:
        """The sentence, cut at the first look."""
        if self._sentence is None:
            self._sentence = _sentence(self.text, self.start, self.end, self.cues)
        return self._sentence

    def in_project(self, near_project: bool) -> bool:
        """The project is spoken of near the date or in its sentence."""
        return near_project or bool(self.cues.project.search(self.string()))

    def rank(self) -> int | None:
        """A period candidate's rank: none when the sentence speaks of several projects."""
        return None if self.cues.several.search(self.string()) else 2


def _pub_date(doc: Document, items: list[_Item]) -> str | None:
    given = doc.meta.get("pub_date")
    if isinstance(given, str) and given:
        return given
    for it in items:
        if it.meta_line and it.atom.start < _PUB_ZONE and it.values and len(it.values[0]) == 10:
            return it.values[0]
    return None


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """Date mentions, then start/end mentions best first; sets ``doc.meta["pub_date"]``.

    >>> d = Document.from_text("Проектът стартира на 10.01.2022 и приключва на 30.11.2023 г.")
    >>> [(m.field, m.value if isinstance(m.value, str) else m.value.role) for m in extract(d, [])]
    [('dates', 'start'), ('dates', 'end'), ('start_date', '2022-01-10'), ('end_date', '2023-11-30')]
    """
    cues = _cues()
    text = doc.text
    scan = _Scan(text)
    atoms = _blocked(doc, _atoms(scan, cues), found)
    by_line: dict[int, list[Atom]] = {}
    for a in atoms:
        by_line.setdefault(_line(text, a.start)[0], []).append(a)

    items = [_Item(a, a.values) for a in atoms]
    for it in items:
        it.meta_line = _is_meta_line(text, it.atom, by_line[_line(text, it.atom.start)[0]], cues)
    pub = _pub_date(doc, items)
    if pub:
        doc.meta["pub_date"] = pub

    # resolve relative atoms and yearless range openers; drop what cannot be resolved
    resolved: list[_Item] = []
    for i, it in enumerate(items):
        a = it.atom
        if a.relative is not None:
            if a.rel_day is not None:
                year = resolve_relative(a.relative, pub)
                v = iso_date(int(year), *a.rel_day) if year else None
            else:
                v = resolve_relative(a.relative, pub)
            if v is None:
                continue
            it.values = (v,)
        elif a.open_day is not None:
            nxt = items[i + 1] if i + 1 < len(items) else None
            if nxt is None or not nxt.values or not cues.connector.match(text[a.end:nxt.atom.start]):
                continue
            v = iso_date(int(nxt.values[0][:4]), *a.open_day)
            if v is None:
                continue
            it.values = (v,)
        resolved.append(it)
    items = resolved

    # ranges and roles
    i = 0
    while i < len(items):
        it = items[i]
        a = it.atom
        prev_end = items[i - 1].atom.end if i else 0
        nxt = items[i + 1] if i + 1 < len(items) else None
        if it.meta_line:
            it.role = "other"
            i += 1
            continue
        if (nxt is not None and not nxt.meta_line and len(it.values) == 1 and len(nxt.values) == 1
                and cues.connector.match(text[a.end:nxt.atom.start]) and it.values[0] < nxt.values[0]):
            after = items[i + 2].atom.start if i + 2 < len(items) else len(text)
            left = _window_left(text, a.start, prev_end, cues)
            role, rank = _role(text, a.start, nxt.atom.end, prev_end, after, cues, scan)
            period = bool(cues.period.search(left)) or bool(scan.search(cues.start_label, left, a.start - len(left), cues))
            if cues.extension.search(left):
                # `срокът се удължава от 31.08.2025 г. до 31.03.2026 г.`: the old end, then the new one
                it.role, it.scalar_rank = "other", None
                nxt.role, nxt.scalar_rank = "end", 0
            elif period or role in ("start", "end"):
                it.role, nxt.role = "start", "end"
                several = cues.several.search(_sentence(text, a.start, nxt.atom.end, cues))
                it.scalar_rank = nxt.scalar_rank = None if several else (0 if period else (rank or 2))
            else:
                it.role = nxt.role = role
            i += 2
            continue
        after = nxt.atom.start if nxt is not None else len(text)
        it.role, it.scalar_rank = _role(text, a.start, a.end, prev_end, after, cues, scan)
        i += 1

    out: list[Mention] = []
    starts: list[tuple[int, int, Mention]] = []
    ends: list[tuple[int, int, Mention]] = []
    for it in items:
        a = it.atom
        for v in it.values:
            out.append(doc.mention("dates", DateValue(v, it.role), a.start, a.end, a.rule_id, it.role))
        if it.scalar_rank is not None and it.values and it.role in ("start", "end"):
            fld = "start_date" if it.role == "start" else "end_date"
            rid = "dates.start_date" if it.role == "start" else "dates.end_date"
            m = doc.mention(fld, it.values[0], a.start, a.end, rid, it.role)
            (starts if it.role == "start" else ends).append((it.scalar_rank, a.start, m))
    # the text-wide test last: most texts have no two periods to choose between
    if (len({m.value for _, _, m in starts}) > 1 or len({m.value for _, _, m in ends}) > 1) and is_several(text):
        return out  # several projects, each with its own period: no one implementation period
    out.extend(_finer_first([m for _, _, m in sorted(starts, key=lambda t: (t[0], t[1]))]))
    out.extend(_finer_first([m for _, _, m in sorted(ends, key=lambda t: (t[0], t[1]))]))
    return out


def _finer_first(ranked: list[Mention]) -> list[Mention]:
    """The best candidate, unless another one says the same more precisely.

    ``2024–2026 г.`` ranks first as a period, but ``Дата на стартиране: 15.04.2024 г.``
    names the day inside that year: the record takes the day.
    """
    if not ranked:
        return ranked
    best = str(ranked[0].value)
    finer = [m for m in ranked[1:] if str(m.value).startswith(best) and len(str(m.value)) > len(best)]
    if not finer:
        return ranked
    pick = max(finer, key=lambda m: len(str(m.value)))
    return [pick] + [m for m in ranked if m is not pick]
