"""Resume state: which documents are done, kept on disk so memory stays constant.

The outputs of a batch are append-only JSONL files flushed per document, in
input order, a document's mention rows before its record.  After a ``kill -9``
at any moment, :func:`scan_for_resume`:

1. cuts a torn last line off each file (the only damage a kill can do);
2. collects the doc_ids that have a record or an error row (done);
3. cuts the mention rows of the one document that has mentions but no record
   (it was being written when the run died), which are necessarily the last ones.

Then the run goes on with the documents not done: exactly one record per
document, none lost, none duplicated.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

__all__ = ["IdSet", "truncate_torn_tail", "scan_for_resume"]


class IdSet:
    """A set of strings in a temporary SQLite file: constant memory for millions of ids.

    >>> s = IdSet(); s.add("a"), s.add("a"), "a" in s, "b" in s
    (True, False, True, False)
    """

    def __init__(self) -> None:
        fd, self._path = tempfile.mkstemp(prefix="bgpress-ids-", suffix=".sqlite")
        os.close(fd)
        self._con = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._con.execute("PRAGMA journal_mode=OFF")
        self._con.execute("PRAGMA synchronous=OFF")
        self._con.execute("PRAGMA cache_size=-4096")
        self._con.execute("CREATE TABLE ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._con.execute("BEGIN")
        self._n = 0

    def add(self, key: str) -> bool:
        """Add ``key``; True when it was new."""
        cur = self._con.execute("INSERT OR IGNORE INTO ids VALUES (?)", (key,))
        new = cur.rowcount == 1
        self._n += new
        return new

    def __contains__(self, key: object) -> bool:
        return self._con.execute("SELECT 1 FROM ids WHERE id = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self._n

    def close(self) -> None:
        try:
            self._con.close()
        finally:
            Path(self._path).unlink(missing_ok=True)

    def __del__(self) -> None:  # best effort; close() is the way
        try:
            self.close()
        except Exception:
            pass


def truncate_torn_tail(path: Path) -> int:
    """Cut a last line that has no newline or is not valid JSON; the number of bytes cut."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as fh:
        # find the start of the last line
        pos = size
        block = 65536
        tail = b""
        while pos > 0:
            step = min(block, pos)
            pos -= step
            fh.seek(pos)
            tail = fh.read(step) + tail
            idx = tail.rfind(b"\n", 0, len(tail) - 1)
            if idx >= 0:
                start = pos + idx + 1
                break
        else:
            start = 0
        fh.seek(start)
        last = fh.read()
        ok = last.endswith(b"\n")
        if ok:
            try:
                json.loads(last)
            except ValueError:
                ok = False
        if ok:
            return 0
        fh.truncate(start)
        return size - start


def _cut_mentions(path: Path, done: IdSet) -> int:
    """Truncate the mentions file at the first row whose document has no record."""
    if not path.exists():
        return 0
    offset = 0
    cut_at = None
    with path.open("rb") as fh:
        for line in fh:
            doc_id = json.loads(line)["doc_id"]
            if doc_id not in done:
                cut_at = offset
                break
            offset += len(line)
    if cut_at is None:
        return 0
    size = path.stat().st_size
    with path.open("rb+") as fh:
        fh.truncate(cut_at)
    return size - cut_at


def scan_for_resume(records: Path, errors: Path | None, mentions: Path | None) -> tuple[IdSet, IdSet, int]:
    """The done doc_ids, the duplicate rows already reported (``doc_id\\tsource``) and the count done."""
    done = IdSet()
    dups = IdSet()
    n = 0
    for path in (records, errors, mentions):
        if path is not None:
            truncate_torn_tail(path)
    if records.exists():
        with records.open(encoding="utf-8") as fh:
            for line in fh:
                done.add(json.loads(line)["doc_id"])
                n += 1
    if errors is not None and errors.exists():
        with errors.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row["kind"] == "duplicate_id":
                    dups.add(f"{row['doc_id']}\t{row['source']}")
                else:
                    done.add(row["doc_id"])
                n += 1
    if mentions is not None:
        _cut_mentions(mentions, done)
    return done, dups, n
