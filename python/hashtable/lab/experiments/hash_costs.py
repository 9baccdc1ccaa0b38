"""What hashing a key costs (no plot): every hash function timed alone on each workload's
keys, from the Python object and, for the named native hashes, on the key's canonical
bytes; the difference is converting the key. Its jobs run in the shared rounds."""

from __future__ import annotations

from typing import Any

from ..experiment import Experiment, TextTable
from ..hashes import BUILTIN
from ..native import HashCostMeasurer
from ..plan import Options
from ..runner import Job, KeyChecks, Timed
from ..sentences import NO_DATA, fmt_ns
from ..workloads import Workload

Row = dict[str, Any]
COST_HEADINGS = ("workload", "hash", "from the object", "native, canonical bytes", "key conversion")


def hash_cost_finding(costs: list[Row], options: Options) -> str:
    """ns per key on the first workload: native hashes on canonical bytes and from the object."""
    workload = options.workloads[0]
    mine = {c["hash"]: c for c in costs if c["workload"] == workload}
    if not mine:
        return NO_DATA
    natives = {name: c for name, c in mine.items() if c["native_ns"] is not None}
    parts = []
    if BUILTIN in mine:
        parts.append(f"Python's own hash takes {fmt_ns(mine[BUILTIN]['from_object_ns'])} from the object")
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


def cost_table(costs: list[Row]) -> TextTable:
    lines = []
    for cost in costs:
        native = cost["native_ns"]
        lines.append(
            [
                cost["workload"],
                cost["hash"],
                f"{cost['from_object_ns']:,.1f}",
                "-" if native is None else f"{native:,.1f}",
                _conversion(cost),
            ]
        )
    return TextTable("What hashing a key costs (ns per key, best run)", COST_HEADINGS, lines, names=2)


def _conversion(cost: Row) -> str:
    if cost["conversion_ns"] is None:
        return "-"
    return f"{cost['conversion_ns']:,.1f}" if cost["conversion_measurable"] else "not measurable"


class HashCosts(Experiment):
    """Its jobs join the shared rounds."""

    def jobs(self, options: Options, workloads: dict[str, Workload], checks: KeyChecks) -> list[Job]:
        jobs = []
        for name in options.workloads:
            workload = workloads[name]
            for choice in options.hashes:
                if checks.bad_key(choice, workload) is None:
                    parts: list[Timed] = [HashCostMeasurer(choice, workload)]
                    jobs.append(Job(f"hash {choice.name} on {name}", parts, name, workload.n, ["hash"], kind="hash"))
        return jobs


EXPERIMENT = HashCosts(
    "hash_costs",
    title="Hash functions",
    baseline="the same hash on the key's canonical bytes; Python's own hash",
    finding=lambda results: hash_cost_finding(results.costs, results.options),
    tables=lambda results: [cost_table(results.costs)] if results.costs else [],
)
