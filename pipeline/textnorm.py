"""Typographic normalisation that remembers where every character came from.

Press releases mix „“”«» quotes, four kinds of dashes, non-breaking and thin
spaces, soft hyphens and zero-width characters.  Rules are simpler and safer
over one canonical form, but every value must still point into the text as
stored, so normalisation returns an offset map: ``offsets[i]`` is the index in
the original of normalised character ``i`` (and ``offsets[len(text)]`` is
``len(original)``).  Only deletions change length; everything else is a
one-to-one substitution.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

__all__ = ["NormalisedText", "normalise"]

_SUBSTITUTE = {
    **dict.fromkeys("„“”«»‟″〝〞＂", '"'),
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
    **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t", " "),
    "\u2026": ".",  # horizontal ellipsis keeps one char; sentence splitting treats it as a period
    "\u2116": "№",
}
_DELETE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff\r")


@dataclass(frozen=True)
class NormalisedText:
    text: str
    offsets: array  # array('l'), len(text) + 1 entries

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open interval of the normalised text back to the original."""
        if start == end:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


#: The characters to substitute, one class: a document holds a few dozen of them among
#: thousands, and substituting each match costs far less than ``str.translate``, which
#: looks every character of a non-ASCII text up in the table.
_SUBSTITUTE_RE = re.compile("[" + re.escape("".join(sorted(_SUBSTITUTE))) + "]")
_DELETE_RE = re.compile("[" + "".join(sorted(_DELETE)) + "]")
_IDENTITY = array("l", range(4096))


def _identity(n: int) -> array:
    """``array("l", range(n))``, copied out of a table grown on demand (building the
    offsets of a document one int at a time cost as much as the rest of normalisation)."""
    global _IDENTITY
    if len(_IDENTITY) < n:
        _IDENTITY = array("l", range(max(n, 2 * len(_IDENTITY))))
    return _IDENTITY[:n]


def _substitute(m: re.Match[str]) -> str:
    return _SUBSTITUTE[m.group()]


#: a row of a table written with bars (``| Бенефициент | Община X |``): its first cell is a label
_TABLE_ROW_RE = re.compile(r"^\|([^|\n]*)\|([^\n]*)\|([ \t]*)$", re.MULTILINE)


def _label_row(m: re.Match[str]) -> str:
    return " " + m.group(1) + ":" + m.group(2) + " " + m.group(3)


def normalise(original: str) -> NormalisedText:
    """Canonical quotes, dashes and spaces; soft hyphens and zero-width characters dropped;
    a bar table's row read as ``label: value`` (the rules' label form).

    >>> n = normalise("„Заедно“\u00a0– 2\u00ad0")
    >>> n.text, n.to_original(0, 8)
    ('"Заедно" - 20', (0, 8))
    >>> normalise("| Бенефициент | Община Тест |").text
    '  Бенефициент : Община Тест  '
    """
    substituted = _SUBSTITUTE_RE.sub(_substitute, original)  # one-to-one: offsets unchanged
    if "|" in substituted:
        substituted = _TABLE_ROW_RE.sub(_label_row, substituted)  # one-to-one as well
    deletions = [m.start() for m in _DELETE_RE.finditer(substituted)]
    if not deletions:
        return NormalisedText(substituted, _identity(len(original) + 1))
    identity = _identity(len(original) + 1)
    offsets = array("l")
    pieces: list[str] = []
    prev = 0
    for d in deletions:
        pieces.append(substituted[prev:d])
        offsets.extend(identity[prev:d])
        prev = d + 1
    pieces.append(substituted[prev:])
    offsets.extend(identity[prev:len(original)])
    offsets.append(len(original))
    return NormalisedText("".join(pieces), offsets)
