"""The capsule `hashtable._C_API`, used the way another C extension uses it.

`tests/capi/hashtable_capi_probe.c` includes only `hashtable_capi.h` (from
`hashtable.get_include()`); it is compiled here with this Python's `sysconfig`
flags, imported, and each capsule function is compared with the Python-level
operation: results, exact reference counts, and exceptions.
"""

from __future__ import annotations

import importlib.util
import shlex
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import hashtable
import pytest
from hashtable import HashTable
from helpers_api import Opaque
from helpers_reliability import assert_consistent, canonical_items, outcome
from keys import EqError, HashError, HashKey

PROBE_SOURCE = Path(__file__).resolve().parent / "capi" / "hashtable_capi_probe.c"


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The probe extension, built against hashtable_capi.h in a temporary folder."""
    python_include = sysconfig.get_paths()["include"]
    if not (Path(python_include) / "Python.h").exists():
        pytest.skip(f"this Python has no development headers (no Python.h in {python_include})")
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    target = tmp_path_factory.mktemp("capi") / f"hashtable_capi_probe{suffix}"
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    command = [
        *compiler,
        *["-shared", "-fPIC", "-O1", "-Wall", "-Wextra", "-Werror"],
        f"-I{python_include}",
        f"-I{hashtable.get_include()}",
        str(PROBE_SOURCE),
        "-o",
        str(target),
    ]
    built = subprocess.run(command, capture_output=True, text=True, check=False)
    assert built.returncode == 0, f"{shlex.join(command)}\n{built.stderr}"
    spec = importlib.util.spec_from_file_location("hashtable_capi_probe", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_capsule_and_its_header_are_where_the_docs_say() -> None:
    assert type(hashtable._C_API).__name__ == "PyCapsule"
    assert '"hashtable._C_API"' in repr(hashtable._C_API)
    header = Path(hashtable.get_include()) / "hashtable_capi.h"
    assert "HASHTABLE_CAPI_VERSION" in header.read_text()


def test_import_checks_the_version(probe: ModuleType) -> None:
    assert probe.version() == 1


KEYS: list[Any] = [0, 1, -7, 2**70, 2.5, "pi", "", b"bytes", (1, "two"), frozenset({3}), True, 1.0, None]


def test_results_equal_the_python_calls(probe: ModuleType, strategy: str, hash_func: Any) -> None:
    through_c = probe.new({"strategy": strategy, "hash_func": hash_func})
    through_python = HashTable(strategy=strategy, hash_func=hash_func)
    for position, key in enumerate(KEYS):
        probe.set(through_c, key, position)
        through_python[key] = position
        assert probe.length(through_c) == len(through_python)
        assert probe.size(through_c) == through_python.size
    for key in [*KEYS, "absent", 99]:
        assert probe.contains(through_c, key) == (key in through_python)
        if key in through_python:
            assert probe.get(through_c, key) == through_python[key]
    for key in KEYS[::2]:
        if key in through_python:
            probe.delete(through_c, key)
            del through_python[key]
    assert dict(through_c.items()) == dict(through_python.items())
    assert probe.length(through_c) == len(through_python)


def test_missing_keys_raise_key_error_with_the_key(probe: ModuleType) -> None:
    table = HashTable()
    for key in ["missing", (1, 2)]:
        with pytest.raises(KeyError) as raised:
            probe.get(table, key)
        assert raised.value.args == (key,)
        with pytest.raises(KeyError) as raised:
            probe.delete(table, key)
        assert raised.value.args == (key,)
    assert probe.contains(table, "missing") is False


def refcount_trace(table: HashTable, ops: dict[str, Callable[..., Any]], key: object, value: object) -> list[int]:
    """The key's and the value's refcounts after each of set, get, replace, delete."""
    trace = [sys.getrefcount(key), sys.getrefcount(value)]
    ops["set"](table, key, value)
    trace += [sys.getrefcount(key), sys.getrefcount(value)]
    got = ops["get"](table, key)
    trace += [sys.getrefcount(value)]
    del got
    trace += [sys.getrefcount(value)]
    ops["set"](table, key, value)
    trace += [sys.getrefcount(key), sys.getrefcount(value)]
    ops["delete"](table, key)
    trace += [sys.getrefcount(key), sys.getrefcount(value)]
    return trace


def test_reference_counts_are_exactly_the_python_methods(probe: ModuleType, strategy: str) -> None:
    python_ops: dict[str, Callable[..., Any]] = {
        "set": HashTable.__setitem__,
        "get": HashTable.__getitem__,
        "delete": HashTable.__delitem__,
    }
    capsule_ops: dict[str, Callable[..., Any]] = {"set": probe.set, "get": probe.get, "delete": probe.delete}
    key, value = Opaque("key"), Opaque("value")
    expected = refcount_trace(HashTable(strategy=strategy), python_ops, key, value)
    got = refcount_trace(HashTable(strategy=strategy), capsule_ops, key, value)
    assert got == expected
    base_key, base_value = expected[0], expected[1]
    assert expected[:6] == [base_key, base_value, base_key + 1, base_value + 1, base_value + 2, base_value + 1]
    assert expected[6:] == [base_key + 1, base_value + 1, base_key, base_value]


def test_error_paths_leave_reference_counts_unchanged(probe: ModuleType) -> None:
    table = HashTable()
    key, value = Opaque("key"), Opaque("value")
    before = [sys.getrefcount(key), sys.getrefcount(value), sys.getrefcount(table)]
    for call in (lambda: probe.get(table, key), lambda: probe.delete(table, key), lambda: probe.get({}, key)):
        try:
            call()
        except (KeyError, TypeError):
            pass
    assert probe.contains(table, key) is False
    assert [sys.getrefcount(key), sys.getrefcount(value), sys.getrefcount(table)] == before


PYTHON_OPS: dict[str, Callable[[Any, Any], Any]] = {  # a HashTable or a dict, and a key
    "get": lambda table, key: table[key],
    "set": lambda table, key: table.__setitem__(key, "set"),
    "delete": lambda table, key: table.__delitem__(key),
    "contains": lambda table, key: key in table,
}


def capsule_op(probe: ModuleType, op: str) -> Callable[[Any, Any], Any]:
    """The probe's call for `op`, with the same arguments as PYTHON_OPS[op]."""
    if op == "set":
        return lambda table, key: probe.set(table, key, "set")
    return lambda table, key: getattr(probe, op)(table, key)


