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


def normalise(original: str) -> NormalisedText:
    """Canonical quotes, dashes and spaces; soft hyphens and zero-width characters dropped.

    >>> n = normalise("„Заедно“\u00a0– 2\u00ad0")
    >>> n.text, n.to_original(0, 8)
    ('"Заедно" - 20', (0, 8))
    """
    if not any(c in _DELETE or c in _SUBSTITUTE for c in original):
        return NormalisedText(original, array("l", range(len(original) + 1)))
    out: list[str] = []
    offsets = array("l")
    for i, ch in enumerate(original):
        if ch in _DELETE:
            continue
        out.append(_SUBSTITUTE.get(ch, ch))
        offsets.append(i)
    offsets.append(len(original))
    return NormalisedText("".join(out), offsets)
