"""Extractor: contacts (persons given as contacts, e-mails, phones).

Persons are taken only after a contact cue (``Лице за контакт:``,
``обърнете се към``) or as a coordinator followed by a phone or an e-mail, because press releases quote
mayors and officials by name and those are not contacts.  A name the entity
layer tagged PER is preferred to the rule's own capture when it starts at the
same place.  Phones are normalised to digits with ``+359`` where the number is
given with an international prefix, digits as written otherwise
(see :func:`normalise_phone` for why not always ``+359``).  An address
written against harvesters (``office[at]obshtina.bg``, ``info @ school.bg``)
is given as the plain address, its span on the text as written.  A site's
footer (a copyright line at the very end, with the site's address and phone)
holds no contacts of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import regex

from ..document import Document
from ..rules import Rule, RuleSet, compile_v1, lexicon_alternation, load_ruleset
from ..schema import Mention

__all__ = ["extract", "normalise_email", "normalise_phone"]

_HYPHEN_SURNAME = regex.compile(r"-\p{Lu}\p{Ll}+", regex.V1)
#: digits may be split by a space, or by a slash or dash with spaces around it (`068/ 60 11 23`)
_NUMBER = regex.compile(r"(?:(?:\+|00)\s*359[\s/-]*(?:\(0\)\s*)?|0)\d(?:(?:[ \t]*[/-][ \t]*|\s)?\d){6,9}", regex.V1)


@lru_cache(maxsize=1)
def _rules() -> RuleSet:
    return load_ruleset("contacts")


@lru_cache(maxsize=1)
def _not_person() -> frozenset[str]:
    return frozenset(_rules().lexicons.get("not_person_first_words") or ())


#: how much may follow a copyright line for it to be the page's footer (non-blank lines, characters)
_FOOTER_TAIL_LINES = 6
_FOOTER_TAIL_CHARS = 600


@lru_cache(maxsize=1)
def _email_marks() -> Any:
    """Patterns of the ``@`` (as written or spelled out: ``[at]``) and of a spelled-out ``[dot]``,
    from the rules' lexicons."""
    lex = _rules().lexicons
    return (regex.compile(lexicon_alternation(lex.get("email_at_words") or ()) + "|@"),
            regex.compile(lexicon_alternation(lex.get("email_dot_words") or ())))


@lru_cache(maxsize=1)
def _project_contact_cue() -> Any:
    lex = _rules().lexicons
    cues = list(lex.get("project_contact_cues") or ()) + list(lex.get("contact_request_cues") or ())
    return compile_v1(r"(?<!\p{L})" + lexicon_alternation(cues) + r"(?!\p{L})", regex.IGNORECASE)


def normalise_email(surface: str) -> str:
    """The plain address of one written against harvesters: ``[at]`` → ``@``, ``[dot]`` → ``.``,
    no whitespace, lower case.

    >>> normalise_email("pr [at] mbal-test.bg"), normalise_email("Info @ School.bg")
    ('pr@mbal-test.bg', 'info@school.bg')
    >>> normalise_email("ivan (at) test [dot] bg")
    'ivan@test.bg'
    """
    at, dot = _email_marks()
    plain = dot.sub(".", at.sub("@", "".join(surface.split())))
    return plain.lower()


def normalise_phone(surface: str) -> str | None:
    """Digits, with a leading ``+`` where the text gives an international prefix.

    SCHEMA.md writes phones as "digits with a leading + where given", and the
    scorer compares the last nine digits; a national number therefore keeps
    its trunk 0 (``02/981 23 45`` → ``029812345``: with ``+359`` the last
    nine digits of an eight-digit subscriber number would differ).

    >>> normalise_phone("02/981 23 45"), normalise_phone("+359 897 935422"), normalise_phone("0888 123 456")
    ('029812345', '+359897935422', '0888123456')
    """
    digits = "".join(ch for ch in surface if ch.isdigit())
    international = surface.lstrip().startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    national = digits[3:] if international and digits.startswith("359") else digits.lstrip("0")
    if not 7 <= len(national.lstrip("0")) <= 9:
        return None
    return "+" + digits if international else digits


