"""The lab (`python -m hashtable.lab`): workloads, hash functions, timing, every output file,
and the one-line errors. Runs on tiny sizes: the whole file takes seconds."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import html
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hashtable
import pytest
from hashtable.lab.__main__ import main
from hashtable.lab.cli import parse_options
from hashtable.lab.conductor import build_plan, run_plan
from hashtable.lab.console import summary_table
from hashtable.lab.noise import cell, differs
from hashtable.lab.plan import QUICK_N, QUICK_REPEAT
from hashtable.lab.rows import COLUMNS
from hashtable.lab.sentences import lead_and_rest
from hashtable.lab.summary import summary_columns, summary_rows
from hashtable.lab.workloads import make_workload
from rich.text import Text

PLOTS = (
    "chain_histogram.png",
    "lookup_vs_max_load.png",
    "lookup_vs_n.png",
    "resizes_vs_size.png",
    "scale.png",
    "memory_vs_max_load.png",
    "probe_theory.png",
    "hash_quality.png",
)
OUTPUTS = ("results.csv", "results.json", "index.html", *PLOTS)
STRATEGIES: tuple[str, ...] = tuple(s for s in ("chaining", "linear") if s in hashtable.STRATEGIES)
STRATEGIES = STRATEGIES or tuple(hashtable.STRATEGIES[:2])
NATIVE = next((h for h in ("fnv1a", "siphash13") if h in hashtable.HASH_FUNCTIONS), None)
HASHES = ("python", "seed", "seed-py", "awesome", *((NATIVE,) if NATIVE else ()))
N = 60

USER_HASHES = textwrap.dedent(
    """
    def unlucky_seven(key):
        if key == 7:
            raise ValueError("seven is unlucky")
        return hash(key)

    def stringly(key):
        return str(key)

    NOT_CALLABLE = 42
    """
)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    out: Path


def run_main(argv: list[str], out: Path | None = None) -> Run:
    stdout, stderr = io.StringIO(), io.StringIO()
    full = [*argv, "--out", str(out)] if out is not None else argv
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(full)
    return Run(code, stdout.getvalue(), stderr.getvalue(), out or Path())


@pytest.fixture(scope="module")
def lab_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A user hash module on sys.path and a private cache dir for the stdlib names."""
    root = tmp_path_factory.mktemp("lab")
    (root / "labhashes.py").write_text(USER_HASHES, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(root))
        patch.setenv("HASHTABLE_LAB_CACHE", str(root / "cache"))
        yield root


@pytest.fixture(scope="module")
def lab_run(lab_env: Path) -> Run:
    argv = ["--n", str(N), "--repeat", "2", "--workload", "names", "ints"]
    argv += ["--hash", *HASHES, "labhashes:unlucky_seven", "labhashes:stringly"]
    argv += ["--strategy", *STRATEGIES, "--max-load", "0.5", "0.8", "--size", "4", "64"]
    # The scale sweep always measures its first point (n=1,000); the budget keeps it short.
    argv += ["--scale-budget", "2"]
    return run_main(argv, lab_env / "report")


