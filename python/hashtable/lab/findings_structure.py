"""The data behind plots (e) to (g), and the findings that have no plot: what the
binding adds to each operation, and what hashing a key costs.

(e) lookups as the table outgrows the caches, (f) bytes per entry against
max_load, (g) measured probe lengths against the textbook's expectation. Like
findings.py, every sentence is computed from everything its plot shows, names
its baseline and states a difference only when the noise rule allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .cache import format_bytes
from .finding_words import (
    NO_DATA,
    PLOTS,
    Finding,
    describe_changes,
    fmt_ns,
    fmt_times,
    names_list,
    plain,
)
from .noise import Cell, cell, versus
from .plan import SCALE_WORKLOAD, Options
from .rows import in_experiment, is_dict

Row = dict[str, Any]
# A measured mean probe length departs from the textbook's beyond this many standard errors.
PROBE_NOISE_SE = 3.0


# --- (e) the memory hierarchy ----------------------------------------------------------


@dataclass(frozen=True)
class ScalePoint:
    n: int
    table_bytes: int
    time: Cell


def scale_series(rows: list[Row], column: str) -> dict[str, list[ScalePoint]]:
    """Per strategy (and "dict" for columns timed from Python): the scale sweep's points."""
    scale_rows = in_experiment(rows, "scale")
    counts = {row["n"] for row in scale_rows}
    dict_rows = [r for r in rows if is_dict(r) and r["workload"] == SCALE_WORKLOAD and r["n"] in counts]
    series: dict[str, list[ScalePoint]] = {}
    for row in scale_rows + dict_rows:
        value = cell(row, column)
        if value is not None:
            series.setdefault(row["strategy"], []).append(ScalePoint(row["n"], row["memory_bytes"], value))
    return {name: sorted(points, key=lambda point: point.n) for name, points in series.items()}


def cache_context(table_bytes: list[int], caches: dict[str, int]) -> str:
    """'the largest tables (24 to 48 MiB) are past L1d and L2 (2 MiB) and within L3 (260 MiB)'."""
    low, high = min(table_bytes), max(table_bytes)
    size = format_bytes(low)
    if format_bytes(high) != size:
        size += f" to {format_bytes(high)}"
    text = f"the largest tables take {size}"
    if not caches:
        return text + " (this machine's cache sizes are unknown)"
    passed = [name for name, capacity in caches.items() if capacity < low]
    holding = [name for name, capacity in caches.items() if capacity >= high]
    if passed:
        text += f", more than {names_list(passed)} hold ({format_bytes(caches[passed[-1]])})"
    if holding:
        text += f", {'but ' if passed else ''}within {holding[0]} ({format_bytes(caches[holding[0]])})"
    return text


def scale_finding(rows: list[Row], caches: dict[str, int]) -> str:
    native = scale_series(rows, "native_lookup_hit_ns")
    if not native:
        return "No data: the scale sweep did not run (--no-scale) or every configuration failed."
    low = min(points[0].n for points in native.values())
    high = max(points[-1].n for points in native.values())
    biggest = [v[-1].table_bytes for v in native.values() if v[-1].n == high]
    if low == high:
        times = sorted(points[0].time.best for points in native.values())
        text = (
            f"The scale sweep measured only n={low:,} random ints (see the notes), where "
            f"{cache_context(biggest, caches)}: successful lookups in the structure alone (native) take "
            f"{fmt_ns(times[0])} to {fmt_ns(times[-1])}"
        )
    else:
        changes = {k: (v[0].time, v[-1].time) for k, v in native.items() if v[0].n == low and v[-1].n == high}
        text = (
            f"From n={low:,} to n={high:,} random ints, where {cache_context(biggest, caches)}, successful "
            f"lookups in the structure alone (native) became {describe_changes(changes, f'at n={low:,}')}"
        )
    python = scale_series(rows, "lookup_hit_ns")
    base = next((p.time for p in python.get("dict", []) if p.n == high), None)
    if base is not None:
        at_high = {k: v[-1].time for k, v in python.items() if k != "dict" and v[-1].n == high}
        ordered = sorted(at_high, key=lambda name: at_high[name].best)
        compared = [f"{name} {versus(at_high[name], base, 'dict')}" for name in ordered]
        text += f". From Python at n={high:,}: {'; '.join(compared)}"
    return text + "."


