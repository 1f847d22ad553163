"""Readers: turn paths into documents, or an error item per bad input, lazily.

Inputs are files, folders (walked recursively, in sorted order), glob patterns
and ``-`` for standard input.  Formats, by extension:

- ``.txt`` (and any unknown extension): one document, ``doc_id`` = file stem;
- ``.html`` / ``.htm``: one document, main text by trafilatura, page title, URL
  and date kept in ``meta``;
- ``.jsonl`` / ``.ndjson`` (optionally ``.gz``): one document per line, fields
  ``id``, ``text`` and optional ``url``, ``title``, ``date`` (names configurable);
- ``.csv`` (optionally ``.gz``): one document per row, same fields.

A bad input never stops a batch: it becomes a :class:`ReadError` (a row of the
errors table) and the next one is read.  Everything is a generator: a folder of
a million files or a 10 GB JSONL file is never held in memory.

Plain files are yielded as :class:`PendingFile` by :func:`iter_items` (the
``doc_id`` is known from the name, the bytes are not read yet) so that decoding
and HTML extraction run in the parallel workers; :func:`read_inputs` gives the
fully read documents.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "ReaderOptions",
    "SourceDoc",
    "PendingFile",
    "ReadError",
    "DecodeError",
    "decode_bytes",
    "html_to_text",
    "input_format",
    "iter_paths",
    "iter_items",
    "LineRange",
    "jsonl_line_ranges",
    "iter_line_range",
    "load_pending",
    "read_inputs",
    "count_documents",
]

#: Documents larger than this are an error row ``too_large`` (a press release is 2-30 KB;
#: a bigger "document" is almost always a dump or a wrong file).  ``--max-bytes 0`` lifts it.
DEFAULT_MAX_BYTES = 1_000_000

SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".jsonl", ".ndjson", ".csv")
_LEGACY_ENCODINGS = ["cp1251", "koi8_r", "iso8859_5", "mac_cyrillic", "cp866"]
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"\x7fELF", b"Rar!")


@dataclass(frozen=True)
class ReaderOptions:
    """How to read inputs: JSONL/CSV field names, size limit, format of stdin and odd files."""

    id_field: str = "id"
    text_field: str = "text"
    url_field: str = "url"
    title_field: str = "title"
    date_field: str = "date"
    max_bytes: int = DEFAULT_MAX_BYTES
    input_format: str = "auto"  # auto, txt, html, jsonl, csv (stdin and unknown extensions)


@dataclass(frozen=True)
class SourceDoc:
    """One document ready for extraction; ``meta`` holds encoding, title, url, date."""

    doc_id: str
    text: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingFile:
    """A one-document file whose bytes are read later (in a worker) by :func:`load_pending`."""

    doc_id: str
    source: str
    fmt: str  # "txt" or "html"


@dataclass(frozen=True)
class ReadError:
    """A document that could not be read: one row of the errors table."""

    doc_id: str
    source: str
    kind: str
    message: str


class DecodeError(ValueError):
    """Bytes that are not a text document; ``kind`` is the errors-table kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


