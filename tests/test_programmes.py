"""Programmes and funds: aliases, periods, order of first mention."""

from __future__ import annotations

from pipeline.assemble import assemble
from pipeline.document import Document
from pipeline.extractors import programmes as _mod
from pipeline.extractors.programmes import period_of_years, programme_of_prefix
from pipeline.schema import Mention, Record


def _mentions(text: str) -> list[Mention]:
    """This extractor alone (its tests do not depend on the other extractors)."""
    return _mod.extract(Document.from_text(text), [])


def extract(text: str) -> Record:
    return assemble("t", _mentions(text))


def test_prefixes_and_periods() -> None:
    assert programme_of_prefix("BG05M9OP001") == "OPHRD-2014"
    assert programme_of_prefix("BG05M20P001") == "OPSESG-2014"  # O typed as 0
    assert programme_of_prefix("BG99XXXX001") is None
    assert period_of_years("2007-2013") == 2007
    assert period_of_years("2021 - 2027") == 2021


def test_order_of_first_mention_including_code_prefix() -> None:
    rec = extract(
        "Проект BG05M9OP001-2.056-0142 се финансира по ОП „Наука и образование за интелигентен растеж“ "
        "и по ОП „Развитие на човешките ресурси“."
    )
    assert rec.programmes == ("OPHRD-2014", "OPSESG-2014")


def test_period_from_codes_and_years() -> None:
    rec = extract("Договор BG051PO001-5.2.12-0038-C0001 по Оперативна програма „Развитие на човешките ресурси“.")
    assert rec.programmes == ("OPHRD-2007",)
    rec = extract("На 12.03.2011 г. откриха пречиствателна станция по ОП Околна среда.")
    assert rec.programmes == ("OPE-2007",)
    rec = extract("Проектът е по ОП „Развитие на човешките ресурси” / ОП РЧР/ 2007-2013 г.")
    assert rec.programmes == ("OPHRD-2007",)


def test_new_style_head_is_2021() -> None:
    rec = extract("Общината кандидатства по Програма „Развитие на човешките ресурси“.")
    assert rec.programmes == ("PHRD-2021",)


def test_list_of_short_names_takes_the_text_period() -> None:
    rec = extract(
        'Водеща е програма "Развитие на регионите". Други програми - "Конкурентоспособност", '
        '"Образование", "Научни изследвания" и "Околна среда".'
    )
    assert rec.programmes == ("PRD-2021", "PCIE-2021", "PE-2021", "OTHER", "PENV-2021")


def test_other_and_not_a_programme() -> None:
    assert extract("Проектът е по Програма Interreg V-A Румъния-България.").programmes == ("OTHER",)
    assert extract("Това продължава пилотна програма „Работа“ от 2017 г.").programmes == ()


def test_funds() -> None:
    rec = extract("Съфинансиран от Европейския социален фонд; 85% от ЕФРР и грант по Норвежкия финансов механизъм.")
    assert rec.funds == ("ESF", "ERDF", "NOR")


def test_every_occurrence_is_a_mention() -> None:
    mentions = _mentions("По ОП РЧР са 100 лв., а по ОП НОИР - 50 лв.; общо по ОП РЧР и ОП НОИР.")
    assert [m.value for m in mentions if m.field == "programmes"] == [
        "OPHRD-2014", "OPSESG-2014", "OPHRD-2014", "OPSESG-2014"
    ]
