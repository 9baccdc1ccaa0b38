"""The data behind each plot, and one plain sentence of what it shows.

Each `*_series` function picks the rows a plot draws; each `*_finding` turns the
same data into a sentence with the numbers in it, so the sentence under a plot
always says what that plot shows for this run.
"""

from __future__ import annotations

from typing import Any

from .plan import Options
from .rows import in_experiment, is_dict

Row = dict[str, Any]
# name -> [(x, y), ...] sorted by x
Series = dict[str, list[tuple[float, float]]]


def fmt_ns(value: float) -> str:
    return f"{value:,.0f} ns" if value >= 10 else f"{value:.1f} ns"


def fmt_times(ratio: float) -> str:
    return f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def _keys(count: float) -> str:
    return "1 key" if count == 1 else f"{count:,.0f} keys"


def _share(value: float) -> str:
    text = f"{value:.0%}"
    return f"{min(value, 0.999):.1%}" if text == "100%" and value < 1 else text


def _plain(rows: list[Row]) -> list[Row]:
    return [row for row in rows if not is_dict(row)]


# --- (a) chain lengths ----------------------------------------------------------------


def histogram_rows(rows: list[Row], options: Options) -> list[Row]:
    """Grid rows on the first workload with the reference strategy: one per hash."""
    workload, strategy = options.workloads[0], options.reference_strategy
    index = options.indexes[0]
    picked = [
        row
        for row in _plain(in_experiment(rows, "grid"))
        if row["workload"] == workload and row["strategy"] == strategy and row["index"] == index
    ]
    order = {choice.name: i for i, choice in enumerate(options.hashes)}
    return sorted(picked, key=lambda row: order.get(row["hash"], len(order)))


def chain_word(strategy: str) -> str:
    return "chain" if strategy == "chaining" else "probe sequence"


def histogram_finding(rows: list[Row], options: Options) -> str:
    picked = histogram_rows(rows, options)
    if not picked:
        return "No data: every configuration for this plot failed (see the failures)."
    word = chain_word(options.reference_strategy)
    worst = max(picked, key=lambda row: row["longest_chain"])
    ref = next((row for row in picked if row["hash"] == options.reference_hash), None)
    best = ref if ref is not None else min(picked, key=lambda row: row["longest_chain"])
    head = f"On {worst['workload']} (n={worst['n']:,}, {options.reference_strategy}), "
    if worst["longest_chain"] <= 2 * best["longest_chain"]:
        low, high = best["longest_chain"], worst["longest_chain"]
        if len(picked) == 1:
            return head + (
                f"{worst['hash']}'s longest {word} holds {_keys(high)} and "
                f"{_share(worst['empty_bucket_share'])} of its buckets are empty."
            )
        low = min(row["longest_chain"] for row in picked)
        spread = f"{low} keys" if low == high else f"between {low} and {high} keys"
        return head + f"every hash function keeps its longest {word} at {spread}."
    return head + (
        f"{worst['hash']}'s longest {word} holds {worst['longest_chain']:,} keys and "
        f"{_share(worst['empty_bucket_share'])} of its buckets are empty; "
        f"{best['hash']}'s longest holds {best['longest_chain']:,} "
        f"({_share(best['empty_bucket_share'])} empty)."
    )


# --- (b) lookup time against max_load ---------------------------------------------------


def max_load_series(rows: list[Row], column: str = "lookup_hit_ns") -> Series:
    """Per strategy: (max_load, `column`), each table filled to exactly max_load."""
    series: Series = {}
    for row in _plain(in_experiment(rows, "max_load")):
        series.setdefault(row["strategy"], []).append((row["max_load"], row[column]))
    return {name: sorted(points) for name, points in series.items()}


def max_load_finding(rows: list[Row], options: Options) -> str:
    series = {name: pts for name, pts in max_load_series(rows).items() if len(pts) >= 2}
    if not series:
        if max_load_series(rows):
            return "Only one max_load was measured; give several (--max-load 0.25 0.5 0.9) to see the trend."
        return "No data: every configuration for this plot failed (see the failures)."
    growth = {name: pts[-1][1] / pts[0][1] for name, pts in series.items()}
    steep = max(growth, key=lambda name: growth[name])
    flat = min(growth, key=lambda name: growth[name])

    def change(points: list[tuple[float, float]]) -> str:
        return f"from {fmt_ns(points[0][1])} to {fmt_ns(points[-1][1])} ({fmt_times(points[-1][1] / points[0][1])})"

    low, high = series[steep][0][0], series[steep][-1][0]
    text = (
        f"In tables filled to exactly max_load, raising it from {low:g} to {high:g} took "
        f"{options.reference_hash}-hash successful lookups {change(series[steep])} with {steep}"
    )
    if flat != steep:
        text += f" and {change(series[flat])} with {flat}"
    misses = {name: pts for name, pts in max_load_series(rows, "lookup_miss_ns").items() if len(pts) >= 2}
    if misses:
        worst = max(misses, key=lambda name: misses[name][-1][1] / misses[name][0][1])
        text += f"; failed lookups rose most with {worst}: {change(misses[worst])}"
    return text + "."


