"""This machine's CPU cache sizes, for the vertical lines of the scale plot.

Read from Linux's sysfs (`/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}`),
else from `lscpu`; empty when neither knows (another OS, a container that hides
both), and the plot then draws no lines. Instruction caches are left out: a table
lives in the data caches.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

SYSFS_CACHE = Path("/sys/devices/system/cpu/cpu0/cache")

_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "KIB": 1024, "M": 1024**2, "MB": 1024**2, "MIB": 1024**2}
_UNITS |= {"G": 1024**3, "GB": 1024**3, "GIB": 1024**3}


def parse_size(text: str) -> int | None:
    """'48K', '2048K', '32 MiB', '49152' -> bytes; None if it is not a size."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if match is None or match.group(2).upper() not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def _name(level: int, kind: str) -> str:
    return f"L{level}d" if level == 1 and kind == "Data" else f"L{level}"


def from_sysfs(root: Path = SYSFS_CACHE) -> dict[str, int]:
    """{'L1d': bytes, 'L2': bytes, 'L3': bytes} for cpu0, from sysfs; {} if unreadable."""
    sizes: dict[str, int] = {}
    for index in sorted(root.glob("index*")):
        try:
            level = int((index / "level").read_text().strip())
            kind = (index / "type").read_text().strip()
            size = parse_size((index / "size").read_text())
        except (OSError, ValueError):
            continue
        if kind == "Instruction" or size is None:
            continue
        sizes.setdefault(_name(level, kind), size)
    return sizes


def parse_lscpu(text: str) -> dict[str, int]:
    """Cache sizes from `lscpu` output: 'L2 cache: 4 MiB (2 instances)' gives the
    size of one instance (2 MiB); older versions print one instance ('L2 cache: 2048K')."""
    sizes: dict[str, int] = {}
    pattern = r"^\s*L(\d)([di]?)(?: cache)?:\s*([\d.]+\s*[A-Za-z]*)(?:\s*\((\d+) instances?\))?\s*$"
    for line in text.splitlines():
        match = re.match(pattern, line)
        if match is None or match.group(2) == "i":
            continue
        size = parse_size(match.group(3))
        if size is None:
            continue
        instances = int(match.group(4) or 1)
        level = int(match.group(1))
        sizes.setdefault(_name(level, "Data" if match.group(2) == "d" else "Unified"), size // instances)
    return sizes


def from_lscpu() -> dict[str, int]:
    try:
        done = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    return parse_lscpu(done.stdout) if done.returncode == 0 else {}


def cache_sizes(root: Path = SYSFS_CACHE) -> dict[str, int]:
    """This machine's data cache sizes per level, smallest level first; {} if unknown."""
    sizes = from_sysfs(root) or from_lscpu()
    return dict(sorted(sizes.items(), key=lambda item: item[1]))


def format_bytes(value: float) -> str:
    """1536 -> '1.5 KiB'; 272629760 -> '260 MiB'."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if value >= size:
            scaled = value / size
            return f"{scaled:.0f} {unit}" if scaled >= 10 or scaled.is_integer() else f"{scaled:.1f} {unit}"
    return f"{value:.0f} B"
