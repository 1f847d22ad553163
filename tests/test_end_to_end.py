"""End to end on the bundled corpus: the scores may not fall below the recorded baseline.

``tests/baseline_scores.json`` holds the micro F1 (and per-field F1) last
recorded with ``make baseline``; a change that lowers any of them fails here,
so a regression cannot land unnoticed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluation.run import evaluate_dirs

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).parent / "baseline_scores.json"


@pytest.fixture(scope="module")
def corpus_result():  # type: ignore[no-untyped-def]
    return evaluate_dirs(ROOT / "corpus", ROOT / "gold")


def test_every_corpus_document_has_gold() -> None:
    texts = {p.stem for p in (ROOT / "corpus").glob("*.txt")}
    golds = {p.stem for p in (ROOT / "gold").glob("*.json")}
    assert texts == golds


def test_micro_f1_not_below_baseline(corpus_result) -> None:  # type: ignore[no-untyped-def]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    micro = corpus_result.scores.micro.f1
    assert micro >= baseline["micro_f1"] - 1e-9, f"micro F1 {micro:.4f} fell below the baseline {baseline['micro_f1']:.4f}"


def test_per_field_f1_not_below_baseline(corpus_result) -> None:  # type: ignore[no-untyped-def]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    worse = {
        name: (round(fs.f1, 4), baseline["fields"][name])
        for name, fs in corpus_result.scores.fields.items()
        if name in baseline["fields"] and fs.f1 < baseline["fields"][name] - 1e-4
    }
    assert not worse, f"fields below baseline (now, recorded): {worse}"


def test_every_mention_is_grounded(corpus_result) -> None:  # type: ignore[no-untyped-def]
    for doc_id, mentions in corpus_result.mentions.items():
        text = corpus_result.texts[doc_id]
        for m in mentions:
            if m.start is not None:
                assert text[m.start:m.end] == m.text, (doc_id, m)


def test_records_have_exactly_the_schema_fields(corpus_result) -> None:  # type: ignore[no-untyped-def]
    from pipeline.schema import RECORD_FIELDS

    for pred in corpus_result.predictions.values():
        assert tuple(pred) == RECORD_FIELDS
