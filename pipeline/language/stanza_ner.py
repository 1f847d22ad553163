"""stanza's Bulgarian NER on our own spaCy tokens (optional backend).

stanza cannot download models at run time here, so the backend reads a local
model directory — the one ``stanza.download("bg", model_dir=DIR)`` fills on a
connected machine — given by option or by ``BGPRESS_STANZA_DIR``.  Tokens and
sentences come from our spaCy layer (``tokenize_pretokenized=True``), so
entity offsets are our token offsets, never stanza's re-tokenisation.

A directory whose ``resources.json`` has no default Bulgarian package (a
model trained locally) is used through the first ``bg/ner/*.pt`` and
``bg/pretrain/*.pt`` files in it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelNotFoundError

if TYPE_CHECKING:
    from ..document import Document
    from .ner import Entity

__all__ = ["STANZA_DIR_ENV", "resolve_stanza_dir", "load_stanza_pipeline", "stanza_backend", "bioes_spans"]

STANZA_DIR_ENV = "BGPRESS_STANZA_DIR"


def resolve_stanza_dir(model_dir: str | os.PathLike[str] | None) -> Path:
    """The model directory from the option or the environment, or a clear error naming it."""
    raw = model_dir or os.environ.get(STANZA_DIR_ENV)
    if not raw:
        raise ModelNotFoundError(
            f"the stanza backend needs a model directory: pass --stanza-dir DIR or set {STANZA_DIR_ENV} "
            '(fill it on a connected machine with stanza.download("bg", model_dir=DIR))'
        )
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ModelNotFoundError(f"stanza model directory not found: {path}", source=str(path))
    if not (path / "resources.json").exists():
        raise ModelNotFoundError(
            f"{path} has no resources.json: it is not a stanza model directory "
            '(fill it with stanza.download("bg", model_dir=DIR))',
            source=str(path),
        )
    return path


@lru_cache(maxsize=2)
def load_stanza_pipeline(model_dir: str) -> Any:
    try:
        import stanza
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ModelNotFoundError("stanza is not installed: pip install 'bgpress[stanza]'") from exc
    path = Path(model_dir)
    resources = json.loads((path / "resources.json").read_text(encoding="utf-8"))
    kwargs: dict[str, Any] = {}
    if not (resources.get("bg") or {}).get("default_processors"):
        ner = sorted((path / "bg" / "ner").glob("*.pt"))
        pretrain = sorted((path / "bg" / "pretrain").glob("*.pt"))
        if not ner:
            raise ModelNotFoundError(f"no NER model (bg/ner/*.pt) in {path}", source=str(path))
        kwargs["ner_model_path"] = str(ner[0])
        if pretrain:
            kwargs["ner_pretrain_path"] = str(pretrain[0])
    return stanza.Pipeline(
        lang="bg", dir=str(path), processors="tokenize,ner", tokenize_pretokenized=True,
        download_method=None, use_gpu=False, logging_level="WARN", **kwargs,
    )


def bioes_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Token spans ``[i, j)`` with their type from BIOES (or BIO) tags.

    >>> bioes_spans(["B-ORG", "E-ORG", "O", "S-LOC", "B-PER", "I-PER"])
    [(0, 2, 'ORG'), (3, 4, 'LOC'), (4, 6, 'PER')]
    """
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    label = ""
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, typ = tag.partition("-")
        if start is not None and (prefix in ("O", "B", "S") or typ != label):
            spans.append((start, i, label))
            start = None
        if prefix in ("B", "S") or (prefix in ("I", "E") and start is None):
            start, label = i, typ
        if prefix in ("E", "S") and start is not None:
            spans.append((start, i + 1, label))
            start = None
    return spans


def stanza_backend(model_dir: str | os.PathLike[str] | None = None) -> Callable[[Document], list[Entity]]:
    """An entity layer that runs stanza's NER over the document's spaCy sentences."""
    from .ner import Entity

    path = resolve_stanza_dir(model_dir)
    pipeline = load_stanza_pipeline(str(path))

    def run(doc: Document) -> list[Entity]:
        sentences = [[t for t in sent if not t.is_space] for sent in doc.spacy_doc.sents]
        sentences = [s for s in sentences if s]
        if not sentences:
            return []
        tagged = pipeline([[t.text for t in s] for s in sentences])
        out: list[Entity] = []
        for toks, sent in zip(sentences, tagged.sentences, strict=True):
            tags = [t.ner or "O" for t in sent.tokens]
            for i, j, label in bioes_spans(tags):
                start, end = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
                out.append(Entity(label, start, end, doc.text[start:end], "stanza"))
        return out

    return run