def _person(doc: Document, rule: Rule, m: Any) -> list[Mention]:
    s, e = m.span("name")
    name = m.group("name")
    if name.split()[0] in _not_person():
        return []
    for ent in doc.entities:
        if ent.label == "PER" and ent.start == s:
            s, e = ent.start, max(ent.end, _with_hyphen_surname(doc, ent.end))
            break
    return [doc.mention("contacts.persons", " ".join(doc.surface(s, e).split()), s, e, rule.id)]


_LISTED_NAME = regex.compile(
    r"(?:^|(?<=[ \t]и[ \t]))[ \t]*(?:(?:инж\.|г-н|г-жа|г-ца|д-р|проф\.|доц\.|арх\.)[ \t]*)?"
    r"(?P<name>\p{Lu}\p{Ll}+[ \t]+\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}])", regex.V1 | regex.M)


def _person_list(doc: Document, rule: Rule, m: Any) -> list[Mention]:
    """``Лица за контакт:`` followed by several people: ``A и B`` on the label's line, or one
    person a line (``Кирил Младенов – тел. ...``) until a blank line, four lines at most."""
    text = doc.text
    end = text.find("\n\n", m.end())
    end = len(text) if end < 0 else end
    lines_end = m.end()
    for _ in range(5):
        nl = text.find("\n", lines_end + 1)
        if nl < 0 or nl > end:
            lines_end = end
            break
        lines_end = nl
    out = []
    for nm in _LISTED_NAME.finditer(text, m.end(), lines_end):
        name = nm.group("name")
        if name.split()[0] in _not_person():
            continue
        out.append(doc.mention("contacts.persons", " ".join(name.split()), nm.start("name"), nm.end("name"), rule.id))
    return out


def _with_hyphen_surname(doc: Document, end: int) -> int:
    hm = _HYPHEN_SURNAME.match(doc.text, end)
    return hm.end() if hm else end


def _person_entity(doc: Document, rule: Rule, m: Any) -> list[Mention]:
    """The PER entity that starts where the cue ends (any backend: honorific
    patterns in ``rules``, the model's names in ``spacy``/``stanza``); a
    hyphenated second surname the tagger cut off is added back."""
    pos = m.end()
    for ent in doc.entities:
        if ent.label == "PER" and pos <= ent.start <= pos + 1 and "\n" not in doc.text[pos:ent.start]:
            s, e = ent.start, _with_hyphen_surname(doc, ent.end)
            name = " ".join(doc.surface(s, e).split())
            if name.split()[0] in _not_person() or len(name.split()) < 2:
                return []
            return [doc.mention("contacts.persons", name, s, e, rule.id)]
        if ent.start > pos + 1:
            break
    return []


def _email(doc: Document, rule: Rule, m: Any) -> list[Mention]:
    s, e = m.span()
    return [doc.mention("contacts.emails", m.group().lower(), s, e, rule.id)]


def _email_obfuscated(doc: Document, rule: Rule, m: Any) -> list[Mention]:
    """An address with a spelled-out or spaced ``@`` or ``.``: the match starts at the ``@``, the
    local part before it is the group ``local`` of a look-behind, where the span starts."""
    s, e = m.start("local"), m.end()
    surface = doc.text[s:e]
    if "".join(surface.split()) == surface and "@" in surface and not _email_marks()[1].search(surface):
        return []  # a plain address: the contacts.email rule's
    return [doc.mention("contacts.emails", normalise_email(surface), s, e, rule.id)]


def _footer_zone(text: str, m: Any) -> tuple[int, int] | None:
    """The span of the site footer around the copyright mark ``m``, or None when the mark's line
    is not at the very end of the text.

    The footer is the copyright line's paragraph (the non-blank lines before it) and what follows
    it, up to a line with a cue for the project's contacts; a cue line in the paragraph above the
    copyright line means the lines between are the project's contact block, and the footer starts
    at the copyright line.
    """
    ls = text.rfind("\n", 0, m.start()) + 1
    le = text.find("\n", m.end())
    le = len(text) if le < 0 else le
    tail = text[le:]
    if len(tail.strip()) > _FOOTER_TAIL_CHARS or sum(1 for x in tail.splitlines() if x.strip()) > _FOOTER_TAIL_LINES:
        return None
    cue = _project_contact_cue()
    start = ls
    pos = ls
    while pos > 0:
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        line = text[prev_start:pos - 1]
        if not line.strip():
            break
        if cue.search(line):
            start = ls
            break
        start = pos = prev_start
    end = len(text)
    after = cue.search(text, le)
    if after is not None:
        end = text.rfind("\n", 0, after.start()) + 1
    return start, end


