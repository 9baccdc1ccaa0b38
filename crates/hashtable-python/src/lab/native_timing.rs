//! The lab's native view: the core table timed alone, without the interpreter
//! loop or the binding around each operation.
//!
//! The lab hashes its keys once in advance with `_hash_keys` (exactly as a
//! table with that `hash_func` would), then `_time_table` inserts, finds, misses
//! and removes them in Rust loops over `hashtable_core::Table`. A key is its
//! position in the key list, a `u64` compared by equality, so every collision
//! the hash function made is still a collision here: what is timed is the
//! strategy's own work on those hashes. `_time_hash` times the hash function
//! itself: on the Python objects (key conversion included) and, for a named
//! native hash, on the keys' canonical encoding alone.
//!
//! Times come from `Instant` (a monotonic clock), as ns per operation, one
//! entry per run; the lab keeps the best and the spread.

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Instant;

use hashtable_core::{BucketIndex, CanonicalKey, NamedHash, StrategyKind, Table, TableConfig};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::hashing::{with_canonical, HashFunc};
use hashtable_core::MAX_SIZE;

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(_hash_keys, module)?)?;
    module.add_function(wrap_pyfunction!(_hash_descriptions, module)?)?;
    module.add_function(wrap_pyfunction!(_time_table, module)?)?;
    module.add_function(wrap_pyfunction!(_time_hash, module)?)?;
    Ok(())
}

/// What each named native hash is, from the core's registry: the lab's
/// descriptions, never written again in Python.
#[pyfunction]
fn _hash_descriptions() -> Vec<(&'static str, &'static str)> {
    hashtable_core::HASH_FUNCTION_NAMES
        .iter()
        .copied()
        .zip(hashtable_core::HASH_FUNCTION_ABOUT.iter().copied())
        .collect()
}

/// Each key's 64-bit hash, as a table built with `hash_func` stores it.
#[pyfunction]
#[pyo3(signature = (keys, hash_func=None))]
fn _hash_keys(keys: &Bound<'_, PyList>, hash_func: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u64>> {
    let hasher = HashFunc::from_argument(keys.py(), hash_func)?;
    let hasher = hasher.hasher(keys.py());
    keys.iter().map(|key| hasher.hash(&key)).collect()
}

/// ns per operation for each run, and the probe lengths of the filled table.
#[derive(Default)]
struct Runs {
    insert: Vec<f64>,
    lookup_hit: Vec<f64>,
    lookup_miss: Vec<f64>,
    delete: Vec<f64>,
    probes: Option<ProbeCensus>,
}

/// Entries or slots visited per lookup (`Counters::comparisons`), over every
/// present and every absent key of the filled table.
struct ProbeCensus {
    hit: Moments,
    /// Of the successful lookups, the share that ended at the first entry or
    /// slot (the key's home), as few visits as any hit made: where a lookup
    /// ends decides which way its branches go, so two designs with the same
    /// mean visits can differ in time by how often the processor's guess is
    /// wrong.
    hit_first: f64,
    miss: Moments,
    expected_hit: f64,
    expected_miss: f64,
    load_factor: f64,
    heap_bytes: usize,
}

#[derive(Default)]
struct Moments {
    count: f64,
    sum: f64,
    squares: f64,
}

impl Moments {
    fn add(&mut self, value: f64) {
        self.count += 1.0;
        self.sum += value;
        self.squares += value * value;
    }

    fn mean(&self) -> f64 {
        self.sum / self.count
    }

    /// Standard error of the mean: the sample's standard deviation / sqrt(count).
    fn standard_error(&self) -> f64 {
        let mean = self.mean();
        ((self.squares / self.count - mean * mean).max(0.0) / self.count).sqrt()
    }
}

