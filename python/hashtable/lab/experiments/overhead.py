"""The binding's overhead (no plot): a successful lookup from Python against the same
lookup natively, per strategy, on the grid's rows (reference hash, first workload)."""

from __future__ import annotations

from typing import Any

from ..experiment import Experiment
from ..plan import Options
from ..rows import in_experiment, is_dict
from ..sentences import NO_DATA, fmt_ns, plain

Row = dict[str, Any]


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


EXPERIMENT = Experiment(
    "overhead",
    title="Binding overhead",
    baseline="the same lookups natively (the structure alone); dict from Python",
    finding=lambda results: overhead_finding(results.rows, results.options),
)
