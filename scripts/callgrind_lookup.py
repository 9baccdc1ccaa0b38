"""Instructions per `t[k]` against `d[k]`, counted by callgrind (repeatable on noisy machines).

Build the extension with symbols first, `make build-profiling` (the release build is
stripped, so `callgrind_annotate` could not name the table's functions). Run each
container twice, with 0 and with 200 passes, and subtract:

    for m in ht dict; do for n in 0 200; do
      valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$m.$n \\
        .venv/bin/python scripts/callgrind_lookup.py $m $n 2>&1 | grep Collected
    done; done

(instructions at 200 passes - instructions at 0 passes) / 200,000 lookups gives the cost of
one loop iteration, interpreter overhead included; the difference between `ht` and `dict`
is what the table costs beyond dict.
"""

from __future__ import annotations

import sys

import hashtable

KEYS = list(range(1000))


def main() -> None:
    container = sys.argv[1] if len(sys.argv) > 1 else "ht"
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    table: dict[int, int] | hashtable.HashTable = hashtable.HashTable() if container == "ht" else {}
    for key in KEYS:
        table[key] = 1

    def run(table: dict[int, int] | hashtable.HashTable = table, keys: list[int] = KEYS) -> None:
        for _ in range(passes):
            for key in keys:
                table[key]

    run()


if __name__ == "__main__":
    main()
