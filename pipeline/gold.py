"""Gold files: validation against SCHEMA.md and drafts from the extractor.

A gold set grows cheaply when the extractor writes a draft that a person
corrects; it stays trustworthy when every file is checked for the things a
tired labeller gets wrong: a missing field, a role outside the vocabulary, a
date that is not a date, a span that points outside the text.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .record_schema import record_json_schema

__all__ = ["GoldProblem", "validate_gold_record", "validate_gold_dir", "record_to_gold", "official_municipalities"]


@dataclass(frozen=True)
class GoldProblem:
    path: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.message}"


def official_municipalities() -> set[str]:
    """Names from ``rules/municipalities.tsv`` (empty if the table is absent)."""
    from .rules import RULES_DIR

    path = RULES_DIR / "municipalities.tsv"
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = header.index("name") if "name" in header else 0
    return {ln.split("\t")[col] for ln in lines[1:] if ln.strip()}


def _valid_iso(value: str) -> bool:
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return 1900 <= int(parts[0]) <= 2100
        if len(parts) == 2:
            dt.date(int(parts[0]), int(parts[1]), 1)
            return True
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False


def validate_gold_record(data: Any, path: str, text: str | None = None,
                         municipalities: set[str] | None = None) -> list[GoldProblem]:
    """Every problem in one gold record (empty list when it is valid)."""
    import jsonschema

    problems: list[GoldProblem] = []
    validator = jsonschema.Draft202012Validator(record_json_schema("gold"))
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(record)"
        problems.append(GoldProblem(path, where, err.message))
    if problems or not isinstance(data, dict):
        return problems
    stem = Path(path).stem
    if data["doc_id"] != stem:
        problems.append(GoldProblem(path, "doc_id", f"{data['doc_id']!r} is not the file stem {stem!r}"))
    for name in ("start_date", "end_date"):
        if data[name] and not _valid_iso(data[name]):
            problems.append(GoldProblem(path, name, f"{data[name]!r} is not a calendar date"))
    for i, d in enumerate(data["dates"]):
        if not _valid_iso(d["value"]):
            problems.append(GoldProblem(path, f"dates/{i}", f"{d['value']!r} is not a calendar date"))
    if data["start_date"] and data["end_date"] and data["start_date"] > data["end_date"]:
        problems.append(GoldProblem(path, "end_date", "ends before it starts"))
    code, proc = data["project_code"], data["procedure_code"]
    if code and proc and code.startswith("BG") and not code.startswith(proc):
        problems.append(GoldProblem(path, "procedure_code", f"{proc!r} is not a prefix of the project code {code!r}"))
    for name in ("project_code", "procedure_code"):
        v = data[name]
        if v and (v != v.upper() or " " in v):
            problems.append(GoldProblem(path, name, f"{v!r} must be upper case with no spaces"))
    for name in ("programmes", "funds"):
        if len(set(data[name])) != len(data[name]):
            problems.append(GoldProblem(path, name, "an id is listed twice"))
    for i, a in enumerate(data["amounts"]):
        if a["role"] == "programme" and not a["programme"]:
            problems.append(GoldProblem(path, f"amounts/{i}", "role 'programme' needs a programme id"))
    if municipalities and data["municipality"] and data["municipality"] not in municipalities:
        problems.append(GoldProblem(path, "municipality", f"{data['municipality']!r} is not an official municipality name"))
    if text is not None:
        for name in ("amounts", "dates", "counts"):
            for i, item in enumerate(data[name]):
                span = item.get("span")
                if span and not (0 <= span[0] < span[1] <= len(text)):
                    problems.append(GoldProblem(path, f"{name}/{i}/span", f"{span} is outside the text ({len(text)} chars)"))
    return problems


def validate_gold_dir(gold_dir: Path, corpus_dir: Path | None = None) -> tuple[int, list[GoldProblem]]:
    """(number of files checked, problems) for every ``*.json`` in ``gold_dir``."""
    municipalities = official_municipalities()
    problems: list[GoldProblem] = []
    files = sorted(Path(gold_dir).glob("*.json"))
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(GoldProblem(str(path), "(file)", f"not valid UTF-8 JSON: {exc}"))
            continue
        text = None
        if corpus_dir is not None:
            text_path = Path(corpus_dir) / f"{path.stem}.txt"
            if not text_path.exists():
                problems.append(GoldProblem(str(path), "(file)", f"no corpus text {text_path}"))
            else:
                text = text_path.read_text(encoding="utf-8")
        problems.extend(validate_gold_record(data, str(path), text, municipalities))
    return len(files), problems


def record_to_gold(record: dict[str, Any], mentions: list[Any] | None = None) -> dict[str, Any]:
    """A gold draft from a predicted record: derived fields dropped, spans added where known."""
    draft = json.loads(json.dumps(record, ensure_ascii=False))
    spans: dict[str, list[Any]] = {}
    for m in mentions or []:
        if m.field in ("amounts", "dates", "counts") and m.start is not None:
            spans.setdefault(m.field, []).append(m)
    for a in draft["amounts"]:
        a.pop("value_eur", None)
    for name in ("amounts", "dates", "counts"):
        for item in draft[name]:
            for m in spans.get(name, []):
                mv = m.normalised()
                if all(mv.get(k) == item.get(k) for k in item if k not in ("value_eur", "span")):
                    item["span"] = [m.start, m.end]
                    break
    return draft
