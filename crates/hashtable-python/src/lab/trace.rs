//! `_lab_trace`: a run of operations on a core table whose storage records
//! what it does (`hashtable_core::trace`), handed to Python as plain data for
//! `hashtable.lab.trace` and the explorer page.
//!
//! As in `native_timing.rs`, a key is its number in the run (`u64`, compared
//! by equality) with the hash the Python table would give it, so every
//! collision and every comparison is the HashTable's own. The core's events
//! name slots; a shadow of the slots, replayed from them, says which key each
//! event carries, and the table's `bucket_view` gives each item's displacement
//! once the operation is done.

use std::convert::Infallible;

use hashtable_core::linear::Linear;
use hashtable_core::quadratic::Quadratic;
use hashtable_core::robin_hood::RobinHood;
use hashtable_core::swiss::{self, Swiss};
use hashtable_core::{
    stored_hash, BucketIndex, BucketView, CollisionStrategy, Event, Introspect, Recorder, StrategyKind, Table,
    TableConfig, Traced, MAX_SIZE,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The strategies whose storage records events.
const RECORDED: [StrategyKind; 4] = [
    StrategyKind::Linear,
    StrategyKind::RobinHood,
    StrategyKind::Quadratic,
    StrategyKind::Swiss,
];

/// Run `ops` (`("set" | "get" | "del", key number)`) on a new traced table of
/// `strategy`, key `n` hashing to `hashes[n]`; `{"size", "start", "steps"}`.
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
    let config = TableConfig {
        size,
        max_load,
        growth,
        strategy: kind,
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
    if let Some((op, key)) = ops
        .iter()
        .find(|(op, key)| !matches!(op.as_str(), "set" | "get" | "del") || *key >= hashes.len())
    {
        return Err(PyValueError::new_err(format!(
            "bad operation ({op:?}, {key}) for {} keys",
            hashes.len()
        )));
    }
    let buckets = config.initial_buckets();
    let storage_error = |_| PyValueError::new_err("cannot allocate the table");
    let run = match kind {
        StrategyKind::Linear => record(
            config,
            Linear::<u64, (), Recorder>::try_new(buckets, config.index).map_err(storage_error)?,
            &hashes,
            &ops,
        ),
        StrategyKind::RobinHood => record(
            config,
            RobinHood::<u64, (), Recorder>::try_new(buckets, config.index).map_err(storage_error)?,
            &hashes,
            &ops,
        ),
        StrategyKind::Quadratic => record(
            config,
            Quadratic::<u64, (), Recorder>::try_new(buckets, config.index).map_err(storage_error)?,
            &hashes,
            &ops,
        ),
        StrategyKind::Swiss => record(
            config,
            Swiss::<u64, (), Recorder>::try_new(buckets, config.index).map_err(storage_error)?,
            &hashes,
            &ops,
        ),
        _ => {
            let names: Vec<&str> = RECORDED.iter().map(|kind| kind.name()).collect();
            return Err(PyValueError::new_err(format!(
                "the engine does not record {strategy} yet (it records {})",
                names.join(", ")
            )));
        }
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

/// A slot of the shadow: what the replay of the events says it holds.
#[derive(Clone, Copy, PartialEq)]
enum Cell {
    Empty,
    Tombstone,
    Item(u64),
}

/// One converted event, its displacement filled in once the operation is done.
enum Out {
    Visit {
        at: usize,
        saw: &'static str,
    },
    Group {
        at: usize,
        ctrl: Vec<u8>,
        tag: u8,
        matches: Vec<usize>,
    },
    Place {
        at: usize,
        id: u64,
        reused: bool,
    },
    Update {
        at: usize,
        id: u64,
    },
    Move {
        id: u64,
        from: usize,
        to: usize,
    },
    Remove {
        at: usize,
        id: u64,
        tombstone: bool,
    },
    Resize {
        old: usize,
        new: usize,
        items: Vec<(u64, usize, usize)>,
    },
}

struct Step {
    op: String,
    key: u64,
    home: usize,
    result: &'static str,
    probes: u64,
    comparisons: u64,
    events: Vec<Out>,
    /// The displacement of each item where it ended the step.
    dist: Vec<(usize, usize)>,
}

struct Run {
    size: usize,
    steps: Vec<Step>,
}

fn record<S>(config: TableConfig, storage: S, hashes: &[u64], ops: &[(String, usize)]) -> Result<Run, String>
where
    S: CollisionStrategy<u64, ()> + Introspect<u64, ()> + Traced,
{
    let mut table = Table::with_strategy(config, storage).map_err(|err| err.to_string())?;
    let size = table.size();
    let mut shadow = vec![Cell::Empty; size];
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
                Ok(found) if found.is_some() => "found",
                _ => "missing",
            },
            _ => match table.remove(hash, same) {
                Ok(removed) if removed.is_some() => "deleted",
                _ => "missing",
            },
        };
        let probes = table.counters().comparisons - before;
        let events = convert(table.strategy().take_events(), id, result, &mut shadow);
        let comparisons = events
            .iter()
            .filter(|event| {
                matches!(
                    event,
                    Out::Visit {
                        saw: "key_equal" | "key_differs",
                        ..
                    }
                )
            })
            .count() as u64;
        let dist = (0..shadow.len())
            .filter_map(|slot| match table.bucket_view(slot) {
                BucketView::Filled { displacement } => Some((slot, displacement)),
                _ => None,
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
    Ok(Run { size, steps })
}

/// The core's events, each naming the key it carries by replaying them on `shadow`.
fn convert(events: Vec<Event>, id: u64, result: &'static str, shadow: &mut Vec<Cell>) -> Vec<Out> {
    let mut out = Vec::with_capacity(events.len() + 1);
    // During a rebuild: the old slots, the item the next place stores, and each item's old slot.
    let mut resize: Option<(Vec<Cell>, u64, Vec<(u64, usize)>)> = None;
    let item = |cell: Cell| match cell {
        Cell::Item(id) => id,
        _ => u64::MAX,
    };
    for event in events {
        match event {
            Event::Visit { at, saw } => out.push(Out::Visit { at, saw: saw.name() }),
            Event::Group { at, ctrl, tag, matches } => out.push(Out::Group { at, ctrl, tag, matches }),
            Event::Place { at, reused } => {
                let placed = resize.as_ref().map_or(id, |(_, pending, _)| *pending);
                shadow[at] = Cell::Item(placed);
                if resize.is_none() {
                    out.push(Out::Place { at, id: placed, reused });
                }
            }
            Event::Move { from, to } => {
                let moved = item(shadow[from]);
                if shadow[from] == Cell::Item(moved) {
                    shadow[from] = Cell::Empty;
                }
                shadow[to] = Cell::Item(moved);
                if resize.is_none() {
                    out.push(Out::Move { id: moved, from, to });
                }
            }
            Event::Remove { at, tombstone } => {
                let removed = item(shadow[at]);
                shadow[at] = if tombstone { Cell::Tombstone } else { Cell::Empty };
                out.push(Out::Remove {
                    at,
                    id: removed,
                    tombstone,
                });
            }
            Event::Resize { new, .. } => {
                let old = std::mem::replace(shadow, vec![Cell::Empty; new]);
                resize = Some((old, u64::MAX, Vec::new()));
            }
            Event::Rehome { from } => {
                if let Some((old, pending, origins)) = resize.as_mut() {
                    *pending = item(old[from]);
                    origins.push((*pending, from));
                }
            }
            Event::ResizeEnd => {
                if let Some((old, _, origins)) = resize.take() {
                    let items = shadow
                        .iter()
                        .enumerate()
                        .filter_map(|(to, cell)| match cell {
                            Cell::Item(moved) => {
                                let from = origins.iter().find(|(id, _)| id == moved).map_or(usize::MAX, |o| o.1);
                                Some((*moved, from, to))
                            }
                            _ => None,
                        })
                        .collect();
                    out.push(Out::Resize {
                        old: old.len(),
                        new: shadow.len(),
                        items,
                    });
                }
            }
        }
    }
    if result == "updated" {
        if let Some(at) = shadow.iter().position(|cell| *cell == Cell::Item(id)) {
            out.push(Out::Update { at, id });
        }
    }
    out
}

impl Run {
    fn into_py_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let out = PyDict::new(py);
        out.set_item("size", self.size)?;
        out.set_item("start", PyList::new(py, (0..self.size).map(|_| py.None()))?)?;
        let steps = PyList::empty(py);
        for step in self.steps {
            let dist_at = |at: usize| step.dist.iter().find(|(slot, _)| *slot == at).map_or(0, |d| d.1);
            let events = PyList::empty(py);
            for event in &step.events {
                let e = PyDict::new(py);
                match *event {
                    Out::Visit { at, saw } => {
                        e.set_item("e", "visit")?;
                        e.set_item("at", at)?;
                        e.set_item("saw", saw)?;
                    }
                    Out::Group {
                        at,
                        ref ctrl,
                        tag,
                        ref matches,
                    } => {
                        e.set_item("e", "visit")?;
                        e.set_item("at", at)?;
                        e.set_item("saw", "group")?;
                        // As a list of ints (a `Vec<u8>` would become `bytes`).
                        e.set_item("ctrl", ctrl.iter().map(|&byte| u16::from(byte)).collect::<Vec<u16>>())?;
                        e.set_item("tag", tag)?;
                        e.set_item("matches", matches.clone())?;
                    }
                    Out::Place { at, id, reused } => {
                        e.set_item("e", "place")?;
                        e.set_item("at", at)?;
                        e.set_item("id", id)?;
                        e.set_item("dist", dist_at(at))?;
                        e.set_item("reused", reused)?;
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
                        e.set_item("dist", dist_at(to))?;
                    }
                    Out::Remove { at, id, tombstone } => {
                        e.set_item("e", "remove")?;
                        e.set_item("at", at)?;
                        e.set_item("id", id)?;
                        e.set_item("leave", if tombstone { "tombstone" } else { "empty" })?;
                    }
                    Out::Resize { old, new, ref items } => {
                        e.set_item("e", "resize")?;
                        e.set_item("old_size", old)?;
                        e.set_item("new_size", new)?;
                        let moved = PyList::empty(py);
                        for &(id, from, to) in items {
                            let item = PyDict::new(py);
                            item.set_item("id", id)?;
                            item.set_item("from", from)?;
                            item.set_item("to", to)?;
                            item.set_item("dist", dist_at(to))?;
                            moved.append(item)?;
                        }
                        e.set_item("items", moved)?;
                    }
                }
                events.append(e)?;
            }
            let s = PyDict::new(py);
            s.set_item("op", step.op)?;
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
