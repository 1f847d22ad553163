"""The rules entity layer: patterns of rules/entities.yaml, the municipality
gazetteer, the merge policy and the spaCy backend's error when no model is there."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.document import Document
from pipeline.errors import ModelNotFoundError
from pipeline.language.ner import (
    Entity,
    get_ner,
    merge_entities,
    municipality_forms,
    quoted_spans,
    rule_entities,
)
from pipeline.rules import RULES_DIR, factored_alternation

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = yaml.safe_load((RULES_DIR / "entities.yaml").read_text(encoding="utf-8"))["patterns"]


def _cases(kind: str) -> list[Any]:
    return [pytest.param(p, c, id=f"{p['id']}-{i}") for p in PATTERNS for i, c in enumerate(p.get(kind) or [])]


def test_every_pattern_has_examples_and_counterexamples() -> None:
    assert all(p.get("examples") and p.get("counterexamples") for p in PATTERNS)


@pytest.mark.parametrize("pattern,case", _cases("examples"))
def test_pattern_example(pattern: dict[str, Any], case: dict[str, Any]) -> None:
    ents = rule_entities(case["text"])
    assert case["text"].find(case["span"]) >= 0
    assert any(e.text == case["span"] and e.label == pattern["label"] for e in ents), [(e.label, e.text) for e in ents]


@pytest.mark.parametrize("pattern,case", _cases("counterexamples"))
def test_pattern_counterexample(pattern: dict[str, Any], case: Any) -> None:
    text = case if isinstance(case, str) else case["text"]
    span = None if isinstance(case, str) else case.get("span")
    ents = [e for e in rule_entities(text) if e.label == pattern["label"] and (span is None or e.text == span)]
    assert not ents, [(e.label, e.text) for e in ents]


def test_gazetteer_has_all_265_municipalities() -> None:
    with (RULES_DIR / "municipalities.tsv").open(encoding="utf-8") as fh:
        codes = {r["code"] for r in csv.DictReader(fh, delimiter="\t")}
    assert len(codes) == 265
    forms = municipality_forms()
    assert forms["Столична"] == "Столична" and forms["Ст. Загора"] == "Стара Загора"


def test_gazetteer_file_is_up_to_date() -> None:
    source = Path("/work/shared/data/ekatte/municipalities.csv")
    if not source.exists():
        pytest.skip("ЕКАТТЕ source not available")
    res = subprocess.run(
        [sys.executable, str(ROOT / "training" / "build_municipalities.py"), "--check"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_kb_id_and_labels() -> None:
    ents = rule_entities('Община Добричка и община Тунджа, в гр. Велико Търново; Столична община.')
    got = [(e.label, e.kb_id) for e in ents]
    assert ("ORG", "Добричка") in got and ("LOC", "Тунджа") in got and ("LOC", "Велико Търново") in got
    assert ("ORG", "Столична") in got


def test_bare_names_inside_quotes_do_not_count() -> None:
    assert not [e for e in rule_entities('Проект "Заедно в Смолян" е одобрен.') if e.label == "LOC"]
    assert [e.kb_id for e in rule_entities('Проект "Заедно в община Смолян" е одобрен.')] == ["Смолян"]


def test_quoted_spans_repairs_an_unclosed_quote() -> None:
    t = 'ДГ "Дъга, Фондация "Знание"'
    assert [t[s:e] for s, e in quoted_spans(t)] == ['"Дъга', '"Знание"']


def test_merge_policy_rules_win_over_model() -> None:
    gaz = [Entity("ORG", 0, 14, "Община Смолян", "gazetteer", "Смолян")]
    pat = [Entity("ORG", 20, 35, 'ДГ "Радост"', "pattern")]
    model = [Entity("LOC", 7, 14, "Смолян", "model"), Entity("PER", 40, 50, "Иван Петров", "model"),
             Entity("ORG", 18, 30, "x", "model")]
    merged = merge_entities(gaz, pat, model)
    assert [(e.label, e.source) for e in merged] == [("ORG", "gazetteer"), ("ORG", "pattern"), ("PER", "model")]


def test_spacy_backend_names_the_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "bg_ner"
    with pytest.raises(ModelNotFoundError, match="bg_ner"):
        get_ner("spacy", model_dir=str(missing))


def test_rules_backend_fills_doc_entities() -> None:
    doc = Document.from_text("Бенефициент е Община Якимово.", ner=get_ner("rules"))
    assert [(e.label, e.text) for e in doc.entities] == [("ORG", "Община Якимово")]


def test_unknown_backend() -> None:
    with pytest.raises(ValueError):
        get_ner("nope")


def test_spacy_backend_merges_model_with_rules(tmp_path: Path) -> None:
    import spacy

    nlp = spacy.blank("bg")
    ner = nlp.add_pipe("ner")
    for label in ("PER", "ORG", "LOC"):
        ner.add_label(label)
    nlp.initialize()
    nlp.to_disk(tmp_path / "bg_ner")
    run = get_ner("spacy", model_dir=str(tmp_path / "bg_ner"))
    doc = Document.from_text("Бенефициент е Община Якимово.", ner=run)
    assert ("ORG", "Община Якимово", "gazetteer") in [(e.label, e.text, e.source) for e in doc.entities]


def test_gazetteer_candidate_scans_equal_plain_scans() -> None:
    """The cued and bare gazetteer scans try their patterns only where a match can start;
    they must give exactly the matches of a scan at every position."""
    from pathlib import Path

    from pipeline.language import ner as N
    from pipeline.textnorm import normalise

    g = N._gazetteer()
    root = Path(__file__).resolve().parent.parent
    texts = [normalise(p.read_text(encoding="utf-8")).text for p in sorted((root / "corpus").glob("*.txt"))]
    texts.append("гр.Смолян, ГР. СРЕДЕЦ, общ.Якимово и Община Велико Търново; В. Търново-Юг, Ст. Загора, 3Русе")
    for text in (v for t in texts for v in (t, t.upper(), t.title(), "Straße " + t)):
        assert [(m.span(), m.groups()) for m in N._bare_matches(g, text)] == [
            (m.span(), m.groups()) for m in g.bare.finditer(text)]
        assert [(m.span(), m.groups()) for m in g.cued_rule.finditer(text)] == [
            (m.span(), m.groups()) for m in g.cued.finditer(text)]
        for pat, words in ((g.institution, g.institution_words), (g.plural, g.plural_words)):
            assert [(m.span(), m.groups()) for m in N.finditer_at(pat, text, g.bare_index.starts(text, words))] == [
                (m.span(), m.groups()) for m in pat.finditer(text)]


def test_factored_alternation_matches_like_the_plain_one() -> None:
    """The trie of a lexicon's entries matches exactly what the longest-first alternation
    does, case-sensitively and not, with the end check that follows it in the patterns."""
    import regex

    from pipeline.language import ner as N
    from pipeline.rules import compile_v1, lexicon_alternation, load_ruleset

    lexicons = [list(N.municipality_forms()), *load_ruleset("entities").lexicons.values()]
    for entries in lexicons:
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            continue
        probes = [v for e in entries for v in (e, e.lower(), e.upper(), e.replace(" ", "  "), e + "а", e[:-1], e + " ")]
        for ignore_case in (False, True):
            flags = regex.I if ignore_case else 0
            old = compile_v1(rf"{lexicon_alternation(entries)}(?![\p{{L}}])", flags)
            new = compile_v1(rf"{factored_alternation(entries, ignore_case=ignore_case)}(?![\p{{L}}])", flags)
            for p in probes:
                text = f"x {p}, и {p}-{p}"
                for i in range(len(text)):
                    a, b = old.match(text, i), new.match(text, i)
                    assert (a and a.span()) == (b and b.span()), (p, i, ignore_case)