# --- (f) memory per entry ------------------------------------------------------------------


def memory_series(rows: list[Row], options: Options) -> dict[str, list[tuple[float, float]]]:
    """Per strategy: (max_load, bytes per entry) in tables filled to exactly max_load; and
    "dict": dict's bytes per entry holding the same keys, at the same x."""
    series: dict[str, list[tuple[float, float]]] = {}
    baselines = {(r["workload"], r["n"]): r for r in rows if is_dict(r)}
    for row in plain(in_experiment(rows, "max_load")):
        if row["bytes_per_entry"] is None:
            continue
        series.setdefault(row["strategy"], []).append((row["max_load"], row["bytes_per_entry"]))
        base = baselines.get((row["workload"], row["n"]))
        if base is not None and base["bytes_per_entry"] is not None:
            series.setdefault("dict", []).append((row["max_load"], base["bytes_per_entry"]))
    return {name: sorted(set(points)) for name, points in series.items()}


def memory_finding(rows: list[Row], options: Options) -> str:
    series = memory_series(rows, options)
    tables = {k: dict(v) for k, v in series.items() if k != "dict"}
    if not tables:
        return NO_DATA
    loads = sorted({load for points in tables.values() for load in points})

    def extremes(load: float) -> str:
        at = {name: points[load] for name, points in tables.items() if load in points}
        small = min(at, key=lambda name: at[name])
        large = max(at, key=lambda name: at[name])
        if at[small] == at[large]:
            return f"at max_load {load:g} every strategy takes {at[small]:,.1f} bytes per entry"
        return (
            f"at max_load {load:g}, {small} takes {at[small]:,.1f} bytes per entry and {large} "
            f"{at[large]:,.1f} ({fmt_times(at[large] / at[small])} {small}'s)"
        )

    text = extremes(loads[-1])
    if len(loads) > 1:
        text += "; " + extremes(loads[0])
    dict_points = [value for _, value in series.get("dict", [])]
    if dict_points:
        low, high = min(dict_points), max(dict_points)
        span = f"{low:,.1f}" if low == high else f"{low:,.1f} to {high:,.1f}"
        text += f"; dict holding the same keys takes {span} bytes per entry"
    return "Counting the table's own storage (sys.getsizeof, keys and values not included): " + text + "."


# --- (g) probe lengths: measured against expected ------------------------------------------


@dataclass(frozen=True)
class ProbePoint:
    load: float
    measured: float
    standard_error: float
    expected: float

    @property
    def departs(self) -> bool:
        """Whether measured and expected differ by more than PROBE_NOISE_SE standard errors."""
        if not math.isfinite(self.expected):
            return True
        return abs(self.measured - self.expected) > PROBE_NOISE_SE * self.standard_error


def probe_series(rows: list[Row], kind: str) -> dict[str, list[ProbePoint]]:
    """Per strategy: a ProbePoint per filled table; `kind` is "hit" or "miss"."""
    series: dict[str, list[ProbePoint]] = {}
    for row in plain(in_experiment(rows, "max_load")):
        measured = row[f"probe_{kind}"]
        if measured is None or row["load_factor"] is None:
            continue
        point = ProbePoint(row["load_factor"], measured, row[f"probe_{kind}_se"], row[f"expected_probe_{kind}"])
        series.setdefault(row["strategy"], []).append(point)
    return {name: sorted(points, key=lambda p: p.load) for name, points in series.items()}


def theory_finding(rows: list[Row], options: Options) -> str:
    points = [
        (strategy, kind, point)
        for kind in ("hit", "miss")
        for strategy, series in probe_series(rows, kind).items()
        for point in series
    ]
    if not points:
        return NO_DATA
    departing = [item for item in points if item[2].departs]
    head = (
        f"With hash {options.reference_hash} on {options.workloads[0]}, "
        f"{len(points) - len(departing)} of {len(points)} measured mean probe lengths agree with the "
        f"textbook expectation within noise ({PROBE_NOISE_SE:g} standard errors)"
    )
    if not departing:
        return head + ": the hash spreads these keys as uniformly as the formulas assume."

    def size(item: tuple[str, str, ProbePoint]) -> float:
        point = item[2]
        return abs(math.log(max(point.measured, 1e-9) / max(point.expected, 1e-9)))

    shown = []
    for strategy, kind, point in sorted(departing, key=size, reverse=True)[:3]:
        what = "successful" if kind == "hit" else "failed"
        shown.append(
            f"{strategy}'s {what} lookups at load {point.load:.2f} visit {point.measured:.2f} "
            f"against {point.expected:.2f} expected ({fmt_times(point.measured / point.expected)})"
        )
    return (
        head + "; the largest departures: " + "; ".join(shown) + ". A departure means these hashes are not as "
        "uniform as the formulas assume, or the formula simplifies the strategy (as its source file notes)."
    )


