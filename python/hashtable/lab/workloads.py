"""The keys the lab inserts, looks up and deletes; all generated or found on this machine.

Every workload gives two disjoint lists drawn from the same distribution: the keys
that go into the table, and as many again (half as many) keys that do not, for
failed lookups. Nothing is downloaded. `names`, the default, is every distinct
identifier in the running Python's standard library, read with `tokenize`: real
keys with the length spread of real programs, which is what makes the original
C hash (a string hashes to its length) collapse.
"""

from __future__ import annotations

import json
import keyword
import math
import os
import random
import string
import sys
import sysconfig
import tokenize
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

WORKLOADS: tuple[str, ...] = ("names", "ints", "random-ints", "floats", "strings", "adversarial")

DESCRIPTIONS: dict[str, str] = {
    "names": "distinct identifiers from this Python's standard-library source",
    "ints": "the ints 0..n-1 (misses: n, n+1, ...)",
    "random-ints": "random ints below 2**62",
    "floats": "random floats below n, one in ten of them integral (like 7.0)",
    "strings": "random ASCII strings, 1 to 24 characters long",
    "adversarial": "multiples of 2**40 and strings that all have 12 characters, alternating",
}

# Bump when the cache file's layout or the way names are collected changes.
_CACHE_FORMAT = 1
# Directories under the stdlib path that are not the standard library.
_SKIP_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})


@dataclass(frozen=True)
class Workload:
    """Keys to insert (`keys`) and keys known to be absent (`missing`).

    Hashable under the table's own equality: the `identity` workload's lists are keys
    of `HashTable(eq="identity")`. `lookups`, when given, are what lookups and deletes
    use in place of `keys`, position by position (another spelling of each key).
    """

    name: str
    keys: list[Hashable]
    missing: list[Hashable]
    note: str = ""
    lookups: list[Hashable] | None = None

    @property
    def n(self) -> int:
        return len(self.keys)

    @property
    def lookup_keys(self) -> list[Hashable]:
        return self.keys if self.lookups is None else self.lookups

    def prefix(self, n: int) -> Workload:
        """The first `n` keys (and a matching share of the missing keys)."""
        if n >= self.n:
            return self
        lookups = None if self.lookups is None else self.lookups[:n]
        return Workload(self.name, self.keys[:n], self.missing[: missing_count(n)], self.note, lookups)


