"""The local batch engine: parallel = serial, duplicates reported, exact resume after kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_batch_support import read_jsonl, write_corpus

from pipeline.batch import BatchOptions, run_batch

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("batch") / "in"
    return folder, write_corpus(folder, 24)


def test_jobs_2_equals_jobs_1_and_streams_in_order(corpus: tuple[Path, list[str]], tmp_path: Path) -> None:
    folder, ids = corpus
    s1 = run_batch([str(folder)], BatchOptions(output=str(tmp_path / "a.jsonl"), mentions=str(tmp_path / "ma.jsonl"), jobs=1, quiet=True))
    s2 = run_batch([str(folder)], BatchOptions(output=str(tmp_path / "b.jsonl"), mentions=str(tmp_path / "mb.jsonl"), jobs=2,
                                               chunksize=2, quiet=True))
    assert (s1.records, s1.errors, s1.exit_code) == (24, 0, 0) == (s2.records, s2.errors, s2.exit_code)
    a, b = read_jsonl(tmp_path / "a.jsonl"), read_jsonl(tmp_path / "b.jsonl")
    assert a == b and [r["doc_id"] for r in a] == ids
    assert read_jsonl(tmp_path / "ma.jsonl") == read_jsonl(tmp_path / "mb.jsonl")
    assert not (tmp_path / "a.errors.csv").read_text(encoding="utf-8").strip().count("\n")  # header only


def test_duplicates_are_reported_not_merged(corpus: tuple[Path, list[str]], tmp_path: Path) -> None:
    folder, ids = corpus
    (tmp_path / "again").mkdir()
    text = (folder / f"{ids[0]}.txt").read_text(encoding="utf-8")
    (tmp_path / "again" / f"{ids[0]}.txt").write_text(text + "\nДруг текст.\n", encoding="utf-8")
    s = run_batch([str(folder / f"{ids[0]}.txt"), str(tmp_path / "again")],
                  BatchOptions(output=str(tmp_path / "o.sqlite"), jobs=1, quiet=True))
    assert (s.records, s.errors, s.exit_code) == (1, 1, 2)
    with sqlite3.connect(tmp_path / "o.sqlite") as con:
        assert con.execute("SELECT doc_id, source FROM records").fetchall() == [(ids[0], str(folder / f"{ids[0]}.txt"))]
        assert con.execute("SELECT doc_id, kind FROM errors").fetchall() == [(ids[0], "duplicate_id")]
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
    assert not list(tmp_path.glob("*.part.jsonl"))


def test_resume_after_sigkill_is_exact(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    ids = write_corpus(folder, 60, seed=9, size=800)
    (folder / "zz_empty.txt").write_bytes(b"")
    out, mentions = tmp_path / "out.jsonl", tmp_path / "m.jsonl"
    cmd = [sys.executable, "-m", "pipeline", "extract", str(folder), "-o", str(out), "--mentions", str(mentions),
           "-j", "2", "--chunksize", "1", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and out.stat().st_size and out.read_bytes().count(b"\n") >= 8:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
    os.killpg(proc.pid, signal.SIGKILL)  # main process and its workers, mid-run
    proc.wait()
    done_before = out.read_bytes().count(b"\n")
    assert 0 < done_before < 60
    # make the kill land mid-line too: a torn record line must be cut on resume
    with out.open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "gen_torn", "proj')
    res = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 2, res.stderr  # the empty file is in the errors table
    recs = read_jsonl(out)
    assert [r["doc_id"] for r in recs] == ids  # none lost, none duplicated, input order
    mention_ids = [m["doc_id"] for m in read_jsonl(mentions)]
    assert set(mention_ids) <= set(ids)
    # mention rows of each document appear exactly once (one contiguous run per document)
    runs = [d for i, d in enumerate(mention_ids) if i == 0 or mention_ids[i - 1] != d]
    assert len(runs) == len(set(runs))
    errors = (tmp_path / "out.errors.csv").read_text(encoding="utf-8").splitlines()
    assert len(errors) == 2 and errors[1].startswith("zz_empty,")
    # a second resume of a finished run changes nothing
    res = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert read_jsonl(out) == recs and res.returncode == 2


def test_resume_needs_output() -> None:
    with pytest.raises(ValueError):
        run_batch(["x"], BatchOptions(resume=True))


def test_jsonl_input_with_meta_into_csv(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"d{i}", "text": f"Проект номер {i} в община Смолян.", "url": f"https://x/{i}"},
                                        ensure_ascii=False) for i in range(3)) + "\n", encoding="utf-8")
    s = run_batch([str(src)], BatchOptions(output=str(tmp_path / "o.csv"), jobs=1, quiet=True))
    assert s.exit_code == 0
    import pandas as pd

    df = pd.read_csv(tmp_path / "o.csv")
    assert list(df["doc_id"]) == ["d0", "d1", "d2"] and list(df["url"]) == ["https://x/0", "https://x/1", "https://x/2"]


def test_outputs_inside_the_input_folder_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Проект в община Смолян.", encoding="utf-8")
    for _ in range(2):  # the second run must not read the first run's out.jsonl / out.errors.csv as input
        s = run_batch([str(tmp_path)], BatchOptions(output=str(tmp_path / "out.jsonl"), mentions=str(tmp_path / "m.csv"),
                                                    jobs=1, quiet=True))
        assert (s.records, s.errors) == (1, 0)
