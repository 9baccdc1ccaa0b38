"""The equality experiment's finding: `key=` and `eq=` tables against the mappings users
write by hand for the same semantics, and against a dict given keys transformed beforehand.

One sentence per workload, from Python (the experiment has no native view), naming its
baselines and stating a difference only when the noise rule allows.
"""

from __future__ import annotations

from typing import Any

from .equality import EXPERIMENT, SEMANTICS, Semantics
from .finding_words import NO_DATA, fmt_ns, keys_word
from .noise import Cell, cell, versus
from .plan import Options
from .rows import in_experiment, is_dict

Row = dict[str, Any]
TITLE = "Custom equality: key= and eq= against the same semantics by hand"


def _timed(row: Row, column: str) -> Cell:
    value = cell(row, column)
    if value is None:
        raise ValueError(f"row has no {column}")
    return value


def semantics_finding(rows: list[Row], options: Options, semantics: Semantics) -> str | None:
    """The sentence for one workload; None when the run did not measure it."""
    mine = [row for row in in_experiment(rows, EXPERIMENT) if row["workload"] == semantics.workload]
    by_hand = next((row for row in mine if row["strategy"] == semantics.by_hand_name), None)
    tables = [row for row in mine if row["strategy"] != semantics.by_hand_name]
    floor = next((row for row in rows if is_dict(row) and row["workload"] == semantics.workload), None)
    if by_hand is None or floor is None:
        return None
    head = f"On {semantics.workload} ({keys_word(by_hand['n'])}: {semantics.description}), "
    if not tables:
        return head + f"no HashTable({semantics.label}) could be measured (see the failures)."
    reference = next((row for row in tables if row["strategy"] == options.reference_strategy), tables[0])
    hit = _timed(reference, "lookup_hit_ns")
    text = head + (
        f"HashTable({semantics.label}, strategy={reference['strategy']!r}) finds a key from Python in "
        f"{fmt_ns(hit.best)}: "
        f"{versus(hit, _timed(by_hand, 'lookup_hit_ns'), semantics.by_hand_name)} "
        f"({fmt_ns(by_hand['lookup_hit_ns'])}, the same semantics in pure Python) and "
        f"{versus(hit, _timed(floor, 'lookup_hit_ns'), 'dict')} on {semantics.floor_words} "
        f"({fmt_ns(floor['lookup_hit_ns'])}); it inserts in {fmt_ns(reference['insert_ns'])}, "
        f"{versus(_timed(reference, 'insert_ns'), _timed(by_hand, 'insert_ns'), semantics.by_hand_name)}"
    )
    if len(tables) > 1:
        fastest = min(tables, key=lambda row: row["lookup_hit_ns"])
        slowest = max(tables, key=lambda row: row["lookup_hit_ns"])
        text += (
            f". Across the {len(tables)} strategies a lookup takes {fmt_ns(fastest['lookup_hit_ns'])} "
            f"({fastest['strategy']}) to {fmt_ns(slowest['lookup_hit_ns'])} ({slowest['strategy']})"
        )
    return text + "."


def equality_finding(rows: list[Row], options: Options) -> str:
    sentences = [semantics_finding(rows, options, semantics) for semantics in SEMANTICS.values()]
    found = [sentence for sentence in sentences if sentence is not None]
    return " ".join(found) if found else NO_DATA


# --- the experiment's own tables (terminal and HTML) ------------------------------------------

TABLE_COLUMNS = ("insert_ns", "lookup_hit_ns", "lookup_miss_ns", "delete_ns")
TABLE_HEADINGS = ("table", "insert", "hit", "miss", "delete")


def equality_tables(rows: list[Row]) -> list[tuple[str, list[list[str]]]]:
    """(title, lines) per workload: the dict floor, the by-hand mapping, every strategy's table.

    Each cell is the best run's ns per operation, and for the tables the ratio to the
    by-hand mapping's best run. Empty when the experiment did not run.
    """
    found = []
    for semantics in SEMANTICS.values():
        mine = [row for row in in_experiment(rows, EXPERIMENT) if row["workload"] == semantics.workload]
        by_hand = next((row for row in mine if row["strategy"] == semantics.by_hand_name), None)
        floor = next((row for row in rows if is_dict(row) and row["workload"] == semantics.workload), None)
        if by_hand is None or floor is None:
            continue
        title = (
            f"{semantics.workload}: HashTable({semantics.label}) from Python, ns per operation "
            f"(x {semantics.by_hand_name})"
        )
        lines = [
            [f"dict, {semantics.floor_key.__name__}(k) beforehand", *(_ns(floor[c]) for c in TABLE_COLUMNS)],
            [f"{semantics.by_hand_name} (pure Python)", *(_ns(by_hand[c]) for c in TABLE_COLUMNS)],
        ]
        for row in mine:
            if row is not by_hand:
                cells = [f"{_ns(row[c])} ({row[c] / by_hand[c]:.2f}x)" for c in TABLE_COLUMNS]
                lines.append([row["strategy"], *cells])
        found.append((title, lines))
    return found


def _ns(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
