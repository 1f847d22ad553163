"""Project and procedure codes: canonical form, one-project discipline."""

from __future__ import annotations

from pipeline.assemble import assemble
from pipeline.document import Document
from pipeline.extractors import codes as _mod
from pipeline.extractors.codes import canonical_code, is_call, scan_codes
from pipeline.schema import Mention, Record


def _mentions(text: str) -> list[Mention]:
    """This extractor alone (its tests do not depend on the other extractors)."""
    return _mod.extract(Document.from_text(text), [])


def extract(text: str) -> Record:
    return assemble("t", _mentions(text))


def test_canonical_code_maps_lookalikes_and_spaces() -> None:
    assert canonical_code("BG05М9ОР001 - 2.023-0001") == "BG05M9OP001-2.023-0001"
    assert canonical_code("bg-rrp-4.023-0001") == "BG-RRP-4.023-0001"


def test_scan_shapes() -> None:
    text = (
        "BG05M9OP001-2.023-0001-C01, BG051PO001-4.3.04-0012, BG-RRP-4.023-0001, BGLD-2.001-0012, "
        "BG06RDNP001-19.062, BG161PO001/5-03/2013, BG051PO001-5.1.05-008-С0001"
    )
    got = [(c.project, c.procedure) for c in scan_codes(text)]
    assert got == [
        ("BG05M9OP001-2.023-0001-C01", "BG05M9OP001-2.023"),
        ("BG051PO001-4.3.04-0012", "BG051PO001-4.3.04"),
        ("BG-RRP-4.023-0001", "BG-RRP-4.023"),
        ("BGLD-2.001-0012", "BGLD-2.001"),
        (None, "BG06RDNP001-19.062"),
        (None, "BG161PO001/5-03/2013"),
        ("BG051PO001-5.1.05-008-C0001", "BG051PO001-5.1.05"),
    ]


def test_contract_number_at_sentence_end() -> None:
    rec = extract("Проектът е с рег. № BG14MFOP001-4.002 – 0008.")
    assert rec.project_code == "BG14MFOP001-4.002-0008"
    assert rec.procedure_code == "BG14MFOP001-4.002"


def test_several_projects_give_no_project_code() -> None:
    rec = extract("Одобрени са BG05M9OP001-2.023-0001 и BG05M9OP001-2.023-0007.")
    assert rec.project_code is None
    assert rec.procedure_code is None


def test_call_gives_no_codes() -> None:
    text = "Започна приемът на проектни предложения по процедура BG16RFOP002-2.040."
    assert is_call(text)
    rec = extract(text)
    assert rec.project_code is None
    assert rec.procedure_code is None  # SCHEMA: calls for proposals have no project scalars


def test_several_projects_in_words() -> None:
    rec = extract("Общината спечели два нови проекта. Първият е BG05SFPR002-2.001-0044 „Грижа“.")
    assert rec.project_code is None
    assert rec.procedure_code is None


def test_procedure_only_text() -> None:
    rec = extract("Проект BG05M9OP001-2.018 „Нашето бъдеще“.")
    assert rec.project_code is None
    assert rec.procedure_code == "BG05M9OP001-2.018"


def test_call_and_several_candidate_scans_equal_plain_scans() -> None:
    """is_call / is_several try their patterns only where a cue word starts: the matches must be
    those of a scan at every position (corpus texts as written, upper-cased and title-cased)."""
    from pathlib import Path

    from pipeline.extractors import codes as C
    from pipeline.textnorm import normalise

    root = Path(__file__).resolve().parent.parent
    texts = [normalise(p.read_text(encoding="utf-8")).text for p in sorted((root / "corpus").glob("*.txt"))]
    texts += ["Община Троян спечели два нови проекта.", "Вторият проект е за деца.",
              "Започна приемът на проектни предложения по процедурата."]
    for text in (v for t in texts for v in (t, t.upper(), t.title())):
        for rule in (C._call_rule(), C._several_rule()):
            assert [m.span() for m in rule.finditer(text)] == [m.span() for m in rule.compiled.finditer(text)]
