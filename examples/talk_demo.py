"""The original talk's REPL session, as a script.

A hash function written in Python is handed to the Rust table, which calls it
for every key. After each step the table draws its buckets, so the resizes show.
It ends with the reference-count demo: tables that held the hash function are
gone, and the function's reference count is back where it started.
"""

from __future__ import annotations

import logging
import sys

import hashtable

KNUTH = 2654435761


def awesome_hash(key: object) -> int:
    """Knuth's multiplicative hash for numbers; the concatenated ord() codes for strings."""
    if isinstance(key, str):
        return int("".join(str(ord(char)) for char in key)) if key else 0
    if isinstance(key, (int, float)):
        return (int(key) * KNUTH) % 2**32
    return hash(key)


def show(table: hashtable.HashTable, step: str) -> None:
    print(f"\n>>> {step}")
    print(f"size={table.size} load={table.load} max_load={table.max_load}")
    print(table)


def main() -> None:
    t = hashtable.HashTable(size=4, max_load=0.5, hash_func=awesome_hash)
    show(t, "t = HashTable(size=4, max_load=0.5, hash_func=awesome_hash)")

    t.set("pi", 3.14159)
    show(t, 't.set("pi", 3.14159)')
    for n in range(2, 6):
        t.set(n, n * n)
        show(t, f"t.set({n}, {n * n})")
    t.set("yolo", "you only live once")
    show(t, 't.set("yolo", "you only live once")')

    print(f'\n>>> t.get("pi")\n{t.get("pi")!r}')
    print(f'>>> t.pop("pi")\n{t.pop("pi")!r}')
    print(f'>>> t.get("pi")\n{t.get("pi")!r}')
    print(f"\n>>> t.stats()['resizes'], t.stats()['hash_calls']\n{t.stats()['resizes']}, {t.stats()['hash_calls']}")

    print("\n>>> the reference-count demo (with DEBUG logging on, as the C code printed 'Dealloc-ing')")
    logging.basicConfig(level=logging.DEBUG, format="    log: %(message)s", stream=sys.stdout)
    before = sys.getrefcount(awesome_hash)

    def make_three_tables() -> None:
        a = hashtable.HashTable(hash_func=awesome_hash)
        b = hashtable.HashTable(hash_func=awesome_hash)
        c = hashtable.HashTable(hash_func=awesome_hash)
        a["x"], b["y"], c["z"] = 1, 2, 3
        print(f"    while three tables hold it: getrefcount(awesome_hash) = {sys.getrefcount(awesome_hash)}")

    print(f"    before: getrefcount(awesome_hash) = {before}")
    make_three_tables()
    after = sys.getrefcount(awesome_hash)
    print(f"    after:  getrefcount(awesome_hash) = {after}")
    logging.getLogger().setLevel(logging.WARNING)
    if after != before:
        raise SystemExit(f"reference leak: {before} -> {after}")
    print("    unchanged: every reference the tables took was given back")


if __name__ == "__main__":
    main()