@pytest.fixture(scope="module")
def csv_rows(lab_run: Run) -> list[dict[str, str]]:
    with (lab_run.out / "results.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report(lab_run: Run) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((lab_run.out / "results.json").read_text("utf-8"))
    return document


# --- a whole run, in process ------------------------------------------------------------


def test_run_succeeds_and_writes_every_output(lab_run: Run) -> None:
    assert lab_run.code == 0, lab_run.stderr
    for name in OUTPUTS:
        assert (lab_run.out / name).stat().st_size > 0, name
    assert "Traceback" not in lab_run.stderr


def test_csv_has_every_column_with_units(csv_rows: list[dict[str, str]], lab_run: Run) -> None:
    with (lab_run.out / "results.csv").open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == COLUMNS
    for column in ("insert_ns", "lookup_hit_ns", "insert_ratio_to_dict", "memory_bytes", "native_lookup_hit_ns"):
        assert column in header
    for row in csv_rows:
        for column in ("insert_ns", "lookup_hit_ns", "lookup_miss_ns", "delete_ns"):
            assert float(row[column]) > 0, (column, row)
            assert float(row[column.replace("_ns", "_median_ns")]) >= float(row[column])
            assert float(row[column.replace("_ns", "_spread")]) >= 0
        assert int(row["memory_bytes"]) > 0
        if row["strategy"] == "dict":
            assert row["native_lookup_hit_ns"] == "", "dict has no native view"
        elif row["experiment"] == "equality":
            assert row["native_lookup_hit_ns"] == "", "the equality experiment is timed from Python only"
            assert row["semantics"] in ("key=str.casefold", 'eq="identity"'), row
        else:
            for column in ("resizes", "hash_calls", "longest_chain", "final_size", "probe_hit", "expected_probe_hit"):
                assert row[column] != "", (column, row)
            for op in ("insert", "lookup_hit", "lookup_miss", "delete"):
                native, python = float(row[f"native_{op}_ns"]), float(row[f"{op}_ns"])
                assert native > 0
                assert float(row[f"{op}_overhead_ns"]) == pytest.approx(python - native, abs=0.02)
            assert int(row["hash_calls"]) >= int(row["n"])
            assert 0 <= float(row["empty_bucket_share"]) <= 1
            # A share of the hits, at least one of them, took the fewest visits.
            assert 0 < float(row["probe_hit_first"]) <= 1, row


def test_dict_baseline_is_measured_and_ratios_use_it(csv_rows: list[dict[str, str]]) -> None:
    baselines = {(r["workload"], r["n"]): r for r in csv_rows if r["strategy"] == "dict"}
    assert ("names", str(N)) in baselines and ("ints", str(N)) in baselines
    tables = [r for r in csv_rows if r["strategy"] != "dict"]
    assert tables
    for row in tables:
        base = baselines[(row["workload"], row["n"])]
        for op in ("insert", "lookup_hit", "lookup_miss", "delete"):
            expected = float(row[f"{op}_ns"]) / float(base[f"{op}_ns"])
            # Both sides are rounded (0.1 ns, 0.001) before they reach the CSV.
            assert float(row[f"{op}_ratio_to_dict"]) == pytest.approx(expected, rel=0.05, abs=0.01)


def test_grid_covers_every_hash_strategy_and_workload(csv_rows: list[dict[str, str]]) -> None:
    grid = {(r["workload"], r["hash"], r["strategy"]) for r in csv_rows if "grid" in r["experiment"].split("+")}
    for workload in ("names", "ints"):
        for hash_name in HASHES:
            for strategy in STRATEGIES:
                assert (workload, hash_name, strategy) in grid
    experiments = {e for r in csv_rows for e in r["experiment"].split("+")}
    assert experiments == {"dict", "grid", "max_load", "n", "size", "scale", "equality"}


def test_seed_hash_makes_long_chains_on_names(csv_rows: list[dict[str, str]], report: dict[str, Any]) -> None:
    def longest(hash_name: str) -> int:
        (row,) = [
            r
            for r in csv_rows
            if r["experiment"].startswith("grid")
            and (r["workload"], r["hash"], r["strategy"]) == ("names", hash_name, STRATEGIES[0])
            and r["n"] == str(N)
        ]
        return int(row["longest_chain"])

    # Every identifier of one length lands on one chain or probe sequence, and the seeded
    # workload is the same under any PYTHONHASHSEED, so this bound is too.
    names = make_workload("names", N, 0).keys
    same_length = max(Counter(len(str(name)) for name in names).values())
    assert longest("seed-py") == longest("seed") >= same_length
    if NATIVE is not None:  # unkeyed native hashes do not depend on the str hash seed either
        assert longest("seed") >= 2 * longest(NATIVE)


def test_scale_sweep_measures_every_strategy_from_its_first_point(csv_rows: list[dict[str, str]]) -> None:
    scale = [r for r in csv_rows if "scale" in r["experiment"].split("+")]
    assert {(r["strategy"], r["n"]) for r in scale} >= {(s, "1000") for s in STRATEGIES}
    assert any(r["strategy"] == "dict" and r["workload"] == "random-ints" and r["n"] == "1000" for r in csv_rows)
    for row in scale:
        assert row["workload"] == "random-ints" and float(row["native_lookup_hit_ns"]) > 0


def test_max_load_sweep_fills_each_table_to_its_max_load(csv_rows: list[dict[str, str]]) -> None:
    rows = [r for r in csv_rows if "max_load" in r["experiment"].split("+")]
    assert {(r["strategy"], float(r["max_load"])) for r in rows} == {(s, m) for s in STRATEGIES for m in (0.5, 0.8)}
    for row in rows:
        assert row["resizes"] == "0", row
        assert float(row["load_factor"]) == pytest.approx(float(row["max_load"]), abs=0.02)


def test_raising_hash_is_reported_and_the_rest_still_runs(
    lab_run: Run, report: dict[str, Any], csv_rows: list[dict[str, str]]
) -> None:
    failures = report["failures"]
    unlucky = [f for f in failures if f["hash"] == "labhashes:unlucky_seven"]
    assert unlucky and all(f["workload"] == "ints" and f["key"] == "7" for f in unlucky)
    assert all("ValueError: seven is unlucky" in f["error"] for f in unlucky)
    assert {f["strategy"] for f in unlucky} == set(STRATEGIES)
    # The same function had no bad key on names: those configurations have rows.
    assert any(r["hash"] == "labhashes:unlucky_seven" for r in csv_rows)
    stringly = [f for f in failures if f["hash"] == "labhashes:stringly"]
    assert stringly and all("returned str" in f["error"] for f in stringly)
    assert not any(r["hash"] == "labhashes:stringly" for r in csv_rows)
    # Listed in the terminal, with the configuration and the key, and still exit 0.
    assert lab_run.code == 0
    assert "configurations failed" in lab_run.stdout
    assert "hash=labhashes:unlucky_seven" in lab_run.stdout
    assert "on key 7" in lab_run.stdout


def test_json_rows_match_csv(report: dict[str, Any], csv_rows: list[dict[str, str]]) -> None:
    assert len(report["rows"]) == len(csv_rows)
    assert set(COLUMNS) <= set(report["rows"][0])
    assert set(report["columns"]) == set(COLUMNS)
    assert report["command"].startswith("python -m hashtable.lab --n 60")
    drawn = [f["file"] for f in report["findings"] if f["file"] is not None]
    assert drawn == list(PLOTS)
    assert all(f["finding"] and "No data" not in f["finding"] for f in report["findings"])
    assert {c["hash"] for c in report["hash_costs"]} >= set(HASHES)


def test_plots_are_valid_pngs(lab_run: Run) -> None:
    from matplotlib.image import imread

    for name in PLOTS:
        data = (lab_run.out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        pixels = imread(lab_run.out / name)
        height, width = pixels.shape[:2]
        assert width >= 600 and height >= 400, name
        assert pixels.std() > 0.05, f"{name} is blank"


def test_html_shows_command_table_plots_and_findings(lab_run: Run, report: dict[str, Any]) -> None:
    page = (lab_run.out / "index.html").read_text("utf-8")
    assert report["command"].replace("'", "&#x27;") in page
    assert page.count("<table>") >= 2
    for finding in report["findings"]:
        if finding["file"] is not None:
            assert f'<img src="{finding["file"]}"' in page
    assert page.count("<strong>Finding:</strong>") == len(report["findings"])
    assert 'class="dict"' in page and "binding overhead" in page.lower()
    assert "headers: HashTable(key=str.casefold) from Python, ns per operation (x CaseFoldDict)" in page
    assert "seven is unlucky" in page


def test_html_opens_with_what_the_run_shows(lab_run: Run, report: dict[str, Any]) -> None:
    page = (lab_run.out / "index.html").read_text("utf-8")
    shows = page.index("<h2>What this run shows</h2>")
    folded = page.index('<details id="table">')  # the summary table, folded (no `open`)
    assert page.index("<h2>") == shows and shows < folded
    lead = page[shows:folded]
    for finding in report["findings"]:
        assert html.escape(finding["title"]) in lead
        assert html.escape(lead_and_rest(finding["finding"])[0]) in lead  # its first sentences
        if finding["file"] is not None:
            assert f'<img src="{finding["file"]}"' in lead  # its plot beside them
    assert lead.count('<p class="baseline">Baseline: ') == len(report["findings"])
    assert "fastest structure first" in page[folded : page.index("</summary>", folded)]


def test_html_table_lists_the_best_configurations_first(lab_run: Run, report: dict[str, Any]) -> None:
    page = (lab_run.out / "index.html").read_text("utf-8")
    table = page[page.index('<details id="table">') :]
    table = table[: table.index("</table>")]
    lines = [re.findall(r'<td class="name">(.*?)</td>', line) for line in re.findall(r"<tr[^>]*>(.*?)</tr>", table)]
    shown = [line for line in lines if line]  # the heading row has no name cells
    rows = {(r["workload"], r["hash"], r["strategy"]): r for r in summary_rows(report["rows"])}
    for workload in ("names", "ints"):
        mine = [rows[(w, html.unescape(h), s)] for w, h, s in shown if w == workload]
        assert mine[0]["strategy"] == "dict"  # the baseline heads its workload
        speeds = [row["native_lookup_hit_ns"] for row in mine[1:]]
        assert len(speeds) >= len(HASHES) * len(STRATEGIES) and speeds == sorted(speeds)


def test_terminal_opens_with_the_findings(lab_run: Run, report: dict[str, Any]) -> None:
    printed = lab_run.stdout
    shows, table = printed.index("What this run shows"), printed.index("fastest structure first")
    assert shows < table
    for plot in ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "Binding overhead", "Custom equality"):
        assert shows < printed.index(plot) < table, plot
    assert " ".join(printed[:table].split()).count("(baseline: ") == len(report["findings"])


def test_hash_quality_section_in_html_terminal_and_json(lab_run: Run, report: dict[str, Any]) -> None:
    section = report["hash_quality"]
    assert section["workload"] == "names" and section["n"] == N and section["flipped_keys"] == N
    by_hash = {quality["hash"]: quality for quality in section["hashes"]}
    assert "labhashes:stringly" not in by_hash and "labhashes:unlucky_seven" in by_hash  # no bad key on names
    assert any("hash quality: labhashes:stringly returned str" in note for note in report["notes"])
    assert by_hash["seed"]["flagged"] and by_hash["seed"]["avalanche"] is not None
    assert by_hash["awesome"]["avalanche"] is None  # written in Python: uniformity and collisions only
    (finding,) = [f for f in report["findings"] if f["file"] == "hash_quality.png"]
    assert finding["title"].startswith("(h) Hash quality") and "seed (bias 0.50" in finding["finding"]
    page = (lab_run.out / "index.html").read_text("utf-8")
    lead = page[page.index("<h2>What this run shows</h2>") : page.index('<details id="table">')]
    assert '<img src="hash_quality.png"' in lead and "Hash quality on names (n=60" in lead
    printed = lab_run.stdout
    assert printed.index("(h) Hash quality") < printed.index("fastest structure first")
    assert "Hash quality on names (n=60" in printed


def test_terminal_table_lists_every_hash(lab_run: Run) -> None:
    for name in (*HASHES, "dict"):
        assert name in lab_run.stdout
    for plot in ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "Binding overhead"):
        assert plot in lab_run.stdout


