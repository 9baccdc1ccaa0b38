"""Writing the run to disk: results.csv, results.json and index.html."""

from __future__ import annotations

import csv
import html
import json
import shlex
from pathlib import Path
from typing import Any

from .experiment import Finding, TextTable
from .measure import Failure
from .plan import Options
from .rows import COLUMN_HELP, COLUMNS, is_dict
from .summary import LEGEND, format_cell, name_columns, standouts, summary_columns, summary_rows

Row = dict[str, Any]


def command_line(argv: tuple[str, ...] | list[str]) -> str:
    """The command that reproduces this run."""
    return " ".join(["python -m hashtable.lab", shlex.join(argv)]).strip()


def failure_record(failure: Failure) -> dict[str, Any]:
    config = failure.config
    return {
        "workload": config.workload,
        "n": config.n,
        "hash": config.hash,
        "strategy": config.strategy,
        "semantics": config.semantics,
        "index": config.index,
        "max_load": config.max_load,
        "initial_size": config.size,
        "key": failure.key,
        "error": failure.error,
        "message": failure.message(),
    }


def write_csv(path: Path, rows: list[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row[k] is None else row[k]) for k in COLUMNS})


def write_json(
    path: Path,
    rows: list[Row],
    costs: list[Row],
    failures: list[Failure],
    findings: list[Finding],
    meta: dict[str, Any],
    sections: dict[str, Any] | None = None,
) -> None:
    document = {
        **meta,
        "columns": {column: COLUMN_HELP.get(column, "") for column in COLUMNS},
        "rows": rows,
        "hash_costs": costs,
        "failures": [failure_record(failure) for failure in failures],
        "findings": [{"file": f.filename, "title": f.title, "finding": f.text} for f in findings],
        **(sections or {}),
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; color: #222; }
code, pre { background: #f4f4f4; padding: 0.2em 0.4em; border-radius: 3px; }
pre { padding: 0.8em; overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
th { background: #eee; } td.name { text-align: left; }
td.best { background: #c8f0c8; font-weight: bold; }
td.worst { background: #f6c6c6; font-weight: bold; }
tr.dict td { background: #e6f0fa; font-style: italic; }
figure { margin: 2em 0; } img { max-width: 100%; border: 1px solid #ddd; }
p.finding { font-size: 1.1em; } .failure { color: #a00; }
"""


def _summary_table(rows: list[Row], options: Options) -> str:
    shown = summary_rows(rows)
    columns = summary_columns(wide=True)
    names = name_columns(len(options.workloads) > 1, len(options.indexes) > 1)
    marks = standouts(shown, columns)
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    head += "".join(f"<th>{html.escape(c.heading).replace(chr(10), '<br>')}</th>" for c in columns)
    lines = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for position, row in enumerate(shown):
        cells = [f'<td class="name">{html.escape(str(row[name]))}</td>' for name in names]
        for column in columns:
            mark = marks.get((position, column.column))
            css = f' class="{mark}"' if mark else ""
            cells.append(f"<td{css}>{html.escape(format_cell(row, column.column, column.ratio))}</td>")
        css = ' class="dict"' if is_dict(row) else ""
        lines.append(f"<tr{css}>{''.join(cells)}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _text_table(table: TextTable) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headings)
    body = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for line in table.lines:
        cells = [
            f'<td class="name">{html.escape(c)}</td>' if i < table.names else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(line)
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    body.append("</tbody></table>")
    return "\n".join(body)


def _full_table(rows: list[Row]) -> str:
    head = "".join(f'<th title="{html.escape(COLUMN_HELP.get(c, ""))}">{c}</th>' for c in COLUMNS)
    lines = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for row in rows:
        cells = "".join(f"<td>{html.escape('' if row[c] is None else str(row[c]))}</td>" for c in COLUMNS)
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def write_html(
    path: Path,
    rows: list[Row],
    costs: list[Row],
    failures: list[Failure],
    options: Options,
    findings: list[Finding],
    meta: dict[str, Any],
    notes: list[str],
) -> None:
    esc = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>hashtable lab report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>hashtable lab report</h1>",
        "<p>Reproduce this run with:</p>",
        f"<pre>{esc(meta['command'])}</pre>",
        f"<p>Python {esc(meta['python'])} on {esc(meta['platform'])}, "
        f"{meta['cpu_count']} CPUs; {meta['seconds']:.1f} s; {esc(meta['started'])}. "
        f"Every configuration is timed two ways, up to {options.repeat} runs each (interleaved "
        "across configurations, gc off): <em>from Python</em>, the interpreter loop included, beside "
        "dict on the same keys; and <em>natively</em>, the structure alone in a Rust loop over the core "
        "table with the keys hashed in advance. Times are ns per operation of the best run; a difference "
        "is stated, and a cell coloured, only when it exceeds the spread ((median - best) / best) of the "
        "runs on both sides, and 5%.</p>",
    ]
    parts += [f"<p>Note: {esc(note)}</p>" for note in notes]
    parts.append("<details><summary>The hash functions</summary><ul>")
    parts += [f"<li><code>{esc(c.name)}</code>: {esc(c.description)}</li>" for c in options.hashes]
    parts.append("</ul></details>")
    if failures:
        parts.append(f'<h2 class="failure">{len(failures)} configurations failed</h2><ul>')
        parts += [f'<li class="failure">{esc(f.message())}</li>' for f in failures]
        parts.append("</ul>")
    parts.append(f"<h2>All hash functions and strategies, n={_grid_n(rows)}</h2><p>{esc(LEGEND)}</p>")
    parts.append(_summary_table(rows, options))
    for finding in findings:
        parts.append("<figure>" if finding.filename else "<section>")
        parts.append(f"<h2>{esc(finding.title)}</h2>")
        if finding.filename:
            parts.append(f'<img src="{esc(finding.filename)}" alt="{esc(finding.title)}">')
        for table in finding.tables:
            parts += [f"<h3>{esc(table.title)}</h3>", _text_table(table)]
        parts.append(f'<p class="finding"><strong>Finding:</strong> {esc(finding.text)}</p>')
        parts.append("</figure>" if finding.filename else "</section>")
    parts += [
        f"<details><summary>Every row ({len(rows)}), as in results.csv</summary>",
        _full_table(rows),
        "</details>",
        "</body></html>",
    ]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _grid_n(rows: list[Row]) -> str:
    sizes = sorted({row["n"] for row in summary_rows(rows)})
    return ", ".join(f"{n:,}" for n in sizes) or "?"
