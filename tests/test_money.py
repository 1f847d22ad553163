"""The money extractor: values to the cent, currencies, roles, qualifiers, programmes.

The rule examples in rules/money.yaml run through the full pipeline in
test_rule_examples.py; these tests pin the behaviour around them: exclusions,
shared currencies, the document-level `other`, and the programme id taken
from the programmes extractor's mentions.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline import extract_with_mentions
from pipeline.document import Document
from pipeline.extractors import money
from pipeline.schema import Amount, Mention


def _amounts(text: str) -> list[tuple[str, Amount]]:
    doc = Document.from_text(text)
    return [(m.text, m.value) for m in money.extract(doc, [])]


def _one(text: str) -> Amount:
    got = _amounts(text)
    assert len(got) == 1, got
    return got[0][1]


@pytest.mark.parametrize(
    "text,value,currency",
    [
        ("Стойността е 1 035 612 лева.", "1035612", "BGN"),
        ("Стойността е 1 573 417,65 лв.", "1573417.65", "BGN"),
        ("Стойността е 1 183 459.15 лв.", "1183459.15", "BGN"),
        ("Стойността е 20.6 млн. лв.", "20600000", "BGN"),
        ("Стойността е 4,8 млн. лв.", "4800000", "BGN"),
        ("Стойността е 999 343 евро.", "999343", "EUR"),
        ("Стойността е 132 хил. евро.", "132000", "EUR"),
        ("Стойността е 1,24 млн. евро.", "1240000", "EUR"),
        ("Стойността е BGN 100 000.", "100000", "BGN"),
        ("Стойността е 100 000 EUR.", "100000", "EUR"),
        ("Стойността е € 50 000.", "50000", "EUR"),
        ("Стойността е два милиона лева.", "2000000", "BGN"),
        ("Стойността е сто хиляди евро.", "100000", "EUR"),
        ("Стойността е 857810.32лв., без ДДС.", "857810.32", "BGN"),
        ("Стойността е 199 392, 00 лв.", "199392", "BGN"),
        ("Стойността е 2,2 млн.лв с ДДС.", "2200000", "BGN"),
        ("Стойността е 258.504.126 евро.", "258504126", "EUR"),
        ("Стойността е 96,450,936 евро.", "96450936", "EUR"),
        ("Стойността е 749 999,78 eвро.", "749999.78", "EUR"),  # Latin e
        ("Стойността е 2 млрд. лв.", "2000000000", "BGN"),
        ("Стойността е 5 000 долара.", "5000", "USD"),
        ("The project benefits from a € 1.06 million grant.", "1060000", "EUR"),
    ],
)
def test_values_are_exact(text: str, value: str, currency: str) -> None:
    a = _one(text)
    assert a.value == Decimal(value)
    assert a.currency == currency


@pytest.mark.parametrize(
    "text",
    [
        "Проектът обхваща 1 035 612 жители.",
        "Съфинансирането е 15 % от разходите.",
        "Процедура BG05M9OP001-2.023 стартира през 2021 г.",
        "Телефон: 0888 123 456.",
        "Срокът е 30.11.2023 г.",
        "От услугата се възползват 67 хил. души.",
        "Европейските средства и еврофондовете растат.",
        "Няколко хиляди лева бяха дарени.",
        "Милиони лева се харчат за реклама.",
        "В доклада на BGN 2019 няма данни.",
    ],
)
def test_not_money(text: str) -> None:
    assert _amounts(text) == []


def test_range_shares_currency_and_has_no_qualifier() -> None:
    got = _amounts("Всеки кандидат може да получи от 50 000 до 200 000 лв.")
    assert [(t, a.value, a.currency, a.approx) for t, a in got] == [
        ("50 000", Decimal("50000"), "BGN", None),
        ("200 000 лв.", Decimal("200000"), "BGN", None),
    ]


def test_list_shares_currency() -> None:
    got = _amounts("Наградите са 20 000, 30 000 и 50 000 лева.")
    assert [a.value for _, a in got] == [Decimal("20000"), Decimal("30000"), Decimal("50000")]
    assert {a.currency for _, a in got} == {"BGN"}


def test_range_shares_multiplier() -> None:
    got = _amounts("Всяка група ще получи между 1 и 2 млн. лв.")
    assert [a.value for _, a in got] == [Decimal("1000000"), Decimal("2000000")]


def test_year_is_not_a_list_mate() -> None:
    got = _amounts("През 2022 и 2023 г. са изплатени 50 000 лв.")
    assert [t for t, _ in got] == ["50 000 лв."]


def test_line_list_takes_currency_of_the_lines_above() -> None:
    text = "Разпределение:\nРемонт (4 500 000 евро)\n-\nОбучения (1 250 000)\nТехническа помощ (300 000)"
    got = _amounts(text)
    assert [(a.value, a.currency) for _, a in got] == [
        (Decimal("4500000"), "EUR"),
        (Decimal("1250000"), "EUR"),
        (Decimal("300000"), "EUR"),
    ]


def test_two_currencies_share_the_role() -> None:
    got = _amounts("Общата стойност на проекта е 1 000 000 лв. (511 292 евро).")
    assert [(a.currency, a.role) for _, a in got] == [("BGN", "total"), ("EUR", "total")]


@pytest.mark.parametrize(
    "text,role",
    [
        ("Общата стойност на проекта е 500 000 лв.", "total"),
        ("Проектът е на стойност 500 000 лв.", "total"),
        ("Кметът подписа договор за над 470 хил. лв.", "total"),
        ("Размерът на безвъзмездната финансова помощ е 500 000 лв.", "grant"),
        ("Дейностите се финансират с близо 900 хиляди лева.", "grant"),
        ("Общата стойност на одобреното финансиране е 500 000 лв.", "grant"),
        ("Министерството отпуска още 6 милиона лева на общините.", "other"),
        ("Бюджетът на програмата е 258 000 000 евро.", "other"),
        ("Общият бюджет по процедурата (бюджет на приема) е 300 000 лв.", "other"),
        ("Общината е изпълнила социални проекти за над 3,5 млн. лв.", "other"),
        ("Финансовата рамка, осигуряваща подкрепа за проекти на местните рибари, е 3 млн. лева.", "total"),
    ],
)
def test_role_from_nearest_cue(text: str, role: str) -> None:
    assert _one(text).role == role


def test_shares_after_a_total() -> None:
    text = (
        "Безвъзмездната финансова помощ е 612 400,00 лв., като финансирането от Европейския социален фонд "
        "е на стойност 520 540,00 лв. и националното съфинансиране е на стойност 91 860,00 лв."
    )
    assert [a.role for _, a in _amounts(text)] == ["grant", "eu", "national"]


def test_shares_named_after_the_amounts() -> None:
    text = "Общата стойност е 1 000 000 лв., като 850 000 лв. са европейско финансиране, а 150 000 лв. - собствен принос."
    assert [a.role for _, a in _amounts(text)] == ["total", "eu", "own"]


def test_financing_broken_into_shares_is_the_total() -> None:
    text = "Договорено е финансиране в размер 1 555 364,20 лв., от които 1 198 848,43 лева от ОП РЧР."
    assert [a.role for _, a in _amounts(text)] == ["total", "programme"]


def test_programme_id_from_the_programmes_mentions() -> None:
    text = "Общата му стойност е 1 573 417,65 лв. от които: 1 183 459.15 лв. по ОП РЧР и 389 958.50 лв. по ОП НОИР."
    doc = Document.from_text(text)
    found = [
        Mention("programmes", "OPHRD-2014", "ОП РЧР", text.index("ОП РЧР"), text.index("ОП РЧР") + 6, "t"),
        Mention("programmes", "OPSESG-2014", "ОП НОИР", text.index("ОП НОИР"), text.index("ОП НОИР") + 7, "t"),
    ]
    got = [(m.value.role, m.value.programme) for m in money.extract(doc, found)]
    assert got == [("total", None), ("programme", "OPHRD-2014"), ("programme", "OPSESG-2014")]


def test_programme_role_without_programme_mentions_leaves_id_empty() -> None:
    text = "Общата стойност е 900 000 лв., от които 700 000 лв. по Оперативна програма „Нещо ново“."
    got = _amounts(text)
    assert [(a.role, a.programme) for _, a in got] == [("total", None), ("programme", None)]


def test_programme_cue_before_the_first_amount_is_not_a_share() -> None:
    text = "С договора се осигурява допълнително финансиране по Програма за морско дело в размер на 2 млн. лв."
    assert _one(text).role == "grant"


@pytest.mark.parametrize(
    "text,approx",
    [
        ("Проектът е за над 3 млн. евро.", "over"),
        ("Остатъкът от малко над 1 млрд. лв. е за други програми.", "over"),
        ("Разходите са по-малко от 10 000 лв.", "under"),
        ("Ремонтът ще струва около 250 000 лв.", "about"),
        ("Бюджетът възлиза на близо 1 млрд. лв.", "about"),
        ("Всяка община може да получи до 150 000 лв.", "up_to"),
        ("Максималният размер на помощта е 400 000 лв.", "up_to"),
        ("Срокът е до 31.12.2023 г., а стойността е 90 000 лв.", None),
    ],
)
def test_approx(text: str, approx: str | None) -> None:
    assert _one(text).approx == approx


def test_bullet_list_takes_cues_from_its_header() -> None:
    text = "Минималният размер е 100 000 лв., а максималният размер за:\n• микро предприятия – 500 000 лв;\n• малки предприятия – 750 000 лв.;"
    got = _amounts(text)
    assert [(a.value, a.approx, a.role) for _, a in got] == [
        (Decimal("100000"), None, "other"),
        (Decimal("500000"), "up_to", "other"),
        (Decimal("750000"), "up_to", "other"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Два социални проекта спечели общината. Първият е на обща стойност 252 755,74 лева.",
        "Кметът подписа споразумения за още 4 проекта на обща стойност 756 000 лв.",
        "Започна приемът на проектни предложения. Общата стойност на проекта може да е 100 000 лв.",
    ],
)
def test_several_projects_or_a_call_make_every_amount_other(text: str) -> None:
    assert {a.role for _, a in _amounts(text)} == {"other"}


def test_mentions_are_grounded_in_the_original_text() -> None:
    text = "Общата стойност е 1\u00a0035\u00a0612\u00a0лева – „много“."
    _, mentions = extract_with_mentions(text)
    (m,) = [m for m in mentions if m.field == "amounts"]
    assert m.start is not None and m.end is not None
    assert text[m.start : m.end] == m.text == "1\u00a0035\u00a0612\u00a0лева"
    assert m.rule_id == "money.figure_currency" and m.label == "total"


def test_headline_and_body_repeat_is_listed_once() -> None:
    text = "Община получи над 300 хиляди лева\n\nОбщината получи финансиране за над 300 хиляди лева по програмата."
    record, _ = extract_with_mentions(text)
    assert [(a.value, a.role) for a in record.amounts] == [(Decimal("300000"), "grant")]


def test_doc_call_candidate_scan_equals_plain_scan() -> None:
    """The call-for-proposals test tries its pattern only where a cue word starts: the matches
    must be those of a scan at every position (lower-cased corpus texts, as money reads them)."""
    from pathlib import Path

    from pipeline.extractors.money import _grammar, _lower_scan
    from pipeline.textnorm import normalise

    g = _grammar()
    root = Path(__file__).resolve().parent.parent
    texts = [normalise(p.read_text(encoding="utf-8")).text.lower() for p in sorted((root / "corpus").glob("*.txt"))]
    texts.append("стартира прием на проектни предложения по процедура за подбор; допустими кандидати са")
    texts += [t.replace(" ", "  ") for t in texts] + [t.replace(" ", "\n") for t in texts]
    for text in texts:
        got = [m.span() for m in _lower_scan(g.doc_call, text, g.call_starts)]
        assert got == [m.span() for m in g.doc_call.finditer(text)]
    assert any(next(iter(_lower_scan(g.doc_call, t, g.call_starts)), None) for t in texts), "a call is found"
