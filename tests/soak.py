"""Soak test: millions of random operations on HashTables and dicts, compared
after every operation, for every strategy and several hash functions, then the
threaded workload at full size for every strategy.

    .venv/bin/python tests/soak.py                # 10^6 operations (the default)
    .venv/bin/python tests/soak.py --ops 5000000 --seed 7 --thread-ops 100000

Exits non-zero on the first disagreement, printing the seed, the configuration
and the operation number, so the run can be replayed. Ends with one summary line.
"""

from __future__ import annotations

import argparse
import math
import pickle
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hashtable  # noqa: E402
from helpers_reliability import (  # noqa: E402
    OPEN_ADDRESSING,
    SHARED_NAN,
    STRATEGIES,
    assert_matches_dict,
    canonical_items,
    hash_func_raises,
    raising_hash,
    threaded_workload,
)
from keys import HashError, HashKey, constant_hash, low_bits_hash, python_level_hash  # noqa: E402

# (hash_func, key pool size): a constant hash makes every lookup scan every
# key, so its pool stays small.
CONFIGS: list[tuple[Any, int]] = [
    (None, 600),
    (python_level_hash, 300),
    (low_bits_hash, 300),
    (raising_hash, 300),
    (constant_hash, 40),
] + [(name, 300) for name in ("siphash13", "fnv1a") if name in hashtable.HASH_FUNCTIONS]