def _page_end_zone(text: str, m: Any) -> tuple[int, int] | None:
    """From a line of page furniture after the article (``Сподели``, ``Свързани новини``) to the
    end, up to a line with a cue for the project's contacts; None in the text's first half, where
    such words belong to the page's head (``Прочетено``, a menu)."""
    if m.start() < len(text) // 2:
        return None
    start = text.rfind("\n", 0, m.start()) + 1
    after = _project_contact_cue().search(text, m.end())
    end = len(text) if after is None else text.rfind("\n", 0, after.start()) + 1
    return (start, end) if end > start else None


def _phones_in(doc: Document, rule: Rule, start: int, end: int, number: Any = _NUMBER) -> list[Mention]:
    """A mention for each phone number that ``number`` finds in ``[start, end)``."""
    out: list[Mention] = []
    for nm in number.finditer(doc.text, start, end):
        value = normalise_phone(nm.group())
        if value is not None:
            out.append(doc.mention("contacts.phones", value, nm.start(), nm.end(), rule.id))
    return out


def _phone(doc: Document, rule: Rule, m: Any) -> list[Mention]:
    return _phones_in(doc, rule, m.start("num"), m.end("more") if m.group("more") else m.end("num"))


#: a national number with spaces at most: on a line of bare numbers a slash separates two numbers
_LINE_NUMBER = regex.compile(r"0\d(?:[ \t]?\d){7,8}", regex.V1)


def _phone_line(doc: Document, rule: Rule, m: Any) -> list[Mention]:
    """Each number of a line of bare numbers (``0457 6 21 33 / 0896 55 14 02``)."""
    return _phones_in(doc, rule, m.start("num"), m.end("num"), _LINE_NUMBER)


_BUILDERS: dict[str, Callable[[Document, Rule, Any], list[Mention]]] = {
    "person": _person,
    "person_entity": _person_entity,
    "person_list": _person_list,
    "email": _email,
    "email_obfuscated": _email_obfuscated,
    "phone": _phone,
    "phone_line": _phone_line,
}


def extract(doc: Document, found: Sequence[Mention]) -> list[Mention]:
    """Contact persons, e-mails and phones, in text order.

    >>> from pipeline.language.ner import get_ner
    >>> d = Document.from_text("Лице за контакт: Мария Иванова, тел. 0888 123 456", ner=get_ner("rules"))
    >>> [(m.field, m.value) for m in extract(d, [])]
    [('contacts.persons', 'Мария Иванова'), ('contacts.phones', '0888123456')]
    """
    out: list[Mention] = []
    footers: list[tuple[int, int]] = []
    for rule, m in _rules().finditer(doc.text):
        if rule.builder == "site_footer":
            zone = _page_end_zone(doc.text, m) if rule.options.get("page_end") else _footer_zone(doc.text, m)
            if zone is not None:
                footers.append(zone)
            continue
        builder = _BUILDERS.get(rule.builder or "")
        if builder is not None:
            out.extend(builder(doc, rule, m))
    if footers:  # mentions are grounded in the original text: so are the zones
        zones = [doc.to_original(s, e) for s, e in footers]
        out = [x for x in out if x.start is None or not any(s <= x.start < e for s, e in zones)]
    # two person rules on one name: the first rule's mention stands
    seen: set[int | None] = set()
    kept: list[Mention] = []
    for x in out:
        if x.field == "contacts.persons":
            if x.start in seen:
                continue
            seen.add(x.start)
        kept.append(x)
    kept.sort(key=lambda x: x.start if x.start is not None else 0)
    return kept
