"""`python -m hashtable.lab` / `hashtable-lab`: parse, check, measure, report.

Every mistake in the request (an unknown name, a hash that will not import, an
--out folder that cannot be written) ends the run before any measuring, with one
line on stderr and a non-zero exit status: 2 for a bad argument, 1 for a folder
the system refused. Without matplotlib the run still writes the table, the CSV,
the JSON and the HTML, and says how to get the plots.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

from .api import load_workloads, measure
from .args import PROG, parse_options
from .cache import cache_sizes
from .console import make_console, print_report, progress_bar
from .errors import LabError
from .experiment import Results
from .experiments import all_findings
from .explorer.command import lab_page
from .plan import Options
from .report import command_line, write_csv, write_html, write_json
from .workloads import Workload

INSTALL_HINT = "pip install 'hashtable-engine[lab]'"


def prepare_out(out: Path) -> None:
    """Create `out` and prove it can be written, before any time is spent measuring."""
    probe = out / f".hashtable-lab-write-test-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LabError(f"cannot write to --out folder {str(out)!r}: {reason}", 1) from None


def _load_workloads(options: Options) -> dict[str, Workload]:
    console = make_console(stderr=True)
    status = (
        console.status("reading identifiers from the standard library (cached after)")
        if "names" in options.workloads
        else nullcontext()
    )
    with status:
        return load_workloads(options)


def draw_plots(results: Results) -> tuple[dict[str, str], str | None]:
    """({experiment name: file name}, None), or ({}, a note) when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401 - only whether it imports
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "matplotlib":
            raise
        return {}, f"no plots: they need matplotlib ({INSTALL_HINT}); the table, CSV, JSON and HTML are complete"
    from .experiments import draw_all

    return draw_all(results, results.options.out), None


def run(options: Options) -> int:
    """Measure, then write every output and print the table."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    began = time.perf_counter()
    workloads = _load_workloads(options)
    with progress_bar(make_console(stderr=True), 1) as advance:
        measured = measure(options, workloads, advance)
    options, rows, costs, notes = measured.options, measured.rows, measured.costs, measured.notes
    caches = cache_sizes()
    sections = measured.lab.sections
    found = all_findings(rows, costs, options, caches, sections)
    out = options.out
    try:
        drawn, missing = draw_plots(Results(rows, costs, options, caches, sections))
        if missing is not None:
            notes.append(missing)
        findings = [dataclasses.replace(f, filename=drawn.get(key)) for key, f in found.items()]
        seconds = time.perf_counter() - began
        meta = {
            "command": command_line(options.argv),
            "argv": list(options.argv),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "cache_bytes": caches,
            "started": started,
            "seconds": round(seconds, 2),
            "parameters": _parameters(options),
            "notes": notes,
        }
        write_csv(out / "results.csv", rows)
        write_json(out / "results.json", rows, costs, measured.lab.failures, findings, meta, sections)
        explorer = lab_page(out, workloads[options.workloads[0]], options.strategies, options.hashes[0].hash_func)
        write_html(out / "index.html", rows, measured.lab.failures, options, findings, meta, notes, explorer)
    except OSError as exc:
        raise LabError(f"cannot write the report to {str(out)!r}: {exc}", 1) from None
    console = make_console(wide=options.wide)
    print_report(console, rows, measured.lab.failures, options, findings, notes, seconds)
    return 0


def _parameters(options: Options) -> dict[str, object]:
    return {
        "workloads": list(options.workloads),
        "n": options.n,
        "hashes": [
            {"name": choice.name, "origin": choice.origin, "description": choice.description}
            for choice in options.hashes
        ],
        "strategies": list(options.strategies),
        "indexes": list(options.indexes),
        "max_loads": list(options.max_loads),
        "sizes": list(options.sizes),
        "repeat": options.repeat,
        "budget_s": options.budget_s,
        "seed": options.seed,
        "quick": options.quick,
        "keys_file": str(options.keys_file.path) if options.keys_file else None,
        "scale": options.scale,
        "big": options.big,
        "scale_budget_s": options.scale_budget_s,
        "equality": options.equality,
        "view": options.view,
        "reference_hash": options.reference_hash,
        "reference_strategy": options.reference_strategy,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m hashtable.lab` and the `hashtable-lab` command."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        options = parse_options(args)
        prepare_out(options.out)
        return run(options)
    except LabError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
