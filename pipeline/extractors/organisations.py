"""Extractor: beneficiary, municipality and partners.

The rules of ``rules/organisations.yaml`` find cues (``бенефициент е``,
``изпълнява се от``, ``партньори са``, ``в партньорство с`` ...); the builders
here take the organisation next to the cue from the entity layer
(``doc.entities``: ORG spans of the legal-form patterns, ``Община X`` from the
gazetteer) or, failing that, a quoted name that starts with an organisation
head.  Why this split: the entity layer knows what an organisation looks
like, the cue rules know which role it plays.

Values are taken from the ORIGINAL text (``doc.surface``) so partners keep
their own quotes; a trailing locality (``- гр. Смолян``), a parenthesised
abbreviation and a country are dropped, and a plural head distributes over a
list (``общините A и B`` gives ``Община A`` and ``Община B``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from ..document import Document, lead_end
from ..language.ner import Entity, recent_quoted_spans
from ..rules import Rule, RuleSet, compile_v1, factored_alternation, lexicon_alternation, load_ruleset
from ..schema import Mention
from .codes import is_call, is_several

__all__ = ["extract", "OrgSpan", "org_after", "normalise_org_name"]

#: compiled once: ``regex.search(str, ...)`` pays a pattern-cache lookup of ~8 us per call
_MUNICIPALITY_CUE = regex.compile(r"(?:община|общ\.)\s*")
_PARTNER_BEFORE = regex.compile(r"партньор\w*\s*[:-]?\s*$")
_WORD = regex.compile(r"\p{L}[\p{L}-]*")
_AND_BEFORE = regex.compile(r"\sи\s*$")
_SENTENCE_PERIOD = regex.compile(r"\.(?=\s+[\p{Lu}\d\"]|\s*$)")
_WORD_BEFORE = regex.compile(r"([\p{L}.-]+)$")
_THROUGH = regex.compile(r"чрез\s")
_ONE_LOWER_WORD = regex.compile(r"\p{Ll}[\p{L}-]*\s+")
_TWO_LOWER_WORDS = regex.compile(r"(?:\p{Ll}[\p{L}-]*\s+){2}")
_LEGAL_FORM_TAIL = regex.compile(r"[ЕО]ОД|АД")
_NUMBERED_NAME = regex.compile(r"\d+(?:-?\p{L}{1,3})?\s+\p{Lu}")
_AFTER_PLURAL_CUE = regex.compile(r"общините[\s\p{L},-]*$")
_AFTER_PLACE_CUE = regex.compile(r"(?:община|общ\.|гр\.|град)\s*$")
#: `, община Вълчи дол` after an organisation's seat (in the subject gap, compiled with IGNORECASE,
#: where \p{Lu} matches either case)
_SEAT_MUNICIPALITY = r"(?:,\s*(?:община|област)\s+\p{Lu}[\p{L}-]+(?:\s\p{L}[\p{L}-]+)?)"


@dataclass(frozen=True)
class OrgSpan:
    """An organisation's name ``[start, end)`` in normalised coordinates.

    ``prefix`` is a head to put before the surface (``Община`` for the items
    of ``общините A и B``); ``kb_id`` is the municipality of ``Община X``.
    """

    start: int
    end: int
    kb_id: str | None = None
    prefix: str = ""


# -- lexicon-derived patterns ------------------------------------------------


@dataclass(frozen=True)
class _Lex:
    rules: RuleSet
    org_head: Any  # regex matching an org head at a position (case-insensitive)
    funder: Any
    plural: Any
    plural_map: dict[str, str]
    countries: frozenset[str]
    descriptor: Any
    definite: tuple[tuple[str, str], ...]
    connectors: Any
    abbreviations: frozenset[str]
    subject_gap: Any
    plural_quantifiers: frozenset[str]
    works_subjects: frozenset[str]
    programme_subjects: frozenset[str]
    head_expansions: dict[str, str]  # casefolded abbreviated head -> casefolded full form


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    rs = load_ruleset("organisations")
    lx = rs.lexicons
    plural_map = {k.casefold(): v for k, v in lx["plural_heads"].items()}
    town = lexicon_alternation(lx["settlement_words"])  # гр. | с. | град | село
    return _Lex(
        rules=rs,
        org_head=compile_v1(rf"{factored_alternation(lx['org_heads'], ignore_case=True)}(?![\p{{L}}])", regex.I),
        funder=regex.compile(rf"{factored_alternation(lx['funder_heads'], ignore_case=False)}(?![\p{{L}}])", regex.V1),
        plural=compile_v1(rf"{factored_alternation(lx['plural_heads'], ignore_case=True)}\s+", regex.I),
        plural_map=plural_map,
        countries=frozenset(c.casefold() for c in lx["countries"]),
        descriptor=regex.compile(r"(?:\p{Ll}[\p{L}-]*\s+){0,2}?" + factored_alternation(lx["partner_descriptors"], ignore_case=False)
                                 + r"\s+(?=[\p{Lu}\"])", regex.V1),
        definite=tuple(sorted(((k, v) for k, v in lx["definite_to_indefinite"].items()), key=lambda kv: -len(kv[0]))),
        connectors=compile_v1(rf"^(?:{factored_alternation(lx['list_connectors'], ignore_case=True)})\s+", regex.I),
        abbreviations=frozenset(a.casefold() for a in lx["list_abbreviations"]),
        subject_gap=compile_v1(
            rf'[\s,"]*(?:(?:{factored_alternation(lx["subject_gap_words"], ignore_case=True)}|в\s+{town}\s*\p{{Lu}}[\p{{L}}-]+(?:\s\p{{Lu}}[\p{{L}}-]+)?(?:{_SEAT_MUNICIPALITY}\s*,)?'
            # the organisation's seat: `СУ "X" - гр. Ловеч изпълнява`, `"X" ЕООД от Велинград подписа`
            rf'|(?:-|от)\s*(?:{town}\s*)?\p{{Lu}}[\p{{L}}-]+(?:\s\p{{Lu}}[\p{{L}}-]+)?'
            # ... with its municipality: `ДГ "X" - с. Брестак, община Вълчи дол, започна`
            rf'(?:{_SEAT_MUNICIPALITY}\s*,)?'
            # ... or between commas: `НЧ "X", с. Бяла река, община Първомай, приключи`
            rf'|,\s*(?:{town}\s*)?\p{{Lu}}[\p{{L}}-]+(?:\s\p{{L}}[\p{{L}}-]+)?'
            rf'{_SEAT_MUNICIPALITY}?\s*,'
            # ... or a relative or participle clause: `Сдружение "X", което управлява ЦОП - Монтана,
            # изпълнява`, `"X" ЕООД, регистрирано като социално предприятие, изпълнява`
            rf'|,\s*{factored_alternation(lx["subject_clause_openers"], ignore_case=True)}\s[^,.;:\n"]{{1,80}},)[\s,]*)?',
            regex.I,
        ),
        plural_quantifiers=frozenset(w.casefold() for w in lx["plural_quantifiers"]),
        works_subjects=frozenset(w.casefold() for w in lx["works_subjects"]),
        programme_subjects=frozenset(w.casefold() for w in lx["programme_subjects"]),
        head_expansions={k.casefold(): v.casefold() for k, v in lx["head_abbreviations"].items()},
    )



@dataclass(frozen=True)
class _Places:
    """Patterns around an organisation's seat, built from ``settlement_words`` (гр., с., град, село)."""

    settlement_before: Any  # `в с. Брестовица, ` before the municipality of a seat
    seat_before: Any        # `ЕООД – гр. ` between an organisation and its seat
    trail_place: Any        # a trailing locality after a quoted name (` - гр. Ловеч`)
    trail_dash_place: Any   # a trailing `- гр. X` after an unquoted name
    after_subject: Any      # what follows an organisation that opens the lead and acts