/// Insert every `hashes[i]` under key `i`, look each up, look up every
/// `missing[j]` (keys that are never inserted), then remove every key: `runs`
/// times, each on a fresh table, with the GIL released.
#[pyfunction]
#[pyo3(signature = (hashes, missing, *, strategy, index, max_load, size, runs))]
#[allow(clippy::too_many_arguments)]
fn _time_table<'py>(
    py: Python<'py>,
    hashes: Vec<u64>,
    missing: Vec<u64>,
    strategy: &str,
    index: &str,
    max_load: f64,
    size: usize,
    runs: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let config = TableConfig {
        size,
        max_load,
        strategy: StrategyKind::from_name(strategy)
            .ok_or_else(|| PyValueError::new_err(format!("unknown strategy {strategy:?}")))?,
        index: BucketIndex::from_name(index)
            .ok_or_else(|| PyValueError::new_err(format!("unknown index {index:?}")))?,
        ..TableConfig::default()
    };
    config
        .validate()
        .map_err(|err| PyValueError::new_err(err.to_string()))?;
    if size > MAX_SIZE {
        return Err(PyValueError::new_err(format!(
            "size must be at most {MAX_SIZE}, got {size}"
        )));
    }
    if hashes.is_empty() || missing.is_empty() || runs == 0 {
        return Err(PyValueError::new_err("hashes, missing and runs must all be non-empty"));
    }
    let timed = py
        .detach(|| time_runs(config, &hashes, &missing, runs))
        .map_err(PyRuntimeError::new_err)?;
    let out = PyDict::new(py);
    out.set_item("insert_ns", timed.insert)?;
    out.set_item("lookup_hit_ns", timed.lookup_hit)?;
    out.set_item("lookup_miss_ns", timed.lookup_miss)?;
    out.set_item("delete_ns", timed.delete)?;
    if let Some(probes) = timed.probes {
        out.set_item("probe_hit", probes.hit.mean())?;
        out.set_item("probe_hit_se", probes.hit.standard_error())?;
        out.set_item("probe_hit_first", probes.hit_first)?;
        out.set_item("probe_miss", probes.miss.mean())?;
        out.set_item("probe_miss_se", probes.miss.standard_error())?;
        out.set_item("expected_probe_hit", probes.expected_hit)?;
        out.set_item("expected_probe_miss", probes.expected_miss)?;
        out.set_item("load_factor", probes.load_factor)?;
        out.set_item("heap_bytes", probes.heap_bytes)?;
    }
    Ok(out)
}

type Error = &'static str;

fn time_runs(config: TableConfig, hashes: &[u64], missing: &[u64], runs: usize) -> Result<Runs, Error> {
    let mut out = Runs::default();
    for run in 0..runs {
        let mut table: Table<u64, u64> = Table::new(config).map_err(|_| "invalid configuration")?;
        out.insert.push(time_inserts(&mut table, hashes)?);
        out.lookup_hit.push(time_hits(&mut table, hashes)?);
        out.lookup_miss
            .push(time_misses(&mut table, hashes.len() as u64, missing)?);
        if run == 0 {
            out.probes = Some(probe_census(&mut table, hashes, missing));
        }
        out.delete.push(time_deletes(&mut table, hashes)?);
    }
    Ok(out)
}

// One function per timed loop, none inlined into another: each loop's code
// and registers are then its own, as in `scripts/callgrind_core.py`'s
// program, and not what the four loops' six strategies left to each other
// in one function (the lab's plot (b) at max_load 0.5, --repeat 15: hits
// robin_hood 8.59 -> 7.18 ns and linear 7.69 -> 6.36 once split).

fn same(id: u64) -> impl FnMut(&u64) -> Result<bool, Infallible> {
    move |stored: &u64| Ok(*stored == id)
}

fn per_op(started: Instant, count: usize) -> f64 {
    started.elapsed().as_nanos() as f64 / count as f64
}

/// Key `i` under `hashes[i]`, as `t[k] = v` stores it: one pass, whose
/// miss says where the key goes.
#[inline(never)]
fn time_inserts(table: &mut Table<u64, u64>, hashes: &[u64]) -> Result<f64, Error> {
    let started = Instant::now();
    for (id, &hash) in (0u64..).zip(hashes) {
        table.insert(hash, id, id, same(id)).map_err(|_| "out of memory")?;
    }
    Ok(per_op(started, hashes.len()))
}

/// Every key looked up, its value read from the entry the lookup found.
#[inline(never)]
fn time_hits(table: &mut Table<u64, u64>, hashes: &[u64]) -> Result<f64, Error> {
    let started = Instant::now();
    let mut total = 0u64;
    for (id, &hash) in (0u64..).zip(hashes) {
        let Ok(found) = table.get(hash, same(id));
        total = total.wrapping_add(found.map_or(u64::MAX, |entry| entry.value));
    }
    let elapsed = per_op(started, hashes.len());
    let ids = hashes.len() as u64;
    if black_box(total) != ids.wrapping_mul(ids.wrapping_sub(1)) / 2 {
        return Err("a native lookup missed a key it had inserted");
    }
    Ok(elapsed)
}

/// Keys numbered from `first_absent`, never inserted, under `missing`.
#[inline(never)]
fn time_misses(table: &mut Table<u64, u64>, first_absent: u64, missing: &[u64]) -> Result<f64, Error> {
    let started = Instant::now();
    let mut found_any = false;
    for (id, &hash) in (first_absent..).zip(missing) {
        let Ok(found) = table.get(hash, same(id));
        found_any |= found.is_some();
    }
    let elapsed = per_op(started, missing.len());
    if black_box(found_any) {
        return Err("a native lookup found a key that was never inserted");
    }
    Ok(elapsed)
}

#[inline(never)]
fn time_deletes(table: &mut Table<u64, u64>, hashes: &[u64]) -> Result<f64, Error> {
    let started = Instant::now();
    for (id, &hash) in (0u64..).zip(hashes) {
        let Ok(removed) = table.remove(hash, same(id));
        black_box(removed);
    }
    let elapsed = per_op(started, hashes.len());
    if !table.is_empty() {
        return Err("native removals left keys in the table");
    }
    Ok(elapsed)
}

