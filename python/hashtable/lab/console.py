"""The terminal side: a progress bar while the runs go, then the table and the findings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from .measure import Failure
from .plan import Options
from .plots import Plot
from .rows import SUMMARY_COLUMNS, extremes, format_cell, is_dict, summary_rows
from .runner import Progress as ProgressCallback

Row = dict[str, Any]
# The most failures listed one per line before the rest are counted.
FAILURES_SHOWN = 12


def make_console(stderr: bool = False) -> Console:
    probe = Console(stderr=stderr)
    # Piped output gets a fixed, wide page instead of rich's 80 columns.
    return probe if probe.is_terminal else Console(stderr=stderr, width=160)


@contextmanager
def progress_bar(console: Console, total: int) -> Iterator[ProgressCallback]:
    """A rich progress bar on `console`; yields the callback the runner calls."""
    progress = Progress(
        TextColumn("[bold]measuring"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", style="dim"),
        console=console,
        transient=True,
    )
    task = progress.add_task("", total=total)

    def advance(done: int, total: int, what: str) -> None:
        progress.update(task, completed=done, total=total, description=what)

    with progress:
        yield advance


def summary_table(rows: list[Row], options: Options) -> Table:
    shown = summary_rows(rows)
    table = Table(
        title=f"{sum(not is_dict(row) for row in shown)} configurations and dict, "
        "fastest successful lookups first "
        "(best per column green, worst red, dict cyan; (x) = ratio to dict)",
        title_justify="left",
        header_style="bold",
    )
    names = ["hash", "strategy"]
    if len(options.indexes) > 1:
        names.append("index")
    if len(options.workloads) > 1:
        names.insert(0, "workload")
    for name in names:
        table.add_column(name)
    for heading, *_ in SUMMARY_COLUMNS:
        table.add_column(heading, justify="right")
    limits = {column: extremes(shown, column) for _, column, _, lower in SUMMARY_COLUMNS if lower}
    for row in shown:
        cells: list[Text | str] = [str(row[name]) for name in names]
        for _, column, ratio, lower in SUMMARY_COLUMNS:
            best, worst = limits.get(column, (None, None))
            style = ""
            if lower and not is_dict(row) and best is not None:
                style = "bold green" if row[column] == best else ""
                style = "bold red" if row[column] == worst else style
            cells.append(Text(format_cell(row, column, ratio), style=style))
        table.add_row(*cells, style="cyan" if is_dict(row) else None)
    return table


def print_report(
    console: Console,
    rows: list[Row],
    failures: list[Failure],
    options: Options,
    plots: list[Plot],
    notes: list[str],
    seconds: float,
) -> None:
    for note in notes:
        console.print(f"[yellow]note:[/] {note}")
    console.print(summary_table(rows, options))
    for plot in plots:
        console.print(f"[bold]{plot.title}[/]: {plot.finding}", highlight=False)
    if failures:
        console.print(f"[bold red]{len(failures)} configurations failed:[/]")
        for failure in failures[:FAILURES_SHOWN]:
            console.print(f"  {failure.message()}", style="red", highlight=False, markup=False)
        if len(failures) > FAILURES_SHOWN:
            console.print(f"  ... and {len(failures) - FAILURES_SHOWN} more in results.json")
    shown = len(summary_rows(rows))
    console.print(
        f"{len(rows)} rows ({shown} above) in {seconds:.1f} s; report in "
        f"{options.out}/ (index.html, results.csv, results.json, {len(plots)} plots)",
        highlight=False,
    )
