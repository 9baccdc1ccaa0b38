"""The lab's first-edition parts, each on its own: the generated workloads and the
stdlib names with their cache, the hash functions on offer, timing one mapping, and the
sweep points. Tiny sizes: the whole file takes seconds."""

from __future__ import annotations

import keyword
import sys
from pathlib import Path

import hashtable
import pytest
from hashtable.lab import workloads as workloads_module
from hashtable.lab.experiments.key_count import n_points
from hashtable.lab.experiments.max_load import filled_size
from hashtable.lab.hashes import (
    KNUTH_MULTIPLIER,
    awesome_hash,
    builtin_choices,
    first_bad_key,
    resolve_hashes,
    seed_hash,
)
from hashtable.lab.measure import OperationFailed, time_mapping
from hashtable.lab.plan import default_sizes
from hashtable.lab.workloads import WORKLOADS, make_workload, stdlib_names


@pytest.mark.parametrize("name", [w for w in WORKLOADS if w != "names"])
def test_generated_workloads_are_distinct_disjoint_and_seeded(name: str) -> None:
    workload = make_workload(name, 500, seed=3)
    assert workload.n == 500 and len(workload.missing) == 250
    everything = workload.keys + workload.missing
    assert len(set(everything)) == len(everything)
    assert make_workload(name, 500, seed=3) == workload
    if name != "ints":
        assert make_workload(name, 500, seed=4).keys != workload.keys
    assert workload.prefix(100).keys == workload.keys[:100]


def test_workload_shapes() -> None:
    assert make_workload("ints", 5, 0).keys == [0, 1, 2, 3, 4]
    floats = [k for k in make_workload("floats", 400, 0).keys if isinstance(k, float)]
    assert len(floats) == 400
    assert 10 < sum(k.is_integer() for k in floats) < 100
    strings = [k for k in make_workload("strings", 400, 0).keys if isinstance(k, str)]
    assert len(strings) == 400 and len({len(s) for s in strings}) > 10
    adversarial = make_workload("adversarial", 400, 0).keys
    ints = [k for k in adversarial if isinstance(k, int)]
    texts = [k for k in adversarial if isinstance(k, str)]
    assert len(ints) == len(texts) == 200
    assert all(k % 2**40 == 0 and k > 0 for k in ints)
    assert len({len(s) for s in texts}) == 1


def test_names_are_stdlib_identifiers_cached_to_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HASHTABLE_LAB_CACHE", str(tmp_path))
    workloads_module.reset_name_cache()
    try:
        names = stdlib_names(300)
        assert len(names) >= 300 and len(set(names)) == len(names)
        assert all(n.isidentifier() and not keyword.iskeyword(n) for n in names)
        assert "all_feature_names" in names  # from __future__.py, the first file read
        cache = workloads_module.cache_path()
        assert cache.is_relative_to(tmp_path) and cache.is_file()
        # A new process (simulated) reads the file instead of tokenizing again.
        workloads_module.reset_name_cache()

        def no_tokenizing(path: Path) -> list[str]:
            raise AssertionError(f"tokenized {path} although the cache had enough")

        monkeypatch.setattr(workloads_module, "identifiers_in", no_tokenizing)
        assert stdlib_names(300)[:300] == names[:300]
        workload = make_workload("names", 100, 0)
        assert workload.n == 100 and not set(workload.keys) & set(workload.missing)
    finally:
        workloads_module.reset_name_cache()


def test_names_skip_files_that_fail_to_tokenize(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HASHTABLE_LAB_CACHE", str(tmp_path))
    workloads_module.reset_name_cache()
    real = workloads_module.identifiers_in
    calls = {"n": 0}

    def flaky(path: Path) -> list[str]:
        calls["n"] += 1
        if calls["n"] % 2:
            raise SyntaxError("pretend this file is broken")
        return real(path)

    monkeypatch.setattr(workloads_module, "identifiers_in", flaky)
    try:
        assert len(stdlib_names(200)) >= 200
        assert calls["n"] >= 2
    finally:
        workloads_module.reset_name_cache()


def test_seed_and_awesome_hashes() -> None:
    assert seed_hash(12345) == 12345
    assert seed_hash(2.75) == 2 and seed_hash(-0.5) == -1
    assert seed_hash("hello") == 5 == seed_hash("world")
    assert awesome_hash("ab") == 9798
    assert awesome_hash("A") == 65 and awesome_hash("") == 0
    assert awesome_hash(3) == (3 * KNUTH_MULTIPLIER) % 2**32
    assert awesome_hash(3.5) == awesome_hash(3)
    with pytest.raises(TypeError):
        seed_hash((1, 2))


def test_every_native_hash_is_offered_by_its_own_name() -> None:
    choices = {c.name: c for c in builtin_choices()}
    assert choices["python"].hash_func is None
    assert choices["seed-py"].hash_func is seed_hash and choices["seed-py"].origin == "python"
    assert "python-native" not in choices and "seed-native" not in choices
    for native in hashtable.HASH_FUNCTIONS:
        if native != "python":
            assert choices[native].hash_func == native and choices[native].origin == "native"
    assert [c.name for c in resolve_hashes(["seed-py", "python"])] == ["seed-py", "python"]


def test_first_bad_key_names_the_key() -> None:
    bad = first_bad_key(lambda k: 1 // (k - 3), [1, 2, 3, 4])
    assert bad is not None and bad.key == 3 and "ZeroDivisionError" in bad.error
    bad = first_bad_key(lambda k: 1.5, ["x"])
    assert bad is not None and "returned float" in bad.error
    assert first_bad_key(hash, ["a", 1, 2.5]) is None


def test_timing_keeps_every_run_and_respects_the_budget() -> None:
    workload = make_workload("ints", 200, 0)
    timing = time_mapping(dict, workload, repeat=3, budget_s=60)
    assert timing.runs == 3 and timing.memory_bytes > 0
    for runs in timing.samples.values():
        assert len(runs) == 3 and all(0 < ns < 1e6 for ns in runs)
    # The budget never cuts a configuration below the two runs a spread needs.
    assert time_mapping(dict, workload, repeat=5, budget_s=0).runs == 2


def test_a_failing_operation_names_its_key() -> None:
    class Picky(dict):  # type: ignore[type-arg]
        def __setitem__(self, key: object, value: object) -> None:
            if key == 42:
                raise RuntimeError("no 42 here")
            super().__setitem__(key, value)

    with pytest.raises(OperationFailed) as caught:
        time_mapping(Picky, make_workload("ints", 100, 0), repeat=1, budget_s=1)
    assert caught.value.key == "42" and caught.value.operation == "insert"


def test_sweep_points() -> None:
    assert n_points(20_000) == [1_000, 2_000, 5_000, 10_000, 20_000]
    assert n_points(60)[-1] == 60 and len(n_points(60)) >= 3
    assert n_points(1) == [1]
    assert filled_size(20_000, 0.9) == (16_384, 14_745)
    assert filled_size(20_000, 0.25) == (65_536, 16_384)
    assert filled_size(60, 2.0) == (16, 32)
    sizes = default_sizes(20_000, 0.5)
    assert sizes[0] == 4 and sizes[-1] * 0.5 >= 20_000 and sizes[-2] * 0.5 < 20_000


def test_names_cache_lives_under_the_user_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HASHTABLE_LAB_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = workloads_module.cache_path()
    assert path.parent == tmp_path / "hashtable-lab"
    assert f"{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}" in path.name
