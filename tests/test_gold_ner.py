"""The in-domain NER gold: offsets point at their text, labels are PER/ORG/LOC, no overlaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "gold_ner").glob("*.json"))


def test_every_corpus_document_has_ner_gold() -> None:
    assert {p.stem for p in FILES} == {p.stem for p in (ROOT / "corpus").glob("*.txt")}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_spans_are_grounded(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    text = (ROOT / "corpus" / f"{path.stem}.txt").read_text(encoding="utf-8")
    last_end = -1
    for e in sorted(data["entities"], key=lambda e: e["start"]):
        assert e["label"] in {"PER", "ORG", "LOC"}
        assert text[e["start"]:e["end"]] == e["text"]
        assert e["start"] >= last_end, f"overlapping entities at {e}"
        last_end = e["end"]
