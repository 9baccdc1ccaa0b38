"""Counting the instructions one program runs, under callgrind: what
`callgrind_lookup.py` and `callgrind_core.py` share."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_example(name: str) -> Path:
    """`crates/hashtable-core/examples/NAME.rs` built for release; the program's path."""
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "hashtable-core", "--example", name],
        cwd=ROOT,
        check=True,
    )
    return ROOT / "target" / "release" / "examples" / name


def instructions(command: list[str], env: dict[str, str] | None = None) -> int:
    """Instructions `command` executes, as callgrind's "Collected" line reports them."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={Path(tmp) / 'out'}", *command],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise RuntimeError(done.stderr[-2000:])
    return int(match.group(1))
