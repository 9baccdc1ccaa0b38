"""Instructions per operation of a HashTable against dict, counted by callgrind.

Callgrind counts instructions, not seconds, so the numbers repeat on a noisy
machine. Each configuration runs twice, with 0 and with `--passes` passes over
1,000 keys, and the difference divided by the operations done is the cost of
one loop iteration, interpreter included; the difference between a table and
dict is what the table costs beyond dict.

    python scripts/callgrind_lookup.py --op get --keys str --strategy chaining swiss

runs valgrind itself and prints one line per configuration. `--hash-func`
gives the tables `hash_func=lambda k: hash(k)` and adds the native floor under
it (`_time_hash_calls`: a bare vectorcall of the lambda plus the hash of its
result, less `hash(k)`), so the instructions a table spends on a Python hash
function beyond that floor can be read off. `--keys object`
times `object()` keys in an `eq="identity"` table (dict hashes them by
address too); `--keys str-copy` looks up equal str keys that are other
objects than the stored ones (compared by text, not found by identity);
`--recommended` builds each strategy at its recommended max_load and growth. `--child` is the
program valgrind runs. The counts need no symbols; to see which functions they
go to (`callgrind_annotate`), run it on `make build-profiling`: the release
build is stripped.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import callgrind_count
import hashtable

OPS = {
    "get": "for key in keys:\n    table[key]",
    "in": "for key in keys:\n    key in table",
    "set": "for key in keys:\n    table[key] = 2",
    # A delete and the insert that puts the key back (bench-python's `del t[k]; t[k] = v`).
    "delete": "for key in keys:\n    del table[key]\n    table[key] = 2",
    # A fresh table of the same kind, loaded from 1,000 pairs: per pair.
    "build": "fresh().update(pairs)",
    # One pass over the 1,000 items: per item.
    "iterate": "for key in table:\n    pass",
    "items": "for key, value in table.items():\n    pass",
    # A copy of the 1,000-item table (made and freed): per item.
    "copy": "table.copy()",
    # `==` against a dict with the same items: per item.
    "eq": "table == twin",
}


HASH_FUNC_SOURCE = "lambda k: hash(k)"


def parameters(strategy: str) -> dict[str, Any]:
    """The strategy's recommended max_load and growth under `--recommended` (which
    the parent passes on in the environment), else none: the defaults."""
    if os.environ.get("CALLGRIND_LOOKUP_RECOMMENDED") != "1":
        return {}
    return dict(hashtable.STRATEGY_INFO[strategy]["recommended"])


def child(container: str, op: str, keys_kind: str, passes: int, with_hash_func: bool) -> None:
    keys: list[Any] = {
        "str": lambda: [f"key{i * 7919}" for i in range(1000)],
        "str-copy": lambda: [f"key{i * 7919}" for i in range(1000)],
        "int": lambda: list(range(1000)),
        "object": lambda: [object() for _ in range(1000)],
    }[keys_kind]()
    hash_func = eval(HASH_FUNC_SOURCE) if with_hash_func else None
    if container == "floor":
        for _ in range(passes):
            hashtable._hashtable._time_hash_calls(keys, hash_func)
        return
    if container == "dict":
        table: Any = {}
    elif with_hash_func:
        table = hashtable.HashTable(strategy=container, hash_func=hash_func, **parameters(container))
    elif keys_kind == "object":
        table = hashtable.HashTable(strategy=container, eq="identity", **parameters(container))
    else:
        table = hashtable.HashTable(strategy=container, **parameters(container))
    for key in keys:
        table[key] = 1
    if keys_kind == "str-copy":
        # Equal keys that are other objects, as keys read from input are:
        # found by comparing text, not by identity.
        keys = ["".join(["key", key[3:]]) for key in keys]
    # A function, so that `table` and `keys` are fast locals, not global lookups.
    body = "\n".join("        " + line for line in OPS[op].splitlines())
    namespace: dict[str, Any] = {}
    exec(f"def run(table, keys, passes, fresh, pairs, twin):\n    for _ in range(passes):\n{body}\n", namespace)
    pairs = [(key, key) for key in keys]
    twin = dict.fromkeys(keys, 1)

    def fresh() -> Any:
        return {} if container == "dict" else hashtable.HashTable(strategy=container, **parameters(container))

    namespace["run"](table, keys, passes, fresh, pairs, twin)


def instructions(container: str, op: str, keys_kind: str, passes: int, with_hash_func: bool = False) -> int:
    child_args = [container, op, keys_kind, str(passes), str(int(with_hash_func))]
    return callgrind_count.instructions(
        [sys.executable, __file__, "--child", *child_args], env={**os.environ, "PYTHONHASHSEED": "0"}
    )


def per_operation(container: str, op: str, keys_kind: str, passes: int, with_hash_func: bool = False) -> float:
    counted = instructions(container, op, keys_kind, passes, with_hash_func)
    return (counted - instructions(container, op, keys_kind, 0, with_hash_func)) / (passes * 1000)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        container, op, keys_kind, passes, with_hash_func = sys.argv[2:7]
        child(container, op, keys_kind, int(passes), with_hash_func == "1")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--op", choices=sorted(OPS), nargs="+", default=["get"])
    parser.add_argument("--keys", choices=["int", "str", "str-copy", "object"], nargs="+", default=["str"])
    parser.add_argument("--strategy", nargs="+", default=["chaining"], choices=hashtable.STRATEGIES)
    parser.add_argument("--passes", type=int, default=50)
    parser.add_argument("--hash-func", action="store_true", help=f"tables with hash_func={HASH_FUNC_SOURCE}")
    parser.add_argument(
        "--recommended",
        action="store_true",
        help="each strategy at its recommended max_load and growth (hashtable.STRATEGY_INFO), not the defaults",
    )
    args = parser.parse_args()
    if args.recommended:
        os.environ["CALLGRIND_LOOKUP_RECOMMENDED"] = "1"
    if args.hash_func:
        floor = per_operation("floor", "get", args.keys[0], args.passes, True)
        floor -= per_operation("floor", "get", args.keys[0], args.passes, False)
        print(f"floor: a vectorcall of {HASH_FUNC_SOURCE} and hash() of its result, less hash(k): {floor:.1f}")
        for strategy in args.strategy:
            plain = per_operation(strategy, "get", args.keys[0], args.passes)
            custom = per_operation(strategy, "get", args.keys[0], args.passes, True)
            print(
                f"get  {args.keys[0]:3s} {strategy:11s} default {plain:7.1f}, with hash_func {custom:7.1f}: "
                f"{custom - plain - floor:.1f} above the floor"
            )
        return 0
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
