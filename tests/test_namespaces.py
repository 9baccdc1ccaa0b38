"""HashTable as a namespace: the locals of `exec` and `eval`, and a class body's namespace
through a metaclass's `__prepare__`, over every strategy.

CPython reads and writes a non-dict locals mapping through the mapping protocol
(`STORE_NAME` is `locals[name] = value`, `LOAD_NAME` tries `locals[name]` and falls
back to the globals on KeyError), so the table only has to behave like dict. What
must stay a real dict is checked too: the globals of `exec` and the namespace
`type.__new__` receives.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import hashtable
import pytest
from hashtable import HashTable, StrategyName

MakeTable = Callable[..., HashTable[Any, Any]]

MODULE_SOURCE = """
base = 10
names = ['alpha', 'beta', 'gamma']
lengths = [len(name) for name in names]
total = base + sum(lengths)
doomed = 'gone soon'
del doomed
def scaled(factor):
    return factor * 2
result = scaled(total)
"""


def keeps_insertion_order(strategy: str) -> bool:
    return bool(hashtable.STRATEGY_INFO[cast(StrategyName, strategy)]["insertion_ordered"])


# --- exec and eval with a HashTable as locals -------------------------------------------


def test_exec_reads_and_writes_names_in_the_table(make_table: MakeTable) -> None:
    namespace = make_table()
    exec(MODULE_SOURCE, {}, namespace)
    expected: dict[str, Any] = {}
    exec(MODULE_SOURCE, {}, expected)
    assert namespace.pop("scaled")(4) == 8  # functions defined by the body are distinct objects
    del expected["scaled"]
    assert namespace == expected
    assert namespace["total"] == 24 and namespace["result"] == 48
    assert "doomed" not in namespace  # `del` went through the table


def test_names_already_in_the_table_are_read_and_rebound(make_table: MakeTable) -> None:
    namespace = make_table({"counter": 1, "step": 5})
    exec("counter += step\ncounter *= 2", {}, namespace)
    assert namespace == {"counter": 12, "step": 5}


def test_a_missing_name_is_a_name_error(make_table: MakeTable) -> None:
    namespace = make_table({"present": 1})
    with pytest.raises(NameError, match="name 'absent' is not defined"):
        exec("present + absent", {}, namespace)
    with pytest.raises(NameError, match="name 'absent' is not defined"):
        eval("absent", {}, namespace)
    with pytest.raises(NameError, match="name 'absent' is not defined"):
        exec("del absent", {}, namespace)
    assert namespace == {"present": 1}


def test_lookup_falls_back_to_globals_then_builtins(make_table: MakeTable) -> None:
    namespace = make_table({"shadowed": "local"})
    found = eval("(shadowed, only_global, len('abc'))", {"shadowed": "global", "only_global": 2}, namespace)
    assert found == ("local", 2, 3)


def test_eval_sees_the_tables_names(make_table: MakeTable) -> None:
    namespace = make_table({"x": 6, "y": 7})
    assert eval("x * y", {}, namespace) == 42
    assert eval("[k for k in sorted(names)]", {}, make_table({"names": {"b", "a"}})) == ["a", "b"]


def test_comprehensions_see_the_table_as_dict_locals_are_seen(make_table: MakeTable) -> None:
    # A comprehension is a function: its first iterable is evaluated in the exec's scope
    # (the table), its body sees only the globals, exactly as with a dict as locals.
    source = "squares = {n: n * n for n in numbers}\nevens = [n for n in numbers if n % 2 == 0]"
    namespace = make_table({"numbers": range(5)})
    exec(source, {}, namespace)
    assert namespace["squares"] == {0: 0, 1: 1, 2: 4, 3: 9, 4: 16}
    assert namespace["evens"] == [0, 2, 4]
    body_reads_a_local = "scale = 3\ntripled = [n * scale for n in range(3)]"
    locals_mappings: tuple[Any, ...] = ({}, make_table())
    for locals_mapping in locals_mappings:
        with pytest.raises(NameError, match="name 'scale' is not defined"):
            exec(body_reads_a_local, {}, locals_mapping)


def test_locals_inside_exec_is_the_table(make_table: MakeTable) -> None:
    namespace = make_table()
    exec("a = 1\nseen = locals()\nseen_vars = vars()", {}, namespace)
    assert namespace["seen"] is namespace and namespace["seen_vars"] is namespace
    namespace.pop("seen"), namespace.pop("seen_vars")  # break the cycles


def test_many_names_grow_the_table_under_exec(make_table: MakeTable) -> None:
    namespace = make_table(size=4)
    exec("\n".join(f"name_{i} = {i}" for i in range(500)), {}, namespace)
    assert len(namespace) == 500 and namespace["name_499"] == 499
    assert namespace.stats()["resizes"] > 0


def test_exec_globals_must_be_a_real_dict(make_table: MakeTable) -> None:
    with pytest.raises(TypeError, match="globals must be a dict"):
        exec("x = 1", make_table())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="globals must be a real dict"):
        eval("1", make_table())  # type: ignore[arg-type]


# --- a class body through __prepare__ -----------------------------------------------------


class TableNamespace(type):
    """Classes whose body runs in a HashTable; `__prepare__`'s strategy keyword picks it.

    `type.__new__` takes only a real dict (it builds the type's own `__dict__` from it),
    so the body's table is converted on the way in and kept as `__body__`.
    """

    @classmethod
    def __prepare__(mcs, name: str, bases: tuple[type, ...], /, **kwargs: Any) -> HashTable[str, Any]:
        return HashTable(strategy=kwargs.get("strategy", "chaining"))

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: HashTable[str, Any], **kwargs: Any) -> type:
        cls = super().__new__(mcs, name, bases, dict(namespace))
        cls.__body__ = namespace  # type: ignore[attr-defined]
        return cls

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: HashTable[str, Any], **kwargs: Any) -> None:
        super().__init__(name, bases, dict(namespace))


def make_classes(strategy: str) -> tuple[Any, Any]:
    class Shape(metaclass=TableNamespace, strategy=strategy):
        sides = 0

        def __init__(self, size: float) -> None:
            self.size = size

        def describe(self) -> str:
            return f"{type(self).__name__} of size {self.size}"

    class Square(Shape, metaclass=TableNamespace, strategy=strategy):
        sides = 4

        def describe(self) -> str:
            return super().describe() + f" with {self.sides} sides"

        @property
        def area(self) -> float:
            return self.size * self.size

        @area.setter
        def area(self, value: float) -> None:
            self.size = value**0.5

        @staticmethod
        def unit() -> Square:
            return Square(1)

        @classmethod
        def named(cls) -> str:
            return cls.__qualname__

    return Shape, Square


def test_a_class_body_runs_in_a_hashtable(strategy: str) -> None:
    shape, square = make_classes(strategy)
    body = square.__body__
    assert isinstance(body, HashTable) and body.strategy == strategy
    assert {"sides", "describe", "area", "unit", "named", "__qualname__", "__module__"} <= set(body)
    assert "__classcell__" in body  # super() needs it, and type.__new__ got it
    s = square(3)
    assert s.describe() == "Square of size 3 with 4 sides"  # super() through __classcell__
    assert s.area == 9
    s.area = 16
    assert s.size == 4.0
    assert square.unit().size == 1 and square.named().endswith("Square")
    assert issubclass(square, shape) and shape(2).describe() == "Shape of size 2"
    assert isinstance(vars(square)["area"], property)


def test_the_order_of_definition(strategy: str) -> None:
    _, square = make_classes(strategy)
    body = square.__body__
    defined = ["__module__", "__qualname__", "sides", "describe", "area", "unit", "named", "__classcell__"]
    assert sorted(body) == sorted(defined)
    if keeps_insertion_order(strategy):
        assert list(body) == defined
        # The class's own __dict__ follows the table's order, so it keeps the body's order too
        # (type.__new__ takes __qualname__ and __classcell__ out of it).
        kept = [name for name in defined if name not in ("__qualname__", "__classcell__")]
        assert [name for name in vars(square) if name in defined] == kept


def test_type_new_needs_a_real_dict(make_table: MakeTable) -> None:
    with pytest.raises(TypeError, match="must be dict, not hashtable.HashTable"):
        type("Direct", (), make_table({"x": 1}))  # type: ignore[call-overload]


# --- key=str.casefold: a case-insensitive namespace ---------------------------------------


def test_a_casefold_table_is_a_case_insensitive_namespace(make_table: MakeTable) -> None:
    # Needs HashTable(key=...) (issue 10): until it exists, construction raises TypeError.
    namespace = make_table(key=str.casefold)
    exec("Total = 1\nTOTAL += 1\nresult = total * 10\nStraße = 'street'\ndel RESULT", {}, namespace)
    assert sorted(namespace) == ["Straße", "Total"]  # the first spelling is the one kept
    assert namespace["total"] == 2 and namespace["TOTAL"] == 2
    assert eval("STRASSE", {}, namespace) == "street"  # casefold, not lower: ß folds to ss
    assert namespace.getitem("tOtAl") == ("Total", 2)
    with pytest.raises(NameError, match="name 'results' is not defined"):
        exec("results", {}, namespace)


# --- examples/namespaces.py (make namespaces) -----------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "namespaces.py"


def test_the_namespaces_example_runs_and_draws_every_picture() -> None:
    # A fixed PYTHONHASHSEED makes the python-hash pictures the same on every run.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, env=environment, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "How CPython stores names" in out and "SipHash-1-3" in out
    names = re.search(r"namespace holds (\d+) names: (.*)", out)
    assert names is not None
    listed = names.group(2).split(", ")
    assert int(names.group(1)) == len(listed) == 15
    assert {"TAX_RATE", "price_with_tax", "Basket", "taxed", "math", "Counter", "__doc__"} <= set(listed)
    assert "name" not in listed and "price" not in listed  # the module's `del` reached the table
    assert "taxed = {'apple': 0.6, 'bread': 2.7, 'cheese': 9.36, 'dates': 4.92}" in out
    heading = "python, chaining    python, linear      seed, chaining      seed, linear"
    assert heading in out
    picture = out.split(heading + "\n")[1].split("\n\n")[0].splitlines()
    assert len(picture) == 32  # one line per bucket
    stars = [0, 0, 0, 0]
    for line in picture:
        cells = line.split()
        assert all(re.fullmatch(r"\[\](\*\d*\+?)*", c) for c in cells), line
        for column, start in enumerate(range(0, 80, 20)):
            stars[column] += line[start : start + 20].count("*")
    assert stars == [15, 15, 15, 15]  # every name drawn once in every picture
    longest = {
        (m.group(1), m.group(2)): int(m.group(3))
        for m in re.finditer(r"hash (\w+), (\w+): longest chain or probe (\d+)", out)
    }
    assert set(longest) == {(h, s) for h in ("python", "seed") for s in ("chaining", "linear")}
    # seed hashes a name to its length: every length's names share one chain.
    biggest_group = max(Counter(len(name) for name in listed).values())
    assert longest[("seed", "chaining")] >= biggest_group > longest[("python", "chaining")]
    assert re.search(r"the \d+ names of \d+ characters \(.+\) all share one home bucket", out)
