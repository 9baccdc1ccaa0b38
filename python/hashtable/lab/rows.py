"""Results as flat rows: one per configuration (and per dict baseline), units in names.

The same rows feed results.csv, results.json, the terminal table, the HTML table,
the plots and the findings, so every number a reader sees comes from one place.
Every timed cell is three columns: `x_ns` (the best run), `x_median_ns` and
`x_spread` ((median - best) / best); noise.py decides from them what differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .measure import OPERATIONS
from .noise import Cell, differs
from .runner import HashCost, LabRun, Result

Row = dict[str, Any]

_TIMED = [
    column
    for operation in OPERATIONS
    for column in (f"{operation}_ns", f"{operation}_median_ns", f"{operation}_spread", f"{operation}_ratio_to_dict")
]
_NATIVE = [
    column
    for operation in OPERATIONS
    for column in (f"native_{operation}_ns", f"native_{operation}_median_ns", f"native_{operation}_spread")
]

COLUMNS: tuple[str, ...] = (
    "experiment",
    "workload",
    "n",
    "hash",
    "strategy",
    "semantics",
    "index",
    "max_load",
    "initial_size",
    "runs",
    *_TIMED,
    *_NATIVE,
    *(f"{operation}_overhead_ns" for operation in OPERATIONS),
    "hash_from_object_ns",
    "hash_native_ns",
    "resizes",
    "hash_calls",
    "comparisons",
    "final_size",
    "load_factor",
    "longest_chain",
    "mean_probe",
    "probe_hit",
    "probe_hit_se",
    "probe_hit_first",
    "probe_miss",
    "probe_miss_se",
    "expected_probe_hit",
    "expected_probe_miss",
    "empty_bucket_share",
    "chi_squared_p",
    "memory_bytes",
    "bytes_per_entry",
)

# What each column means, for results.json and the HTML page.
COLUMN_HELP: dict[str, str] = {
    "experiment": "which part of the run used this row: grid, max_load, n, size, scale, equality (joined by +)"
    ", or dict for the baseline",
    "strategy": "the HashTable's collision strategy; dict for the baseline; or, in the equality experiment, "
    "the pure-Python mapping a user writes by hand for the same semantics (CaseFoldDict, IdentityDict)",
    "semantics": "the table's key= or eq= (equality experiment); empty for Python's own ==. That experiment's "
    "dict baseline gets keys transformed beforehand (folded, or replaced by their id())",
    "n": "keys inserted, looked up and deleted",
    "initial_size": "buckets (or slots) asked for at construction",
    "runs": "timed runs of each view",
    "insert_ns": "from Python: ns per insert (t[k] = v) of a new key, resizes included; best run",
    "lookup_hit_ns": "from Python: ns per successful lookup (t[k]); best run",
    "lookup_miss_ns": "from Python: ns per failed lookup (k in t, k absent); best run",
    "delete_ns": "from Python: ns per delete (del t[k]); best run",
    "insert_median_ns": "the median run (likewise for the other operations)",
    "insert_spread": "(median - best) / best over the runs (likewise for the other operations)",
    "insert_ratio_to_dict": "insert_ns divided by dict's on the same keys (1 = as fast as dict)",
    "native_insert_ns": "the structure alone: ns per insert in a Rust loop over the core table, keys "
    "hashed in advance (likewise native_lookup_hit, native_lookup_miss, native_delete); "
    "empty for dict, whose C code cannot be timed without the interpreter",
    "insert_overhead_ns": "binding overhead: insert_ns - native_insert_ns, the interpreter loop, "
    "the binding and the hash call (likewise for the other operations)",
    "hash_from_object_ns": "ns per key to hash the keys from their Python objects (key conversion "
    "or the call into Python included)",
    "hash_native_ns": "ns per key for a named native hash on the keys' canonical bytes alone",
    "resizes": "resizes while inserting the n keys",
    "hash_calls": "hash function calls while inserting the n keys",
    "comparisons": "key equality checks while inserting the n keys",
    "final_size": "buckets (or slots) after the inserts",
    "load_factor": "keys per bucket (or slot) after the inserts",
    "longest_chain": "longest chain (chaining) or longest probe sequence (open addressing)",
    "mean_probe": "mean entries or slots a successful lookup visits",
    "probe_hit": "measured: mean entries or slots visited per successful lookup, over every key",
    "probe_hit_se": "standard error of probe_hit (the visits' standard deviation / sqrt(n))",
    "probe_hit_first": "measured: the share of successful lookups that ended at the first entry or slot "
    "(the key's home; the fewest visits any hit made)",
    "probe_miss": "measured: mean entries or slots visited per failed lookup, over every absent key",
    "probe_miss_se": "standard error of probe_miss",
    "expected_probe_hit": "the textbook expectation at this load (Knuth for linear probing, "
    "1 + load/2 for chaining, the model in each strategy's source for the others)",
    "expected_probe_miss": "the textbook expectation for a failed lookup at this load",
    "empty_bucket_share": "fraction of buckets (or slots) holding nothing",
    "chi_squared_p": "p-value of home buckets against a uniform spread (tiny = clumped)",
    "memory_bytes": "sys.getsizeof(t): the table's own storage, keys and values not counted",
    "bytes_per_entry": "memory_bytes / n",
}


def _ratio(value: float, base: float | None) -> float | None:
    if base is None or base <= 0:
        return None
    return round(value / base, 3)


def _put_cell(row: Row, stem: str, runs: list[float]) -> Cell:
    cell = Cell.of(runs)
    row[f"{stem}_ns"] = round(cell.best, 2)
    row[f"{stem}_median_ns"] = round(cell.median, 2)
    row[f"{stem}_spread"] = round(cell.spread, 4)
    return cell


def make_row(result: Result, base: Result | None, cost: HashCost | None = None) -> Row:
    """The row for one result; `base` is the dict baseline on the same keys."""
    timing, config = result.timing, result.config
    row: Row = dict.fromkeys(COLUMNS)
    row.update(
        experiment="+".join(result.experiments),
        workload=result.workload,
        n=result.n,
        runs=timing.runs,
        memory_bytes=timing.memory_bytes,
        bytes_per_entry=round(timing.memory_bytes / result.n, 2) if result.n else None,
    )
    for operation in OPERATIONS:
        python = _put_cell(row, operation, timing.samples[operation])
        base_value = min(base.timing.samples[operation]) if base is not None else None
        row[f"{operation}_ratio_to_dict"] = _ratio(python.best, base_value)
        if result.native is not None and result.native[operation]:
            native = _put_cell(row, f"native_{operation}", result.native[operation])
            row[f"{operation}_overhead_ns"] = round(python.best - native.best, 2)
    row["semantics"] = result.semantics
    if config is None:
        row.update(hash="python", strategy=result.mapping, index="")
        return row
    row.update(
        hash=config.hash,
        strategy=config.strategy,
        index=config.index,
        max_load=config.max_load,
        initial_size=config.size,
    )
    if cost is not None:
        row["hash_from_object_ns"] = round(min(cost.from_object), 2) if cost.from_object else None
        row["hash_native_ns"] = round(min(cost.canonical), 2) if cost.canonical else None
    stats = timing.stats
    for name in ("resizes", "hash_calls", "comparisons", "final_size", "longest_chain"):
        row[name] = stats.get(name)
    for name, digits in (("load_factor", 4), ("mean_probe", 3), ("empty_bucket_share", 4)):
        value = stats.get(name)
        row[name] = round(value, digits) if value is not None else None
    p_value = stats.get("chi_squared_p")
    row["chi_squared_p"] = float(f"{p_value:.3g}") if p_value is not None else None
    if result.probes is not None:
        probes = result.probes
        for name in ("probe_hit", "probe_hit_se", "probe_hit_first", "probe_miss", "probe_miss_se"):
            row[name] = round(getattr(probes, name.removeprefix("probe_")), 4)
        row["expected_probe_hit"] = round(probes.expected_hit, 4)
        row["expected_probe_miss"] = round(probes.expected_miss, 4)
    row["chain_histogram"] = stats.get("histogram", {})
    return row


def build_rows(lab: LabRun) -> list[Row]:
    """Every result as a row; dict baselines first."""
    rows = []
    for result in lab.results:
        base = lab.baseline(result.workload, result.n)
        cost = lab.hash_cost(result.workload, result.config.hash) if result.config is not None else None
        rows.append(make_row(result, base, cost))
    return rows


def in_experiment(rows: Iterable[Row], experiment: str) -> list[Row]:
    return [row for row in rows if experiment in str(row["experiment"]).split("+")]


def is_dict(row: Row) -> bool:
    return bool(row["strategy"] == "dict")


def hash_cost_rows(lab: LabRun) -> list[Row]:
    """One row per (workload, hash function): ns per key from the object and natively."""
    rows = []
    for cost in lab.hash_costs:
        from_object = Cell.of(cost.from_object)
        native = Cell.of(cost.canonical) if cost.canonical else None
        rows.append(
            {
                "workload": cost.workload,
                "hash": cost.hash,
                "from_object_ns": round(from_object.best, 2),
                "from_object_spread": round(from_object.spread, 4),
                "native_ns": round(native.best, 2) if native else None,
                "native_spread": round(native.spread, 4) if native else None,
                "conversion_ns": round(from_object.best - native.best, 2) if native else None,
                "conversion_measurable": differs(from_object, native) if native else None,
            }
        )
    return rows


# name -> [(x, cell), ...] sorted by x: what a plot draws as one line per name
Series = dict[str, list[tuple[float, Cell]]]


def sort_series(series: Series) -> Series:
    return {name: sorted(points, key=lambda point: point[0]) for name, points in series.items()}
