"""Dates: the normaliser against dateparser, and the extractor on sentences of our own.

Rule-level examples live in rules/dates.yaml (run by test_rule_examples.py);
these tests pin what crosses rules: ranges, roles, the page's date line and the
relative dates resolved against it, the start/end scalars, and the things that
must never be read as dates (money, codes, phones, programme periods).
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import extract_with_mentions
from pipeline.document import Document
from pipeline.extractors import dates as dates_extractor
from pipeline.normalisers.dates import (
    expand_year,
    iso_date,
    month_number,
    parse_with_dateparser,
    resolve_relative,
)


def _dates(text: str) -> list[tuple[str, str]]:
    record, _ = extract_with_mentions(text, "t")
    return [(d.value, d.role) for d in record.dates]


def _period(text: str) -> tuple[str | None, str | None]:
    record, _ = extract_with_mentions(text, "t")
    return record.start_date, record.end_date


# -- normaliser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word,month",
    [("януари", 1), ("Януари", 1), ("ЯНУАРИ", 1), ("ян.", 1), ("фев", 2), ("февр.", 2), ("Май", 5),
     ("септ.", 9), ("Декември", 12), ("Jun", 6), ("august", 8)],
)
def test_month_number(word: str, month: int) -> None:
    assert month_number(word) == month


def test_iso_date_precision_and_calendar() -> None:
    assert iso_date(2022, 1, 10) == "2022-01-10"
    assert iso_date(2023, 6) == "2023-06"
    assert iso_date(2023) == "2023"
    assert iso_date(2023, 2, 29) is None
    assert iso_date(2023, 13) is None
    assert iso_date(1850) is None


def test_expand_year() -> None:
    assert [expand_year(y) for y in ("2014", "08", "16", "98", "123")] == [2014, 2008, 2016, 1998, None]


@pytest.mark.parametrize(
    "expr,anchor,value",
    [("днес", "2008-11-21", "2008-11-21"), ("вчера", "2024-03-01", "2024-02-29"), ("утре", "2023-12-31", "2024-01-01"),
     ("тази година", "2025-09-24", "2025"), ("миналата година", "2025-09-24", "2024"),
     ("т.г.", "2019-08-20", "2019"), ("края на годината", "2025-12-23", "2025"), ("днес", None, None)],
)
def test_resolve_relative(expr: str, anchor: str | None, value: str | None) -> None:
    assert resolve_relative(expr, anchor) == value


@pytest.mark.parametrize(
    "text",
    ["10 януари 2022", "13 Април 2022", "31 март 2014", "юни 2023", "ноември 2008", "24 Януари 2014",
     "9 ян. 2020", "1 октомври 2019", "декември 2007"],
)
def test_lexicon_agrees_with_dateparser(text: str) -> None:
    """dateparser is the oracle for month-name dates both can read."""
    found = _dates(f"Събитието стана през {text} г.")
    assert found, text
    assert found[0][0] == parse_with_dateparser(text)


# -- forms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("Срещата се проведе на 10.01.2022 в залата.", "2022-01-10"),
        ("Срещата се проведе на 10.01.2022 г. в залата.", "2022-01-10"),
        ("Срещата се проведе на 10.1.2022г. в залата.", "2022-01-10"),
        ("Срещата се проведе на 10/01/2022 в залата.", "2022-01-10"),
        ("Срещата се проведе на 2022-01-10 в залата.", "2022-01-10"),
        ("Срещата се проведе на 10 януари 2022 г. в залата.", "2022-01-10"),
        ("Срещата се проведе на 10-ти януари 2022 година.", "2022-01-10"),
        ("Срещата се проведе през юни 2023 в залата.", "2023-06"),
        ("Срещата се проведе през 2021 година в залата.", "2021"),
        ("Ремонтът е извършен през 2021 г.", "2021"),
        ("Ремонтът ще приключи в края на 2023 г.", "2023"),
        ("Центърът работи от 2019 г.", "2019"),
    ],
)
def test_forms(text: str, value: str) -> None:
    assert [v for v, _ in _dates(text)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Стойността е 2,5 млн. евро, от които 1.250.000 лв. национално съфинансиране.",
        "Телефон: 0888 123 456, факс 02/981 2020.",
        "Проект BG05M9OP001-2.023-0001 по процедура BG05M9OP001-2.023.",
        "Процедура BG161PO001/5-03/2013 за градско развитие.",
        "Финансирането е по програма 2014-2020 г. и по ПРЧР 2021 - 2027 г.",
        "Финансирането е за периода 2014 - 2020 г.",
        "Помощта е в размер до 2000 лв. на лице.",
        "Общо 2020 деца ще бъдат обхванати.",
        "На 15 май ще има среща.",
        "Днес кметът откри сградата.",
        "Тази година се включиха 40 младежи.",
        "© 2025 Новини. Всички права запазени.",
    ],
)
def test_not_dates(text: str) -> None:
    assert _dates(text) == []


def test_date_does_not_overlap_money_mentions() -> None:
    _, mentions = extract_with_mentions("Бюджетът е 2 177 956,5 лв., а договорът е от 01.08.2014 г.", "t")
    dates = [m for m in mentions if m.field == "dates"]
    money = [m for m in mentions if m.field == "amounts"]
    assert [m.text for m in dates] == ["01.08.2014 г."]
    for d in dates:
        for a in money:
            assert d.end <= a.start or a.end <= d.start  # type: ignore[operator]


# -- ranges, roles and the start/end scalars ----------------------------------------------------


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("Период на изпълнение: 01.09.2019 - 01.01.2021 г.", "2019-09-01", "2021-01-01"),
        ("Проектът ще се изпълнява от 01.09.2019 г. до 31.12.2020 г.", "2019-09-01", "2020-12-31"),
        ("Проектът ще се изпълнява от март 2022 г. до февруари 2024 г.", "2022-03", "2024-02"),
        ("Проектът е изпълнен в периода октомври 2009 г. - септември 2010 г.", "2009-10", "2010-09"),
        ("Проектът стартира на 10.01.2022 и приключва на 30.11.2023г.", "2022-01-10", "2023-11-30"),
        ("Проектът ще се изпълнява от 2019 до 2021 г.", "2019", "2021"),
        ("Начална дата: 06.03.2014\nДата на приключване: 01.11.2015", "2014-03-06", "2015-11-01"),
        ("Проектът стартира през май 2021 г.", "2021-05", None),
        ("Срокът за изпълнение на проекта е до 31.10.2016 г.", None, "2016-10-31"),
        ("Срокът на проекта е до края на 2023 г.", None, "2023"),
        ("Проектът ще се изпълнява в периода 2024 - 2026 г.\nДата на стартиране: 15.04.2024 г.", "2024-04-15", "2026"),
        ("Отчетът обхваща периода от 01.01 до 31.12.2023 г. на проекта.", "2023-01-01", "2023-12-31"),
    ],
)
def test_period(text: str, start: str | None, end: str | None) -> None:
    assert _period(text) == (start, end)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("На 14 март 2014 г. в София се проведе пресконференция за проекта.", [("2014-03-14", "event")]),
        ("Договорът е подписан на 12.05.2020 г.", [("2020-05-12", "event")]),
        ("Кметът подписа договор № РД50-83/13.06.2012 г. с министерството.", [("2012-06-13", "event")]),
        ("Договор № 16/07/2/0/00342 от 19.03.2019 г. е сключен.", [("2019-03-19", "event")]),
        ("Краен срок: 12.04.2021 година, 16:30 часа.", [("2021-04-12", "other")]),
        ("От 17 декември 2018 година започна приемът на предложения.", [("2018-12-17", "event")]),
        ("Пилотната програма работи до края на 2017 г. в региона.", [("2017", "other")]),
        ("Строителните работи са приключили на 5 ноември 2012 г.", [("2012-11-05", "event")]),
        ("Ремонтът на сградата започна през 2021 година.", [("2021", "event")]),
        ("Форумът се проведе на 9-ти и 10-ти май 2019 г.", [("2019-05-09", "event"), ("2019-05-10", "event")]),
    ],
)
def test_roles(text: str, expected: list[tuple[str, str]]) -> None:
    assert _dates(text) == expected


def test_no_period_for_non_project_dates() -> None:
    assert _period("На 14 март 2014 г. се проведе пресконференция.") == (None, None)
    assert _period("От 17 декември 2018 година започна приемът на предложения.") == (None, None)


# -- the page's date line and relative dates --------------------------------------------------


@pytest.mark.parametrize(
    "head,value",
    [
        (" date 2025-09-24 Общината", "2025-09-24"),
        ("Петък, 24 Януари 2014г. 16:18ч.", "2014-01-24"),
        ("24.09.2025", "2025-09-24"),
        ("14 Май 2019, 19:05     0", "2019-05-14"),
        ("20 Август 2019 | 11:58", "2019-08-20"),
        ("17:44 | 21.11.08 г.", "2008-11-21"),
        ("19:19, 09 авг 16", "2016-08-09"),
        ("05 Jun, 2024", "2024-06-05"),
        ("9 Март 2022 Източник: Община Ботевград видяна 214 /", "2022-03-09"),
    ],
)
def test_date_line_is_other_and_sets_pub_date(head: str, value: str) -> None:
    text = f"Заглавие на новината\n{head}\n\nОбщината получи финансиране днес."
    doc = Document.from_text(text)
    mentions = dates_extractor.extract(doc, [])
    assert doc.meta["pub_date"] == value
    first: Any = mentions[0].value
    assert (first.value, first.role) == (value, "other")
    # `днес` resolves against the date line (its own mention, same value)
    assert [m.value.value for m in mentions if m.text.casefold() == "днес"] == [value]


def test_relative_dates_need_a_date_line() -> None:
    assert _dates("Днес кметът подписа договора. Миналата година бяха 20 деца.") == []
    got = _dates("Понеделник, 3 Март 2025г. 10:00ч.\n\nМиналата година бяха 20 деца, а на 26 април т.г. започва прием.")
    assert ("2024", "event") in got
    assert ("2025-04-26", "event") in got


def test_pub_date_given_in_meta_wins() -> None:
    doc = Document.from_text("Кметът откри центъра вчера.", meta={"pub_date": "2024-05-02"})
    mentions = dates_extractor.extract(doc, [])
    assert [m.value.value for m in mentions] == ["2024-05-01"]


def test_bottom_update_line_is_other_but_not_pub_date() -> None:
    body = "Новина без дата в началото. " * 30
    doc = Document.from_text(f"{body}\nПоследна актуализация: 14:05 | 03.10.23 г")
    mentions = dates_extractor.extract(doc, [])
    assert [(m.value.value, m.value.role) for m in mentions] == [("2023-10-03", "other")]
    assert "pub_date" not in doc.meta
