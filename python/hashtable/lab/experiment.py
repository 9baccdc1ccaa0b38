"""What an experiment is: the interface every module of `experiments/` implements, and
what its finding is made of.

An experiment says what it measures, what it found and, when it has a plot, how to
draw it:

* `plan`: the timed configurations it reads, added to the run's plan with its name as
  the rows' `experiment` tag (one configuration several experiments share is measured
  once); `jobs`: more timed jobs in the same interleaved rounds (the hash costs).
* `runs` and `measure`: work of its own after those rounds (the equality experiment,
  the scale sweep, the hash quality), which may keep what it found in `LabRun.sections`
  under its name.
* `finding`: one or two sentences computed from everything its plot shows, naming their
  `baseline`, stating a difference only when the noise rule allows; `tables`: the
  small tables printed beside it.
* `draw`: its PNG (`filename`); matplotlib is imported inside, so a run without it
  still measures and writes everything else.

`experiments/__init__.py` lists the experiments in report order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sentences import lead_and_rest

if TYPE_CHECKING:
    from .plan import Options, Plan
    from .runner import Counter, Job, KeyChecks, LabRun
    from .workloads import Workload

Row = dict[str, Any]


@dataclass(frozen=True)
class TextTable:
    """A small table of text cells: `names` leading columns of names, then numbers."""

    title: str
    headings: tuple[str, ...]
    lines: list[list[str]]
    names: int = 1


@dataclass(frozen=True)
class Finding:
    """What one experiment found: its title, its sentences, their baseline, its plot."""

    title: str
    text: str
    filename: str | None = None  # the PNG, once drawn
    baseline: str = ""
    tables: tuple[TextTable, ...] = ()

    @property
    def lead(self) -> str:
        """What the report opens with: the first sentences of `text`."""
        return lead_and_rest(self.text)[0]

    @property
    def rest(self) -> str:
        """The sentences of `text` after the lead (often none)."""
        return lead_and_rest(self.text)[1]


@dataclass(frozen=True)
class Results:
    """A run's measurements, as every finding and plot reads them."""

    rows: list[Row]
    costs: list[Row]
    options: Options
    caches: dict[str, int]
    sections: dict[str, Any] = field(default_factory=dict)  # an experiment's own results, by its name


# A title or a baseline: fixed words, or words that depend on the run's options.
Words = str | Callable[["Options"], str]


def _say(words: Words, options: Options) -> str:
    return words if isinstance(words, str) else words(options)


class Experiment:
    """One experiment. The constructor takes what every experiment has (and a plot's
    `filename` and `draw`, a `plan`, `tables`); an experiment that measures on its own
    subclasses it and overrides `runs` and `measure` (or `jobs`, `active`, `draws`)."""

    measured_last: bool = False  # its own measurement runs after every other one's

    def __init__(
        self,
        name: str,
        *,
        title: Words,
        baseline: Words,
        finding: Callable[[Results], str],
        filename: str | None = None,
        draw: Callable[[Results, Path], None] | None = None,
        plan: Callable[[Options, Plan, dict[str, int]], None] | None = None,
        tables: Callable[[Results], list[TextTable]] | None = None,
    ) -> None:
        self.name = name  # its key in the findings and its tag in the rows' `experiment` column
        self.filename = filename  # its plot, or None when it draws nothing
        self._title, self._baseline, self._finding = title, baseline, finding
        self._draw, self._plan, self._tables = draw, plan, tables

    def title(self, options: Options) -> str:
        return _say(self._title, options)

    def baseline(self, options: Options) -> str:
        """What its finding compares against, in a few words."""
        return _say(self._baseline, options)

    def active(self, options: Options) -> bool:
        """Whether this run includes it at all (no plan, no finding otherwise)."""
        return True

    def draws(self, options: Options) -> bool:
        return self._draw is not None

    def plan(self, options: Options, plan: Plan, sizes: dict[str, int]) -> None:
        """Add the timed configurations it reads; `sizes` gives each workload's real n."""
        if self._plan is not None:
            self._plan(options, plan, sizes)

    def jobs(self, options: Options, workloads: dict[str, Workload], checks: KeyChecks) -> list[Job]:
        """More jobs for the shared rounds."""
        return []

    def runs(self, options: Options, plan: Plan) -> int:
        """How many runs `measure` will report to the progress bar."""
        return 0

    def measure(
        self, options: Options, plan: Plan, workloads: dict[str, Workload], lab: LabRun, counter: Counter
    ) -> None:
        """Its own measurement, after the shared rounds; `workloads` are the run's keys."""

    def finding(self, results: Results) -> str:
        return self._finding(results)

    def tables(self, results: Results) -> list[TextTable]:
        return self._tables(results) if self._tables is not None else []

    def draw(self, results: Results, path: Path) -> None:
        if self._draw is None:
            raise ValueError(f"{self.name} has no plot")
        self._draw(results, path)

    def found(self, results: Results) -> Finding:
        options = results.options
        tables = tuple(self.tables(results))
        return Finding(self.title(options), self.finding(results), None, self.baseline(options), tables)
