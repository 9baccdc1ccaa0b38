"""`make bench-c`: the C library against GLib, uthash and khash; writes its section of BENCHMARKS.md.

Builds `benches/c/bench.c` at -O2 against the release library and the peers'
Debian packages (libglib2.0-dev, uthash-dev, libhts-dev for htslib/khash.h),
writes the identifiers of the standard library's .py files one per line to
target/bench-c/words.txt, runs the program in 3 processes (--processes) of
REPEAT interleaved rounds each (each cell keeps its quickest run: on a shared
machine the quickest is the one least disturbed), checks that every table
computed the same checksums, and writes the section between the bench-c markers of BENCHMARKS.md:
nanoseconds per operation, the ratio of libhashtable to the fastest peer in the
same run, the goals, and callgrind's instructions per ht_get_hashed hit.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import markdown_block

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench-c"
PEERS = ["khash", "glib", "uthash"]
TABLES = ["hashtable", *PEERS]
CELLS = [
    ("word_count", "word count", 1.0),
    ("word_hit", "word hits", 1.2),
    ("word_miss", "word misses", None),
    ("word_delete", "word deletes", None),
    ("int_insert", "1M keys: insert", 1.5),
    ("int_hit", "1M keys: hit", 1.5),
    ("int_miss", "1M keys: miss", 1.5),
    ("int_delete", "1M keys: delete", 2.0),
]
GEOMEAN_GOAL = 1.2
INSTRUCTIONS_GOAL = 60
IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


def write_words(path: Path) -> tuple[Path, int]:
    """The identifiers of the standard library's .py files (site-packages excluded), one per line."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts)
    with path.open("wb") as out:
        for file in files:
            words = IDENTIFIER.findall(file.read_bytes())
            if words:
                out.write(b"\n".join(words) + b"\n")
    return stdlib, len(files)


def build(extra_cflags: list[str], library: Path, include: Path) -> Path:
    program = OUT / "bench"
    glib = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "glib-2.0"], capture_output=True, text=True, check=True
    ).stdout.split()
    cflags = [f for f in glib if not f.startswith("-l")]
    libs = [f for f in glib if f.startswith("-l")]
    subprocess.run(
        ["cc", "-std=c11", "-O2", f"-I{include}", *cflags, *extra_cflags, "benches/c/bench.c",
         str(library), *libs, "-lpthread", "-ldl", "-lm", "-o", str(program)],
        cwd=ROOT,
        check=True,
    )
    return program


def peer_versions() -> dict[str, str]:
    versions = {}
    for table, package in [("glib", "libglib2.0-dev"), ("uthash", "uthash-dev"), ("khash", "libhts-dev")]:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
        versions[table] = f"{package} {done.stdout.strip()}" if done.returncode == 0 else package
    return versions


def run(program: Path, words: Path, repeat: int, processes: int) -> dict[str, dict[str, tuple[float, int, int]]]:
    """Each cell's quickest time over `processes` runs of `repeat` interleaved rounds each."""
    results: dict[str, dict[str, tuple[float, int, int]]] = {}
    for _ in range(processes):
        done = subprocess.run([str(program), str(words), str(repeat)], capture_output=True, text=True, check=True)
        print(done.stderr.strip(), file=sys.stderr)
        for line in done.stdout.splitlines():
            table, cell, nanos, ops, checksum = line.split()
            previous = results.setdefault(table, {}).get(cell)
            if previous is None or float(nanos) < previous[0]:
                results[table][cell] = (float(nanos), int(ops), int(checksum))
    for cell, label, _ in CELLS:
        sums = {table: results[table][cell][2] for table in TABLES}
        if len(set(sums.values())) != 1:
            raise SystemExit(f"bench-c: the tables disagree on {label}: {sums}")
    return results