@lru_cache(maxsize=1)
def _places() -> _Places:
    words = _lex().rules.lexicons["settlement_words"]
    town = lexicon_alternation(words)
    bare = lexicon_alternation([str(w).rstrip(".") for w in words])  # гр | с | град | село
    return _Places(
        settlement_before=regex.compile(rf"{town}\s*\p{{Lu}}[\p{{L}}-]+(?:\s\p{{Lu}}[\p{{L}}-]+)?\s*,\s*$", regex.V1),
        seat_before=regex.compile(rf"\s*(?:[–—-]|,|от|в)?\s*{town}\s*", regex.V1),
        trail_place=regex.compile(rf"\s*-?\s*(?:{bare}\.?\s*)?\p{{Lu}}[\p{{L}}]+(?:\s+\p{{Lu}}[\p{{L}}]+)?\s*$", regex.V1),
        trail_dash_place=regex.compile(rf"\s*-\s*(?:{bare}\.\s*)\p{{Lu}}[\p{{L}}]+(?:\s+\p{{Lu}}[\p{{L}}]+)?\s*$", regex.V1),
        after_subject=regex.compile(
            rf"(?:\s*-\s*(?:{town}\s*)?\p{{Lu}}[\p{{L}}-]+|\s+от\s+(?:гр\.\s*)?\p{{Lu}}[\p{{L}}-]+)?"
            r"\s+(?:ще\s+|се\s+|е\s+)?\p{Ll}[\p{Ll}-]+", regex.V1),
    )

