"""The C library and the Python type are one engine: with the same parameters
and the same `bytes` keys, `libhashtable` (loaded with ctypes) and `HashTable`
hash every key to the same value and so draw the same picture, for every
strategy and every unkeyed named hash. The README's C example is built with
the README's link line and run. (`make test` builds the library first; the
C API itself is tested in C, by tests/c/.)"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hashtable import HashTable

LIBRARY = Path(__file__).resolve().parent.parent / "target" / "release" / "libhashtable.so"
# siphash13 and foldhash are keyed randomly per table, so two tables never agree.
UNKEYED_HASHES = ["seed", "knuth", "fnv1a", "murmur3", "xxh3"]
KEYS = [b"", b"\x00", b"a", b"ab", b"hashtable"] + [f"key {i}".encode() * (1 + i % 3) for i in range(150)]


class Config(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("max_load", ctypes.c_double),
        ("growth", ctypes.c_double),
        ("min_load", ctypes.c_double),
        ("strategy", ctypes.c_char_p),
        ("index", ctypes.c_char_p),
        ("hash_name", ctypes.c_char_p),
        ("hash_fn", ctypes.c_void_p),
        ("hash_ctx", ctypes.c_void_p),
    ]


@pytest.fixture(scope="module")
def library() -> ctypes.CDLL:
    if not LIBRARY.exists():
        pytest.fail(f"{LIBRARY} is not built: run `make c-lib` (make test builds it first)")
    lib = ctypes.CDLL(str(LIBRARY))
    lib.ht_config_default.restype = Config
    lib.ht_new.argtypes = [ctypes.POINTER(Config), ctypes.POINTER(ctypes.c_void_p)]
    lib.ht_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p]
    lib.ht_hash.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint64)]
    lib.ht_picture.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    lib.ht_picture.restype = ctypes.c_void_p  # freed with ht_string_free, so kept as a pointer
    lib.ht_string_free.argtypes = [ctypes.c_void_p]
    lib.ht_free.argtypes = [ctypes.c_void_p]
    lib.ht_size.argtypes = [ctypes.c_void_p]
    lib.ht_size.restype = ctypes.c_size_t
    return lib


def c_picture(lib: ctypes.CDLL, strategy: str, hash_name: str, keys: list[bytes]) -> tuple[str, int]:
    config = lib.ht_config_default()
    config.strategy = strategy.encode()
    config.hash_name = hash_name.encode()
    table = ctypes.c_void_p()
    assert lib.ht_new(ctypes.byref(config), ctypes.byref(table)) == 0
    try:
        for key in keys:
            assert lib.ht_set(table, key, len(key), None, None) == 0
        picture = lib.ht_picture(table, 0)
        text = ctypes.string_at(picture).decode()
        lib.ht_string_free(picture)
        return text, lib.ht_size(table)
    finally:
        lib.ht_free(table)


@pytest.mark.parametrize("hash_name", UNKEYED_HASHES)
def test_the_c_library_places_bytes_keys_as_python_does(library: ctypes.CDLL, strategy: str, hash_name: str) -> None:
    table = HashTable(strategy=strategy, hash_func=hash_name)
    for key in KEYS:
        table[key] = None
    picture, size = c_picture(library, strategy, hash_name, KEYS)
    assert size == table.size
    assert picture == table.picture()


def test_named_hashes_are_the_cores_reference_values(library: ctypes.CDLL) -> None:
    config = library.ht_config_default()
    config.hash_name = b"fnv1a"
    table = ctypes.c_void_p()
    assert library.ht_new(ctypes.byref(config), ctypes.byref(table)) == 0
    hash_value = ctypes.c_uint64()
    assert library.ht_hash(table, b"foobar", 6, ctypes.byref(hash_value)) == 0
    library.ht_free(table)
    assert hash_value.value == 0x85944171F73967E8  # FNV-1a 64 of "foobar"


README = Path(__file__).resolve().parent.parent / "README.md"
README_OUTPUT = "pi = 3.14159\n2 keys in 4 buckets:\n[]\n[]\n[]\n[]**\n"


@pytest.fixture(scope="module")
def readme_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's C example, built with exactly the link line the README and the header give."""
    if not LIBRARY.exists():
        pytest.fail(f"{LIBRARY} is not built: run `make c-lib` (make test builds it first)")
    section = README.read_text().split("## From C", 1)[1]
    source = re.search(r"```c\n(.*?)```", section, re.S)
    assert source is not None, "the README's From C section has a C example"
    folder = tmp_path_factory.mktemp("readme")
    (folder / "prog.c").write_text(source.group(1))
    root = README.parent
    command = ["cc", f"-I{root / 'include'}", "prog.c", str(root / "target/release/libhashtable.a")]
    built = subprocess.run([*command, "-lpthread", "-ldl", "-lm"], cwd=folder, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return folder / "a.out"


def test_the_readme_c_example_prints_what_the_readme_says(readme_program: Path) -> None:
    ran = subprocess.run([str(readme_program)], capture_output=True, text=True, check=True)
    assert ran.stdout == README_OUTPUT


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed (make valgrind installs it)")
def test_the_readme_c_example_runs_clean_under_valgrind(readme_program: Path) -> None:
    command = ["valgrind", "-q", "--leak-check=full", "--errors-for-leak-kinds=all", "--error-exitcode=99"]
    ran = subprocess.run([*command, str(readme_program)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == README_OUTPUT
