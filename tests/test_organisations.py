"""Beneficiary, municipality and partners on small texts we wrote."""

from __future__ import annotations

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


def test_plural_head_distributes() -> None:
    r = extract('Общината кандидатства съвместно с общините Смядово и Ветрино и сдруженията "Диалог" и "Здраве".')
    assert r.partners == ("Община Смядово", "Община Ветрино", 'Сдружение "Диалог"', 'Сдружение "Здраве"')
    assert r.municipality is None  # a joint project of several municipalities


def test_partner_is_never_the_beneficiary() -> None:
    r = extract("Проектът се изпълнява в партньорство между Община Самоков, Фондация Сийд и Българо-Норвежко дружество.")
    assert r.beneficiary is None
    assert "Община Самоков" in r.partners


def test_municipality_forms() -> None:
    assert extract("Срещата се проведе в гр. В. Търново.").municipality == "Велико Търново"
    assert extract("Столична община реализира проект за деца.").municipality == "Столична"
    assert extract("Кметът Хайредин Мехмедов откри срещата.").municipality is None
    assert extract("Допустими региони: Видин, Враца, Монтана, Плевен, Русе.").municipality is None


def test_several_projects_give_no_beneficiary() -> None:
    r = extract("Община Троян спечели два проекта за над 1 млн. лв.")
    assert r.beneficiary is None and r.municipality == "Троян"


def test_normalise_org_name() -> None:
    assert normalise_org_name("община Тунджа") == "Община Тунджа"
    assert normalise_org_name('Община Община "Марица"') == 'Община "Марица"'
    assert normalise_org_name("Националното сдружение на работодателите") == "Национално сдружение на работодателите"
    assert normalise_org_name("Палатата в Кавала, Гърция", indefinite=False) == "Палатата в Кавала"
