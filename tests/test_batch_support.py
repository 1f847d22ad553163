"""Helpers shared by the batch tests (a generated corpus, corrupted inputs), and their own tests."""

from __future__ import annotations

import gzip
import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_corpus(folder: Path, n: int, *, seed: int = 3, size: int = 1200) -> list[str]:
    """``n`` generated .txt documents in ``folder``; their doc_ids."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for doc_id, text in generator().generate(n, seed=seed, size=size):
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        ids.append(doc_id)
    return ids


def write_corrupted(folder: Path, good_text: str) -> dict[str, str]:
    """One bad input of each kind; doc_id (or error-row doc_id) -> the error kind expected."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    (folder / "bad_empty.txt").write_bytes(b"")
    (folder / "bad_blank.txt").write_bytes(b"  \n\n \t\n")
    (folder / "bad_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2000)))
    (folder / "bad_undecodable.txt").write_bytes(bytes(rng.choice(range(0x80, 0x100)) for _ in range(3000)))
    (folder / "bad_large.txt").write_bytes(("Проект. " * 80_000).encode("utf-8"))  # ~1.1 MB, over the default limit
    (folder / "bad_broken.html").write_text("<html><head><title></title></head><body><div><p><<<//div", encoding="utf-8")
    with (folder / "bad_lines.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "jl_good", "text": good_text}, ensure_ascii=False) + "\n")
        fh.write("{not json at all\n")
        fh.write(json.dumps({"id": "jl_notext"}) + "\n")
        fh.write(json.dumps({"id": "jl_good", "text": good_text}, ensure_ascii=False) + "\n")
    good_gz = gzip.compress((json.dumps({"id": "gz_a", "text": good_text}, ensure_ascii=False) + "\n").encode() * 2)
    (folder / "bad_trunc.jsonl.gz").write_bytes(good_gz[: len(good_gz) // 2])
    return {
        "bad_empty": "empty",
        "bad_blank": "empty",
        "bad_binary": "binary",
        "bad_undecodable": "undecodable",
        "bad_large": "too_large",
        "bad_broken": "no_text",
        "bad_lines:2": "invalid_json",
        "jl_notext": "missing_text",
        "jl_good": "duplicate_id",
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_generator_is_deterministic_and_sized() -> None:
    gen = generator()
    a = list(gen.generate(5, seed=11))
    assert a == list(gen.generate(5, seed=11))
    assert a != list(gen.generate(5, seed=12))
    sizes = [len(t.encode("utf-8")) for _, t in a]
    assert all(2500 < s < 4500 for s in sizes), sizes
