//! The lab's trace: a run of operations on a core table whose storage records
//! what it does (`hashtable_core::trace`), written as JSON for
//! `hashtable.lab.trace` and the explorer page (the extension's `_lab_trace`
//! hands the text to Python, which parses it).
//!
//! As in the extension's native timing, a key is its number in the run (`u64`,
//! compared by equality) with the hash the Python table would give it, so every
//! collision and every comparison is the HashTable's own. The core's events
//! name slots and nodes; `events.rs` says which key each one carries, and the
//! table's `bucket_view` gives each item's displacement once the operation is
//! done. The layout of the JSON is `python/hashtable/lab/explorer/schema.py`'s.

mod events;
mod json;

use std::convert::Infallible;

use hashtable_core::chaining::Chaining;
use hashtable_core::compact::Compact;
use hashtable_core::linear::Linear;
use hashtable_core::quadratic::Quadratic;
use hashtable_core::robin_hood::RobinHood;
use hashtable_core::swiss::{self, Swiss};
use hashtable_core::{
    AllocError, BucketIndex, BucketView, CollisionStrategy, Introspect, Recorder, StrategyKind, Table, TableConfig,
    Traced, MAX_SIZE,
};

use events::{convert, Layout, Out, Shadow};
use json::Json;

/// One operation of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Set,
    Get,
    Del,
}

impl Op {
    pub fn from_name(name: &str) -> Option<Op> {
        match name {
            "set" => Some(Op::Set),
            "get" => Some(Op::Get),
            "del" => Some(Op::Del),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Op::Set => "set",
            Op::Get => "get",
            Op::Del => "del",
        }
    }
}

/// Run `ops` (an operation and a key number) on a new traced table of
/// `config`, key `n` hashing to `hashes[n]`: `{"size", "start", "steps"}`, and
/// for swiss each key's control-byte `tags` and the `group_width`, as JSON.
/// An error is one line saying what was wrong with the request.
pub fn trace_json(hashes: &[u64], ops: &[(Op, usize)], config: TableConfig) -> Result<String, String> {
    config.validate().map_err(|err| err.to_string())?;
    if config.size > MAX_SIZE {
        return Err(format!("size must be at most {MAX_SIZE}, got {}", config.size));
    }
    if let Some((op, key)) = ops.iter().find(|(_, key)| *key >= hashes.len()) {
        return Err(format!(
            "bad operation ({}, {key}) for {} keys",
            op.name(),
            hashes.len()
        ));
    }
    let (buckets, index) = (config.initial_buckets(), config.index);
    let run = match config.strategy {
        StrategyKind::Linear => record(
            config,
            Linear::<u64, (), Recorder>::try_new(buckets, index),
            hashes,
            ops,
        ),
        StrategyKind::RobinHood => record(
            config,
            RobinHood::<u64, (), Recorder>::try_new(buckets, index),
            hashes,
            ops,
        ),
        StrategyKind::Quadratic => record(
            config,
            Quadratic::<u64, (), Recorder>::try_new(buckets, index),
            hashes,
            ops,
        ),
        StrategyKind::Swiss => record(config, Swiss::<u64, (), Recorder>::try_new(buckets, index), hashes, ops),
        StrategyKind::Chaining => record(
            config,
            Chaining::<u64, (), Recorder>::try_new(buckets, index),
            hashes,
            ops,
        ),
        StrategyKind::Compact => record(
            config,
            Compact::<u64, (), Recorder>::try_new(buckets, index),
            hashes,
            ops,
        ),
    }?;
    let mut out = run.to_json();
    if config.strategy == StrategyKind::Swiss {
        let tags = hashes
            .iter()
            .map(|&hash| Json::UInt(u64::from(swiss::tag(hash))))
            .collect();
        out.push("tags", Json::List(tags));
        out.push("group_width", Json::UInt(swiss::GROUP as u64));
    }
    Ok(out.to_string())
}

/// The names `BucketIndex::from_name` and `StrategyKind::from_name` take, checked.
pub fn config(strategy: &str, index: &str, max_load: f64, growth: f64, size: usize) -> Result<TableConfig, String> {
    Ok(TableConfig {
        size,
        max_load,
        growth,
        strategy: StrategyKind::from_name(strategy).ok_or_else(|| format!("unknown strategy {strategy:?}"))?,
        index: BucketIndex::from_name(index).ok_or_else(|| format!("unknown index {index:?}"))?,
        ..TableConfig::default()
    })
}