_SPACE = regex.compile(r"\s+")
_LEAD = regex.compile(r'[\s:\-]*')
_PARENS = regex.compile(r"\s*(?:\([^()\n]{1,40}\)|/[^/\n]{1,12}/)")
_LOWER_AFTER_QUOTE = regex.compile(r'"\s+(?=\p{Ll})', regex.V1)


def normalise_org_name(surface: str, *, indefinite: bool = True) -> str:
    """One organisation name as the record holds it.

    Collapses whitespace, capitalises a lower-case head (``община Тунджа``),
    drops a repeated head, a parenthesised or slashed abbreviation, a trailing
    country, and (``indefinite``) turns a definite first word indefinite, as
    the beneficiary is recorded; partners keep their article as written.

    >>> normalise_org_name("Местна инициативна рибарска група /МИРГ/ – Несебър")
    'Местна инициативна рибарска група – Несебър'
    >>> normalise_org_name("Националното сдружение на социалните предприятия")
    'Национално сдружение на социалните предприятия'
    """
    lx = _lex()
    s = _PARENS.sub("", surface)
    s = _SPACE.sub(" ", s).strip(" ,;:-–")
    parts = [p.strip() for p in s.split(",")]
    while len(parts) > 1 and parts[-1].casefold() in lx.countries:
        parts.pop()
    s = ", ".join(parts)
    words = s.split(" ")
    if len(words) > 1 and words[0].casefold() == words[1].casefold():
        words = words[1:]
    first = words[0]
    if first[:1].islower():
        first = first[:1].upper() + first[1:]
    if indefinite and len(words) > 1 and first[1:].islower():
        for suffix, repl in lx.definite:
            if first.endswith(suffix) and len(first) > len(suffix) + 3:
                first = first[: -len(suffix)] + repl
                break
    words[0] = first
    return " ".join(words)


# -- finding the organisation next to a cue ----------------------------------


#: Articles a head noun takes when it refers back (``Университетът``, ``Общината``, ``Сдружението``).
_ARTICLES = ("ът", "ят", "та", "то")


def _bare_head(e: Entity) -> bool:
    """A head noun alone with its article (``Университетът изпълнява проекта``) refers to an
    organisation named elsewhere; the tagger may call it ORG, but it names none."""
    return " " not in e.text and _bare_head_word(e.text)


@lru_cache(maxsize=4096)
def _bare_head_word(text: str) -> bool:
    """:func:`_bare_head` of one word, remembered (the entity lists are filtered several times per
    document, and the same names recur)."""
    w = text.casefold()
    return any(w.endswith(a) and _lex().org_head.fullmatch(w[: -len(a)]) is not None for a in _ARTICLES)


def _orgs(doc: Document) -> list[Entity]:
    return [e for e in doc.entities if e.label == "ORG" and not _bare_head(e)]


def _role_orgs(doc: Document) -> list[Entity]:
    """ORG entities, and model LOC spans no gazetteer knows: read right after a
    role cue (``партньор е``), such a span names an organisation (the model
    often calls ``Каритас България`` a place).  Model PER spans never count."""
    return [e for e in doc.entities
            if (e.label == "ORG" or (e.label == "LOC" and e.kb_id is None and e.source != "gazetteer"))
            and not _bare_head(e)]


def _quote_at(doc: Document, pos: int) -> tuple[int, int] | None:
    for s, e in _quotes(doc):
        if s == pos:
            return s, e
    return None


def _quotes(doc: Document) -> Sequence[tuple[int, int]]:
    """The quoted spans, as the entity layer found them (computed once for both)."""
    return recent_quoted_spans(doc.text)


