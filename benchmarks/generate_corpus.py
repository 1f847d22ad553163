"""Generate N realistic ~3 KB (UTF-8) press releases by recombining the sentences of corpus/*.txt.

Deterministic for a given seed.  Each document takes a headline from one release
and a body of sentences drawn from all of them, then varies the figures (every
number of the same length changes digits; years stay plausible; project codes are
kept as written), the municipality names and the dates.  Only the project's own
corpus/ is read, never ../shared/dev.

    python benchmarks/generate_corpus.py --n 1000 --out /tmp/corpus1k [--seed 7] [--format txt|jsonl]

Importable: :func:`generate` yields ``(doc_id, text)`` pairs lazily, so 100k
documents are written in constant memory.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# real municipalities (public place names) to swap in for the ones the seed texts use
MUNICIPALITIES = (
    "Смолян", "Якимово", "Казанлък", "Перник", "Стрелча", "Габрово", "Ловеч", "Видин", "Добрич", "Сливен",
    "Карлово", "Самоков", "Разлог", "Тетевен", "Елена", "Трявна", "Берковица", "Девин", "Мадан", "Хасково",
)
_MONTHS = ("януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември", "октомври",
           "ноември", "декември")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[\"„«(А-ЯA-Z0-9])")
_CODE = re.compile(r"\b(?:BG|ВG|BG-)[\w.\-/]+|\S+@\S+|(?:\+359|0)[\d ]{8,12}\d")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUM = re.compile(r"\d+")
_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\b")
_MONTH_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r") ((?:19|20)\d\d)\b")


def _load() -> tuple[list[str], list[str]]:
    heads: list[str] = []
    body: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        if not lines:
            continue
        heads.append(lines[0])
        for para in lines[1:]:
            body.extend(s.strip() for s in _SENT.split(para) if len(s.strip()) > 25)
    if not body:
        raise SystemExit(f"no sentences found under {CORPUS}")
    return heads, body


def _vary(text: str, rng: random.Random, place: str, places: frozenset[str]) -> str:
    keep = [(m.start(), m.end()) for m in _CODE.finditer(text)]

    def protected(pos: int) -> bool:
        return any(s <= pos < e for s, e in keep)

    def date_sub(m: re.Match[str]) -> str:
        if protected(m.start()):
            return m.group(0)
        return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2016, 2026)}"

    def month_sub(m: re.Match[str]) -> str:
        return f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.randint(2016, 2026)}"

    text = _DATE.sub(date_sub, text)
    text = _MONTH_DATE.sub(month_sub, text)
    keep = [(m.start(), m.end()) for rx in (_CODE, _DATE, _MONTH_DATE) for m in rx.finditer(text)]

    def num_sub(m: re.Match[str]) -> str:
        s = m.group(0)
        if protected(m.start()) or _YEAR.fullmatch(s) or (m.start() > 0 and text[m.start() - 1] == "."):
            return s
        if len(s) == 1:
            return str(rng.randint(2, 9))
        return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(len(s) - 1))

    text = _NUM.sub(num_sub, text)
    for name in places:
        if name in text:
            text = text.replace(name, place)
    return text


def generate(n: int, seed: int = 7, size: int = 3000) -> Iterator[tuple[str, str]]:
    """``n`` documents ``(doc_id, text)`` of about ``size`` bytes (UTF-8) each, lazily.

    >>> docs = list(generate(2, seed=1)); len(docs), docs[0][0]
    (2, 'gen_000000')
    >>> docs == list(generate(2, seed=1))
    True
    """
    heads, body = _load()
    places = frozenset(MUNICIPALITIES)
    rng = random.Random(seed)
    for i in range(n):
        place = rng.choice(MUNICIPALITIES)
        parts = [_vary(rng.choice(heads), rng, place, places), ""]
        length = len(parts[0].encode("utf-8"))
        para: list[str] = []
        while length < size:
            s = _vary(rng.choice(body), rng, place, places)
            para.append(s)
            length += len(s.encode("utf-8")) + 1
            if len(para) >= rng.randint(2, 5):
                parts.append(" ".join(para))
                para = []
        if para:
            parts.append(" ".join(para))
        yield f"gen_{i:06d}", "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--size", type=int, default=3000, help="approximate UTF-8 bytes per document")
    ap.add_argument("--out", required=True, help="a folder (txt) or a FILE.jsonl")
    ap.add_argument("--format", choices=("txt", "jsonl"), default=None)
    args = ap.parse_args(argv)
    out = Path(args.out)
    fmt = args.format or ("jsonl" if out.suffix == ".jsonl" else "txt")
    if fmt == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for doc_id, text in generate(args.n, args.seed, args.size):
                fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    else:
        out.mkdir(parents=True, exist_ok=True)
        for doc_id, text in generate(args.n, args.seed, args.size):
            (out / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    print(f"wrote {args.n} documents to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