def key_pool(rng: random.Random, size: int) -> list[Any]:
    pool: list[Any] = [SHARED_NAN, 0.0, -0.0, True, 2**61 - 1, 2**64, 10**30, math.inf]
    while len(pool) < size:
        kind = rng.randrange(6)
        n = rng.randrange(size)
        if kind == 0:
            pool.append(n - size // 2)
        elif kind == 1:
            pool.append(n / 4)
        elif kind == 2:
            pool.append(("!" if n % 17 == 0 else "") + f"s{n}")
        elif kind == 3:
            pool.append((n % 7, f"t{n}"))
        elif kind == 4:
            pool.append(HashKey(n % 5, f"h{n}"))
        else:
            pool.append(float("nan") if n % 3 == 0 else HashKey(-1, f"m{n}"))
    return pool


class Mismatch(AssertionError):
    pass


def soak_one(strategy: str, hash_func: Any, pool_size: int, ops: int, seed: int) -> int:
    """Run `ops` random operations on one table and one dict; return the largest len."""
    rng = random.Random(seed)
    pool = key_pool(rng, pool_size)
    params: dict[str, Any] = {
        "size": rng.choice([1, 4, 7, 16]),
        "max_load": rng.choice([0.5, 0.75] if strategy in OPEN_ADDRESSING else [0.5, 1.0, 3.0]),
        "index": rng.choice(hashtable.INDEXES),
        "growth": rng.choice([1.5, 2.0]),
    }
    params["min_load"] = rng.choice([0.0, params["max_load"] / params["growth"] / 3])
    table = hashtable.HashTable(strategy=strategy, hash_func=hash_func, **params)
    model: dict[Any, Any] = {}
    largest = 0

    def raises(key: Any) -> bool:
        return hash_func_raises(hash_func, key)

    def same(got: Any, expected: Any, what: str) -> None:
        if got is not expected and got != expected:
            raise Mismatch(f"{what}: table gave {got!r}, dict gave {expected!r}")

    def refused(action: Any, *args: Any) -> None:
        try:
            action(*args)
        except HashError:
            return
        raise Mismatch("hash_func raised, but the table did not")

    for n in range(ops):
        op = rng.randrange(1000)
        key = pool[rng.randrange(len(pool))]
        value = n
        try:
            if raises(key) and op < 900:
                before = len(table)
                refused(table.__setitem__, key, value)
                refused(table.get, key)
                refused(table.pop, key, None)
                if len(table) != before:
                    raise Mismatch("a refused key changed the table")
            elif op < 350:
                table[key] = value
                model[key] = value
            elif op < 500:
                same(table.get(key), model.get(key), f"get({key!r})")
            elif op < 580:
                same(key in table, key in model, f"{key!r} in")
            elif op < 700:
                if key in model:
                    del table[key]
                    del model[key]
                else:
                    try:
                        del table[key]
                    except KeyError:
                        pass
                    else:
                        raise Mismatch(f"del of absent {key!r} succeeded")
            elif op < 780:
                same(table.pop(key, "absent"), model.pop(key, "absent"), f"pop({key!r})")
            elif op < 850:
                same(table.setdefault(key, value), model.setdefault(key, value), "setdefault")
            elif op < 900:
                if model:
                    k, v = table.popitem()
                    if not any(k is mk for mk in model) or model[k] is not v:
                        raise Mismatch(f"popitem gave {k!r}: {v!r}, not an item of the dict")
                    del model[k]
                else:
                    try:
                        table.popitem()
                    except KeyError:
                        pass
                    else:
                        raise Mismatch("popitem of an empty table succeeded")
            elif op < 960:
                batch = [(pool[rng.randrange(len(pool))], n) for _ in range(rng.randrange(1, 6))]
                # dict.update semantics: items before a refused key land, the rest do not.
                stop = next((i for i, (k, _) in enumerate(batch) if raises(k)), len(batch))
                try:
                    table.update(batch)
                except HashError:
                    if stop == len(batch):
                        raise
                else:
                    if stop != len(batch):
                        raise Mismatch("update with a refused key did not raise")
                for k, v in batch[:stop]:
                    model[k] = v
            elif op < 975:
                table = table.copy()
            elif op < 980:
                clone = pickle.loads(pickle.dumps(table))
                if canonical_items(clone.items()) != canonical_items(model.items()):
                    raise Mismatch("pickle round trip changed the contents")
            elif op < 982:
                table.clear()
                model.clear()
            else:
                assert_matches_dict(table, model)
        except Mismatch as err:
            raise Mismatch(f"operation {n} (op {op}): {err}") from None
        largest = max(largest, len(model))
        if len(table) != len(model):
            raise Mismatch(f"operation {n} (op {op}): len {len(table)} != {len(model)}")
    assert_matches_dict(table, model)
    return largest


def soak_big(strategy: str, items: int, cycles: int, seed: int) -> int:
    """Grow a table to `items` keys and shrink it back (min_load > 0), `cycles`
    times, checking it against a dict at every turn. Returns the resizes seen."""
    rng = random.Random(seed)
    table = hashtable.HashTable(strategy=strategy, min_load=0.1, max_load=0.5)
    model: dict[int, int] = {}
    for cycle in range(cycles):
        keys = rng.sample(range(items * 4), items)
        for key in keys:
            table[key] = model[key] = key ^ cycle
        if len(table) != len(model) or any(table[k] != v for k, v in rng.sample(sorted(model.items()), 1000)):
            raise AssertionError(f"{strategy}: grown table differs from dict at cycle {cycle}")
        grown = table.size
        for key in keys[: items - items // 50]:
            del table[key]
            del model[key]
        if table.size >= grown or set(table) != set(model):
            raise AssertionError(f"{strategy}: did not shrink back to the dict's keys at cycle {cycle}")
    resizes: int = table.stats()["resizes"]
    return resizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000, help="total random operations")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--big-items",
        type=int,
        default=200_000,
        help="keys in the grow-and-shrink cycles of every strategy (one strategy also runs at 10^6)",
    )
    parser.add_argument(
        "--thread-ops",
        type=int,
        default=100_000,
        help="operations per thread in the threaded run (4 threads per strategy); 0 skips it",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    configs = [(s, h, pool) for s in STRATEGIES for h, pool in CONFIGS]
    per_config = max(1, -(-args.ops // len(configs)))  # at least --ops in all
    largest = 0
    done = 0
    for i, (strategy, hash_func, pool) in enumerate(configs):
        seed = args.seed * 100_003 + i
        name = hash_func if isinstance(hash_func, str) else getattr(hash_func, "__name__", "builtin")
        try:
            largest = max(largest, soak_one(strategy, hash_func, pool, per_config, seed))
        except AssertionError as err:
            print(f"FAILED: strategy={strategy} hash_func={name} seed={seed}: {err}", file=sys.stderr)
            return 1
        done += per_config
    single = time.perf_counter() - started

    big_resizes = 0
    if args.big_items > 0:
        million = STRATEGIES[args.seed % len(STRATEGIES)]
        for i, strategy in enumerate(STRATEGIES):
            items = 1_000_000 if strategy == million else args.big_items
            try:
                big_resizes += soak_big(strategy, items, cycles=2, seed=args.seed + i)
            except AssertionError as err:
                print(f"FAILED: big tables: {err}", file=sys.stderr)
                return 1

    threaded = 0
    if args.thread_ops > 0:
        for i, strategy in enumerate(STRATEGIES):
            try:
                summary = threaded_workload(strategy, threads=4, ops_per_thread=args.thread_ops, seed=args.seed + i)
            except AssertionError as err:
                print(f"FAILED: threaded strategy={strategy}: {err}", file=sys.stderr)
                return 1
            threaded += summary["operations"]
    elapsed = time.perf_counter() - started
    print(
        f"soak ok: {done} operations vs dict over {len(STRATEGIES)} strategies x "
        f"{len(CONFIGS)} hash functions (largest table {largest}) in {single:.1f} s; "
        f"grow/shrink cycles to {args.big_items} keys (and 10^6 for one strategy) with {big_resizes} resizes; "
        f"{threaded} threaded operations; total {elapsed:.1f} s; seed {args.seed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
