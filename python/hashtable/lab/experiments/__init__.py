"""The experiments, one module each, and the one list that names them in report order.

Each module holds its plan, its measurement, its finding and its drawing (experiment.py
says what each is), and ends with `EXPERIMENT`, its instance. A new experiment is one
new module here and one line in `NAMES`; the plan and its measurement (conductor.py),
the findings, the plots, the terminal, index.html and results.json take it from this list.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ..experiment import Experiment, Finding, Results
from ..plan import Options

Row = dict[str, Any]

# Report order: the plots, by their letters, then the findings without a plot.
NAMES: tuple[str, ...] = (
    "chains",  # (a) chain lengths for each hash function
    "max_load",  # (b) lookup time against max_load
    "key_count",  # (c) lookup time against the number of keys
    "initial_size",  # (d) resizes and insert time against the initial size
    "scale",  # (e) lookups as the table outgrows the caches
    "memory",  # (f) bytes per entry against max_load
    "probe_theory",  # (g) probe lengths against the textbook
    "hash_quality",  # (h) avalanche, bucket uniformity and collisions on the run's keys
    "overhead",  # the binding's overhead
    "hash_costs",  # what hashing a key costs
    "custom_equality",  # key= and eq= against the same semantics by hand
)


def _load(module: str) -> Experiment:
    experiment = importlib.import_module(f"{__name__}.{module}").EXPERIMENT
    if not isinstance(experiment, Experiment):
        raise TypeError(f"{__name__}.{module}.EXPERIMENT is not an Experiment")
    return experiment


EXPERIMENTS: tuple[Experiment, ...] = tuple(_load(module) for module in NAMES)


def active(options: Options) -> list[Experiment]:
    """The experiments this run includes (`Experiment.active`), in report order."""
    return [experiment for experiment in EXPERIMENTS if experiment.active(options)]


def all_findings(
    rows: list[Row],
    costs: list[Row],
    options: Options,
    caches: dict[str, int],
    sections: dict[str, Any] | None = None,
) -> dict[str, Finding]:
    """Every active experiment's finding, by its name, in report order."""
    results = Results(rows, costs, options, caches, dict(sections or {}))
    return {e.name: e.found(results) for e in active(options)}


def draw_all(results: Results, out: Path) -> dict[str, str]:
    """Draw every active experiment's plot into `out`; {experiment name: file name} for those drawn.

    matplotlib is imported by each drawing: call this only once it is known to import.
    """
    drawn = {}
    for experiment in active(results.options):
        if experiment.filename is None:
            continue
        if experiment.draws(results.options):
            experiment.draw(results, out / experiment.filename)
            drawn[experiment.name] = experiment.filename
    return drawn
