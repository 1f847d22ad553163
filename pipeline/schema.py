"""The record of SCHEMA.md as frozen dataclasses, plus the grounded mention.

Every value the extractors find is first a :class:`Mention` — a normalised value
with the half-open character interval ``[start, end)`` of its evidence in the
*original* document text — and only then, after assembly, a field of the
:class:`Record`.  Keeping the two apart is what lets the mentions table, the
HTML evidence view and the evaluator's error list all point back to the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "EUR_RATE",
    "FUND_IDS",
    "PROGRAMME_IDS",
    "AMOUNT_ROLES",
    "APPROX_VALUES",
    "DATE_ROLES",
    "COUNT_CATEGORIES",
    "COUNT_QUALIFIERS",
    "RECORD_FIELDS",
    "CharInterval",
    "Mention",
    "Amount",
    "DateValue",
    "Count",
    "Contacts",
    "Record",
]

#: Fixed conversion rate of the lev to the euro (BGN per EUR).
EUR_RATE = Decimal("1.95583")

PROGRAMME_IDS = (
    "OPHRD-2014", "OPSESG-2014", "OPRG-2014", "OPIC-2014", "OPE-2014", "OPTTI-2014",
    "OPGG-2014", "OPFSMA-2014", "RDP-2014", "OPHRD-2007", "OPRD-2007", "OPE-2007",
    "PHRD-2021", "PE-2021", "PRD-2021", "PENV-2021", "PCIE-2021", "PFSMA-2021", "RRP",
    "EEA-LOCALDEV-2014", "OTHER",
)
FUND_IDS = ("ESF", "ERDF", "CF", "EAFRD", "EMFF", "FEAD", "YEI", "JTF", "EEA", "NOR", "RRF")
AMOUNT_ROLES = ("total", "grant", "programme", "eu", "national", "own", "other")
APPROX_VALUES = (None, "over", "under", "about", "up_to")
DATE_ROLES = ("start", "end", "event", "other")
COUNT_CATEGORIES = (
    "employed", "trained", "children", "parents", "supported", "participants", "population",
    "jobs", "events", "facilities", "equipment", "organisations", "projects", "other",
)
COUNT_QUALIFIERS = (None, "over", "at_least", "up_to", "about", "under")

#: Field names of the record, in SCHEMA.md order.
RECORD_FIELDS = (
    "doc_id", "project_title", "project_code", "procedure_code", "programmes", "funds",
    "beneficiary", "municipality", "partners", "amounts", "start_date", "end_date", "dates",
    "counts", "contacts",
)


@dataclass(frozen=True)
class CharInterval:
    """Half-open ``[start, end)`` character offsets into the original document text."""

    start: int
    end: int


@dataclass(frozen=True)
class Amount:
    """A money amount; ``value`` is exact (Decimal) inside the pipeline."""

    value: Decimal
    currency: str
    role: str = "other"
    programme: str | None = None
    approx: str | None = None

    @property
    def value_eur(self) -> Decimal:
        if self.currency == "EUR":
            return self.value
        if self.currency == "BGN":
            return (self.value / EUR_RATE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return Decimal("NaN")

    def to_dict(self) -> dict[str, Any]:
        eur = self.value_eur
        return {
            "value": _number(self.value),
            "currency": self.currency,
            "role": self.role,
            "programme": self.programme,
            "approx": self.approx,
            "value_eur": None if eur.is_nan() else _number(eur),
        }


@dataclass(frozen=True)
class DateValue:
    """An ISO 8601 date at the precision the text gives (``2023``, ``2023-06``, ``2023-06-30``)."""

    value: str
    role: str = "other"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "role": self.role}


@dataclass(frozen=True)
class Count:
    """A number of people, things, events or organisations."""

    value: int
    category: str = "other"
    unit: str | None = None
    qualifier: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "category": self.category, "unit": self.unit, "qualifier": self.qualifier}


@dataclass(frozen=True)
class Contacts:
    persons: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"persons": list(self.persons), "emails": list(self.emails), "phones": list(self.phones)}


@dataclass(frozen=True)
class Mention:
    """One extracted value with its evidence.

    ``field`` is a record field name (``amounts``, ``project_code`` ...) or, for the
    contacts object, ``contacts.persons`` / ``contacts.emails`` / ``contacts.phones``.
    ``start``/``end`` are half-open offsets into the original text and ``text`` is
    exactly ``original[start:end]``; a value that cannot be located has ``start``
    and ``end`` set to ``None`` rather than a guessed interval.
    """

    field: str
    value: Any
    text: str
    start: int | None
    end: int | None
    rule_id: str
    label: str | None = None  # role / category shown in the mentions table

    @property
    def interval(self) -> CharInterval | None:
        if self.start is None or self.end is None:
            return None
        return CharInterval(self.start, self.end)

    def normalised(self) -> Any:
        """The value as it appears in the record (plain JSON types)."""
        v = self.value
        return v.to_dict() if hasattr(v, "to_dict") else v


@dataclass(frozen=True)
class Record:
    """One document's record, field for field as in SCHEMA.md."""

    doc_id: str
    project_title: str | None = None
    project_code: str | None = None
    procedure_code: str | None = None
    programmes: tuple[str, ...] = ()
    funds: tuple[str, ...] = ()
    beneficiary: str | None = None
    municipality: str | None = None
    partners: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()
    start_date: str | None = None
    end_date: str | None = None
    dates: tuple[DateValue, ...] = ()
    counts: tuple[Count, ...] = ()
    contacts: Contacts = field(default_factory=Contacts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: exactly the field names of SCHEMA.md plus ``value_eur`` in amounts."""
        return {
            "doc_id": self.doc_id,
            "project_title": self.project_title,
            "project_code": self.project_code,
            "procedure_code": self.procedure_code,
            "programmes": list(self.programmes),
            "funds": list(self.funds),
            "beneficiary": self.beneficiary,
            "municipality": self.municipality,
            "partners": list(self.partners),
            "amounts": [a.to_dict() for a in self.amounts],
            "start_date": self.start_date,
            "end_date": self.end_date,
            "dates": [d.to_dict() for d in self.dates],
            "counts": [c.to_dict() for c in self.counts],
            "contacts": self.contacts.to_dict(),
        }


def _number(value: Decimal) -> int | float:
    """JSON number for a Decimal: an int when whole, else a float rounded to the cent."""
    if value == value.to_integral_value():
        return int(value)
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
