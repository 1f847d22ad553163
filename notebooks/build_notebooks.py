"""Writes the two notebooks from cell sources kept here (outputs stripped; tests execute them)."""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

HERE = Path(__file__).resolve().parent

QUICKSTART = [
    ('md', """\
# bgpress quickstart

Extract the bundled corpus into a pandas table, then look at money by programme (in EUR) and at counts by category. Every value keeps its span in the text."""),
    ('code', """\
from pathlib import Path

import pandas as pd

from pipeline import extract_with_mentions, records_to_dataframe

ROOT = Path.cwd() if (Path.cwd() / 'corpus').exists() else Path.cwd().parent
docs = sorted((ROOT / 'corpus').glob('*.txt'))
results = [extract_with_mentions(p.read_text(encoding='utf-8'), p.stem) for p in docs]
records = [r for r, _ in results]
table = records_to_dataframe(records)
assert len(table) == len(docs)
table[['doc_id', 'project_title', 'municipality', 'programmes', 'total_eur']].head(10)"""),
    ('md', """\
## Amounts by programme, in EUR

One row per amount; `value_eur` uses the fixed rate 1.95583."""),
    ('code', """\
amounts = pd.DataFrame([
    {'doc_id': r.doc_id, 'programme': a.programme or (r.programmes[0] if r.programmes else None),
     'role': a.role, 'currency': a.currency, 'value': float(a.value), 'value_eur': float(a.value_eur)}
    for r in records for a in r.amounts
])
by_programme = amounts[amounts.role.isin(['total', 'grant'])].groupby('programme')['value_eur'].sum().sort_values()
by_programme"""),
    ('code', """\
import matplotlib

matplotlib.use('Agg')
ax = (by_programme / 1e6).plot.barh(figsize=(6, 3), title='Project totals and grants, million EUR')
ax.set_xlabel('million EUR');"""),
    ('md', """\
## Counts by category"""),
    ('code', """\
counts = pd.DataFrame([{'doc_id': r.doc_id, **c.to_dict()} for r in records for c in r.counts])
by_category = counts.groupby('category')['value'].agg(['count', 'sum']).sort_values('sum')
by_category"""),
    ('code', """\
ax = by_category['count'].plot.bar(figsize=(6, 3), title='Count mentions per category')"""),
    ('md', """\
## Evidence: every value points into the text"""),
    ('code', """\
record, mentions = results[0]
text = docs[0].read_text(encoding='utf-8')
for m in mentions[:10]:
    assert text[m.start:m.end] == m.text if m.start is not None else True
    print(f'{m.field:<16} {m.text!r:<40} {m.rule_id}')"""),
]

EVALUATION = [
    ('md', """\
# bgpress evaluation

Per-field scores on the bundled corpus against `gold/`, then the errors in context. The same numbers as `bgpress evaluate --corpus corpus --gold gold`."""),
    ('code', """\
from pathlib import Path

import pandas as pd

from pipeline.evaluation.run import evaluate_dirs

ROOT = Path.cwd() if (Path.cwd() / 'corpus').exists() else Path.cwd().parent
result = evaluate_dirs(ROOT / 'corpus', ROOT / 'gold')
scores = pd.DataFrame({f: s.to_dict() for f, s in result.scores.fields.items()}).T
print(f'micro F1 {result.scores.micro.f1:.3f}, macro F1 {result.scores.macro_f1:.3f}')
scores[['precision', 'recall', 'f1', 'tp', 'fp', 'fn']]"""),
    ('code', """\
import matplotlib

matplotlib.use('Agg')
ax = scores[['precision', 'recall', 'f1']].astype(float).plot.bar(figsize=(9, 3), ylim=(0, 1.05), title='Per-field scores')"""),
    ('md', """\
## Attribute accuracy over matched pairs"""),
    ('code', """\
pd.DataFrame([{'attribute': f'{f}.{a}', 'correct': c, 'total': t, 'accuracy': c / t if t else None}
              for (f, a), (c, t) in result.scores.attributes.items()])"""),
    ('md', """\
## Errors, with the sentence they come from"""),
    ('code', """\
from pipeline.evaluation.report import sentence_around

errors = pd.DataFrame(result.to_dict()['errors'])
if not errors.empty:
    errors['context'] = [
        ''.join(sentence_around(result.texts[d], int(s), int(e))) if s is not None and s == s else ''
        for d, s, e in zip(errors.doc_id, errors.start, errors.end, strict=True)
    ]
errors.groupby(['field', 'kind']).size().unstack(fill_value=0) if not errors.empty else errors"""),
    ('code', """\
errors.head(20) if not errors.empty else 'no errors'"""),
]


def build(cells: list[tuple[str, str]]) -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src) for kind, src in cells]
    return nb


def main() -> None:
    nbf.write(build(QUICKSTART), HERE / "01_quickstart.ipynb")
    nbf.write(build(EVALUATION), HERE / "02_evaluation.ipynb")


if __name__ == "__main__":
    main()
