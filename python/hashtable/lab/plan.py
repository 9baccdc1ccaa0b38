"""Which configurations a run measures: one grid and four sweeps.

* ``grid``: every workload x hash x strategy x index, at the first --max-load and
  --size, with all n keys. This is the terminal's table.
* ``max_load``: every strategy at every --max-load value (reference hash, first
  workload), each table filled to exactly that load (see `filled_size`). Plots
  (b), (f) and (g).
* ``n``: every hash at several key counts up to n (reference strategy). Plot (c).
* ``size``: every strategy at every initial --size (reference hash). Plot (d).
* ``scale``: every strategy on random ints from 10^3 to 10^6 keys (10^7 with
  --big) in steps of x4, measured last and under its own time budget. Plot (e).
* ``equality``: every strategy with `key=str.casefold` on HTTP header names and
  with `eq="identity"` on unhashable objects, beside the pure-Python mappings
  that do the same and a dict on keys transformed beforehand (equality.py);
  from Python only, after the grid and the sweeps and before the scale sweep.

Every configuration is timed twice: from Python and natively (native.py).

A configuration shared by several experiments is measured once. The reference hash
is ``python`` when chosen (else the first hash); the reference strategy is
``chaining`` when chosen (else the first strategy).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .equality import SEMANTICS
from .hashes import HashChoice
from .measure import Config
from .user_keys import KeysFile
from .workloads import Workload

DEFAULT_N = 10_000
QUICK_N = 2_000
DEFAULT_MAX_LOADS = (0.5, 0.25, 0.75, 0.9)
DEFAULT_REPEAT = 5
QUICK_REPEAT = 3
DEFAULT_BUDGET_S = 0.5
QUICK_BUDGET_S = 0.15
# The n sweep keeps at most this many key counts.
N_POINTS = 5
# The scale sweep: random ints, from SCALE_START keys up by x4 to the limit.
SCALE_WORKLOAD = "random-ints"
SCALE_START = 1_000
SCALE_LIMIT, SCALE_LIMIT_BIG, SCALE_LIMIT_QUICK = 10**6, 10**7, 16_000
DEFAULT_SCALE_BUDGET_S, QUICK_SCALE_BUDGET_S = 60.0, 3.0
# Runs per scale configuration: its big tables make each run long.
SCALE_REPEAT = 3
VIEWS = ("native", "python")


@dataclass(frozen=True)
class Options:
    """Everything a run needs, resolved from the command line."""

    workloads: tuple[str, ...]
    n: int
    hashes: tuple[HashChoice, ...]
    strategies: tuple[str, ...]
    indexes: tuple[str, ...]
    max_loads: tuple[float, ...]
    sizes: tuple[int, ...]
    repeat: int
    budget_s: float
    seed: int
    out: Path
    quick: bool
    argv: tuple[str, ...] = ()
    keys_file: KeysFile | None = None
    n_given: bool = False  # --n was given: it also cuts the user's own keys
    # Workloads built by the caller (run(keys=...)), by name; others are generated.
    given_workloads: tuple[Workload, ...] = ()
    scale: bool = True
    big: bool = False
    scale_budget_s: float = DEFAULT_SCALE_BUDGET_S
    view: str = "native"  # which timing the strategy plots draw
    wide: bool = False
    equality: bool = True

    @property
    def reference_hash(self) -> str:
        names = [choice.name for choice in self.hashes]
        return "python" if "python" in names else names[0]

    @property
    def reference_strategy(self) -> str:
        return "chaining" if "chaining" in self.strategies else self.strategies[0]

    def choice(self, name: str) -> HashChoice:
        return next(choice for choice in self.hashes if choice.name == name)


def default_sizes(n: int, max_load: float) -> tuple[int, ...]:
    """4 (the table's default), then x8 each step, up to the first size that fits
    n keys under `max_load` without a resize."""
    sizes = [4]
    while sizes[-1] * max_load < n:
        sizes.append(sizes[-1] * 8)
    return tuple(sizes)


def filled_size(n: int, max_load: float) -> tuple[int, int]:
    """(size, keys): a power-of-two size and at most n keys that fill it to max_load.

    Measured right after n inserts, a table's load depends on where n falls between
    two resizes, not only on max_load: with n=20,000, max_load 0.75 and 0.9 both end
    at 32,768 buckets (load 0.61). Filling a presized table to exactly max_load
    (no resize) makes the x of plot (b) the load the lookups really ran at.
    """
    size = 1
    while size * 2 * max_load <= n:
        size *= 2
    return size, max(1, int(size * max_load))


def scale_points(limit: int) -> list[int]:
    """SCALE_START, x4 each step, then `limit` itself (closing a last step of x2 to x4)."""
    points = [SCALE_START]
    while points[-1] * 4 < limit:
        points.append(points[-1] * 4)
    if points[-1] * 2 <= limit:
        points.append(limit)
    else:
        points[-1] = limit
    return points


def n_points(n: int, limit: int = N_POINTS) -> list[int]:
    """Key counts for the n sweep: 1-2-5 steps from n/20 up to n, n included."""
    points: list[int] = []
    step = 1
    while step < n:
        for mantissa in (1, 2, 5):
            value = mantissa * step
            if n / 20 <= value < n:
                points.append(value)
        step *= 10
    points.append(n)
    return points[-limit:]


@dataclass
class Plan:
    """Configurations in measuring order, each with the experiments that use it."""

    configs: dict[Config, list[str]] = field(default_factory=dict)
    baselines: list[tuple[str, int]] = field(default_factory=list)  # (workload, n) for dict
    # The scale sweep, smallest n first: (n, one configuration per strategy).
    scale: list[tuple[int, list[Config]]] = field(default_factory=list)
    # The equality experiment: one configuration per workload and strategy.
    equality: list[Config] = field(default_factory=list)

    def equality_jobs(self) -> int:
        """Its configurations, plus a by-hand mapping and a dict floor per workload."""
        return len(self.equality) + 2 * len({config.workload for config in self.equality})

    def add(self, config: Config, experiment: str) -> None:
        uses = self.configs.setdefault(config, [])
        if experiment not in uses:
            uses.append(experiment)
        if (config.workload, config.n) not in self.baselines:
            self.baselines.append((config.workload, config.n))

    def count(self) -> int:
        """Jobs of the grid and the sweeps but scale: configurations and dict baselines
        (the equality experiment counts its own, `equality_jobs`)."""
        return len(self.configs) + len(self.baselines)


def build_plan(options: Options, workload_sizes: dict[str, int]) -> Plan:
    """Every configuration to measure; `workload_sizes` gives each workload's real n."""
    plan = Plan()
    max_load, size = options.max_loads[0], options.sizes[0]
    index = options.indexes[0]
    for workload in options.workloads:
        n = workload_sizes[workload]
        for choice in options.hashes:
            for strategy in options.strategies:
                for idx in options.indexes:
                    config = Config(workload, n, choice.name, strategy, idx, max_load, size)
                    plan.add(config, "grid")
    first = options.workloads[0]
    n = workload_sizes[first]
    ref_hash, ref_strategy = options.reference_hash, options.reference_strategy
    for strategy in options.strategies:
        for value in sorted(options.max_loads):
            filled, count = filled_size(n, value)
            plan.add(Config(first, count, ref_hash, strategy, index, value, filled), "max_load")
    for choice in options.hashes:
        for count in n_points(n):
            plan.add(Config(first, count, choice.name, ref_strategy, index, max_load, size), "n")
    for strategy in options.strategies:
        for value in sorted(options.sizes):
            plan.add(Config(first, n, ref_hash, strategy, index, max_load, value), "size")
    if options.equality:
        for semantics in SEMANTICS.values():
            for strategy in options.strategies:
                config = Config(semantics.workload, options.n, semantics.hash.name, strategy, index, max_load, size)
                plan.equality.append(dataclasses.replace(config, semantics=semantics.label))
    if options.scale:
        limit = SCALE_LIMIT_QUICK if options.quick else SCALE_LIMIT_BIG if options.big else SCALE_LIMIT
        for count in scale_points(limit):
            configs = [Config(SCALE_WORKLOAD, count, ref_hash, s, index, max_load, size) for s in options.strategies]
            plan.scale.append((count, configs))
    return plan
