"""The lab's second-edition parts: the user's keys, `lab.run()`, the noise rule, the
100-column table and progress bar, and the cache-size reader. Tiny sizes, seconds in all."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import hashtable
import pytest
from hashtable import lab
from hashtable.lab import cache
from hashtable.lab.args import parse_options
from hashtable.lab.console import progress_columns, summary_table
from hashtable.lab.errors import LabError
from hashtable.lab.experiments.hash_quality import (
    BIAS_SE,
    UNIFORM_P,
    avalanche,
    expected_collisions,
    flip_counts,
    flips,
    measure_quality,
    quality_finding,
    quality_table,
    worst_cell,
)
from hashtable.lab.experiments.initial_size import size_finding
from hashtable.lab.experiments.max_load import max_load_finding, robin_hood_finding
from hashtable.lab.noise import NO_DIFFERENCE, Cell, differs, standout, versus
from hashtable.lab.rows import COLUMNS
from hashtable.lab.runner import Counter, LabRun
from hashtable.lab.user_keys import KeysFile, load_keys_file, read_keys
from hashtable.lab.workloads import make_workload
from rich.console import Console
from rich.progress import Progress

WORDS = [f"word{i % 45}" for i in range(70)]  # 45 distinct, 25 duplicates


# --- --keys FILE ----------------------------------------------------------------------------


def test_keys_from_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("\n".join(WORDS) + "\n\n  \r\n", encoding="utf-8")
    assert read_keys(KeysFile(path)) == WORDS  # blank lines skipped, order kept
    workload = load_keys_file(KeysFile(path), seed=0)
    assert workload.name == "file:words.txt"
    assert workload.n == 30 and len(workload.missing) == 15
    assert set(workload.keys) | set(workload.missing) == set(WORDS)
    assert not set(workload.keys) & set(workload.missing)
    assert "70 keys, 45 distinct (25 duplicates dropped); 30 inserted, 15 kept apart" in workload.note


def test_keys_from_a_csv_column_and_as_ints(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    rows = "".join(f"{i},{i * 7 % 50},name{i}\n" for i in range(80))
    path.write_text("id,age,name\n" + rows, encoding="utf-8")
    ages = read_keys(KeysFile(path, column="age", as_int=True))
    assert ages[:3] == [0, 7, 14] and all(isinstance(age, int) for age in ages)
    assert read_keys(KeysFile(path, column="age"))[:2] == ["0", "7"]  # str without --int
    workload = load_keys_file(KeysFile(path, column="age", as_int=True), seed=0)
    assert workload.n + len(workload.missing) == 50 and "30 duplicates dropped" in workload.note
    options = parse_options(["--keys", str(path), "--column", "age", "--int", "--workload", "ints"])
    assert options.workloads == ("file:people.csv", "ints")
    assert options.keys_file == KeysFile(path, "age", True)


@pytest.mark.parametrize(
    ("content", "spec", "message"),
    [
        ("a,b\n1,2\n", {"column": "c"}, "no column 'c' (columns: a, b)"),
        ("a,b\n1,2\n", {}, "is a CSV file: choose a column with --column (a, b)"),
        ("1\n2\nthree\n", {"as_int": True}, "line 3: 'three' is not an int (--int)"),
        ("x\n", {}, "1 distinct keys; the lab needs at least 3"),
    ],
)
def test_bad_keys_files_name_the_problem(tmp_path: Path, content: str, spec: dict[str, Any], message: str) -> None:
    path = tmp_path / ("keys.csv" if content.startswith("a,b") else "keys.txt")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabError) as caught:
        load_keys_file(KeysFile(path, **spec), seed=0)
    assert message in str(caught.value)


def test_keys_flags_are_checked(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="--column and --int need --keys FILE"):
        parse_options(["--int"])
    with pytest.raises(LabError, match="cannot read it"):
        read_keys(KeysFile(tmp_path / "absent.txt"))


# --- lab.run() ------------------------------------------------------------------------------


def three_times(key: object) -> int:
    return 3 * hash(key)


@pytest.fixture(scope="module")
def notebook_rows() -> list[dict[str, Any]]:
    """Every strategy and hash function on 45 distinct keys, as a notebook would ask."""
    return lab.run(keys=WORDS, hashes=[*_all_hashes(), three_times], repeat=2, scale=False, equality=False)


def _all_hashes() -> list[str]:
    return ["python", *(h for h in hashtable.HASH_FUNCTIONS if h != "python"), "seed-py", "awesome"]


def test_run_returns_rows_as_dicts(notebook_rows: list[dict[str, Any]]) -> None:
    assert notebook_rows and all(set(COLUMNS) <= set(row) for row in notebook_rows)
    grid = [row for row in notebook_rows if row["experiment"].startswith("grid")]
    assert {row["workload"] for row in notebook_rows} == {"keys"}
    assert {row["strategy"] for row in grid} == set(hashtable.STRATEGIES)
    assert {row["hash"] for row in grid} == {*_all_hashes(), "three_times"}
    assert all(row["n"] == 30 for row in grid)
    for row in grid:
        assert row["native_lookup_hit_ns"] > 0 and row["lookup_hit_ratio_to_dict"] > 0
        assert row["runs"] == 2
    (base,) = [row for row in notebook_rows if row["strategy"] == "dict" and row["n"] == 30]
    assert base["native_lookup_hit_ns"] is None


def test_run_checks_its_arguments() -> None:
    with pytest.raises(LabError, match="unknown strategy 'bogus'"):
        lab.run(keys=WORDS, strategies=["bogus"])
    with pytest.raises(ValueError, match="--repeat must be at least 2"):
        lab.run(keys=WORDS, repeat=1)
    with pytest.raises(LabError, match="neither a hash function's name nor a callable"):
        lab.run(keys=WORDS, hashes=[42])  # type: ignore[list-item]


# --- the noise rule -------------------------------------------------------------------------


def test_a_tie_is_no_measurable_difference() -> None:
    a = Cell.of([10.0, 10.5, 11.0])  # spread 5%
    b = Cell.of([10.3, 10.6, 11.2])  # 3% apart: within both spreads
    assert not differs(a, b) and versus(a, b, "dict") == f"{NO_DIFFERENCE} from dict"
    c = Cell.of([20.0, 20.2, 20.4])  # twice as slow, spreads of 1% and 5%
    assert differs(c, a) and versus(c, a, "dict") == "2.0x dict"
    wide = Cell.of([10.0, 20.0, 30.0])  # a 100% spread swallows the same gap
    assert not differs(c, wide)
    assert standout([a, b, c]) == (None, 2)  # a and b tie for best: neither is coloured
    assert standout([Cell.exact(12), Cell.exact(12), Cell.exact(12)]) == (None, None)


def _synthetic_row(strategy: str, max_load: float, runs: list[float], size: int = 4) -> dict[str, Any]:
    best = Cell.of(runs)
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(experiment="max_load+size", workload="names", n=1000, hash="python", strategy=strategy)
    row.update(max_load=max_load, initial_size=size, resizes=0 if size > 4 else 8)
    for stem in ("native_lookup_hit", "native_lookup_miss", "native_insert"):
        row.update({f"{stem}_ns": best.best, f"{stem}_median_ns": best.median, f"{stem}_spread": best.spread})
    return row


def test_findings_report_a_synthetic_tie_as_no_measurable_difference() -> None:
    options = parse_options(["--max-load", "0.25", "0.9", "--size", "4", "4096"])
    rows = [
        _synthetic_row("swiss", 0.25, [10.0, 10.4, 10.8]),
        _synthetic_row("swiss", 0.9, [10.2, 10.5, 11.0], size=4096),  # 2% apart, spreads 4%
        _synthetic_row("linear", 0.25, [10.0, 10.1, 10.2]),
        _synthetic_row("linear", 0.9, [25.0, 25.5, 26.0], size=4096),
    ]
    text = max_load_finding(rows, options)
    assert "no measurable change with swiss" in text
    assert "measurably slower with linear (10 ns -> 25 ns, 2.5x its time at max_load 0.25)" in text
    assert "swiss (" not in text
    assert "no measurable change with swiss" in size_finding(rows, options)


def _designs_rows(times: dict[str, list[tuple[float, list[float], list[float]]]]) -> list[dict[str, Any]]:
    """Synthetic plot (b) rows: per strategy, (max_load, hit runs, miss runs)."""
    rows = []
    for strategy, points in times.items():
        for max_load, hit, miss in points:
            row = _synthetic_row(strategy, max_load, hit)
            miss_cell = Cell.of(miss)
            row.update(experiment="max_load", probe_hit=1.5, probe_miss=2.5 if strategy == "linear" else 1.8)
            row.update(native_lookup_miss_ns=miss_cell.best, native_lookup_miss_median_ns=miss_cell.median)
            row.update(native_lookup_miss_spread=miss_cell.spread)
            rows.append(row)
    return rows


def test_the_finding_holds_robin_hood_to_the_designs_order() -> None:
    options = parse_options(["--max-load", "0.25", "0.5", "0.9", "--strategy", "linear", "robin_hood"])
    agree = _designs_rows(
        {
            "linear": [
                (0.25, [6.0, 6.1], [8.0, 8.1]),
                (0.5, [8.0, 8.1], [13.0, 13.1]),
                (0.9, [13.0, 13.1], [35.0, 36]),
            ],
            "robin_hood": [
                (0.25, [6.1, 6.2], [7.0, 7.1]),  # a tie within the noise is no slower
                (0.5, [7.0, 7.1], [8.0, 8.1]),
                (0.9, [11.0, 11.1], [12.0, 12.1]),
            ],
        }
    )
    text = robin_hood_finding(agree, options)
    assert text.startswith("Robin Hood's successful lookups were no slower than linear probing's at any max_load")
    assert "(0.25, 0.5 and 0.9; 11 ns against 13 ns at 0.9)" in text
    assert "its failed lookups were faster from max_load 0.5 up (12 ns against 35 ns at 0.9; 1.80 against 2.50" in text
    assert text in max_load_finding(agree, options)
    disagree = _designs_rows(
        {
            "linear": [(0.25, [6.0, 6.1], [8.0, 8.1]), (0.5, [8.0, 8.1], [13.0, 13.1])],
            "robin_hood": [(0.25, [7.0, 7.1], [7.0, 7.1]), (0.5, [8.0, 8.1], [13.0, 13.1])],
        }
    )
    text = robin_hood_finding(disagree, options)
    assert "were measurably slower than linear probing's at max_load 0.25 (7.0 ns against 6.0 ns at 0.25)" in text
    assert "its failed lookups were not measurably faster at max_load 0.5" in text
    assert "at home" not in text  # no census of first-slot hits in these rows
    for row in disagree:
        row["probe_hit_first"] = 0.67 if row["strategy"] == "robin_hood" else 0.74
    text = robin_hood_finding(disagree, options)
    assert "it found 67% of its keys at home, against linear probing's 74%" in text
    # Where Robin Hood is no slower, the finding does not explain a slowness.
    for row in agree:
        row["probe_hit_first"] = 0.67 if row["strategy"] == "robin_hood" else 0.74
    assert "at home" not in robin_hood_finding(agree, options)
    assert robin_hood_finding(_designs_rows({"linear": [(0.5, [8.0, 8.1], [13.0, 13.1])]}), options) == ""


# --- the terminal: 100 columns, a progress bar at any width -------------------------------


def test_the_table_fits_100_columns_with_every_name_whole(notebook_rows: list[dict[str, Any]]) -> None:
    options = parse_options(["--workload", "names"])
    console = Console(width=100, record=True, color_system=None)
    console.print(summary_table(notebook_rows, options))
    text = console.export_text()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "…" not in text
    for row in notebook_rows:
        if row["experiment"].startswith("grid"):
            assert any(row["hash"] in line.split() and row["strategy"] in line.split() for line in lines), row
    for heading in ("native", "py hit", "overhead", "longest"):
        assert heading in text
    wide = Console(width=250, record=True, color_system=None)
    wide.print(summary_table(notebook_rows, options, wide=True))
    assert "py delete" in wide.export_text() and "py delete" not in text


@pytest.mark.parametrize("width", [40, 60, 100])
def test_the_progress_bar_shows_at_any_width(width: int) -> None:
    console = Console(width=width, record=True, color_system=None)
    progress = Progress(*progress_columns(console), console=console)
    task = progress.add_task("run 1/5: workload=names n=10000 hash=siphash13 strategy=robin_hood " * 3, total=40)
    progress.update(task, completed=13)
    console.print(progress.make_tasks_table(progress.tasks))
    text = console.export_text()
    assert "13/40" in text and "━" in text and "0:00:0" in text
    assert max(len(line) for line in text.splitlines()) <= width


# --- the cache-size reader -----------------------------------------------------------------


def _fake_cache(root: Path, entries: list[tuple[int, str, str]]) -> None:
    for i, (level, kind, size) in enumerate(entries):
        index = root / f"index{i}"
        index.mkdir(parents=True)
        (index / "level").write_text(f"{level}\n")
        (index / "type").write_text(f"{kind}\n")
        (index / "size").write_text(f"{size}\n")


def test_cache_sizes_from_a_fake_sysfs_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_cache(
        tmp_path, [(1, "Data", "48K"), (1, "Instruction", "32K"), (2, "Unified", "2048K"), (3, "Unified", "32M")]
    )
    monkeypatch.setattr(cache, "from_lscpu", lambda: pytest.fail("sysfs was readable"))
    assert cache.cache_sizes(tmp_path) == {"L1d": 48 * 1024, "L2": 2 * 1024**2, "L3": 32 * 1024**2}


def test_cache_sizes_fall_back_to_lscpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = "L1d cache: 96 KiB (2 instances)\nL1i cache: 64 KiB (2 instances)\nL2 cache: 4 MiB (2 instances)\n"
    old = "L1d cache:             32K\nL1i cache:             32K\nL2 cache:              256K\nL3 cache: 8192K\n"
    assert cache.parse_lscpu(new) == {"L1d": 48 * 1024, "L2": 2 * 1024**2}
    assert cache.parse_lscpu(old) == {"L1d": 32 * 1024, "L2": 256 * 1024, "L3": 8 * 1024**2}
    monkeypatch.setattr(cache, "from_lscpu", lambda: cache.parse_lscpu(new))
    assert cache.cache_sizes(tmp_path / "absent") == {"L1d": 48 * 1024, "L2": 2 * 1024**2}
    _fake_cache(tmp_path / "broken", [(1, "Data", "lots")])
    monkeypatch.setattr(cache, "from_lscpu", dict)
    assert cache.cache_sizes(tmp_path / "broken") == {}


# --- hash quality: avalanche, uniformity and collisions on the user's keys -----------------------


def test_flip_counts_count_each_output_bit() -> None:
    assert flip_counts([0b01, 0b11, 0, 1 << 63])[:3] == [2, 1, 0]
    assert flip_counts([0b01, 0b11, 0, 1 << 63])[63] == 1
    assert expected_collisions(2, 1) == pytest.approx(0.5)  # 2 keys, 2 values: 1.5 distinct expected


def test_a_good_hash_avalanches_near_one_half_and_seed_never_does() -> None:
    found = flips(make_workload("strings", 600, 0).keys, 600)
    assert found.base == 600 and found.keys[0] == make_workload("strings", 600, 0).keys[0].encode()
    matrix, samples = avalanche(found, "xxh3")
    cells = [p for row in matrix if row is not None for p in row]
    assert len(cells) >= 40 * 64  # strings of 1 to 24 characters: most have 5 bytes or more
    assert sum(cells) / len(cells) == pytest.approx(0.5, abs=0.01)
    worst = worst_cell(matrix, samples)
    assert worst is not None and worst[3] < BIAS_SE  # every cell within the bound
    assert all(abs(p - 0.5) < 0.2 for p in cells)
    matrix, samples = avalanche(found, "seed")  # a str's length: no bit flip changes it
    assert all(p == 0 for row in matrix if row is not None for p in row)
    seed_worst = worst_cell(matrix, samples)
    assert seed_worst is not None and seed_worst[3] > BIAS_SE


def test_ints_flip_as_ints_and_pythons_int_hash_is_flagged() -> None:
    found = flips(make_workload("ints", 300, 0).keys, 300)
    assert all(isinstance(key, int) for key in found.keys)
    assert len(found.pairs[62]) == 300 and found.pairs[63] == []  # bit 63 would leave int64
    matrix, samples = avalanche(found, None)  # hash(k) == k below 2**61: bit i flips bit i only
    assert matrix[5] is not None and matrix[5][5] == 1 and matrix[5][6] == 0
    worst = worst_cell(matrix, samples)
    assert worst is not None and worst[3] > BIAS_SE


def test_hash_quality_on_a_keys_file_flags_seed(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    words = [f"{prefix}{i:04d}" for prefix in ("user_", "order-", "sku") for i in range(300)]
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    workload = load_keys_file(KeysFile(path), seed=0)
    options = parse_options(["--keys", str(path), "--hash", "xxh3", "seed", "seed-py", "--quick"])
    lab_run = LabRun()
    counter = Counter(None, len(options.hashes))
    section = asdict(measure_quality(options, workload, lab_run, counter))
    assert counter.done == 3 and section["workload"] == "file:words.txt" and section["n"] == workload.n
    by_hash = {quality["hash"]: quality for quality in section["hashes"]}
    assert by_hash["seed"]["flagged"] and not by_hash["xxh3"]["flagged"]
    assert by_hash["seed-py"]["avalanche"] is None  # a Python function is not given bytes keys
    assert by_hash["seed"]["collisions"]["16"] == workload.n - 3  # three lengths: three hashes
    assert max(by_hash["seed"]["chi_squared_p"]) < UNIFORM_P < min(by_hash["xxh3"]["chi_squared_p"])
    text = quality_finding(section)
    assert "seed (bias 0.50: its hash never changed when a bit flipped" in text
    assert "xxh3 flips every output bit with probability 0.5 within the bound" in text
    assert text.count(" exceeds it") == 1  # seed alone
    assert "not uniform (chi-squared p < 0.001) for seed and seed-py" in text
    (table,) = quality_table(section)
    assert [line[0] for line in table.lines] == ["xxh3", "seed", "seed-py", "(a uniform hash)"]
    assert table.lines[1][-1].endswith("*") and not table.lines[0][-1].endswith("*")
