"""The stanza backend with a real (tiny) stanza NER model built at test time.

stanza's Bulgarian models cannot be downloaded here, so the test trains a
few-step NER model on a handful of sentences, lays it out as a model
directory, and runs the real loading and tagging code over our spaCy tokens.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("stanza")

from pipeline.document import Document  # noqa: E402
from pipeline.errors import ModelNotFoundError  # noqa: E402
from pipeline.language.stanza_ner import bioes_spans, resolve_stanza_dir, stanza_backend  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "stanza_ner_train.tsv"


def _sentences() -> list[list[dict[str, str]]]:
    sents: list[list[dict[str, str]]] = [[]]
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if sents[-1]:
                sents.append([])
            continue
        text, tag = line.split("\t")
        sents[-1].append({"text": text, "ner": tag})
    return [s for s in sents if s]


@pytest.fixture(scope="module")
def stanza_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from stanza.models.common.pretrain import Pretrain

    work = tmp_path_factory.mktemp("stanza")
    sents = _sentences()
    (work / "train.json").write_text(json.dumps(sents * 8, ensure_ascii=False), encoding="utf-8")
    (work / "dev.json").write_text(json.dumps(sents, ensure_ascii=False), encoding="utf-8")
    vocab = sorted({t["text"].lower() for s in sents for t in s})
    rnd = random.Random(0)
    with (work / "vec.txt").open("w", encoding="utf-8") as fh:
        fh.write(f"{len(vocab)} 8\n")
        for w in vocab:
            fh.write(w + " " + " ".join(f"{rnd.uniform(-1, 1):.3f}" for _ in range(8)) + "\n")
    model_dir = work / "models"
    (model_dir / "bg" / "ner").mkdir(parents=True)
    (model_dir / "bg" / "pretrain").mkdir(parents=True)
    pretrain = model_dir / "bg" / "pretrain" / "tiny.pt"
    Pretrain(str(pretrain), str(work / "vec.txt")).load()
    subprocess.run(
        [sys.executable, "-m", "stanza.models.ner_tagger", "--train_file", str(work / "train.json"),
         "--eval_file", str(work / "dev.json"), "--wordvec_pretrain_file", str(pretrain),
         "--shorthand", "bg_tiny", "--save_dir", str(model_dir / "bg" / "ner"), "--save_name", "tiny.pt",
         "--max_steps", "120", "--eval_interval", "40", "--hidden_dim", "16", "--char_hidden_dim", "8",
         "--word_emb_dim", "8", "--char_emb_dim", "8", "--batch_size", "8", "--cpu", "--seed", "1"],
        check=True, capture_output=True, cwd=work,
    )
    (model_dir / "resources.json").write_text(json.dumps({"bg": {"lang_name": "Bulgarian"}}), encoding="utf-8")
    return model_dir


def test_missing_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ModelNotFoundError, match="nowhere"):
        resolve_stanza_dir(missing)


def test_directory_without_resources_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="resources.json"):
        resolve_stanza_dir(tmp_path)


def test_no_directory_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BGPRESS_STANZA_DIR", raising=False)
    with pytest.raises(ModelNotFoundError, match="BGPRESS_STANZA_DIR"):
        resolve_stanza_dir(None)


def test_bioes_spans() -> None:
    assert bioes_spans(["S-PER", "O", "B-ORG", "I-ORG", "E-ORG"]) == [(0, 1, "PER"), (2, 5, "ORG")]
    assert bioes_spans(["B-LOC", "B-LOC", "O"]) == [(0, 1, "LOC"), (1, 2, "LOC")]


def test_stanza_tags_our_tokens(stanza_dir: Path) -> None:
    ner = stanza_backend(stanza_dir)
    text = "Община Якимово изпълнява проекта. Мария Иванова е координатор в Смолян."
    doc = Document.from_text(text, "t")
    ents = ner(doc)
    assert ents, "the tiny model tagged nothing"
    token_starts = {t.idx for t in doc.spacy_doc}
    token_ends = {t.idx + len(t.text) for t in doc.spacy_doc}
    for e in ents:
        assert doc.text[e.start:e.end] == e.text
        assert e.start in token_starts and e.end in token_ends
        assert e.label in {"PER", "ORG", "LOC"}
        assert e.source == "stanza"
    assert ("Община Якимово", "ORG") in {(e.text, e.label) for e in ents}


def test_environment_variable_selects_directory(stanza_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BGPRESS_STANZA_DIR", str(stanza_dir))
    assert resolve_stanza_dir(None) == stanza_dir


def test_program_with_stanza_keeps_torch(stanza_dir: Path, tmp_path: Path) -> None:
    """``bgpress extract --ner stanza`` as a program: torch stays importable (stanza needs it)."""
    src = tmp_path / "a.txt"
    src.write_text("Община Якимово изпълнява проекта. Мария Иванова е координатор в Смолян.\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(src), "--ner", "stanza", "-j", "1",
                           "-q", "-o", str(out)], capture_output=True, text=True, check=False,
                          env={**os.environ, "BGPRESS_STANZA_DIR": str(stanza_dir)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["doc_id"]
