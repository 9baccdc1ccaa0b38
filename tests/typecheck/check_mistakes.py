"""Run `mypy --strict` on mistakes.py and compare its errors with the file's markers.

A line ending in `# E: [code] text` must get exactly one error, with that code and a
message containing `text`; a line without a marker must get none. Exit status 1, with
each difference listed, otherwise 0. (make lint)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mypy import api

MISTAKES = Path(__file__).with_name("mistakes.py")
MARKER = re.compile(r"#\s*E:\s*\[(?P<code>[a-z-]+)\]\s*(?P<text>.+?)\s*$")
ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$")


def expected_errors(source: str) -> dict[int, tuple[str, str]]:
    """Line number -> (code, text) for every marked line."""
    expected: dict[int, tuple[str, str]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            expected[number] = (match["code"], match["text"])
    return expected


def reported_errors(report: str) -> dict[int, list[tuple[str, str]]]:
    """Line number -> [(code, message)] for every error mypy reported."""
    reported: dict[int, list[tuple[str, str]]] = {}
    for line in report.splitlines():
        match = ERROR.match(line)
        if match:
            reported.setdefault(int(match["line"]), []).append((match["code"], match["message"]))
    return reported


def differences(expected: dict[int, tuple[str, str]], reported: dict[int, list[tuple[str, str]]]) -> list[str]:
    problems: list[str] = []
    for number in sorted(expected.keys() | reported.keys()):
        got = reported.get(number, [])
        if number not in expected:
            problems.extend(f"line {number}: unexpected error [{code}] {message}" for code, message in got)
            continue
        code, text = expected[number]
        if not got:
            problems.append(f"line {number}: expected [{code}] {text!r}, mypy accepted the line")
        elif len(got) > 1 or got[0][0] != code or text not in got[0][1]:
            found = "; ".join(f"[{c}] {m}" for c, m in got)
            problems.append(f"line {number}: expected [{code}] {text!r}, got {found}")
    return problems


def main() -> int:
    expected = expected_errors(MISTAKES.read_text())
    options = ["--strict", "--no-pretty", "--hide-error-context", "--no-error-summary"]
    stdout, stderr, _ = api.run([*options, str(MISTAKES)])
    if stderr:
        print(stderr, file=sys.stderr)
        return 1
    problems = differences(expected, reported_errors(stdout))
    for problem in problems:
        print(f"{MISTAKES}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{MISTAKES.name}: all {len(expected)} deliberate mistakes rejected as marked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
