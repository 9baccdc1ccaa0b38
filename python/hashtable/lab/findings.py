"""The data behind plots (a) to (d), and one plain sentence of what each shows.

Each `*_series` function picks the rows a plot draws; each `*_finding` turns the
same data, across everything the plot shows, into a sentence with the numbers in
it and its baseline named, stating a difference only when the noise rule allows.
`all_findings` gathers these and those of findings_structure.py.
"""

from __future__ import annotations

from typing import Any

from . import findings_equality, findings_structure
from .finding_words import (
    NO_DATA,
    PLOTS,
    Finding,
    describe_changes,
    fmt_ns,
    fmt_times,
    keys_word,
    names_list,
    plain,
    share,
    timed_column,
    view_words,
)
from .noise import Cell, cell, differs, versus
from .plan import Options
from .rows import in_experiment, is_dict

Row = dict[str, Any]
# name -> [(x, cell), ...] sorted by x
Series = dict[str, list[tuple[float, Cell]]]


def _sorted(series: Series) -> Series:
    return {name: sorted(points, key=lambda point: point[0]) for name, points in series.items()}


# --- (a) chain lengths ----------------------------------------------------------------


def histogram_rows(rows: list[Row], options: Options) -> list[Row]:
    """Grid rows on the first workload with the reference strategy: one per hash."""
    workload, strategy = options.workloads[0], options.reference_strategy
    index = options.indexes[0]
    picked = [
        row
        for row in plain(in_experiment(rows, "grid"))
        if row["workload"] == workload and row["strategy"] == strategy and row["index"] == index
    ]
    order = {choice.name: i for i, choice in enumerate(options.hashes)}
    return sorted(picked, key=lambda row: order.get(row["hash"], len(order)))


def chain_word(strategy: str) -> str:
    return "chain" if strategy == "chaining" else "probe sequence"


def histogram_finding(rows: list[Row], options: Options) -> str:
    picked = histogram_rows(rows, options)
    if not picked:
        return NO_DATA
    word = chain_word(options.reference_strategy)
    worst = max(picked, key=lambda row: row["longest_chain"])
    ref = next((row for row in picked if row["hash"] == options.reference_hash), None)
    best = ref if ref is not None else min(picked, key=lambda row: row["longest_chain"])
    head = f"On {worst['workload']} (n={worst['n']:,}, {options.reference_strategy}), "
    if len(picked) == 1:
        return head + (
            f"{worst['hash']}'s longest {word} holds {keys_word(worst['longest_chain'])} and "
            f"{share(worst['empty_bucket_share'])} of its buckets are empty."
        )
    if worst["longest_chain"] <= 2 * best["longest_chain"]:
        low = min(row["longest_chain"] for row in picked)
        high = worst["longest_chain"]
        spread = f"{low} keys" if low == high else f"between {low} and {high} keys"
        return head + f"every hash function keeps its longest {word} at {spread}."
    return head + (
        f"{worst['hash']}'s longest {word} holds {worst['longest_chain']:,} keys "
        f"({fmt_times(worst['longest_chain'] / best['longest_chain'])} {best['hash']}'s "
        f"{best['longest_chain']:,}) and {share(worst['empty_bucket_share'])} of its buckets are empty "
        f"({share(best['empty_bucket_share'])} for {best['hash']})."
    )


# --- (b) lookup time against max_load ---------------------------------------------------


def max_load_series(rows: list[Row], column: str) -> Series:
    """Per strategy: (max_load, cell of `column`), each table filled to exactly max_load."""
    series: Series = {}
    for row in plain(in_experiment(rows, "max_load")):
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["strategy"], []).append((row["max_load"], value))
    return _sorted(series)


def max_load_finding(rows: list[Row], options: Options) -> str:
    parts = []
    for operation, what in (("lookup_hit", "successful"), ("lookup_miss", "failed")):
        series = {k: v for k, v in max_load_series(rows, timed_column(options, operation)).items() if len(v) >= 2}
        if not series:
            continue
        low = min(points[0][0] for points in series.values())
        changes = {name: (points[0][1], points[-1][1]) for name, points in series.items() if points[0][0] == low}
        high = max(points[-1][0] for points in series.values())
        parts.append((what, low, high, describe_changes(changes, f"at max_load {low:g}")))
    if not parts:
        if max_load_series(rows, timed_column(options, "lookup_hit")):
            return "Only one max_load was measured; give several (--max-load 0.25 0.5 0.9) to see the trend."
        return NO_DATA
    _, low, high, _ = parts[0]
    head = (
        f"Raising max_load from {low:g} to {high:g} (each table filled to exactly that load, "
        f"hash {options.reference_hash}, timed as {view_words(options)}): "
    )
    return head + "; ".join(f"{what} lookups became {text}" for what, _, _, text in parts) + "."


# --- (c) lookup time against n ------------------------------------------------------------


def n_series(rows: list[Row], options: Options, column: str) -> Series:
    """Per hash (and "dict" when `column` is timed from Python): (n, cell), first workload only."""
    workload = options.workloads[0]
    series: Series = {}
    n_rows = [row for row in in_experiment(rows, "n") if row["workload"] == workload]
    for row in n_rows:
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["hash"], []).append((row["n"], value))
    counts = {row["n"] for row in n_rows}
    for row in rows:
        if is_dict(row) and row["workload"] == workload and row["n"] in counts:
            value = cell(row, column)
            if value is not None:
                series.setdefault("dict", []).append((row["n"], value))
    return _sorted(series)


