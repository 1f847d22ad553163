"""Instructions per document (cachegrind) of the rules pipeline and of ``spacy.blank("bg")``.

Why: on a shared 2-core machine the wall and even the CPU clock of the same code vary by
±30 % from run to run, which hides a 5 % change.  The number of instructions executed
does not depend on the load: it is the figure to compare two versions of the code by
(an A/B of a change), while the time ratios in ``bench_throughput.py`` remain the figures
to report.  Instructions are not time: the interpreter's instructions cost more cycles
each than spaCy's compiled tokenizer, so the instruction ratio is lower than the time ratio.

Each step runs under ``valgrind --tool=cachegrind --cache-sim=no`` twice, with 0 and with
``--passes`` passes over the texts after one warm-up pass; the difference divided by the
documents processed is the steady-state cost per document (start-up and loading cancel).

    .venv/bin/python benchmarks/instructions.py [--corpus corpus] [--passes 2]
    .venv/bin/python benchmarks/instructions.py --stage counts --corpus /tmp/gen200

``--stage NAME`` measures one stage alone (``ner``, or an extractor: ``money``, ``dates``,
``counts``, ...): the warm-up builds every document, its entities and the mentions found
before the stage; each measured pass runs only the stage, its document state reset to what it
was before it.  Its figure for a stage that reads what an earlier stage left in shared caches
(the folded text, the start-word index) includes that work, which the pipeline pays once.

Needs ``valgrind`` on the PATH (a system package, not a Python dependency).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
STEPS = ("rules", "blank")


def _texts(corpus: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / corpus).glob("*.txt"))]


def work(step: str, corpus: str, passes: int) -> None:
    """The measured process: one warm-up pass, then ``passes`` passes of ``step``."""
    texts = _texts(corpus)
    if step == "blank":
        import spacy

        nlp = spacy.blank("bg")

        def run(i: int, text: str) -> Any:
            return nlp(text)
    else:
        from pipeline.api import extract_with_mentions

        def run(i: int, text: str) -> Any:
            return extract_with_mentions(text, f"d{i}", ner="rules")
    for _ in range(1 + passes):
        for i, text in enumerate(texts):
            run(i, text)


def work_stage(stage: str, corpus: str, passes: int) -> None:
    """The measured process of ``--stage``: warm-up over the whole pipeline, then ``passes``
    passes of ``stage`` alone."""
    from pipeline.api import _ner
    from pipeline.document import Document
    from pipeline.extractors import EXTRACTORS

    ner = _ner("rules")
    extractors = dict(EXTRACTORS)
    if stage != "ner" and stage not in extractors:
        raise SystemExit(f"unknown stage {stage!r}: ner or one of {', '.join(extractors)}")
    prepared: list[tuple[Any, list[Any], dict[str, Any], dict[str, Any]]] = []
    for i, text in enumerate(_texts(corpus)):
        doc = Document.from_text(text, f"d{i}")
        if stage == "ner":
            prepared.append((doc, [], dict(doc.meta), dict(doc._cache)))
        doc.entities = list(ner(doc))
        found: list[Any] = []
        for name, fn in EXTRACTORS:
            if name == stage:
                prepared.append((doc, list(found), dict(doc.meta), dict(doc._cache)))
            found.extend(fn(doc, found))
    for _ in range(passes):
        for doc, before, meta, cache in prepared:
            doc.meta, doc._cache = dict(meta), dict(cache)
            if stage == "ner":
                list(ner(doc))
            else:
                extractors[stage](doc, before)


def instructions(step: str, corpus: str, passes: int) -> int:
    """Instructions executed by a worker process (cachegrind's ``I refs``): ``step`` is one of
    ``STEPS`` or a stage name."""
    worker = ["--worker", step] if step in STEPS else ["--worker", "stage", "--stage", step]
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
           sys.executable, __file__, *worker, "--corpus", corpus, "--passes", str(passes)]
    # a fixed hash seed: set and dict orders (and so a few percent of the count) no longer vary by run
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True, env=env).stderr
    m = re.search(r"I\s+refs:\s+([\d,]+)", out)
    if m is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(m.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--stage", help="one stage alone (ner or an extractor); prints its figure, writes nothing")
    ap.add_argument("--worker", choices=(*STEPS, "stage"), help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(RESULTS / "instructions.json"))
    args = ap.parse_args(argv)
    if args.worker == "stage":
        work_stage(args.stage, args.corpus, args.passes)
        return 0
    if args.worker:
        work(args.worker, args.corpus, args.passes)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 1
    n = len(_texts(args.corpus)) * args.passes
    if args.stage:
        per_stage = (instructions(args.stage, args.corpus, args.passes) - instructions(args.stage, args.corpus, 0)) // n
        print(json.dumps({"corpus": args.corpus, "stage": args.stage, "instructions_per_doc": per_stage}))
        return 0
    per_doc = {step: (instructions(step, args.corpus, args.passes) - instructions(step, args.corpus, 0)) // n
               for step in STEPS}
    result = {"corpus": args.corpus, "documents_per_measure": n,
              "instructions_per_doc": per_doc,
              "ratio_rules_to_blank_bg": round(per_doc["rules"] / per_doc["blank"], 2)}
    print(json.dumps(result, indent=1))
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
