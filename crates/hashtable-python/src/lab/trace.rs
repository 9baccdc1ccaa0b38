//! `_lab_trace`: a run of operations on a core table whose storage records
//! what it does (`hashtable_core::trace`), handed to Python as plain data for
//! `hashtable.lab.trace` and the explorer page.
//!
//! As in `native_timing.rs`, a key is its number in the run (`u64`, compared
//! by equality) with the hash the Python table would give it, so every
//! collision and every comparison is the HashTable's own. The core's events
//! name slots and nodes; `trace_events.rs` says which key each one carries,
//! and the table's `bucket_view` gives each item's displacement once the
//! operation is done.

use std::convert::Infallible;

use hashtable_core::chaining::Chaining;
use hashtable_core::compact::Compact;
use hashtable_core::linear::Linear;
use hashtable_core::quadratic::Quadratic;
use hashtable_core::robin_hood::RobinHood;
use hashtable_core::swiss::{self, Swiss};
use hashtable_core::{
    stored_hash, AllocError, BucketIndex, BucketView, CollisionStrategy, Introspect, Recorder, StrategyKind, Table,
    TableConfig, Traced, MAX_SIZE,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::trace_events::{convert, Layout, Out, Shadow};

/// Run `ops` (`("set" | "get" | "del", key number)`) on a new traced table of
/// `strategy`, key `n` hashing to `hashes[n]`: `{"size", "start", "steps"}`,
/// and for swiss each key's control-byte `tags` and the `group_width`.
#[pyfunction]
#[pyo3(signature = (hashes, ops, *, strategy, index, max_load, growth, size))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _lab_trace<'py>(
    py: Python<'py>,
    hashes: Vec<u64>,
    ops: Vec<(String, usize)>,
    strategy: &str,
    index: &str,
    max_load: f64,
    growth: f64,
    size: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let kind = StrategyKind::from_name(strategy)
        .ok_or_else(|| PyValueError::new_err(format!("unknown strategy {strategy:?}")))?;
    let index =
        BucketIndex::from_name(index).ok_or_else(|| PyValueError::new_err(format!("unknown index {index:?}")))?;
    let config = TableConfig {
        size,
        max_load,
        growth,
        strategy: kind,
        index,
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
    let bad = |(op, key): &&(String, usize)| !matches!(op.as_str(), "set" | "get" | "del") || *key >= hashes.len();
    if let Some((op, key)) = ops.iter().find(bad) {
        return Err(PyValueError::new_err(format!(
            "bad operation ({op:?}, {key}) for {} keys",
            hashes.len()
        )));
    }
    let buckets = config.initial_buckets();
    let run = match kind {
        StrategyKind::Linear => record(
            config,
            Linear::<u64, (), Recorder>::try_new(buckets, index),
            &hashes,
            &ops,
        ),
        StrategyKind::RobinHood => record(
            config,
            RobinHood::<u64, (), Recorder>::try_new(buckets, index),
            &hashes,
            &ops,
        ),
        StrategyKind::Quadratic => record(
            config,
            Quadratic::<u64, (), Recorder>::try_new(buckets, index),
            &hashes,
            &ops,
        ),
        StrategyKind::Swiss => record(
            config,
            Swiss::<u64, (), Recorder>::try_new(buckets, index),
            &hashes,
            &ops,
        ),
        StrategyKind::Chaining => record(
            config,
            Chaining::<u64, (), Recorder>::try_new(buckets, index),
            &hashes,
            &ops,
        ),
        StrategyKind::Compact => record(
            config,
            Compact::<u64, (), Recorder>::try_new(buckets, index),
            &hashes,
            &ops,
        ),
    }
    .map_err(PyValueError::new_err)?;
    let out = run.into_py_dict(py)?;
    if kind == StrategyKind::Swiss {
        let tags: Vec<u16> = hashes
            .iter()
            .map(|&hash| u16::from(swiss::tag(stored_hash(hash))))
            .collect();
        out.set_item("tags", tags)?;
        out.set_item("group_width", swiss::GROUP)?;
    }
    Ok(out)
}

struct Step {
    op: String,
    key: u64,
    home: usize,
    result: &'static str,
    probes: u64,
    comparisons: u64,
    events: Vec<Out>,
    /// Each slot's displacement (`bucket_view`) once the operation is done.
    dist: Vec<usize>,
}

struct Run {
    layout: Layout,
    size: usize,
    steps: Vec<Step>,
}

fn record<S>(
    config: TableConfig,
    storage: Result<S, AllocError>,
    hashes: &[u64],
    ops: &[(String, usize)],
) -> Result<Run, String>
where
    S: CollisionStrategy<u64, ()> + Introspect<u64, ()> + Traced,
{
    let storage = storage.map_err(|_| "cannot allocate the table".to_string())?;
    let layout = Layout::of(storage.kind());
    let mut table = Table::with_strategy(config, storage).map_err(|err| err.to_string())?;
    let size = table.size();
    let mut shadow = Shadow::new(layout, size);
    let mut steps = Vec::with_capacity(ops.len());
    for (op, key) in ops {
        let id = *key as u64;
        let hash = hashes[*key];
        let same = move |stored: &u64| Ok::<bool, Infallible>(*stored == id);
        let home = table.strategy().home_bucket(stored_hash(hash));
        let before = table.counters().comparisons;
        let result = match op.as_str() {
            "set" => match table.insert(hash, id, (), same) {
                Ok(None) => "inserted",
                Ok(Some(_)) => "updated",
                Err(_) => return Err("out of memory".into()),
            },
            "get" => match table.get(hash, same) {
                Ok(Some(_)) => "found",
                _ => "missing",
            },
            _ => match table.remove(hash, same) {
                Ok(Some(_)) => "deleted",
                _ => "missing",
            },
        };
        let probes = table.counters().comparisons - before;
        let home_after = table.strategy().home_bucket(stored_hash(hash));
        let events = convert(table.strategy().take_events(), id, result, home_after, &mut shadow);
        let compared = |event: &&Out| {
            matches!(
                event,
                Out::Visit {
                    saw: "key_equal" | "key_differs",
                    ..
                }
            )
        };
        let comparisons = events.iter().filter(compared).count() as u64;
        let dist = (0..table.size())
            .map(|slot| match table.bucket_view(slot) {
                BucketView::Filled { displacement } => displacement,
                _ => 0,
            })
            .collect();
        steps.push(Step {
            op: op.clone(),
            key: id,
            home,
            result,
            probes,
            comparisons,
            events,
            dist,
        });
    }
    Ok(Run { layout, size, steps })
}

impl Run {
    fn start<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let cells = || PyList::new(py, (0..self.size).map(|_| py.None()));
        Ok(match self.layout {
            Layout::Cells => cells()?.into_any(),
            Layout::Chains => PyList::new(py, (0..self.size).map(|_| PyList::empty(py)))?.into_any(),
            Layout::Compact => {
                let start = PyDict::new(py);
                start.set_item("indices", cells()?)?;
                start.set_item("entries", PyList::empty(py))?;
                start.into_any()
            }
        })
    }

    fn into_py_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let out = PyDict::new(py);
        out.set_item("size", self.size)?;
        out.set_item("start", self.start(py)?)?;
        let steps = PyList::empty(py);
        for step in &self.steps {
            let dist = |at: usize, pos: Option<usize>| match (self.layout, pos) {
                (Layout::Chains, Some(pos)) => pos,
                _ => step.dist.get(at).copied().unwrap_or(0),
            };
            let events = PyList::empty(py);
            for event in &step.events {
                events.append(event_dict(py, self.layout, event, dist)?)?;
            }
            let s = PyDict::new(py);
            s.set_item("op", &step.op)?;
            s.set_item("key", step.key)?;
            s.set_item("home", step.home)?;
            s.set_item("result", step.result)?;
            s.set_item("probes", step.probes)?;
            s.set_item("comparisons", step.comparisons)?;
            s.set_item("events", events)?;
            steps.append(s)?;
        }
        out.set_item("steps", steps)?;
        Ok(out)
    }
}

