"""The spaCy entity layer: selective tagging, merging, fallback, and where the model changes fields.

Each backend comparison uses a sentence of our own in which the rules are
blind (no legal form, no organisation head, a name in capitals or after a
request to call someone) and the shipped model finds the name.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline import extract_with_mentions
from pipeline.document import Document
from pipeline.errors import ModelNotFoundError
from pipeline.language import ner as N

pytestmark = pytest.mark.skipif(not N.spacy_model_available(), reason="no shipped spaCy model")


def _values(text: str, field: str, ner: str) -> list[str]:
    _, mentions = extract_with_mentions(text, ner=ner)
    return [m.value for m in mentions if m.field == field]


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("Бенефициент по проекта е Американският университет в България.", "beneficiary",
         "Американски университет в България"),
        ("Бенефициент е Каритас България, а срокът е две години.", "beneficiary", "Каритас България"),
        ("Партньор е Медицински университет - Варна.", "partners", "Медицински университет - Варна"),
        ("За контакт: МАРИЯ ИВАНОВА, тел. 0888 123 456", "contacts.persons", "МАРИЯ ИВАНОВА"),
        ("За повече информация можете да се обърнете към Мария Иванова, тел. 0888 123 456.",
         "contacts.persons", "Мария Иванова"),
    ],
)
def test_model_fills_what_rules_miss(text: str, field: str, value: str) -> None:
    assert value not in _values(text, field, "rules")
    assert value in _values(text, field, "spacy")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Кметът на общината Иван Петров откри срещата.", "contacts.persons"),
        ("За повече информация: кметът Иван Петров, тел. 0888 123 456.", "contacts.persons"),
        ("Срещата в София беше открита от министъра.", "beneficiary"),
    ],
)
def test_model_adds_no_role_without_a_cue(text: str, field: str) -> None:
    assert _values(text, field, "spacy") == []


def test_selective_tags_only_cue_sentences() -> None:
    text = "Времето беше хубаво. Бенефициент е Община Якимово. Другото е ясно. Последно изречение."
    doc = Document.from_text(text)
    chunks = N.cue_chunks(doc.text, doc.sentences)
    assert [doc.text[s:e] for s, e in chunks] == ["Бенефициент е Община Якимово. Другото е ясно."]


def test_selective_offsets_map_back() -> None:
    text = "Нещо друго тук. Лице за контакт: МАРИЯ ИВАНОВА, тел. 0888 123 456"
    doc = Document.from_text(text, ner=N.get_ner("spacy"))
    per = [e for e in doc.entities if e.label == "PER"]
    assert per and all(doc.text[e.start:e.end] == e.text for e in per)
    assert per[0].text == "МАРИЯ ИВАНОВА"


def test_model_sees_original_quotes() -> None:
    doc = Document.from_text("Партньор е ДГ „Слънчице“ – гр. Русе.")
    assert N.model_view(doc, 0, len(doc.text)) == doc.original
    assert doc.text != doc.original


def test_rule_spans_win_over_model_spans() -> None:
    g = [N.Entity("LOC", 27, 31, "Русе", "gazetteer", "Русе")]
    p = [N.Entity("ORG", 0, 10, "ДГ \"Дъга\"", "pattern")]
    model = [
        N.Entity("PER", 0, 6, "ДГ \"Дъ", "model"),  # overlaps a pattern span: dropped
        N.Entity("ORG", 12, 31, "Медицински ... Русе", "model"),  # contains only a gazetteer LOC: kept
    ]
    merged = N.merge_entities(g, p, model)
    assert [(e.source, e.label) for e in merged] == [("pattern", "ORG"), ("model", "ORG"), ("gazetteer", "LOC")]


def test_explicit_missing_model_dir_raises(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        N.get_ner("spacy", model_dir=str(tmp_path))


def test_missing_shipped_model_falls_back_to_rules(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(N, "DEFAULT_SPACY_MODEL_DIR", tmp_path / "none")
    N._warn_fallback.cache_clear()
    with caplog.at_level(logging.WARNING, logger="bgpress.ner"):
        run = N.get_ner("spacy")
    assert run(Document.from_text("Бенефициент е Община Якимово."))[0].source == "gazetteer"
    assert len([r for r in caplog.records if "rules" in r.getMessage()]) == 1
    N._warn_fallback.cache_clear()


def test_stanza_is_dispatched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BGPRESS_STANZA_DIR", raising=False)
    with pytest.raises(ModelNotFoundError, match="BGPRESS_STANZA_DIR"):
        N.get_ner("stanza")