def org_after(doc: Document, pos: int, *, strict: bool = False, municipal_only: bool = False) -> OrgSpan | None:
    """The organisation that starts at ``pos`` (after spaces, a colon or a dash).

    >>> from pipeline.language.ner import get_ner
    >>> d = Document.from_text("Бенефициент: Община Якимово.", ner=get_ner("rules"))
    >>> o = org_after(d, 12); d.text[o.start:o.end]
    'Община Якимово'
    """
    text = doc.text
    p = _LEAD.match(text, pos).end()
    q = _quote_at(doc, p)
    for e in _role_orgs(doc):
        if q is not None and q[0] < e.start and e.end <= q[1] and not municipal_only:
            return OrgSpan(q[0], q[1], e.kb_id)  # `партньор "Община Кресна"`: the name with its quotes
        if p <= e.start <= p + 1:
            if municipal_only and e.kb_id is None:
                return None
            return OrgSpan(e.start, e.end, e.kb_id)
        if e.start > p + 1:
            break
    m = _MUNICIPALITY_CUE.match(text[p : p + 12])
    if m:
        for e in doc.entities:
            if e.kb_id is not None and e.start == p + m.end():
                return OrgSpan(p, e.end, e.kb_id)
    if strict or municipal_only:
        return None
    if q is not None:
        inner = text[q[0] + 1 : q[1]]
        if _lex().org_head.match(inner):
            return OrgSpan(q[0], q[1])
        return None
    if _lex().org_head.match(text, p):
        m2 = regex.compile(r'[^\n,.;:()]{1,100}', regex.V1).match(text, p)
        if m2:
            return OrgSpan(p, p + len(m2.group().rstrip()))
    return None


def org_before(doc: Document, pos: int) -> OrgSpan | None:
    """The organisation that ends at ``pos`` (spaces between allowed)."""
    text = doc.text
    best: Entity | None = None
    gap_ok = _lex().subject_gap
    for e in _orgs(doc):
        if e.end <= pos and gap_ok.fullmatch(text, e.end, pos):
            if text[e.start:e.start + 1].islower() and _places().settlement_before.search(text, max(0, e.start - 40), e.start):
                continue  # `в с. Брестовица, община Родопи, приключи`: the seat's municipality, not the subject
            best = e
    if best is None:
        return None
    before = text[max(0, best.start - 25) : best.start].casefold()
    if _PARTNER_BEFORE.search(before):
        return None
    return OrgSpan(best.start, best.end, best.kb_id)


# -- builders --------------------------------------------------------------


Candidate = tuple[int, int, Mention]  # (priority, position, mention)


def _beneficiary(doc: Document, rule: Rule, org: OrgSpan | None, anchor: int) -> list[Candidate]:
    if org is None:
        return []
    value = normalise_org_name(doc.surface(org.start, org.end))
    prio = int(rule.options.get("priority", 9))
    return [(prio, org.start, doc.mention("beneficiary", value, org.start, org.end, rule.id))]


def _about_works(doc: Document, pos: int) -> bool:
    """The sentence before ``pos`` names works or a supply (``Строителните работи ще бъдат
    изпълнени от X ЕООД``): whoever does them is a contractor, not the beneficiary; or its
    subject is a programme (``Програмата се изпълнява от Агенцията по заетостта``): whoever
    runs it is the programme's operator."""
    start = doc.sentence_of(pos)[0]
    words = _WORD.findall(doc.text[start:pos].casefold())
    if any(w.startswith("проект") for w in words):
        return False  # `Проектът за ремонт ... се изпълнява от`: the project's own doer
    if any(w in _lex().programme_subjects for w in words[:2]):
        return True
    return any(w in _lex().works_subjects for w in words)