/// One event as the lab's schema spells it (`python/hashtable/lab/explorer/schema.py`).
fn event_dict<'py>(
    py: Python<'py>,
    layout: Layout,
    event: &Out,
    dist: impl Fn(usize, Option<usize>) -> usize,
) -> PyResult<Bound<'py, PyDict>> {
    let e = PyDict::new(py);
    match event {
        Out::Visit { at, saw, pos } => {
            e.set_item("e", "visit")?;
            e.set_item("at", at)?;
            e.set_item("saw", saw)?;
            if let Some(pos) = pos {
                e.set_item("pos", pos)?;
            }
        }
        Out::Group { at, ctrl, tag, matches } => {
            e.set_item("e", "visit")?;
            e.set_item("at", at)?;
            e.set_item("saw", "group")?;
            // As lists of ints (a `Vec<u8>` would become `bytes`).
            e.set_item("ctrl", ctrl.iter().map(|&byte| u16::from(byte)).collect::<Vec<u16>>())?;
            e.set_item("tag", u16::from(*tag))?;
            e.set_item("matches", matches)?;
        }
        Out::Place {
            at,
            id,
            reused,
            pos,
            entry,
        } => {
            e.set_item("e", "place")?;
            e.set_item("at", at)?;
            e.set_item("id", id)?;
            e.set_item("dist", dist(*at, *pos))?;
            e.set_item("reused", reused)?;
            if let Some(pos) = pos {
                e.set_item("pos", pos)?;
            }
            if let Some(entry) = entry {
                e.set_item("entry", entry)?;
            }
        }
        Out::Update { at, id } => {
            e.set_item("e", "update")?;
            e.set_item("at", at)?;
            e.set_item("id", id)?;
        }
        Out::Move { id, from, to } => {
            e.set_item("e", "move")?;
            e.set_item("id", id)?;
            e.set_item("from", from)?;
            e.set_item("to", to)?;
            e.set_item("dist", dist(*to, None))?;
        }
        Out::Remove {
            at,
            id,
            tombstone,
            pos,
            entry,
        } => {
            e.set_item("e", "remove")?;
            e.set_item("at", at)?;
            e.set_item("id", id)?;
            e.set_item("leave", if *tombstone { "tombstone" } else { "empty" })?;
            if let Some(pos) = pos {
                e.set_item("pos", pos)?;
            }
            if let Some((entry, entries_len)) = entry {
                e.set_item("entry", entry)?;
                e.set_item("entries_len", entries_len)?;
            }
        }
        Out::Link { bucket, from, to } => {
            e.set_item("e", "link")?;
            e.set_item("bucket", bucket)?;
            e.set_item("from", from)?;
            e.set_item("to", to)?;
        }
        Out::Resize { old, new, items } => {
            e.set_item("e", "resize")?;
            e.set_item("old_size", old)?;
            e.set_item("new_size", new)?;
            let moved = PyList::empty(py);
            for item in items {
                let d = PyDict::new(py);
                d.set_item("id", item.id)?;
                d.set_item("from", item.from)?;
                d.set_item("to", item.to)?;
                d.set_item("dist", dist(item.to, Some(item.pos)))?;
                if layout == Layout::Compact {
                    d.set_item("entry", item.pos)?;
                }
                moved.append(d)?;
            }
            e.set_item("items", moved)?;
        }
    }
    Ok(e)
}
