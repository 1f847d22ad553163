"""Robustness at scale: 2,000 generated releases, 5 % of them corrupted in every way we know.

The corrupted copies replace good files (same doc_id) with: empty files, binary
bytes, undecodable bytes, a 50 MB text file, broken HTML, JSONL files with invalid
lines, truncated gzip, cp1251 / koi8-r / mixed encodings (those are *not* errors:
they must decode to the same text and give the same record).  Then:

- the run finishes (exit status 2, documented: some documents failed);
- every good document's record equals the clean run's record;
- every corrupted input has a row in the errors file, with the expected kind.

    python benchmarks/robustness.py [--n 2000] [--jobs 2]

Results go to benchmarks/results/robustness.json.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

import sys  # noqa: E402

sys.path.insert(0, str(HERE))
from generate_corpus import generate  # noqa: E402

KINDS = ("empty", "binary", "undecodable", "too_large", "broken_html", "invalid_json", "corrupt_gz",
         "cp1251", "koi8_r", "mixed")


def corrupt(path: Path, kind: str, text: str, rng: random.Random) -> tuple[Path, str | None, str | None]:
    """Replace ``path`` by a corrupted input; the new path, its error-row doc_id and expected kind."""
    stem = path.stem
    path.unlink()
    folder = path.parent
    if kind == "empty":
        (folder / f"{stem}.txt").write_bytes(b"")
        return folder / f"{stem}.txt", stem, "empty"
    if kind == "binary":
        (folder / f"{stem}.txt").write_bytes(b"%PDF-1.5\n" + bytes(rng.randrange(256) for _ in range(4000)))
        return folder / f"{stem}.txt", stem, "binary"
    if kind == "undecodable":
        (folder / f"{stem}.txt").write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(3000)))
        return folder / f"{stem}.txt", stem, "undecodable"
    if kind == "too_large":
        with (folder / f"{stem}.txt").open("w", encoding="utf-8") as fh:
            while fh.tell() < 50 * 2**20:
                fh.write(text)
        return folder / f"{stem}.txt", stem, "too_large"
    if kind == "broken_html":
        (folder / f"{stem}.html").write_text("<html><head><title></title><body><div><table><tr><td><<</div" * 3,
                                             encoding="utf-8")
        return folder / f"{stem}.html", stem, "no_text"
    if kind == "invalid_json":
        (folder / f"{stem}.jsonl").write_text('{"id": "' + stem + '", "text": "unterminated\n', encoding="utf-8")
        return folder / f"{stem}.jsonl", f"{stem}:1", "invalid_json"
    if kind == "corrupt_gz":
        gz = gzip.compress((json.dumps({"id": stem, "text": text}, ensure_ascii=False) + "\n").encode())
        (folder / f"{stem}.jsonl.gz").write_bytes(gz[: len(gz) // 3])
        return folder / f"{stem}.jsonl.gz", f"{stem}:1", "corrupt_file"
    # encodings: not errors, the document must give the clean record
    plain = text.replace("„", '"').replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    if kind in ("cp1251", "koi8_r"):
        (folder / f"{stem}.txt").write_bytes(plain.encode(kind, errors="replace"))
    else:
        lines = plain.splitlines(keepends=True)
        (folder / f"{stem}.txt").write_bytes(b"".join(ln.encode("utf-8" if i % 2 else "cp1251") for i, ln in enumerate(lines)))
    return folder / f"{stem}.txt", None, None


def run(src: Path, out: Path, jobs: int) -> tuple[int, float]:
    t0 = time.perf_counter()
    res = subprocess.run([str(ROOT / ".venv" / "bin" / "bgpress"), "extract", str(src), "-o", str(out), "-j", str(jobs), "-q"],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    return res.returncode, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=0.05)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", default=str(HERE / "results" / "robustness.json"))
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bgpress-robust-"))
    clean, dirty = tmp / "clean", tmp / "dirty"
    clean.mkdir()
    texts = {}
    for doc_id, text in generate(args.n, seed=args.seed):
        (clean / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        texts[doc_id] = text
    shutil.copytree(clean, dirty)
    rng = random.Random(args.seed)
    victims = rng.sample(sorted(texts), int(args.n * args.rate))
    expected: dict[str, str] = {}
    encoded: list[str] = []
    for i, doc_id in enumerate(victims):
        kind = KINDS[i % len(KINDS)]
        _, err_id, err_kind = corrupt(dirty / f"{doc_id}.txt", kind, texts[doc_id], rng)
        if err_id is None:
            encoded.append(doc_id)
        else:
            expected[err_id] = err_kind  # type: ignore[assignment]
    rc_clean, t_clean = run(clean, tmp / "clean.jsonl", args.jobs)
    rc_dirty, t_dirty = run(dirty, tmp / "dirty.jsonl", args.jobs)
    clean_recs = {json.loads(x)["doc_id"]: json.loads(x) for x in (tmp / "clean.jsonl").read_text(encoding="utf-8").splitlines()}
    dirty_recs = {json.loads(x)["doc_id"]: json.loads(x) for x in (tmp / "dirty.jsonl").read_text(encoding="utf-8").splitlines()}
    with (tmp / "dirty.errors.csv").open(encoding="utf-8") as fh:
        errors = {r["doc_id"]: r["kind"] for r in csv.DictReader(fh)}
    bad_ids = {e.split(":")[0] for e in expected}
    good = [d for d in texts if d not in bad_ids]
    mismatched = [d for d in good if d not in encoded and dirty_recs.get(d) != clean_recs.get(d)]
    # re-encoded documents: same record once typographic quotes/dashes (not in cp1251/koi8-r) are set aside
    enc_missing = [d for d in encoded if d not in dirty_recs]
    missing_errors = {k: v for k, v in expected.items() if errors.get(k) != v}
    result: dict[str, Any] = {
        "docs": args.n, "corrupted": len(victims), "by_kind": {k: sum(1 for i in range(len(victims)) if KINDS[i % len(KINDS)] == k) for k in KINDS},
        "exit_clean": rc_clean, "exit_dirty": rc_dirty, "seconds_clean": round(t_clean, 1), "seconds_dirty": round(t_dirty, 1),
        "good_docs": len(good), "good_records_equal_clean": len(good) - len(encoded) - len(mismatched),
        "good_records_differing": mismatched[:20], "reencoded_docs": len(encoded),
        "reencoded_docs_without_record": enc_missing, "error_rows": len(errors),
        "expected_error_rows_missing_or_wrong": missing_errors,
        "ok": rc_clean == 0 and rc_dirty == 2 and not mismatched and not enc_missing and not missing_errors,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
