"""`python -m hashtable.lab` / `hashtable-lab`: parse, check, measure, report.

Every mistake in the request (an unknown name, a hash that will not import, an
--out folder that cannot be written) ends the run before any measuring, with one
line on stderr and a non-zero exit status: 2 for a bad argument, 1 for a folder
the system refused.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import platform
import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn, TypeVar

import hashtable

from . import plan as defaults
from .console import make_console, print_report, progress_bar
from .errors import LabError
from .hashes import hash_names, resolve_hashes
from .plan import Options, build_plan, default_sizes
from .plots import draw_all
from .report import command_line, write_csv, write_html, write_json
from .rows import build_rows
from .runner import run_plan
from .workloads import DESCRIPTIONS, WORKLOADS, Workload, make_workload

PROG = "hashtable-lab"


class _Parser(argparse.ArgumentParser):
    """argparse, but its complaints become one-line LabErrors."""

    def error(self, message: str) -> NoReturn:
        raise LabError(message)


def _parser() -> argparse.ArgumentParser:
    workloads = "; ".join(f"{name}: {text}" for name, text in DESCRIPTIONS.items())
    parser = _Parser(
        prog=PROG,
        description="Measure HashTable configurations against dict and write a report "
        "(terminal table, results.csv, results.json, PNG plots, index.html).",
        epilog=f"Lists take several values, space- or comma-separated. Workloads: {workloads}.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {hashtable.__version__}")
    parser.add_argument("--workload", nargs="+", metavar="W", help="default: names")
    parser.add_argument(
        "--n",
        type=int,
        help=f"keys per workload (default {defaults.DEFAULT_N:,}, "
        f"--quick {defaults.QUICK_N:,}); names is capped by the identifiers the stdlib has",
    )
    parser.add_argument(
        "--hash",
        nargs="+",
        metavar="H",
        help=f"hash functions by name or module:function (default: all of {', '.join(hash_names())})",
    )
    parser.add_argument(
        "--strategy",
        nargs="+",
        metavar="S",
        help=f"collision strategies (default: all of {', '.join(_strategies())})",
    )
    parser.add_argument(
        "--index",
        nargs="+",
        metavar="I",
        help=f"bucket index functions, of {', '.join(_indexes())} (default: {_default_index()})",
    )
    parser.add_argument(
        "--max-load",
        nargs="+",
        metavar="F",
        help="max_load values; the first is used for "
        "the grid, all of them for plot (b) (default: "
        f"{' '.join(map(str, defaults.DEFAULT_MAX_LOADS))})",
    )
    parser.add_argument(
        "--size",
        nargs="+",
        metavar="N",
        help="initial sizes; the first is used for the grid, "
        "all of them for plot (d) (default: 4, then x8 up to a size that never resizes)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help=f"timed runs per configuration, best kept (default "
        f"{defaults.DEFAULT_REPEAT}, --quick {defaults.QUICK_REPEAT})",
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="SECONDS",
        help="stop repeating a configuration once "
        f"its runs took this long (default {defaults.DEFAULT_BUDGET_S:g}, "
        f"--quick {defaults.QUICK_BUDGET_S:g})",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default="lab-report", help="output folder (default lab-report/)")
    parser.add_argument("--quick", action="store_true", help="small sizes: done in seconds")
    return parser


def _strategies() -> tuple[str, ...]:
    return tuple(hashtable.STRATEGIES)


def _indexes() -> tuple[str, ...]:
    return tuple(getattr(hashtable, "INDEXES", ("mod", "mask", "fibonacci")))


def _default_index() -> str:
    return "fibonacci" if "fibonacci" in _indexes() else _indexes()[0]


def _split(values: Sequence[str] | None) -> list[str] | None:
    if values is None:
        return None
    items = [item.strip() for value in values for item in value.split(",")]
    return list(dict.fromkeys(item for item in items if item))


def _choose(kind: str, given: Sequence[str] | None, known: Sequence[str], default: Sequence[str]) -> tuple[str, ...]:
    if given is None:
        return tuple(default)
    for name in given:
        if name not in known:
            raise LabError(f"unknown {kind} {name!r}: choose from {', '.join(known)}")
    return tuple(given)


_Number = TypeVar("_Number", int, float)


def _numbers(flag: str, given: Sequence[str] | None, kind: type[_Number]) -> list[_Number]:
    if given is None:
        return []
    numbers: list[_Number] = []
    for text in given:
        try:
            value = kind(text)
        except ValueError:
            raise LabError(f"{flag}: {text!r} is not a valid {kind.__name__}") from None
        if not (math.isfinite(value) and value > 0):
            raise LabError(f"{flag}: {text!r} must be a positive number")
        numbers.append(value)
    return list(dict.fromkeys(numbers))


def _positive(flag: str, value: int | float | None, fallback: int | float) -> int | float:
    if value is None:
        return fallback
    if not value > 0:
        raise LabError(f"{flag} must be positive, got {value}")
    return value


def parse_options(argv: Sequence[str]) -> Options:
    """Check the whole request; raises LabError with a one-line message."""
    args = _parser().parse_args(list(argv))
    quick = bool(args.quick)
    workloads = _choose("workload", _split(args.workload), WORKLOADS, ("names",))
    strategies = _choose("strategy", _split(args.strategy), _strategies(), _strategies())
    indexes = _choose("index", _split(args.index), _indexes(), (_default_index(),))
    hashes = tuple(resolve_hashes(_split(args.hash)))
    max_loads = _numbers("--max-load", _split(args.max_load), float)
    sizes = _numbers("--size", _split(args.size), int)
    n = int(_positive("--n", args.n, defaults.QUICK_N if quick else defaults.DEFAULT_N))
    repeat = int(_positive("--repeat", args.repeat, defaults.QUICK_REPEAT if quick else defaults.DEFAULT_REPEAT))
    budget = float(_positive("--budget", args.budget, defaults.QUICK_BUDGET_S if quick else defaults.DEFAULT_BUDGET_S))
    return Options(
        workloads=workloads,
        n=n,
        hashes=hashes,
        strategies=strategies,
        indexes=indexes,
        max_loads=tuple(max_loads) or defaults.DEFAULT_MAX_LOADS,
        sizes=tuple(sizes),  # empty: chosen from n once the workload is known
        repeat=repeat,
        budget_s=budget,
        seed=args.seed,
        out=Path(args.out),
        quick=quick,
        argv=tuple(argv),
    )


def prepare_out(out: Path) -> None:
    """Create `out` and prove it can be written, before any time is spent measuring."""
    probe = out / f".hashtable-lab-write-test-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LabError(f"cannot write to --out folder {str(out)!r}: {reason}", 1) from None


def _load_workloads(options: Options) -> dict[str, Workload]:
    console = make_console(stderr=True)
    status = (
        console.status("reading identifiers from the standard library (cached after)")
        if "names" in options.workloads
        else nullcontext()
    )
    with status:
        return {name: make_workload(name, options.n, options.seed) for name in options.workloads}


def run(options: Options) -> int:
    """Measure, then write every output and print the table."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    began = time.perf_counter()
    workloads = _load_workloads(options)
    notes = [workload.note for workload in workloads.values() if workload.note]
    first_n = workloads[options.workloads[0]].n
    if not options.sizes:
        options = dataclasses.replace(options, sizes=default_sizes(first_n, options.max_loads[0]))
    plan = build_plan(options, {name: workload.n for name, workload in workloads.items()})
    with progress_bar(make_console(stderr=True), plan.count()) as advance:
        lab = run_plan(options, workloads, plan, advance)
    rows = build_rows(lab)
    out = options.out
    try:
        plots = draw_all(rows, options, out)
        seconds = time.perf_counter() - began
        meta = {
            "command": command_line(options.argv),
            "argv": list(options.argv),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "started": started,
            "seconds": round(seconds, 2),
            "parameters": _parameters(options),
            "notes": notes,
        }
        write_csv(out / "results.csv", rows)
        write_json(out / "results.json", rows, lab.failures, plots, meta)
        write_html(out / "index.html", rows, lab.failures, options, plots, meta, notes)
    except OSError as exc:
        raise LabError(f"cannot write the report to {str(out)!r}: {exc}", 1) from None
    print_report(make_console(), rows, lab.failures, options, plots, notes, seconds)
    return 0


def _parameters(options: Options) -> dict[str, object]:
    return {
        "workloads": list(options.workloads),
        "n": options.n,
        "hashes": [
            {"name": choice.name, "origin": choice.origin, "description": choice.description}
            for choice in options.hashes
        ],
        "strategies": list(options.strategies),
        "indexes": list(options.indexes),
        "max_loads": list(options.max_loads),
        "sizes": list(options.sizes),
        "repeat": options.repeat,
        "budget_s": options.budget_s,
        "seed": options.seed,
        "quick": options.quick,
        "reference_hash": options.reference_hash,
        "reference_strategy": options.reference_strategy,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m hashtable.lab` and the `hashtable-lab` command."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        options = parse_options(args)
        prepare_out(options.out)
        return run(options)
    except LabError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
