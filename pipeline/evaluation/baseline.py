"""Record the current corpus scores as the regression baseline (``make baseline``)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from .run import evaluate_dirs


def _floor(x: float) -> float:
    """Rounded down, so the recorded figure never exceeds the measured one."""
    return math.floor(x * 10_000) / 10_000


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    corpus = Path(args[0] if len(args) > 0 else "corpus")
    gold = Path(args[1] if len(args) > 1 else "gold")
    out = Path(args[2] if len(args) > 2 else "tests/baseline_scores.json")
    scores = evaluate_dirs(corpus, gold).scores
    data = {
        "corpus": str(corpus),
        "micro_f1": _floor(scores.micro.f1),
        "macro_f1": _floor(scores.macro_f1),
        "fields": {name: _floor(fs.f1) for name, fs in scores.fields.items()},
    }
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"baseline micro F1 {data['micro_f1']:.4f} written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
