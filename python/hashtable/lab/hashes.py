"""The hash functions the lab compares, and loading the user's own.

Four kinds, each under one name in every table, CSV row and plot:

* ``python``: Python's built-in ``hash``, the table's default (``hash_func=None``).
* every native named hash in ``hashtable.HASH_FUNCTIONS``, passed to the table as
  its name and run in Rust: ``seed`` is the original C table's default hash.
* ``seed-py`` and ``awesome``: Python functions written here, called for every
  key (so they also show what a Python-level callback costs). ``seed-py`` is the
  same rule as the native ``seed``; ``awesome`` is the talk's hash.
* ``module:function``, any callable the user names on the command line.
"""

from __future__ import annotations

import importlib
import math
import os
import sys
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import hashtable
from hashtable._hashtable import _hash_descriptions

from .errors import LabError

# Knuth's multiplicative constant, 2**32 / phi rounded to an odd integer (TAOCP 6.4).
KNUTH_MULTIPLIER = 2654435761


def seed_hash(key: Hashable) -> int:
    """The original C table's default hash: an int is itself, a float its floor,
    a string its length. Every string of one length collides."""
    if isinstance(key, int):
        return key
    if isinstance(key, float):
        return math.floor(key)
    if isinstance(key, str):
        return len(key)
    raise TypeError(f"seed hashes int, float and str keys, not {type(key).__name__}")


def awesome_hash(key: Hashable) -> int:
    """The talk's "awesome" hash: Knuth's multiplicative hash (mod 2**32) for numbers,
    and for strings the decimal digits of each character's code, concatenated
    ("ab" -> int("9798") == 9798; "" -> 0)."""
    if isinstance(key, int | float):
        return (math.floor(key) * KNUTH_MULTIPLIER) % 2**32
    if isinstance(key, str):
        return int("".join(str(ord(c)) for c in key)) if key else 0
    raise TypeError(f"awesome hashes int, float and str keys, not {type(key).__name__}")


HashFunc = Callable[[Any], object]
# The lab's name for Python's built-in hash (hash_func=None), as `hashtable.HASH_FUNCTIONS` names it.
BUILTIN = "python"


@dataclass(frozen=True)
class HashChoice:
    """One hash function under test: its name and what `HashTable(hash_func=...)` gets."""

    name: str
    hash_func: HashFunc | str | None
    origin: str  # "builtin", "python" (written here), "native" or "user"
    description: str


def _native_names() -> tuple[str, ...]:
    return tuple(getattr(hashtable, "HASH_FUNCTIONS", ()))


PYTHON_SUFFIX = "-py"
# What each named native hash is: the core's registry says (`hashes!` in hash_functions).
NATIVE_DESCRIPTIONS = dict(_hash_descriptions())


def builtin_choices() -> list[HashChoice]:
    """Every hash the lab knows by name, in the order tables and plots list them."""
    choices = [HashChoice(BUILTIN, None, "builtin", "Python's built-in hash()")]
    for native in _native_names():
        if native == BUILTIN:
            continue  # hash_func="python" is Python's own hash, already listed first
        described = NATIVE_DESCRIPTIONS.get(native, native)
        choices.append(HashChoice(native, native, "native", f"{described} (native, Rust)"))
    choices += [
        HashChoice(
            "seed" + PYTHON_SUFFIX,
            seed_hash,
            "python",
            "the same rule as seed, written in Python and called for every key",
        ),
        HashChoice(
            "awesome",
            awesome_hash,
            "python",
            "the talk's: Knuth multiplicative for numbers, decimal ord() codes for str (Python)",
        ),
    ]
    return choices


def hash_names() -> list[str]:
    return [choice.name for choice in builtin_choices()]


def resolve_hashes(specs: Sequence[str] | None) -> list[HashChoice]:
    """The hash functions named on the command line; all known ones when `specs` is None.

    Raises LabError (one line) for an unknown name or a `module:function` that
    cannot be imported or is not callable.
    """
    known = {choice.name: choice for choice in builtin_choices()}
    if specs is None:
        return list(known.values())
    chosen: dict[str, HashChoice] = {}
    for spec in specs:
        if spec in known:
            chosen.setdefault(spec, known[spec])
        elif ":" in spec:
            chosen.setdefault(spec, load_user_hash(spec))
        else:
            raise LabError(f"unknown hash function {spec!r}: choose from {', '.join(known)}, or give module:function")
    return list(chosen.values())


def load_user_hash(spec: str) -> HashChoice:
    """Import `module:function` (the function may be a dotted path, `mod:Class.method`)."""
    module_name, _, attr_path = spec.partition(":")
    if not module_name or not attr_path:
        raise LabError(f"--hash {spec!r}: expected module:function, e.g. mypkg.hashes:fnv")
    # `python -m` puts the working directory on sys.path; the console script does not.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.append(os.getcwd())
    try:
        target: object = importlib.import_module(module_name)
    except Exception as exc:  # any import failure is the user's to fix
        raise LabError(
            f"--hash {spec}: cannot import module {module_name!r}: {type(exc).__name__}: {_one_line(exc)}"
        ) from None
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise LabError(f"--hash {spec}: module {module_name!r} has no attribute {attr_path!r}") from None
    if not callable(target):
        raise LabError(f"--hash {spec}: {attr_path!r} is a {type(target).__name__}, not a callable")
    func: HashFunc = target
    return HashChoice(spec, func, "user", f"{spec} (user function)")


@dataclass(frozen=True)
class BadKey:
    """A key a Python-level hash function raised on or returned a non-int for."""

    key: Hashable
    error: str


def first_bad_key(func: HashFunc, keys: Sequence[Hashable]) -> BadKey | None:
    """Call `func` on every key; the first one it fails on, or None."""
    for key in keys:
        try:
            value = func(key)
        except Exception as exc:  # reported, never swallowed
            return BadKey(key, f"raised {type(exc).__name__}: {_one_line(exc)}")
        if not isinstance(value, int):
            return BadKey(key, f"returned {type(value).__name__} {short_repr(value)}, not an int")
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else "(no message)"


def short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
