"""t.stats(): every figure checked against what the table holds, not just present."""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable

import hashtable
import pytest
from hashtable import HashTable
from helpers_api import OPEN_ADDRESSING, CountingHash, model_sizes, usable_size

MakeTable = Callable[..., HashTable]

KEYS = {
    "size",
    "load",
    "load_factor",
    "max_load",
    "min_load",
    "growth",
    "strategy",
    "index",
    "resizes",
    "rebuilds",
    "hash_calls",
    "comparisons",
    "longest_chain",
    "mean_probe",
    "empty_buckets",
    "tombstones",
    "histogram",
    "chi_squared",
    "chi_squared_p",
    "expected_probe_hit",
    "expected_probe_miss",
}

# Strategies whose probe length counts slots visited, one per step.
SLOT_PROBE_STRATEGIES = ("linear", "robin_hood", "quadratic", "compact")


def _zero(_key: object) -> int:
    return 0


def _check_consistent(t: HashTable) -> None:
    """Relations every strategy's figures must satisfy."""
    st = t.stats()
    assert st["size"] == t.size
    assert st["load"] == len(t)
    assert st["load_factor"] == len(t) / t.size
    histogram = st["histogram"]
    if t.strategy in OPEN_ADDRESSING:
        # Probe length of a successful lookup -> items with it.
        assert sum(histogram.values()) == len(t)
        assert st["empty_buckets"] + st["tombstones"] + len(t) == t.size
        total = sum(length * count for length, count in histogram.items())
        assert st["mean_probe"] == pytest.approx(total / len(t) if len(t) else 0.0)
    else:
        # Chain length -> buckets with it.
        assert sum(histogram.values()) == t.size
        assert sum(length * count for length, count in histogram.items()) == len(t)
        assert st["empty_buckets"] == histogram.get(0, 0)
        assert st["tombstones"] == 0
    assert st["longest_chain"] == max((k for k, v in histogram.items() if v), default=0)
    assert all(isinstance(k, int) and isinstance(v, int) and v > 0 for k, v in histogram.items())


def test_stats_keys_and_fresh_values(make_table: MakeTable) -> None:
    t = make_table(size=16, min_load=0.1, growth=3.0)
    st = t.stats()
    assert KEYS <= set(st)
    assert st["size"] == t.size == usable_size(t.strategy, "fibonacci", 16)
    assert (st["load"], st["load_factor"]) == (0, 0.0)
    assert (st["max_load"], st["min_load"], st["growth"]) == (0.5, 0.1, 3.0)
    assert (st["strategy"], st["index"]) == (t.strategy, "fibonacci")
    assert (st["resizes"], st["rebuilds"], st["hash_calls"], st["comparisons"]) == (0, 0, 0, 0)
    assert (st["longest_chain"], st["mean_probe"]) == (0, 0.0)
    assert st["empty_buckets"] == t.size
    assert st["tombstones"] == 0
    assert st["histogram"] == ({} if t.strategy in OPEN_ADDRESSING else {0: t.size})
    _check_consistent(t)


def test_stats_is_a_fresh_dict(make_table: MakeTable) -> None:
    t = make_table({1: 1})
    first = t.stats()
    first["load"] = 99
    first["histogram"].clear()
    assert t.stats()["load"] == 1
    assert t.stats()["histogram"]


def test_constant_hash_chain() -> None:
    n = 10
    t = HashTable(hash_func=_zero, size=32, max_load=1.0)
    for i in range(n):
        t[i] = i
    st = t.stats()
    assert st["longest_chain"] == n
    assert st["histogram"] == {0: 31, n: 1}
    assert sum(st["histogram"].values()) == st["size"] == 32
    assert st["mean_probe"] == (n + 1) / 2
    assert st["empty_buckets"] == 31
    _check_consistent(t)


@pytest.mark.parametrize("strategy", [s for s in SLOT_PROBE_STRATEGIES if s in hashtable.STRATEGIES])
def test_constant_hash_probe_sequence(strategy: str) -> None:
    n = 10
    t = HashTable(hash_func=_zero, size=64, strategy=strategy)
    for i in range(n):
        t[i] = i
    st = t.stats()
    assert st["longest_chain"] == n
    assert st["histogram"] == {length: 1 for length in range(1, n + 1)}
    assert st["mean_probe"] == (n + 1) / 2
    assert st["empty_buckets"] == 64 - n
    _check_consistent(t)


def test_constant_hash_is_worse_than_builtin(make_table: MakeTable) -> None:
    bad = make_table(hash_func=_zero, size=128)
    good = make_table(size=128)
    for i in range(40):
        bad[i] = i
        good[i] = i
    assert bad.stats()["longest_chain"] > good.stats()["longest_chain"]
    assert bad.stats()["mean_probe"] > good.stats()["mean_probe"]
    assert bad.stats()["chi_squared_p"] < 1e-6
    _check_consistent(bad)
    _check_consistent(good)


