"""Measuring in interleaved rounds: the jobs (a dict baseline, a configuration timed
from Python and natively, or what an experiment adds: the hash costs), the rounds that
time them, and what they yield (`LabRun`: results, hash costs, failures). conductor.py
runs a whole plan with them; the experiments that measure on their own (the equality
experiment, the scale sweep) build on the same jobs and rounds.

A configuration that fails (its hash function raises or returns a non-int on a
key, the table rejects its parameters, or an operation raises) becomes a
`Failure` naming the configuration and the key; the run goes on with the rest.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from .hashes import BadKey, HashChoice, first_bad_key, short_repr
from .measure import (
    Config,
    Failure,
    OperationFailed,
    Timing,
    dict_measurer,
    table_measurer,
)
from .native import HashCostMeasurer, KeyHashes, NativeMeasurer, Probes
from .noise import MIN_RUNS
from .plan import Options
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
    native: dict[str, list[float]] | None = None  # operation -> ns per operation per run
    probes: Probes | None = None
    mapping: str = "dict"  # when `config` is None: dict (the baseline) or a by-hand mapping
    semantics: str = ""  # the Config's, or the key= / eq= a by-hand mapping implements


@dataclass
class HashCost:
    """ns per key to hash one workload's keys: from the Python object, and natively."""

    workload: str
    hash: str
    from_object: list[float]
    canonical: list[float]  # empty unless the hash is a named native one


@dataclass
class LabRun:
    results: list[Result] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    hash_costs: list[HashCost] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # What an experiment measured on its own besides rows, by its name (results.json keeps it).
    sections: dict[str, Any] = field(default_factory=dict)

    def baseline(self, workload: str, n: int) -> Result | None:
        for result in self.results:
            if result.config is None and result.mapping == "dict" and result.workload == workload and result.n == n:
                return result
        return None

    def hash_cost(self, workload: str, hash_name: str) -> HashCost | None:
        return next((c for c in self.hash_costs if (c.workload, c.hash) == (workload, hash_name)), None)


class Timed(Protocol):
    runs: int
    seconds: float

    def run(self) -> None: ...


@dataclass
class Job:
    label: str
    parts: list[Timed]  # run one after the other in each round
    workload: str
    n: int
    experiments: list[str]
    config: Config | None = None
    kind: str = "config"  # or "dict", "by-hand" (a pure-Python mapping), or "hash" (a hash function's own cost)
    failed: bool = False
    mapping: str = "dict"
    semantics: str = ""

    @property
    def seconds(self) -> float:
        return sum(part.seconds for part in self.parts)

    def run(self) -> None:
        for part in self.parts:
            part.run()


class Counter:
    """Runs done out of the runs planned, reported through the progress callback."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def step(self, what: str | None) -> None:
        self.done += 1
        if self.progress is not None and what is not None:
            self.progress(self.done, self.total, what)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, "done")


class KeyChecks:
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


@contextmanager
def frozen_gc() -> Iterator[None]:
    # Everything alive now (workloads, imported modules) goes to gc's permanent
    # generation, so the collection before each timed run only walks new objects.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def rounds(jobs: list[Job], repeat: int, budget_s: float, counter: Counter, lab: LabRun) -> None:
    for round_ in range(repeat):
        for job in jobs:
            if job.failed or (round_ >= MIN_RUNS and job.seconds > budget_s):
                counter.step(None)
                continue
            counter.step(f"run {round_ + 1}/{repeat}: {job.label}")
            try:
                job.run()
            except OperationFailed as exc:
                if job.kind in ("dict", "by-hand"):
                    raise  # a baseline misbehaved: nothing sensible to compare against
                job.failed = True
                if job.config is not None:
                    lab.failures.append(Failure(job.config, f"{exc.operation} {exc.error}", exc.key))


def collect(jobs: list[Job], lab: LabRun) -> None:
    for job in jobs:
        if job.failed:
            continue
        first = job.parts[0]
        if isinstance(first, HashCostMeasurer):
            lab.hash_costs.append(HashCost(job.workload, first.choice.name, first.from_object, first.canonical))
            continue
        timing = first.timing()  # type: ignore[attr-defined]
        native = job.parts[1] if len(job.parts) > 1 else None
        semantics = job.config.semantics if job.config is not None else job.semantics
        result = Result(
            job.workload, job.n, job.experiments, timing, job.config, mapping=job.mapping, semantics=semantics
        )
        if isinstance(native, NativeMeasurer):
            result.native, result.probes = native.samples, native.probes
        lab.results.append(result)


def dict_job(workload: Workload) -> Job:
    label = f"dict on {workload.name} n={workload.n}"
    return Job(label, [dict_measurer(workload)], workload.name, workload.n, ["dict"], kind="dict")


def config_job(
    options: Options,
    config: Config,
    full: Workload,
    experiments: list[str],
    checks: KeyChecks,
    hashes: KeyHashes,
    lab: LabRun,
) -> Job | None:
    choice = options.choice(config.hash)
    workload = full.prefix(config.n)
    bad = checks.bad_key(choice, workload)
    if bad is not None:
        error = f"hash function {choice.name} {bad.error}"
        lab.failures.append(Failure(config, error, short_repr(bad.key)))
        return None
    try:
        measurer = table_measurer(config, choice, workload)
        present, absent = hashes.of(choice, workload)
    except (ValueError, TypeError, OverflowError) as exc:
        lab.failures.append(Failure(config, f"the table rejected this configuration: {exc}"))
        return None
    native = NativeMeasurer(config, present, absent)
    return Job(config.label(), [measurer, native], config.workload, config.n, experiments, config)