/// Untimed: how many entries or slots each lookup visits in the filled table.
fn probe_census(table: &mut Table<u64, u64>, hashes: &[u64], missing: &[u64]) -> ProbeCensus {
    let mut visits = |id: u64, hash: u64| {
        let before = table.counters().comparisons;
        let Ok(_) = table.get(hash, same(id));
        (table.counters().comparisons - before) as f64
    };
    let mut hit = Moments::default();
    // The fewest visits a hit made (1, or 2 for swiss, which counts its
    // window and then the slot) and how many hits made that few.
    let (mut fewest, mut first) = (f64::INFINITY, 0usize);
    for (id, &hash) in (0u64..).zip(hashes) {
        let visited = visits(id, hash);
        if visited < fewest {
            (fewest, first) = (visited, 0);
        }
        first += usize::from(visited == fewest);
        hit.add(visited);
    }
    let mut miss = Moments::default();
    for (id, &hash) in (hashes.len() as u64..).zip(missing) {
        miss.add(visits(id, hash));
    }
    let stats = table.stats();
    ProbeCensus {
        hit,
        hit_first: first as f64 / hashes.len() as f64,
        miss,
        expected_hit: stats.expected_probe_hit,
        expected_miss: stats.expected_probe_miss,
        load_factor: stats.load_factor,
        heap_bytes: table.heap_bytes(),
    }
}

/// A canonical key that owns its text or bytes, so hashing can be timed
/// without the Python objects.
enum OwnedKey {
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    PreHashed(u64),
}

impl OwnedKey {
    fn new(key: CanonicalKey<'_>) -> Self {
        match key {
            CanonicalKey::Int(value) => OwnedKey::Int(value),
            CanonicalKey::Float(value) => OwnedKey::Float(value),
            CanonicalKey::Text(text) => OwnedKey::Text(text.to_owned()),
            CanonicalKey::Bytes(bytes) => OwnedKey::Bytes(bytes.to_vec()),
            CanonicalKey::PreHashed(hash) => OwnedKey::PreHashed(hash),
        }
    }

    fn view(&self) -> CanonicalKey<'_> {
        match self {
            OwnedKey::Int(value) => CanonicalKey::Int(*value),
            OwnedKey::Float(value) => CanonicalKey::Float(*value),
            OwnedKey::Text(text) => CanonicalKey::Text(text),
            OwnedKey::Bytes(bytes) => CanonicalKey::Bytes(bytes),
            OwnedKey::PreHashed(hash) => CanonicalKey::PreHashed(*hash),
        }
    }
}

/// ns per key for hashing `keys` with `hash_func`, one entry per run:
/// `from_object_ns` from the Python objects (conversion to the canonical
/// encoding, or the call into Python, included); `canonical_ns` on the
/// canonical encoding alone, for a named native hash (None otherwise).
#[pyfunction]
#[pyo3(signature = (keys, hash_func=None, *, runs))]
fn _time_hash<'py>(
    keys: &Bound<'py, PyList>,
    hash_func: Option<&Bound<'py, PyAny>>,
    runs: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let py = keys.py();
    if keys.is_empty() || runs == 0 {
        return Err(PyValueError::new_err("keys and runs must be non-empty"));
    }
    let func = HashFunc::from_argument(py, hash_func)?;
    let hasher = func.hasher(py);
    let count = keys.len();
    let mut from_object = Vec::with_capacity(runs);
    // One untimed pass first, so no run pays for cold caches alone.
    for run in 0..=runs {
        let started = Instant::now();
        let mut acc = 0u64;
        for key in keys.iter() {
            acc ^= hasher.hash(&key)?;
        }
        black_box(acc);
        if run > 0 {
            from_object.push(started.elapsed().as_nanos() as f64 / count as f64);
        }
    }
    let out = PyDict::new(py);
    out.set_item("from_object_ns", from_object)?;
    let canonical = match func {
        HashFunc::Named(named) => {
            let owned = keys
                .iter()
                .map(|key| with_canonical(&key, OwnedKey::new))
                .collect::<PyResult<Vec<_>>>()?;
            Some(py.detach(|| time_canonical(named, &owned, runs)))
        }
        HashFunc::Builtin | HashFunc::Python(_) | HashFunc::Identity => None,
    };
    out.set_item("canonical_ns", canonical)?;
    Ok(out)
}

fn time_canonical(named: NamedHash, keys: &[OwnedKey], runs: usize) -> Vec<f64> {
    let warm_up = keys.iter().fold(0u64, |acc, key| acc ^ named.hash(key.view()));
    black_box(warm_up);
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            let mut acc = 0u64;
            for key in keys {
                acc ^= named.hash(black_box(key.view()));
            }
            black_box(acc);
            started.elapsed().as_nanos() as f64 / keys.len() as f64
        })
        .collect()
}
