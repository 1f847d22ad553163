"""bgpress: evidence-backed records from Bulgarian press releases about publicly funded projects."""

from __future__ import annotations

from .api import extract, extract_batch, extract_with_mentions, records_to_dataframe
from .schema import Amount, Contacts, Count, DateValue, Mention, Record

__all__ = [
    "extract",
    "extract_batch",
    "extract_with_mentions",
    "records_to_dataframe",
    "Amount",
    "Contacts",
    "Count",
    "DateValue",
    "Mention",
    "Record",
]
__version__ = "0.1.0"
