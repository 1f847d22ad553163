"""Build the Bulgarian lemma lookup table rules/lemmas/bg_lemmas.tsv.gz and measure it.

Table: ``form<TAB>lemma`` per line, forms lower-cased, only tokens tagged NOUN, ADJ, VERB or
PROPN, the most frequent lemma per form (ties: the lemma seen first).  Lemmas are kept in the
sources' own conventions (BulTreeBank style, e.g. ``загубя-(се)`` for verbs with a reflexive
variant).

Sources: the lemma column of the six slavicner-bg CoNLL-U files (CLASSLA automatic lemmas; the
same tokens as bsnlp-bg) and UD Bulgarian-BTB (gold lemmas).  UD counts are weighted x3 because
they are manual.

Evaluation (printed, and written to training/lemma_scores.json): a table built from slavicner +
UD dev only is scored on the NOUN tokens of UD test; a form that is not in the table falls back to
itself.  The shipped table then adds UD test as well.

Usage:  python training/build_lemmas.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = (REPO / ".." / "shared" / "data").resolve()
KEEP_POS = {"NOUN", "ADJ", "VERB", "PROPN"}
SLAVICNER_TOPICS = ("asia_bibi", "brexit", "covid-19", "nord_stream", "ryanair", "us_election_2020")
UD_WEIGHT = 3
SYMBOL_NOUNS = {"%", "$", "€", "£", "№", "§"}


def read_conllu(path: Path) -> Iterator[tuple[str, str, str]]:
    """(form, lemma, upos) of every token line."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4 or not cols[0].isdigit():  # skip multi-word ranges and empty nodes
                continue
            yield cols[1], cols[2], cols[3]


def _wordlike(s: str) -> bool:
    """Non-empty, no whitespace, starting with a letter or digit, or a single symbol such as
    ``%`` or ``$`` (UD tags ``%`` NOUN, lemma ``процент``); drops CLASSLA noise such as ``''европейските``."""
    if not s or any(ch.isspace() for ch in s):
        return False
    return s[0].isalnum() or s in SYMBOL_NOUNS


def count(sources: list[tuple[Path, int]]) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for path, weight in sources:
        for form, lemma, upos in read_conllu(path):
            form = form.strip().lower()
            if upos in KEEP_POS and _wordlike(form) and any(ch.isalpha() for ch in lemma):
                counts[form][lemma] += weight
    return counts


def best(counts: dict[str, Counter]) -> dict[str, str]:
    return {form: c.most_common(1)[0][0] for form, c in counts.items()}


def evaluate(table: dict[str, str], test: Path, pos: str = "NOUN") -> dict:
    n = covered = ok = ok_covered = ident = 0
    for form, lemma, upos in read_conllu(test):
        if upos != pos:
            continue
        n += 1
        key = form.strip().lower()
        pred = table.get(key)
        gold = lemma.lower()
        if key == gold:
            ident += 1
        if pred is not None:
            covered += 1
            if pred.lower() == gold:
                ok += 1
                ok_covered += 1
        elif key == gold:
            ok += 1
    return {
        "pos": pos,
        "tokens": n,
        "coverage": round(covered / n, 4),
        "accuracy": round(ok / n, 4),
        "accuracy_on_covered": round(ok_covered / covered, 4) if covered else 0.0,
        "identity_baseline": round(ident / n, 4),
        "note": "case-insensitive lemma match; unknown forms fall back to the lower-cased form",
    }


def write_table(table: dict[str, str], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as gz:
        body = "".join(f"{form}\t{table[form]}\n" for form in sorted(table))
        gz.write(body.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=REPO / "rules" / "lemmas" / "bg_lemmas.tsv.gz")
    ap.add_argument("--scores", type=Path, default=HERE / "lemma_scores.json")
    args = ap.parse_args(argv)

    slav = [(args.data / "slavicner-bg" / f"{t}.conllu.gz", 1) for t in SLAVICNER_TOPICS]
    ud_dev = args.data / "ud-bg-btb" / "bg_btb-ud-dev.conllu.gz"
    ud_test = args.data / "ud-bg-btb" / "bg_btb-ud-test.conllu.gz"

    eval_table = best(count([*slav, (ud_dev, UD_WEIGHT)]))
    scores = {
        "table_for_eval": "slavicner-bg (6 topics) + UD-BTB dev",
        "eval_set": "UD-BTB test",
        "eval_table_forms": len(eval_table),
        "NOUN": evaluate(eval_table, ud_test, "NOUN"),
        "PROPN": evaluate(eval_table, ud_test, "PROPN"),
        "ADJ": evaluate(eval_table, ud_test, "ADJ"),
        "VERB": evaluate(eval_table, ud_test, "VERB"),
    }
    final = best(count([*slav, (ud_dev, UD_WEIGHT), (ud_test, UD_WEIGHT)]))
    write_table(final, args.out)
    scores["shipped_table"] = {
        "path": str(args.out.relative_to(REPO)),
        "forms": len(final),
        "sources": "slavicner-bg (6 topics) + UD-BTB dev + test",
    }
    args.scores.write_text(json.dumps(scores, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(scores, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
