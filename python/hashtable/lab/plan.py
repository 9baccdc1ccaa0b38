"""What a run asks for and what it will measure, as plain data: `Options` (resolved from
the command line, with their defaults) and `Plan` (the configurations to time).

* ``grid``: every workload x hash x strategy x index, at the first --max-load and
  --size, with all n keys. This is the summary table, and plot (a) reads it.
* every experiment in experiments/ adds the configurations it reads, tagged with
  its name (`Experiment.plan`), or keeps its own (`Plan.own`) for the measurement it
  runs itself after the shared rounds (`Experiment.measure`).

conductor.py fills a Plan (`build_plan`) and measures it (`run_plan`). Every shared
configuration is timed twice: from Python and natively (native.py). A
configuration several experiments use is measured once. The reference hash is
``python`` when chosen (else the first hash); the reference strategy is the first
chosen strategy that is not open addressing (`hashtable.STRATEGY_INFO`: chaining),
else the first strategy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import hashtable

from .hashes import BUILTIN, HashChoice
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
DEFAULT_SCALE_BUDGET_S, QUICK_SCALE_BUDGET_S = 60.0, 3.0
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
        return BUILTIN if BUILTIN in names else names[0]

    @property
    def reference_strategy(self) -> str:
        return next((s for s in self.strategies if not is_open_addressing(s)), self.strategies[0])

    def choice(self, name: str) -> HashChoice:
        return next(choice for choice in self.hashes if choice.name == name)


def is_open_addressing(strategy: str) -> bool:
    """Whether `strategy` keeps its keys in the slots themselves (its collisions probe)."""
    facts = hashtable.STRATEGY_INFO[cast("hashtable.StrategyName", strategy)]
    return bool(facts["open_addressing"])


def default_sizes(n: int, max_load: float) -> tuple[int, ...]:
    """4 (the table's default), then x8 each step, up to the first size that fits
    n keys under `max_load` without a resize."""
    sizes = [4]
    while sizes[-1] * max_load < n:
        sizes.append(sizes[-1] * 8)
    return tuple(sizes)


@dataclass
class Plan:
    """Configurations in measuring order, each with the experiments that use it."""

    configs: dict[Config, list[str]] = field(default_factory=dict)
    baselines: list[tuple[str, int]] = field(default_factory=list)  # (workload, n) for dict
    # The configurations an experiment measures itself, by its name.
    own: dict[str, list[Config]] = field(default_factory=dict)

    @property
    def equality(self) -> list[Config]:
        """The equality experiment's configurations: one per workload and strategy."""
        return self.own.get("equality", [])

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
        """Jobs of the grid and the sweeps: configurations and dict baselines (an experiment
        that measures on its own counts its own runs)."""
        return len(self.configs) + len(self.baselines)
