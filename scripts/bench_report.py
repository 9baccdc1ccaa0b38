#!/usr/bin/env python3
"""Turn criterion's results for the `strategies` bench into BENCHMARKS.md.

Reads every ``<criterion dir>/**/new/benchmark.json`` with its ``estimates.json``
(written by ``cargo bench -p hashtable-core --bench strategies``), and writes a
Markdown report: for each operation, one row per table kind and one column per
size, each cell our time divided by hashbrown's on the same keys with the same
hash function. Standard library only.

The time of a benchmark is, by default, its fastest sample (per iteration, from
``sample.json``): on a machine shared with other work, interference only ever
adds time, so the fastest sample is the one least disturbed. ``--estimator
median`` uses criterion's median instead.

Usage: python3 scripts/bench_report.py [--criterion-dir DIR] [--output FILE]
                                       [--estimator fastest|median]
                                       [--command "the command that ran the bench"]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import markdown_block

BASELINE = "hashbrown"
OPERATIONS = ("insert", "lookup_hit", "lookup_miss", "delete")
OPERATION_TITLES = {
    "insert": "Insert n keys into an empty table (resizes included)",
    "lookup_hit": "Look up each of the n stored keys",
    "lookup_miss": "Look up n keys that are not stored",
    "delete": "Delete every key from a full table",
}

HASH_KEY_ORDER = {"hash:int": 0, "hash:str20": 1, "hash:bytes256": 2}
HASH_NAME_ORDER = {
    name: i for i, name in enumerate(("seed", "knuth", "fnv1a", "murmur3", "siphash13", "xxh3", "foldhash"))
}

ESTIMATOR_TEXT = {
    "fastest": "Each time is the fastest of the benchmark's criterion samples (per iteration): other "
    "processes on a shared machine only ever add time, so the fastest sample is the least disturbed.",
    "median": "Each time is criterion's median.",
}


@dataclass(frozen=True)
class Result:
    operation: str
    size: int
    table: str
    time_ns: float  # the chosen estimate, per iteration (n operations)
    median_ns: float
    fastest_ns: float
    ci_low_ns: float
    ci_high_ns: float

    @property
    def per_key_ns(self) -> float:
        return self.time_ns / self.size

    @property
    def relative_ci(self) -> float:
        """Half the width of the median's 95% confidence interval, relative."""
        return (self.ci_high_ns - self.ci_low_ns) / 2 / self.median_ns

    @property
    def interference(self) -> float:
        """How far the median sample is above the fastest one, relative."""
        return self.median_ns / self.fastest_ns - 1


def fastest_sample(sample_path: Path) -> float:
    sample = json.loads(sample_path.read_text())
    return min(time / iters for time, iters in zip(sample["times"], sample["iters"], strict=True))


def load_results(criterion_dir: Path, estimator: str = "fastest") -> tuple[list[Result], int]:
    """Every benchmark under `criterion_dir`, and how many passes ran.

    The directory may hold several complete runs (one criterion home per pass,
    e.g. `target/bench/pass1`, `target/bench/pass2`); each benchmark then keeps
    its quickest pass, the one the rest of the machine disturbed least.
    """
    runs: dict[tuple[str, int, str], list[Result]] = {}
    for meta_path in sorted(criterion_dir.glob("**/new/benchmark.json")):
        estimates_path = meta_path.with_name("estimates.json")
        if not estimates_path.exists():
            continue
        meta = json.loads(meta_path.read_text())
        operation, _, size = meta["group_id"].partition("/")
        if operation == "hash":
            # One call of a named hash function on one kind of key ("hash/int").
            operation, size = f"hash:{size}", "1"
        elif operation not in OPERATIONS or not size.isdigit():
            continue  # some other bench's results
        median = json.loads(estimates_path.read_text())["median"]
        interval = median["confidence_interval"]
        fastest = fastest_sample(meta_path.with_name("sample.json"))
        result = Result(
            operation=operation,
            size=int(size),
            table=meta["function_id"],
            time_ns=fastest if estimator == "fastest" else median["point_estimate"],
            median_ns=median["point_estimate"],
            fastest_ns=fastest,
            ci_low_ns=interval["lower_bound"],
            ci_high_ns=interval["upper_bound"],
        )
        runs.setdefault((result.operation, result.size, result.table), []).append(result)
    results = [min(passes, key=lambda r: r.time_ns) for passes in runs.values()]
    return results, max((len(passes) for passes in runs.values()), default=0)


