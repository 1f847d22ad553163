"""Check gold/*.json and gold_ner/*.json against /work/shared/SCHEMA.md (fields, order, vocabularies).

Run: .venv/bin/python gold/validate.py
"""
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["doc_id", "project_title", "project_code", "procedure_code", "programmes", "funds", "beneficiary",
        "municipality", "partners", "amounts", "start_date", "end_date", "dates", "counts", "contacts"]
PROGRAMMES = {"OPHRD-2014", "OPSESG-2014", "OPRG-2014", "OPIC-2014", "OPE-2014", "OPTTI-2014", "OPGG-2014",
              "OPFSMA-2014", "RDP-2014", "OPHRD-2007", "OPRD-2007", "OPE-2007", "PHRD-2021", "PE-2021", "PRD-2021",
              "PENV-2021", "PCIE-2021", "PFSMA-2021", "RRP", "EEA-LOCALDEV-2014", "OTHER"}
FUNDS = {"ESF", "ERDF", "CF", "EAFRD", "EMFF", "FEAD", "YEI", "JTF", "EEA", "NOR", "RRF"}
ROLES = {"total", "grant", "programme", "eu", "national", "own", "other"}
APPROX = {None, "over", "under", "about", "up_to"}
DROLES = {"start", "end", "event", "other"}
QUAL = {None, "over", "at_least", "up_to", "about", "under"}
CATS = {"employed", "trained", "children", "parents", "supported", "participants", "population", "jobs", "events",
        "facilities", "equipment", "organisations", "projects", "other"}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LATIN_CODE = re.compile(r"^[A-Z0-9./\-]+$")


def municipalities() -> set:
    p = Path("/work/shared/data/ekatte/municipalities.csv")
    if not p.exists():
        return set()
    with p.open(encoding="utf-8") as f:
        return {r["name"] for r in csv.DictReader(f)}


def check_record(g: dict, path: Path, munis: set) -> list:
    err = []
    e = err.append
    if list(g) != KEYS:
        e(f"keys/order {list(g)}")
        return err
    if g["doc_id"] != path.stem:
        e("doc_id != file stem")
    if not (ROOT / "corpus" / f"{path.stem}.txt").exists():
        e("no corpus file")
    for k in ("project_title", "project_code", "procedure_code", "beneficiary", "municipality", "start_date", "end_date"):
        if g[k] is not None and (not isinstance(g[k], str) or not g[k].strip()):
            e(f"{k} must be non-empty str or null")
    for k in ("project_code", "procedure_code"):
        if g[k] and g[k].startswith("BG") and not LATIN_CODE.match(g[k]):
            e(f"{k} not upper-case Latin without spaces: {g[k]}")
    if g["project_code"] and g["procedure_code"] and g["project_code"].startswith("BG"):
        if not g["project_code"].startswith(g["procedure_code"]):
            e("procedure_code is not a prefix of project_code")
    if g["municipality"] and munis and g["municipality"] not in munis:
        e(f"municipality not in EKATTE: {g['municipality']}")
    for k, voc in (("programmes", PROGRAMMES), ("funds", FUNDS)):
        if len(set(g[k])) != len(g[k]) or not set(g[k]) <= voc:
            e(f"{k} bad: {g[k]}")
    if not all(isinstance(x, str) and x for x in g["partners"]):
        e("partners must be strings")
    if g["beneficiary"] and g["beneficiary"] in g["partners"]:
        e("beneficiary listed as partner")
    for a in g["amounts"]:
        if list(a) != ["value", "currency", "role", "programme", "approx"]:
            e(f"amount keys {list(a)}")
            continue
        if not isinstance(a["value"], (int, float)) or a["value"] <= 0:
            e(f"amount value {a}")
        if not re.match(r"^[A-Z]{3}$", a["currency"]):
            e(f"currency {a}")
        if a["role"] not in ROLES or a["approx"] not in APPROX:
            e(f"amount role/approx {a}")
        if (a["role"] == "programme") != (a["programme"] is not None):
            e(f"programme set iff role programme: {a}")
        if a["programme"] is not None and a["programme"] not in g["programmes"]:
            e(f"amount programme not in programmes: {a}")
    for k in ("start_date", "end_date"):
        if g[k] is not None and not DATE_RE.match(g[k]):
            e(f"{k} format {g[k]}")
    for d in g["dates"]:
        if list(d) != ["value", "role"] or not DATE_RE.match(d["value"]) or d["role"] not in DROLES:
            e(f"date {d}")
    if g["start_date"] and {"value": g["start_date"], "role": "start"} not in g["dates"]:
        e("start_date missing from dates as role start")
    if g["end_date"] and {"value": g["end_date"], "role": "end"} not in g["dates"]:
        e("end_date missing from dates as role end")
    for c in g["counts"]:
        if list(c) != ["value", "category", "unit", "qualifier"]:
            e(f"count keys {list(c)}")
            continue
        if not isinstance(c["value"], int) or isinstance(c["value"], bool) or c["value"] < 0:
            e(f"count value {c}")
        if c["category"] not in CATS or c["qualifier"] not in QUAL or not isinstance(c["unit"], str):
            e(f"count cat/qual/unit {c}")
    ct = g["contacts"]
    if not isinstance(ct, dict) or list(ct) != ["persons", "emails", "phones"]:
        e(f"contacts keys {ct}")
    else:
        for p in ct["phones"]:
            if not re.match(r"^\+?\d{6,15}$", p):
                e(f"phone {p}")
        for m in ct["emails"]:
            if "@" not in m:
                e(f"email {m}")
    if g["project_title"] and re.search(r"\s{2,}", g["project_title"]):
        e("title whitespace not collapsed")
    return err


def check_ner(g: dict, path: Path) -> list:
    err = []
    if list(g) != ["doc_id", "entities"] or g["doc_id"] != path.stem:
        return [f"ner keys/doc_id {list(g)}"]
    text = (ROOT / "corpus" / f"{path.stem}.txt").read_text(encoding="utf-8")
    prev_end = -1
    for ent in g["entities"]:
        if list(ent) != ["start", "end", "label", "text"] or ent["label"] not in {"PER", "ORG", "LOC"}:
            err.append(f"entity {ent}")
            continue
        if text[ent["start"]:ent["end"]] != ent["text"]:
            err.append(f"offset mismatch {ent}")
        if ent["start"] < prev_end:
            err.append(f"overlap/unsorted {ent}")
        prev_end = ent["end"]
    return err


def main() -> int:
    munis = municipalities()
    bad = 0
    docs = sorted(p.stem for p in (ROOT / "corpus").glob("*.txt"))
    for sub, fn in (("gold", check_record), ("gold_ner", check_ner)):
        have = sorted((ROOT / sub).glob("*.json"))
        missing = set(docs) - {p.stem for p in have}
        if missing:
            print(f"{sub}: no file for {sorted(missing)}")
            bad += len(missing)
        for p in have:
            g = json.loads(p.read_text(encoding="utf-8"))
            errs = fn(g, p, munis) if fn is check_record else fn(g, p)
            for m in errs:
                print(f"{sub}/{p.name}: {m}")
            bad += len(errs)
    print("OK" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
