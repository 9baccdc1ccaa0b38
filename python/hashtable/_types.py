"""The names `HashTable` accepts, for annotations, and the shape of `HashTable.stats()`.

Each `Literal` lists the same names, in the same order, as the runtime tuple beside it
(`STRATEGIES`, `INDEXES`, `HASH_FUNCTIONS`); a test keeps them equal.
"""

from typing import Literal, TypeAlias, TypedDict

StrategyName: TypeAlias = Literal["chaining", "robin_hood", "linear", "quadratic", "swiss", "compact"]
"""A collision strategy: a value of `hashtable.STRATEGIES`."""

IndexName: TypeAlias = Literal["mod", "mask", "fibonacci"]
"""A bucket index (how a hash picks its home bucket): a value of `hashtable.INDEXES`."""

HashFuncName: TypeAlias = Literal[
    "python", "seed", "knuth", "fnv1a", "murmur3", "siphash13", "xxh3", "foldhash", "rapidhash"
]
"""A native hash function's name: a value of `hashtable.HASH_FUNCTIONS`."""

IdentityName: TypeAlias = Literal["identity"]
"""`eq="identity"`: keys are equal only when they are the same object."""


class RecommendedParameters(TypedDict):
    """The `max_load` and `growth` a strategy's design argues for."""

    max_load: float
    growth: float


class StrategyFacts(TypedDict):
    """One entry of `hashtable.STRATEGY_INFO`."""

    open_addressing: bool
    insertion_ordered: bool
    sizes: str
    min_size: int
    recommended: RecommendedParameters


class TableStats(TypedDict):
    """What `HashTable.stats()` returns; `help(HashTable.stats)` gives each key's meaning and unit."""

    size: int
    load: int
    load_factor: float
    max_load: float
    min_load: float
    growth: float
    strategy: StrategyName
    index: IndexName
    resizes: int
    rebuilds: int
    hash_calls: int
    comparisons: int
    longest_chain: int
    mean_probe: float
    empty_buckets: int
    tombstones: int
    histogram: dict[int, int]
    chi_squared: float
    chi_squared_p: float
    expected_probe_hit: float
    expected_probe_miss: float
