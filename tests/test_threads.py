"""Threads sharing one table, with sys.setswitchinterval(1e-6) so the GIL
changes hands inside lookups (every key's __eq__ is Python code).

Nothing may crash, no thread may see an exception a dict would not raise,
and the final contents must be what each thread's own dict says. The full
size (4 threads x 10^5 operations) runs here for every strategy in ~3 s each;
tests/soak.py runs more.
"""

from __future__ import annotations

import random
import sys
import threading
from typing import Any

import hashtable
import pytest
from helpers_reliability import ThreadKey, assert_consistent, threaded_workload


def test_four_threads_times_100k_operations(strategy: str) -> None:
    summary = threaded_workload(strategy, threads=4, ops_per_thread=100_000)
    assert summary["operations"] == 400_000
    assert summary["final_len"] > 0


def test_threads_with_long_collision_chains(strategy: str) -> None:
    """Three hash values for 850 keys: every lookup compares against hundreds
    of other threads' keys in Python, so tables change under nearly every probe."""
    threaded_workload(strategy, threads=4, ops_per_thread=5_000, distinct_hashes=3, seed=1)


def test_switch_interval_is_restored() -> None:
    before = sys.getswitchinterval()
    threaded_workload("chaining", threads=2, ops_per_thread=200)
    assert sys.getswitchinterval() == before


# Exceptions a dict would raise in the same situation.
EXPECTED = (KeyError,)


def test_chaos_of_whole_table_operations(strategy: str) -> None:
    """Threads clear, copy, popitem, compare, pickle and iterate while others
    insert: only consistency can be checked, and only dict's exceptions appear."""
    import pickle

    table = hashtable.HashTable(strategy=strategy)
    failures: list[str] = []
    start = threading.Barrier(4)

    def work(owner: int) -> None:
        rng = random.Random(owner)
        start.wait()
        for n in range(6_000):
            op = rng.randrange(20)
            key = ThreadKey(owner % 2, rng.randrange(100), 11)
            try:
                if op < 8:
                    table[key] = (owner, n)
                elif op < 11:
                    table.pop(key, None)
                elif op == 11:
                    table.popitem()
                elif op == 12 and owner == 0 and n % 50 == 0:
                    table.clear()
                elif op == 13:
                    copy = table.copy()
                    assert len(assert_consistent(copy)) == len(copy)
                elif op == 14:
                    _ = table == dict(table.items())
                elif op == 15:
                    table.update(table)
                elif op == 16:
                    clone = pickle.loads(pickle.dumps(table))
                    assert len(list(clone)) == len(clone)
                elif op == 17:
                    repr(table)
                    table.stats()
                elif op == 18:
                    for _ in table.items():
                        pass
                else:
                    table.setdefault(key, (owner, n))
            except EXPECTED:
                pass
            except RuntimeError as err:
                # Iterating (items(), ==, pickle) while another thread changes
                # the table: dict raises this too.
                if "changed during iteration" not in str(err):
                    failures.append(f"thread {owner} op {op}: RuntimeError: {err}")
            except BaseException as err:  # noqa: BLE001 - reported below
                failures.append(f"thread {owner} op {op}: {type(err).__name__}: {err}")

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        workers = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(old)
    assert not failures, "\n".join(failures[:10])
    items: list[tuple[Any, Any]] = assert_consistent(table)
    assert len({(k.owner, k.index) for k, _ in items}) == len(items), "a key is stored twice"


@pytest.mark.parametrize("threads", [8])
def test_many_threads_short_runs(strategy: str, threads: int) -> None:
    threaded_workload(strategy, threads=threads, ops_per_thread=3_000, seed=2)
