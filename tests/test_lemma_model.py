"""The edit-tree lemmatizer behind the lemma table (``pipeline/models/bg_lemmatizer``).

It is trained by ``training/train_lemmatizer.py``; nothing here trains.  The model answers only
for forms that the caller lexicon, the table and the suffix rules do not know, and without it the
lemmatiser works from the table alone.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pipeline.language.lemmas import (
    LEMMA_MODEL,
    Lemmatizer,
    _lemma_model,
    get_lemmatizer,
    lemma_table,
    model_lemma,
)

# real plurals of nouns that the lookup table does not have
UNSEEN_PLURALS = {
    "хакатони": "хакатон",
    "дронове": "дрон",
    "лаптопи": "лаптоп",
    "принтери": "принтер",
    "сензори": "сензор",
    "инкубатори": "инкубатор",
}


@pytest.fixture(scope="module")
def shipped_model() -> object:
    pytest.importorskip("spacy")
    nlp = _lemma_model(LEMMA_MODEL)
    assert nlp is not None, f"{LEMMA_MODEL} is shipped and must load"
    return nlp


def test_shipped_model_is_small_and_single_component(shipped_model: object) -> None:
    size = sum(p.stat().st_size for p in LEMMA_MODEL.rglob("*") if p.is_file())
    assert size <= 5_000_000
    assert shipped_model.pipe_names == ["lemmatizer"]  # type: ignore[attr-defined]


def test_model_lemmatises_unseen_plural_nouns(shipped_model: object) -> None:
    table = lemma_table()
    for form, lemma in UNSEEN_PLURALS.items():
        assert form not in table, form
        assert model_lemma(form) == lemma, form


def test_default_lemmatizer_asks_the_model_only_after_the_table() -> None:
    pytest.importorskip("spacy")
    lz = get_lemmatizer()
    assert lz.lemma("хакатони") == "хакатон"  # unknown to the table: the model
    assert lz.lemma("центрове") == "център"  # count-noun lexicon
    assert lz.lemma("платформи") == "платформа"  # table


def test_model_is_not_called_for_known_forms() -> None:
    def boom(form: str) -> str | None:
        raise AssertionError(f"model called for {form}")

    lz = Lemmatizer(forms={"деца": "дете"}, lemmas={"община"}, table={"къщи": "къща"}, model=boom)
    assert lz.lemma("Деца") == "дете"
    assert lz.lemma("къщи") == "къща"
    assert lz.lemma("общини") == "община"


def test_missing_or_broken_model_falls_back_to_the_table(tmp_path: Path) -> None:
    missing = tmp_path / "no_model"
    broken = tmp_path / "broken_model"
    broken.mkdir()
    (broken / "config.cfg").write_text("this is not a spaCy config", encoding="utf-8")
    path = tmp_path / "t.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("къщи\tкъща\n")
    for model_dir in (missing, broken):
        assert model_lemma("хакатони", model_dir) is None
        lz = Lemmatizer(forms={}, lemmas=set(), table=lemma_table(path),
                        model=lambda f, d=model_dir: model_lemma(f, d))
        assert lz.lemma("Къщи") == "къща"
        assert lz.lemma("хакатони") is None
