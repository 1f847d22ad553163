"""Sentences without a spaCy Doc: ``text_sentences`` must cut exactly where the spaCy
pipeline (our tokenizer + ``bgpress_sentences``) cuts, on real texts and on texts
crowded with special cases whose pieces meet across spaces (property-based)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.language import tokenizer as T
from pipeline.textnorm import normalise

ROOT = Path(__file__).resolve().parent.parent

#: special cases whose pieces meet across a space (``и под.``, ``:-)``), abbreviations, odd whitespace
PIECES = ["и", "под", "др", "пр", "г", "гр", "т.е", "ул", ":", "-", ")", "(", ".", "!", "?", "…", '"', "'",
          ",", "57", "мо", "Аа", "лв", "Смолян", "\u2028", "\x0b", "\t"]
SEPARATORS = ["", " ", "  ", "\n", " \n "]


def _spacy_tokens(text: str) -> tuple[list[str], list[int]]:
    doc = T.get_nlp()(text)
    return [t.text for t in doc], [t.idx for t in doc]


def _texts() -> st.SearchStrategy[str]:
    specials = sorted(T.get_nlp().tokenizer.rules)
    item = st.one_of(st.sampled_from(PIECES), st.sampled_from(specials))
    return st.lists(st.tuples(item, st.sampled_from(SEPARATORS)), max_size=14).map(
        lambda parts: "".join(a + b for a, b in parts))


@settings(max_examples=400, deadline=None)
@given(_texts())
def test_span_tokens_equal_spacy_tokens(text: str) -> None:
    assert T._span_tokens().tokens(text) == _spacy_tokens(text)
    assert T.text_sentences(text) == T.sentence_spans(T.get_nlp()(text))


def test_pieces_of_a_special_case_across_a_space() -> None:
    """``и под.`` is one token in spaCy (a special case of three pieces across a space)."""
    for text in ("книги и под. неща", "и под.", "тел.: :-) край", "( :) ", "гр .Смолян и др. Те"):
        assert T._span_tokens().tokens(text) == _spacy_tokens(text), text


def test_corpus_sentences_equal_the_spacy_pipeline() -> None:
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = normalise(path.read_text(encoding="utf-8")).text
        assert T.text_sentences(text) == T.sentence_spans(T.get_nlp()(text)), path.name


def test_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    spans = T._SpanTokens(T.get_nlp())
    monkeypatch.setattr(T, "_MAX_SPANS", 5)
    text = "Първо изречение тук. Второ изречение с още думи и гр. Смолян."
    assert spans.tokens(text) == _spacy_tokens(text)
    assert spans.tokens("Друг текст.") == _spacy_tokens("Друг текст.")
    assert len(spans.cache) <= 3  # cleared before the second text's spans were learnt


def test_document_keeps_the_spacy_doc_for_whoever_reads_it() -> None:
    doc = Document.from_text("Срещата е в гр. Смолян. Тя започва в 10 ч.")
    assert doc.sentences == [(s.start_char, s.end_char) for s in doc.spacy_doc.sents]