def n_finding(rows: list[Row], options: Options) -> str:
    """Every hash at the largest n: natively against the reference hash, from Python against dict."""
    native = {k: v for k, v in n_series(rows, options, "native_lookup_hit_ns").items() if k != "dict"}
    if not native:
        return NO_DATA
    top = max(points[-1][0] for points in native.values())
    at_top = {name: points[-1][1] for name, points in native.items() if points[-1][0] == top}
    ref = options.reference_hash if options.reference_hash in at_top else min(at_top, key=lambda k: at_top[k].best)
    base = at_top[ref]
    others = sorted((name for name in at_top if name != ref), key=lambda name: -at_top[name].best)
    slower = [name for name in others if differs(at_top[name], base) and at_top[name].best > base.best]
    faster = [name for name in reversed(others) if differs(at_top[name], base) and at_top[name].best < base.best]
    ties = [name for name in others if name not in slower and name not in faster]

    def ratios(names: list[str], word: str) -> str:
        listed = [f"{name}'s {fmt_times(at_top[name].best / base.best)}" for name in names[:3]]
        first = names[0]
        listed[0] = (
            f"{first}'s cost {fmt_times(at_top[first].best / base.best)} {ref}'s "
            f"({fmt_ns(at_top[first].best)} against {fmt_ns(base.best)})"
        )
        more = f"; {names_list(names[3:])} are measurably {word} too" if len(names) > 3 else ""
        return ", ".join(listed) + more

    parts = []
    if slower:
        parts.append(ratios(slower, "slower"))
    if faster:
        parts.append(f"measurably faster: {ratios(faster, 'faster')}")
    if ties:
        parts.append(f"{names_list(ties)}: no measurable difference from {ref}'s")
    text = f"At n={top:,.0f} ({options.reference_strategy}), lookups in the structure alone (native): "
    text += "; ".join(parts) if parts else f"only {ref} was measured ({fmt_ns(base.best)})"
    python = n_series(rows, options, "lookup_hit_ns")
    dict_points = dict(python.get("dict", []))
    if top in dict_points:
        tops = {name: dict(points)[top] for name, points in python.items() if name != "dict" and top in dict(points)}
        if tops:
            slow = max(tops, key=lambda name: tops[name].best)
            fast = min(tops, key=lambda name: tops[name].best)
            text += (
                f". From Python, where the hash call and the binding add their cost, lookups range from "
                f"{versus(tops[fast], dict_points[top], 'dict')} ({fast}) to "
                f"{versus(tops[slow], dict_points[top], 'dict')} ({slow})"
            )
    return text + "."


# --- (d) resizes and insert time against initial size ------------------------------------


def size_series(rows: list[Row], column: str) -> dict[str, list[tuple[float, float, Cell]]]:
    """Per strategy: (initial size, resizes, cell of `column`)."""
    series: dict[str, list[tuple[float, float, Cell]]] = {}
    for row in plain(in_experiment(rows, "size")):
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["strategy"], []).append((row["initial_size"], row["resizes"], value))
    return {name: sorted(points, key=lambda point: point[0]) for name, points in series.items()}


def size_finding(rows: list[Row], options: Options) -> str:
    series = size_series(rows, timed_column(options, "insert"))
    if not series:
        return NO_DATA
    n = next(row["n"] for row in in_experiment(rows, "size"))
    small = min(points[0][0] for points in series.values())
    big = max(points[-1][0] for points in series.values())
    full = {name: points for name, points in series.items() if points[0][0] == small and points[-1][0] == big}
    if big == small or not full:
        name, points = next(iter(series.items()))
        size, resizes, insert = points[0]
        return (
            f"With initial size {size:,.0f}, {name} resized {resizes:.0f} times while inserting "
            f"{keys_word(n)} ({fmt_ns(insert.best)} per insert)."
        )
    before = sorted({points[0][1] for points in full.values()})
    after = sorted({points[-1][1] for points in full.values()})

    def span(values: list[float]) -> str:
        text = f"{values[0]:.0f}" if len(values) == 1 else f"{values[0]:.0f} to {values[-1]:.0f}"
        return text + (" resize" if values == [1] else " resizes")

    changes = {name: (points[0][2], points[-1][2]) for name, points in full.items()}
    return (
        f"Inserting {n:,} keys into a table created with {big:,.0f} buckets instead of {small:,.0f} "
        f"({span(after)} instead of {span(before)}), timed as {view_words(options)}: inserts became "
        f"{describe_changes(changes, f'at size {small:,.0f}')}."
    )


def all_findings(rows: list[Row], costs: list[Row], options: Options, caches: dict[str, int]) -> dict[str, Finding]:
    """Every plot's finding, by plot key, then the findings with no plot."""
    a_title = PLOTS["a"][1]
    if options.reference_strategy != "chaining":
        a_title = "(a) Probe sequence lengths for each hash function"
    found = {
        "a": Finding(a_title, histogram_finding(rows, options)),
        "b": Finding(PLOTS["b"][1], max_load_finding(rows, options)),
        "c": Finding(PLOTS["c"][1], n_finding(rows, options)),
        "d": Finding(PLOTS["d"][1], size_finding(rows, options)),
    }
    found.update(findings_structure.structure_findings(rows, options, caches))
    found["hashes"] = Finding("Hash functions", findings_structure.hash_cost_finding(costs, options))
    if options.equality:
        found["equality"] = Finding(findings_equality.TITLE, findings_equality.equality_finding(rows, options))
    return found
