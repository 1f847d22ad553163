"""Named-entity backends behind one interface.

``rules`` uses gazetteers and patterns only (no model); ``spacy`` runs the
shipped model and merges the rule matches; ``stanza`` runs a stanza Bulgarian
NER model from a local directory on our tokens.  Every backend returns
:class:`Entity` objects in normalised-text coordinates, sorted by start.

The ``rules`` backend
    * the municipality gazetteer (``rules/municipalities.tsv``, built from
      ЕКАТТЕ by ``training/build_municipalities.py``): ``Община X`` written
      as an institution (capitalised, or ``Столична община``) is an ORG; ``X``
      after ``община``/``общ.``/``гр.``/``град``, every name of a plural list
      (``общините A, B и C``) and an unambiguous capitalised bare name are
      LOC.  Names that are also common words or people's names (lexicon
      ``ambiguous_municipality_names``) count only after a cue, and a bare
      name inside quotes (a project's or a group's name) does not count.
      ``kb_id`` holds the municipality's reported name (``Добричка``).
    * the ``patterns`` of ``rules/entities.yaml``: legal forms and organisation
      heads (``"Х" ЕООД``, ``Фондация "Х"``, ``ДГ "Х"``, ``МИГ - Х``,
      ``Министерство на ...``) as ORG, honorific + name as PER.

The ``spacy`` backend (the default when the model is shipped)
    runs ``pipeline/models/bg_ner`` only on the sentences where an extractor
    will look for an entity: every sentence that a ``beneficiary``,
    ``partners`` or ``contacts.persons`` cue rule of ``rules/organisations.yaml``
    / ``rules/contacts.yaml`` matches in (plus the next sentence, where a list
    or a name may continue).  The cue lists are those rules' own patterns, so
    a new cue rule widens the tagged set by itself.  Sentences are tagged as
    separate texts and their entities shifted back by the sentence's start.
    ``get_ner("spacy", selective=False)`` tags the whole text (used to
    measure entity quality).  When no model directory is given and the shipped
    one is missing, ``get_ner("spacy")`` logs one warning line and returns
    the ``rules`` backend, so the default pipeline runs with no model at all.

The ``stanza`` backend
    runs stanza's Bulgarian NER from ``model_dir`` or ``$BGPRESS_STANZA_DIR``
    (:mod:`pipeline.language.stanza_ner`) and merges it like the spaCy model.

Conflict policy (all backends)
    1. An ORG pattern span that strictly contains gazetteer spans wins over
       them (``МИРГ - Поморие`` is a group, not the place Поморие).
    2. Otherwise gazetteer municipality matches win over overlapping pattern
       spans, and both win over overlapping model spans: the gazetteer and
       the legal-form patterns are precise where they fire, the model is the
       recall layer for names no pattern knows.
    3. Among model spans only PER, ORG and LOC are kept (``PERSON`` → PER,
       ``GPE`` → LOC); a model span that overlaps a kept rule span is
       dropped, except a model ORG that strictly contains only gazetteer
       LOC spans (``Медицински университет - Варна``): the ORG is kept and
       the place stays beside it as municipality evidence, exactly as the
       rules backend would have it.
    4. What role an entity plays is the extractors' business: after a role
       cue (``бенефициент е``, ``партньор е``) a model LOC that no gazetteer
       knows is read as an organisation (the model often calls ``Каритас
       България`` a place), a model PER never is.
"""

from __future__ import annotations

import csv
import logging
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex
import yaml

from ..errors import ModelNotFoundError, RuleError
from ..rules import (
    RULES_DIR,
    Rule,
    StartWordIndex,
    compile_v1,
    expand_lexicons,
    factored_alternation,
    finditer_at,
    first_words,
    lexicon_alternation,
    load_ruleset,
    scan_options,
)

if TYPE_CHECKING:
    from ..document import Document

__all__ = [
    "Entity",
    "NER_BACKENDS",
    "DEFAULT_SPACY_MODEL_DIR",
    "get_ner",
    "rule_entities",
    "quoted_spans",
    "recent_quoted_spans",
    "municipality_forms",
    "merge_entities",
    "cue_chunks",
    "spacy_model_available",
    "model_view",
]

