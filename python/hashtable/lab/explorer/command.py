"""`python -m hashtable.lab explore` and `hashtable.lab.explore(keys, ...)`: write explore.html.

Every chosen strategy runs the same operations on the same keys (the engine
records each run), and one page shows them side by side, kept in step.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import hashtable

from ..errors import LabError
from ..hashes import resolve_hashes
from ..user_keys import KeysFile, read_keys, split_keys
from ..workloads import Workload, make_workload
from .page import write_page
from .recording import Op, default_ops, insert_ops, recorder, trace
from .schema import Trace

PROG = "hashtable-lab explore"
DEFAULT_N = 200
DEFAULT_STRATEGIES = ("linear", "robin_hood", "swiss")
OPS = ("mixed", "insert")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise LabError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Write explore.html: the engine's own record of each operation, replayed step by step, "
        "every chosen strategy side by side. One file; it opens from disk and loads nothing.",
    )
    parser.add_argument("--keys", metavar="FILE", help="your own keys: one str per line, or a CSV column with --column")
    parser.add_argument("--column", metavar="NAME", help="with --keys: the CSV column holding the keys")
    parser.add_argument("--int", action="store_true", help="with --keys: parse every key as an int")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"keys to insert (default {DEFAULT_N})")
    parser.add_argument(
        "--strategy", nargs="+", metavar="S", help=f"strategies side by side (default {' '.join(DEFAULT_STRATEGIES)})"
    )
    parser.add_argument("--size", type=int, default=8, help="initial size in buckets (default 8)")
    parser.add_argument("--max-load", type=float, default=0.5, help="max_load (default 0.5)")
    parser.add_argument("--growth", type=float, default=2.0, help="growth factor on resize (default 2)")
    parser.add_argument("--hash", metavar="H", help="hash function by name or module:function (default python)")
    parser.add_argument("--index", metavar="I", help="bucket index function (default: the table's)")
    parser.add_argument(
        "--ops",
        default="mixed",
        help="mixed (default: insert every key, look up present and absent keys, delete every third and insert "
        "it again), insert (inserts only), or a FILE of lines 'set KEY', 'get KEY', 'del KEY'",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed for the key order (default 0)")
    parser.add_argument("--out", default="explore.html", help="the page to write (default explore.html)")
    return parser


def _ops_file(path: Path, as_int: bool) -> list[Op]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabError(f"--ops {path}: cannot read it: {exc.strerror or type(exc).__name__}") from None
    ops: list[Op] = []
    for number, line in enumerate(lines, 1):
        name, _, text = line.strip().partition(" ")
        if not name:
            continue
        if name not in ("set", "get", "del") or not text:
            raise LabError(f"--ops {path}, line {number}: expected 'set KEY', 'get KEY' or 'del KEY'")
        try:
            key: Hashable = int(text) if as_int else text
        except ValueError:
            raise LabError(f"--ops {path}, line {number}: {text!r} is not an int (--int)") from None
        ops.append((name, key, number) if name == "set" else (name, key))
    return ops


def build_ops(keys: Sequence[Hashable], missing: Sequence[Hashable], mode: str) -> list[Op]:
    if mode == "mixed":
        return default_ops(keys, missing)
    if mode == "insert":
        return insert_ops(keys)
    raise LabError(f"--ops {mode!r}: choose mixed, insert, or give a file")


def explore(
    keys: Iterable[Hashable] | None = None,
    *,
    ops: Sequence[Op] | str = "mixed",
    strategies: Sequence[str] = DEFAULT_STRATEGIES,
    size: int = 8,
    max_load: float = 0.5,
    growth: float = 2.0,
    hash_func: Callable[[Any], object] | str | None = None,
    index: str | None = None,
    n: int = DEFAULT_N,
    seed: int = 0,
    out: str | Path = "explore.html",
    title: str = "hashtable explorer",
) -> Path:
    """Write the explorer page for `keys` (default: standard-library identifiers) and return its path.

    The first `n` distinct keys are used (two thirds inserted, one third kept apart for
    failed lookups); `ops` is "mixed", "insert", or your own list of ("set", k, v),
    ("get", k) and ("del", k).
    """
    for strategy in strategies:
        if strategy not in hashtable.STRATEGIES:
            raise LabError(f"unknown strategy {strategy!r}: choose from {', '.join(hashtable.STRATEGIES)}")
    if n <= 0 or size <= 0:
        raise LabError("n and size must be positive")
    if isinstance(ops, str):
        if keys is None:
            workload = make_workload("names", n, seed)
        else:
            workload = split_keys("keys", list(dict.fromkeys(keys))[: n + n // 2], seed, "explore(keys=...)")
        ops = build_ops(workload.keys[:n], workload.missing, ops)
    traces: list[Trace] = [
        trace(ops, strategy=s, size=size, max_load=max_load, growth=growth, hash_func=hash_func, index=index)
        for s in dict.fromkeys(strategies)
    ]
    path = Path(out)
    try:
        return write_page(traces, path, title)
    except OSError as exc:
        raise LabError(f"cannot write {str(path)!r}: {exc.strerror or type(exc).__name__}", 1) from None


# The lab report's explorer page: this many keys of its first workload.
LAB_KEYS = 200
LAB_PAGE = "explore.html"


def lab_page(out: Path, workload: Workload, strategies: Sequence[str], hash_func: object) -> str | None:
    """Write the lab report's explorer page into `out`; its file name, or None in a build
    whose engine does not record traces."""
    if recorder() is None:
        return None
    keys = workload.keys[:LAB_KEYS]
    ops = default_ops(keys, workload.missing[: LAB_KEYS // 2])
    func = hash_func if callable(hash_func) or isinstance(hash_func, str) else None
    explore(
        ops=ops, strategies=strategies, hash_func=func, out=out / LAB_PAGE, title=f"hashtable explorer: {workload.name}"
    )
    return LAB_PAGE


def main(argv: Sequence[str]) -> int:
    try:
        args = _parser().parse_args(list(argv))
        hash_func = resolve_hashes([args.hash])[0].hash_func if args.hash else None
        keys: list[Hashable] | None = None
        ops: Sequence[Op] | str = args.ops
        spec = KeysFile(Path(args.keys), args.column, bool(args.int)) if args.keys else None
        if spec is None and (args.column or args.int) and args.ops in OPS:
            raise LabError("--column and --int need --keys FILE")
        if spec is not None:
            keys = read_keys(spec)
        if args.ops not in OPS:
            ops = _ops_file(Path(args.ops), bool(args.int))
        path = explore(
            keys,
            ops=ops,
            strategies=tuple(args.strategy or DEFAULT_STRATEGIES),
            size=args.size,
            max_load=args.max_load,
            growth=args.growth,
            hash_func=hash_func,
            index=args.index,
            n=args.n,
            seed=args.seed,
            out=args.out,
        )
    except LabError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"wrote {path} ({path.stat().st_size:,} bytes): open it in a browser")
    return 0
