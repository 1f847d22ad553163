"""Readers: turn paths into ``(doc_id, text)`` items, or an error item per bad input.

A bad file never stops a batch: it becomes a :class:`ReadError` that the
batch writes to the errors table, and the next file is read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SourceDoc", "ReadError", "read_inputs", "decode_bytes"]

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class SourceDoc:
    doc_id: str
    text: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadError:
    doc_id: str
    source: str
    kind: str
    message: str


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decoded text and the encoding used; raises ValueError with a kind prefix on failure."""
    if not data.strip():
        raise ValueError("empty: the file has no text")
    if b"\x00" in data[:4096]:
        raise ValueError("binary: the file holds NUL bytes, not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1251", "koi8_r", "iso8859_5", "utf_8"]).best()
    if best is None:
        raise ValueError("undecodable: no text encoding fits these bytes")
    return str(best), best.encoding


def _iter_paths(paths: Iterable[str]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from sorted(q for q in path.rglob("*.txt") if q.is_file())
        else:
            yield path


def read_inputs(paths: Iterable[str]) -> Iterator[SourceDoc | ReadError]:
    """Documents from files, folders of ``.txt`` files, or ``-`` for standard input."""
    for p in paths:
        if p == "-":
            yield SourceDoc("stdin", sys.stdin.read(), "-")
            continue
        for path in _iter_paths([p]):
            doc_id = path.stem
            try:
                size = path.stat().st_size
                if size > MAX_BYTES:
                    yield ReadError(doc_id, str(path), "too_large", f"{size} bytes is over the {MAX_BYTES}-byte limit")
                    continue
                text, enc = decode_bytes(path.read_bytes(), str(path))
            except FileNotFoundError:
                yield ReadError(doc_id, str(path), "not_found", "no such file")
                continue
            except ValueError as exc:
                kind, _, msg = str(exc).partition(": ")
                yield ReadError(doc_id, str(path), kind, msg)
                continue
            yield SourceDoc(doc_id, text, str(path), {"encoding": enc})
