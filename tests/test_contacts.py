"""Contact persons, e-mails and phones."""

from __future__ import annotations

import pytest

from pipeline import extract
from pipeline.extractors.contacts import normalise_phone


def test_contact_block() -> None:
    r = extract("Лице за контакт: инж. Петя Маринова, отдел „Проекти“\ne-mail: p.marinova@example.bg\n"
                "тел.: 0888 123 456, моб. 02/981 23 45")
    assert r.contacts.persons == ("Петя Маринова",)
    assert r.contacts.emails == ("p.marinova@example.bg",)
    assert r.contacts.phones == ("0888123456", "029812345")


def test_officials_are_not_contacts() -> None:
    r = extract("„Радваме се“, коментира кметът Иван Петров. Ръководителят на проекта, Мария Иванова, представи целите.")
    assert r.contacts.persons == ()


def test_organisation_after_contact_cue_is_not_a_person() -> None:
    r = extract("За информация: Община Троян, отдел „Проекти“, тел. 0670 6 80 91.")
    assert r.contacts.persons == ()
    assert r.contacts.phones == ("067068091",)


@pytest.mark.parametrize(
    "surface,value",
    [("+359 2 981 2345", "+35929812345"), ("00359 888 123 456", "+359888123456"), ("0601 4 22 17", "060142217")],
)
def test_normalise_phone(surface: str, value: str) -> None:
    assert normalise_phone(surface) == value
    assert normalise_phone("12 34") is None


def test_money_is_not_a_phone() -> None:
    assert extract("Общата стойност е 1 035 612 лева, тел. не е даден.").contacts.phones == ()
