"""Measuring a whole plan: dict baselines, every configuration (from Python and
natively), every hash function's own cost, then the scale sweep.

A configuration that fails (its hash function raises or returns a non-int on a
key, the table rejects its parameters, or an operation raises) becomes a
`Failure` naming the configuration and the key; the run goes on with the rest.

The equality experiment (equality.py) runs between the two, in rounds of its own:
its tables, the pure-Python mappings they replace and a dict on keys transformed
beforehand, all from Python.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from .equality import EXPERIMENT, SEMANTICS, floor_workload, make_equality_workload
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
from .native import HashCostMeasurer, KeyHashes, NativeMeasurer, Probes
from .noise import MIN_RUNS
from .plan import SCALE_REPEAT, SCALE_WORKLOAD, Options, Plan
from .workloads import Workload, make_workload

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

    def baseline(self, workload: str, n: int) -> Result | None:
        for result in self.results:
            if result.config is None and result.mapping == "dict" and result.workload == workload and result.n == n:
                return result
        return None

    def hash_cost(self, workload: str, hash_name: str) -> HashCost | None:
        return next((c for c in self.hash_costs if (c.workload, c.hash) == (workload, hash_name)), None)


class _Timed(Protocol):
    runs: int
    seconds: float

    def run(self) -> None: ...


@dataclass
class _Job:
    label: str
    parts: list[_Timed]  # run one after the other in each round
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


class _Counter:
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


@contextmanager
def _frozen_gc() -> Iterator[None]:
    # Everything alive now (workloads, imported modules) goes to gc's permanent
    # generation, so the collection before each timed run only walks new objects.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_plan(
    options: Options,
    workloads: dict[str, Workload],
    plan: Plan,
    progress: Progress | None = None,
) -> LabRun:
    """Measure every baseline, configuration and hash function of `plan`, then its scale sweep.

    Runs go in rounds: round r times every job's r-th run, so each job's runs are
    spread over the whole measurement and the best of them dodges passing load.
    A job stops repeating once it has MIN_RUNS runs and has used `options.budget_s`.
    """
    began = time.perf_counter()
    lab = LabRun()
    hashes = KeyHashes()
    jobs = _jobs(options, workloads, plan, lab, hashes)
    scale_runs = sum(len(configs) + 1 for _, configs in plan.scale) * _scale_repeat(options)
    equality_runs = plan.equality_jobs() * options.repeat
    counter = _Counter(progress, len(jobs) * options.repeat + equality_runs + scale_runs)
    with _frozen_gc():
        _rounds(jobs, options.repeat, options.budget_s, counter, lab)
    _collect(jobs, lab)
    if plan.equality:
        _run_equality(options, plan, lab, counter)
    if plan.scale:
        _run_scale(options, plan, lab, counter)
    counter.finish()
    lab.seconds = time.perf_counter() - began
    return lab


def _scale_repeat(options: Options) -> int:
    return max(MIN_RUNS, min(options.repeat, SCALE_REPEAT))


def _rounds(jobs: list[_Job], repeat: int, budget_s: float, counter: _Counter, lab: LabRun) -> None:
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


def _collect(jobs: list[_Job], lab: LabRun) -> None:
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


def _jobs(
    options: Options,
    workloads: dict[str, Workload],
    plan: Plan,
    lab: LabRun,
    hashes: KeyHashes,
) -> list[_Job]:
    """A job per baseline, per valid configuration and per (workload, hash function).

    The invalid configurations become failures.
    """
    jobs = []
    for name, n in plan.baselines:
        workload = workloads[name].prefix(n)
        jobs.append(_dict_job(workload))
    checks = _KeyChecks()
    for config, experiments in plan.configs.items():
        job = _config_job(options, config, workloads[config.workload], experiments, checks, hashes, lab)
        if job is not None:
            jobs.append(job)
    for name in options.workloads:
        workload = workloads[name]
        for choice in options.hashes:
            if checks.bad_key(choice, workload) is None:
                label = f"hash {choice.name} on {name}"
                parts: list[_Timed] = [HashCostMeasurer(choice, workload)]
                jobs.append(_Job(label, parts, name, workload.n, ["hash"], kind="hash"))
    return jobs


def _dict_job(workload: Workload) -> _Job:
    label = f"dict on {workload.name} n={workload.n}"
    return _Job(label, [dict_measurer(workload)], workload.name, workload.n, ["dict"], kind="dict")


def _config_job(
    options: Options,
    config: Config,
    full: Workload,
    experiments: list[str],
    checks: _KeyChecks,
    hashes: KeyHashes,
    lab: LabRun,
) -> _Job | None:
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
    return _Job(config.label(), [measurer, native], config.workload, config.n, experiments, config)


def _run_equality(options: Options, plan: Plan, lab: LabRun, counter: _Counter) -> None:
    """Per workload: a dict on keys transformed beforehand, the by-hand mapping, then
    every strategy's table; all of them interleaved in the same rounds."""
    jobs = []
    for name in dict.fromkeys(config.workload for config in plan.equality):
        semantics = SEMANTICS[name]
        workload = make_equality_workload(name, options.n, options.seed)
        floor = _dict_job(floor_workload(workload))
        by_hand = Measurer(semantics.by_hand, workload)
        jobs += [
            floor,
            _Job(
                f"{semantics.by_hand_name} on {name} n={workload.n}",
                [by_hand],
                name,
                workload.n,
                [EXPERIMENT],
                kind="by-hand",
                mapping=semantics.by_hand_name,
                semantics=semantics.label,
            ),
        ]
        for config in (c for c in plan.equality if c.workload == name):
            try:
                measurer = table_measurer(config, semantics.hash, workload)
            except (ValueError, TypeError) as exc:
                lab.failures.append(Failure(config, f"the table rejected this configuration: {exc}"))
                counter.done += options.repeat
                continue
            jobs.append(_Job(config.label(), [measurer], name, workload.n, [EXPERIMENT], config))
    with _frozen_gc():
        _rounds(jobs, options.repeat, options.budget_s, counter, lab)
    _collect(jobs, lab)


def _run_scale(options: Options, plan: Plan, lab: LabRun, counter: _Counter) -> None:
    """The scale sweep, smallest n first, while the next point fits in the time budget.

    Each point's cost is forecast from the last one's, scaled by n; a point that
    would end past `options.scale_budget_s` is skipped with the rest, and a note
    says where the sweep stopped.
    """
    began = time.perf_counter()
    repeat = _scale_repeat(options)
    last: tuple[int, float] | None = None
    for count, configs in plan.scale:
        spent = time.perf_counter() - began
        if last is not None and spent + last[1] * count / last[0] > options.scale_budget_s:
            lab.notes.append(
                f"the scale sweep stopped after n={last[0]:,}: n={count:,} would pass its "
                f"{options.scale_budget_s:g} s budget (--scale-budget)"
            )
            counter.done += sum(len(c) + 1 for n, c in plan.scale if n >= count) * repeat
            break
        started = time.perf_counter()
        # Each point draws its own keys, only once the budget allows it: 10^7 keys take seconds.
        workload = make_workload(SCALE_WORKLOAD, count, options.seed)
        jobs, hashes = [_dict_job(workload)], KeyHashes()
        for config in configs:
            job = _config_job(options, config, workload, ["scale"], _KeyChecks(), hashes, lab)
            if job is not None:
                jobs.append(job)
        with _frozen_gc():
            _rounds(jobs, repeat, options.budget_s, counter, lab)
        _collect(jobs, lab)
        last = (count, time.perf_counter() - started)
