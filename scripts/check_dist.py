"""Check what `make dist` built, then install the sdist into a fresh venv and use it.

    python scripts/check_dist.py target/dist        (make dist, after twine check)

- The sdist holds every tracked file of the paths a build or a reader needs: README.md,
  LICENSE, CHANGELOG.md, the Rust crates, the Python package, tests/, and the C library's
  crates/hashtable-c, include/, examples/c and tests/c where they exist.
- The wheel is under WHEEL_LIMIT bytes, carries the stubs, py.typed and the license, and its
  extension has no debug sections (the release profile strips them).
- A fresh venv installs the sdist on its own (pip builds it with maturin and cargo, a few
  minutes), imports it, and finds the version, a full page of help and a working table.

Exit status 1 with the reasons on stderr, otherwise 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

from elf_sections import section_names

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "hashtable-engine"
WHEEL_LIMIT = 1_200_000
SDIST_PATHS = [
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "Cargo.toml",
    "Cargo.lock",
    "pyproject.toml",
    "crates/hashtable-core",
    "crates/hashtable-python",
    "python/hashtable",
    "tests",
    "crates/hashtable-c",
    "include",
    "examples/c",
    "tests/c",
]

# Run inside the fresh venv: everything a first-time user would try.
SMOKE = """
import importlib.metadata, pydoc, sys
import hashtable
from hashtable import HashTable

assert hashtable.__version__ == importlib.metadata.version("hashtable-engine"), hashtable.__version__
assert hashtable.__file__.startswith(sys.prefix), hashtable.__file__  # the installed copy
page = pydoc.render_doc(HashTable, renderer=pydoc.plaintext)
assert len(page.splitlines()) > 150, len(page.splitlines())
t = HashTable({"pi": 3.14}, strategy="swiss", hash_func="fnv1a")
t["e"] = 2.72
assert t.pop("pi") == 3.14 and dict(t) == {"e": 2.72}
assert set(t.stats()) >= {"size", "load", "longest_chain"}
print("fresh venv:", hashtable.__version__, len(page.splitlines()), "lines of help")
"""


def tracked_files(paths: list[str]) -> list[str]:
    """Git's files under `paths` (those that exist), relative to the repository."""
    existing = [path for path in paths if (ROOT / path).exists()]
    listed = subprocess.run(
        ["git", "ls-files", "--", *existing], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [path for path in listed if (ROOT / path).is_file()]


def check_sdist(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        # Members are "<name>-<version>/<path>".
        members = {name.partition("/")[2] for name in archive.getnames()}
    missing = [path for path in tracked_files(SDIST_PATHS) if path not in members]
    return [f"{sdist.name} lacks {path}" for path in missing]


def check_wheel(wheel: Path) -> list[str]:
    problems = []
    size = wheel.stat().st_size
    if size >= WHEEL_LIMIT:
        problems.append(f"{wheel.name} is {size:,} bytes, limit {WHEEL_LIMIT:,}")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for wanted in ("hashtable/_hashtable.pyi", "hashtable/py.typed", "hashtable/_types.py"):
            if wanted not in names:
                problems.append(f"{wheel.name} lacks {wanted}")
        if not any(name.endswith(".dist-info/licenses/LICENSE") for name in names):
            problems.append(f"{wheel.name} lacks the LICENSE in its dist-info")
        extensions = [name for name in names if name.startswith("hashtable/_hashtable") and name.endswith(".so")]
        if len(extensions) != 1:
            problems.append(f"{wheel.name} has extension modules {extensions}")
        else:
            debug = [name for name in section_names(archive.read(extensions[0])) if name.startswith(".debug")]
            if debug:
                problems.append(f"{extensions[0]} in {wheel.name} has debug sections {debug}")
        metadata_name = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = archive.read(metadata_name).decode()
    for field in (f"Name: {DISTRIBUTION}", "License-Expression: MIT", "Classifier: ", "Keywords: "):
        if field not in metadata:
            problems.append(f"{wheel.name} METADATA has no {field!r}")
    return problems


def check_fresh_install(sdist: Path) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="hashtable-dist-") as scratch:
        env_dir = Path(scratch) / "venv"
        venv.create(env_dir, with_pip=True)
        python = env_dir / "bin" / "python"
        # Registry crates compiled by an earlier check are reused; the sdist's own crates are
        # always built from the sdist.
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", str(sdist)],
            capture_output=True,
            text=True,
            env={**os.environ, "CARGO_TARGET_DIR": str(ROOT / "target" / "dist-check")},
        )
        if install.returncode != 0:
            return [f"pip install {sdist.name} failed:\n{install.stdout}{install.stderr}"]
        smoke = subprocess.run([str(python), "-c", SMOKE], capture_output=True, text=True, cwd=scratch)
        if smoke.returncode != 0:
            return [f"the installed sdist failed its smoke test:\n{smoke.stdout}{smoke.stderr}"]
        print(smoke.stdout, end="")
    return []


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "dist")
    sdists = sorted(dist.glob("*.tar.gz"))
    wheels = sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        print(f"check_dist: expected one sdist and one wheel in {dist}, found {sdists + wheels}", file=sys.stderr)
        return 1
    problems = check_sdist(sdists[0]) + check_wheel(wheels[0])
    if not problems:
        problems = check_fresh_install(sdists[0])
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(
        f"check_dist: {sdists[0].name} ({sdists[0].stat().st_size:,} bytes) and "
        f"{wheels[0].name} ({wheels[0].stat().st_size:,} bytes) are complete; the sdist installs on its own"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
