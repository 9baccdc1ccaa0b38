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
from .sentences import SHOWS
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
figure.finding { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; margin: 1.5em 0; }
figure.finding > a { flex: 1 1 34em; } figure.finding figcaption { flex: 1 1 24em; }
figure.finding h3 { margin-top: 0; } p.baseline { color: #555; font-size: 0.95em; }
details > summary { cursor: pointer; font-weight: bold; margin: 0.8em 0; }
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


def _finding_html(finding: Finding) -> list[str]:
    """One finding of "What this run shows": its plot beside its first sentences and its
    baseline; the rest of its sentences and its tables folded below."""
    esc = html.escape
    parts = ['<figure class="finding">']
    if finding.filename:
        parts.append(
            f'<a href="{esc(finding.filename)}"><img src="{esc(finding.filename)}" alt="{esc(finding.title)}"></a>'
        )
    parts += [
        "<figcaption>",
        f"<h3>{esc(finding.title)}</h3>",
        f'<p class="finding"><strong>Finding:</strong> {esc(finding.lead)}</p>',
        f'<p class="baseline">Baseline: {esc(finding.baseline)}.</p>',
    ]
    if finding.rest or finding.tables:
        tables = "its tables" if len(finding.tables) > 1 else "its table"
        folded = [
            words for words, shown in (("the rest of this finding", finding.rest), (tables, finding.tables)) if shown
        ]
        parts.append(f"<details><summary>More: {' and '.join(folded)}</summary>")
        if finding.rest:
            parts.append(f"<p>{esc(finding.rest)}</p>")
        for table in finding.tables:
            parts += [f"<h4>{esc(table.title)}</h4>", _text_table(table)]
        parts.append("</details>")
    parts += ["</figcaption>", "</figure>"]
    return parts


def write_html(
    path: Path,
    rows: list[Row],
    failures: list[Failure],
    options: Options,
    findings: list[Finding],
    meta: dict[str, Any],
    notes: list[str],
    explorer: str | None = None,
) -> None:
    """index.html: what the run shows first (each finding beside its plot), then the notes
    and failures, how it was measured, and the tables folded, best configurations first.
    `explorer` names the explorer page written beside it, linked under the command."""
    esc = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>hashtable lab report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>hashtable lab report</h1>",
        f'<p class="command">Reproduce this run with <code>{esc(meta["command"])}</code></p>',
    ]
    if explorer is not None:
        parts.append(
            f'<p class="explorer"><a href="{esc(explorer)}">Watch the engine work, step by step</a>: '
            "every strategy on the first keys of this workload, each probe and move as the engine did it.</p>"
        )
    parts += [
        f'<section id="shows"><h2>{SHOWS}</h2>',
    ]
    for finding in findings:
        parts += _finding_html(finding)
    parts.append("</section>")
    parts += [f"<p>Note: {esc(note)}</p>" for note in notes]
    if failures:
        parts.append(f'<h2 class="failure">{len(failures)} configurations failed</h2><ul>')
        parts += [f'<li class="failure">{esc(f.message())}</li>' for f in failures]
        parts.append("</ul>")
    parts += [
        "<h2>How it was measured</h2>",
        f"<p>Python {esc(meta['python'])} on {esc(meta['platform'])}, "
        f"{meta['cpu_count']} CPUs; {meta['seconds']:.1f} s; {esc(meta['started'])}. "
        f"Every configuration is timed two ways, up to {options.repeat} runs each (interleaved "
        "across configurations, gc off): <em>from Python</em>, the interpreter loop included, beside "
        "dict on the same keys; and <em>natively</em>, the structure alone in a Rust loop over the core "
        "table with the keys hashed in advance. Times are ns per operation of the best run; a difference "
        "is stated, and a cell coloured, only when it exceeds the spread ((median - best) / best) of the "
        "runs on both sides, and 5%.</p>",
        "<details><summary>The hash functions</summary><ul>",
        *(f"<li><code>{esc(c.name)}</code>: {esc(c.description)}</li>" for c in options.hashes),
        "</ul></details>",
    ]
    configurations = sum(not is_dict(row) for row in summary_rows(rows))
    parts += [
        f'<details id="table"><summary>All hash functions and strategies, n={_grid_n(rows)}: '
        f"{configurations} configurations and dict, fastest structure first</summary>",
        f"<p>{esc(LEGEND)}</p>",
        _summary_table(rows, options),
        "</details>",
        f"<details><summary>Every row ({len(rows)}), as in results.csv</summary>",
        _full_table(rows),
        "</details>",
        "</body></html>",
    ]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _grid_n(rows: list[Row]) -> str:
    sizes = sorted({row["n"] for row in summary_rows(rows)})
    return ", ".join(f"{n:,}" for n in sizes) or "?"
