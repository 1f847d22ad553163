"""Project title: quoted name after a project word, nesting, headline vs body, several projects."""

from __future__ import annotations

from pipeline.document import Document
from pipeline.extractors import title as _mod
from pipeline.extractors.title import closing_quote


def _title(text: str) -> str | None:
    """This extractor alone (its tests do not depend on the other extractors)."""
    found = _mod.extract(Document.from_text(text), [])
    return found[0].value if found else None


def test_nested_quotes_are_kept() -> None:
    text = "Проект BG05M9OP001-2.002-0317-C02 „Подкрепа на Звено „Домашен помощник” в град Ямбол”. Проектът е одобрен."
    assert _title(text) == "Подкрепа на Звено „Домашен помощник” в град Ямбол"


def test_closing_quote_classification() -> None:
    d = Document.from_text('проект ”Канализация и ГПСОВ на града” с "X" след')
    o = d.text.index('"')
    assert d.text[o + 1 : closing_quote(d, o)] == "Канализация и ГПСОВ на града"


def test_unclosed_quote_gives_nothing() -> None:
    assert _title("Стартира проект „Работа за всички\nи още текст") is None


def test_body_name_beats_shorter_headline_name() -> None:
    text = (
        'Проект "Ремонт на ЦДГ с. Лобош"\n\n'
        "Общината стартира проект „Ремонт на целодневна детска градина с. Лобош“ през май."
    )
    assert _title(text) == "Ремонт на целодневна детска градина с. Лобош"


def test_headline_alone() -> None:
    assert _title("Проект: „Интегрирани мерки за общността”\n\nМясто: Перник") == "Интегрирани мерки за общността"


def test_whitespace_collapsed_and_trimmed() -> None:
    assert _title("стартира проект “ Реконструкция   на  детска градина”  № 1") == "Реконструкция на детска градина"


def test_procedure_and_programme_names_are_not_titles() -> None:
    assert _title("Проектът е по процедура „Патронажна грижа“ на Програма „Развитие на човешките ресурси“.") is None


def test_several_projects_and_calls_get_no_title() -> None:
    assert _title("Проект BG05M9OP001-2.023-0001 „А“ и проект BG05M9OP001-2.023-0002 „Б“.") is None
    assert _title("Започна приемът на проектни предложения; проект „А“ е пример.") is None


def test_label_line_and_caps_headline() -> None:
    assert _title("Наименование: Дом за нашите деца - „Център“ в Долни чифлик\nБенефициент: Община") == (
        "Дом за нашите деца - „Център“ в Долни чифлик"
    )
    assert _title("УДЪЛЖИХА ПРОЕКТА ЦЕНТЪР „РАЗВИТИЕ“ В ОБЩИНА ВЕЛИНГРАД\n\nТекст.") == (
        "ЦЕНТЪР „РАЗВИТИЕ“ В ОБЩИНА ВЕЛИНГРАД"
    )


def test_a_headline_in_capitals_gives_way_to_the_name_as_the_body_spells_it() -> None:
    text = ("Новини\n\nПРОЕКТ „РАВЕН СТАРТ“\n\nУчилището изпълнява проект „Равен старт – подкрепа "
            "за учениците в община Тестово“ по Програма „Образование“.")
    assert _title(text) == "Равен старт – подкрепа за учениците в община Тестово"
    same = "Новини\n\nПРОЕКТ „РАВЕН СТАРТ“\n\nУчилището изпълнява проект „Равен старт“."
    assert _title(same) == "Равен старт"