#: Where the spaCy NER model is trained to (``training/`` writes it there).
DEFAULT_SPACY_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "bg_ner"


@dataclass(frozen=True)
class Entity:
    label: str  # PER, ORG, LOC, EVT, PRO
    start: int
    end: int
    text: str
    source: str  # "model", "gazetteer", "pattern"
    kb_id: str | None = None  # gazetteer: the municipality's reported name


NerFn = Callable[["Document"], list[Entity]]

NER_BACKENDS = ("rules", "spacy", "stanza")

_QUOTE_OPENERS = frozenset("([-/:;,")


#: compiled once: ``regex.match(str, ...)`` pays a pattern-cache lookup of ~8 us per call
_QUOTE_RE = regex.compile('"')


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Quoted segments ``[start, end)`` of a normalised text (quotes included).

    A quote opens after a space or an opening punctuation and closes after a
    non-space; a quote left open on its line is dropped, and one that is still
    open when a new one opens (``ДГ "Дъга, Фондация "Х"``) is closed at the
    last comma before the new one.

    >>> t = 'ДГ "Дъга, Фондация "Знание" и "Боб"'
    >>> [t[s:e] for s, e in quoted_spans(t)]
    ['"Дъга', '"Знание"', '"Боб"']
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    n = len(text)
    for m in _QUOTE_RE.finditer(text):
        i = m.start()
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < n else " "
        opening = (prev.isspace() or prev in _QUOTE_OPENERS) and not nxt.isspace()
        if open_at is not None and text.find("\n", open_at, i) >= 0:
            open_at = None
        if open_at is None:
            if not nxt.isspace() and nxt not in ",.;:)":
                open_at = i
            continue
        if opening and prev.isspace():
            cut = text.rfind(",", open_at, i)
            if cut > open_at + 1:
                spans.append((open_at, cut))
                open_at = i
                continue
        spans.append((open_at, i + 1))
        open_at = None
    return spans


@lru_cache(maxsize=8)
def recent_quoted_spans(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`quoted_spans` of the last few texts (the entity layer and the organisations
    extractor both need them: computed once per document instead of twice).

    >>> recent_quoted_spans('ДГ "Дъга"')
    ((3, 9),)
    """
    return tuple(quoted_spans(text))


# -- gazetteer -------------------------------------------------------------


@dataclass(frozen=True)
class _Gazetteer:
    forms: dict[str, str]  # surface form -> reported value
    lower: dict[str, str]  # casefolded form -> reported value
    ambiguous: frozenset[str]
    institution: Any
    cued: Any
    plural: Any
    bare: Any
    list_item: Any
    #: ``cued`` behind the rule engine: tried only where a cue word starts
    cued_rule: Rule
    #: the first word of every form, as written: a bare name can only start where one of them stands
    bare_words: tuple[str, ...]
    #: where those words stand in a text (one pass for all of them)
    bare_index: StartWordIndex
    #: the words every match of ``institution`` / ``plural`` starts with, as written (found by
    #: ``bare_index`` too: the patterns are tried only there instead of at every position)
    institution_words: tuple[str, ...]
    plural_words: tuple[str, ...]


def municipality_forms() -> dict[str, str]:
    """Every surface form of the 265 municipalities and the name to report.

    >>> municipality_forms()["В. Търново"], municipality_forms()["Добричка"]
    ('Велико Търново', 'Добричка')
    """
    return dict(_gazetteer().forms)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    path = RULES_DIR / "municipalities.tsv"
    if not path.exists():
        raise RuleError("municipality gazetteer missing; run training/build_municipalities.py", source=str(path))
    forms: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            forms[row["form"]] = row["value"]
    lex = load_ruleset("entities").lexicons
    ambiguous = frozenset(lex.get("ambiguous_municipality_names") or ())
    alt = factored_alternation(forms, ignore_case=False)
    ialt = factored_alternation(forms, ignore_case=True)  # under (?i:...)
    end = r"(?![\p{L}\d])"
    inst_cue = factored_alternation(lex["municipality_cue_institution"], ignore_case=False)
    low_cue = factored_alternation(lex["municipality_cue_lower"] + lex["town_cue"], ignore_case=True)
    plural_cue = lexicon_alternation(lex["municipality_plural_cue"])
    cued = compile_v1(rf"(?<![\p{{L}}])(?i:{low_cue})\s*(?P<name>(?i:{ialt})){end}")
    cue_words = first_words(lex["municipality_cue_lower"] + lex["town_cue"])
    return _Gazetteer(
        forms=forms,
        lower={k.casefold(): v for k, v in forms.items()},
        ambiguous=ambiguous,
        institution=compile_v1(
            rf'(?<![\p{{L}}])(?:(?:Столичн(?:а|ата)\s+(?:община|Община|ОБЩИНА))|СТОЛИЧНА\s+ОБЩИНА|'
            rf'{inst_cue}(?:\s+{inst_cue})?\s*(?P<q>")?\s*(?P<name>(?i:{ialt}))(?(q)"|{end}))',
        ),
        cued=cued,
        plural=compile_v1(rf"(?<![\p{{L}}]){plural_cue}\s+(?=\p{{Lu}})"),
        bare=compile_v1(rf"(?<![\p{{L}}\d-]){alt}(?![\p{{L}}\d]|-\p{{L}})"),
        list_item=compile_v1(rf"\s*(?:,|\s+и)?\s*(?P<name>{alt}){end}"),
        cued_rule=Rule("entities.municipality_cued", "entities", "", None, cued.pattern, cued, (), (),
                       starts=cue_words),
        bare_words=tuple(sorted({f.split(" ")[0] for f in forms})),
        bare_index=StartWordIndex(),
        institution_words=_lead_words(["Столичн", "СТОЛИЧНА", *lex["municipality_cue_institution"]]),
        plural_words=_lead_words(lex["municipality_plural_cue"]),
    )


def _lead_words(entries: Iterable[str]) -> tuple[str, ...]:
    """Where every match of the entries begins, as written (:func:`~pipeline.rules.first_words`,
    one-letter words included)."""
    words = first_words(entries, fold=str, shortest=1)
    if words is None:
        raise RuleError("a municipality cue lexicon is empty or has an entry that begins with a space",
                        source=str(RULES_DIR / "entities.yaml"))
    return words


def _bare_matches(g: _Gazetteer, text: str) -> list[Any]:
    """``g.bare.finditer(text)``, trying the alternation of all the forms only where the first
    word of some form stands: the alternation scanned at every position cost more than the
    rest of the gazetteer."""
    return list(finditer_at(g.bare, text, g.bare_index.starts(text, g.bare_words)))


def _value_of(g: _Gazetteer, surface: str) -> str | None:
    key = " ".join(surface.split())
    return g.forms.get(key) or g.lower.get(key.casefold())


def _name_case_ok(name: str) -> bool:
    """A name after a cue must be written as a name (capitalised or all caps)."""
    return name[:1].isupper()


def _gazetteer_entities(text: str, quotes: Sequence[tuple[int, int]]) -> list[Entity]:
    g = _gazetteer()
    out: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for m in finditer_at(g.institution, text, g.bare_index.starts(text, g.institution_words)):
        name = m.group("name")
        if name is not None:
            if not _name_case_ok(name):
                continue
            value = _value_of(g, name)
        else:
            value = "Столична"
        if value is None:
            continue
        out.append(Entity("ORG", m.start(), m.end(), m.group(), "gazetteer", value))
        taken.append((m.start(), m.end()))
    for m in g.cued_rule.finditer(text):
        name = m.group("name")
        s, e = m.span("name")
        if not _name_case_ok(name) or _overlaps(s, e, taken):
            continue
        value = _value_of(g, name)
        if value is not None:
            out.append(Entity("LOC", s, e, name, "gazetteer", value))
            taken.append((s, e))
    for m in finditer_at(g.plural, text, g.bare_index.starts(text, g.plural_words)):
        pos = m.end()
        first = True
        while True:
            im = g.list_item.match(text, pos)
            if im is None or (first and text[pos:im.start("name")].strip()):
                break
            first = False
            s, e = im.span("name")
            value = _value_of(g, im.group("name"))
            if value is not None and not _overlaps(s, e, taken):
                out.append(Entity("LOC", s, e, im.group("name"), "gazetteer", value))
                taken.append((s, e))
            pos = e
    for m in _bare_matches(g, text):
        s, e = m.span()
        name = m.group()
        if name in g.ambiguous or not name[:1].isupper() or _overlaps(s, e, taken):
            continue
        if any(qs <= s and e <= qe for qs, qe in quotes):
            continue
        value = _value_of(g, name)
        if value is not None and value not in g.ambiguous:
            out.append(Entity("LOC", s, e, name, "gazetteer", value))
    return out


def _overlaps(s: int, e: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < oe and os < e for os, oe in spans)


# -- patterns ---------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    id: str
    label: str
    compiled: Any
    #: the pattern behind the rule engine, so that ``requires``, ``starts_with`` and ``lead_chars``
    #: spare the scan of positions where no match can start (same matches as ``compiled.finditer``)
    rule: Rule


@lru_cache(maxsize=1)
def _patterns() -> tuple[_Pattern, ...]:
    path = RULES_DIR / "entities.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lexicons = data.get("lexicons") or {}
    out: list[_Pattern] = []
    for raw in data.get("patterns") or []:
        pattern = raw.get("pattern")
        if not pattern:
            continue  # gazetteer-built entities document themselves here
        pid = raw.get("id", "?")
        expanded = expand_lexicons(pattern, lexicons, str(path), pid, ignore_case=bool(raw.get("ignore_case")))
        try:
            compiled = compile_v1(expanded, regex.IGNORECASE if raw.get("ignore_case") else 0)
        except regex.error as exc:
            raise RuleError(f"pattern {pid!r}: {exc}", source=str(path)) from exc
        opts = scan_options(raw, pattern, compiled, lexicons, pid, str(path), case_sensitive=not raw.get("ignore_case"))
        rule = Rule(pid, "entities", raw.get("description", ""), None, pattern, compiled,
                    tuple(raw.get("examples") or ()), tuple(raw.get("counterexamples") or ()), source=str(path), **opts)
        out.append(_Pattern(pid, raw["label"], compiled, rule))
    return tuple(out)


def pattern_rules() -> tuple[Rule, ...]:
    """The entity patterns as rules (the test suite checks their candidate scans and gates)."""
    return tuple(p.rule for p in _patterns())


@lru_cache(maxsize=1)
def _adjective_before() -> Any:
    """A capitalised adjective just before a position (``Многопрофилна | болница ...``)."""
    endings = lexicon_alternation(load_ruleset("entities").lexicons["name_adjective_endings"])
    return compile_v1(rf"(?<![\p{{L}}])\p{{Lu}}\p{{Ll}}+{endings}[ \t]+$")


def _pattern_entities(text: str) -> list[Entity]:
    out: list[Entity] = []
    for p in _patterns():
        for m in p.rule.finditer(text):
            s, e = m.span()
            surface = text[s:e].rstrip(" -")
            if not surface:
                continue
            if surface[0].islower():
                # a head found in any case (`болница за активно лечение "X"`) after a capitalised
                # adjective: the adjective opens the name (`Многопрофилна болница ...`)
                adj = _adjective_before().search(text, max(0, s - 40), s)
                if adj is not None:
                    s, surface = adj.start(), text[adj.start():s + len(surface)]
            out.append(Entity(p.label, s, s + len(surface), surface, "pattern"))
    return out


def merge_entities(
    gazetteer: list[Entity], patterns: list[Entity], model: list[Entity] | None = None
) -> list[Entity]:
    """Merge the three layers by the conflict policy of the module docstring.

    >>> g = [Entity("LOC", 10, 17, "Поморие", "gazetteer", "Поморие")]
    >>> p = [Entity("ORG", 0, 17, "МИРГ - Поморие", "pattern")]
    >>> [e.label for e in merge_entities(g, p)]
    ['ORG']
    """
    kept: list[Entity] = []
    # 1. the longest of overlapping pattern ORG spans
    pats = sorted(patterns, key=lambda e: (-(e.end - e.start), e.start))
    chosen_p: list[Entity] = []
    for e in pats:
        if not any(e.start < o.end and o.start < e.end for o in chosen_p):
            chosen_p.append(e)
    gaz_kept: list[Entity] = []
    for e in gazetteer:
        container = [p for p in chosen_p if p.label == "ORG" and p.start <= e.start and e.end <= p.end
                     and (p.end - p.start) > (e.end - e.start)]
        if container and not e.text.lower().startswith(("община", "столична")):
            continue
        gaz_kept.append(e)
    for p in chosen_p:
        inside = [g for g in gaz_kept if p.start <= g.start and g.end <= p.end and (p.end - p.start) > (g.end - g.start)]
        partial = [g for g in gaz_kept if g.start < p.end and p.start < g.end and g not in inside]
        if partial:
            continue
        if inside and p.label == "ORG":
            # the organisation wins; a municipality named inside stays as evidence only when it is an institution
            gaz_kept = [g for g in gaz_kept if g not in inside or g.label == "ORG"]
        kept.append(p)
    kept.extend(gaz_kept)
    rule_spans = list(kept)
    for e in model or ():
        hits = [o for o in rule_spans if e.start < o.end and o.start < e.end]
        if hits and not (
            e.label == "ORG"
            and all(o.source == "gazetteer" and o.label == "LOC" and e.start <= o.start and o.end <= e.end
                    and (e.end - e.start) > (o.end - o.start) for o in hits)
        ):
            continue
        kept.append(e)
    return sorted(kept, key=lambda e: (e.start, -e.end))


def rule_entities(text: str) -> list[Entity]:
    """Gazetteer and pattern entities of a normalised text.

    >>> [(e.label, e.text, e.kb_id) for e in rule_entities("Бенефициент е Община Якимово.")]
    [('ORG', 'Община Якимово', 'Якимово')]
    """
    return merge_entities(_gazetteer_entities(text, recent_quoted_spans(text)), _pattern_entities(text))


def _rules_backend() -> NerFn:
    def run(doc: Document) -> list[Entity]:
        return rule_entities(doc.text)

    return run


# -- spaCy model -------------------------------------------------------------

_MODEL_LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC"}


@lru_cache(maxsize=2)
def _load_spacy(model_dir: str) -> Any:
    path = Path(model_dir)
    if not (path / "meta.json").exists() and not (path / "config.cfg").exists():
        raise ModelNotFoundError(
            f"no spaCy NER model in {path} (train it into pipeline/models/bg_ner/, or use the 'rules' backend)",
            source=str(path),
        )
    import spacy

    try:
        return spacy.load(path)
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(f"cannot load the spaCy model in {path}: {exc}", source=str(path)) from exc


#: The extractor fields whose cue rules decide which sentences the model tags.
_CUE_FIELDS = frozenset({"beneficiary", "partners", "contacts.persons"})
_CUE_RULESETS = ("organisations", "contacts")


@lru_cache(maxsize=1)
def _cue_patterns() -> tuple[Any, ...]:
    """The compiled cue patterns of the rules that read entities (from the YAML)."""
    out: list[Any] = []
    for name in _CUE_RULESETS:
        for rule in load_ruleset(name).pattern_rules():
            # a rule that reads every line start (beneficiary.lead_subject) would select every
            # sentence; it opts out with ``model_cue: false`` and reads the rule entities there
            if rule.field in _CUE_FIELDS and rule.options.get("model_cue", True):
                out.append(rule.compiled)
    return tuple(out)


def cue_chunks(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of sentences ``[start, end)`` worth tagging with a model.

    A sentence is selected when a cue rule of an entity-reading extractor
    matches in it; the next sentence is selected too (a partner list or a
    contact name may run on past a sentence split at an abbreviation).
    Adjacent selected sentences are joined into one chunk.

    >>> t = "Срещата беше вчера. Партньор е Фондация Аделе. Край."
    >>> [t[s:e] for s, e in cue_chunks(t, [(0, 19), (20, 46), (47, 52)])]
    ['Партньор е Фондация Аделе. Край.']
    """
    if not sentences:
        sentences = [(0, len(text))]
    starts = [s for s, _ in sentences]
    chosen: set[int] = set()
    for pat in _cue_patterns():
        for m in pat.finditer(text):
            i = max(0, bisect_right(starts, m.start()) - 1)
            j = max(0, bisect_right(starts, max(m.start(), m.end() - 1)) - 1)
            chosen.update(range(i, min(j + 2, len(sentences))))
    chunks: list[tuple[int, int]] = []
    for k in sorted(chosen):
        s, e = sentences[k]
        if chunks and k - 1 in chosen:
            chunks[-1] = (chunks[-1][0], e)
        else:
            chunks.append((s, e))
    return chunks


def model_view(doc: Document, start: int, end: int) -> str:
    """The normalised interval ``[start, end)`` with the ORIGINAL characters put back.

    The model was trained on raw news text (``„“`` quotes, ``–`` dashes);
    fed our normalised ``"`` and ``-`` its in-domain F1 drops from 0.63 to
    0.50.  Normalisation substitutes one character for one and only deletes
    invisible ones, so this view has the normalised length: model offsets
    are normalised offsets.

    >>> from pipeline.document import Document
    >>> d = Document.from_text("ДГ „Слънчице“ – Русе")
    >>> model_view(d, 0, len(d.text))
    'ДГ „Слънчице“ – Русе'
    """
    original = doc.original
    if len(original) == len(doc.text):
        return original[start:end]
    offsets = doc.norm.offsets
    return "".join(original[offsets[i]] for i in range(start, end))


def _model_entities(nlp: Any, doc: Document, chunks: list[tuple[int, int]]) -> list[Entity]:
    text = doc.text
    out: list[Entity] = []
    views = [model_view(doc, s, e) for s, e in chunks]
    for (s, _e), sdoc in zip(chunks, nlp.pipe(views, batch_size=64), strict=True):
        for ent in sdoc.ents:
            if ent.label_ in _MODEL_LABELS:
                a, b = s + ent.start_char, s + ent.end_char
                out.append(Entity(_MODEL_LABELS[ent.label_], a, b, text[a:b], "model"))
    return out


def _spacy_backend(model_dir: str | None, *, selective: bool = True) -> NerFn:
    nlp = _load_spacy(str(Path(model_dir) if model_dir else DEFAULT_SPACY_MODEL_DIR))

    def run(doc: Document) -> list[Entity]:
        text = doc.text
        chunks = cue_chunks(text, doc.sentences) if selective else [(0, len(text))]
        model = _model_entities(nlp, doc, chunks) if chunks else []
        return merge_entities(_gazetteer_entities(text, recent_quoted_spans(text)), _pattern_entities(text), model)

    return run


def _stanza_backend(model_dir: str | None) -> NerFn:
    from .stanza_ner import stanza_backend

    tagger = stanza_backend(model_dir)

    def run(doc: Document) -> list[Entity]:
        text = doc.text
        model = [e for e in tagger(doc) if e.label in ("PER", "ORG", "LOC")]
        return merge_entities(_gazetteer_entities(text, recent_quoted_spans(text)), _pattern_entities(text), model)

    return run


def spacy_model_available(model_dir: str | None = None) -> bool:
    """Whether a spaCy model directory (default: the shipped one) is there.

    >>> isinstance(spacy_model_available(), bool)
    True
    """
    path = Path(model_dir) if model_dir else DEFAULT_SPACY_MODEL_DIR
    return (path / "meta.json").exists() or (path / "config.cfg").exists()


_log = logging.getLogger("bgpress.ner")


def get_ner(name: str = "rules", *, model_dir: str | None = None, selective: bool = True) -> NerFn:
    """The entity layer called ``name`` (``rules``, ``spacy`` or ``stanza``).

    ``spacy`` with no ``model_dir`` falls back to ``rules`` (one warning line)
    when the shipped model is missing; an explicit ``model_dir`` that holds no
    model raises :class:`~pipeline.errors.ModelNotFoundError`.  ``stanza``
    reads ``model_dir`` or ``$BGPRESS_STANZA_DIR``.

    >>> run = get_ner("rules")
    >>> callable(run)
    True
    """
    if name == "rules":
        return _rules_backend()
    if name == "spacy":
        if model_dir is None and not spacy_model_available():
            _warn_fallback()
            return _rules_backend()
        return _spacy_backend(model_dir, selective=selective)
    if name == "stanza":
        return _stanza_backend(model_dir)
    raise ValueError(f"unknown NER backend {name!r}; choose one of {', '.join(NER_BACKENDS)}")


@lru_cache(maxsize=1)
def _warn_fallback() -> None:
    _log.warning(
        "bgpress: no spaCy NER model in %s; using the 'rules' entity layer (--ner rules to silence)",
        DEFAULT_SPACY_MODEL_DIR,
    )
