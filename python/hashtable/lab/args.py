"""The command line, parsed and checked into `Options` (no rich, no matplotlib here).

Every mistake in the request (an unknown name, a hash that will not import, a
--keys file that cannot be read) raises LabError with one line, before any
measuring; cli.py prints it and exits with its status.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TypeVar

import hashtable

from . import plan as defaults
from .equality import SEMANTICS
from .errors import LabError
from .experiments.scale import SCALE_LIMIT_QUICK
from .hashes import builtin_choices, hash_names, resolve_hashes
from .noise import MIN_RUNS
from .plan import VIEWS, Options
from .user_keys import KeysFile
from .workloads import DESCRIPTIONS, WORKLOADS

PROG = "hashtable-lab"


class _Parser(argparse.ArgumentParser):
    """argparse, but its complaints become one-line LabErrors."""

    def error(self, message: str) -> NoReturn:
        raise LabError(message)


def _parser() -> argparse.ArgumentParser:
    workloads = "; ".join(f"{name}: {text}" for name, text in DESCRIPTIONS.items())
    hashes = "; ".join(f"{choice.name}: {choice.description}" for choice in builtin_choices())
    parser = _Parser(
        prog=PROG,
        description="Measure HashTable configurations, from Python beside dict and natively (the "
        "structure alone), and write a report (terminal table, results.csv, results.json, PNG "
        "plots, index.html).",
        epilog=f"Lists take several values, space- or comma-separated. Workloads: {workloads}. "
        f"Hash functions: {hashes}.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {hashtable.__version__}")
    parser.add_argument("--workload", nargs="+", metavar="W", help="default: names (or only --keys)")
    parser.add_argument(
        "--keys",
        metavar="FILE",
        help="your own keys: one str per line, or a CSV column with --column; "
        "duplicates are dropped, a third is kept apart for failed lookups",
    )
    parser.add_argument("--column", metavar="NAME", help="with --keys: the CSV column holding the keys")
    parser.add_argument("--int", action="store_true", help="with --keys: parse every key as an int")
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
        help=f"timed runs per configuration and view, at least {MIN_RUNS}: the best is reported and "
        f"the spread decides what differs (default {defaults.DEFAULT_REPEAT}, --quick {defaults.QUICK_REPEAT})",
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="SECONDS",
        help="stop repeating a configuration once "
        f"its runs took this long (default {defaults.DEFAULT_BUDGET_S:g}, "
        f"--quick {defaults.QUICK_BUDGET_S:g})",
    )
    parser.add_argument(
        "--scale",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"the scale sweep: every strategy on random ints from 10^3 to 10^6 keys (x4 steps), past "
        f"the CPU caches (default on; --quick stops at {SCALE_LIMIT_QUICK:,})",
    )
    parser.add_argument("--big", action="store_true", help="take the scale sweep to 10^7 keys")
    equality = "; ".join(f"{s.workload}: {s.description}, in HashTable({s.label})" for s in SEMANTICS.values())
    parser.add_argument(
        "--equality",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"the equality experiment, n keys of each of its workloads in every strategy, beside the pure-Python "
        f"mapping with the same semantics and a dict on keys transformed beforehand (default on). {equality}",
    )
    parser.add_argument(
        "--scale-budget",
        type=float,
        metavar="SECONDS",
        help=f"stop the scale sweep before a point that would end past this (default "
        f"{defaults.DEFAULT_SCALE_BUDGET_S:g}, --quick {defaults.QUICK_SCALE_BUDGET_S:g})",
    )
    parser.add_argument(
        "--view",
        choices=VIEWS,
        default="native",
        help="what the strategy plots (b) and (d) draw: the structure alone (native, default) or the time from Python",
    )
    parser.add_argument("--wide", action="store_true", help="every column in the terminal table (about 200 wide)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default="lab-report", help="output folder (default lab-report/)")
    parser.add_argument("--quick", action="store_true", help="small sizes: done in seconds")
    return parser


def _strategies() -> tuple[str, ...]:
    return tuple(hashtable.STRATEGIES)


def _indexes() -> tuple[str, ...]:
    return tuple(hashtable.INDEXES)


def _default_index() -> str:
    """The table's own default index."""
    return str(hashtable.HashTable().index)


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


def _keys_file(args: argparse.Namespace) -> KeysFile | None:
    if args.keys is None:
        if args.column is not None or args.int:
            raise LabError("--column and --int need --keys FILE")
        return None
    return KeysFile(Path(args.keys), args.column, bool(args.int))


def parse_options(argv: Sequence[str]) -> Options:
    """Check the whole request; raises LabError with a one-line message."""
    args = _parser().parse_args(list(argv))
    quick = bool(args.quick)
    keys_file = _keys_file(args)
    default_workloads = (keys_file.name,) if keys_file is not None else ("names",)
    workloads = _choose("workload", _split(args.workload), WORKLOADS, default_workloads)
    if keys_file is not None and keys_file.name not in workloads:
        workloads = (keys_file.name, *workloads)
    strategies = _choose("strategy", _split(args.strategy), _strategies(), _strategies())
    indexes = _choose("index", _split(args.index), _indexes(), (_default_index(),))
    hashes = tuple(resolve_hashes(_split(args.hash)))
    max_loads = _numbers("--max-load", _split(args.max_load), float)
    sizes = _numbers("--size", _split(args.size), int)
    n = int(_positive("--n", args.n, defaults.QUICK_N if quick else defaults.DEFAULT_N))
    repeat = int(_positive("--repeat", args.repeat, defaults.QUICK_REPEAT if quick else defaults.DEFAULT_REPEAT))
    if repeat < MIN_RUNS:
        raise LabError(f"--repeat must be at least {MIN_RUNS}: the spread of the runs decides what differs")
    budget = float(_positive("--budget", args.budget, defaults.QUICK_BUDGET_S if quick else defaults.DEFAULT_BUDGET_S))
    scale_default = defaults.QUICK_SCALE_BUDGET_S if quick else defaults.DEFAULT_SCALE_BUDGET_S
    scale_budget = float(_positive("--scale-budget", args.scale_budget, scale_default))
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
        keys_file=keys_file,
        n_given=args.n is not None,
        scale=bool(args.scale),
        big=bool(args.big),
        scale_budget_s=scale_budget,
        view=args.view,
        wide=bool(args.wide),
        equality=bool(args.equality),
    )