struct Step {
    op: Op,
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
    ops: &[(Op, usize)],
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
    for &(op, key) in ops {
        let id = key as u64;
        let hash = hashes[key];
        let same = move |stored: &u64| Ok::<bool, Infallible>(*stored == id);
        let home = table.strategy().home_bucket(table.strategy().probe_hash(hash));
        let before = table.counters().comparisons;
        let result = match op {
            Op::Set => match table.insert(hash, id, (), same) {
                Ok(None) => "inserted",
                Ok(Some(_)) => "updated",
                Err(_) => return Err("out of memory".into()),
            },
            Op::Get => match table.get(hash, same) {
                Ok(Some(_)) => "found",
                _ => "missing",
            },
            Op::Del => match table.remove(hash, same) {
                Ok(Some(_)) => "deleted",
                _ => "missing",
            },
        };
        let probes = table.counters().comparisons - before;
        let home_after = table.strategy().home_bucket(table.strategy().probe_hash(hash));
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
            op,
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
    fn start(&self) -> Json {
        let cells = || Json::List((0..self.size).map(|_| Json::Null).collect());
        match self.layout {
            Layout::Cells => cells(),
            Layout::Chains => Json::List((0..self.size).map(|_| Json::List(Vec::new())).collect()),
            Layout::Compact => Json::Obj(vec![("indices", cells()), ("entries", Json::List(Vec::new()))]),
        }
    }

    fn to_json(&self) -> Json {
        let steps = self
            .steps
            .iter()
            .map(|step| {
                let dist = |at: usize, pos: Option<usize>| match (self.layout, pos) {
                    (Layout::Chains, Some(pos)) => pos,
                    _ => step.dist.get(at).copied().unwrap_or(0),
                };
                let events = step
                    .events
                    .iter()
                    .map(|event| event_json(self.layout, event, dist))
                    .collect();
                Json::Obj(vec![
                    ("op", Json::Str(step.op.name())),
                    ("key", Json::UInt(step.key)),
                    ("home", Json::UInt(step.home as u64)),
                    ("result", Json::Str(step.result)),
                    ("probes", Json::UInt(step.probes)),
                    ("comparisons", Json::UInt(step.comparisons)),
                    ("events", Json::List(events)),
                ])
            })
            .collect();
        Json::Obj(vec![
            ("size", Json::UInt(self.size as u64)),
            ("start", self.start()),
            ("steps", Json::List(steps)),
        ])
    }
}

fn at(value: usize) -> Json {
    Json::UInt(value as u64)
}

/// One event as the lab's schema spells it.
fn event_json(layout: Layout, event: &Out, dist: impl Fn(usize, Option<usize>) -> usize) -> Json {
    let mut e = Json::Obj(Vec::new());
    match event {
        Out::Visit { at: slot, saw, pos } => {
            e.push("e", Json::Str("visit"));
            e.push("at", at(*slot));
            e.push("saw", Json::Str(saw));
            if let Some(pos) = pos {
                e.push("pos", at(*pos));
            }
        }
        Out::Group {
            at: slot,
            ctrl,
            tag,
            matches,
        } => {
            e.push("e", Json::Str("visit"));
            e.push("at", at(*slot));
            e.push("saw", Json::Str("group"));
            e.push(
                "ctrl",
                Json::List(ctrl.iter().map(|&byte| Json::UInt(u64::from(byte))).collect()),
            );
            e.push("tag", Json::UInt(u64::from(*tag)));
            e.push("matches", Json::List(matches.iter().map(|&slot| at(slot)).collect()));
        }
        Out::Place {
            at: slot,
            id,
            reused,
            pos,
            entry,
        } => {
            e.push("e", Json::Str("place"));
            e.push("at", at(*slot));
            e.push("id", Json::UInt(*id));
            e.push("dist", at(dist(*slot, *pos)));
            e.push("reused", Json::Bool(*reused));
            if let Some(pos) = pos {
                e.push("pos", at(*pos));
            }
            if let Some(entry) = entry {
                e.push("entry", at(*entry));
            }
        }
        Out::Update { at: slot, id } => {
            e.push("e", Json::Str("update"));
            e.push("at", at(*slot));
            e.push("id", Json::UInt(*id));
        }
        Out::Move { id, from, to } => {
            e.push("e", Json::Str("move"));
            e.push("id", Json::UInt(*id));
            e.push("from", at(*from));
            e.push("to", at(*to));
            e.push("dist", at(dist(*to, None)));
        }
        Out::Remove {
            at: slot,
            id,
            tombstone,
            pos,
            entry,
        } => {
            e.push("e", Json::Str("remove"));
            e.push("at", at(*slot));
            e.push("id", Json::UInt(*id));
            e.push("leave", Json::Str(if *tombstone { "tombstone" } else { "empty" }));
            if let Some(pos) = pos {
                e.push("pos", at(*pos));
            }
            if let Some((entry, entries_len)) = entry {
                e.push("entry", at(*entry));
                e.push("entries_len", at(*entries_len));
            }
        }
        Out::Link { bucket, from, to } => {
            e.push("e", Json::Str("link"));
            e.push("bucket", at(*bucket));
            e.push("from", from.map_or(Json::Null, Json::UInt));
            e.push("to", Json::UInt(*to));
        }
        Out::Resize { old, new, items } => {
            e.push("e", Json::Str("resize"));
            e.push("old_size", at(*old));
            e.push("new_size", at(*new));
            let items = items
                .iter()
                .map(|item| {
                    let mut d = Json::Obj(vec![
                        ("id", Json::UInt(item.id)),
                        ("from", at(item.from)),
                        ("to", at(item.to)),
                        ("dist", at(dist(item.to, Some(item.pos)))),
                    ]);
                    if layout == Layout::Compact {
                        d.push("entry", at(item.pos));
                    }
                    d
                })
                .collect();
            e.push("items", Json::List(items));
        }
    }
    e
}
