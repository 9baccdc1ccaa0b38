"""The blocks of BENCHMARKS.md that `make bench-python` and `make bench-c` own, each between two
HTML comments (`<!-- NAME:start -->`, `<!-- NAME:end -->`).

`scripts/bench_python.py` and `scripts/bench_c.py` write their sections there;
`scripts/bench_report.py` rewrites the rest of the file and carries the blocks
over. Standard library only.
"""

from __future__ import annotations

from pathlib import Path

NAMES = ("bench-python", "bench-c")
START = "<!-- bench-python:start -->"
END = "<!-- bench-python:end -->"


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def extract(document: str, name: str = "bench-python") -> str | None:
    """The block, markers included, or None when the document has none."""
    start_marker, end_marker = _markers(name)
    start = document.find(start_marker)
    end = document.find(end_marker, start)
    if start < 0 or end < 0:
        return None
    return document[start : end + len(end_marker)]


def splice(document: str, body: str, name: str = "bench-python") -> str:
    """The document with its block's body replaced by `body` (the block is appended if missing)."""
    start_marker, end_marker = _markers(name)
    block = f"{start_marker}\n{body.strip()}\n{end_marker}"
    old = extract(document, name)
    if old is not None:
        return document.replace(old, block, 1)
    if not document:
        return f"{block}\n"
    separator = "\n" if document.endswith("\n") else "\n\n"
    return f"{document}{separator}{block}\n"


def write_into(path: Path, body: str, name: str = "bench-python") -> None:
    """Put `body` into the block `name` of the file at `path`, creating the file if needed."""
    document = path.read_text() if path.exists() else ""
    path.write_text(splice(document, body, name))