def report(
    results,
    instructions: float | None,
    command: str,
    words_note: str,
    versions: dict[str, str],
    repeat: int,
    processes: int,
) -> str:
    lines = [
        "## The C library against GLib, uthash and khash",
        "",
        f"Written by `{command}` (`scripts/bench_c.py`, `benches/c/bench.c`). Nanoseconds per",
        f"operation, the quickest of {processes} processes of {repeat} interleaved rounds; every table owns a copy",
        "of each new word.",
        "libhashtable: the `swiss` strategy with max_load 0.875 and its default hash (foldhash), a",
        "word count with one `ht_entry` per word, lookups with `ht_get`, removals with `ht_remove`; its blocks",
        "of 4 MiB and more on transparent huge pages (`crates/hashtable-c/src/alloc.rs`; the peers allocate with",
        "glibc's malloc as it is, and `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` would give them the same); peers at -O2",
        f"from Debian's packages ({', '.join(versions[p] for p in ['glib', 'uthash', 'khash'])}:",
        "khash's string and int64 maps, GLib's g_str_hash and g_int64_hash tables, uthash items).",
        f"Words: {words_note}. The ratio is libhashtable's time over the fastest peer's in the same run",
        "(below 1: libhashtable is faster). On a shared 2-core VM a cell moves by 20-50% between runs.",
        "",
        "| cell | hashtable | khash | glib | uthash | ratio | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    ratios = []
    for cell, label, goal in CELLS:
        per_op = {table: results[table][cell][0] / results[table][cell][1] for table in TABLES}
        fastest = min(PEERS, key=lambda table: per_op[table])
        ratio = per_op["hashtable"] / per_op[fastest]
        ratios.append(ratio)
        verdict = "" if goal is None else (f"<= {goal}: met" if ratio <= goal else f"<= {goal}: not met")
        cells = " | ".join(f"{per_op[table]:.1f}" for table in TABLES)
        lines.append(f"| {label} | {cells} | {ratio:.2f}x {fastest} | {verdict} |")
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    verdict = "met" if geomean <= GEOMEAN_GOAL else "not met"
    lines += [
        "",
        f"Geometric mean of the eight ratios: {geomean:.2f} (goal <= {GEOMEAN_GOAL}: {verdict}).",
    ]
    if instructions is not None:
        verdict = "met" if instructions <= INSTRUCTIONS_GOAL else "not met"
        lines.append(
            f"Library instructions per ht_get_hashed hit on a 1k-key swiss table of 8-byte keys (callgrind, "
            f"the calling loop excluded; `python3 scripts/callgrind_c.py`): {instructions:.1f} "
            f"(goal <= {INSTRUCTIONS_GOAL}: {verdict})."
        )
    else:
        lines.append("Instructions per ht_get_hashed hit: not measured (valgrind is not installed).")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds per process")
    parser.add_argument("--processes", type=int, default=3, help="processes; each cell keeps its quickest")
    parser.add_argument("--output", type=Path, default=None, help="write the section into this file")
    parser.add_argument("--command", default="make bench-c")
    parser.add_argument("--cflags", default=os.environ.get("BENCH_C_CFLAGS", ""), help="extra flags for bench.c")
    parser.add_argument("--library", type=Path, default=ROOT / "target/release/libhashtable.a",
                        help="the libhashtable.a to time (another build, to compare)")
    parser.add_argument("--include", type=Path, default=ROOT / "include", help="where its hashtable.h is")
    parser.add_argument("--no-callgrind", action="store_true", help="skip the instruction count")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    words = OUT / "words.txt"
    stdlib, files = write_words(words)
    program = build(args.cflags.split(), args.library, args.include)
    results = run(program, words, args.repeat, args.processes)
    tokens = results["hashtable"]["word_count"][1]
    distinct = results["hashtable"]["word_hit"][1]
    words_note = (
        f"{tokens:,} identifiers ({distinct:,} distinct) from the {files:,} .py files of "
        f"Python {sys.version_info.major}.{sys.version_info.minor}'s standard library"
    )
    instructions = None
    if shutil.which("valgrind") and not args.no_callgrind:
        import callgrind_c

        instructions = callgrind_c.per_get("swiss", 1000, 20)
    section = report(results, instructions, args.command, words_note, peer_versions(), args.repeat, args.processes)
    print(section)
    if args.output is not None:
        markdown_block.write_into(args.output, section, name="bench-c")
    return 0


if __name__ == "__main__":
    sys.exit(main())
