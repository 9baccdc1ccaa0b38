"""Instructions per `NamedHash::hash` call, counted by callgrind, and ns per call.

The `hash/<kind>` rows of `make bench` move by 10% between runs on a shared VM, more
than most changes to one function. This runs `crates/hashtable-core/examples/hash_loop.rs`
(the benchmark's loop, keys and keyed functions) under callgrind with 1,000 and 11,000
calls and divides the difference by 10,000: the instructions of one call, the loop's own
included. `--time` also prints each function's quickest round, the rounds of every
function interleaved (`--rounds` times), so that a busy moment slows all of them alike.

    python3 scripts/callgrind_hashes.py --kind str20 --hash-func xxh3 foldhash
    python3 scripts/callgrind_hashes.py --kind str20 int --time --rounds 5

needs valgrind for the counts.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import callgrind_count

KINDS = ["int", "str20", "bytes256"]


def per_call(program: Path, kind: str, name: str) -> float:
    def counted(calls: int) -> int:
        return callgrind_count.instructions([str(program), kind, name, str(calls)])

    return (counted(11_000) - counted(1_000)) / 10_000


def best_ns(program: Path, kind: str, names: list[str], rounds: int) -> dict[str, float]:
    best = dict.fromkeys(names, float("inf"))
    for _ in range(rounds):
        for name in names:
            done = subprocess.run([str(program), kind, name, "time"], capture_output=True, text=True, check=True)
            best[name] = min(best[name], float(done.stdout))
    return best


def main() -> None:
    program = callgrind_count.build_example("hash_loop")
    names = subprocess.run([str(program), "names"], capture_output=True, text=True, check=True).stdout.split()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", nargs="+", default=KINDS, choices=KINDS)
    parser.add_argument("--hash-func", nargs="+", default=names, choices=names)
    parser.add_argument("--time", action="store_true", help="also time each call (best of --rounds)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for kind in args.kind:
        times = best_ns(program, kind, args.hash_func, args.rounds) if args.time else {}
        for name in args.hash_func:
            count = per_call(program, kind, name)
            shown = f"  {times[name]:6.2f} ns" if times else ""
            print(f"{kind:9} {name:10} {count:6.1f} instructions{shown}", flush=True)


if __name__ == "__main__":
    main()
