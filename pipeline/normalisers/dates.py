"""Dates as Bulgarian press releases write them, to ISO 8601 at the text's precision.

The extractor's patterns already split a date into day, month and year, so the
value is built directly: month names come from the ``months`` lexicon of
``rules/dates.yaml`` (no Bulgarian here), the parts are checked against the
calendar, and the ISO string keeps the precision the text gives (``2022-01-10``,
``2023-06``, ``2023``).  :func:`parse_with_dateparser` is the independent
oracle: ``dateparser`` reads month-name dates too, but it fills missing parts
with defaults, reads ``2021 г.`` as November 2021, misses ``февр.`` and
English dates under ``languages=['bg']`` and costs about a millisecond a call,
so it checks the lexicon in the tests and serves as a fallback for a month word
the lexicon lacks rather than being the main path.

Relative dates (``днес``, ``миналата година``) resolve against the document's
own date line (:func:`resolve_relative`), never against the clock.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Any

from ..rules import load_ruleset

__all__ = [
    "month_number",
    "expand_year",
    "iso_date",
    "resolve_relative",
    "parse_with_dateparser",
    "date_precision",
]

_MIN_YEAR, _MAX_YEAR = 1950, 2050


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    raw: dict[str, Any] = load_ruleset("dates").lexicons["months"]
    return {str(k).casefold(): int(v) for k, v in raw.items()}


@lru_cache(maxsize=1)
def _relative() -> dict[str, str]:
    raw: dict[str, Any] = load_ruleset("dates").lexicons["relative"]
    return {" ".join(str(k).casefold().split()): str(v) for k, v in raw.items()}


def month_number(word: str) -> int | None:
    """The month (1-12) a written month name stands for, or ``None``.

    Looks the word up in the ``months`` lexicon (case folded, trailing dot
    dropped); a word the lexicon lacks is tried with dateparser.

    >>> month_number("Януари"), month_number("фев."), month_number("Jun")
    (1, 2, 6)
    """
    w = word.strip().rstrip(".").casefold()
    if w in _months():
        return _months()[w]
    parsed = parse_with_dateparser(f"1 {w} 2000")
    if parsed is not None and len(parsed) >= 7:
        return int(parsed[5:7])
    return None


def expand_year(text: str) -> int | None:
    """A four-digit year from a written one; two digits are 20xx up to 49, else 19xx.

    >>> expand_year("2014"), expand_year("08"), expand_year("98")
    (2014, 2008, 1998)
    """
    t = text.strip().lstrip("'")
    if not t.isdigit():
        return None
    y = int(t)
    if len(t) == 2:
        y += 2000 if y < 50 else 1900
    elif len(t) != 4:
        return None
    return y if _MIN_YEAR <= y <= _MAX_YEAR else None


def iso_date(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """ISO 8601 at the precision given, or ``None`` for an impossible date.

    >>> iso_date(2022, 1, 10), iso_date(2023, 6), iso_date(2023), iso_date(2023, 2, 30)
    ('2022-01-10', '2023-06', '2023', None)
    """
    if year is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        _dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def date_precision(iso: str) -> str:
    """``day``, ``month`` or ``year``: how much of the date the text gave.

    >>> date_precision("2023-06")
    'month'
    """
    return {10: "day", 7: "month"}.get(len(iso), "year")


def resolve_relative(expression: str, anchor: str | None) -> str | None:
    """A relative expression (``днес``, ``миналата година``) resolved against an ISO anchor.

    The offsets come from the ``relative`` lexicon (``unit:offset``).  Without
    an anchor, or with a day offset and an anchor that is not a full day, the
    expression is left out (``None``).

    >>> resolve_relative("вчера", "2025-01-01"), resolve_relative("миналата година", "2025-12-23")
    ('2024-12-31', '2024')
    >>> resolve_relative("днес", None) is None
    True
    """
    if not anchor:
        return None
    spec = _relative().get(" ".join(expression.casefold().split()))
    if spec is None:
        return None
    unit, _, off = spec.partition(":")
    offset = int(off or 0)
    if unit == "year":
        return iso_date(int(anchor[:4]) + offset)
    if unit == "day" and len(anchor) == 10:
        day = _dt.date.fromisoformat(anchor) + _dt.timedelta(days=offset)
        return day.isoformat()
    return None


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["bg", "en"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]},
    )


@lru_cache(maxsize=256)
def parse_with_dateparser(text: str) -> str | None:
    """ISO at dateparser's own precision (its ``period``), or ``None``.

    >>> parse_with_dateparser("10 януари 2022")
    '2022-01-10'
    """
    data = _dateparser().get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    period = data.period or "day"
    if period == "year":
        return iso_date(d.year)
    if period == "month":
        return iso_date(d.year, d.month)
    return iso_date(d.year, d.month, d.day)
