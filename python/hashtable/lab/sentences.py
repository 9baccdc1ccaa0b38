"""The words findings share: times, ratios, lists of names, and the sentences that
state a change only when the noise rule (noise.py) lets them.

A finding names its baseline every time: "1.8x its time at max_load 0.25",
"121x python's", "1.7x dict".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .noise import Cell, differs, ratio_text
from .plan import Options
from .rows import is_dict

Row = dict[str, Any]
NO_DATA = "No data: every configuration for this plot failed (see the failures)."


# The heading the report opens with, in the terminal and in index.html.
SHOWS = "What this run shows"
# Where a sentence ends: a full stop, then space and a capital (a decimal point has no space).
_SENTENCE_END = re.compile(r"(?<=[.])\s+(?=[A-Z(])")
# The report opens with this many sentences of each finding.
LEAD_SENTENCES = 2


def lead_and_rest(text: str, count: int = LEAD_SENTENCES) -> tuple[str, str]:
    """(the first `count` sentences of `text`, the rest); the rest may be empty."""
    sentences = _SENTENCE_END.split(text.strip())
    return " ".join(sentences[:count]), " ".join(sentences[count:])


def fmt_ns(value: float) -> str:
    return f"{value:,.0f} ns" if value >= 10 else f"{value:.1f} ns"


def fmt_times(ratio: float) -> str:
    return ratio_text(ratio)


def keys_word(count: float) -> str:
    return "1 key" if count == 1 else f"{count:,.0f} keys"


def share(value: float) -> str:
    text = f"{value:.0%}"
    return f"{min(value, 0.999):.1%}" if text == "100%" and value < 1 else text


def plain(rows: Iterable[Row]) -> list[Row]:
    return [row for row in rows if not is_dict(row)]


def timed_column(options: Options, operation: str) -> str:
    """The column the strategy plots draw for `operation`: native unless --view python."""
    return f"native_{operation}_ns" if options.view == "native" else f"{operation}_ns"


def view_words(options: Options) -> str:
    return "the structure alone (native)" if options.view == "native" else "from Python"


def names_list(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe_changes(changes: dict[str, tuple[Cell, Cell]], baseline: str, details: int = 2) -> str:
    """'measurably slower with linear (5.1 ns -> 9.0 ns, 1.8x its time at 0.25) and swiss;
    faster with chaining (...); no measurable change with compact'.

    `changes` maps a name to (before, after); `baseline` completes "its time at ...".
    The `details` largest changes in each direction get their numbers.
    """
    slower = sorted(
        (name for name, (a, b) in changes.items() if differs(a, b) and b.best > a.best),
        key=lambda name: changes[name][0].best / changes[name][1].best,
    )
    faster = sorted(
        (name for name, (a, b) in changes.items() if differs(a, b) and b.best < a.best),
        key=lambda name: changes[name][1].best / changes[name][0].best,
    )
    same = [name for name, (a, b) in changes.items() if not differs(a, b)]

    def detail(name: str, first: bool) -> str:
        before, after = changes[name]
        ratio = fmt_times(after.best / before.best)
        tail = f", {ratio} its time {baseline}" if first else f", {ratio}"
        return f"{name} ({fmt_ns(before.best)} -> {fmt_ns(after.best)}{tail})"

    def group(names: list[str]) -> str:
        shown = [detail(name, i == 0) for i, name in enumerate(names[:details])]
        return names_list(shown + names[details:])

    parts = []
    if slower:
        parts.append(f"measurably slower with {group(slower)}")
    if faster:
        parts.append(f"measurably faster with {group(faster)}")
    if same:
        parts.append(f"no measurable change with {names_list(same)}")
    return "; ".join(parts)
