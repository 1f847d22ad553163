"""Beneficiary, municipality and partners on small texts we wrote."""

from __future__ import annotations

import pytest

from pipeline import extract
from pipeline.extractors.organisations import normalise_org_name


def test_beneficiary_and_partners_from_labels() -> None:
    r = extract('Бенефициент е Община Якимово, а партньори са "Розоцвета" ЕООД, Детска градина "Слънчице" '
                'и Народно читалище "Изгрев-1926".')
    assert r.beneficiary == "Община Якимово"
    assert r.municipality == "Якимово"
    assert r.partners == ('"Розоцвета" ЕООД', 'Детска градина "Слънчице"', 'Народно читалище "Изгрев-1926"')


def test_partners_keep_original_quotes_and_drop_locality_and_abbreviation() -> None:
    r = extract("Водеща организация: Община Перник, Република България\n"
                "Партньори: Фондация „Позитивни умения“ (П.У.); ДГ „Зора“ – гр. Перник; Intermezzo ungdom (Норвегия)\n")
    assert r.beneficiary == "Община Перник"
    assert r.partners == ("Фондация „Позитивни умения“", "ДГ „Зора“", "Intermezzo ungdom")


def test_an_abbreviated_and_a_full_name_are_one_partner_listed_in_full() -> None:
    r = extract("ДГ „Детелина“ – Кърджали е партньор в проект за приобщаване\n\n"
                "Детска градина „Детелина“ в гр. Кърджали се включи като партньор в проект „Всяко дете“, "
                "който се изпълнява от Сдружение „Мост“. Другите партньори са ДГ „Пролет“ и ОУ „Отец Паисий“.")
    assert r.partners == ("Детска градина „Детелина“", "ДГ „Пролет“", "ОУ „Отец Паисий“")
    assert extract("Партньори са ДГ „Пролет“ и ДГ „Зора“.").partners == ("ДГ „Пролет“", "ДГ „Зора“")


def test_plural_head_distributes() -> None:
    r = extract('Общината кандидатства съвместно с общините Каолиново и Венец и сдруженията "Перспектива" и "Надежда".')
    assert r.partners == ("Община Каолиново", "Община Венец", 'Сдружение "Перспектива"', 'Сдружение "Надежда"')
    assert r.municipality is None  # a joint project of several municipalities


def test_partner_is_never_the_beneficiary() -> None:
    r = extract("Проектът се изпълнява в партньорство между Община Рила, Фондация Мост и Българо-Датско дружество.")
    assert r.beneficiary is None
    assert "Община Рила" in r.partners


def test_municipality_forms() -> None:
    assert extract("Срещата се проведе в гр. В. Търново.").municipality == "Велико Търново"
    assert extract("Столична община реализира проект за деца.").municipality == "Столична"
    assert extract("Кметът Роман Петков откри срещата.").municipality is None
    assert extract("Допустими региони: Видин, Враца, Монтана, Плевен, Русе.").municipality is None


def test_several_projects_give_no_beneficiary() -> None:
    r = extract("Община Троян спечели два проекта за над 1 млн. лв.")
    assert r.beneficiary is None and r.municipality == "Троян"


def test_normalise_org_name() -> None:
    assert normalise_org_name("община Тунджа") == "Община Тунджа"
    assert normalise_org_name('Община Община "Марица"') == 'Община "Марица"'
    assert normalise_org_name("Националното сдружение на социалните предприятия") == "Национално сдружение на социалните предприятия"
    assert normalise_org_name("Палатата в Драма, Гърция", indefinite=False) == "Палатата в Драма"


@pytest.mark.parametrize(
    "text,bare",
    [("Университетът", True), ("Общината", True), ("Сдружението", True), ("Фондацията", True),
     ("Университет", False), ("Каритас", False), ("Община Тестово", False), ("Юлият", False)],
)
def test_a_head_noun_with_its_article_names_no_organisation(text: str, bare: bool) -> None:
    """``Университетът изпълнява проекта``: the tagger's ORG on a bare head noun is no beneficiary."""
    from pipeline.extractors.organisations import _bare_head
    from pipeline.language.ner import Entity

    assert _bare_head(Entity("ORG", 0, len(text), text, "model")) is bare
