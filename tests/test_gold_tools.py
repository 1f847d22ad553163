"""JSON Schema (generated, committed, checked), gold validation and gold drafts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline import extract_with_mentions
from pipeline.cli import main
from pipeline.gold import record_to_gold, validate_gold_dir, validate_gold_record
from pipeline.record_schema import SCHEMA_PATH, record_json_schema

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_regenerated_identically() -> None:
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == {"prediction": record_json_schema("prediction"), "gold": record_json_schema("gold")}, (
        "schema/record.schema.json is stale: run python -m pipeline.record_schema"
    )


def test_predictions_validate_against_the_schema() -> None:
    schema = record_json_schema("prediction")
    for path in sorted((ROOT / "corpus").glob("*.txt"))[:5]:
        record, _ = extract_with_mentions(path.read_text(encoding="utf-8"), path.stem)
        jsonschema.validate(record.to_dict(), schema)


@pytest.mark.parametrize("gold,corpus,at_least", [("gold", "corpus", 5), ("heldout/gold", "heldout/corpus", 12),
                                                    ("heldout2/gold", "heldout2/corpus", 12),
                                                    ("heldout3/gold", "heldout3/corpus", 14),
                                                    ("heldout4/gold", "heldout4/corpus", 14),
                                                    ("heldout5/gold", "heldout5/corpus", 14),
                                                    ("heldout6/gold", "heldout6/corpus", 12)])
def test_bundled_gold_is_valid(gold: str, corpus: str, at_least: int) -> None:
    n, problems = validate_gold_dir(ROOT / gold, ROOT / corpus)
    assert n >= at_least
    assert not problems, "\n".join(map(str, problems))


def _good() -> dict:
    return json.loads((ROOT / "gold" / "000_1dd385f57b1ba4ae.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "mutate,where",
    [
        (lambda g: g.pop("funds"), "(record)"),
        (lambda g: g["amounts"][0].update(role="budget"), "amounts/0/role"),
        (lambda g: g.update(programmes=["OPHRD"]), "programmes/0"),
        (lambda g: g.update(start_date="2023-13-01"), "start_date"),
        (lambda g: g.update(doc_id="other"), "doc_id"),
        (lambda g: g["counts"][0].update(value="25"), "counts/0/value"),
        (lambda g: g.update(project_code="BG05M9OP001-2.023-0001", procedure_code="BG05M2OP001-2.023"), "procedure_code"),
    ],
)
def test_validation_names_the_problem(mutate, where: str) -> None:  # type: ignore[no-untyped-def]
    g = _good()
    mutate(g)
    problems = validate_gold_record(g, "gold/000_1dd385f57b1ba4ae.json")
    assert problems, "a broken gold record passed validation"
    assert any(p.where == where for p in problems), [str(p) for p in problems]


def test_span_outside_text_is_reported() -> None:
    g = _good()
    g["amounts"][0]["span"] = [10, 10_000_000]
    problems = validate_gold_record(g, "gold/000_1dd385f57b1ba4ae.json", text="short")
    assert any("outside the text" in p.message for p in problems)


def test_validate_gold_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "bad.json").write_text("{not json", encoding="utf-8")
    assert main(["validate-gold", str(tmp_path / "gold")]) == 1
    assert "not valid UTF-8 JSON" in capsys.readouterr().err
    assert main(["validate-gold", str(ROOT / "gold")]) == 0


def test_annotate_writes_a_valid_draft(tmp_path: Path) -> None:
    src = ROOT / "corpus" / "000_1dd385f57b1ba4ae.txt"
    out = tmp_path / "000_1dd385f57b1ba4ae.json"
    assert main(["annotate", str(src), "-o", str(out)]) == 0
    draft = json.loads(out.read_text(encoding="utf-8"))
    assert not validate_gold_record(draft, str(out), src.read_text(encoding="utf-8"))
    assert main(["annotate", str(src), "-o", str(out)]) == 1  # refuses to overwrite


def test_record_to_gold_adds_spans_and_drops_derived_fields() -> None:
    text = "Общата стойност на проекта е 1 035 612 лева."
    record, mentions = extract_with_mentions(text, "x")
    draft = record_to_gold(record.to_dict(), mentions)
    for a in draft["amounts"]:
        assert "value_eur" not in a
        if "span" in a:
            assert text[a["span"][0]:a["span"][1]]
