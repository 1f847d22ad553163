"""Readers: formats, encodings, bad inputs become error items (never exceptions)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipeline.readers import (
    DecodeError,
    PendingFile,
    ReaderOptions,
    ReadError,
    SourceDoc,
    decode_bytes,
    html_to_text,
    iter_items,
    iter_line_range,
    jsonl_line_ranges,
    read_inputs,
)

TEXT = "Община Смолян изпълнява проект \"Заедно\" на стойност 1 035 612 лв.\nКонтакт: Мария Иванова.\n"


def _one(paths: list[str], **kw: object) -> list[SourceDoc | ReadError]:
    return list(read_inputs(paths, ReaderOptions(**kw)))  # type: ignore[arg-type]


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "cp1251", "koi8_r"])
def test_encodings_are_detected_and_recorded(tmp_path: Path, enc: str) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT.encode(enc))
    [doc] = _one([str(tmp_path / "a.txt")])
    assert isinstance(doc, SourceDoc)
    assert doc.text == TEXT
    assert doc.meta["encoding"].replace("_", "-") == enc.replace("_", "-")


def test_mixed_utf8_and_cp1251_lines() -> None:
    data = "Първи ред на български.\n".encode() + "Втори ред в друга кодировка.\n".encode("cp1251")
    text, enc = decode_bytes(data)
    assert text == "Първи ред на български.\nВтори ред в друга кодировка.\n"
    assert enc == "mixed:utf-8+cp1251"


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"", "empty"), (b" \n\t ", "empty"), (b"\x00\x01\x02abc" * 50, "binary"), (b"%PDF-1.4\n\xff\xfe" * 20, "binary")],
)
def test_bad_bytes_raise_decode_error_with_kind(data: bytes, kind: str) -> None:
    with pytest.raises(DecodeError) as exc:
        decode_bytes(data)
    assert exc.value.kind == kind


def test_bad_files_are_error_items(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_bytes(b"x" * 2000)
    (tmp_path / "ok.txt").write_text(TEXT, encoding="utf-8")
    items = {i.doc_id: i for i in _one([str(tmp_path), str(tmp_path / "missing.txt")], max_bytes=1000)}
    assert isinstance(items["ok"], SourceDoc)
    assert isinstance(items["empty"], ReadError) and items["empty"].kind == "empty"
    assert isinstance(items["big"], ReadError) and items["big"].kind == "too_large"
    assert isinstance(items["missing"], ReadError) and items["missing"].kind == "not_found"


def test_folders_recursive_sorted_and_globs(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(TEXT, encoding="utf-8")
    assert [i.doc_id for i in iter_items([str(tmp_path)])] == ["a", "z"]
    assert [i.doc_id for i in iter_items([str(tmp_path / "**" / "*.txt")])] == ["a", "z"]
    assert all(isinstance(i, PendingFile) for i in iter_items([str(tmp_path)]))  # read later, in a worker


def test_jsonl_plain_and_gz_with_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "r1", "text": TEXT, "url": "https://x.bg/1", "title": "Заглавие", "date": "2024-05-01"}, ensure_ascii=False),
        "{broken",
        json.dumps([1, 2]),
        json.dumps({"id": "r4"}),
        "",
        json.dumps({"text": TEXT}, ensure_ascii=False),
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (tmp_path / "a.jsonl").write_bytes(data)
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(data))
    for name, stem in (("a.jsonl", "a"), ("b.jsonl.gz", "b")):
        items = _one([str(tmp_path / name)])
        assert [(i.doc_id, getattr(i, "kind", "ok")) for i in items] == [
            ("r1", "ok"), (f"{stem}:2", "invalid_json"), (f"{stem}:3", "invalid_json"), ("r4", "missing_text"), (f"{stem}:6", "ok"),
        ]
        first = items[0]
        assert isinstance(first, SourceDoc)
        assert first.meta == {"encoding": "utf-8", "url": "https://x.bg/1", "title": "Заглавие", "date": "2024-05-01"}
        assert first.source == str(tmp_path / name) + ":1"


def test_jsonl_and_csv_field_names_are_options(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"key": "k1", "body": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(("key,body,link\nk2,\"" + TEXT.replace('"', '""') + "\",https://y.bg\n").encode("cp1251"))
    items = _one([str(tmp_path)], id_field="key", text_field="body", url_field="link")
    assert [(i.doc_id, i.text) for i in items if isinstance(i, SourceDoc)] == [("k1", TEXT), ("k2", TEXT)]
    assert items[1].meta == {"encoding": "cp1251", "url": "https://y.bg"}  # type: ignore[union-attr]


def test_truncated_gzip_is_an_error_row(tmp_path: Path) -> None:
    gz = gzip.compress((json.dumps({"id": "a", "text": TEXT * 50}, ensure_ascii=False) + "\n").encode() * 20)
    (tmp_path / "t.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    items = _one([str(tmp_path / "t.jsonl.gz")])
    assert isinstance(items[-1], ReadError) and items[-1].kind == "corrupt_file"


HTML = """<html><head><title>Община Смолян стартира проект</title>
<link rel="canonical" href="https://smolyan.bg/news/1"></head>
<body><nav><a href="/">Начало</a> | <a href="/news">Новини</a></nav>
<article><h1>Община Смолян стартира проект</h1>
<p>Община Смолян сключи договор за проект „Заедно напред“ по Програма „Развитие на човешките ресурси“.</p>
<p>Общата стойност на проекта е 1 035 612 лв. Проектът ще продължи 24 месеца и ще обхване 120 деца.</p>
</article><footer>Всички права запазени 2024</footer></body></html>"""


def test_html_main_text_title_and_url(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(HTML.encode("cp1251"))
    [doc] = _one([str(tmp_path / "page.html")])
    assert isinstance(doc, SourceDoc)
    assert "1 035 612 лв." in doc.text and "Начало" not in doc.text and "<p>" not in doc.text
    assert doc.meta["title"] == "Община Смолян стартира проект"
    assert doc.meta["url"] == "https://smolyan.bg/news/1"
    assert doc.meta["encoding"] == "cp1251"


def test_broken_html_is_no_text() -> None:
    with pytest.raises(DecodeError) as exc:
        html_to_text("<html><body><div><p><<<//div")
    assert exc.value.kind == "no_text"


@pytest.mark.parametrize("data", [b"", b"\n", b'{"id": "a", "text": "x"}\n', b"a\nb\n\nc", b"\n\n\n\n",
                                  b"x" * 10 + b"\n" + b"y\n" * 7 + b"z"])
@pytest.mark.parametrize("lines", [1, 2, 3, 4])
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 1 << 20])
def test_jsonl_line_ranges_cover_the_file_line_by_line(tmp_path: Path, data: bytes, lines: int, chunk_size: int) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(data)
    ranges = jsonl_line_ranges(str(path), lines, chunk_size)
    assert [r.start for r in ranges[:1]] == ([0] if data else [])
    assert [r.stop for r in ranges[-1:]] == ([len(data)] if data else [])
    assert all(a.stop == b.start for a, b in zip(ranges, ranges[1:], strict=False))
    physical = data.splitlines(keepends=True)
    assert sum(r.lines for r in ranges) == len(physical)
    first = 1
    for r in ranges:
        assert data[r.start:r.stop].splitlines(keepends=True) == physical[first - 1:first - 1 + r.lines]
        assert r.first_line == first and (r.lines == lines or r is ranges[-1])
        first += r.lines


def test_line_ranges_read_as_the_whole_file(tmp_path: Path) -> None:
    rows = [json.dumps({"id": f"d{k}", "text": f"Проект {k}"}, ensure_ascii=False) for k in range(7)]
    rows[2] = json.dumps({"text": "Без id"}, ensure_ascii=False)
    rows[4] = "{broken"
    rows.insert(5, "")
    path = tmp_path / "dump.jsonl"
    path.write_bytes("\n".join(rows).encode("cp1251"))
    whole = list(read_inputs([str(path)]))
    for lines in (1, 2, 3, 10):
        pieces = [item for r in jsonl_line_ranges(str(path), lines) for item in iter_line_range(r)]
        assert pieces == whole
    assert [x.doc_id for x in whole] == ["d0", "d1", "dump:3", "d3", "dump:5", "d5", "d6"]
    assert isinstance(whole[4], ReadError) and whole[4].kind == "invalid_json"
