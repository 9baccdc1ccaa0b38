"""Hash flooding, measured: insert N distinct int keys that are all multiples
of 2**20 (so Python's hash, which is the int itself, has 20 zero low bits).

    .venv/bin/python scripts/flood_bench.py            # N = 10^5
    .venv/bin/python scripts/flood_bench.py --n 20000 --all

The default configuration (index="fibonacci") multiplies every hash bit into
the bucket number, so these keys spread. index="mod" with the power-of-two
sizes that doubling from 4 produces looks only at the low bits: every key
lands in bucket 0 and each insert walks every key before it (quadratic). A
constant hash_func is the same disaster whatever the index, because equal
hashes cannot be told apart at all. hash_func="siphash13" re-hashes each key
with a per-table random key, so an attacker cannot choose colliding keys.

This is a benchmark, not a test: it prints seconds and asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import hashtable


def constant_hash(_key: object) -> int:
    return 42


def timed(label: str, build: Callable[[], Any], keys: list[int]) -> float:
    table = build()
    started = time.perf_counter()
    for key in keys:
        table[key] = key
    elapsed = time.perf_counter() - started
    extra = ""
    if isinstance(table, hashtable.HashTable):
        stats = table.stats()
        extra = f"  size={stats['size']} longest_chain={stats['longest_chain']} mean_probe={stats['mean_probe']:.1f}"
    print(f"{label:<48} {len(keys):>7} keys  {elapsed:8.3f} s{extra}", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="keys to insert")
    parser.add_argument(
        "--all",
        action="store_true",
        help="also every strategy under index='mod', hash_func='siphash13', a constant hash_func",
    )
    args = parser.parse_args()
    keys = [i << 20 for i in range(args.n)]

    timed("dict", dict, keys)
    timed("HashTable() (default: chaining, fibonacci)", hashtable.HashTable, keys)
    timed('HashTable(index="mod")', lambda: hashtable.HashTable(index="mod"), keys)
    if not args.all:
        return
    for strategy in hashtable.STRATEGIES:
        timed(
            f'HashTable(strategy="{strategy}")',
            lambda s=strategy: hashtable.HashTable(strategy=s),
            keys,
        )
        timed(
            f'HashTable(strategy="{strategy}", index="mod")',
            lambda s=strategy: hashtable.HashTable(strategy=s, index="mod"),
            keys,
        )
    if "siphash13" in hashtable.HASH_FUNCTIONS:
        timed(
            'HashTable(index="mod", hash_func="siphash13")',
            lambda: hashtable.HashTable(index="mod", hash_func="siphash13"),
            keys,
        )
    small = keys[: max(1, args.n // 10)]
    timed("HashTable(hash_func=<constant>) [N/10 keys]", lambda: hashtable.HashTable(hash_func=constant_hash), small)
    if "siphash13" in hashtable.HASH_FUNCTIONS:
        timed(
            'HashTable(hash_func="siphash13") [N/10 keys]',
            lambda: hashtable.HashTable(hash_func="siphash13"),
            small,
        )


if __name__ == "__main__":
    main()
