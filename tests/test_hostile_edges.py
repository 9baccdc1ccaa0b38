"""Defence at the edges: memory exhaustion, stack depth, crafted pickle states,
mutable type objects and interpreter shutdown.

Every scenario that crashed the interpreter before its fix runs in a child
process, so a regression fails one test instead of killing the suite. A child
prints OK as its last line when it reached the end with the expected exception.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import hashtable
import pytest
from hashtable import HashTable

STRATEGIES = tuple(hashtable.STRATEGIES)


def run_child(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_child_ok(code: str, timeout: float = 120) -> None:
    done = run_child(code, timeout)
    report = f"child exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr[-3000:]}"
    assert done.returncode == 0, report
    assert done.stdout.strip().endswith("OK"), done.stdout + done.stderr[-3000:]


# --- 1. crafted pickle states go through the constructor's validation ---


class CraftedState:
    """Pickles as `_rebuild(HashTable, params)` followed by a chosen state."""

    def __init__(self, params: dict[str, object], state: object) -> None:
        self.params = params
        self.state = state

    def __reduce__(self) -> tuple[object, ...]:
        return (hashtable._rebuild, (HashTable, self.params), self.state)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("size", [2**40, 2**62, 2**27 + 1, 0, -3])
def test_pickled_state_with_a_bad_size_is_a_clean_error(strategy: str, size: int) -> None:
    blob = pickle.dumps(CraftedState({"strategy": strategy}, {"size": size}))
    with pytest.raises(ValueError, match="size"):
        pickle.loads(blob)
    t = HashTable(strategy=strategy)
    with pytest.raises(ValueError, match="size"):
        t.__setstate__({"size": size})
    assert len(t) == 0 and t.size == HashTable(strategy=strategy).size


@pytest.mark.parametrize("params", [{"max_load": 1e-12}, {"size": 2**40}, {"growth": 1e9}, {"strategy": "nope"}])
def test_pickled_parameters_go_through_the_constructor(params: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        pickle.loads(pickle.dumps(CraftedState(params, {})))


def test_pickled_state_of_the_wrong_shape_is_a_clean_error() -> None:
    t = HashTable()
    with pytest.raises(TypeError, match="state must be a dict"):
        t.__setstate__([("size", 8)])
    with pytest.raises(TypeError, match="size must be an int"):
        t.__setstate__({"size": "8"})
    with pytest.raises(TypeError, match="attributes"):
        t.__setstate__({"attributes": 5})


def test_a_huge_pickled_size_never_reaches_the_allocator() -> None:
    assert_child_ok(
        """
        import pickle, hashtable
        from hashtable import HashTable
        class Crafted:
            def __reduce__(self):
                return (hashtable._rebuild, (HashTable, {}), {"size": 2**40})
        blob = pickle.dumps(Crafted())
        try:
            pickle.loads(blob)
        except ValueError as err:
            assert "size" in str(err), err
            print("OK")
        """
    )


# --- 2. the type cannot be changed under its instances ---


def test_replacing_dunder_new_is_refused_like_dicts() -> None:
    with pytest.raises(TypeError):
        HashTable.__new__ = staticmethod(lambda cls, *a, **k: object.__new__(cls))  # type: ignore[method-assign]
    with pytest.raises(TypeError):
        dict.__new__ = staticmethod(lambda cls, *a, **k: object.__new__(cls))  # type: ignore[method-assign]
    assert len(HashTable({1: 2})) == 1


def test_object_new_cannot_make_an_empty_shell_of_a_subclass() -> None:
    class Sub(HashTable):
        pass

    with pytest.raises(TypeError):
        object.__new__(Sub)


def test_a_replaced_new_never_reaches_a_method() -> None:
    assert_child_ok(
        """
        from hashtable import HashTable
        try:
            HashTable.__new__ = staticmethod(lambda c, *a, **k: object.__new__(c))
        except TypeError:
            pass
        print(len(HashTable()))
        print("OK")
        """
    )


# --- 3. memory exhaustion is MemoryError, and the table is unchanged ---


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_growth_past_the_address_space_limit_is_memory_error(strategy: str) -> None:
    assert_child_ok(
        f"""
        import resource
        from hashtable import HashTable
        t = HashTable(strategy={strategy!r}, max_load=0.5)
        for i in range(1000):
            t[i] = i
        before = (len(t), t.size, dict(t.items()))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        import os
        # Leave the interpreter what it has now plus a little: a big growth cannot fit.
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        limit = pages * os.sysconf("SC_PAGE_SIZE") + 64 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            big = HashTable(strategy={strategy!r}, size=2**27)
            big = None
        except MemoryError:
            pass
        try:
            t.update((i, i) for i in range(1000, 20_000_000))
        except MemoryError:
            pass
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        # Whatever went in before the error is there, and nothing else broke.
        for i in range(1000):
            assert t[i] == i
        assert len(t) >= 1000
        t.clear()
        assert len(t) == 0
        print("OK")
        """,
        timeout=300,
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_failed_growth_leaves_the_table_as_it_was(strategy: str) -> None:
    assert_child_ok(
        f"""
        import os, resource
        from hashtable import HashTable
        t = HashTable(strategy={strategy!r}, size=2**20, max_load=0.5)
        for i in range(2**19):
            t[i] = i
        snapshot = (len(t), t.size)
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (pages * os.sysconf("SC_PAGE_SIZE") + 8 * 1024 * 1024, hard))
        try:
            t[-1] = -1  # the insert that must double the table
        except MemoryError as err:
            assert "memory" in str(err), err
            assert (len(t), t.size) == snapshot, ((len(t), t.size), snapshot)
            assert -1 not in t
        else:
            raise AssertionError("the growth fit in 8 MiB")
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        t[-1] = -1
        assert t[-1] == -1 and len(t) == snapshot[0] + 1
        print("OK")
        """,
        timeout=300,
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_freeing_a_big_table_needs_no_memory(strategy: str) -> None:
    assert_child_ok(
        f"""
        import os, resource
        from hashtable import HashTable
        t = HashTable(strategy={strategy!r}, size=2**24)
        u = HashTable(strategy={strategy!r}, size=2**24)
        for i in range(1000):
            t[i] = u[i] = i
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (pages * os.sysconf("SC_PAGE_SIZE") + 4 * 1024 * 1024, hard))
        del t  # dealloc: must not allocate a fresh array of the initial 2**24 buckets
        try:
            u.clear()  # clear needs its fresh storage: MemoryError, table unchanged
        except MemoryError:
            assert len(u) == 1000
        print("OK")
        """,
        timeout=300,
    )


# --- 4. a max_load so small that the first growth would pass MAX_SIZE ---


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("max_load", [1e-12, 1e-300, 5e-324])
def test_a_tiny_max_load_is_refused(strategy: str, max_load: float) -> None:
    with pytest.raises(ValueError, match="max_load"):
        HashTable(strategy=strategy, max_load=max_load)


def test_the_smallest_max_load_allowed_still_inserts() -> None:
    t = HashTable(max_load=1 / hashtable.MAX_SIZE)
    t["a"] = 1
    assert t["a"] == 1 and t.size <= hashtable.MAX_SIZE


# --- 5. deep nesting: RecursionError, not a crash ---


NESTED = """
def nested(depth, strategy):
    t = HashTable(strategy=strategy)
    for _ in range(depth):
        t = HashTable({1: t}, strategy=strategy)
    return t
