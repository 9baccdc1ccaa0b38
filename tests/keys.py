"""Hostile and instrumented keys shared by every test module.

In the spirit of immutables' `_testutils`: keys that force a chosen hash, so
collisions are certain, and keys that raise from `__eq__` or `__hash__` on demand.
"""

from __future__ import annotations

from collections.abc import Callable


class EqError(Exception):
    """Raised by a key's __eq__ when asked to."""


class HashError(Exception):
    """Raised by a key's __hash__ when asked to."""


class HashKey:
    """A key with a chosen hash, equal to another HashKey with the same name.

    The one home of the hooks tests use to change a table in the middle of an
    operation: `eq_hook` runs inside `__eq__` before the answer is given (at most
    `eq_hook_times` times; a lookup calls the stored key's `__eq__`), and
    `hash_hook` runs inside `__hash__`, once. `eq_calls` counts this key's
    `__eq__` calls.
    """

    def __init__(
        self,
        hash_value: int,
        name: str,
        *,
        error_on_eq: bool = False,
        error_on_hash: bool = False,
        eq_hook: Callable[[], object] | None = None,
        eq_hook_times: int = 1,
        hash_hook: Callable[[], object] | None = None,
    ) -> None:
        self.hash_value = hash_value
        self.name = name
        self.error_on_eq = error_on_eq
        self.error_on_hash = error_on_hash
        self.eq_hook = eq_hook
        self.eq_hook_times = eq_hook_times
        self.hash_hook = hash_hook
        self.eq_calls = 0

    def __hash__(self) -> int:
        if self.error_on_hash:
            raise HashError(f"hash of {self.name}")
        if self.hash_hook is not None:
            hook, self.hash_hook = self.hash_hook, None
            hook()
        return self.hash_value

    def __eq__(self, other: object) -> bool:
        self.eq_calls += 1
        if self.error_on_eq:
            raise EqError(f"eq of {self.name}")
        if self.eq_hook is not None and self.eq_hook_times > 0:
            self.eq_hook_times -= 1
            self.eq_hook()
        if not isinstance(other, HashKey):
            return NotImplemented
        if other.error_on_eq:
            raise EqError(f"eq of {other.name}")
        return self.name == other.name

    def __repr__(self) -> str:
        return f"HashKey({self.hash_value}, {self.name!r})"


def named_key(name: str, hash_hook: Callable[[], object] | None = None) -> HashKey:
    """A HashKey hashed like its name (`hash_hook`, if given, runs in its first `__hash__`)."""
    return HashKey(hash(name), name, hash_hook=hash_hook)


def colliding(count: int, hash_value: int = 7) -> list[HashKey]:
    """`count` distinct keys that all share one hash."""
    return [HashKey(hash_value, f"k{i}") for i in range(count)]


def constant_hash(_key: object) -> int:
    """The worst hash function: every key collides."""
    return 42


def low_bits_hash(key: object) -> int:
    """Python's hash, kept to 8 values: long chains on purpose."""
    return hash(key) & 7


def python_level_hash(key: object) -> int:
    """Python's hash, called through Python code, to exercise the callback path."""
    return hash(key)
