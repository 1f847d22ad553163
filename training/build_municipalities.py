"""Build ``rules/municipalities.tsv`` from the NSI ЕКАТТЕ register.

The gazetteer of the entity layer is a committed file, so nothing reads
``../shared`` at run time; this script regenerates it from
``/work/shared/data/ekatte/municipalities.csv`` (265 municipalities) and the
alias/abbreviation lexicons of ``rules/entities.yaml``.  One row per surface
form: ``form  value  name  code  oblast  centre``.  ``value`` is what the
extractor reports (the official name, or the self-designation of an alias);
``name`` is the official name.  Names are facts; only the variants
(capitalisation of the second word, abbreviated first word, spaced hyphens,
aliases) are generated.

Usage::

    .venv/bin/python training/build_municipalities.py [--source CSV] [--out TSV] [--check]

>>> sorted(variants("Долни чифлик", {}))
['Долни Чифлик', 'Долни чифлик']
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/work/shared/data/ekatte/municipalities.csv")
DEFAULT_OUT = ROOT / "rules" / "municipalities.tsv"
HEADER = ("form", "value", "name", "code", "oblast", "centre")


def variants(name: str, abbreviations: dict[str, list[str]]) -> set[str]:
    """Surface forms of one official name (the name itself included)."""
    forms = {name}
    words = name.split()
    if len(words) > 1:
        forms.add(" ".join([words[0]] + [w[:1].upper() + w[1:] for w in words[1:]]))
        forms.add(" ".join([words[0]] + [w[:1].lower() + w[1:] for w in words[1:]]))
        for abbr in abbreviations.get(words[0], []):
            rest = " ".join(words[1:])
            forms.add(f"{abbr} {rest}")
            if abbr.endswith("."):
                forms.add(f"{abbr}{rest}")
    if "-" in name:
        forms.add(name.replace("-", " - "))
    return forms


def build(source: Path) -> list[tuple[str, ...]]:
    lex: dict[str, Any] = yaml.safe_load((ROOT / "rules" / "entities.yaml").read_text(encoding="utf-8"))["lexicons"]
    abbreviations: dict[str, list[str]] = lex.get("abbreviated_first_words") or {}
    aliases: dict[str, list[str]] = lex.get("municipality_aliases") or {}
    rows: list[tuple[str, ...]] = []
    with source.open(encoding="utf-8") as fh:
        munis = list(csv.DictReader(fh))
    if len(munis) != 265:
        raise SystemExit(f"expected 265 municipalities, found {len(munis)} in {source}")
    by_name: dict[str, list[dict[str, str]]] = {}
    for m in munis:
        by_name.setdefault(m["name"], []).append(m)
        centre = m["center_name"].split(" ", 1)[-1]
        for form in sorted(variants(m["name"], abbreviations)):
            rows.append((form, m["name"], m["name"], m["municipality_code"], m["oblast_code"], centre))
    for form, (official, value) in aliases.items():
        for m in by_name.get(official, []):
            centre = m["center_name"].split(" ", 1)[-1]
            rows.append((form, value, official, m["municipality_code"], m["oblast_code"], centre))
    rows.sort(key=lambda r: (r[3], r[0]))
    return rows


def render(rows: list[tuple[str, ...]]) -> str:
    return "".join("\t".join(r) + "\n" for r in [HEADER, *rows])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = ap.parse_args(argv)
    text = render(build(args.source))
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{args.out} is stale; rerun without --check")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10)) - 1} forms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