def _b_org_after(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    if rule.options.get("not_for_works") and _about_works(doc, m.start()):
        return []
    org = org_after(doc, m.end(), strict=bool(rule.options.get("strict")),
                    municipal_only=bool(rule.options.get("municipal_only")))
    return _beneficiary(doc, rule, org, m.end())


def _b_org_before(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    gap = m.groupdict().get("gap") or ""
    # `два (социални) проекта`: a quantifier right before the object (a year before `г.` is a date)
    last = gap.split()[-2:]
    if last[-1:] != ["г."] and any(w.casefold() in _lex().plural_quantifiers or w.isdigit() for w in last):
        return []
    # `стартира изпълнението на два проекта`: the quantifier comes after the object
    after = doc.text[m.end():m.end() + 40].casefold().split()[:3]
    if after[:1] == ["на"] and any(w in _lex().plural_quantifiers or w.isdigit() for w in after[1:]):
        return []
    return _beneficiary(doc, rule, org_before(doc, m.start()), m.start())


def _b_contract_party(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    text = doc.text
    first = org_after(doc, m.end())
    if first is None or not _lex().funder.match(text, first.start):
        return []
    sent_end = doc.sentence_of(m.start())[1]
    limit = min(sent_end, first.end + 200)
    for e in _orgs(doc):
        if first.end <= e.start < limit and _AND_BEFORE.search(text[max(first.end, e.start - 4) : e.start]):
            if _lex().funder.match(text, e.start):
                continue
            return _beneficiary(doc, rule, OrgSpan(e.start, e.end, e.kb_id), m.start())
    return []


def _b_mayor_signed(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    s, _e = m.span("org")
    org = org_after(doc, s, municipal_only=True)
    if org is None:
        return []
    value = "Община " + str(org.kb_id)
    prio = int(rule.options.get("priority", 9))
    return [(prio, org.start, doc.mention("beneficiary", value, org.start, org.end, rule.id))]


# -- partners ----------------------------------------------------------------


def _list_end(doc: Document, pos: int) -> int:
    """Where a list that starts at ``pos`` ends: a line end, or a period that ends the sentence."""
    text = doc.text
    limit = min(len(text), pos + 600)
    nl = text.find("\n", pos, limit)
    limit = nl if nl >= 0 else limit
    quotes = [q for q in _quotes(doc) if q[1] > pos and q[0] < limit]
    for m in _SENTENCE_PERIOD.finditer(text[pos:limit]):
        i = pos + m.start()
        if any(qs < i < qe for qs, qe in quotes):
            continue
        word = _WORD_BEFORE.search(text[max(0, i - 12) : i])
        w = word.group(1).casefold() if word else ""
        if w in _lex().abbreviations or len(w) == 1 or "." in w:
            continue
        return i
    return limit


def _protected(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """Where a list is not cut: quotes, organisations, and a short parenthesis (`(Осло, Норвегия)`)."""
    spans = [q for q in _quotes(doc) if q[0] < end and q[1] > start]
    spans += [(e.start, e.end) for e in _orgs(doc) if e.start < end and e.end > start]
    spans += [m.span() for m in _SHORT_PARENS.finditer(doc.text, start, end)]
    return spans


_SHORT_PARENS = regex.compile(r"\([^()\n]{1,40}\)", regex.V1)


_SEP = regex.compile(r"\s*;\s*|\s*,\s*(?:и\s+|както\s+и\s+)?|\s+(?:и|както\s+и)\s+", regex.V1)


def _split_items(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    text = doc.text
    protected = _protected(doc, start, end)
    cuts: list[tuple[int, int]] = []
    for m in _SEP.finditer(text, start, end):
        if any(ps < m.start() < pe for ps, pe in protected):
            continue
        cuts.append(m.span())
    # adjacent organisations with no separator (`ДГ "А" ОУ "Б"`)
    orgs = [e for e in _orgs(doc) if start <= e.start and e.end <= end]
    for a, b in zip(orgs, orgs[1:], strict=False):
        gap = text[a.end : b.start]
        if a.end <= b.start and gap.strip() == "" and gap:
            cuts.append((a.end, b.start))
    cuts.sort()
    items: list[tuple[int, int]] = []
    pos = start
    for cs, ce in cuts:
        if cs < pos:
            continue
        items.append((pos, cs))
        pos = ce
    items.append((pos, end))
    return [(s, e) for s, e in items if text[s:e].strip()]


_ITEM_NUMBER = regex.compile(r"(?:\d{1,2}|[а-я])\)\s+|\d{1,2}\.\s+(?=\p{Lu}|\")", regex.V1)


def _clean_item(
    doc: Document, s: int, e: int, head: str, *, orgs_only: bool = False
) -> tuple[OrgSpan | None, str, bool]:
    """The organisation inside one list item, the current plural head, and whether to go on."""
    lx = _lex()
    text = doc.text
    while s < e and text[s] in " :-":
        s += 1
    nm = _ITEM_NUMBER.match(text, s, e)  # `Партньори: 1) X; 2) Y`
    if nm:
        s = nm.end()
    m = lx.connectors.match(text[s:e])
    if m:
        s += m.end()
    pm = lx.plural.match(text, s, e)
    if pm:
        head = lx.plural_map.get(_SPACE.sub(" ", pm.group().strip()).casefold(), "")
        s = pm.end()
    if _THROUGH.match(text[s:e]):
        return None, head, True
    # a lower-case adjective before a head: `молдовската община Тараклия`
    if not lx.org_head.match(text, s):
        for am in (_ONE_LOWER_WORD.match(text[s:e]), _TWO_LOWER_WORDS.match(text[s:e])):
            if am and lx.org_head.match(text, s + am.end()):
                s += am.end()
                break
        else:
            dm = lx.descriptor.match(text, s, e)
            if dm:
                s = dm.end()
    seg = text[s:e]
    if seg.strip().casefold() in lx.countries:
        return None, head, True
    # after quoted names, a lower-case word starts the sentence's predicate
    if '"' in seg:
        lm = _LOWER_AFTER_QUOTE.search(seg)
        if lm:
            e = s + lm.start() + 1
            seg = text[s:e]
    # drop a parenthesised abbreviation or country, then a trailing locality
    seg2 = _PARENS.sub("", seg)
    if seg2 != seg:
        pm2 = _PARENS.search(seg)
        if pm2:
            e = s + pm2.start()
            seg = text[s:e]
    seg = seg.rstrip(" ,;:-")
    e = s + len(seg)
    last_q = seg.rfind('"')
    if last_q > 0 and seg.count('"') >= 2:
        tail = seg[last_q + 1 :]
        if tail.strip() and _places().trail_place.fullmatch(tail) and not _LEGAL_FORM_TAIL.search(tail):
            e = s + last_q + 1
    else:
        tm = _places().trail_dash_place.search(seg)
        if tm and tm.start() > 0:
            e = s + tm.start()
    seg = text[s:e].strip()
    if not seg:
        return None, head, True
    first = seg[0]
    ok = (first.isupper() or first == '"' or first.isdigit() or bool(lx.org_head.match(seg))) and len(seg.split()) <= 14
    if first.isdigit() and not _NUMBERED_NAME.match(seg):
        ok = False
    if ok and orgs_only and not head:
        ok = bool(lx.org_head.match(seg)) or any(x.start == s for x in _role_orgs(doc))
    if not ok:
        return None, head, False
    kb = None
    for ent in doc.entities:
        if ent.kb_id is not None and ent.start >= s and ent.end <= e:
            kb = ent.kb_id
    return OrgSpan(s, e, kb, head), head, True


def _partner_mentions(doc: Document, rule: Rule, items: list[OrgSpan]) -> list[Candidate]:
    out: list[Candidate] = []
    for o in items:
        surface = doc.surface(o.start, o.end)
        value = normalise_org_name(f"{o.prefix} {surface}" if o.prefix else surface, indefinite=False)
        out.append((0, o.start, doc.mention("partners", value, o.start, o.end, rule.id)))
    return out


_BULLET_LINE = regex.compile(r"[^\S\n]*(?:[•·▪◦*>-]|\d{1,2}[.)])[^\S\n]+(?P<item>[^\n]*?)[\s;,.]*(?:\n|$)", regex.V1)


_BLANK_TO_EOL = regex.compile(r"[ \t]*\n")


def _bullet_items(text: str, pos: int) -> list[tuple[int, int]]:
    """``Партньори по проекта са:`` followed by a bulleted list, one organisation a line.

    The list must start on the cue's line end (or right at ``pos``) and have two or
    more bullet lines; it ends at the first line that is not a bullet."""
    ls = text.rfind("\n", 0, pos) + 1
    line_break = _BLANK_TO_EOL.match(text, pos)  # nothing but spaces before the line end
    if text[ls:pos].strip(" \t•·▪◦*>-") and not line_break:
        return []
    p = pos if not text[ls:pos].strip(" \t") else ls
    eol = _BLANK_TO_EOL.match(text, p)
    if eol:
        p = eol.end()
    items: list[tuple[int, int]] = []
    while p < len(text):
        bm = _BULLET_LINE.match(text, p)
        if bm is None or not bm.group("item"):
            break
        items.append(bm.span("item"))
        p = bm.end()
    return items if len(items) >= 2 else []


def _p_list(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    start = m.end()
    bullets = _bullet_items(doc.text, start)
    items: list[OrgSpan] = []
    head = ""
    for s, e in bullets or _split_items(doc, start, _list_end(doc, start)):
        org, head, go_on = _clean_item(doc, s, e, head, orgs_only=bool(rule.options.get("orgs_only")))
        if org is not None:
            items.append(org)
        if not go_on:
            break
    return _partner_mentions(doc, rule, items)


def _p_single(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    org = org_after(doc, m.end())
    if org is None:
        return []
    return _partner_mentions(doc, rule, [org])


_BEFORE_SEP = regex.compile(r"\s*(?:,\s*(?:както\s+и\s+|и\s+)?|\s+и\s+|\s+както\s+и\s+)", regex.V1)


@lru_cache(maxsize=8)
def _town_gap(pattern: str | None) -> Any:
    """The rule's ``town_gap`` option compiled: what may stand between the last organisation and the cue."""
    return None if pattern is None else compile_v1(pattern)


def _p_before(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    """``A, B и C са партньори``: the organisations that end right before the cue.

    The last one must touch the cue, or stand a town away from it (the
    rule's ``town_gap``: ``ДГ "Детелина" в гр. Кърджали се включи като
    партньор``); earlier ones join it through list separators only, within the
    same sentence.
    """
    text = doc.text
    sent_start = doc.sentence_of(m.start())[0]
    orgs = [e for e in _role_orgs(doc) if sent_start <= e.start and e.end <= m.start()]
    items: list[OrgSpan] = []
    pos = m.start()
    town_gap = _town_gap(rule.options.get("town_gap"))
    for e in reversed(orgs):
        if items and e.end > items[-1].start:
            continue  # nested inside the one already taken
        gap = text[e.end : pos]
        if not items:
            if gap.strip(" ,") and not (town_gap is not None and town_gap.fullmatch(gap)):
                break
        elif not _BEFORE_SEP.fullmatch(gap):
            break
        items.append(OrgSpan(e.start, e.end, e.kb_id))
        pos = e.start
    return _partner_mentions(doc, rule, list(reversed(items)))


# -- municipality ------------------------------------------------------------


def _municipality(doc: Document, beneficiary: Mention | None) -> list[Mention]:
    ents = [e for e in doc.entities if e.kb_id is not None and e.source == "gazetteer"]
    rule_id = "municipality.gazetteer"
    if beneficiary is not None and beneficiary.start is not None:
        b_end = beneficiary.end or 0
        for e in ents:
            s, t = doc.to_original(e.start, e.end)
            if e.label == "ORG" and beneficiary.start <= s and t <= b_end:
                return [doc.mention("municipality", e.kb_id, e.start, e.end, rule_id)]
            # the beneficiary's seat right after its name: `МБАЛ "X" ЕООД – гр. Горна Оряховица`
            if b_end <= s <= b_end + 16 and _places().seat_before.fullmatch(doc.original, b_end, s):
                return [doc.mention("municipality", e.kb_id, e.start, e.end, rule_id)]
    if not ents:
        return []
    text = doc.text
    score: Counter[str] = Counter()
    first: dict[str, Entity] = {}
    plural_members: set[str] = set()
    for e in ents:
        assert e.kb_id is not None
        before = text[max(0, e.start - 40) : e.start].casefold()
        if e.label == "ORG":
            w = 3
        elif _AFTER_PLURAL_CUE.search(before):
            w = 1
            plural_members.add(e.kb_id)
        elif _AFTER_PLACE_CUE.search(before):
            w = 2
        else:
            w = 1
        score[e.kb_id] += w
        first.setdefault(e.kb_id, e)
    ranked = score.most_common()
    top, top_score = ranked[0]
    total = sum(score.values())
    if top in plural_members:
        return []
    if len(ranked) > 1 and ranked[1][1] == top_score:
        return []
    if len(ranked) >= 3 and top_score < 0.5 * total:
        return []
    e = first[top]
    return [doc.mention("municipality", top, e.start, e.end, rule_id)]


# -- entry point -------------------------------------------------------------


def _b_lead_subject(doc: Document, rule: Rule, m: Any) -> list[Candidate]:
    """The organisation that opens the headline or the lead and acts (a verb follows).

    The last resort for releases whose subject is a company, a school or a hospital:
    ``МБАЛ "X" АД ще модернизира ...``.  Only the first few lines count, a funder
    never does, and a text about several projects or a call has no beneficiary."""
    text = doc.text
    if m.start() >= lead_end(text) or is_several(text) or is_call(text):
        return []
    lx = _lex()
    for e in _orgs(doc):
        if e.start < m.start():
            continue
        if e.start > m.start():
            break
        if lx.funder.match(text, e.start) or not _places().after_subject.match(text, e.end):
            return []
        return _beneficiary(doc, rule, OrgSpan(e.start, e.end, e.kb_id), e.start)
    return []


_BUILDERS: dict[str, Callable[[Document, Rule, Any], list[Candidate]]] = {
    "lead_subject": _b_lead_subject,
    "org_after": _b_org_after,
    "org_before": _b_org_before,
    "contract_party": _b_contract_party,
    "mayor_signed": _b_mayor_signed,
    "partner_list": _p_list,
    "partner_single": _p_single,
    "partner_before": _p_before,
}


#: builders that take nothing from a match starting at or past ``bound(text)``: the scan of their
#: rule stops there (the lead-subject rule matches at every line start of the text, and its
#: builder only reads the lead: scanning the rest for line starts cost as much as the builder)
_SCAN_BOUNDS: dict[Callable[[Document, Rule, Any], list[Candidate]], Callable[[str], int]] = {
    _b_lead_subject: lead_end,
}


def _key(v: str) -> str:
    """One key for the names of one organisation: quotes, case and spacing aside, and an
    abbreviated head written out (``ДГ "Детелина"`` is ``Детска градина "Детелина"``).

    >>> _key('ДГ „Детелина“') == _key('Детска градина "Детелина"') != _key('ДГ "Пролет"')
    True
    """
    words = _name_words(v)
    if words:
        words[0] = _lex().head_expansions.get(words[0], words[0])
    return " ".join(words)


def _name_words(v: str) -> list[str]:
    """A name's words, quotes and case aside."""
    return v.replace('"', " ").replace("„", " ").replace("“", " ").replace("”", " ").casefold().split()


def _written_out(doc: Document, ben: Mention) -> Mention:
    """An abbreviated beneficiary (``ДГ "Зорница"``) that the text also names in full
    (``Детска градина "Зорница"``): the full name, as the record should hold it."""
    key = _key(ben.value)
    if key == " ".join(_name_words(ben.value)):
        return ben  # not abbreviated
    for e in _orgs(doc):
        value = normalise_org_name(doc.surface(e.start, e.end))
        if len(value) > len(ben.value) and _key(value) == key:
            return doc.mention("beneficiary", value, e.start, e.end, ben.rule_id)
    return ben


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """Beneficiary candidates (best first), the municipality, the partners.

    >>> from pipeline.language.ner import get_ner
    >>> d = Document.from_text("Бенефициент е Община Якимово.", ner=get_ner("rules"))
    >>> [(m.field, m.value) for m in extract(d, [])]
    [('beneficiary', 'Община Якимово'), ('municipality', 'Якимово')]
    """
    rs = _lex().rules
    text = doc.text
    bens: list[Candidate] = []
    parts: list[Candidate] = []
    for rule in rs.pattern_rules():
        builder = _BUILDERS.get(rule.builder or "")
        if builder is None:
            continue
        bound = _SCAN_BOUNDS.get(builder)
        stop = len(text) if bound is None else bound(text)
        into = bens if rule.field == "beneficiary" else parts
        for m in rule.finditer(text):
            if m.start() >= stop:
                break
            into.extend(builder(doc, rule, m))
    bens.sort(key=lambda c: (c[0], c[1]))
    ben_mentions = [c[2] for c in bens]
    partner_mentions: list[Mention] = []
    listed: dict[str, int] = {}  # key -> index in partner_mentions
    for _p, _pos, mention in sorted(parts, key=lambda c: c[1]):
        k = _key(mention.value)
        at = listed.get(k)
        if at is not None:
            if len(mention.value) > len(partner_mentions[at].value):
                partner_mentions[at] = mention  # the full form of an abbreviated name, in its place
            continue
        listed[k] = len(partner_mentions)
        partner_mentions.append(mention)
    # a partner is never the beneficiary; an organisation named as a partner
    # is not the beneficiary either
    ben_mentions = [b for b in ben_mentions if _key(b.value) not in listed]
    best = ben_mentions[0] if ben_mentions else None
    if best is not None:
        best = ben_mentions[0] = _written_out(doc, best)
        bk = _key(best.value)
        partner_mentions = [p for p in partner_mentions if _key(p.value) != bk]
    out = list(ben_mentions)
    out.extend(_municipality(doc, best))
    out.extend(partner_mentions)
    return out
