"""``bgpress labelstudio export|import|config``: pre-annotations out, corrected gold back."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def run_export(args: argparse.Namespace) -> int:
    from ..api import extract_with_mentions
    from ..labelstudio import to_task
    from ..readers import ReadError, read_inputs

    tasks = []
    for item in read_inputs(args.paths):
        if isinstance(item, ReadError):
            print(f"error: {item.source}: {item.kind}: {item.message}", file=sys.stderr)
            continue
        _, mentions = extract_with_mentions(item.text, item.doc_id)
        tasks.append(to_task(item.doc_id, item.text, mentions))
    Path(args.output).write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {len(tasks)} tasks to {args.output}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ..labelstudio import from_task

    tasks = json.loads(Path(args.export).read_text(encoding="utf-8"))
    out = Path(args.gold)
    out.mkdir(parents=True, exist_ok=True)
    for task in tasks:
        record = from_task(task)
        (out / f"{record['doc_id']}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")
    print(f"wrote {len(tasks)} gold files to {out}", file=sys.stderr)
    return 0


def run_config(args: argparse.Namespace) -> int:
    from ..labelstudio import label_config

    sys.stdout.write(label_config())
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("labelstudio", help="Label Studio pre-annotations and gold import")
    lsub = p.add_subparsers(dest="ls_command", required=True)
    e = lsub.add_parser("export", help="predictions as Label Studio tasks with pre-annotations")
    e.add_argument("paths", nargs="+")
    e.add_argument("-o", "--output", required=True, help="tasks.json to import into Label Studio")
    e.set_defaults(func=run_export)
    i = lsub.add_parser("import", help="a Label Studio JSON export back into gold/<doc_id>.json files")
    i.add_argument("export")
    i.add_argument("--gold", required=True, help="output folder")
    i.set_defaults(func=run_import)
    c = lsub.add_parser("config", help="print the labelling configuration (XML)")
    c.set_defaults(func=run_config)