@pytest.mark.parametrize("op", list(PYTHON_OPS))
def test_a_raising_eq_or_hash_propagates_unchanged(probe: ModuleType, op: str) -> None:
    table = HashTable()
    table[HashKey(1, "stored")] = "value"
    for raising, error in [
        (HashKey(1, "eq", error_on_eq=True), EqError),
        (HashKey(1, "h", error_on_hash=True), HashError),
    ]:
        with pytest.raises(error) as through_c:
            capsule_op(probe, op)(table, raising)
        with pytest.raises(error) as through_python:
            PYTHON_OPS[op](table, raising)
        assert str(through_c.value) == str(through_python.value)
    assert dict(table.items()) == {HashKey(1, "stored"): "value"}


ACTIONS = ["delete_self", "delete_other", "insert", "grow", "clear", "replace_value"]


@pytest.mark.parametrize("probe_equal", [True, False], ids=["hit", "miss"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("op", list(PYTHON_OPS))
def test_eq_that_mutates_the_table_is_as_safe_as_from_python(
    probe: ModuleType, strategy: str, op: str, action: str, probe_equal: bool
) -> None:
    """A stored key's __eq__ reshapes the table in the middle of a capsule call:
    the outcome and the table end as a dict's do under the same Python-level call."""

    def scenario(container: Any) -> Any:
        for i in range(6):
            container[i] = f"v{i}"
        trap = HashKey(1000, "trap")
        container[trap] = "trap"
        hooks: dict[str, Callable[[], Any]] = {
            "delete_self": lambda: container.__delitem__(trap),
            "delete_other": lambda: container.__delitem__(3),
            "insert": lambda: container.__setitem__("new", "n"),
            "grow": lambda: container.update((i, i) for i in range(100, 160)),
            "clear": container.clear,
            "replace_value": lambda: container.__setitem__(trap, "replaced"),
        }
        trap.eq_hook = hooks[action]
        key = HashKey(1000, "trap" if probe_equal else "other")
        if isinstance(container, dict):
            return PYTHON_OPS[op](container, key)
        return capsule_op(probe, op)(container, key)

    model: dict[Any, Any] = {}
    table = HashTable(strategy=strategy)
    expected = outcome(model, scenario)
    got = outcome(table, scenario)
    assert got == expected
    assert canonical_items(assert_consistent(table)) == canonical_items(model.items())


def test_new_takes_the_constructor_keywords(probe: ModuleType) -> None:
    default = probe.new(None)
    assert type(default) is HashTable
    assert sys.getrefcount(default) == 2  # the name and getrefcount's argument: New gave one reference
    assert (default.size, default.max_load, default.strategy) == (4, 0.5, "chaining")
    chosen = probe.new({"size": 16, "strategy": "swiss", "hash_func": "fnv1a", "max_load": 0.75})
    assert (chosen.size, chosen.strategy, chosen.hash_func, chosen.max_load) == (16, "swiss", "fnv1a", 0.75)


@pytest.mark.parametrize("kwargs", [{"size": 0}, {"strategy": "cuckoo"}, {"bogus": 1}, {"max_load": "high"}])
def test_new_raises_as_the_constructor_does(probe: ModuleType, kwargs: dict[str, Any]) -> None:
    with pytest.raises(Exception) as from_python:
        HashTable(**kwargs)
    with pytest.raises(type(from_python.value)) as from_c:
        probe.new(kwargs)
    assert str(from_c.value) == str(from_python.value)


def test_new_refuses_kwargs_that_are_not_a_dict(probe: ModuleType) -> None:
    with pytest.raises(TypeError, match="HashTable_New: kwargs must be a dict or NULL, got list"):
        probe.new([("size", 8)])


def test_check_accepts_tables_and_subclasses_only(probe: ModuleType) -> None:
    class Sub(HashTable):
        pass

    assert probe.check(HashTable()) is True
    assert probe.check(Sub()) is True
    assert probe.check({}) is False
    assert probe.check(None) is False
    assert probe.null_argument("Check") is False


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("HashTable_GetItem", lambda p: p.get({}, 1)),
        ("HashTable_SetItem", lambda p: p.set([], 1, 2)),
        ("HashTable_DelItem", lambda p: p.delete({}, 1)),
        ("HashTable_Contains", lambda p: p.contains({}, 1)),
        ("HashTable_Len", lambda p: p.length({})),
        ("HashTable_Size", lambda p: p.size("table")),
    ],
)
def test_a_table_argument_that_is_not_a_table_is_type_error(
    probe: ModuleType, name: str, call: Callable[[ModuleType], Any]
) -> None:
    with pytest.raises(TypeError, match=f"^{name}: expected a HashTable, got "):
        call(probe)


@pytest.mark.parametrize("name", ["GetItem", "SetItem", "DelItem", "Contains", "Len", "Size", "key"])
def test_null_arguments_raise_system_error(probe: ModuleType, name: str) -> None:
    with pytest.raises(SystemError, match="must not be NULL"):
        probe.null_argument(name)


def test_size_and_len_read_the_native_state_of_a_subclass(probe: ModuleType, strategy: str) -> None:
    # The header promises the bucket count (or -1 with an exception set): a
    # subclass's `size` property or `__len__` is not what the capsule reports.
    class Lying(HashTable):
        size = property(lambda self: -5)  # type: ignore[assignment]

        def __len__(self) -> int:
            return 99

    table = Lying({1: "a", 2: "b"}, strategy=strategy)
    assert probe.size(table) == HashTable.size.__get__(table) > 0  # type: ignore[attr-defined]
    assert probe.length(table) == HashTable.__len__(table) == 2
