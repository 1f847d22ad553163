"""``bgpress extract`` options, exit codes, stdin and the terminal table."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser, main

TEXT = "Община Смолян изпълнява проект \"Заедно\" с обща стойност 1 035 612 лв.\n"


def test_parser_has_batch_options_and_keeps_evaluate() -> None:
    p = build_parser()
    a = p.parse_args(["extract", "x", "-o", "o.parquet", "-j", "3", "--resume", "--max-bytes", "10", "--id-field", "key",
                      "--engine", "dask", "--scheduler", "tcp://h:8786", "--no-progress"])
    assert (a.jobs, a.resume, a.max_bytes, a.id_field, a.engine, a.scheduler, a.progress) == (
        3, True, 10, "key", "dask", "tcp://h:8786", False)
    assert p.parse_args(["evaluate", "--corpus", "c", "--gold", "g"]).command == "evaluate"


def test_exit_codes_and_errors_file(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "none.txt").write_text("Днес времето е слънчево.\n", encoding="utf-8")  # no project: a record, not an error
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "o.jsonl"), "-j", "1", "-q"]) == 0
    recs = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in recs] == ["a", "none"] and recs[1]["amounts"] == []
    (tmp_path / "in" / "bad.txt").write_bytes(b"")
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "o.jsonl"), "-j", "1", "-q",
                 "--errors", str(tmp_path / "err.jsonl")]) == 2
    [err] = [json.loads(x) for x in (tmp_path / "err.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (err["doc_id"], err["kind"]) == ("bad", "empty")
    assert main(["extract", "x", "-o", "o.xlsx"]) == 1


def _stdin(monkeypatch: pytest.MonkeyPatch, data: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8"))


def test_stdin_and_terminal_table(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, TEXT)
    assert main(["extract", "-", "-j", "1"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("── stdin ") and "1 035 612 BGN" in out
    assert err == ""  # no progress bar when stderr is not a terminal, no summary for a terminal table


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _stdin(monkeypatch, "".join(json.dumps({"id": f"s{i}", "text": TEXT}, ensure_ascii=False) + "\n" for i in range(3)))
    assert main(["extract", "-", "--format", "jsonl", "-j", "1", "-q", "-o", str(tmp_path / "o.jsonl")]) == 0
    assert [json.loads(x)["doc_id"] for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()] == ["s0", "s1", "s2"]


_PROGRAM = """
import sys
from pipeline import cli
sys.argv = ["bgpress", *sys.argv[1:]]
code = cli.main()
torch = sys.modules.get("torch")
print("torch:", "blocked" if "torch" in sys.modules and torch is None else ("loaded" if torch else "absent"))
raise SystemExit(code)
"""


@pytest.mark.parametrize("ner", ["rules", "spacy"])
def test_program_spares_torch_unless_stanza(tmp_path: Path, ner: str) -> None:
    """Run as the program, ``extract`` keeps thinc from importing torch (seconds of start-up),
    and still writes the same record as in-process."""
    import subprocess

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    args = ["extract", str(tmp_path / "a.txt"), "--ner", ner, "-j", "1", "-q"]
    proc = subprocess.run([sys.executable, "-c", _PROGRAM, *args, "-o", str(tmp_path / "p.jsonl")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "torch: blocked" in proc.stdout
    assert main([*args, "-o", str(tmp_path / "i.jsonl")]) == 0
    assert (tmp_path / "p.jsonl").read_text(encoding="utf-8") == (tmp_path / "i.jsonl").read_text(encoding="utf-8")


def test_spare_torch_leaves_stanza_and_dask_alone() -> None:
    from pipeline.cli import spare_torch

    p = build_parser()
    before = "torch" in sys.modules and sys.modules["torch"] is None
    assert not spare_torch(p.parse_args(["extract", "x", "--ner", "stanza"]))
    assert not spare_torch(p.parse_args(["extract", "x", "--ner", "rules", "--engine", "dask"]))
    assert ("torch" in sys.modules and sys.modules["torch"] is None) == before
