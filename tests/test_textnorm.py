"""Normalisation keeps a map back to the original text (property-based)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.textnorm import normalise

ALPHABET = "аб xz„“”«»‘’–—\u00a0\u202f\u00ad\u200b\ufeff\r\n.5"


@given(st.text(alphabet=ALPHABET, max_size=60))
def test_offsets_map_every_character_back(text: str) -> None:
    n = normalise(text)
    assert len(n.offsets) == len(n.text) + 1
    assert n.offsets[-1] == len(text)
    for i, ch in enumerate(n.text):
        orig = text[n.offsets[i]]
        assert ch == orig or ch in "\"'- ."
    for i in range(len(n.text)):
        for j in range(i + 1, min(len(n.text), i + 5) + 1):
            s, e = n.to_original(i, j)
            assert 0 <= s < e <= len(text)


def test_quotes_dashes_spaces_and_soft_hyphens() -> None:
    n = normalise("„Заедно“\u00a0– 2\u00ad0 лв.")
    assert n.text == '"Заедно" - 20 лв.'
    assert n.to_original(11, 13) == (11, 14)  # "20" spans the soft hyphen


def test_mentions_point_into_the_original() -> None:
    text = "Проект „Шанс“\u00a0– обща стойност 1\u00ad000 лв."
    doc = Document.from_text(text)
    m = doc.mention("project_title", "Шанс", 8, 12, "test")
    assert text[m.start:m.end] == m.text == "Шанс"


@given(st.text(alphabet="Аа. гр.лв\n!?", max_size=40))
def test_sentences_cover_the_text_in_order(text: str) -> None:
    doc = Document.from_text(text)
    last = 0
    for s, e in doc.sentences:
        assert last <= s <= e <= len(doc.text)
        last = e
