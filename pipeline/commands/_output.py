"""Where a command's single output goes: a file when -o is given, else standard output."""

from __future__ import annotations

import sys
from pathlib import Path


def emit(content: str, output: str | None, *, note: str | None = None) -> None:
    if output:
        Path(output).write_text(content, encoding="utf-8")
        print(note or f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(content)
