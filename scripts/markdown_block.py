"""The block of BENCHMARKS.md that `make bench-python` owns, between two HTML comments.

`scripts/bench_python.py` writes its section there; `scripts/bench_report.py`
rewrites the rest of the file and carries the block over. Standard library only.
"""

from __future__ import annotations

from pathlib import Path

START = "<!-- bench-python:start -->"
END = "<!-- bench-python:end -->"


def extract(document: str) -> str | None:
    """The block, markers included, or None when the document has none."""
    start = document.find(START)
    end = document.find(END, start)
    if start < 0 or end < 0:
        return None
    return document[start : end + len(END)]


def splice(document: str, body: str) -> str:
    """The document with its block's body replaced by `body` (the block is appended if missing)."""
    block = f"{START}\n{body.strip()}\n{END}"
    old = extract(document)
    if old is not None:
        return document.replace(old, block, 1)
    if not document:
        return f"{block}\n"
    separator = "\n" if document.endswith("\n") else "\n\n"
    return f"{document}{separator}{block}\n"


def write_into(path: Path, body: str) -> None:
    """Put `body` into the block of the file at `path`, creating the file if needed."""
    document = path.read_text() if path.exists() else ""
    path.write_text(splice(document, body))
