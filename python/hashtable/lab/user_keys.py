"""The user's own keys: `--keys FILE` on the command line, or `run(keys=...)` in Python.

A text file holds one key per line (a str; blank lines are skipped); a CSV file
(`.csv`, or any file given with `--column`) gives the values of one column;
`--int` parses every key as an int. Duplicates are dropped, keeping the first
occurrence. Two thirds of the distinct keys are inserted, the other third is
kept apart for failed lookups, as with the `names` workload.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import LabError
from .workloads import Workload

# Fewer distinct keys than this leave nothing to look up or to miss.
MIN_KEYS = 3


@dataclass(frozen=True)
class KeysFile:
    """Where `--keys` reads from, and how."""

    path: Path
    column: str | None = None
    as_int: bool = False

    @property
    def is_csv(self) -> bool:
        return self.column is not None or self.path.suffix.lower() == ".csv"

    @property
    def name(self) -> str:
        return f"file:{self.path.name}"


def read_keys(spec: KeysFile) -> list[Hashable]:
    """Every key in the file, in order, duplicates included; LabError names any problem."""
    try:
        with spec.path.open(newline="", encoding="utf-8") as handle:
            texts = _csv_column(handle, spec) if spec.is_csv else _lines(handle)
            return [_parse(text, spec, where) for where, text in texts]
    except OSError as exc:
        raise LabError(f"--keys {spec.path}: cannot read it: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise LabError(f"--keys {spec.path}: not UTF-8 text") from None


def _lines(handle: Iterable[str]) -> list[tuple[str, str]]:
    found = []
    for number, line in enumerate(handle, 1):
        text = line.rstrip("\r\n")
        if text.strip():
            found.append((f"line {number}", text))
    return found


def _csv_column(handle: Iterable[str], spec: KeysFile) -> list[tuple[str, str]]:
    reader = csv.DictReader(handle)
    columns = list(reader.fieldnames or [])
    if spec.column is None:
        raise LabError(f"--keys {spec.path} is a CSV file: choose a column with --column ({', '.join(columns)})")
    if spec.column not in columns:
        listed = ", ".join(columns) or "none: the file is empty"
        raise LabError(f"--keys {spec.path}: no column {spec.column!r} (columns: {listed})")
    found = []
    for record in reader:
        value = record.get(spec.column)
        if value is not None and value.strip():
            found.append((f"line {reader.line_num}", value))
    return found


def _parse(text: str, spec: KeysFile, where: str) -> Hashable:
    if not spec.as_int:
        return text
    try:
        return int(text.strip().replace("_", ""))
    except ValueError:
        raise LabError(f"--keys {spec.path}, {where}: {text.strip()[:40]!r} is not an int (--int)") from None


def split_keys(name: str, keys: Iterable[Hashable], seed: int, source: str) -> Workload:
    """A workload from the user's keys: distinct, shuffled with `seed`, 2/3 inserted.

    Raises LabError (or TypeError for an unhashable key) with the counts it found.
    """
    listed = list(keys)
    distinct = list(dict.fromkeys(listed))
    dropped = len(listed) - len(distinct)
    if len(distinct) < MIN_KEYS:
        raise LabError(f"{source}: {len(distinct)} distinct keys; the lab needs at least {MIN_KEYS}")
    random.Random(f"{name}:{seed}").shuffle(distinct)
    n = math.ceil(len(distinct) * 2 / 3)
    note = (
        f"{source}: {len(listed):,} keys, {len(distinct):,} distinct ({dropped:,} duplicates dropped); "
        f"{n:,} inserted, {len(distinct) - n:,} kept apart for failed lookups"
    )
    return Workload(name, distinct[:n], distinct[n:], note)


def load_keys_file(spec: KeysFile, seed: int) -> Workload:
    return split_keys(spec.name, read_keys(spec), seed, f"--keys {spec.path}")
