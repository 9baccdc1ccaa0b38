"""The package as a user meets it: help, signatures, types, version and public names."""

from __future__ import annotations

import builtins
import doctest
import importlib.metadata
import inspect
import pydoc
import re
import runpy
import subprocess
import sys
import tomllib
import typing
from pathlib import Path
from typing import Any

import hashtable
import pytest
from hashtable import HashTable

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "hashtable-engine"

# Dunder methods of our own (not slot wrappers, whose docs CPython supplies).
OWN_DUNDERS = ("__copy__", "__reduce__", "__setstate__", "__sizeof__", "__class_getitem__")


def public_names(cls: type) -> list[str]:
    return [name for name in dir(cls) if not name.startswith("_")]


DOCUMENTED_CLASSES = [
    HashTable,
    hashtable.HashTableIterator,
    hashtable.HashTableKeys,
    hashtable.HashTableValues,
    hashtable.HashTableItems,
]


@pytest.mark.parametrize("cls", DOCUMENTED_CLASSES, ids=lambda cls: cls.__name__)
def test_every_public_name_has_a_docstring(cls: type) -> None:
    assert cls.__doc__ and cls.__doc__.strip(), f"{cls.__name__} has no docstring"
    own = OWN_DUNDERS if cls is HashTable else ()
    missing = [name for name in [*public_names(cls), *own] if not (getattr(cls, name).__doc__ or "").strip()]
    assert missing == []


def test_every_exported_class_has_a_docstring() -> None:
    for name in hashtable.__all__:
        value = getattr(hashtable, name)
        if isinstance(value, type):
            assert (value.__doc__ or "").strip(), name


def test_help_is_a_full_page() -> None:
    page = pydoc.render_doc(HashTable, renderer=pydoc.plaintext)
    assert len(page.splitlines()) > 150
    for parameter in ("size", "max_load", "hash_func", "strategy", "index", "growth", "min_load"):
        assert re.search(rf"^\s*\|\s+{parameter}\s", page, re.M), f"{parameter} is not described"


def test_stats_docstring_describes_every_key() -> None:
    doc = HashTable.stats.__doc__ or ""
    for key in HashTable().stats():
        assert re.search(rf"^  {key}\s", doc, re.M), f"stats() does not document {key!r}"


def test_class_docstring_example_runs() -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(HashTable.__doc__ or "", {}, "HashTable", None, 0)
    assert len(test.examples) >= 4
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0


def test_signature_shows_the_runtime_defaults() -> None:
    parameters = inspect.signature(HashTable).parameters
    assert parameters["data"].kind is inspect.Parameter.POSITIONAL_ONLY
    assert parameters["data"].default is None
    defaults = {
        name: parameter.default
        for name, parameter in parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    assert set(defaults) == {"size", "max_load", "hash_func", "strategy", "index", "growth", "min_load", "key", "eq"}
    made = HashTable()
    for name, default in defaults.items():
        if name == "hash_func":
            assert default is None and made.hash_func is builtins.hash
        else:
            assert getattr(made, name) == default, name
            assert type(getattr(made, name)) is type(default), name
    # Passing the shown defaults explicitly builds the same table as passing nothing.
    explicit = HashTable(**defaults)
    assert explicit.stats() == made.stats()


def test_method_signatures_are_real() -> None:
    assert str(inspect.signature(HashTable.get)) == "(self, /, key, default=None)"
    assert str(inspect.signature(HashTable.picture)) == "(self, /, limit=None)"


def test_table_stats_type_matches_stats() -> None:
    hints = typing.get_type_hints(hashtable.TableStats)
    for strategy in hashtable.STRATEGIES:
        table = HashTable({n: n for n in range(50)}, strategy=strategy)
        del table[0]  # a tombstone where the strategy leaves one
        stats = table.stats()
        assert list(stats) == list(hints), strategy
        for key, value in stats.items():
            expected = typing.get_origin(hints[key]) or hints[key]
            if expected is typing.Literal:
                assert value in typing.get_args(hints[key]), key
            else:
                assert isinstance(value, expected), (key, value)


@pytest.mark.parametrize(
    ("alias", "runtime"),
    [
        (hashtable.StrategyName, hashtable.STRATEGIES),
        (hashtable.IndexName, hashtable.INDEXES),
        (hashtable.HashFuncName, hashtable.HASH_FUNCTIONS),
    ],
    ids=["StrategyName", "IndexName", "HashFuncName"],
)
def test_literal_names_equal_the_runtime_names(alias: Any, runtime: tuple[str, ...]) -> None:
    assert typing.get_args(alias) == runtime


def test_version_has_one_source() -> None:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    assert hashtable.__version__ == cargo["workspace"]["package"]["version"]
    assert hashtable.__version__ == importlib.metadata.version(DISTRIBUTION)


def test_lab_prints_its_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hashtable.lab", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout == f"hashtable-lab {hashtable.__version__}\n"


def test_dir_lists_only_the_public_api() -> None:
    code = "import hashtable; print(' '.join(n for n in dir(hashtable) if not n.startswith('_')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == sorted(hashtable.__all__)


def test_install_hints_name_the_distribution() -> None:
    """The index's `hashtable` is another project: every hint names ours."""
    sources = [*ROOT.joinpath("python").rglob("*.py"), ROOT / "README.md"]
    for source in sources:
        text = source.read_text()
        assert not re.search(r"pip install \S*hashtable(?!-engine)\b", text), source
    assert "pip install hashtable-engine" in (ROOT / "README.md").read_text()


def test_typed_user_code_runs() -> None:
    """tests/typecheck/user_code.py passes mypy --strict (make lint) and runs as typed."""
    runpy.run_path(str(ROOT / "tests" / "typecheck" / "user_code.py"), run_name="__main__")