# --- no plot: the binding's overhead and the hash functions' cost --------------------------


def overhead_finding(rows: list[Row], options: Options) -> str:
    """Python-side against native successful lookups, per strategy, reference hash, first workload."""
    workload, ref = options.workloads[0], options.reference_hash
    grid = [r for r in plain(in_experiment(rows, "grid")) if r["workload"] == workload and r["hash"] == ref]
    pairs = [
        (r["strategy"], r["lookup_hit_ns"], r["native_lookup_hit_ns"])
        for r in grid
        if r["native_lookup_hit_ns"] is not None
    ]
    if not pairs:
        return NO_DATA
    overheads = sorted(python - native for _, python, native in pairs)
    fastest = min(pairs, key=lambda pair: pair[2])
    span = fmt_ns(overheads[0])
    if fmt_ns(overheads[-1]) != span:
        span += f" to {fmt_ns(overheads[-1])}"
    text = (
        f"On {workload} with hash {ref}, a successful lookup from Python costs {span} more than the structure "
        f"alone (the interpreter loop, the binding and the hash call): {fastest[0]} takes "
        f"{fmt_ns(fastest[1])} from Python and {fmt_ns(fastest[2])} natively"
    )
    base = next((r for r in rows if is_dict(r) and r["workload"] == workload and r["n"] == grid[0]["n"]), None)
    if base is not None:
        text += f"; dict, from Python, takes {fmt_ns(base['lookup_hit_ns'])}"
    return text + ". dict's own C code cannot be timed without the interpreter, so it has no native view."


def hash_cost_finding(costs: list[Row], options: Options) -> str:
    """ns per key on the first workload: native hashes on canonical bytes and from the object."""
    workload = options.workloads[0]
    mine = {c["hash"]: c for c in costs if c["workload"] == workload}
    if not mine:
        return NO_DATA
    natives = {name: c for name, c in mine.items() if c["native_ns"] is not None}
    parts = []
    if "python" in mine:
        parts.append(f"Python's own hash takes {fmt_ns(mine['python']['from_object_ns'])} from the object")
    if natives:
        low = min(natives, key=lambda name: natives[name]["native_ns"])
        high = max(natives, key=lambda name: natives[name]["native_ns"])
        conversions = sorted(c["conversion_ns"] for c in natives.values() if c["conversion_measurable"])
        if not conversions:
            converting = "converting the Python key to those bytes adds no measurable time"
        elif fmt_ns(conversions[0]) == fmt_ns(conversions[-1]):
            converting = f"converting the Python key to those bytes adds {fmt_ns(conversions[0])}"
        else:
            converting = (
                f"converting the Python key to those bytes adds {fmt_ns(conversions[0])} to {fmt_ns(conversions[-1])}"
            )
        parts.append(
            f"the named native hashes take {fmt_ns(natives[low]['native_ns'])} ({low}) to "
            f"{fmt_ns(natives[high]['native_ns'])} ({high}) on the canonical bytes, and {converting}"
        )
    callbacks = [c.name for c in options.hashes if c.origin in ("python", "user") and c.name in mine]
    if callbacks:
        listed = [f"{name} {fmt_ns(mine[name]['from_object_ns'])}" for name in callbacks]
        parts.append(f"hash functions written in Python cost a call each: {', '.join(listed)}")
    return f"Hashing one {workload} key (ns per key, best run): " + "; ".join(parts) + "."


def structure_findings(rows: list[Row], options: Options, caches: dict[str, int]) -> dict[str, Finding]:
    return {
        "e": Finding(PLOTS["e"][1], scale_finding(rows, caches)),
        "f": Finding(PLOTS["f"][1], memory_finding(rows, options)),
        "g": Finding(PLOTS["g"][1], theory_finding(rows, options)),
        "overhead": Finding("Binding overhead", overhead_finding(rows, options)),
    }
