"""Rebuild the Bulgarian NER model end to end, in one command.

    .venv/bin/python training/train_ner.py            # from the repository root

Steps:
  1. training/prepare.py        slavicner-bg -> training/corpus/*.spacy (+ case augmentation, mention replacement)
  2. spacy train training/ner.cfg -> training/output/base/model-best (eval on dev, early stopping)
  3. (only if gold_ner/*.json exist and --no-gold is not given) in-domain fine-tuning:
     k-fold cross-validation (fine-tune the base model on slavicner train + the other folds of
     gold_ner, score the held-out fold), then the final fine-tune on all gold_ner documents
  4. copy the chosen model-best into pipeline/models/bg_ner/ (nlp.to_disk, training paths
     removed from the config, meta filled in)
  5. training/evaluate_ner.py --speed -> training/ner_scores.json

Optional tok2vec pretraining (``--pretrain-minutes N``), before step 2: raw text (slavicner-bg
train+dev paragraphs, never test or ryanair; UD-BTB dev sentences; corpus/*.txt; UPPER copies of
the titles and of a seeded 15% of the lines) -> ``<out>/pretrain/raw.jsonl``; ``spacy pretrain``
with training/ner.cfg + training/pretrain.cfg, stopped (SIGINT, weights saved) after N minutes;
the base run then starts from those weights (``[initialize] init_tok2vec``).  ``--init-tok2vec
PATH`` starts the base run from existing weights instead.  ``--model-dir`` packages elsewhere than
pipeline/models/bg_ner (an experiment); scores then go to ``<out>/`` instead of training/.

Nothing is downloaded.  Training runs single-threaded (OMP/BLAS threads = 1).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = (REPO / ".." / "shared" / "data").resolve()
PY = sys.executable
MODEL_DIR = REPO / "pipeline" / "models" / "bg_ner"
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run(cmd: list[str]) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    t0 = time.time()
    subprocess.run([str(c) for c in cmd], check=True, cwd=REPO, env=ENV)
    print(f"  ({time.time() - t0:.0f} s)", flush=True)


def spacy_train(out: Path, corpus: Path, extra: list[str], cfg: Path = HERE / "ner.cfg") -> Path:
    run(
        [
            PY,
            "-m",
            "spacy",
            "train",
            cfg,
            "-o",
            out,
            "--paths.train",
            corpus / "train.spacy",
            "--paths.dev",
            corpus / "dev.spacy",
            *extra,
        ]
    )
    return out / "model-best"


def finetune(base: Path, out: Path, corpus: Path, steps: int) -> Path:
    """Continue training ``base`` (tok2vec + ner sourced from it) on ``corpus``; returns
    model-last (model-best would be picked on slavicner dev, which favours forgetting nothing
    over learning the in-domain conventions)."""
    from spacy.util import load_config

    cfg = load_config(HERE / "ner.cfg")
    cfg["components"]["tok2vec"] = {"source": str(base)}
    cfg["components"]["ner"] = {"source": str(base)}
    out.mkdir(parents=True, exist_ok=True)
    ft_cfg = out / "finetune.cfg"
    cfg.to_disk(ft_cfg)
    spacy_train(
        out,
        corpus,
        [
            "--training.max_steps",
            str(steps),
            "--training.eval_frequency",
            str(max(1, steps // 2)),
            "--training.patience",
            str(steps),
            "--training.optimizer.learn_rate",
            "0.001",
            "--training.batcher.size.start",
            "1000",
        ],
        cfg=ft_cfg,
    )
    return out / "model-last"


def write_raw_text(data: Path, out: Path, upper_share: float = 0.15, seed: int = 13) -> dict:
    """JSONL ({"text": ...} per line) for spacy pretrain from text that carries no reported
    evaluation labels: slavicner-bg train+dev (test and the ryanair topic left out), UD-BTB dev
    sentence texts, corpus/*.txt.  Plus UPPER-cased copies of every slavicner title and of a
    seeded share of all lines.  Returns counts."""
    import gzip

    from prepare import load_splits  # training/ is the script's own directory, first on sys.path

    splits = load_splits(data)
    lines: list[str] = []
    titles: list[str] = []
    counts = {"slavicner_docs": 0, "ud_sentences": 0, "corpus_docs": 0}
    with gzip.open(data / "slavicner-bg" / "documents.jsonl.gz", "rt", encoding="utf-8") as fh:
        for raw in fh:
            d = json.loads(raw)
            if splits.get(d["doc_id"]) not in ("train", "dev"):
                continue
            paras = [p.strip() for p in d["text"].split("\n") if p.strip()]
            if paras:
                titles.append(paras[0])
            lines.extend(paras)
            counts["slavicner_docs"] += 1
    with gzip.open(data / "ud-bg-btb" / "bg_btb-ud-dev.conllu.gz", "rt", encoding="utf-8") as fh:
        for raw in fh:
            if raw.startswith("# text = "):
                lines.append(raw[len("# text = ") :].strip())
                counts["ud_sentences"] += 1
    for path in sorted((REPO / "corpus").glob("*.txt")):
        lines.extend(p.strip() for p in path.read_text(encoding="utf-8").split("\n") if p.strip())
        counts["corpus_docs"] += 1
    rng = random.Random(seed)
    upper = titles + [t for t in lines if rng.random() < upper_share]
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for t in lines + [t.upper() for t in upper]:
            fh.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
    counts.update(
        lines=len(lines),
        upper_copies=len(upper),
        words=sum(len(t.split()) for t in lines + upper),
        chars=sum(len(t) for t in lines + upper),
    )
    return counts


def pretrain_config():
    """training/ner.cfg with the [pretraining] sections of training/pretrain.cfg merged in."""
    from spacy.util import load_config

    return load_config(HERE / "ner.cfg", interpolate=False).merge(
        load_config(HERE / "pretrain.cfg", interpolate=False)
    )


def pretrain(out: Path, data: Path, minutes: float) -> Path:
    """spacy pretrain of the ner.cfg tok2vec for ``minutes`` wall time; returns the weights."""
    out.mkdir(parents=True, exist_ok=True)
    raw = out / "raw.jsonl"
    counts = write_raw_text(data, raw)
    print("pretraining text:", json.dumps(counts), flush=True)
    (out / "raw_counts.json").write_text(json.dumps(counts, indent=1) + "\n")
    cfg_path = out / "pretrain.cfg"
    pretrain_config().to_disk(cfg_path)
    weights = out / "weights"
    cmd = [PY, "-m", "spacy", "pretrain", cfg_path, weights, "--paths.raw_text", raw]
    print("+", " ".join(str(c) for c in cmd), f"(stopped after {minutes} min)", flush=True)
    t0 = time.time()
    # A job started in the background (``cmd &``) inherits SIGINT ignored; restore the default so
    # that the SIGINT below reaches spacy pretrain, which saves model-last.bin in its finally block.
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        cwd=REPO,
        env=ENV,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        proc.wait(timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print(f"  ({time.time() - t0:.0f} s)", flush=True)
    last = weights / "model-last.bin"
    if last.exists():
        return last
    # otherwise the last whole epoch (model<N>.bin; a killed run may leave a partial .temp file)
    bins = sorted(
        weights.glob("model[0-9]*.bin"), key=lambda p: int(p.stem[5:]) if p.stem[5:].isdigit() else -1
    )
    bins = [b for b in bins if b.stem[5:].isdigit()]
    if not bins:
        raise SystemExit("spacy pretrain saved no weights")
    return bins[-1]


def gold_ids(gold_dir: Path) -> list[str]:
    ids = []
    for p in sorted(gold_dir.glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        doc_id = g.get("doc_id") or p.stem
        if (REPO / "corpus" / f"{doc_id}.txt").exists():
            ids.append(doc_id)
    return ids


def package(model_best: Path, scores: dict | None, extra_meta: dict, model_dir: Path = MODEL_DIR) -> None:
    import spacy

    nlp = spacy.load(model_best)
    nlp.meta.update(
        {
            "name": "bg_ner",
            "version": "1.0.0",
            "description": "bgpress Bulgarian NER (PER ORG LOC EVT PRO), small CNN tok2vec + transition NER, "
            "trained on slavicner-bg (train split, ryanair held out). See ../MODEL_CARD.md.",
            "license": "research use only (training data licence unstated), see MODEL_CARD.md",
            "sources": [
                {
                    "name": "SlavicNLP/SlavicNER (Bulgarian part, via shared/data/slavicner-bg)",
                    "url": "https://github.com/SlavicNLP/SlavicNER",
                    "license": "unstated (research use)",
                },
            ],
            **extra_meta,
        }
    )
    nlp.meta.pop("performance", None)
    if scores:
        nlp.meta["performance"] = scores
    # training-only settings: paths to the local corpus files are meaningless elsewhere
    cfg = nlp.config
    cfg["paths"]["train"] = None
    cfg["paths"]["dev"] = None
    if model_dir.exists():
        shutil.rmtree(model_dir)
    nlp.to_disk(model_dir)
    # The string store only lists the training tokens (2 MB, a word list of the research-use
    # corpus).  Prediction needs none of it: hash embeddings hash the text at run time and the
    # NER labels are restored from ner/moves (checked: identical entities with an empty store).
    (model_dir / "vocab" / "strings.json").write_text("[]\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file())
    print(f"model written to {model_dir} ({size / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=HERE / "output")
    ap.add_argument("--max-steps", type=int, default=None, help="override training.max_steps of ner.cfg")
    ap.add_argument("--skip-base", action="store_true", help="reuse output/base/model-best")
    ap.add_argument("--no-gold", action="store_true", help="ignore gold_ner even if present")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--ft-steps", type=int, default=150)
    ap.add_argument(
        "--ft-train-share",
        type=float,
        default=0.2,
        help="share of slavicner train docs rehearsed during the in-domain fine-tune",
    )
    ap.add_argument(
        "--pretrain-minutes",
        type=float,
        default=0,
        help="pretrain the tok2vec (spacy pretrain, training/pretrain.cfg) for this many minutes first",
    )
    ap.add_argument(
        "--init-tok2vec", type=Path, default=None, help="start the base run from these tok2vec weights"
    )
    ap.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="where to package the model")
    args = ap.parse_args(argv)
    shipping = args.model_dir.resolve() == MODEL_DIR.resolve()
    # an experiment packaged elsewhere keeps its CV and scores files under --out
    report_dir = HERE if shipping else args.out
    args.out.mkdir(parents=True, exist_ok=True)

    corpus = HERE / "corpus"
    run([PY, HERE / "prepare.py", "--data", args.data, "--out", corpus])
    base = args.out / "base" / "model-best"
    init_tok2vec = args.init_tok2vec
    if args.pretrain_minutes and not args.skip_base:
        init_tok2vec = pretrain(args.out / "pretrain", args.data, args.pretrain_minutes)
    if not args.skip_base:
        extra = ["--training.max_steps", str(args.max_steps)] if args.max_steps else []
        cfg = HERE / "ner.cfg"
        if init_tok2vec:
            # spaCy loads [initialize] init_tok2vec only when the config has a non-empty
            # [pretraining] section (Language.initialize), so train from ner.cfg + pretrain.cfg
            cfg = args.out / "base.cfg"
            pretrain_config().to_disk(cfg)
            extra += ["--paths.init_tok2vec", init_tok2vec.resolve()]
        base = spacy_train(args.out / "base", corpus, extra, cfg=cfg)

    chosen = base
    extra_meta: dict = {"in_domain_finetune": None}
    gold_dir = REPO / "gold_ner"
    ids = gold_ids(gold_dir) if gold_dir.is_dir() and not args.no_gold else []
    if ids:
        # cross-validation of the in-domain fine-tune
        rng = random.Random(7)
        shuffled = ids[:]
        rng.shuffle(shuffled)
        k = max(2, min(args.folds, len(ids)))
        folds = [shuffled[i::k] for i in range(k)]
        cv = []
        for i, held in enumerate(folds):
            fc = args.out / f"corpus_fold{i}"
            run(
                [
                    PY,
                    HERE / "prepare.py",
                    "--data",
                    args.data,
                    "--out",
                    fc,
                    "--gold-ner",
                    gold_dir,
                    "--gold-exclude",
                    ",".join(held),
                    "--train-share",
                    str(args.ft_train_share),
                ]
            )
            m = finetune(base, args.out / f"ft_fold{i}", fc, args.ft_steps)
            sc = args.out / f"cv_fold{i}.json"
            run(
                [
                    PY,
                    HERE / "evaluate_ner.py",
                    "--model",
                    m,
                    "--sets",
                    "gold_ner",
                    "--gold-only",
                    ",".join(held),
                    "--out",
                    sc,
                ]
            )
            cv.append(json.loads(sc.read_text(encoding="utf-8"))["gold_ner"])
        # pool the folds' counts
        pooled: dict = {}
        for lab in ("PER", "ORG", "LOC", "ALL"):
            tp = sum(c["strict"][lab]["tp"] for c in cv)
            fp = sum(c["strict"][lab]["fp"] for c in cv)
            fn = sum(c["strict"][lab]["fn"] for c in cv)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            pooled[lab] = {
                "p": round(p, 4),
                "r": round(r, 4),
                "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                "tp": tp,
                "fp": fp,
                "fn": fn,
            }
        (report_dir / "ner_cv_gold.json").write_text(
            json.dumps(
                {"folds": k, "docs": len(ids), "ft_steps": args.ft_steps, "strict_pooled": pooled}, indent=1
            )
            + "\n"
        )
        print("in-domain CV (pooled, strict):", json.dumps(pooled))
        # final in-domain fine-tune on all gold docs
        fc = args.out / "corpus_gold_all"
        run(
            [
                PY,
                HERE / "prepare.py",
                "--data",
                args.data,
                "--out",
                fc,
                "--gold-ner",
                gold_dir,
                "--train-share",
                str(args.ft_train_share),
            ]
        )
        chosen = finetune(base, args.out / "ft_all", fc, args.ft_steps)
        extra_meta["in_domain_finetune"] = {
            "gold_ner_docs": len(ids),
            "steps": args.ft_steps,
            "cv_strict_pooled": pooled,
        }

    if init_tok2vec:
        extra_meta["init_tok2vec"] = "spacy pretrain (characters objective), training/pretrain.cfg"
    package(chosen, None, extra_meta, args.model_dir)
    scores_path = report_dir / "ner_scores.json"
    run([PY, HERE / "evaluate_ner.py", "--model", args.model_dir, "--speed", "--out", scores_path])
    scores = json.loads(scores_path.read_text(encoding="utf-8"))
    perf = {name: scores[name]["strict"] for name in ("test", "ryanair", "gold_ner") if name in scores}
    perf["speed"] = scores.get("speed")
    package(chosen, perf, extra_meta, args.model_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
