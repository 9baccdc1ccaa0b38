"""`t[k]` with each named native hash beside dict and Python's own hash, from Python.

    .venv/bin/python scripts/bench_named_hashes.py [--strategy swiss] [--rounds 15]
    .venv/bin/python scripts/bench_named_hashes.py --callgrind [--hash-func xxh3 foldhash]

1,000 str keys of 17 characters; each table takes its turn in every round, and
each keeps its quickest round (other processes only ever add time). Prints ns
per `t[k]` and the ratio to dict. `seed` (a str's length) puts every key of one
length in one bucket: it is there to show that, not to be fast.

`--callgrind` counts instructions instead of timing, as
`callgrind_lookup.py` does: each table runs twice under callgrind, with 0 and
with `--passes` passes over the keys, and the difference per `t[k]` is the
cost of one loop iteration, interpreter included. The counts repeat on a
busy machine, where the times do not.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import timeit
from typing import Any

import hashtable

KEYS = [f"key-number-{i:06d}" for i in range(1000)]


def make(name: Any, strategy: Any) -> Any:
    if name == "dict":
        return dict.fromkeys(KEYS, 1)
    table: Any = hashtable.HashTable(hash_func=None if name == "python" else name, strategy=strategy)
    table.update(dict.fromkeys(KEYS, 1))
    return table


def lookups(table: Any, keys: list[str]) -> None:
    for key in keys:
        table[key]


def child(name: str, strategy: str, passes: int) -> None:
    table = make(name, strategy)
    for _ in range(passes):
        lookups(table, KEYS)


def per_lookup(name: str, strategy: str, passes: int) -> float:
    import callgrind_count  # noqa: PLC0415 (beside this script; only this mode needs it)

    def counted(passes: int) -> int:
        command = [sys.executable, __file__, "--child", name, strategy, str(passes)]
        return callgrind_count.instructions(command, env={**os.environ, "PYTHONHASHSEED": "0"})

    return (counted(passes) - counted(0)) / (passes * len(KEYS))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        name, strategy, passes = sys.argv[2:5]
        child(name, strategy, int(passes))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategy", default="swiss", choices=hashtable.STRATEGIES)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--callgrind", action="store_true", help="count instructions under callgrind")
    parser.add_argument("--passes", type=int, default=20, help="passes over the keys per callgrind run")
    parser.add_argument(
        "--hash-func",
        nargs="+",
        default=list(hashtable.HASH_FUNCTIONS),
        choices=hashtable.HASH_FUNCTIONS,
        help="which hash functions (dict is always measured)",
    )
    args = parser.parse_args()
    names = ["dict", *args.hash_func]
    if args.callgrind:
        baseline = per_lookup("dict", args.strategy, args.passes)
        for name in names:
            cost = baseline if name == "dict" else per_lookup(name, args.strategy, args.passes)
            print(f"{name:10s} {cost:7.1f} instructions  {cost / baseline:6.2f}x dict", flush=True)
        return
    tables = {name: make(name, args.strategy) for name in names}
    best = dict.fromkeys(tables, float("inf"))
    for _ in range(args.rounds):
        for name, table in tables.items():
            seconds = timeit.timeit(functools.partial(lookups, table, KEYS), number=20)
            best[name] = min(best[name], seconds / 20 / len(KEYS) * 1e9)
    for name, ns in best.items():
        print(f"{name:10s} {ns:7.1f} ns  {ns / best['dict']:6.2f}x dict")


if __name__ == "__main__":
    main()
