"""Mistakes the stubs must catch. `tests/typecheck/check_mistakes.py` (make lint) runs
`mypy --strict` on this file: each marked line (an `E:` comment giving the error code in
brackets and part of the message) must report exactly that error, and no unmarked line
may report one. Never run; never imported.
"""

from hashtable import HashTable, StrategyName

counts: HashTable[str, int] = HashTable()

# Keys and values of the wrong type.
counts[1] = 2  # E: [index] Invalid index type "int" for "HashTable[str, int]"
counts["cat"] = "many"  # E: [assignment] Incompatible types in assignment
counts.set("cat", 1.5)  # E: [arg-type] Argument 2 to "set" of "HashTable" has incompatible type "float"
wrong_key = counts.get(1)  # E: [call-overload] No overload variant of "get" of "HashTable" matches
label: str = counts.pop("cat")  # E: [assignment] expression has type "int", variable has type "str"
shout: str = counts.get("cat")  # E: [assignment] expression has type "int | None", variable has type "str"

# Parameters: names are literals, numbers are numbers, and all of them are keywords.
typo = HashTable(strategy="chainng")  # E: [call-overload] No overload variant of "HashTable" matches
bad_index = HashTable(index="modulo")  # E: [call-overload] No overload variant of "HashTable" matches
bad_hash = HashTable(hash_func="md5")  # E: [call-overload] No overload variant of "HashTable" matches
positional = HashTable(8)  # E: [call-overload] No overload variant of "HashTable" matches
text_size = HashTable(size="8")  # E: [call-overload] No overload variant of "HashTable" matches


def identity(key: str) -> str:
    return key


str_hash: HashTable[str, int] = HashTable(hash_func=identity)  # E: [arg-type] incompatible type "Callable[[str], str]"
chosen: str = "linear"
unchecked = HashTable(strategy=chosen)  # E: [call-overload] No overload variant of "HashTable" matches
strategy: StrategyName = "cuckoo"  # E: [assignment] Incompatible types in assignment

# Read-only attributes.
counts.size = 64  # E: [misc] Property "size" defined in "HashTable" is read-only

# stats() is a TypedDict: unknown keys and wrong value types are errors.
longest = counts.stats()["longest"]  # E: [typeddict-item] TypedDict "TableStats" has no key "longest"
size_text: str = counts.stats()["size"]  # E: [assignment] expression has type "int", variable has type "str"

# Views and iteration carry the element types.
key_plus_one = [key + 1 for key in counts.keys()]  # E: [operator] Unsupported operand types for + ("str" and "int")
value_upper = [value.upper() for value in counts.values()]  # E: [attr-defined] "int" has no attribute "upper"

# Unions and updates take mappings (or pairs, for |= and update), not anything.
merged = counts | 3  # E: [operator] No overload variant of "__or__" of "HashTable" matches argument type "int"
counts.update(None)  # E: [call-overload] No overload variant of "update" of "HashTable" matches
counts.update(cat="many")  # E: [call-overload] No overload variant of "update" of "HashTable" matches
counts |= {"cat": "many"}  # E: [dict-item] Dict entry 0 has incompatible type "str": "str"; expected "str": "int"

# fromkeys without a value maps to None.
flags: HashTable[str, bool] = HashTable.fromkeys(["a", "b"])  # E: [assignment] has type "HashTable[str, None]"

# eq takes a callable, "identity" or None; key a callable.
bad_eq: HashTable[str, int] = HashTable(eq="same")  # E: [call-overload] No overload variant of "HashTable" matches
bad_transform: HashTable[str, int] = HashTable(key=3)  # E: [call-overload] No overload variant of "HashTable" matches
