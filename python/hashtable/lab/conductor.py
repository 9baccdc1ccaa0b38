"""A whole run's measurement, over the experiments of the run: `build_plan` fills the plan
(the grid, then what each active experiment asks for) and `run_plan` measures it (every
shared job in interleaved rounds, then each experiment's own measurement).

The experiments list (experiments/) is consulted here, above everything the experiments
themselves build on (plan.py, runner.py), so those need not know which experiments exist.
"""

from __future__ import annotations

import time

from .experiment import Experiment
from .experiments import active
from .measure import Config
from .native import KeyHashes
from .plan import Options, Plan
from .runner import Counter, Job, KeyChecks, LabRun, Progress, collect, config_job, dict_job, frozen_gc, rounds
from .workloads import Workload


def build_plan(options: Options, workload_sizes: dict[str, int]) -> Plan:
    """Every configuration to measure; `workload_sizes` gives each workload's real n."""
    plan = Plan()
    max_load, size = options.max_loads[0], options.sizes[0]
    for workload in options.workloads:
        n = workload_sizes[workload]
        for choice in options.hashes:
            for strategy in options.strategies:
                for index in options.indexes:
                    plan.add(Config(workload, n, choice.name, strategy, index, max_load, size), "grid")
    for experiment in active(options):
        experiment.plan(options, plan, workload_sizes)
    return plan


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
    experiments = active(options)
    lab = LabRun()
    jobs = _jobs(options, workloads, plan, experiments, lab, KeyHashes())
    own_runs = sum(experiment.runs(options, plan) for experiment in experiments)
    counter = Counter(progress, len(jobs) * options.repeat + own_runs)
    with frozen_gc():
        rounds(jobs, options.repeat, options.budget_s, counter, lab)
    collect(jobs, lab)
    for experiment in sorted(experiments, key=lambda experiment: experiment.measured_last):
        experiment.measure(options, plan, workloads, lab, counter)
    counter.finish()
    lab.seconds = time.perf_counter() - began
    return lab


def _jobs(
    options: Options,
    workloads: dict[str, Workload],
    plan: Plan,
    experiments: list[Experiment],
    lab: LabRun,
    hashes: KeyHashes,
) -> list[Job]:
    """A job per baseline, per valid configuration, and the experiments' own jobs.

    The invalid configurations become failures.
    """
    jobs = []
    for name, n in plan.baselines:
        workload = workloads[name].prefix(n)
        jobs.append(dict_job(workload))
    checks = KeyChecks()
    for config, uses in plan.configs.items():
        job = config_job(options, config, workloads[config.workload], uses, checks, hashes, lab)
        if job is not None:
            jobs.append(job)
    for experiment in experiments:
        jobs += experiment.jobs(options, workloads, checks)
    return jobs