"""


@pytest.mark.parametrize("strategy", ["chaining", "swiss"])
def test_deep_nesting_with_a_raised_recursion_limit(strategy: str) -> None:
    assert_child_ok(
        f"""
        import sys
        from hashtable import HashTable
        exec({NESTED!r})
        sys.setrecursionlimit(10_000)
        a, b = nested(10_100, {strategy!r}), nested(10_100, {strategy!r})
        for attempt in (lambda: a == b, lambda: repr(a)):
            try:
                attempt()
            except RecursionError:
                pass
        print("OK")
        """
    )


@pytest.mark.parametrize("strategy", ["chaining", "compact"])
def test_deep_nesting_in_a_thread_with_a_small_stack(strategy: str) -> None:
    assert_child_ok(
        f"""
        import pickle, threading
        from hashtable import HashTable
        exec({NESTED!r})
        results = []
        def work():
            a, b = nested(1_100, {strategy!r}), nested(1_100, {strategy!r})
            for attempt in (lambda: a == b, lambda: repr(a), lambda: pickle.dumps(a)):
                try:
                    attempt()
                    results.append("done")
                except RecursionError:
                    results.append("RecursionError")
        threading.stack_size(512 * 1024)
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        assert len(results) == 3, results
        print("OK")
        """
    )


def test_nested_equality_within_the_limit_still_works() -> None:
    a, b = HashTable(), HashTable()
    for _ in range(200):
        a, b = HashTable({1: a}), HashTable({1: b})
    assert a == b
    assert repr(a).count("HashTable") == 201


# --- 6. a long chain of tables through hash_func is freed at bounded depth ---


def test_a_chain_of_tables_through_hash_func_frees_without_a_crash() -> None:
    assert_child_ok(
        """
        from hashtable import HashTable
        previous = HashTable()
        for _ in range(30_000):
            previous = HashTable(hash_func=staticmethod(previous))
        del previous
        print("OK")
        """
    )


# --- 7. interpreter shutdown with daemon threads inside a lookup ---


@pytest.mark.parametrize("strategy", ["chaining", "linear"])
def test_shutdown_with_daemon_threads_in_a_lookup(strategy: str) -> None:
    code = f"""
        import threading, time
        from hashtable import HashTable
        class K:
            def __hash__(self):
                return 1
            def __eq__(self, other):
                time.sleep(0.001)
                return False
        t = HashTable(strategy={strategy!r})
        t[K()] = 1
        def loop():
            while True:
                t.get(K())
        for _ in range(4):
            threading.Thread(target=loop, daemon=True).start()
        time.sleep(0.05)
        print("OK")
        """
    for _ in range(5):
        assert_child_ok(code)
