"""Numbers as Bulgarian press releases write them, to exact Decimals.

Figures group thousands with spaces (``1 035 612``) or dots (``1.035.612``)
and mark decimals with a comma (``1 573 417,65``) or a dot (``1 183 459.15``,
``20.6 млн.``).  Number words (``двеста и петдесет хиляди``) come from
``rules/numbers.yaml``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ..rules import lexicon_alternation, load_ruleset

__all__ = ["FIGURE_PATTERN", "parse_figure", "parse_number_words", "number_words_pattern", "multiplier_value",
           "multipliers_pattern"]

#: A figure: digits with optional space/dot/comma thousand groups and an optional decimal part.
FIGURE_PATTERN = r"(?<![\d.,])\d{1,3}(?:(?:[ .,]|\s(?=\d{3}\b))\d{3})*(?:[.,]\d+)?(?![\d])|(?<![\d.,])\d+(?:[.,]\d+)?(?![\d])"


def parse_figure(s: str, *, with_multiplier: bool = False) -> Decimal | None:
    """The value of a written figure.

    A lone separator followed by exactly three digits is a thousands separator
    (``1.500`` is 1500) unless a multiplier follows (``1,500 млн.`` is 1.5 million).

    >>> parse_figure("1 573 417,65"), parse_figure("1 183 459.15"), parse_figure("20.6")
    (Decimal('1573417.65'), Decimal('1183459.15'), Decimal('20.6'))
    """
    t = "".join(s.split())
    if not t or not t[0].isdigit():
        return None
    dots, commas = t.count("."), t.count(",")
    if dots and commas:
        dec = "." if t.rfind(".") > t.rfind(",") else ","
        thou = "," if dec == "." else "."
        t = t.replace(thou, "").replace(dec, ".")
    elif dots + commas == 1:
        sep = "." if dots else ","
        head, tail = t.split(sep)
        if len(tail) == 3 and not with_multiplier and head != "0":
            t = head + tail
        else:
            t = head + "." + tail
    elif dots + commas > 1:
        sep = "." if dots else ","
        parts = t.split(sep)
        if all(len(p) == 3 for p in parts[1:]):
            t = "".join(parts)
        else:
            return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


_WORD_KINDS = ("units", "tens", "hundreds", "scales", "fractions")


@lru_cache(maxsize=1)
def _word_values() -> dict[str, tuple[str, Decimal]]:
    lex = load_ruleset("numbers").lexicons
    out: dict[str, tuple[str, Decimal]] = {}
    for kind in _WORD_KINDS:
        for w, v in lex[kind].items():
            out[w] = (kind, Decimal(str(v)))
    return out


@lru_cache(maxsize=1)
def number_words_pattern() -> str:
    """A regex for a run of number words (``двеста и петдесет хиляди``, ``половин милион``)."""
    lex = load_ruleset("numbers").lexicons
    words = [w for kind in _WORD_KINDS for w in lex[kind]]
    alt = lexicon_alternation(words)
    conj = lexicon_alternation(lex["conjunctions"])
    return rf"(?<!\w){alt}(?:\s+(?:{conj}\s+)?{alt})*(?!\w)"


def parse_number_words(s: str) -> int | None:
    """The value of a run of number words, or None if a word is not a number word.

    A fraction (``половин``) counts only before a scale: ``половин милион`` is
    500000, ``половин`` alone is no whole number.

    >>> parse_number_words("двеста и петдесет хиляди"), parse_number_words("две")
    (250000, 2)
    >>> parse_number_words("половин милион"), parse_number_words("половин")
    (500000, None)
    """
    values = _word_values()
    conj = set(load_ruleset("numbers").lexicons["conjunctions"])
    total = current = Decimal(0)
    seen = False
    for w in s.lower().split():
        if w in conj:
            continue
        if w not in values:
            return None
        kind, v = values[w]
        seen = True
        if kind == "scales":
            current = (current if current else Decimal(1)) * v
            total += current
            current = Decimal(0)
        else:
            current += v
    value = total + current
    if not seen or value != value.to_integral_value():
        return None
    return int(value)


@lru_cache(maxsize=1)
def _multipliers() -> dict[str, int]:
    return {k.lower(): int(v) for k, v in load_ruleset("numbers").lexicons["multipliers"].items()}


def multiplier_value(word: str) -> int | None:
    """``млн.`` → 1000000, ``хил`` → 1000; None for anything else."""
    return _multipliers().get(word.lower().strip())


def multipliers_pattern() -> str:
    return lexicon_alternation(load_ruleset("numbers").lexicons["multipliers"])