def test_quick_run_as_a_module(tmp_path: Path) -> None:
    env = dict(os.environ, HASHTABLE_LAB_CACHE=str(tmp_path / "cache"))
    out = tmp_path / "quick"
    done = subprocess.run(
        [sys.executable, "-m", "hashtable.lab", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    document = json.loads((out / "results.json").read_text("utf-8"))
    assert document["parameters"]["quick"] is True
    assert document["parameters"]["repeat"] == QUICK_REPEAT and document["parameters"]["n"] == QUICK_N
    hashes = {row["hash"] for row in document["rows"]}
    assert {"python", "seed", "seed-py", "awesome"} <= hashes
    assert set(hashtable.HASH_FUNCTIONS) <= hashes
    by_hand = {"CaseFoldDict", "IdentityDict"}  # the equality experiment's pure-Python mappings
    assert {row["strategy"] for row in document["rows"]} == {"dict", *hashtable.STRATEGIES, *by_hand}
    assert document["failures"] == []


# --- errors: one line on stderr, non-zero exit, no traceback ----------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workload", "nonsense"], "unknown workload 'nonsense'"),
        (["--strategy", "bogus"], "unknown strategy 'bogus'"),
        (["--hash", "nohash"], "unknown hash function 'nohash'"),
        (["--index", "modulo"], "unknown index 'modulo'"),
        (["--hash", "no_such_module_xyz:f"], "cannot import module 'no_such_module_xyz'"),
        (["--hash", "labhashes:missing"], "has no attribute 'missing'"),
        (["--hash", "labhashes:NOT_CALLABLE"], "not a callable"),
        (["--n", "0"], "--n must be positive"),
        (["--max-load", "abc"], "is not a valid float"),
        (["--frobnicate"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_give_one_line(lab_env: Path, argv: list[str], message: str) -> None:
    run = run_main(argv, lab_env / "never")
    assert run.code == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("hashtable-lab: error:")
    assert message in run.stderr
    assert run.stdout == ""
    assert not (lab_env / "never").exists()


def test_unwritable_out_gives_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    run = run_main(["--n", "10"], blocker / "report")
    assert run.code == 1
    assert run.stderr.count("\n") == 1
    assert "cannot write to --out folder" in run.stderr


# --- the parts that need a run: progress, colours, and the optional packages ---------------
# (the rest of the lab's parts: tests/test_lab_workloads.py)


def test_progress_counts_every_run_up_to_its_total(lab_env: Path) -> None:
    argv = ["--workload", "ints", "--n", "30", "--hash", "python", "--strategy", STRATEGIES[0], "--repeat", "2"]
    # A budget the first scale point always overruns: the sweep stops after it, and says so.
    options = parse_options([*argv, "--scale-budget", "0.001"])
    options = dataclasses.replace(options, sizes=(4, 64))
    workloads = {"ints": make_workload("ints", 30, 0)}
    plan = build_plan(options, {"ints": 30})
    calls: list[tuple[int, int]] = []
    lab = run_plan(options, workloads, plan, lambda done, total, _what: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1]
    assert all(0 < done <= total for done, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    first = [r for r in lab.results if r.experiments == ["scale"]]
    assert {r.n for r in first} == {1_000} and len(first) == 1
    stopped = "the scale sweep stopped after n=1,000: n=4,000 would pass its 0.001 s budget (--scale-budget)"
    assert lab.notes == [stopped]
    measured = [r for r in lab.results if r.workload == "ints"]
    assert len(measured) == plan.count() and all(r.timing.runs == 2 for r in measured)
    assert all(r.native is not None and len(r.native["lookup_hit"]) == 2 for r in measured if r.config is not None)
    assert [(c.workload, c.hash) for c in lab.hash_costs] == [("ints", "python")]


def test_terminal_colours_follow_the_noise_rule(report: dict[str, Any]) -> None:
    options = parse_options(["--hash", *HASHES, "--strategy", *STRATEGIES, "--workload", "names", "ints"])
    table = summary_table(report["rows"], options, wide=True)
    shown = summary_rows(report["rows"])
    for column, spec in zip(table.columns[3:], summary_columns(wide=True), strict=True):
        for position, text in enumerate(column.cells):
            assert isinstance(text, Text)
            if str(text.style) not in ("bold green", "bold red"):
                continue
            row = shown[position]
            others = [r for r in shown if r is not row and r["workload"] == row["workload"] and r["strategy"] != "dict"]
            mine = cell(row, spec.column)
            assert mine is not None
            # A coloured cell differs measurably from every other row of its workload: ties stay plain.
            assert all(differs(mine, theirs) for r in others if (theirs := cell(r, spec.column)) is not None)


def test_without_matplotlib_the_rest_is_written(tmp_path: Path) -> None:
    keys = tmp_path / "words.csv"
    keys.write_text("id,word\n" + "".join(f"{i},w{i % 40}\n" for i in range(60)), encoding="utf-8")
    out = tmp_path / "report"
    argv = ["--keys", str(keys), "--column", "word", "--hash", "python", "--strategy", STRATEGIES[0]]
    argv += ["--repeat", "2", "--no-scale", "--no-equality", "--out", str(out)]
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from hashtable.lab.__main__ import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = " ".join(done.stdout.split())  # rich wraps lines at the page width
    assert "no plots: they need matplotlib (pip install 'hashtable-engine[lab]')" in printed
    assert "60 keys, 40 distinct (20 duplicates dropped)" in printed
    for name in ("results.csv", "results.json", "index.html"):
        assert (out / name).stat().st_size > 0
    assert not list(out.glob("*.png"))
    document = json.loads((out / "results.json").read_text("utf-8"))
    assert {row["workload"] for row in document["rows"]} == {"file:words.csv"}
    assert all(f["file"] is None and f["finding"] for f in document["findings"])


def test_missing_rich_gives_one_line() -> None:
    code = (
        "import sys; sys.modules['rich'] = None\nfrom hashtable.lab.__main__ import main\nsys.exit(main(['--quick']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == (
        "hashtable-lab: error: the lab's terminal output needs rich: pip install 'hashtable-engine[lab]'\n"
    )
