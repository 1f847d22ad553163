"""The HTML report and document pages, opened in a real headless Chromium.

The browser renders the page (no network: flags switch background
networking off) and dumps the DOM after layout; the numbers it shows must be
the numbers ``bgpress evaluate`` computes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.evaluation.run import evaluate_dirs

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")


def _dump_dom(url: str, profile: Path) -> str:
    out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],  # type: ignore[list-item]
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", "--corpus", str(ROOT / "corpus"), "--gold", str(ROOT / "gold"), "-o", str(out)]) == 0
    return out


def test_report_shows_the_evaluate_numbers(report: Path, tmp_path: Path) -> None:
    dom = _dump_dom(report.as_uri(), tmp_path / "profile")
    scores = evaluate_dirs(ROOT / "corpus", ROOT / "gold").scores
    shown = re.search(r'id="micro-f1">([\d.]+)<', dom)
    assert shown and shown.group(1) == f"{scores.micro.f1:.3f}"
    for name, fs in scores.fields.items():
        row = re.search(rf'<tr data-field="{re.escape(name)}"><td>{re.escape(name)}</td><td>([\d.]+)</td><td>([\d.]+)</td><td>([\d.]+)</td>', dom)
        assert row, f"no row for {name}"
        assert row.group(3) == f"{fs.f1:.3f}"
    assert "<svg" in dom


def test_document_pages_open(report: Path, tmp_path: Path) -> None:
    pages = sorted((report.parent / "report_docs").glob("*.html"))
    assert pages
    dom = _dump_dom(pages[0].as_uri(), tmp_path / "profile")
    assert "<mark" in dom and "Record" in dom
