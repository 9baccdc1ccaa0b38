"""How often the lab's stated differences reverse between runs, for several MIN_GAP floors.

    .venv/bin/python scripts/lab_noise_check.py [--runs 3]

Runs `hashtable.lab.run(quick=True, scale=False)` several times, then, for random
pairs of configurations measured in every run, counts how often the noise rule
states a difference (a "statement") and how often two runs state opposite ones
(a "reversal"). The floor that keeps reversals rare without dropping many
statements is what `noise.MIN_GAP` is set to.
"""

from __future__ import annotations

import argparse
import itertools
import random
from typing import Any

from hashtable import lab
from hashtable.lab.noise import cell, differs

COLUMNS = ("native_lookup_hit_ns", "native_insert_ns", "lookup_hit_ns", "insert_ns")
FLOORS = (0.0, 0.02, 0.03, 0.05, 0.08)
PAIRS = 3000


def _key(row: dict[str, Any]) -> tuple[object, ...]:
    return tuple(row[name] for name in ("experiment", "workload", "n", "hash", "strategy", "max_load", "initial_size"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="quick lab runs to compare (default 3)")
    runs = parser.parse_args().runs
    tables = [{_key(row): row for row in lab.run(quick=True, scale=False)} for _ in range(runs)]
    print(f"{'floor':>6} {'column':<22} {'statements':>10} {'reversals':>9}")
    for column in COLUMNS:
        keys = [k for k in tables[0] if all(k in t and t[k][column] is not None for t in tables)]
        every_pair = list(itertools.combinations(keys, 2))
        pairs = random.Random(0).sample(every_pair, min(PAIRS, len(every_pair)))  # the same pairs for every floor
        for floor in FLOORS:
            statements = reversals = 0
            for a, b in pairs:
                signs = set()
                for table in tables:
                    first, second = cell(table[a], column), cell(table[b], column)
                    if first is not None and second is not None and differs(first, second, floor):
                        statements += 1
                        signs.add(first.best < second.best)
                reversals += len(signs) == 2
            print(f"{floor:>6.2f} {column:<22} {statements:>10} {reversals:>9}")


if __name__ == "__main__":
    main()
