"""The training-data augmentation of training/prepare.py (mention replacement), on tiny data.

Why: the shipped NER model's cross-topic score rests on these copies; a slip in the offset
arithmetic would teach the model wrong spans without any error.  Nothing here trains.
"""

from __future__ import annotations

import doctest
import random
import sys
from collections import Counter
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

import prepare  # noqa: E402

POOL = {
    "PER": ["Тони Блеър", "Ангела Меркел"],
    "ORG": ["Газпром", "Лукойл", "Ryanair", "Lufthansa"],
    "LOC": ["София", "Варна"],
    "EVT": [],
    "PRO": [],
}


def test_doctests() -> None:
    assert doctest.testmod(prepare).failed == 0


@pytest.mark.parametrize("seed", range(20))
def test_swapped_copy_keeps_context_and_labels(seed: int) -> None:
    nlp = spacy.blank("bg")
    text = 'Говорителят на "Роснефт" Иван Петров каза в Москва, че ЕС ще реши.'
    local = [(16, 23, "ORG"), (25, 36, "PER"), (44, 50, "LOC"), (55, 57, "ORG")]
    doc = prepare.swapped_copy(nlp, text, local, POOL, random.Random(seed), Counter())
    assert doc is not None
    ents = list(doc.ents)
    assert [e.label_ for e in ents] == ["ORG", "PER", "LOC", "ORG"]
    # every mention replaced, the words around them unchanged and in order
    assert all(e.text not in ("Роснефт", "Иван Петров", "Москва", "ЕС") for e in ents)
    rest = [doc.text[: ents[0].start_char]] + [
        doc.text[a.end_char : b.start_char] for a, b in zip(ents, ents[1:], strict=False)
    ] + [doc.text[ents[-1].end_char :]]
    assert rest == ['Говорителят на "', '" ', " каза в ", ", че ", " ще реши."]


def test_no_mentions_no_copy() -> None:
    nlp = spacy.blank("bg")
    assert prepare.swapped_copy(nlp, "Няма имена тук.", [], POOL, random.Random(1), Counter()) is None
    # a type with an empty pool is not swapped
    assert prepare.swapped_copy(nlp, "Форумът Х.", [(8, 9, "EVT")], POOL, random.Random(1), Counter()) is None


def test_invented_names_do_not_mix_scripts_or_case() -> None:
    rng = random.Random(3)
    for _ in range(200):
        a, b = rng.choice(POOL["ORG"]), rng.choice(POOL["ORG"])
        if prepare._latin(a) != prepare._latin(b):
            continue
        name = prepare.invent_name(a, b)
        assert prepare._latin(name) == prepare._latin(a)
    assert prepare.invent_name("ЕПА", "Европейска") == "ЕПА"


def test_pool_keeps_only_capitalised_training_mentions() -> None:
    docs = [
        {"doc_id": "a", "entities": [{"type": "PER", "text": "британци"}, {"type": "ORG", "text": "БТА"}]},
        {"doc_id": "b", "entities": [{"type": "ORG", "text": "Ройтерс"}]},
    ]
    pool = prepare.mention_pool(docs, {"a": "train", "b": "test"})
    assert pool["ORG"] == ["БТА"] and pool["PER"] == []
