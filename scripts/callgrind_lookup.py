"""Instructions per operation of a HashTable against dict, counted by callgrind.

Callgrind counts instructions, not seconds, so the numbers repeat on a noisy
machine. Each configuration runs twice, with 0 and with `--passes` passes over
1,000 keys, and the difference divided by the operations done is the cost of
one loop iteration, interpreter included; the difference between a table and
dict is what the table costs beyond dict.

    python scripts/callgrind_lookup.py --op get --keys str --strategy chaining swiss

runs valgrind itself and prints one line per configuration. `--keys object`
times `object()` keys in an `eq="identity"` table (dict hashes them by
address too). `--child` is the
program valgrind runs. The counts need no symbols; to see which functions they
go to (`callgrind_annotate`), run it on `make build-profiling`: the release
build is stripped.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import hashtable

OPS = {
    "get": "for key in keys:\n    table[key]",
    "in": "for key in keys:\n    key in table",
    "set": "for key in keys:\n    table[key] = 2",
}


def child(container: str, op: str, keys_kind: str, passes: int) -> None:
    keys: list[Any] = {
        "str": lambda: [f"key{i * 7919}" for i in range(1000)],
        "int": lambda: list(range(1000)),
        "object": lambda: [object() for _ in range(1000)],
    }[keys_kind]()
    if container == "dict":
        table: Any = {}
    elif keys_kind == "object":
        table = hashtable.HashTable(strategy=container, eq="identity")
    else:
        table = hashtable.HashTable(strategy=container)
    for key in keys:
        table[key] = 1
    # A function, so that `table` and `keys` are fast locals, not global lookups.
    body = "\n".join("        " + line for line in OPS[op].splitlines())
    namespace: dict[str, Any] = {}
    exec(f"def run(table, keys, passes):\n    for _ in range(passes):\n{body}\n", namespace)
    namespace["run"](table, keys, passes)


def instructions(container: str, op: str, keys_kind: str, passes: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [
                "env",
                "PYTHONHASHSEED=0",
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={Path(tmp) / 'out'}",
                sys.executable,
                __file__,
                "--child",
                container,
                op,
                keys_kind,
                str(passes),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise RuntimeError(done.stderr[-2000:])
    return int(match.group(1))


def per_operation(container: str, op: str, keys_kind: str, passes: int) -> float:
    return (instructions(container, op, keys_kind, passes) - instructions(container, op, keys_kind, 0)) / (
        passes * 1000
    )


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        container, op, keys_kind, passes = sys.argv[2:6]
        child(container, op, keys_kind, int(passes))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--op", choices=sorted(OPS), nargs="+", default=["get"])
    parser.add_argument("--keys", choices=["int", "str", "object"], nargs="+", default=["str"])
    parser.add_argument("--strategy", nargs="+", default=["chaining"], choices=hashtable.STRATEGIES)
    parser.add_argument("--passes", type=int, default=50)
    args = parser.parse_args()
    for keys_kind in args.keys:
        for op in args.op:
            baseline = per_operation("dict", op, keys_kind, args.passes)
            print(f"{op:4s} {keys_kind:3s} dict        {baseline:7.1f} instructions per operation")
            for strategy in args.strategy:
                cost = per_operation(strategy, op, keys_kind, args.passes)
                print(f"{op:4s} {keys_kind:3s} {strategy:11s} {cost:7.1f}  ({cost / baseline:.2f}x dict)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
