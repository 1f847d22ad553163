from decimal import Decimal

import pytest

from pipeline.normalisers.numbers import multiplier_value, parse_figure, parse_number_words


@pytest.mark.parametrize(
    "written,value",
    [
        ("1 035 612", "1035612"),
        ("1 573 417,65", "1573417.65"),
        ("1 183 459.15", "1183459.15"),
        ("20.6", "20.6"),
        ("4,8", "4.8"),
        ("1.035.612", "1035612"),
        ("1,24", "1.24"),
        ("1.500", "1500"),
        ("1.234.567,89", "1234567.89"),
        ("12", "12"),
    ],
)
def test_parse_figure(written: str, value: str) -> None:
    assert parse_figure(written) == Decimal(value)


def test_lone_separator_before_multiplier_is_decimal() -> None:
    assert parse_figure("1,500", with_multiplier=True) == Decimal("1.5")


def test_not_a_figure() -> None:
    assert parse_figure("лв.") is None
    assert parse_figure("1.23.4") is None


@pytest.mark.parametrize(
    "words,value",
    [("две", 2), ("двадесет и пет", 25), ("сто двадесет и три", 123), ("двеста и петдесет хиляди", 250000),
     ("два милиона", 2000000), ("хиляда", 1000), ("петнадесет", 15)],
)
def test_parse_number_words(words: str, value: int) -> None:
    assert parse_number_words(words) == value


def test_number_words_reject_other_words() -> None:
    assert parse_number_words("две деца") is None
    assert parse_number_words("") is None


def test_multiplier_value() -> None:
    assert multiplier_value("млн.") == 1_000_000
    assert multiplier_value("хил") == 1000
    assert multiplier_value("лв.") is None
