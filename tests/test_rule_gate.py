"""The ``requires`` gate of the rule engine: a rule whose literals are all absent is not scanned.

A wrong gate would silently drop matches, so besides the mechanics this checks,
for every gated rule, that each match of its pattern on the corpus holds one
of its literals (the property the gate relies on).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from pipeline.errors import RuleError
from pipeline.rules import Rule, load_ruleset, rule_files

ROOT = Path(__file__).resolve().parent.parent


def _rule(requires: tuple[str, ...]) -> Rule:
    return Rule("t.email", "contacts.emails", "", None, r"\w+@\w+", regex.compile(r"\w+@\w+"), (), (),
                requires=requires)


def test_gate_skips_text_without_literal() -> None:
    r = _rule(("@",))
    assert not r.applies_to("Няма адрес тук.")
    assert list(r.finditer("Няма адрес тук.")) == []
    assert [m.group() for m in r.finditer("пишете на ivan@obshtina")] == ["ivan@obshtina"]


def test_gate_is_case_folded() -> None:
    r = Rule("t.fund", "funds", "", None, "Фонд", regex.compile("фонд", regex.IGNORECASE), (), (), requires=("фонд",))
    assert [m.group() for m in r.finditer("по ЕВРОПЕЙСКИЯ СОЦИАЛЕН ФОНД")] == ["ФОНД"]


def test_ungated_rule_scans_everything() -> None:
    r = _rule(())
    assert r.applies_to("") and [m.group() for m in r.finditer("a@b")] == ["a@b"]


def test_example_without_literal_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.rules as rules

    (tmp_path / "gate.yaml").write_text(
        "rules:\n  - id: gate.x\n    field: f\n    pattern: 'a@b'\n    requires: ['@']\n"
        "    examples:\n      - text: без маймунка\n", encoding="utf-8")
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    rules.load_ruleset.cache_clear()
    try:
        with pytest.raises(RuleError):
            rules.load_ruleset("gate")
    finally:
        rules.load_ruleset.cache_clear()


def _all_rules() -> list[Rule]:
    """The rules of every rule file and the entity patterns of ``rules/entities.yaml``."""
    from pipeline.language.ner import pattern_rules

    return [r for f in rule_files() for r in load_ruleset(f.stem).rules] + list(pattern_rules())


def _gated() -> list[Rule]:
    return [r for r in _all_rules() if r.requires or r.requires_exact]


@pytest.mark.parametrize("rule", _gated(), ids=lambda r: r.id)
def test_every_match_holds_a_required_literal(rule: Rule) -> None:
    from pipeline.textnorm import normalise

    texts = [normalise(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "corpus").glob("*.txt"))]
    texts += [str(ex.get("text", "")) for ex in rule.examples if isinstance(ex, dict)]
    for text in texts:
        for m in rule.compiled.finditer(text):
            if rule.requires:
                assert any(lit in m.group().casefold() for lit in rule.requires), (rule.id, m.group())
            if rule.requires_exact:
                assert any(lit in m.group() for lit in rule.requires_exact), (rule.id, m.group())


def _variants(text: str) -> list[str]:
    """The text as written, upper-cased, title-cased, and with a character that folds to two."""
    return [text, text.upper(), text.title(), "Straße " + text,
            text + " Пишете на ivan.petrov@obshtina-test.bg, a@b.c или x.y+z@mail-1.example.org.",
            text + " Тел.: 0888 123 456, +359 2 981 23 45; GSM 0899111222 или 00359 88 123 4567.",
            text + ' Участват 57-мо СУ "Х", а12 ОУ "Y", 3-ти  ДГ "Z" и 12ти СУ "W".']


@pytest.mark.parametrize("rule", [r for r in _all_rules() if r.starts is not None or r.lead_run is not None],
                         ids=lambda r: r.id)
def test_candidate_scan_equals_plain_scan(rule: Rule) -> None:
    """Trying the pattern only where a lexicon entry (or the run of ``lead_chars`` before one) or a
    lead run starts yields exactly ``compiled.finditer``."""
    from pipeline.textnorm import normalise

    texts = [normalise(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "corpus").glob("*.txt"))]
    texts += [str(ex.get("text", "")) for ex in rule.examples if isinstance(ex, dict)]
    for text in (v for t in texts for v in _variants(t)):
        want = [(m.span(), m.groups()) for m in rule.compiled.finditer(text)]
        assert [(m.span(), m.groups()) for m in rule.finditer(text)] == want, rule.id
        if len(text) > 40:
            want = [(m.span(), m.groups()) for m in rule.compiled.finditer(text, 10, len(text) - 10)]
            assert [(m.span(), m.groups()) for m in rule.finditer(text, 10, len(text) - 10)] == want, rule.id


def test_start_word_index_finds_overlapping_words_and_learns_new_ones() -> None:
    """The one-pass index of start words finds what a ``str.find`` loop per word finds:
    occurrences inside other words and overlapping ones, and words of a rule used later."""
    from pipeline.rules import word_starts

    text = "законопроектът проект ектор"
    assert word_starts(text, ("проект",)) == [6, 15]
    assert word_starts(text, ("ект", "проект")) == [6, 9, 15, 18, 22]  # a new word: the automaton is rebuilt
    assert word_starts(text, ("ект",), 10, 21) == [18]  # wholly inside the window, as str.find
    assert word_starts("няма нищо", ("ект",)) == []


def test_candidate_scan_of_overlapping_start_words_equals_plain_scan() -> None:
    """Two start words of one rule overlapping in the text (``ала`` inside ``бала``)."""
    compiled = regex.compile(r"(?:бала|ала)\w*", regex.IGNORECASE)
    r = Rule("t.x", "f", "", None, compiled.pattern, compiled, (), (), starts=("ала", "бала"))
    for text in ("Балалайка и ала-бала", "нищо", "АЛАБАЛА"):
        assert [m.span() for m in r.finditer(text)] == [m.span() for m in compiled.finditer(text)]
        assert [m.span() for m in r.finditer(text, 2, len(text) - 1)] == \
            [m.span() for m in compiled.finditer(text, 2, len(text) - 1)]


def test_start_word_index_shared_by_threads_keeps_every_word() -> None:
    """Threads that add words at once (a threaded Dask worker) all find their words: the set of
    indexed words only grows and is published with its automaton."""
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.rules import StartWordIndex

    index = StartWordIndex()
    words = [("дума" + chr(0x430 + i) + "з",) for i in range(32)]  # each occurs once, none inside another
    text = " ".join(w for (w,) in words)

    def ask(ws: tuple[str, ...]) -> bool:
        return index.positions(text, ws).get(ws[0]) == [text.index(ws[0])]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(ask, words))
    assert all(index.positions(text, ws).get(ws[0]) for ws in words)
