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


@pytest.mark.parametrize(
    "written,address",
    [("office[at]obshtina-test.bg", "office@obshtina-test.bg"),
     ("Ivan.Petrov (at) test-grad.bg", "ivan.petrov@test-grad.bg"),
     ("proekti [at] test-grad [dot] bg", "proekti@test-grad.bg"),
     ("info @ uchilishte-test.bg", "info@uchilishte-test.bg"),
     ("info@ uchilishte-test.bg", "info@uchilishte-test.bg")],
)
def test_address_written_against_harvesters_is_given_plain(written: str, address: str) -> None:
    from pipeline import extract_with_mentions

    text = f"За повече информация: e-mail: {written}, тел. 0888 123 456"
    r, mentions = extract_with_mentions(text, "t")
    assert r.contacts.emails == (address,)
    [m] = [m for m in mentions if m.field == "contacts.emails"]
    assert (m.start, m.end) == (text.index(written), text.index(written) + len(written))


def test_plain_address_is_found_once() -> None:
    from pipeline import extract_with_mentions

    _, mentions = extract_with_mentions("e-mail: m.petrova@obshtina-test.bg", "t")
    assert [m.rule_id for m in mentions if m.field == "contacts.emails"] == ["contacts.email"]


@pytest.mark.parametrize(
    "text",
    ["Лице за контакт: инж. Петър Петров, тел. 0888 123 456",
     "Лице за контакт:\nПетър Петров\nтел. 0888 123 456",
     "За повече информация:\nинж. Петър Петров – ръководител на проекта\nтел. 0888 123 456",
     "Лице за контакт от българска страна:\nПетър Петров, експерт, тел. 0888 123 456"],
)
def test_person_after_title_or_on_the_next_line(text: str) -> None:
    assert extract(text).contacts.persons == ("Петър Петров",)


def test_site_footer_holds_no_contacts() -> None:
    text = ("Проектът ще бъде изпълнен до 2026 г.\n\nЗа повече информация: тел. 0888 123 456, e-mail: proekti@test.bg\n\n"
            "Новини | Проекти | Контакти\n© 2024 Община Тестово. Всички права запазени.\n"
            "гр. Тестово, ул. „Първа“ № 1, тел.: 02 981 23 45, office[at]test.bg")
    r = extract(text)
    assert r.contacts.phones == ("0888123456",)
    assert r.contacts.emails == ("proekti@test.bg",)


def test_contact_block_right_above_the_copyright_line_is_kept() -> None:
    text = "Проектът приключи.\n\nЛице за контакт: Мария Иванова\nтел.: 0888 123 456\n© 2024 Всички права запазени"
    r = extract(text)
    assert r.contacts.persons == ("Мария Иванова",)
    assert r.contacts.phones == ("0888123456",)


def test_copyright_line_that_is_not_at_the_end_is_no_footer() -> None:
    body = "\n".join(f"Ред {i} от текста на съобщението за проекта." for i in range(12))
    text = f"Снимка: © Община Тестово\nтел.: 0888 123 456\n{body}"
    assert extract(text).contacts.phones == ("0888123456",)
