"""Rule lexicons compiled as tries (``rules.factored_alternation``) must match exactly as the
plain longest-first alternation does: same spans, same groups, on real texts and on copies in
other cases and spacing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import regex
import yaml

from pipeline.rules import (
    _PLACEHOLDER,
    compile_v1,
    expand_lexicons,
    lexicon_alternation,
    load_ruleset,
    rule_files,
)
from pipeline.textnorm import normalise

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    base = [normalise(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "corpus").glob("*.txt"))]
    return [v for t in base for v in (t, t.upper(), t.title(), t.replace(" ", "  "))]


def _rules() -> list[tuple[str, str, dict[str, Any], bool]]:
    out = []
    for path in rule_files():
        lexicons = load_ruleset(path.stem).lexicons
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            pattern = raw.get("pattern") or ""
            if "<<" in pattern:
                out.append((raw["id"], pattern, lexicons, not raw.get("case_sensitive")))
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


RULES = _rules()


@pytest.mark.parametrize(("rid", "pattern", "lexicons", "ignore_case"), RULES, ids=[r[0] for r in RULES])
def test_rule_with_lexicon_tries_matches_like_the_plain_alternation(
        rid: str, pattern: str, lexicons: dict[str, Any], ignore_case: bool, texts: list[str]) -> None:
    flags = regex.IGNORECASE if ignore_case else 0
    trie = compile_v1(expand_lexicons(pattern, lexicons, "test", rid, ignore_case=ignore_case), flags)
    plain = compile_v1(_PLACEHOLDER.sub(lambda m: lexicon_alternation(lexicons[m.group(1)]), pattern), flags)
    for text in texts:
        assert [(m.span(), m.groups()) for m in trie.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)], rid


def test_some_rules_use_tries() -> None:
    """The test above is not vacuous: most lexicon rules are compiled as tries."""
    tries = [rid for rid, pattern, lexicons, ic in RULES
             if expand_lexicons(pattern, lexicons, "t", rid, ignore_case=ic) != _PLACEHOLDER.sub(
                 lambda m, lx=lexicons: lexicon_alternation(lx[m.group(1)]), pattern)]
    assert len(tries) >= 20


def test_rule_patterns_fold_case_simply() -> None:
    """Every rule pattern is compiled with simple case folding (``rules.compile_v1``): full folding
    (VERSION1's default with IGNORECASE) made compiling and case-insensitive scans slower for no
    Bulgarian character; a pattern compiled around ``compile_v1`` would bring it back unnoticed."""
    compiled = [r.compiled for path in rule_files() for r in load_ruleset(path.stem).rules if r.compiled is not None]
    caseless = [p for p in compiled if p.flags & regex.IGNORECASE]
    assert len(caseless) > 20
    assert [p.pattern[:60] for p in caseless if p.flags & regex.FULLCASE] == []
    assert regex.compile("x", regex.IGNORECASE | regex.VERSION1).flags & regex.FULLCASE  # the check can fail
