"""Label Studio export → import gives back the same record (round trip)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import extract_with_mentions
from pipeline.cli import main
from pipeline.labelstudio import LABEL_FIELDS, from_task, label_config, to_task

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "corpus").glob("*.txt"))


def _gold_form(record: dict) -> dict:
    for a in record["amounts"]:
        a.pop("value_eur", None)
    return record


@pytest.mark.parametrize("path", DOCS[:8], ids=lambda p: p.stem)
def test_round_trip(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    record, mentions = extract_with_mentions(text, path.stem)
    task = json.loads(json.dumps(to_task(path.stem, text, mentions, as_annotation=True)))
    assert from_task(task) == _gold_form(record.to_dict())


def test_regions_point_into_the_text() -> None:
    text = DOCS[0].read_text(encoding="utf-8")
    _, mentions = extract_with_mentions(text, DOCS[0].stem)
    task = to_task(DOCS[0].stem, text, mentions)
    for r in task["predictions"][0]["result"]:
        if r["type"] == "labels":
            v = r["value"]
            assert text[v["start"]:v["end"]] == v["text"]
            assert v["labels"][0] in LABEL_FIELDS


def test_hand_drawn_region_takes_its_text() -> None:
    text = "Бенефициент е Община Смолян."
    task = {"data": {"text": text, "doc_id": "d1"}, "annotations": [{"result": [
        {"from_name": "field", "to_name": "text", "type": "labels",
         "value": {"start": 14, "end": 27, "text": "Община Смолян", "labels": ["beneficiary"]}},
        {"from_name": "field", "to_name": "text", "type": "labels",
         "value": {"start": 21, "end": 27, "text": "Смолян", "labels": ["municipality"]}},
    ]}]}
    gold = from_task(task)
    assert gold["doc_id"] == "d1"
    assert gold["beneficiary"] == "Община Смолян"
    assert gold["municipality"] == "Смолян"
    assert gold["amounts"] == []


def test_config_names_every_field() -> None:
    xml = label_config()
    for f in LABEL_FIELDS:
        assert f'value="{f}"' in xml


def test_cli_export_import(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks.json"
    assert main(["labelstudio", "export", str(DOCS[0]), "-o", str(tasks)]) == 0
    exported = json.loads(tasks.read_text(encoding="utf-8"))
    # a Label Studio export holds the accepted predictions as annotations
    for t in exported:
        t["annotations"] = t.pop("predictions")
    (tmp_path / "export.json").write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    assert main(["labelstudio", "import", str(tmp_path / "export.json"), "--gold", str(tmp_path / "gold")]) == 0
    assert (tmp_path / "gold" / f"{DOCS[0].stem}.json").exists()
    assert main(["validate-gold", str(tmp_path / "gold"), "--corpus", str(ROOT / "corpus")]) == 0
