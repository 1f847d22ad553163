"""Convert slavicner-bg (documents.jsonl.gz, character offsets) into spaCy DocBin files.

Writes ``training/corpus/{train,dev,test,ryanair}.spacy`` (gitignored).  Each document is split
into paragraphs (non-empty lines); every paragraph becomes one spaCy ``Doc`` tokenised with
``spacy.blank("bg")``.  Entity offsets are mapped to tokens with
``doc.char_span(..., alignment_mode="expand")``.

The ryanair topic is held out completely (``ryanair.spacy`` is for evaluation only).

Case augmentation: a seeded share (``--upper-share``, default 0.15) of the training paragraphs
is added a second time in UPPER CASE with the same entity spans, plus every document title
(first line), because press-release headlines are often ALL CAPS.  Non-entity words then occur in
capitals with the label O, so capitals alone do not make an entity.

Mention replacement (``--swap-share``, default 0.3): a seeded share of the training paragraphs
that hold entities is added once more with every mention replaced by another mention of the same
type (from any training document), or, for half of them, by a *new* name made of the first half
of one such mention and the second half of another (``Райф`` + ``айзен`` ...).  News NER
memorises the names of its topics (``Газпром``, ``Северен поток 2``); a name it has never seen —
an airline in a held-out topic, a small firm in a press release — is then left untagged.  Swapped
and invented names make the context (``на "X"``, ``компанията X``) and the word shape carry the
label (mention replacement, Dai & Adel 2020).

``--gold-ner DIR`` mixes in-domain annotations (json ``{doc_id, entities:[{start,end,label}]}``
over ``corpus/<doc_id>.txt``) into train; ``--gold-exclude`` names doc ids to keep out of
train (the held-out fold of a cross-validation); ``--train-share`` keeps only a seeded share of the
slavicner training documents (the rehearsal set of the in-domain fine-tune).

Usage:  python training/prepare.py [--data ../shared/data] [--out training/corpus]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = (REPO / ".." / "shared" / "data").resolve()


def load_documents(data: Path) -> list[dict]:
    path = data / "slavicner-bg" / "documents.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def load_splits(data: Path) -> dict[str, str]:
    out = {}
    with open(data / "slavicner-bg" / "splits.tsv", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            doc_id, topic, split = line.rstrip("\n").split("\t")
            out[doc_id] = "ryanair" if topic == "ryanair" else split
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line, whitespace-trimmed."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def make_doc(nlp, text: str, ents: list[tuple[int, int, str]], stats: Counter) -> Doc:
    doc = nlp.make_doc(text)
    spans = []
    for s, e, label in ents:
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is None:
            stats["no_token"] += 1
            continue
        if span.start_char != s or span.end_char != e:
            stats["expanded"] += 1
        spans.append(span)
    kept = filter_spans(spans)
    stats["overlap_dropped"] += len(spans) - len(kept)
    stats["mentions"] += len(kept)
    doc.ents = kept
    return doc


#: Labels whose mentions are swapped.  Every SlavNER type: a PRO or EVT name is as topic-bound.
SWAP_LABELS = ("PER", "ORG", "LOC", "EVT", "PRO")


def mention_pool(docs: list[dict], splits: dict[str, str]) -> dict[str, list[str]]:
    """Surface forms of the training mentions by type (repeats kept: frequent names stay frequent)."""
    pool: dict[str, list[str]] = {lab: [] for lab in SWAP_LABELS}
    for d in docs:
        if splits[d["doc_id"]] != "train":
            continue
        for e in d["entities"]:
            # a lower-case mention (`британци`) put in a name's place would teach noise
            if e["type"] in pool and "\n" not in e["text"] and e["text"][:1].isupper():
                pool[e["type"]].append(e["text"])
    return pool


def invent_name(a: str, b: str) -> str:
    """A name no corpus has: each word of ``a`` keeps its first half and takes the second half of a
    word of ``b`` (same script and case pattern as far as the halves allow).

    >>> invent_name("Газпром", "Лукойл")
    'Газпойл'
    >>> invent_name("Северен поток", "Тони Блеър")
    'Севени потеър'
    """
    words_a, words_b = a.split(" "), b.split(" ")
    out = []
    for i, w in enumerate(words_a):
        v = words_b[i % len(words_b)]
        compatible = len(w) > 2 and len(v) > 2 and w.isupper() == v.isupper()  # no 'ЕвропеПА'
        out.append(w[: (len(w) + 1) // 2] + v[len(v) // 2 :] if compatible else w)
    return " ".join(out)


def _latin(name: str) -> bool:
    return "a" <= name[:1].lower() <= "z"


def swapped_copy(
    nlp,
    text: str,
    local: list[tuple[int, int, str]],
    pool: dict[str, list[str]],
    rng: random.Random,
    stats: Counter,
) -> Doc | None:
    """The paragraph with every mention replaced (see the module docstring); None if it has none."""
    ents = sorted((s, e, lab) for s, e, lab in local if lab in pool and pool[lab])
    if not ents:
        return None
    parts: list[str] = []
    new_ents: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for s, e, lab in ents:
        if s < pos:  # overlapping (clipped) mentions: keep the first
            continue
        parts.append(text[pos:s])
        length += s - pos
        name = rng.choice(pool[lab])
        if rng.random() < 0.5:
            other = rng.choice(pool[lab])
            if _latin(other) == _latin(name):  # no 'Ryanойл': halves of one script
                name = invent_name(name, other)
        parts.append(name)
        new_ents.append((length, length + len(name), lab))
        length += len(name)
        pos = e
    parts.append(text[pos:])
    stats["swapped_mentions"] += len(new_ents)
    return make_doc(nlp, "".join(parts), new_ents, stats)


def doc_paragraph_docs(nlp, text: str, entities: list[tuple[int, int, str]], stats: Counter):
    """One Doc per paragraph; yields (is_title, doc, paragraph_text, local entities)."""
    for i, (ps, pe) in enumerate(paragraphs(text)):
        local = []
        for s, e, label in entities:
            if s >= ps and e <= pe:
                local.append((s - ps, e - ps, label))
            elif s < pe and e > ps:
                # crosses a line break: clip to the paragraph
                stats["clipped"] += 1
                local.append((max(s, ps) - ps, min(e, pe) - ps, label))
        ptext = text[ps:pe]
        yield i == 0, make_doc(nlp, ptext, local, stats), ptext, local


def upper_copy(nlp, text: str, local, stats: Counter) -> Doc | None:
    up = text.upper()
    if len(up) != len(text):  # offsets would shift (e.g. ß -> SS); skip
        return None
    return make_doc(nlp, up, local, stats)


def load_gold_ner(gold_dir: Path, corpus_dir: Path) -> list[tuple[str, str, list]]:
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        doc_id = g.get("doc_id") or path.stem
        txt_path = corpus_dir / f"{doc_id}.txt"
        if not txt_path.exists():
            print(f"gold_ner: no text for {doc_id}, skipped", file=sys.stderr)
            continue
        text = txt_path.read_text(encoding="utf-8")
        ents = [(int(e["start"]), int(e["end"]), e["label"]) for e in g.get("entities", [])]
        out.append((doc_id, text, ents))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=HERE / "corpus")
    ap.add_argument("--upper-share", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--swap-share", type=float, default=0.3, help="share of train paragraphs added with swapped names"
    )
    ap.add_argument("--gold-ner", type=Path, default=None, help="dir of in-domain gold json files")
    ap.add_argument("--gold-corpus", type=Path, default=REPO / "corpus")
    ap.add_argument("--gold-exclude", default="", help="comma-separated gold doc ids kept out of train")
    ap.add_argument("--gold-repeat", type=int, default=3, help="copies of each gold doc in train")
    ap.add_argument(
        "--train-share",
        type=float,
        default=1.0,
        help="seeded share of slavicner train documents kept (rehearsal set for fine-tuning)",
    )
    args = ap.parse_args(argv)

    nlp = spacy.blank("bg")
    rng = random.Random(args.seed)
    docs = load_documents(args.data)
    splits = load_splits(args.data)
    bins = {name: DocBin(store_user_data=False) for name in ("train", "dev", "test", "ryanair")}
    stats: Counter = Counter()
    n_upper = 0
    n_swapped = 0
    pool = mention_pool(docs, splits)
    swap_rng = random.Random(args.seed + 1)  # its own stream: the case augmentation draws stay as they were
    for d in docs:
        split = splits[d["doc_id"]]
        if d["topic"] == "ryanair":
            assert split == "ryanair"
        if split == "train" and args.train_share < 1.0 and rng.random() >= args.train_share:
            continue
        ents = [(e["start"], e["end"], e["type"]) for e in d["entities"]]
        for is_title, pdoc, ptext, local in doc_paragraph_docs(nlp, d["text"], ents, stats):
            bins[split].add(pdoc)
            if split == "train" and (is_title or rng.random() < args.upper_share):
                up = upper_copy(nlp, ptext, local, stats)
                if up is not None:
                    bins["train"].add(up)
                    n_upper += 1
            if split == "train" and local and swap_rng.random() < args.swap_share:
                sw = swapped_copy(nlp, ptext, local, pool, swap_rng, stats)
                if sw is not None:
                    bins["train"].add(sw)
                    n_swapped += 1

    if args.gold_ner is not None and args.gold_ner.is_dir():
        exclude = {x for x in args.gold_exclude.split(",") if x}
        gold = [g for g in load_gold_ner(args.gold_ner, args.gold_corpus) if g[0] not in exclude]
        for _doc_id, text, ents in gold:
            for is_title, pdoc, ptext, local in doc_paragraph_docs(nlp, text, ents, stats):
                for _ in range(args.gold_repeat):
                    bins["train"].add(pdoc)
                if is_title:
                    up = upper_copy(nlp, ptext, local, stats)
                    if up is not None:
                        bins["train"].add(up)
        print(f"gold_ner: {len(gold)} in-domain docs mixed into train (x{args.gold_repeat})")

    args.out.mkdir(parents=True, exist_ok=True)
    for name, db in bins.items():
        db.to_disk(args.out / f"{name}.spacy")
        print(f"{name}: {len(db)} docs -> {args.out / (name + '.spacy')}")
    print(f"upper-cased copies in train: {n_upper}")
    print(f"name-swapped copies in train: {n_swapped}")
    print("alignment:", dict(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