# -- decoding ---------------------------------------------------------------
def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return True
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    return ctrl > max(4, len(head) // 100)


#: control bytes other than tab, newlines, vertical tab, form feed and carriage return
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def _detect_legacy(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["utf_8", *_LEGACY_ENCODINGS]).best()
    if best is None:
        return None
    return str(best), best.encoding


def decode_bytes(data: bytes, source: str = "") -> tuple[str, str]:
    """Decoded text and the name of the encoding found.

    UTF-8 (with or without BOM) is tried first; otherwise charset-normalizer picks
    among the Cyrillic legacy encodings (cp1251, koi8-r, ...).  A file whose lines
    mix UTF-8 and one legacy encoding is decoded line by line (``mixed:utf-8+cp1251``).
    Raises :class:`DecodeError` (kind ``empty``, ``binary`` or ``undecodable``).

    >>> decode_bytes("Община Смолян".encode("cp1251"))
    ('Община Смолян', 'cp1251')
    """
    if not data.strip():
        raise DecodeError("empty", "the document has no text")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError("undecodable", f"broken UTF-16: {exc}") from None
    if _looks_binary(data):
        raise DecodeError("binary", "the bytes are binary data (NUL or control bytes, or a known file signature)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # mixed: some lines are valid non-ASCII UTF-8, the others are in one legacy encoding
    lines = data.splitlines(keepends=True)
    utf8_lines: dict[int, str] = {}
    for i, line in enumerate(lines):
        if max(line, default=0) > 0x7F:
            try:
                utf8_lines[i] = line.decode("utf-8")
            except UnicodeDecodeError:
                continue
    if utf8_lines:
        rest = b"".join(line for i, line in enumerate(lines) if i not in utf8_lines)
        found = _detect_legacy(rest)
        if found is not None:
            enc = found[1]
            text = "".join(utf8_lines[i] if i in utf8_lines else line.decode(enc, errors="replace") for i, line in enumerate(lines))
            return text, f"mixed:utf-8+{enc}"
    found = _detect_legacy(data)
    if found is None:
        raise DecodeError("undecodable", "no text encoding fits these bytes (tried UTF-8, cp1251, koi8-r, iso8859-5 ...)")
    text, enc = found
    if sum(1 for ch in text[:4000] if ch.isalpha()) < min(len(text), 4000) * 0.3:
        raise DecodeError("undecodable", f"the bytes decode as {enc} but are mostly not letters")
    return text, enc


# -- HTML -------------------------------------------------------------------
_CANONICAL = re.compile(r"""<link[^>]+rel=["']?canonical["']?[^>]*href=["']([^"']+)""", re.I)
_OG_URL = re.compile(r"""<meta[^>]+property=["']og:url["'][^>]*content=["']([^"']+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def _decode_html(data: bytes) -> tuple[str, str]:
    try:
        return decode_bytes(data)
    except DecodeError as exc:
        if exc.kind != "undecodable":
            raise
        m = _META_CHARSET.search(data[:4096])
        if not m:
            raise
        try:
            return data.decode(m.group(1).decode("ascii")), m.group(1).decode("ascii").lower()
        except (LookupError, UnicodeDecodeError):
            raise exc from None


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """The main text of a web page (trafilatura) and its ``title``, ``url``, ``date``.

    The title is put on the first line when the main text does not start with it,
    as in the ``.txt`` releases.  Raises :class:`DecodeError` (``no_text``) for a
    page without main text (broken markup, a menu-only page).

    >>> text, meta = html_to_text("<html><head><title>Нов проект</title></head><body><article>"
    ...     "<p>" + "Община Смолян започна проект за деца. " * 4 + "</p></article></body></html>")
    >>> meta["title"], text.splitlines()[0]
    ('Нов проект', 'Нов проект')
    """
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True)
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if sum(ch.isalpha() for ch in body[:200]) < 20:
        raise DecodeError("no_text", "the page has no main text that trafilatura can find (broken or empty markup)")
    meta: dict[str, Any] = {}
    title = (getattr(doc, "title", None) or "").strip()
    url = getattr(doc, "url", None)
    if not url:
        m = _CANONICAL.search(html[:20000]) or _OG_URL.search(html[:20000])
        url = m.group(1) if m else None
    date = getattr(doc, "date", None)
    if title:
        meta["title"] = title
    if url:
        meta["url"] = url
    if date:
        meta["date"] = date
    if title and title not in body[: len(title) + 200]:
        body = f"{title}\n\n{body}"
    return body, meta


# -- paths ------------------------------------------------------------------
def _suffix(path: str) -> str:
    p = path.lower()
    if p.endswith(".gz"):
        p = p[:-3]
    return os.path.splitext(p)[1]


def input_format(path: str, default: str = "auto") -> str:
    """``txt``, ``html``, ``jsonl`` or ``csv`` from the extension (``.gz`` looked through).

    >>> input_format("a/b.jsonl.gz"), input_format("x.HTM"), input_format("notes")
    ('jsonl', 'html', 'txt')
    """
    suf = _suffix(path)
    if suf in (".html", ".htm"):
        return "html"
    if suf in (".jsonl", ".ndjson"):
        return "jsonl"
    if suf == ".csv":
        return "csv"
    if suf in (".txt", ".text"):
        return "txt"
    return "txt" if default == "auto" else default


def _walk(root: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and _suffix(name) in SUPPORTED_SUFFIXES:
                yield os.path.join(dirpath, name)


def _excluder(exclude: Iterable[str]) -> Callable[[str], bool]:
    files = set()
    dirs = []
    for e in exclude:
        real = os.path.realpath(e)
        if e.endswith(os.sep):
            dirs.append(real.rstrip(os.sep) + os.sep)
        else:
            files.add(real)
    if not files and not dirs:
        return lambda path: False

    def skip(path: str) -> bool:
        real = os.path.realpath(path)
        return real in files or any(real.startswith(d) for d in dirs)

    return skip


def iter_paths(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[str]:
    """Files named, found in folders (recursively, sorted) or matched by globs; ``-`` as is.

    A path that neither exists nor matches anything is yielded as is (it becomes
    a ``not_found`` error row).  ``exclude`` names files (or folders, ending with
    ``/``) never to read: a batch's own outputs when they sit inside an input folder.
    """
    skip = _excluder(exclude)
    for p in _iter_paths(paths):
        if p == "-" or not skip(p):
            yield p


def _iter_paths(paths: Iterable[str]) -> Iterator[str]:
    for p in paths:
        p = str(p)
        if p == "-":
            yield p
        elif os.path.isdir(p):
            yield from _walk(p)
        elif os.path.exists(p) or not glob.has_magic(p):
            yield p
        else:
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                yield p
            for m in matches:
                if os.path.isdir(m):
                    yield from _walk(m)
                else:
                    yield m


# -- containers (JSONL, CSV) -------------------------------------------------
def _open_binary(path: str) -> IO[bytes]:
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _record_doc(obj: dict[str, Any], stem: str, n: int, source: str, opts: ReaderOptions, meta0: dict[str, Any]) -> SourceDoc | ReadError:
    raw_id = obj.get(opts.id_field)
    doc_id = str(raw_id).strip() if raw_id not in (None, "") else f"{stem}:{n}"
    text = obj.get(opts.text_field)
    if not isinstance(text, str):
        return ReadError(doc_id, source, "missing_text", f"no string field {opts.text_field!r}")
    if not text.strip():
        return ReadError(doc_id, source, "empty", "the document has no text")
    if opts.max_bytes and len(text) > opts.max_bytes:
        return ReadError(doc_id, source, "too_large", f"{len(text)} characters is over the --max-bytes limit of {opts.max_bytes}")
    meta = dict(meta0)
    for key, name in (("url", opts.url_field), ("title", opts.title_field), ("date", opts.date_field)):
        v = obj.get(name)
        if v not in (None, ""):
            meta[key] = str(v)
    return SourceDoc(doc_id, text, source, meta)


def _iter_jsonl(stream: Iterable[bytes], path: str, opts: ReaderOptions, first_line: int = 1) -> Iterator[SourceDoc | ReadError]:
    stem = _stem(path)
    n = first_line - 1
    try:
        for n, raw in enumerate(stream, start=first_line):  # noqa: B007 - n is used after the loop on error
            source = f"{path}:{n}"
            if opts.max_bytes and len(raw) > opts.max_bytes * 4 + 1024:
                yield ReadError(f"{stem}:{n}", source, "too_large", f"a {len(raw)}-byte line is over the --max-bytes limit")
                continue
            if not raw.strip():
                continue
            try:
                line, enc = decode_bytes(raw)
                obj = json.loads(line)
            except DecodeError as exc:
                yield ReadError(f"{stem}:{n}", source, exc.kind, exc.message)
                continue
            except json.JSONDecodeError as exc:
                yield ReadError(f"{stem}:{n}", source, "invalid_json", str(exc))
                continue
            if not isinstance(obj, dict):
                yield ReadError(f"{stem}:{n}", source, "invalid_json", f"a JSON {type(obj).__name__}, not an object")
                continue
            yield _record_doc(obj, stem, n, source, opts, {"encoding": enc})
    except (OSError, EOFError, gzip.BadGzipFile) as exc:  # truncated or corrupt .gz
        yield ReadError(f"{stem}:{n + 1}", f"{path}:{n + 1}", "corrupt_file", f"{type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class LineRange:
    """Lines of an uncompressed JSONL file, by byte offsets: a share of a big file that a
    worker reads on its own (a Dask partition), with the line numbers a whole-file read gives."""

    path: str
    start: int  # byte offset of the first line
    stop: int  # byte offset just past the last line
    first_line: int  # 1-based number of the first line (doc_ids ``stem:n`` and sources ``path:n``)
    lines: int  # lines in the range, blank ones included


def jsonl_line_ranges(path: str, lines: int, chunk_size: int = 1 << 20) -> list[LineRange]:
    """Cut a JSONL file into ranges of ``lines`` lines (the last may be shorter), in one pass.

    Why: a scraped corpus often comes as one big JSONL file; as one partition it
    would keep one worker busy and the rest idle.  Only newlines are counted
    (bytes, no decoding), so planning costs a read of the file at disk speed.

    >>> import tempfile, os
    >>> fd, name = tempfile.mkstemp(suffix=".jsonl"); _ = os.write(fd, b"a\\nb\\nc\\nd\\ne"); os.close(fd)
    >>> [(r.start, r.stop, r.first_line, r.lines) for r in jsonl_line_ranges(name, 2)]
    [(0, 4, 1, 2), (4, 8, 3, 2), (8, 9, 5, 1)]
    >>> os.remove(name)
    """
    if lines < 1:
        raise ValueError("lines must be at least 1")
    bounds = [0]
    offset = 0
    left = lines  # newlines until the next bound
    ends_open = False  # the last line has no newline
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            pos = 0
            while chunk.count(b"\n", pos) >= left:
                for _ in range(left):
                    pos = chunk.index(b"\n", pos) + 1
                bounds.append(offset + pos)
                left = lines
            left -= chunk.count(b"\n", pos)
            offset += len(chunk)
            ends_open = not chunk.endswith(b"\n")
    ranges = [LineRange(path, a, b, 1 + i * lines, lines) for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))]
    if offset > bounds[-1]:
        ranges.append(LineRange(path, bounds[-1], offset, 1 + len(ranges) * lines, lines - left + ends_open))
    return ranges


def _lines_between(fh: IO[bytes], start: int, stop: int) -> Iterator[bytes]:
    fh.seek(start)
    pos = start
    while pos < stop:
        raw = fh.readline()
        if not raw:
            return
        pos += len(raw)
        yield raw


def iter_line_range(part: LineRange, opts: ReaderOptions | None = None) -> Iterator[SourceDoc | ReadError]:
    """The documents of a :class:`LineRange`: the items a whole-file read gives for those lines."""
    opts = opts or ReaderOptions()
    try:
        fh = open(part.path, "rb")
    except OSError as exc:
        yield ReadError(f"{_stem(part.path)}:{part.first_line}", f"{part.path}:{part.first_line}", "unreadable",
                        f"{type(exc).__name__}: {exc}")
        return
    with fh:
        yield from _iter_jsonl(_lines_between(fh, part.start, part.stop), part.path, opts, part.first_line)


def _text_lines(head: bytes, stream: IO[bytes], enc: str) -> Iterator[str]:
    """Decoded lines (ends kept, as csv wants) from a head already read and the rest of a stream."""
    dec = codecs.getincrementaldecoder(enc)(errors="replace")
    buf = ""
    chunk = head
    while True:
        final = not chunk
        buf += dec.decode(chunk, final=final)
        parts = buf.split("\n")
        buf = parts.pop()
        for part in parts:
            yield part + "\n"
        if final:
            break
        chunk = stream.read(1 << 16)
    if buf:
        yield buf


def _iter_csv(stream: IO[bytes], path: str, opts: ReaderOptions) -> Iterator[SourceDoc | ReadError]:
    stem = _stem(path)
    try:
        head = stream.read(65536)
        _, enc = decode_bytes(head[: len(head) - 4] if len(head) == 65536 else head)
    except DecodeError as exc:
        yield ReadError(stem, path, exc.kind, exc.message)
        return
    except (OSError, EOFError) as exc:
        yield ReadError(stem, path, "corrupt_file", f"{type(exc).__name__}: {exc}")
        return
    if enc.startswith("mixed:"):
        enc = enc.split("+", 1)[1]
    csv.field_size_limit(max(opts.max_bytes * 4, 1 << 20) if opts.max_bytes else sys.maxsize)
    reader = csv.DictReader(_text_lines(head, stream, enc))
    n = 0
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except (OSError, EOFError) as exc:
            yield ReadError(f"{stem}:{n}", f"{path}:{n}", "corrupt_file", f"{type(exc).__name__}: {exc}")
            return
        except csv.Error as exc:
            kind = "too_large" if "field larger" in str(exc) else "invalid_csv"
            yield ReadError(f"{stem}:{n}", f"{path}:{n}", kind, str(exc))
            if kind == "invalid_csv":
                return
            continue
        yield _record_doc({k: v for k, v in row.items() if k is not None}, stem, n, f"{path}:{n}", opts, {"encoding": enc})


def _stem(path: str) -> str:
    name = os.path.basename(path)
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[0] or name


# -- one-document files -------------------------------------------------------
def _doc_from_bytes(data: bytes, doc_id: str, source: str, fmt: str) -> SourceDoc | ReadError:
    try:
        if fmt == "html":
            html, enc = _decode_html(data)
            text, meta = html_to_text(html)
        else:
            text, enc = decode_bytes(data)
            meta = {}
    except DecodeError as exc:
        return ReadError(doc_id, source, exc.kind, exc.message)
    except Exception as exc:  # a parser bug on odd bytes must not stop the batch
        return ReadError(doc_id, source, "unreadable", f"{type(exc).__name__}: {exc}")
    if not text.strip():
        return ReadError(doc_id, source, "empty", "the document has no text")
    return SourceDoc(doc_id, text, source, {"encoding": enc, **meta})


def load_pending(item: PendingFile, opts: ReaderOptions | None = None) -> SourceDoc | ReadError:
    """Read and decode one pending file (in a worker process)."""
    opts = opts or ReaderOptions()
    try:
        size = os.stat(item.source).st_size
        if opts.max_bytes and size > opts.max_bytes:
            return ReadError(item.doc_id, item.source, "too_large",
                             f"{size} bytes is over the --max-bytes limit of {opts.max_bytes}")
        with open(item.source, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return ReadError(item.doc_id, item.source, "not_found", "no such file")
    except OSError as exc:
        return ReadError(item.doc_id, item.source, "unreadable", f"{type(exc).__name__}: {exc}")
    return _doc_from_bytes(data, item.doc_id, item.source, item.fmt)


def iter_items(paths: Iterable[str], opts: ReaderOptions | None = None, *,
               exclude: Iterable[str] = ()) -> Iterator[SourceDoc | PendingFile | ReadError]:
    """Every input document in order; plain files stay :class:`PendingFile` (not read yet)."""
    opts = opts or ReaderOptions()
    for path in iter_paths(paths, exclude):
        if path == "-":
            fmt = "txt" if opts.input_format == "auto" else opts.input_format
            stream = sys.stdin.buffer
            if fmt == "jsonl":
                yield from _iter_jsonl(stream, "-", opts)
            elif fmt == "csv":
                yield from _iter_csv(stream, "-", opts)
            else:
                data = stream.read(opts.max_bytes + 1) if opts.max_bytes else stream.read()
                if opts.max_bytes and len(data) > opts.max_bytes:
                    yield ReadError("stdin", "-", "too_large", f"standard input is over the --max-bytes limit of {opts.max_bytes}")
                else:
                    yield _doc_from_bytes(data, "stdin", "-", fmt)
            continue
        fmt = input_format(path, opts.input_format)
        if not os.path.isfile(path):
            yield ReadError(_stem(path), path, "not_found", "no such file")
            continue
        if fmt in ("jsonl", "csv"):
            try:
                stream = _open_binary(path)
            except OSError as exc:
                yield ReadError(_stem(path), path, "unreadable", f"{type(exc).__name__}: {exc}")
                continue
            with stream:
                yield from (_iter_jsonl if fmt == "jsonl" else _iter_csv)(stream, path, opts)
        else:
            yield PendingFile(_stem(path), path, fmt)


def read_inputs(paths: Iterable[str], opts: ReaderOptions | None = None) -> Iterator[SourceDoc | ReadError]:
    """Documents from files, folders, globs or ``-``, each fully read and decoded, lazily.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_bytes("Проект".encode("koi8_r"))
    >>> [(x.doc_id, x.text) for x in read_inputs([str(d)])]
    [('a', 'Проект')]
    """
    opts = opts or ReaderOptions()
    for item in iter_items(paths, opts):
        yield load_pending(item, opts) if isinstance(item, PendingFile) else item


def count_documents(paths: Iterable[str], opts: ReaderOptions | None = None, *, exclude: Iterable[str] = ()) -> int:
    """A quick count of the input documents for the progress bar (lines for JSONL/CSV)."""
    opts = opts or ReaderOptions()
    total = 0
    for path in iter_paths(paths, exclude):
        if path == "-":
            continue
        fmt = input_format(path, opts.input_format)
        if fmt not in ("jsonl", "csv"):
            total += 1
            continue
        try:
            with _open_binary(path) as fh:
                n = 0
                while chunk := fh.read(1 << 20):
                    n += chunk.count(b"\n")
        except (OSError, EOFError):
            n = 1
        total += n - (1 if fmt == "csv" else 0)
    return total