def table_order(name: str) -> tuple[int, str]:
    """hashbrown first, then each strategy with its static variant after it."""
    if name == BASELINE:
        return (0, "")
    return (1, name)


def human_size(size: int) -> str:
    for divisor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if size >= divisor and size % divisor == 0:
            return f"{size // divisor}{suffix}"
    return str(size)


def machine() -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 0
    lines = [
        f"- CPU: {model}",
        f"- nproc: {cpus}",
        f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
    ]
    for label, argv in (("rustc", ["rustc", "--version"]), ("commit", ["git", "rev-parse", "--short", "HEAD"])):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        lines.append(f"- {label}: `{out}`")
    return lines


def provenance(command: str, machine_extra: tuple[str, ...] = ()) -> list[str]:
    """Where the numbers come from: the date, the command, the machine and its load."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"Produced on {datetime.date.today().isoformat()} by:",
        "",
        "```sh",
        command,
        "```",
        "",
        "Machine:",
        "",
        *machine(),
        *machine_extra,
        f"- load average (1, 5, 15 min) when the report was written: {load}",
    ]


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def render_hashes(hashes: list[Result]) -> list[str]:
    """ns per call of each named hash function, one column per key kind."""
    kinds = sorted({r.operation for r in hashes}, key=lambda op: HASH_KEY_ORDER.get(op, 99))
    names = sorted({r.table for r in hashes}, key=lambda n: HASH_NAME_ORDER.get(n, 99))
    by_key = {(r.operation, r.table): r for r in hashes}
    out = [
        "## Named hash functions",
        "",
        'ns per call of `NamedHash::hash` (what `hash_func="NAME"` costs per key,',
        "before any table work), on an int, a 20-character str and 256 bytes.",
        "",
        "| hash_func | " + " | ".join(kind.removeprefix("hash:") for kind in kinds) + " |",
        "| --- |" + " ---: |" * len(kinds),
    ]
    for name in names:
        cells = [f"{by_key[(kind, name)].time_ns:.1f}" if (kind, name) in by_key else "–" for kind in kinds]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def render(results: list[Result], command: str, estimator: str, passes: int = 1) -> str:
    hashes = [r for r in results if r.operation.startswith("hash:")]
    results = [r for r in results if not r.operation.startswith("hash:")]
    by_key = {(r.operation, r.size, r.table): r for r in results}
    sizes = sorted({r.size for r in results})
    tables = sorted({r.table for r in results}, key=table_order)
    ours = [t for t in tables if t != BASELINE]

    out = [
        "# Benchmarks: collision strategies against hashbrown",
        "",
        "Each cell is **our time ÷ hashbrown's time** for the same operation on the same",
        "random `u64` keys, with the same hash function (foldhash, fixed seed: our table is",
        "given `hash_one(key)` per operation, hashbrown computes the identical value through",
        "its `BuildHasher`). Below 1.00 means faster than hashbrown. The `hashbrown` row gives",
        "its own time per key. `NAME` rows dispatch through `Table<u64, u64>` (the",
        "`AnyStrategy` enum, chosen at run time and matched once per call, as the Python",
        "extension and the C library do); `NAME-static` rows name",
        "the concrete strategy type. Our tables count no probe visits (`Table::uncounted`,",
        "as the C library's; the Python extension's count them for `stats()`:",
        "`scripts/callgrind_core.py --counted` shows that cost in instructions).",
        "Our tables start at size 4 with the fibonacci index, at",
        "the `max_load` and growth each strategy recommends (`hashtable.STRATEGY_INFO`);",
        "hashbrown grows at 7/8 full.",
        "",
        "Lookups and deletes visit keys in a shuffled order. " + ESTIMATOR_TEXT[estimator],
        *(
            [f"The whole benchmark ran {passes} times; each cell uses the quickest of its {passes} passes."]
            if passes > 1
            else []
        ),
        "",
        *provenance(command),
        "",
    ]

    for operation in OPERATIONS:
        if not any(r.operation == operation for r in results):
            continue
        out += [f"## {operation}", "", OPERATION_TITLES[operation] + ".", ""]
        out.append("| table | " + " | ".join(human_size(s) for s in sizes) + " |")
        out.append("| --- |" + " ---: |" * len(sizes))
        for table in tables:
            cells = []
            for size in sizes:
                result = by_key.get((operation, size, table))
                base = by_key.get((operation, size, BASELINE))
                if result is None:
                    cells.append("–")
                elif table == BASELINE:
                    cells.append(f"{result.per_key_ns:.1f} ns/key")
                elif base is None:
                    cells.append(f"{result.per_key_ns:.1f} ns/key")
                else:
                    cells.append(f"{result.time_ns / base.time_ns:.2f}")
            out.append(f"| {table} | " + " | ".join(cells) + " |")
        out.append("")

    summary = []
    for table in ours:
        ratios = [
            by_key[(r.operation, r.size, table)].time_ns / r.time_ns
            for r in results
            if r.table == BASELINE and (r.operation, r.size, table) in by_key
        ]
        if ratios:
            summary.append((geometric_mean(ratios), table, len(ratios)))
    winners = []
    for operation in OPERATIONS:
        cells = []
        for size in sizes:
            base = by_key.get((operation, size, BASELINE))
            timed = [(by_key[(operation, size, t)].time_ns, t) for t in ours if (operation, size, t) in by_key]
            if base is None or not timed:
                cells.append("–")
                continue
            time_ns, table = min(timed)
            cells.append(f"{table} ({time_ns / base.time_ns:.2f})")
        if any(cell != "–" for cell in cells):
            winners.append(f"| {operation} | " + " | ".join(cells) + " |")
    if winners:
        out += [
            "## Fastest of ours",
            "",
            "The quickest of our tables in each cell, with its ratio to hashbrown.",
            "",
            "| operation | " + " | ".join(human_size(s) for s in sizes) + " |",
            "| --- |" + " --- |" * len(sizes),
            *winners,
            "",
        ]

    if summary:
        out += [
            "## Summary",
            "",
            "Geometric mean of each table's ratios over every operation and size.",
            "",
            "| table | geometric mean ratio | cells |",
            "| --- | ---: | ---: |",
        ]
        for mean, table, count in sorted(summary):
            out.append(f"| {table} | {mean:.2f} | {count} |")
        out.append("")

    if hashes:
        out += render_hashes(hashes)

    if results:
        ci = sorted(r.relative_ci for r in results)
        spread = sorted(r.interference for r in results)
        out += [
            "## Noise",
            "",
            f"{len(results)} table benchmarks. Half-width of the 95% confidence interval of the",
            f"median, relative to the median: {percent(ci[len(ci) // 2])} typical, {percent(ci[-1])} worst.",
            f"Median sample above the fastest: {percent(spread[len(spread) // 2])} typical,",
            f"{percent(spread[-1])} worst. The machine is shared with other work, so treat",
            "differences under about 20% between neighbouring cells as noise.",
            "",
        ]
    return "\n".join(out)


def percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def default_command() -> str:
    quick = os.environ.get("BENCH_QUICK", "")
    prefix = f"BENCH_QUICK={quick} " if quick else ""
    return f"{prefix}cargo bench -p hashtable-core --bench strategies && python3 scripts/bench_report.py"


def write_keeping_python_section(path: Path, report: str) -> None:
    """Write the report; the sections `make bench-python` and `make bench-c` wrote into the same file survive."""
    document = path.read_text() if path.exists() else ""
    blocks = [markdown_block.extract(document, name) for name in markdown_block.NAMES]
    kept = "".join(f"\n{block}\n" for block in blocks if block)
    path.write_text(f"{report}{kept}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--criterion-dir",
        type=Path,
        default=Path("target/criterion"),
        help="criterion's output directory, or a directory holding one per pass",
    )
    parser.add_argument("--output", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--estimator", choices=sorted(ESTIMATOR_TEXT), default="fastest")
    parser.add_argument("--command", default=None, help="the command line to record in the report")
    args = parser.parse_args(argv)

    results, passes = load_results(args.criterion_dir, args.estimator)
    if not any(r.table == BASELINE for r in results):
        print(f"no strategies benchmark results with a {BASELINE} baseline under {args.criterion_dir}", file=sys.stderr)
        return 1
    write_keeping_python_section(
        args.output, render(results, args.command or default_command(), args.estimator, passes)
    )
    print(f"wrote {args.output} from {len(results)} benchmarks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