# --- (c) lookup time against n ------------------------------------------------------------


def n_series(rows: list[Row], options: Options) -> Series:
    """Per hash (and "dict"): (n, ns per successful lookup), first workload only."""
    workload = options.workloads[0]
    series: Series = {}
    n_rows = [row for row in in_experiment(rows, "n") if row["workload"] == workload]
    for row in n_rows:
        series.setdefault(row["hash"], []).append((row["n"], row["lookup_hit_ns"]))
    counts = {row["n"] for row in n_rows}
    for row in rows:
        if is_dict(row) and row["workload"] == workload and row["n"] in counts:
            series.setdefault("dict", []).append((row["n"], row["lookup_hit_ns"]))
    return {name: sorted(points) for name, points in series.items()}


def n_finding(rows: list[Row], options: Options) -> str:
    """Compare the hash whose lookups grew most with n against the reference hash."""
    series = {k: v for k, v in n_series(rows, options).items() if k != "dict"}
    if not series:
        return "No data: every configuration for this plot failed (see the failures)."
    top = max(points[-1][0] for points in series.values())
    full = {name: pts for name, pts in series.items() if pts[-1][0] == top}
    growth = {name: pts[-1][1] / pts[0][1] for name, pts in full.items()}
    worst = max(growth, key=lambda name: growth[name])
    if growth[worst] < 2:  # nothing grows: name the slowest instead
        worst = max(full, key=lambda name: full[name][-1][1])
    ref = options.reference_hash
    if ref not in full or ref == worst:
        ref = min(full, key=lambda name: full[name][-1][1])
    worst_ns, ref_ns = full[worst][-1][1], full[ref][-1][1]
    if worst == ref:
        return f"At n={top:,.0f}, {worst}'s lookups cost {fmt_ns(worst_ns)}."
    text = (
        f"At n={top:,.0f}, {worst}'s lookups cost {fmt_times(worst_ns / ref_ns)} "
        f"{ref}'s ({fmt_ns(worst_ns)} against {fmt_ns(ref_ns)})"
    )
    first = full[worst][0][0]
    if len(full[worst]) >= 2 and full[ref][0][0] == first:
        text += (
            f"; from n={first:,.0f} to n={top:,.0f} {worst}'s grew "
            f"{fmt_times(growth[worst])} while {ref}'s changed {fmt_times(growth[ref])}"
        )
    return text + "."


# --- (d) resizes and insert time against initial size ------------------------------------


def size_series(rows: list[Row]) -> dict[str, list[tuple[float, float, float]]]:
    """Per strategy: (initial size, resizes, ns per insert)."""
    series: dict[str, list[tuple[float, float, float]]] = {}
    for row in _plain(in_experiment(rows, "size")):
        point = (row["initial_size"], row["resizes"], row["insert_ns"])
        series.setdefault(row["strategy"], []).append(point)
    return {name: sorted(points) for name, points in series.items()}


def size_finding(rows: list[Row], options: Options) -> str:
    series = size_series(rows)
    if not series:
        return "No data: every configuration for this plot failed (see the failures)."
    strategy = options.reference_strategy if options.reference_strategy in series else next(iter(series))
    points = series[strategy]
    (small, small_resizes, small_ns), (big, big_resizes, big_ns) = points[0], points[-1]
    n = next(row["n"] for row in in_experiment(rows, "size"))
    if len(points) < 2:
        return (
            f"With initial size {small:,.0f}, {strategy} resized {small_resizes:.0f} times "
            f"while inserting {_keys(n)} ({fmt_ns(small_ns)} per insert)."
        )
    change = (big_ns - small_ns) / small_ns
    direction = "less" if change < 0 else "more"
    return (
        f"Starting {strategy} at {small:,.0f} buckets cost {small_resizes:.0f} resizes while "
        f"inserting {n:,} keys, at {fmt_ns(small_ns)} per insert; starting at {big:,.0f} "
        f"cost {big_resizes:.0f} resizes and {fmt_ns(big_ns)} per insert "
        f"({abs(change):.0%} {direction})."
    )
