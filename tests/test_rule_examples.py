"""Every rule's examples and counterexamples, run through the full pipeline.

Duckling-style: the rule files are the corpus.  An example passes when the
pipeline yields a mention of the rule's field with the expected surface
(``span``) and value (a scalar, or a dict whose keys must all agree); a
counterexample passes when no mention of the field (or of the given span)
comes out.  A meta-test fails on any rule that lacks either kind.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import extract_with_mentions
from pipeline.document import Document
from pipeline.evaluation.scoring import normalise_text
from pipeline.rules import load_ruleset, rule_files

RULESETS = [load_ruleset(p.stem) for p in rule_files()]
RULES = [r for rs in RULESETS for r in rs.rules]


def _cases(kind: str) -> list[Any]:
    out = []
    for rule in RULES:
        for i, case in enumerate(getattr(rule, kind)):
            out.append(pytest.param(rule, case, id=f"{rule.id}-{i}"))
    return out


def _value_matches(expected: Any, got: Any) -> bool:
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return False
        for k, v in expected.items():
            g = got.get(k)
            if isinstance(v, (int, float)) and isinstance(g, (int, float)):
                if round(float(v), 2) != round(float(g), 2):
                    return False
            elif v != g:
                return False
        return True
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return float(expected) == float(got)
    return normalise_text(expected) == normalise_text(got)


def _mentions(text: str, field: str) -> list[Any]:
    if field == "sentences":
        return []
    _, mentions = extract_with_mentions(text, "example")
    return [m for m in mentions if m.field == field]


def test_every_rule_has_examples_and_counterexamples() -> None:
    lacking = [r.id for r in RULES if not r.examples or not r.counterexamples]
    assert not lacking, f"rules without examples or counterexamples: {lacking}"


def test_rule_ids_are_unique_across_files() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule,case", _cases("examples"))
def test_example(rule: Any, case: dict[str, Any]) -> None:
    text = case["text"]
    if rule.field == "sentences":
        assert len(Document.from_text(text).sentences) == case["value"]
        return
    found = _mentions(text, rule.field)
    span = case.get("span")
    hits = [m for m in found if (span is None or m.text == span)]
    if span is not None:
        assert text.find(span) >= 0, f"example span {span!r} is not in its text"
    assert hits, f"{rule.id}: no {rule.field} mention with span {span!r} in {text!r}; got {[m.text for m in found]}"
    if "value" in case:
        values = [m.normalised() for m in hits]
        assert any(_value_matches(case["value"], v) for v in values), (
            f"{rule.id}: expected {case['value']!r}, got {values!r}"
        )


@pytest.mark.parametrize("rule,case", _cases("counterexamples"))
def test_counterexample(rule: Any, case: Any) -> None:
    text = case if isinstance(case, str) else case["text"]
    if rule.field == "sentences":
        assert len(Document.from_text(text).sentences) == case["value"]
        return
    span = None if isinstance(case, str) else case.get("span")
    found = [m for m in _mentions(text, rule.field) if span is None or m.text == span]
    assert not found, f"{rule.id}: counterexample {text!r} yielded {[(m.text, m.normalised()) for m in found]}"
