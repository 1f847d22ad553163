"""Throughput and memory of ``bgpress extract`` on generated ~3 KB releases.

Measures, on this machine, with the real pipeline (the CLI in a subprocess):

- docs/s and words/s for ``--jobs 1`` and ``--jobs 2``, with ``--ner rules`` and, when a
  model exists under pipeline/models/bg_ner, with ``--ner spacy``;
- the ratio of full extraction time to spaCy ``bg`` tokenisation alone on the same
  documents (in-process, one core: ``spacy.blank("bg")`` and our tokenizer pipeline);
- peak RSS of the whole process tree (main + workers, psutil sampling every 0.2 s)
  for 1k, 10k and 100k documents; a size can be capped in time (``--time-limit``),
  then the run is stopped and the result says how many documents it reached.

    python benchmarks/bench_throughput.py --sizes 1000 10000 100000 --time-limit 240

Results go to benchmarks/results/throughput.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate_corpus import generate  # noqa: E402


def make_jsonl(n: int, path: Path, seed: int = 7) -> int:
    """Write ``n`` generated documents as JSONL; their total word count."""
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for doc_id, text in generate(n, seed=seed):
            words += len(text.split())
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return words


def run_cli(src: Path, out: Path, *, jobs: int, ner: str, time_limit: float | None = None) -> dict[str, Any]:
    """Run the CLI, sampling the RSS of its process tree; wall time, peak RSS, docs done."""
    out.unlink(missing_ok=True)
    cmd = [str(ROOT / ".venv" / "bin" / "bgpress"), "extract", str(src), "-o", str(out), "-j", str(jobs), "--ner", ner, "-q"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = 0
    samples: list[tuple[float, int, int]] = []
    stopped = False
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        now = time.perf_counter() - t0
        if not samples or now - samples[-1][0] >= 5:
            done = out.read_bytes().count(b"\n") if out.exists() else 0
            samples.append((round(now, 1), done, rss))
        if time_limit and now > time_limit:
            proc.kill()
            stopped = True
            break
        time.sleep(0.2)
    proc.wait()
    wall = time.perf_counter() - t0
    done = out.read_bytes().count(b"\n") if out.exists() else 0
    return {"jobs": jobs, "ner": ner, "wall_s": round(wall, 2), "docs_done": done, "stopped_at_time_limit": stopped,
            "peak_rss_mb": round(peak / 2**20, 1), "rss_samples": [(t, d, round(r / 2**20, 1)) for t, d, r in samples],
            "returncode": proc.returncode}


def startup_seconds(ner: str) -> float:
    """Wall time of a one-document run: interpreter + pipeline load (subtracted from throughput)."""
    t0 = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "bgpress"), "extract", "-", "-j", "1", "--ner", ner, "-q"],
                   input="Проект.", text=True, capture_output=True, cwd=ROOT, check=False)
    return time.perf_counter() - t0


def tokenisation_ratio(n: int, passes: int = 3) -> dict[str, Any]:
    """Full extraction vs spaCy tokenisation alone, in-process, one core, same documents.

    Each step runs ``passes`` times over the same documents and the best pass counts
    (steady state, as in a long batch); the first, cold pass of the full extraction is
    reported apart, since it pays for compiling the rules and loading the lexicons.
    """
    import spacy

    from pipeline.api import extract_with_mentions
    from pipeline.language.tokenizer import get_nlp

    docs = [t for _, t in generate(n, seed=11)]
    blank = spacy.blank("bg")
    ours = get_nlp()

    def best(step: Any) -> tuple[float, float]:
        times = []
        for _ in range(passes):
            t0 = time.perf_counter()
            for i, t in enumerate(docs):
                step(i, t)
            times.append(time.perf_counter() - t0)
        return times[0], min(times)

    _, t_blank = best(lambda i, t: blank(t))
    _, t_ours = best(lambda i, t: ours(t))
    cold_rules, t_rules = best(lambda i, t: extract_with_mentions(t, f"d{i}", ner="rules"))
    _, t_default = best(lambda i, t: extract_with_mentions(t, f"d{i}"))
    stream = streaming_ratio(blank, 10 * n)
    return {"docs": n, "passes": passes, "single_pass_over_new_documents": stream, "spacy_blank_bg_s": round(t_blank, 3),
            "our_tokenizer_pipeline_s": round(t_ours, 3),
            "full_extraction_rules_s": round(t_rules, 3), "full_extraction_rules_first_pass_s": round(cold_rules, 3),
            "full_extraction_default_ner_s": round(t_default, 3),
            "ratio_rules_to_blank_bg": round(t_rules / t_blank, 2),
            "ratio_rules_to_our_tokenizer": round(t_rules / t_ours, 2),
            "ratio_default_ner_to_blank_bg": round(t_default / t_blank, 2),
            "rules_docs_per_s_one_core": round(n / t_rules, 1), "default_docs_per_s_one_core": round(n / t_default, 1)}


def streaming_ratio(blank: Any, n: int) -> dict[str, Any]:
    """Full extraction vs blank tokenisation in one pass over ``n`` documents neither has seen,
    CPU time of this process: what a batch run meets (every document new, its figures and names
    not in any cache), as opposed to the best of repeated passes over the same documents.  Both
    were warmed on other documents first (rules compiled, frequent words cached)."""
    from pipeline.api import extract_with_mentions

    docs = [t for _, t in generate(n, seed=29)]
    t0 = time.process_time()
    for t in docs:
        blank(t)
    t_blank = time.process_time() - t0
    t0 = time.process_time()
    for i, t in enumerate(docs):
        extract_with_mentions(t, f"s{i}", ner="rules")
    t_rules = time.process_time() - t0
    return {"docs": n, "clock": "process CPU time", "blank_ms_per_doc": round(t_blank / n * 1000, 3),
            "rules_ms_per_doc": round(t_rules / n * 1000, 3), "blank_docs_per_s_one_core": round(n / t_blank, 1),
            "rules_docs_per_s_one_core": round(n / t_rules, 1), "ratio_rules_to_blank_bg": round(t_rules / t_blank, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--throughput-docs", type=int, default=1000)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000], help="corpus sizes for peak RSS")
    ap.add_argument("--time-limit", type=float, default=None, help="stop a memory run after this many seconds")
    ap.add_argument("--ratio-docs", type=int, default=200)
    ap.add_argument("--out", default=str(HERE / "results" / "throughput.json"))
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bgpress-bench-"))
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_avg_at_start": os.getloadavg()},
        "note": "shared machine: other processes were running; numbers are of the real pipeline at the time of the run",
    }
    src = tmp / "bench.jsonl"
    words = make_jsonl(args.throughput_docs, src)
    result["throughput_corpus"] = {"docs": args.throughput_docs, "words": words,
                                   "bytes": src.stat().st_size}
    ners = ["rules"] + (["spacy"] if (ROOT / "pipeline" / "models" / "bg_ner").exists() else [])
    runs = []
    for ner in ners:
        start = startup_seconds(ner)
        for jobs in (1, 2):
            r = run_cli(src, tmp / "out.jsonl", jobs=jobs, ner=ner)
            work = max(r["wall_s"] - start, 1e-9)
            r.update(startup_s=round(start, 2), docs_per_s=round(r["docs_done"] / r["wall_s"], 1),
                     docs_per_s_excl_startup=round(r["docs_done"] / work, 1),
                     words_per_s=round(words * r["docs_done"] / args.throughput_docs / r["wall_s"], 0))
            r.pop("rss_samples")
            runs.append(r)
            print(json.dumps(r), flush=True)
    result["throughput"] = runs
    if "spacy" not in ners:
        result["throughput_note"] = "pipeline/models/bg_ner is absent: only --ner rules was measured"
    result["tokenisation_ratio"] = tokenisation_ratio(args.ratio_docs)
    print(json.dumps(result["tokenisation_ratio"]), flush=True)
    mem = []
    for n in args.sizes:
        path = tmp / f"mem{n}.jsonl"
        make_jsonl(n, path)
        r = run_cli(path, tmp / "mem_out.jsonl", jobs=2, ner="rules", time_limit=args.time_limit)
        r["corpus_docs"] = n
        mem.append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "rss_samples"}), flush=True)
        path.unlink()
    result["peak_rss"] = mem
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
