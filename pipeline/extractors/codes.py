"""Extractor: project (contract) codes and procedure codes.

Codes of the EU funds' information system look like
``BG05M9OP001-2.023-0001-C01``: a programme prefix, a procedure number, the
contract number and an optional ``-Cnn`` suffix.  Press releases write them
with spaces or odd dashes inside and with Cyrillic letters that look like
Latin ones, so every occurrence is found with a tolerant pattern
(``rules/codes.yaml``) and its value rebuilt canonically: lookalikes mapped
back to Latin, upper case, no spaces.

Project scalars describe *one* project: when the text's codes point to several
projects or procedures, or the text is a call for proposals, no project code is
emitted (and no procedure code when there are several procedures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..document import Document, lead_end
from ..rules import Rule, RuleSet, first_words, lexicon_alternation, load_ruleset
from ..schema import Mention

__all__ = ["IsunCode", "scan_codes", "canonical_code", "is_call", "is_several", "extract"]


@dataclass(frozen=True)
class IsunCode:
    """One ИСУН code occurrence; ``start``/``end`` are normalised-text offsets (half-open)."""

    start: int
    end: int
    prefix: str
    prefix_end: int  # end of the prefix part (BG05M9OP001) in the normalised text
    procedure: str
    project: str | None  # the full code when it carries a contract number


@lru_cache(maxsize=1)
def _rules() -> RuleSet:
    return load_ruleset("codes")


@lru_cache(maxsize=1)
def _lookalikes() -> dict[int, str]:
    table = _rules().lexicons["lookalikes"]
    out: dict[int, str] = {}
    for cyr, lat in table.items():
        out[ord(cyr)] = lat
        out[ord(cyr.lower())] = lat
    return out


@lru_cache(maxsize=1)
def _call_pattern() -> regex.Pattern[str]:
    return regex.compile(r"\b" + lexicon_alternation(_rules().lexicons["call_cues"]), regex.IGNORECASE)


def _scan_rule(rule_id: str, pattern: regex.Pattern[str], lexicons: tuple[str, ...]) -> Rule:
    """``pattern`` behind the rule engine, tried only where an entry of ``lexicons`` starts
    (every match of it does): each test below otherwise scans every position of every text."""
    words = [str(w) for name in lexicons for w in _rules().lexicons[name]]
    return Rule(rule_id, "codes", "", None, pattern.pattern, pattern, (), (), starts=first_words(words))


@lru_cache(maxsize=1)
def _call_rule() -> Rule:
    return _scan_rule("codes.call_context", _call_pattern(), ("call_cues",))


@lru_cache(maxsize=1)
def _several_rule() -> Rule:
    return _scan_rule("codes.several_projects", _several_pattern(), ("several_numbers", "several_ordinals"))


@lru_cache(maxsize=1)
def _several_pattern() -> regex.Pattern[str]:
    lex = _rules().lexicons
    return regex.compile(
        r"\b" + lexicon_alternation(lex["several_numbers"]) + r"\s+(?:\w+\s+){0,2}?"
        + lexicon_alternation(lex["project_plural"]) + r"\b|\b"
        + r"(?<!\b" + lexicon_alternation(lex["ordinal_copulas"]) + r"\s+)" + lexicon_alternation(lex["several_ordinals"])
        + r"\s+" + lexicon_alternation(lex["project_singular"]) + r"\b",
        regex.IGNORECASE,
    )


#: a figure of two or more and one word, ending where ``проекта`` begins
_FIGURE_BEFORE = regex.compile(r"(?<![\d.,])(?:[2-9]|[1-9]\d+)\s+(?:(?P<word>\p{Ll}+)\s+)?$")


def _figure_before_projects(text: str) -> bool:
    """A figure of projects in the lead (``МИГ одобри 11 проекта``): the release is about them.
    Further down a figure is context (``досега сдружението е подкрепило 14 проекта``)."""
    lead = text[:lead_end(text)].lower()
    for noun in _rules().lexicons["project_plural"]:
        q = lead.find(str(noun))
        while q >= 0:
            after = q + len(str(noun))
            if not (after < len(lead) and lead[after].isalpha()):
                m = _FIGURE_BEFORE.search(text, max(0, q - 40), q)
                if m and (m.group("word") or "").lower() not in _figure_units():
                    return True
            q = lead.find(str(noun), after)
    return False


@lru_cache(maxsize=1)
def _figure_units() -> frozenset[str]:
    return frozenset(str(w).lower() for w in _rules().lexicons["several_figure_units"])


@lru_cache(maxsize=8)
def is_several(text: str) -> bool:
    """Whether the text speaks of several projects (Два нови проекта ..., Вторият проект ...,
    одобри 11 проекта).

    >>> is_several("Община Троян спечели два нови проекта."), is_several("Проектът е нов.")
    (True, False)
    >>> is_several("Вторият проект е за деца."), is_several("Това е вторият проект на училището.")
    (True, False)
    >>> is_several("Комитетът одобри 11 проекта."), is_several("След 18 месеца проекта приключва.")
    (True, False)
    >>> is_several("Общината стартира проект.\\n\\nИ\\nИ\\nИ\\nДосега е изпълнила 14 проекта.")
    False
    """
    return next(_several_rule().finditer(text), None) is not None or _figure_before_projects(text)


def canonical_code(surface: str) -> str:
    """A code as the record holds it: lookalikes to Latin, upper case, no spaces.

    >>> canonical_code("BG05М9ОР001 - 2.023-0001-с01")
    'BG05M9OP001-2.023-0001-C01'
    """
    return "".join(surface.split()).translate(_lookalikes()).upper()


@lru_cache(maxsize=8)
def is_call(text: str) -> bool:
    """Whether the text is a call for proposals (project scalars stay empty).

    >>> is_call("Започна приемът на проектни предложения по процедурата.")
    True
    """
    return next(_call_rule().finditer(text), None) is not None


@lru_cache(maxsize=8)
def scan_codes(text: str) -> tuple[IsunCode, ...]:
    """Every ИСУН code in a normalised text, in text order.

    >>> [c.procedure for c in scan_codes("проект BG05M9OP001 - 2.023-0001-C01")]
    ['BG05M9OP001-2.023']
    """
    out: list[IsunCode] = []
    for m in _rules().rule("codes.isun_code").finditer(text):
        prefix = canonical_code(m.group("prefix"))
        if m.group("old"):
            # 2007-2013 slash codes: BG161PO001/1.1-12/2011 [/023 = the contract]
            procedure = prefix + canonical_code(m.group("old"))
            project = f"{procedure}/{m.group('oldnum')}" if m.group("oldnum") else None
        else:
            procedure = f"{prefix}-{m.group('proc')}"
            project = None
            if m.group("num"):
                project = f"{procedure}-{m.group('num')}"
                if m.group("suffix"):
                    project += "-" + canonical_code(m.group("suffix"))
        out.append(IsunCode(m.start(), m.end(), prefix, m.end("prefix"), procedure, project))
    return tuple(out)


#: compiled once: ``regex.sub(str, ...)`` pays a pattern-cache lookup of ~8 us per call
_CALL_SUFFIX_RE = regex.compile(r"-C\d+$")


#: an Erasmus+ project number: the call's part (year-round-agency-action-sector), then the number
_ERASMUS_CALL_RE = regex.compile(r"(20\d\d-\d-[A-Z]{2}\d\d-KA\d{3}-[A-Z]{3})-\d{6,9}$")


def _project_key(code: str) -> str:
    """A project code without its -Cnn suffix (``X-0001`` and ``X-0001-C01`` are one project)."""
    return _CALL_SUFFIX_RE.sub("", code)


def _contract_numbers(doc: Document) -> list[tuple[int, int, str, str]]:
    """Contract and non-ИСУН project numbers: (start, end, number, rule id)."""
    out: dict[tuple[int, int], tuple[int, int, str, str]] = {}
    for rule_id in ("codes.contract_number", "codes.programme_project_number", "codes.erasmus_project_number"):
        for m in _rules().rule(rule_id).finditer(doc.text):
            num = m.group("num")
            if len(num) < 3 or not any(ch.isdigit() for ch in num) or num.upper().startswith("BG"):
                continue
            # one mention per span: a cue-led rule and the shape rule may find the same number
            out.setdefault(m.span("num"), (m.start("num"), m.end("num"), num.upper(), rule_id))
    return sorted(out.values())


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """Project and procedure code mentions, best first; none when the text is about several."""
    codes = scan_codes(doc.text)
    procedures = {c.procedure for c in codes}
    projects = {_project_key(c.project) for c in codes if c.project}
    out: list[Mention] = []
    if is_call(doc.text) or is_several(doc.text):
        return []
    single_procedure = len(procedures) == 1 and len(projects) <= 1
    if projects and len(projects) == 1 and single_procedure:
        # the full form (with its -Cnn suffix) first
        with_code = sorted((c for c in codes if c.project), key=lambda c: (-len(c.project or ""), c.start))
        for c in with_code:
            out.append(doc.mention("project_code", c.project, c.start, c.end, "codes.isun_code"))
    if not projects and not codes:
        numbers = _contract_numbers(doc)
        if len({n for _, _, n, _ in numbers}) == 1:
            for s, e, n, rule_id in numbers:
                out.append(doc.mention("project_code", n, s, e, rule_id))
            for s, _e, n, _rule_id in numbers:
                # SCHEMA: the procedure code is the project code less its contract number; an
                # Erasmus+ number ends in it (2024-1-BG01-KA121-VET | -000201547)
                call = _ERASMUS_CALL_RE.match(n)
                if call:
                    out.append(doc.mention("procedure_code", call.group(1), s, s + len(call.group(1)),
                                           "codes.erasmus_procedure"))
    if single_procedure:
        # mentions written as a procedure code first, then those derived from a project code
        for c in sorted(codes, key=lambda c: (c.project is not None, c.start)):
            out.append(doc.mention("procedure_code", c.procedure, c.start, c.end, "codes.procedure_code"))
    return out
