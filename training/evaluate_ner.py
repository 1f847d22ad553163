"""Strict entity-level evaluation of a spaCy NER model on raw document text.

The model is run on the whole raw text of each document (as the pipeline does).  A predicted
entity counts as correct only if (start, end, label) equal a gold mention exactly, in
character offsets of the raw text ("strict").  Also reported: "aligned", where the gold spans are
first expanded to spaCy token boundaries (the best a token-level model can reach; 1.1% of
slavicner mentions do not end on a token edge).

Sets:
  test      slavicner-bg documents with split=test, all topics except ryanair (113 docs)
  ryanair   the held-out topic (87 docs), never used for training or model selection
  gold_ner  in-domain press releases (corpus/<doc_id>.txt + gold_ner/<doc_id>.json), PER/ORG/LOC
            only: predictions of other labels are ignored there

Usage:  python training/evaluate_ner.py [--model pipeline/models/bg_ner] [--speed]
Writes training/ner_scores.json (``--out``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

import spacy

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = (REPO / ".." / "shared" / "data").resolve()
LABELS = ("PER", "ORG", "LOC", "EVT", "PRO")


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score(pairs, labels) -> dict:
    """pairs: iterable of (gold set, pred set) of (start, end, label)."""
    c: Counter = Counter()
    for gold, pred in pairs:
        gold = {g for g in gold if g[2] in labels}
        pred = {p for p in pred if p[2] in labels}
        for lab in labels:
            g = {x for x in gold if x[2] == lab}
            p = {x for x in pred if x[2] == lab}
            c[lab, "tp"] += len(g & p)
            c[lab, "fp"] += len(p - g)
            c[lab, "fn"] += len(g - p)
    out = {lab: prf(c[lab, "tp"], c[lab, "fp"], c[lab, "fn"]) for lab in labels}
    out["ALL"] = prf(*(sum(c[lab, k] for lab in labels) for k in ("tp", "fp", "fn")))
    return out


def evaluate_set(nlp, docs: list[tuple[str, list[tuple[int, int, str]]]], labels) -> dict:
    texts = [t for t, _ in docs]
    strict, aligned = [], []
    for (_text, gold), doc in zip(docs, nlp.pipe(texts, batch_size=32), strict=True):
        pred = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        gold_set = set(gold)
        strict.append((gold_set, pred))
        al = set()
        for s, e, lab in gold_set:
            span = doc.char_span(s, e, alignment_mode="expand")
            al.add((span.start_char, span.end_char, lab) if span is not None else (s, e, lab))
        aligned.append((al, pred))
    return {"docs": len(docs), "strict": score(strict, labels), "aligned": score(aligned, labels)}


def load_slavicner(data: Path):
    sets: dict[str, list] = {"test": [], "ryanair": []}
    with gzip.open(data / "slavicner-bg" / "documents.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            key = "ryanair" if d["topic"] == "ryanair" else d["split"]
            if key in sets:
                sets[key].append((d["text"], [(e["start"], e["end"], e["type"]) for e in d["entities"]]))
    return sets


def load_gold_ner(gold_dir: Path, corpus_dir: Path, only: set[str] | None = None):
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        doc_id = g.get("doc_id") or path.stem
        if only is not None and doc_id not in only:
            continue
        txt = corpus_dir / f"{doc_id}.txt"
        if not txt.exists():
            continue
        ents = [(int(e["start"]), int(e["end"]), e["label"]) for e in g.get("entities", [])]
        out.append((txt.read_text(encoding="utf-8"), ents))
    return out


def measure_speed(nlp, texts: list[str], repeats: int = 3) -> dict:
    n_words = sum(len(nlp.make_doc(t)) for t in texts)
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, n_process=1, batch_size=32):
            pass
        el = time.perf_counter() - t0
        best = el if best is None else min(best, el)
    assert best is not None
    return {
        "docs": len(texts),
        "words": n_words,
        "mean_doc_kb": round(n_bytes / len(texts) / 1000, 2),
        "words_per_s": round(n_words / best),
        "docs_per_s": round(len(texts) / best, 1),
        "n_process": 1,
        "best_of": repeats,
    }


def print_table(name: str, res: dict, labels) -> None:
    print(f"\n== {name} ({res['docs']} docs) strict / aligned F1")
    print(f"{'type':5} {'P':>6} {'R':>6} {'F1':>6}   {'alF1':>6} {'gold':>6}")
    for lab in (*labels, "ALL"):
        s, a = res["strict"][lab], res["aligned"][lab]
        print(f"{lab:5} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f}   {a['f']:6.3f} {s['tp'] + s['fn']:6d}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=REPO / "pipeline" / "models" / "bg_ner")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--gold-ner", type=Path, default=REPO / "gold_ner")
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus")
    ap.add_argument("--gold-only", default="", help="comma-separated gold_ner doc ids to evaluate")
    ap.add_argument("--sets", default="test,ryanair,gold_ner")
    ap.add_argument("--speed", action="store_true", help="also time nlp.pipe on the test texts")
    ap.add_argument("--out", type=Path, default=HERE / "ner_scores.json")
    args = ap.parse_args(argv)

    nlp = spacy.load(args.model)
    wanted = args.sets.split(",")
    results: dict = {"model": str(args.model), "metric": "strict entity match on raw character offsets"}
    sl = load_slavicner(args.data)
    for name in ("test", "ryanair"):
        if name in wanted:
            results[name] = evaluate_set(nlp, sl[name], LABELS)
            print_table(name, results[name], LABELS)
    if "gold_ner" in wanted and args.gold_ner.is_dir():
        only = {x for x in args.gold_only.split(",") if x} or None
        gold = load_gold_ner(args.gold_ner, args.corpus, only)
        if gold:
            results["gold_ner"] = evaluate_set(nlp, gold, ("PER", "ORG", "LOC"))
            print_table("gold_ner (in-domain)", results["gold_ner"], ("PER", "ORG", "LOC"))
        else:
            print("\ngold_ner: no annotated documents found")
    if args.speed:
        results["speed"] = measure_speed(nlp, [t for t, _ in sl["test"]])
        print("\nspeed:", results["speed"])
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
