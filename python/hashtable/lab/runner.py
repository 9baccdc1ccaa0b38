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
    Measurer,
    OperationFailed,
    Timing,
    dict_measurer,
    table_measurer,
)
from .plan import Options, Plan
from .workloads import Workload

# Called before each timed run with (runs done or skipped, total runs, what runs next).
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


@dataclass
class _Job:
    label: str
    measurer: Measurer
    workload: str
    n: int
    experiments: list[str]
    config: Config | None = None
    failed: bool = False


def run_plan(
    options: Options,
    workloads: dict[str, Workload],
    plan: Plan,
    progress: Progress | None = None,
) -> LabRun:
    """Measure every baseline and configuration of `plan`.

    Runs go in rounds: round r times every job's r-th run, so each job's runs are
    spread over the whole measurement and the best of them dodges passing load.
    A job stops repeating once its runs have used `options.budget_s` seconds.
    """
    began = time.perf_counter()
    lab = LabRun()
    jobs = _jobs(options, workloads, plan, lab)
    total, done = len(jobs) * options.repeat, 0
    # Everything alive now (workloads, imported modules) goes to gc's permanent
    # generation, so the collection before each timed run only walks new objects.
    gc.collect()
    gc.freeze()
    try:
        for round_ in range(options.repeat):
            for job in jobs:
                done += 1
                if job.failed or (round_ > 0 and job.measurer.seconds > options.budget_s):
                    continue
                if progress is not None:
                    progress(done, total, f"run {round_ + 1}/{options.repeat}: {job.label}")
                try:
                    job.measurer.run()
                except OperationFailed as exc:
                    if job.config is None:
                        raise  # dict itself misbehaved: nothing sensible to compare against
                    job.failed = True
                    lab.failures.append(Failure(job.config, f"{exc.operation} {exc.error}", exc.key))
    finally:
        gc.unfreeze()
    if progress is not None:
        progress(total, total, "done")
    for job in jobs:
        if not job.failed:
            timing = job.measurer.timing()
            lab.results.append(Result(job.workload, job.n, job.experiments, timing, job.config))
    lab.seconds = time.perf_counter() - began
    return lab


def _jobs(options: Options, workloads: dict[str, Workload], plan: Plan, lab: LabRun) -> list[_Job]:
    """A job per baseline and per valid configuration; the invalid ones become failures."""
    jobs = []
    for name, n in plan.baselines:
        workload = workloads[name].prefix(n)
        jobs.append(_Job(f"dict on {name} n={n}", dict_measurer(workload), name, n, ["dict"]))
    checks = _KeyChecks()
    for config, experiments in plan.configs.items():
        choice = options.choice(config.hash)
        workload = workloads[config.workload].prefix(config.n)
        bad = checks.bad_key(choice, workload)
        if bad is not None:
            error = f"hash function {choice.name} {bad.error}"
            lab.failures.append(Failure(config, error, short_repr(bad.key)))
            continue
        try:
            measurer = table_measurer(config, choice, workload)
        except (ValueError, TypeError, OverflowError) as exc:
            error = f"the table rejected this configuration: {exc}"
            lab.failures.append(Failure(config, error))
            continue
        jobs.append(_Job(config.label(), measurer, config.workload, config.n, experiments, config))
    return jobs
