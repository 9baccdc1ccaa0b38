"""Instructions per operation of each core strategy and of hashbrown, counted by callgrind.

The wall-clock ratios of `make bench` move by 20% between runs on a shared VM; instruction
counts do not. For each table this runs `crates/hashtable-core/examples/lookup_loop.rs`
under callgrind twice and divides the difference by the operations done: the cost of one
operation (hashing the key with foldhash included), each strategy at its recommended
parameters, as `make bench` builds them. For `hit` and `miss` the two runs make 0 and
`--passes` passes of n lookups over one table; for `insert`, 0 and `--passes` builds of a
table of n keys from the default size (resizes and freeing included, as `make bench`'s
insert times them); for `delete`, `--passes` builds that then remove every key, less the
`insert` run with as many passes.

    python3 scripts/callgrind_core.py --op hit miss --n 1000
    python3 scripts/callgrind_core.py --op insert delete --n 1000 --passes 3
    python3 scripts/callgrind_core.py --op hit --static --counted   # every row
    python3 scripts/callgrind_core.py --op hit miss --max-load 0.5 --table linear robin_hood

`--max-load` builds every strategy at that max_load instead of its recommended one, so
that strategies compare at one load, as the lab's plots do (hashbrown keeps its 7/8).

needs valgrind. Instructions are not time: a cache miss or a mispredicted branch costs many
cycles and one instruction, so read these beside `make bench`, not instead of it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import callgrind_count

STRATEGIES = ["swiss", "linear", "robin_hood", "quadratic", "chaining", "compact"]
# NAME dispatches through `Table`'s `AnyStrategy` enum, as the Python binding and the C
# library do; NAME-static is a `Table` of the strategy's own type, as `make bench`'s
# -static rows: what the strategy's code costs with no other strategy's code beside it.
# Both count nothing (`Uncounted`, as hashbrown and the C library); NAME-counted is NAME
# with each lookup's visits counted, as the Python binding's tables count them for stats().
TABLES = [
    "hashbrown",
    *STRATEGIES,
    *(f"{name}-static" for name in STRATEGIES),
    *(f"{name}-counted" for name in STRATEGIES),
]
DEFAULT_TABLES = ["hashbrown", *STRATEGIES]


def instructions(program: Path, table: str, op: str, n: int, passes: int, max_load: float | None) -> int:
    load = [] if max_load is None else [str(max_load)]
    return callgrind_count.instructions([str(program), table, op, str(n), str(passes), *load])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--op", choices=["hit", "miss", "insert", "delete"], nargs="+", default=["hit"])
    parser.add_argument("--n", type=int, default=1000, help="keys in the table (default 1000)")
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--table", nargs="+", default=DEFAULT_TABLES, choices=TABLES)
    parser.add_argument("--static", action="store_true", help="add each strategy's -static row")
    parser.add_argument("--counted", action="store_true", help="add each strategy's -counted row")
    parser.add_argument("--max-load", type=float, help="every strategy's max_load (default: its recommended)")
    args = parser.parse_args()
    tables = [
        *args.table,
        *(f"{name}-static" for name in STRATEGIES if args.static and name in args.table),
        *(f"{name}-counted" for name in STRATEGIES if args.counted and name in args.table),
    ]
    program = callgrind_count.build_example("lookup_loop")
    for op in args.op:
        baseline = None
        for table in tables:
            counted = instructions(program, table, op, args.n, args.passes, args.max_load)
            if op == "delete":
                without = instructions(program, table, "insert", args.n, args.passes, args.max_load)
            else:
                without = instructions(program, table, op, args.n, 0, args.max_load)
            per_op = (counted - without) / (args.passes * args.n)
            if table == "hashbrown":
                baseline = per_op
            ratio = f"  ({per_op / baseline:.2f}x hashbrown)" if baseline else ""
            unit = "lookup" if op in ("hit", "miss") else op
            print(f"{op:6} n={args.n:<8} {table:17} {per_op:7.1f} instructions per {unit}{ratio}")


if __name__ == "__main__":
    main()
