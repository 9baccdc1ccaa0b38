"""Writing the run to disk: results.csv, results.json and index.html."""

from __future__ import annotations

import csv
import html
import json
import shlex
from pathlib import Path
from typing import Any

from .measure import Failure
from .plan import Options
from .plots import Plot
from .rows import (
    COLUMN_HELP,
    COLUMNS,
    SUMMARY_COLUMNS,
    extremes,
    format_cell,
    is_dict,
    summary_rows,
)

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
    failures: list[Failure],
    plots: list[Plot],
    meta: dict[str, Any],
) -> None:
    document = {
        **meta,
        "columns": {column: COLUMN_HELP.get(column, "") for column in COLUMNS},
        "rows": rows,
        "failures": [failure_record(failure) for failure in failures],
        "plots": [{"file": p.filename, "title": p.title, "finding": p.finding} for p in plots],
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
    many_workloads = len(options.workloads) > 1
    many_indexes = len(options.indexes) > 1
    names = ["hash", "strategy"]
    if many_indexes:
        names.append("index")
    if many_workloads:
        names.insert(0, "workload")
    limits = {column: extremes(shown, column) for _, column, _, lower in SUMMARY_COLUMNS if lower}
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    head += "".join(f"<th>{html.escape(h)}</th>" for h, *_ in SUMMARY_COLUMNS)
    lines = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for row in shown:
        cells = [f'<td class="name">{html.escape(str(row[name]))}</td>' for name in names]
        for _, column, ratio, lower in SUMMARY_COLUMNS:
            best, worst = limits.get(column, (None, None))
            css = ""
            if lower and not is_dict(row) and best is not None:
                css = ' class="best"' if row[column] == best else ""
                css = ' class="worst"' if row[column] == worst else css
            cells.append(f"<td{css}>{html.escape(format_cell(row, column, ratio))}</td>")
        css = ' class="dict"' if is_dict(row) else ""
        lines.append(f"<tr{css}>{''.join(cells)}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


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
    failures: list[Failure],
    options: Options,
    plots: list[Plot],
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
        f"Times are ns per operation, best of up to {options.repeat} run{'s' if options.repeat > 1 else ''} "
        "(interleaved across configurations), gc off, the "
        "Python loop included for HashTable and dict alike; (1.2x) is the ratio to dict "
        "on the same keys.</p>",
    ]
    parts += [f"<p>Note: {esc(note)}</p>" for note in notes]
    parts.append("<details><summary>The hash functions</summary><ul>")
    parts += [f"<li><code>{esc(c.name)}</code>: {esc(c.description)}</li>" for c in options.hashes]
    parts.append("</ul></details>")
    if failures:
        parts.append(f'<h2 class="failure">{len(failures)} configurations failed</h2><ul>')
        parts += [f'<li class="failure">{esc(f.message())}</li>' for f in failures]
        parts.append("</ul>")
    parts.append(
        f"<h2>All hash functions and strategies, n={_grid_n(rows)}</h2>"
        "<p>Fastest successful lookups first; in each column the best cell is green and "
        "the worst red; dict rows are blue.</p>"
    )
    parts.append(_summary_table(rows, options))
    for plot in plots:
        parts += [
            "<figure>",
            f"<h2>{esc(plot.title)}</h2>",
            f'<img src="{esc(plot.filename)}" alt="{esc(plot.title)}">',
            f'<p class="finding"><strong>Finding:</strong> {esc(plot.finding)}</p>',
            "</figure>",
        ]
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
