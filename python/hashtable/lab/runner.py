"""Measuring a whole plan: dict baselines first, then every configuration.

A configuration that fails (its hash function raises or returns a non-int on a
key, the table rejects its parameters, or an operation raises) becomes a
`Failure` naming the configuration and the key; the run goes on with the rest.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .hashes import BadKey, HashChoice, first_bad_key, short_repr
from .measure import (
    Config,
    Failure,
    OperationFailed,
    Timing,
    measure_dict,
    measure_table,
)
from .plan import Options, Plan
from .workloads import Workload

# Called after each measurement with (done, total, what was just measured).
Progress = Callable[[int, int, str], None]


@dataclass
class Result:
    """One measured row: a configuration, or a dict baseline when `config` is None."""

    workload: str
    n: int
    experiments: list[str]
    timing: Timing
    config: Config | None = None


@dataclass
class LabRun:
    results: list[Result] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def baseline(self, workload: str, n: int) -> Result | None:
        for result in self.results:
            if result.config is None and result.workload == workload and result.n == n:
                return result
        return None

    def table_results(self) -> list[Result]:
        return [result for result in self.results if result.config is not None]


class _KeyChecks:
    """Remembers, per (hash, workload, n), the first key a Python hash fails on."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, int], BadKey | None] = {}

    def bad_key(self, choice: HashChoice, workload: Workload) -> BadKey | None:
        if not callable(choice.hash_func):
            return None
        slot = (choice.name, workload.name, workload.n)
        if slot not in self._seen:
            keys = list(workload.keys) + list(workload.missing)
            self._seen[slot] = first_bad_key(choice.hash_func, keys)
        return self._seen[slot]


def run_plan(
    options: Options,
    workloads: dict[str, Workload],
    plan: Plan,
    progress: Progress | None = None,
) -> LabRun:
    """Measure every baseline and configuration of `plan`."""
    began = time.perf_counter()
    lab = LabRun()
    # Everything alive now (workloads, imported modules) goes to gc's permanent
    # generation, so the collection before each timed run only walks new objects.
    gc.collect()
    gc.freeze()
    try:
        _run(options, workloads, plan, progress, lab)
    finally:
        gc.unfreeze()
    lab.seconds = time.perf_counter() - began
    return lab


def _run(
    options: Options,
    workloads: dict[str, Workload],
    plan: Plan,
    progress: Progress | None,
    lab: LabRun,
) -> None:
    total, done = plan.count(), 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    for name, n in plan.baselines:
        workload = workloads[name].prefix(n)
        timing = measure_dict(workload, options.repeat, options.budget_s)
        lab.results.append(Result(name, n, ["dict"], timing))
        step(f"dict on {name} n={n}")

    checks = _KeyChecks()
    for config, experiments in plan.configs.items():
        choice = options.choice(config.hash)
        workload = workloads[config.workload].prefix(config.n)
        outcome = _measure_one(config, choice, workload, options, checks)
        if isinstance(outcome, Failure):
            lab.failures.append(outcome)
        else:
            lab.results.append(Result(config.workload, config.n, experiments, outcome, config))
        step(config.label())


def _measure_one(
    config: Config, choice: HashChoice, workload: Workload, options: Options, checks: _KeyChecks
) -> Timing | Failure:
    bad = checks.bad_key(choice, workload)
    if bad is not None:
        return Failure(config, f"hash function {choice.name} {bad.error}", short_repr(bad.key))
    try:
        return measure_table(config, choice, workload, options.repeat, options.budget_s)
    except OperationFailed as exc:
        return Failure(config, f"{exc.operation} {exc.error}", exc.key)
    except (ValueError, TypeError, OverflowError) as exc:
        return Failure(config, f"the table rejected this configuration: {exc}")
