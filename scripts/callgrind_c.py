"""Instructions per ht_get_hashed hit of the C library, counted by callgrind.

Runs `benches/c/callgrind_get.c` (a table of n random 8-byte keys, hashed
beforehand with ht_hash) under callgrind: `passes` passes of ht_get_hashed over
every key, minus the same loop calling an empty function, divided by the
lookups made. What is left is the library's own instructions per call.

    python3 scripts/callgrind_c.py --strategy swiss --n 1000

With --ops, also the library's instructions per operation on N random 8-byte
keys (`benches/c/callgrind_ops.c`: insert, hit, miss, update, upsert, delete,
each against its baseline run, the calling loop included, and for insert
ht_free's release of the keys):

    python3 scripts/callgrind_c.py --ops --n 100000

needs valgrind, cc and the release library (`make c-lib`).
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import callgrind_count

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "target" / "c" / "callgrind_get"


OPS_PROGRAM = ROOT / "target" / "c" / "callgrind_ops"
# Each operation and the run it is measured against.
OPS = {
    "insert": "none-empty",
    "hit": "none-full",
    "miss": "none-full",
    "update": "none-full",
    "upsert": "none-full",
    "delete": "none-full",
}


def build(source: str = "benches/c/callgrind_get.c", program: Path = PROGRAM) -> Path:
    program.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "cc", "-std=c11", "-O2", "-g", "-Iinclude", source,
            "target/release/libhashtable.a", "-lpthread", "-ldl", "-lm", "-o", str(program),
        ],
        cwd=ROOT,
        check=True,
    )
    return program


def per_op(n: int) -> dict[str, float]:
    """Library instructions per operation on n random 8-byte keys (builds the program first)."""
    program = str(build("benches/c/callgrind_ops.c", OPS_PROGRAM))
    runs = {name: callgrind_count.instructions([program, name, str(n)]) for name in {*OPS, *OPS.values()}}
    return {op: (runs[op] - runs[baseline]) / n for op, baseline in OPS.items()}


def per_get(strategy: str, n: int, passes: int) -> float:
    """Library instructions per ht_get_hashed hit (builds the program first)."""
    program = str(build())
    get = callgrind_count.instructions([program, strategy, str(n), str(passes), "get"])
    noop = callgrind_count.instructions([program, strategy, str(n), str(passes), "noop"])
    return (get - noop) / (passes * n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strategy", nargs="+", default=["swiss"])
    parser.add_argument("--n", type=int, default=1000, help="keys in the table (default 1000)")
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--ops", action="store_true", help="also instructions per operation (swiss, --n keys)")
    args = parser.parse_args()
    if args.ops:
        for op, count in per_op(args.n).items():
            print(f"{op:7} n={args.n:<7} swiss {count:7.1f} instructions per call")
    for strategy in args.strategy:
        count = per_get(strategy, args.n, args.passes)
        print(f"ht_get_hashed hit  n={args.n:<6} {strategy:11} {count:7.1f} instructions per call")


if __name__ == "__main__":
    main()