def missing_count(n: int) -> int:
    """How many absent keys a workload of `n` keys gets for failed lookups."""
    return max(1, n // 2)


def make_workload(name: str, n: int, seed: int) -> Workload:
    """Build workload `name` with (at most, for `names`) `n` keys from `seed`."""
    if name not in WORKLOADS:
        raise ValueError(f"unknown workload {name!r}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    total = n + missing_count(n)
    rng = random.Random(f"{name}:{seed}")
    if name == "names":
        return _names_workload(n, rng)
    keys: list[Hashable]
    if name == "ints":
        keys = list(range(total))
    elif name == "random-ints":
        keys = list(rng.sample(range(2**62), total))
    elif name == "floats":
        keys = _distinct(_floats(rng, n), total)
    elif name == "strings":
        keys = _distinct(_strings(rng, 1, 24), total)
    else:
        keys = _adversarial(rng, total)
    return Workload(name, keys[:n], keys[n:])


def _distinct(source: Iterator[Hashable], count: int) -> list[Hashable]:
    seen: dict[Hashable, None] = {}
    while len(seen) < count:
        seen.setdefault(next(source), None)
    return list(seen)


def _floats(rng: random.Random, n: int) -> Iterator[Hashable]:
    high = max(n, 10)
    while True:
        if rng.random() < 0.1:
            yield float(rng.randrange(high))
        else:
            yield rng.uniform(0.0, high)


def _strings(rng: random.Random, shortest: int, longest: int) -> Iterator[Hashable]:
    alphabet = string.ascii_letters + string.digits
    while True:
        length = rng.randint(shortest, longest)
        yield "".join(rng.choices(alphabet, k=length))


def _adversarial(rng: random.Random, total: int) -> list[Hashable]:
    # Ints with their low 40 bits clear: hash(k) == k, so `index="mask"` (and any
    # hash that keeps low bits) puts them all in bucket 0. Strings of one length:
    # the original C hash gives them all the same value.
    int_count = (total + 1) // 2
    ints = [i << 40 for i in rng.sample(range(1, max(2**20, 2 * int_count)), int_count)]
    strings = _distinct(_strings(rng, 12, 12), total - int_count)
    mixed: list[Hashable] = []
    for i in range(total):
        mixed.append(ints[i // 2] if i % 2 == 0 else strings[i // 2])
    return mixed


def _names_workload(n: int, rng: random.Random) -> Workload:
    wanted = n + missing_count(n)
    names = stdlib_names(wanted)
    note = ""
    if len(names) < wanted:
        # Keep two keys present for each absent one, as the full-size split does.
        n = max(1, math.ceil(len(names) * 2 / 3))
        note = f"the standard library holds only {len(names)} distinct identifiers, so names uses n={n}"
    chosen = list(names[: n + missing_count(n)])
    rng.shuffle(chosen)
    keys: list[Hashable] = list(chosen[:n])
    return Workload("names", keys, list(chosen[n:]), note)


# --- the standard library's identifiers -------------------------------------------------


@dataclass
class _NameCache:
    """Identifiers in first-seen order, and how far through the file list they come from."""

    names: list[str] = field(default_factory=list)
    files_done: int = 0
    complete: bool = False
    loaded: bool = False


_CACHE = _NameCache()


def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def cache_dir() -> Path:
    """$HASHTABLE_LAB_CACHE if set, else hashtable-lab/ under the user's cache directory."""
    chosen = os.environ.get("HASHTABLE_LAB_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None)
    return (Path(base) if base else Path.home() / ".cache") / "hashtable-lab"


def cache_path() -> Path:
    """The cache file of stdlib names for this Python version."""
    impl = sys.implementation.name
    version = ".".join(str(part) for part in sys.version_info[:3])
    return cache_dir() / f"stdlib-names-{impl}-{version}.json"


def _stdlib_files(root: Path) -> list[Path]:
    """Every .py file under `root`, in a fixed order (top-level modules first)."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        files.extend(Path(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
    return files


def identifiers_in(path: Path) -> list[str]:
    """The identifiers (keywords excluded) in one source file, in order of appearance.

    Raises whatever reading or tokenizing raises; `stdlib_names` skips such files.
    """
    found: dict[str, None] = {}
    with tokenize.open(path) as source:
        for token in tokenize.generate_tokens(source.readline):
            if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
                found.setdefault(token.string, None)
    return list(found)


def _cache_key() -> dict[str, object]:
    return {
        "format": _CACHE_FORMAT,
        "implementation": sys.implementation.name,
        "version": list(sys.version_info[:3]),
        "stdlib": str(stdlib_root()),
    }


def _load_cache_file() -> None:
    _CACHE.loaded = True
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(data, dict) or any(data.get(k) != v for k, v in _cache_key().items()):
        return
    names = data.get("names")
    files_done = data.get("files_done")
    if not isinstance(names, list) or not isinstance(files_done, int):
        return
    if not all(isinstance(name, str) for name in names):
        return
    _CACHE.names = names
    _CACHE.files_done = files_done
    _CACHE.complete = bool(data.get("complete"))


def _save_cache_file() -> None:
    path = cache_path()
    data = dict(_cache_key())
    data.update(names=_CACHE.names, files_done=_CACHE.files_done, complete=_CACHE.complete)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        scratch.write_text(json.dumps(data), encoding="utf-8")
        os.replace(scratch, path)
    except OSError:
        pass  # A cache we cannot write only costs time on the next run.


def stdlib_names(wanted: int) -> list[str]:
    """At least `wanted` distinct stdlib identifiers (all of them if there are fewer).

    The list is kept for the life of the process and in a file under the user's
    cache directory, keyed by Python version; reading stops as soon as there are
    enough, and a later call that wants more resumes where the last one stopped.
    Files that fail to read or tokenize are skipped.
    """
    if not _CACHE.loaded:
        _load_cache_file()
    if len(_CACHE.names) >= wanted or _CACHE.complete:
        return _CACHE.names
    files = _stdlib_files(stdlib_root())
    seen = dict.fromkeys(_CACHE.names)
    for path in files[_CACHE.files_done :]:
        try:
            found = identifiers_in(path)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError, tokenize.TokenError):
            found = []
        for name in found:
            seen.setdefault(name, None)
        _CACHE.files_done += 1
        if len(seen) >= wanted:
            break
    _CACHE.names = list(seen)
    _CACHE.complete = _CACHE.files_done >= len(files)
    _save_cache_file()
    return _CACHE.names


def reset_name_cache() -> None:
    """Forget the in-process copy of the names (tests use this)."""
    global _CACHE
    _CACHE = _NameCache()
