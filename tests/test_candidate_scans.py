"""The dates and money extractors try their patterns only where a match can start (digit
runs, the first words of a lexicon) and skip windows that lack a word every match holds.
A wrong candidate set would silently drop dates and amounts, so each scan is compared
with the plain ``finditer`` over every window on the corpus texts and on altered copies
(upper-cased, title-cased, spaces doubled or dropped, a character that folds to two).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.textnorm import normalise

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    base = [normalise(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "corpus").glob("*.txt"))]
    base.append("Срокът е от 1 март 2024 г. до 28.02.2026 г.; 1,5 млн. лв. (BGN 766 937) и EUR 2 000, двеста хиляди лева.")
    out: list[str] = []
    for t in base:
        out += [t, t.upper(), t.title(), t.replace(" ", "  "), t.replace(" ", ""), "Straße " + t]
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


def test_date_rules_tried_at_candidates_equal_plain_scans(texts: list[str]) -> None:
    from pipeline.extractors import dates as D

    cues = D._cues()
    for text in texts:
        scan = D._Scan(text)
        windows = D._windows(scan, cues)
        low = text.casefold()
        rel = [(m.start(), m.start() + len(k)) for k in cues.relative_keys for m in re.finditer(f"(?={re.escape(k)})", low)]
        assert windows["relative"] == D._merge(rel, len(text)), "the relative words' windows"
        for rule in cues.rules.pattern_rules():
            anchor = rule.options.get("anchor")
            for ws, we in windows[anchor] if anchor else [(0, len(text))]:
                got = [(m.span(), m.groups()) for m in D._rule_matches(rule, scan, ws, we, cues)]
                assert got == [(m.span(), m.groups()) for m in rule.compiled.finditer(text, ws, we)], rule.id


def test_held_lexicons_are_read_from_the_month_rules() -> None:
    """The window skip needs the month lexicon of the month rules; a rule with an alternative
    at the top level holds no lexicon for sure."""
    from pipeline.extractors import dates as D

    held = D._cues().held
    assert held["dates.day_month_year"], "the day-month-year rule holds a month word"
    assert all(isinstance(words, tuple) and words for ws in held.values() for words in ws)


def test_money_rules_tried_at_candidates_equal_plain_scans(texts: list[str]) -> None:
    from pipeline.extractors import money as M
    from pipeline.rules import casefolded, matches_at, word_starts

    g = M._grammar()
    for text in texts:
        low = M._lowered(text)
        windows = M._windows(text, low)
        if low is not None:  # the currencies that give the windows, and the call-for-proposals test
            assert low == text.lower()
            got = matches_at(g.any_currency, low, word_starts(low, g.currency_starts), 0, len(low))
            assert [m.span() for m in got or ()] == [m.span() for m in g.any_currency.finditer(low)]
            got_call = [m.span() for m in M._lower_scan(g.doc_call, low, g.call_starts)]
            assert got_call == [m.span() for m in g.doc_call.finditer(low)]
        folded = casefolded(text)
        digits = [m.start() for lo, hi in windows for m in M._DIGIT_RUN.finditer(text, lo, hi)]
        for (rule, pat), lead in zip(g.rules, g.leads, strict=True):
            for lo, hi in windows:
                got = [(m.span(), m.groups()) for m in M._rule_matches(text, folded, pat, lead, lo, hi, digits)]
                assert got == [(m.span(), m.groups()) for m in pat.finditer(text, lo, hi)], rule.id
        lowered = text.lower()
        assert M._several_projects(lowered) == (g.doc_multi.search(lowered) is not None)
