"""Per-stage cost of the rules-only pipeline, in milliseconds per document.

Why: the project targets >= 200 documents/s with 2 jobs and extraction at most
3x the cost of spaCy ``bg`` tokenisation alone; this script says which stage
to look at.  The first pass over the corpus pays for lazy loading (rule files,
lemma table, regex compilation) and is reported apart from the steady state
(best of ``--passes`` further passes, taken in the same minute since the machine
is shared).  Stages: blank spaCy tokenisation (the yardstick), normalisation,
our tokenizer + sentence splitter (``text_sentences``, as ``Document.from_text``
runs them: no ``Doc`` is built), the entity layer, then every extractor in
pipeline order.  ``--profile N`` also prints the top N functions of a cProfile
run over the same loop (cumulative time).  ``--clock cpu`` times the process's CPU
time instead of wall time: on a shared machine another process's load then
barely moves the figures (waiting for a core is not counted).

    .venv/bin/python benchmarks/stage_profile.py [--ner rules] [--repeat 6] [--profile 30] [--clock cpu]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy

from pipeline.api import _ner
from pipeline.document import Document
from pipeline.extractors import EXTRACTORS
from pipeline.language.tokenizer import text_sentences
from pipeline.textnorm import normalise


def run(texts: list[str], ner_name: str, clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Seconds spent per stage over ``texts`` (wall time, or what ``clock`` counts)."""
    ner = _ner(ner_name)
    blank = spacy.blank("bg")
    tot: dict[str, float] = {}

    def tm(key: str, fn: Callable[..., Any], *args: Any) -> Any:
        t = clock()
        r = fn(*args)
        tot[key] = tot.get(key, 0.0) + clock() - t
        return r

    for x in texts:
        tm("blank", blank, x)
        n = tm("norm", normalise, x)
        tm("tok+sent", text_sentences, n.text)
        d = Document.from_text(x, "d")
        d.entities = list(tm("ner", ner, d))
        found: list[Any] = []
        for name, fn in EXTRACTORS:
            found.extend(tm(name, fn, d, found))
    return tot


def report(label: str, tot: dict[str, float], n: int) -> None:
    """One line of ms/doc per stage, then the sum and its ratio to blank tokenisation."""
    print(f"{label}:", {k: round(v / n * 1000, 2) for k, v in tot.items()}, "ms/doc")
    work = sum(v for k, v in tot.items() if k != "blank")
    print(f"{label}: sum excl blank {work / n * 1000:.2f} ms/doc = {n / work:.0f} docs/s on one core;",
          f"{work / tot['blank']:.1f} x blank tokenisation")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ner", default="rules")
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--repeat", type=int, default=6)
    ap.add_argument("--passes", type=int, default=3, help="steady-state passes (the best one is reported)")
    ap.add_argument("--profile", type=int, default=0, help="print the top N functions of a cProfile run")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="cpu: this process's CPU time, steadier on a shared machine")
    args = ap.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(args.corpus).glob("*.txt"))] * args.repeat
    n = len(texts)
    report("first pass", run(texts[: n // args.repeat], args.ner, clock), n // args.repeat)
    runs = [run(texts, args.ner, clock) for _ in range(args.passes)]
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    report("steady", best, n)
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(run, texts, args.ner)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
