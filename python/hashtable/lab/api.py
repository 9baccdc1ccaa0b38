"""Measuring without the terminal: the pipeline the command uses, and `run()` for notebooks.

    >>> from hashtable import lab
    >>> rows = lab.run(keys=my_keys, strategies=["swiss", "chaining"], quick=True)  # doctest: +SKIP

`run` takes the command's defaults, returns every row as a dict (the columns of
results.csv, described in `rows.COLUMN_HELP`) and needs neither rich nor matplotlib.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .args import parse_options
from .conductor import build_plan, run_plan
from .errors import LabError
from .hashes import HashChoice, resolve_hashes
from .plan import Options, default_sizes
from .rows import build_rows, hash_cost_rows
from .runner import LabRun, Progress
from .user_keys import load_keys_file, split_keys
from .workloads import Workload, make_workload

Row = dict[str, Any]
USER_KEYS = "keys"


@dataclass
class Measured:
    options: Options  # with the initial sizes filled in
    lab: LabRun
    rows: list[Row]
    costs: list[Row]
    notes: list[str]


def load_workloads(options: Options) -> dict[str, Workload]:
    """Every workload of `options`: given ones, the --keys file, or generated ones."""
    given = {workload.name: workload for workload in options.given_workloads}
    loaded = {}
    for name in options.workloads:
        if name in given:
            workload = given[name]
        elif options.keys_file is not None and name == options.keys_file.name:
            workload = load_keys_file(options.keys_file, options.seed)
        else:
            loaded[name] = make_workload(name, options.n, options.seed)
            continue
        loaded[name] = workload.prefix(options.n) if options.n_given else workload
    return loaded


def measure(options: Options, workloads: dict[str, Workload], progress: Progress | None = None) -> Measured:
    """Measure everything `options` asks for on `workloads`; the rows and the hash costs."""
    notes = [workload.note for workload in workloads.values() if workload.note]
    if not options.sizes:
        first_n = workloads[options.workloads[0]].n
        options = dataclasses.replace(options, sizes=default_sizes(first_n, options.max_loads[0]))
    plan = build_plan(options, {name: workload.n for name, workload in workloads.items()})
    lab = run_plan(options, workloads, plan, progress)
    return Measured(options, lab, build_rows(lab), hash_cost_rows(lab), notes + lab.notes)


def _hash_choices(hashes: Sequence[str | Callable[[Any], int]]) -> tuple[HashChoice, ...]:
    chosen: list[HashChoice] = []
    for item in hashes:
        if isinstance(item, str):
            chosen += resolve_hashes([item])
        elif callable(item):
            name = getattr(item, "__qualname__", None) or repr(item)
            chosen.append(HashChoice(name, item, "user", f"{name} (user function)"))
        else:
            raise LabError(f"hashes: {item!r} is neither a hash function's name nor a callable")
    return tuple(chosen)


def run(
    keys: Iterable[Hashable] | None = None,
    *,
    workloads: Sequence[str] | None = None,
    strategies: Sequence[str] | None = None,
    hashes: Sequence[str | Callable[[Any], int]] | None = None,
    indexes: Sequence[str] | None = None,
    n: int | None = None,
    max_loads: Sequence[float] | None = None,
    sizes: Sequence[int] | None = None,
    repeat: int | None = None,
    budget_s: float | None = None,
    seed: int = 0,
    quick: bool = False,
    scale: bool = True,
    big: bool = False,
    scale_budget_s: float | None = None,
    equality: bool = True,
) -> list[Row]:
    """Run the lab from Python and return its rows: one dict per configuration and dict baseline.

    `keys` are your own keys (any hashable values; duplicates are dropped and a third
    are kept apart for failed lookups), measured as the workload "keys"; without
    them the command's default workload (the standard library's identifiers) runs.
    Every other argument is the command-line option of the same name, with the same
    default; `hashes` may also hold callables. Bad values raise LabError (a ValueError).
    """
    argv: list[str] = []
    for flag, values in (
        ("--workload", workloads),
        ("--strategy", strategies),
        ("--index", indexes),
        ("--max-load", max_loads),
        ("--size", sizes),
    ):
        if values is not None:
            argv += [flag, *(str(value) for value in values)]
    for flag, value in (("--n", n), ("--repeat", repeat), ("--budget", budget_s), ("--scale-budget", scale_budget_s)):
        if value is not None:
            argv += [flag, str(value)]
    argv += ["--seed", str(seed), *(["--quick"] if quick else []), *(["--big"] if big else [])]
    argv += [] if scale else ["--no-scale"]
    argv += [] if equality else ["--no-equality"]
    options = parse_options(argv)
    if hashes is not None:
        options = dataclasses.replace(options, hashes=_hash_choices(hashes))
    if keys is not None:
        workload = split_keys(USER_KEYS, keys, seed, "run(keys=...)")
        chosen = tuple(workloads) if workloads is not None else ()
        options = dataclasses.replace(options, workloads=(USER_KEYS, *chosen), given_workloads=(workload,))
    return measure(options, load_workloads(options)).rows