def test_perfectly_even_spread(strategy: str) -> None:
    size = 64
    t = HashTable(size=size, index="mod", hash_func=lambda k: k, strategy=strategy, max_load=0.9)
    size = t.size
    for i in range(size // 2):
        t[2 * i] = i
    st = t.stats()
    if strategy in ("chaining", *SLOT_PROBE_STRATEGIES):
        assert st["longest_chain"] == 1
        assert st["mean_probe"] == 1.0
    assert len(set(st["histogram"]) - {0}) == 1  # every item costs the same
    assert st["empty_buckets"] == size // 2
    # Counts alternate 1, 0 around a mean of 1/2: each bucket adds 0.5.
    assert st["chi_squared"] == pytest.approx(size / 2)
    _check_consistent(t)
    perfectly = HashTable(size=size, index="mod", hash_func=lambda k: k, strategy="chaining", max_load=1.0)
    for i in range(size):
        perfectly[i] = i
    assert perfectly.stats()["chi_squared"] == 0.0
    assert perfectly.stats()["chi_squared_p"] == pytest.approx(1.0)


def test_histogram_matches_contents(make_hashed_table: MakeTable) -> None:
    t = make_hashed_table(size=8)
    rng = random.Random(5)
    for i in range(300):
        t[rng.randrange(10**9)] = i
        if i % 7 == 0:
            t.popitem()
    _check_consistent(t)
    for key in list(t)[::2]:
        del t[key]
    _check_consistent(t)


def test_resizes_count_the_doubling_sequence(make_table: MakeTable) -> None:
    t = make_table()
    for i in range(100):
        t[i] = i
    sizes = model_sizes(100, strategy=t.strategy)
    changes = sum(1 for before, after in zip(sizes, sizes[1:], strict=False) if after != before)
    assert t.stats()["resizes"] == changes
    if t.strategy == "chaining":
        assert changes == 6  # 4 -> 8 -> 16 -> 32 -> 64 -> 128 -> 256


def test_default_table_resizes_three_times_by_nine_keys() -> None:
    t = HashTable()
    for i in range(9):
        t[i] = i
    assert t.stats()["resizes"] == 3
    assert t.size == 32


def test_shrinks_count_as_resizes(make_table: MakeTable) -> None:
    t = make_table(min_load=0.1)
    for i in range(64):
        t[i] = i
    grown = t.stats()["resizes"]
    for i in range(64):
        del t[i]
    assert t.stats()["resizes"] > grown


def test_churn_near_the_load_limit_grows_once_instead_of_rebuilding_often(make_table: MakeTable) -> None:
    # 1,000 items where max_load allows 1,024: cleaning tombstones at this
    # size would leave room for 24 more, a rebuild every few operations.
    t = make_table(size=2048, max_load=0.5, growth=2.0)
    for key in range(1000):
        t[str(key)] = key
    size = t.size
    for step in range(3000):
        del t[str(step)]
        t[str(1000 + step)] = step
    st = t.stats()
    assert len(t) == 1000 and st["resizes"] <= 1 and t.size <= 2 * size
    assert st["rebuilds"] <= 6, st
    _check_consistent(t)


def test_rebuilds_clean_tombstones(make_table: MakeTable) -> None:
    rng = random.Random(1)
    t = make_table(size=1024, max_load=0.875)
    # 440 items, at most half of the 896 that max_load allows at this size:
    # tombstones are cleaned without growing.
    live = list(range(440))
    for key in live:
        t[key] = key
    fresh = 1000
    for _ in range(3000):
        del t[live.pop(rng.randrange(len(live)))]
        t[fresh] = fresh
        live.append(fresh)
        fresh += 1
    st = t.stats()
    assert st["resizes"] == 0
    assert t.size == usable_size(t.strategy, "fibonacci", 1024)
    # Swiss's inserts take the tombstones on their probe, and below half the
    # limit its runs rarely reach a group's width: it may never need a clean.
    if t.strategy in ("quadratic", "compact"):
        assert st["rebuilds"] > 0
    elif t.strategy in ("chaining", "linear", "robin_hood"):
        assert st["rebuilds"] == 0
    assert st["tombstones"] + len(t) <= 0.875 * t.size
    _check_consistent(t)
    assert sorted(t) == sorted(live)


def test_hash_calls_one_per_operation(make_table: MakeTable) -> None:
    t = make_table()

    def calls() -> int:
        return t.stats()["hash_calls"]

    operations: list[Callable[[], object]] = [
        lambda: t.__setitem__("a", 1),
        lambda: t.set("b", 2),
        lambda: t["a"],
        lambda: t.get("a"),
        lambda: t.get("missing"),
        lambda: "a" in t,
        lambda: "missing" in t,
        lambda: t.setdefault("c", 3),
        lambda: t.setdefault("c", 4),
        lambda: t.pop("c"),
        lambda: t.pop("missing", None),
        lambda: t.__delitem__("b"),
        lambda: t.__setitem__("a", 5),
    ]
    for operation in operations:
        before = calls()
        operation()
        assert calls() == before + 1


def test_hash_calls_not_counted_for_hash_free_operations(make_table: MakeTable) -> None:
    t = make_table({i: i for i in range(50)})
    before = t.stats()["hash_calls"]
    assert before == 50  # one per pair loaded
    list(t)
    list(t.items())
    len(t)
    repr(t)
    str(t)
    t.picture()
    t.copy()
    t == dict(t.items())  # noqa: B015
    t.popitem()
    t.clear()
    assert t.stats()["hash_calls"] == before


def test_hash_calls_match_python_hash_func(make_table: MakeTable) -> None:
    counter = CountingHash()
    t = make_table(hash_func=counter)
    for i in range(200):
        t[i] = i
        t.get(i - 1)
        if i % 3 == 0:
            del t[i]
    assert t.stats()["hash_calls"] == counter.calls == 200 + 200 + 67


def test_comparisons_count_probe_work(make_table: MakeTable) -> None:
    t = make_table(hash_func=_zero, size=64)
    for i in range(10):
        t[i] = i
    before = t.stats()["comparisons"]
    assert before > 0
    assert 9 in t
    hit = t.stats()["comparisons"] - before
    assert hit >= 10 if t.strategy in ("chaining", *SLOT_PROBE_STRATEGIES) else hit > 1
    before = t.stats()["comparisons"]
    assert 0 in t
    assert t.stats()["comparisons"] - before < hit


def test_chaining_comparisons_exact() -> None:
    t = HashTable(hash_func=_zero, size=32, max_load=1.0)
    for i in range(10):
        t[i] = i
    before = t.stats()["comparisons"]
    assert 100 not in t  # a miss walks the whole chain
    assert t.stats()["comparisons"] - before == 10


def test_expected_probes_chaining() -> None:
    t = HashTable(size=16, max_load=2.0)
    for i in range(12):
        t[i] = i
    st = t.stats()
    alpha = 12 / 16
    assert st["expected_probe_hit"] == pytest.approx(1 + alpha / 2)
    assert st["expected_probe_miss"] == pytest.approx(alpha)


@pytest.mark.parametrize("strategy", ["linear", "robin_hood"])
def test_expected_probes_linear(strategy: str) -> None:
    t = HashTable(size=64, max_load=0.9, strategy=strategy)
    for i in range(48):
        t[i] = i
    st = t.stats()
    alpha = 48 / 64
    assert st["expected_probe_hit"] == pytest.approx((1 + 1 / (1 - alpha)) / 2)
    assert st["expected_probe_miss"] == pytest.approx((1 + 1 / (1 - alpha) ** 2) / 2)


@pytest.mark.parametrize("strategy", [s for s in ("quadratic", "compact") if s in hashtable.STRATEGIES])
def test_expected_probes_uniform(strategy: str) -> None:
    t = HashTable(size=64, max_load=0.9, strategy=strategy)
    for i in range(48):
        t[i] = i
    st = t.stats()
    alpha = 48 / 64
    assert st["expected_probe_hit"] == pytest.approx(math.log(1 / (1 - alpha)) / alpha)
    assert st["expected_probe_miss"] == pytest.approx(1 / (1 - alpha))


def test_expected_probes_grow_with_load(make_table: MakeTable) -> None:
    t = make_table(size=128, max_load=0.9)
    previous = (t.stats()["expected_probe_hit"], t.stats()["expected_probe_miss"])
    for step in range(4):
        for i in range(25):
            t[(step, i)] = i
        st = t.stats()
        current = (st["expected_probe_hit"], st["expected_probe_miss"])
        assert all(math.isfinite(x) and x > 0 for x in current)
        assert current[0] >= previous[0] and current[1] > previous[1]
        previous = current


def test_stats_do_not_call_hash_func(make_table: MakeTable) -> None:
    counter = CountingHash()
    t = make_table({i: i for i in range(30)}, hash_func=counter)
    before = counter.calls
    t.stats()
    assert counter.calls == before


def test_sizeof_counts_own_storage(make_table: MakeTable) -> None:
    small = make_table(size=8)
    empty_bytes = sys.getsizeof(small)
    assert empty_bytes > 0
    for i in range(1000):
        small[i] = i
    assert sys.getsizeof(small) > empty_bytes
    # Only the table's own storage: big values cost the same as small ones.
    big = make_table(size=8)
    for i in range(1000):
        big[i] = "x" * 10_000
    assert sys.getsizeof(big) == sys.getsizeof(small)
