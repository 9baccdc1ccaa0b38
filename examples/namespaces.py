"""A small module run with a HashTable as its namespace, then where its names landed.

How CPython stores names: a module's globals, a class's attributes and an instance's
attributes are dicts keyed by str (the instances of one class share one table of keys,
PEP 412). The compiler interns the identifiers it reads, so one name is one str object
everywhere, and a str keeps its hash in the object once computed: a name lookup reads
that cached hash, probes the dict, and usually settles on identity before it needs `==`.
Since 3.11 the specialising interpreter also remembers where a global was found, and skips
even that until the dict's keys change.

Why string hashing matters there: the hash picks the bucket. A hash that gives many names
one value (the original C table's hashed a string to its length) sends every lookup down
the same chain, as the pictures below show; and CPython hashes str with SipHash-1-3 under
a random key per process (PYTHONHASHSEED), so names an attacker chooses (JSON keys, form
fields, keyword arguments) cannot be made to collide.

`exec(source, globals, table)` runs the module's top level in the table: every
`name = ...`, `import`, `def` and `class` is `table[name] = ...`, and every read
tries `table[name]` before the globals. The globals must stay a real dict, so the
functions the module defines see only those, not the table (see the README's
"As a namespace").

    make namespaces      # or: .venv/bin/python examples/namespaces.py
"""

from __future__ import annotations

import builtins
from collections import Counter
from typing import Any

from hashtable import HashFuncName, HashTable, StrategyName

MODULE_SOURCE = '''\
"""inventory: prices with tax, and a few facts about them."""
import math
from collections import Counter

TAX_RATE = 0.2
CURRENCY = "EUR"
items = {"apple": 0.5, "bread": 2.25, "cheese": 7.8, "dates": 4.1}


def price_with_tax(price, rate=0.2):
    return round(price * (1 + rate), 2)


class Basket:
    def __init__(self):
        self.lines = []

    def add(self, name, quantity):
        self.lines.append((name, quantity))


taxed = {}
for name, price in items.items():
    taxed[name] = price_with_tax(price, TAX_RATE)
cheapest = min(items, key=items.get)
dearest = max(taxed, key=taxed.get)
initials = Counter(item[0] for item in items)
hypotenuse = math.hypot(3, 4)
basket = Basket()
basket.add(cheapest, 3)
del name, price
__all__ = ["price_with_tax", "Basket", "taxed"]
'''

SIZE = 32
MAX_LOAD = 0.9
HASHES: tuple[tuple[str, HashFuncName | None], ...] = (("python", None), ("seed", "seed"))
STRATEGIES: tuple[StrategyName, ...] = ("chaining", "linear")
COLUMN_WIDTH = 20


def run_module(source: str) -> HashTable[str, Any]:
    """The module's namespace: its top level run with a HashTable as locals."""
    namespace: HashTable[str, Any] = HashTable()
    globals_dict = {"__name__": "inventory", "__builtins__": builtins}
    exec(compile(source, "<inventory>", "exec"), globals_dict, namespace)
    return namespace


def placed(names: HashTable[str, Any], hash_func: HashFuncName | None, strategy: StrategyName) -> HashTable[str, Any]:
    """The same names in a table of SIZE buckets with the given hash and strategy."""
    return HashTable(names, size=SIZE, max_load=MAX_LOAD, hash_func=hash_func, strategy=strategy)


def side_by_side(columns: list[list[str]], width: int) -> list[str]:
    depth = max(len(column) for column in columns)
    padded = [column + [""] * (depth - len(column)) for column in columns]
    return ["".join(cell.ljust(width) for cell in row).rstrip() for row in zip(*padded, strict=True)]


def main() -> None:
    print(__doc__.split("\n\n    make")[0])
    namespace = run_module(MODULE_SOURCE)
    names = list(namespace)
    print(f"\nThe module's namespace holds {len(names)} names: {', '.join(names)}")
    print(f"taxed = {namespace['taxed']}, cheapest = {namespace['cheapest']!r}")

    tables = {
        (hash_name, strategy): placed(namespace, hash_func, strategy)
        for hash_name, hash_func in HASHES
        for strategy in STRATEGIES
    }
    print(f"\nThe same names in {SIZE} buckets, one line each (`[]*3`: an item 3 slots from its home slot):")
    columns = [
        [f"{hash_name}, {strategy}", *table.picture().splitlines()] for (hash_name, strategy), table in tables.items()
    ]
    print("\n".join(side_by_side(columns, COLUMN_WIDTH)))
    print()
    for (hash_name, strategy), table in tables.items():
        stats = table.stats()
        print(
            f"hash {hash_name}, {strategy}: longest chain or probe {stats['longest_chain']}, "
            f"{stats['empty_buckets']} of {stats['size']} buckets empty, "
            f"a lookup visits {stats['mean_probe']:.2f} entries or slots on average"
        )
    lengths = Counter(len(name) for name in names)
    length, count = lengths.most_common(1)[0]
    same = sorted(name for name in names if len(name) == length)
    print(
        f"\nseed hashes a name to its length: the {count} names of {length} characters "
        f"({', '.join(same)}) all share one home bucket."
    )


if __name__ == "__main__":
    main()
