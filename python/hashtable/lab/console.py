"""The terminal side: a progress bar while the runs go, then the table and the findings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .experiment import Finding, TextTable
from .measure import Failure
from .plan import Options
from .runner import Progress as ProgressCallback
from .sentences import SHOWS
from .summary import LEGEND, format_cell, name_columns, standouts, summary_columns, summary_rows

Row = dict[str, Any]
# The most failures listed one per line before the rest are counted.
FAILURES_SHOWN = 12
# Piped output gets a fixed page width instead of rich's 80 columns.
PIPE_WIDTH = 100
WIDE_PIPE_WIDTH = 200


def make_console(stderr: bool = False, wide: bool = False) -> Console:
    probe = Console(stderr=stderr)
    return probe if probe.is_terminal else Console(stderr=stderr, width=WIDE_PIPE_WIDTH if wide else PIPE_WIDTH)


BAR_WIDTH = 20
# The bar, "done/total", the elapsed time and the spaces between them.
PROGRESS_FIXED_WIDTH = BAR_WIDTH + 12 + 8 + 4


class _Description(ProgressColumn):
    """The current run's description, cut to the room the console has left, so the
    bar, the count and the time before it always show."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def render(self, task: Task) -> Text:
        text = Text(task.description, style="dim", no_wrap=True, overflow="ellipsis")
        text.truncate(max(0, self.console.width - PROGRESS_FIXED_WIDTH), overflow="ellipsis")
        return text


def progress_columns(console: Console) -> tuple[ProgressColumn, ...]:
    return (BarColumn(bar_width=BAR_WIDTH), MofNCompleteColumn(), TimeElapsedColumn(), _Description(console))


@contextmanager
def progress_bar(console: Console, total: int) -> Iterator[ProgressCallback]:
    """A rich progress bar on `console`; yields the callback the runner calls."""
    progress = Progress(*progress_columns(console), console=console, transient=True)
    task = progress.add_task("", total=total)

    def advance(done: int, total: int, what: str) -> None:
        progress.update(task, completed=done, total=total, description=what)

    with progress:
        yield advance


def summary_table(rows: list[Row], options: Options, wide: bool | None = None) -> Table:
    shown = summary_rows(rows)
    columns = summary_columns(options.wide if wide is None else wide)
    configurations = sum(row["strategy"] != "dict" for row in shown)
    table = Table(
        title=f"{configurations} configuration{'s' if configurations != 1 else ''} and dict, fastest structure first",
        title_justify="left",
        caption=LEGEND,
        caption_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    names = name_columns(len(options.workloads) > 1, len(options.indexes) > 1)
    for name in names:
        table.add_column(name, no_wrap=True, overflow="fold")
    for column in columns:
        table.add_column(column.heading, justify="right", no_wrap=True)
    marks = standouts(shown, columns)
    for position, row in enumerate(shown):
        cells: list[Text | str] = [str(row[name]) for name in names]
        for column in columns:
            mark = marks.get((position, column.column))
            style = "bold green" if mark == "best" else "bold red" if mark == "worst" else ""
            cells.append(Text(format_cell(row, column.column, column.ratio), style=style))
        table.add_row(*cells, style="cyan" if row["strategy"] == "dict" else None)
    return table


def text_table(table: TextTable) -> Table:
    """A table of text cells: names on the left, numbers on the right."""
    shown = Table(title=table.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    for position, heading in enumerate(table.headings):
        shown.add_column(heading, justify="left" if position < table.names else "right", no_wrap=True)
    for line in table.lines:
        shown.add_row(*line)
    return shown


def print_report(
    console: Console,
    rows: list[Row],
    failures: list[Failure],
    options: Options,
    findings: list[Finding],
    notes: list[str],
    seconds: float,
) -> None:
    """What the run shows first (each finding's first sentences and its baseline), then
    the notes, the summary table, the findings' own tables and the rest of their sentences."""
    console.print(f"[bold underline]{SHOWS}[/]", highlight=False)
    for finding in findings:
        console.print(
            f"[bold]{escape(finding.title)}[/]: {escape(finding.lead)} [dim](baseline: {escape(finding.baseline)})[/]",
            highlight=False,
        )
    console.print()
    for note in notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    console.print(summary_table(rows, options))
    for table in (table for finding in findings for table in finding.tables):
        console.print(text_table(table))
    for finding in findings:
        if finding.rest:
            console.print(f"[bold]{escape(finding.title)}[/], continued: {escape(finding.rest)}", highlight=False)
    if failures:
        console.print(f"[bold red]{len(failures)} configurations failed:[/]")
        for failure in failures[:FAILURES_SHOWN]:
            console.print(f"  {failure.message()}", style="red", highlight=False, markup=False)
        if len(failures) > FAILURES_SHOWN:
            console.print(f"  ... and {len(failures) - FAILURES_SHOWN} more in results.json")
    shown = len(summary_rows(rows))
    drawn = sum(finding.filename is not None for finding in findings)
    console.print(
        f"{len(rows)} rows ({shown} above) in {seconds:.1f} s; report in "
        f"{options.out}/ (index.html, results.csv, results.json, {drawn} plots)",
        highlight=False,
    )
