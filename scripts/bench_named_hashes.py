"""`t[k]` with each named native hash beside dict and Python's own hash, from Python.

    .venv/bin/python scripts/bench_named_hashes.py [--strategy swiss] [--rounds 15]

1,000 str keys of 17 characters; each table takes its turn in every round, and
each keeps its quickest round (other processes only ever add time). Prints ns
per `t[k]` and the ratio to dict. `seed` (a str's length) puts every key of one
length in one bucket: it is there to show that, not to be fast.
"""

from __future__ import annotations

import argparse
import timeit
from typing import Any

import hashtable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategy", default="swiss", choices=hashtable.STRATEGIES)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    keys = [f"key-number-{i:06d}" for i in range(1000)]
    tables: dict[str, Any] = {"dict": dict.fromkeys(keys, 1)}
    for name in hashtable.HASH_FUNCTIONS:
        table = hashtable.HashTable(hash_func=None if name == "python" else name, strategy=args.strategy)
        table.update(dict.fromkeys(keys, 1))
        tables[name] = table

    def lookups(table: Any) -> None:
        for key in keys:
            table[key]

    best = dict.fromkeys(tables, float("inf"))
    for _ in range(args.rounds):
        for name, table in tables.items():
            seconds = timeit.timeit(lambda table=table: lookups(table), number=20)
            best[name] = min(best[name], seconds / 20 / len(keys) * 1e9)
    for name, ns in best.items():
        print(f"{name:10s} {ns:7.1f} ns  {ns / best['dict']:6.2f}x dict")


if __name__ == "__main__":
    main()
