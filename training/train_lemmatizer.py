"""Train spaCy's edit-tree lemmatizer for Bulgarian and compare it with the lemma lookup table.

The issue asked for "a trainable edit-tree lemmatizer ... or a lookup table built from them;
measure which is better".  This script does the measuring.

Training data: exactly the data of the table that ``training/build_lemmas.py`` scores, i.e. the
lemma column of the six slavicner-bg CoNLL-U files (CLASSLA lemmas) plus UD-BTB dev (gold,
repeated x3 per epoch, as the table weights UD x3).  UD-BTB test is never trained on.

Model: one ``trainable_lemmatizer`` component (edit trees, spaCy 3.8) whose own small tok2vec
(``MultiHashEmbed`` NORM/PREFIX/SUFFIX/SHAPE + ``MaxoutWindowEncoder``, width 64) sits inside
the component, so the saved pipeline is a single component.  Training runs single-threaded and
stops at a wall-time budget (``--minutes``).

Evaluation: the table's protocol from ``build_lemmas.evaluate`` — the UD-BTB test tokens of each
UPOS (NOUN, ADJ, VERB, PROPN), case-insensitive match with the gold lemma.  Three systems:

- ``table``: the evaluation table (slavicner + UD dev), unknown forms fall back to the form;
- ``edit_tree``: the trained model alone;
- ``hybrid``: the table for the forms it covers, the model for the others.

The model is scored twice: ``in_context`` (whole UD sentences) and ``isolated`` (every token as a
one-word Doc, which is what the runtime has: the lemma of a count noun, no sentence).  The result is
merged into ``training/lemma_scores.json`` (existing keys kept; ``edit_tree`` and ``hybrid`` added).

Usage:  OMP_NUM_THREADS=1 python training/train_lemmatizer.py [--data ../shared/data]
            [--minutes 17] [--out pipeline/models/bg_lemmatizer]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from build_lemmas import (  # noqa: E402
    DEFAULT_DATA,
    SLAVICNER_TOPICS,
    UD_WEIGHT,
    best,
    count,
)

EVAL_POS = ("NOUN", "PROPN", "ADJ", "VERB")
SEED = 13

Sentence = list[tuple[str, str, str]]  # (form, lemma, upos)


def read_sentences(path: Path) -> Iterator[Sentence]:
    """Sentences of (form, lemma, upos) from a gzipped CoNLL-U file."""
    sent: Sentence = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if sent:
                    yield sent
                sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 4 or not cols[0].isdigit():
                continue
            sent.append((cols[1], cols[2], cols[3]))
    if sent:
        yield sent


def _train_lemma(form: str, lemma: str) -> str:
    """The lemma to learn, or "" (missing: no loss) for CLASSLA noise."""
    if not lemma or lemma == "_" or any(ch.isspace() for ch in lemma):
        return ""
    if any(ch.isalpha() for ch in form) and not any(ch.isalpha() for ch in lemma):
        return ""
    return lemma


def model_config(width: int, depth: int, embed: str = "hash") -> dict:
    if embed == "char":  # NORM + the first and last 6 characters
        embed_cfg: dict = {"@architectures": "spacy.CharacterEmbed.v2", "width": width, "rows": 5000,
                           "nM": 16, "nC": 6, "include_static_vectors": False}
    else:
        embed_cfg = {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": width,
            "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
            "rows": [5000, 1000, 5000, 500],
            "include_static_vectors": False,
        }
    return {
        "@architectures": "spacy.Tagger.v2",
        "nO": None,
        "normalize": False,
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": embed_cfg,
            "encode": {
                "@architectures": "spacy.MaxoutWindowEncoder.v2",
                "width": width,
                "depth": depth,
                "window_size": 1,
                "maxout_pieces": 3,
            },
        },
    }


def save_small(nlp: Any, out: Path) -> None:
    """Save ``nlp`` without the training vocabulary: a fresh pipeline from the same config gets
    the trained component's weights and edit trees (plus the strings the trees
    refer to), so ``vocab/strings.json`` holds no training words (2.7 MB less)."""
    import shutil

    import spacy

    fresh = spacy.blank(nlp.lang)
    name = nlp.pipe_names[0]
    config = {k: v for k, v in nlp.get_pipe_config(name).items() if k != "factory"}
    fresh.add_pipe(nlp.get_pipe_meta(name).factory, name=name, config=config)
    # the edit trees refer to their strings by hash: carry those strings over
    import srsly

    trees = srsly.msgpack_loads(nlp.get_pipe(name).trees.to_bytes())["trees"]
    for node in trees:
        for key in ("orig", "subst"):
            if node.get(key):
                fresh.vocab.strings.add(nlp.vocab.strings[node[key]])
    fresh.get_pipe(name).from_bytes(nlp.get_pipe(name).to_bytes(exclude=["vocab"]), exclude=["vocab"])
    if out.exists():
        shutil.rmtree(out)
    fresh.to_disk(out)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def score(sents: list[Sentence], preds: list[list[str]], table: dict[str, str] | None,
          model: bool) -> dict[str, dict]:
    """Per-UPOS accuracy.  ``table`` given and ``model`` True: hybrid; only ``table``: the table
    with identity fallback; only ``model``: the model alone."""
    out: dict[str, dict] = {}
    for pos in EVAL_POS:
        n = ok = unc = ok_unc = 0
        for sent, pred in zip(sents, preds, strict=True):
            for (form, lemma, upos), p in zip(sent, pred, strict=True):
                if upos != pos:
                    continue
                n += 1
                key = form.strip().lower()
                hit = table.get(key) if table is not None else None
                if hit is None:
                    unc += 1
                    guess = p if model else key
                else:
                    guess = hit
                good = guess.lower() == lemma.lower()
                ok += good
                if hit is None:
                    ok_unc += good
        out[pos] = {
            "tokens": n,
            "accuracy": round(ok / n, 4),
            "uncovered_tokens": unc,
            "accuracy_on_uncovered": round(ok_unc / unc, 4) if unc else 0.0,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=REPO / "pipeline" / "models" / "bg_lemmatizer")
    ap.add_argument("--scores", type=Path, default=HERE / "lemma_scores.json")
    ap.add_argument("--minutes", type=float, default=17.0, help="training wall-time budget")
    ap.add_argument("--max-epochs", type=int, default=30)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--embed", choices=("hash", "char"), default="hash",
                    help="hash: MultiHashEmbed NORM/PREFIX/SUFFIX/SHAPE; char: CharacterEmbed NORM + 6+6 chars")
    ap.add_argument("--no-ud-dev", action="store_true",
                    help="pilot: train on slavicner only and report UD dev (model choice without UD test)")
    args = ap.parse_args(argv)

    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import compounding, minibatch

    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except ImportError:
        pass
    random.seed(SEED)
    spacy.util.fix_random_seed(SEED)

    slav_paths = [args.data / "slavicner-bg" / f"{t}.conllu.gz" for t in SLAVICNER_TOPICS]
    ud_dev = args.data / "ud-bg-btb" / "bg_btb-ud-dev.conllu.gz"
    ud_test = args.data / "ud-bg-btb" / "bg_btb-ud-test.conllu.gz"

    train: list[Sentence] = [s for p in slav_paths for s in read_sentences(p)]
    if not args.no_ud_dev:
        train += [s for s in read_sentences(ud_dev)] * UD_WEIGHT
        eval_path = ud_test
    else:
        eval_path = ud_dev
    test = list(read_sentences(eval_path))
    print(f"train sentences {len(train)}, tokens {sum(map(len, train))}; eval {eval_path.name} "
          f"{len(test)} sentences", flush=True)

    nlp = spacy.blank("bg")
    nlp.add_pipe("trainable_lemmatizer", name="lemmatizer", config={
        "model": model_config(args.width, args.depth, args.embed),
        "backoff": "orth",
        "min_tree_freq": 3,
        "overwrite": True,
        "top_k": 1,
    })

    def example(sent: Sentence) -> Example:
        words = [f for f, _, _ in sent]
        pred = Doc(nlp.vocab, words=words)
        ref = Doc(nlp.vocab, words=words, lemmas=[_train_lemma(f, lem) for f, lem, _ in sent])
        return Example(pred, ref)

    examples = [example(s) for s in train]
    t0 = time.perf_counter()
    optimizer = nlp.initialize(lambda: examples)
    budget = args.minutes * 60
    epochs_done = 0
    stopped_early = False
    for epoch in range(args.max_epochs):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(16.0, 128.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=0.1, losses=losses)
            if time.perf_counter() - t0 > budget:
                stopped_early = True
                break
        epochs_done = epoch + 1 if not stopped_early else epoch + 0.5  # n.5: stopped inside epoch n+1
        print(f"epoch {epoch + 1}: loss {losses.get('lemmatizer', 0.0):.1f}, "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
        if stopped_early:
            break
    train_seconds = time.perf_counter() - t0
    n_trees = len(nlp.get_pipe("lemmatizer").labels)

    # in context: the UD sentences as given
    t1 = time.perf_counter()
    docs = nlp.pipe((Doc(nlp.vocab, words=[f for f, _, _ in s]) for s in test), batch_size=256)
    ctx_preds = [[t.lemma_ for t in d] for d in docs]
    # isolated: every token alone
    iso_preds: list[list[str]] = []
    n_iso = 0
    for s in test:
        ds = nlp.pipe((Doc(nlp.vocab, words=[f]) for f, _, _ in s), batch_size=256)
        iso_preds.append([d[0].lemma_ for d in ds])
        n_iso += len(s)
    eval_seconds = time.perf_counter() - t1
    # the runtime cost: one call per one-word Doc, as the count extractor would make it
    lz = nlp.get_pipe("lemmatizer")
    forms = [f for s in test[:200] for f, _, upos in s if upos == "NOUN"]
    t2 = time.perf_counter()
    for f in forms:
        lz(nlp.make_doc(f))
    per_call_ms = (time.perf_counter() - t2) * 1000 / max(1, len(forms))

    table_sources = [(p, 1) for p in slav_paths] + ([] if args.no_ud_dev else [(ud_dev, UD_WEIGHT)])
    eval_table = best(count(table_sources))
    result = {
        "table": score(test, ctx_preds, eval_table, model=False),
        "edit_tree": {"in_context": score(test, ctx_preds, None, model=True),
                      "isolated": score(test, iso_preds, None, model=True)},
        "hybrid": {"in_context": score(test, ctx_preds, eval_table, model=True),
                   "isolated": score(test, iso_preds, eval_table, model=True)},
    }
    training = {
        "data": "slavicner-bg (6 topics)" + ("" if args.no_ud_dev else " + UD-BTB dev x3"),
        "eval_set": eval_path.name,
        "sentences": len(train),
        "tokens": sum(map(len, train)),
        "architecture": "trainable_lemmatizer (edit trees, min_tree_freq 3, backoff orth) on Tok2Vec "
                        + ("CharacterEmbed NORM rows 5000 + first/last 6 chars (nM 16)" if args.embed == "char"
                           else "MultiHashEmbed NORM/PREFIX/SUFFIX/SHAPE rows 5000/1000/5000/500")
                        + f" + MaxoutWindowEncoder width {args.width} depth {args.depth} window 1",
        "edit_trees": n_trees,
        "epochs": epochs_done,
        "budget_minutes": args.minutes,
        "train_seconds": round(train_seconds, 1),
        "threads": 1,
        "spacy": spacy.__version__,
        "isolated_eval_ms_per_token": round(eval_seconds * 1000 / max(1, n_iso) / 2, 3),
        "ms_per_one_word_call": round(per_call_ms, 3),
    }

    if args.no_ud_dev:
        print(json.dumps({"training": training, **result}, indent=1, ensure_ascii=False))
        return 0

    save_small(nlp, args.out)
    training["model_path"] = str(args.out.relative_to(REPO)) if args.out.is_relative_to(REPO) else str(args.out)
    training["model_bytes"] = dir_size(args.out)

    scores = json.loads(args.scores.read_text(encoding="utf-8")) if args.scores.exists() else {}
    scores["edit_tree"] = {"training": training, **result["edit_tree"],
                           "note": "model alone; case-insensitive match; same UD-BTB test tokens as the table"}
    scores["hybrid"] = {**result["hybrid"],
                        "note": "evaluation table (slavicner + UD dev) for covered forms, edit-tree model for the rest"}
    scores["table_recomputed"] = {**result["table"],
                                  "note": "the table rows above, recomputed by train_lemmatizer.py as a check"}
    args.scores.write_text(json.dumps(scores, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({"training": training, **result}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
