//! Every collision strategy against `hashbrown`, on random `u64` keys.
//!
//! For each strategy in `StrategyKind::ALL` (run-time choice through
//! `Table<u64, u64>`, whose `AnyStrategy` enum is what the Python extension
//! and the C library use, so new strategies are picked up with no change
//! here), each strategy named in `static_strategies!` below (static
//! dispatch), and a `hashbrown::HashMap<u64, u64>` baseline, at 1k, 100k and
//! 1M keys. Our tables count no visits (`Table::uncounted`, as the C library
//! and as hashbrown, which counts none); the Python binding's tables count
//! them for `stats()` (`scripts/callgrind_core.py --counted` shows the cost):
//!
//! * `insert`: build a table of n keys from the default size (4) upwards,
//!   resizes included;
//! * `lookup_hit`: find each of the n stored keys;
//! * `lookup_miss`: look up n keys that are not stored;
//! * `delete`: remove every key from a full table.
//!
//! Every table sees the same hash function: foldhash with a fixed seed. Our
//! table gets `STATE.hash_one(key)` per operation, and hashbrown is given
//! `STATE` as its `BuildHasher`, so it computes the very same value. (That is
//! also what `NamedHash::Foldhash { seed: SEED }` returns for `Int(key)`.)
//! Lookups and deletes visit the keys in a shuffled order, so that no table
//! gains from meeting its entries in the order it stored them.
//!
//! Each of our tables runs at the `max_load` and `growth` its module comment
//! recommends (`StrategyInfo`, the registry's), as the goals ask;
//! hashbrown fills to 7/8 before it grows.
//!
//! A last set of groups, `hash/<kind>`, times one call of each named native
//! hash function on an int, a 20-character str and 256 bytes.
//!
//! `BENCH_QUICK=1` shortens warm-up and measurement so the whole run takes a
//! couple of minutes on two cores; without it expect about ten.

mod common;

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Duration;

use common::{hash, hash_keys, named_hash, random_keys, STATE};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput};
use foldhash::fast::FixedState;
use hashtable_core::{CollisionStrategy, StrategyKind, Table, TableConfig, Uncounted, HASH_FUNCTION_NAMES};

const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];

type Baseline = hashbrown::HashMap<u64, u64, FixedState>;

/// The same keys in a seeded Fisher-Yates order.
fn shuffled(keys: &[u64], seed: u64) -> Vec<u64> {
    let mut out = keys.to_vec();
    let picks = random_keys(out.len(), seed);
    for i in (1..out.len()).rev() {
        let j = (picks[i] % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

struct Keys {
    stored: Vec<u64>,
    shuffled: Vec<u64>,
    absent: Vec<u64>,
}

impl Keys {
    fn new(count: usize) -> Self {
        let stored = random_keys(count, 1);
        let mut present = hashbrown::HashSet::with_hasher(STATE);
        present.extend(stored.iter().copied());
        let absent: Vec<u64> = random_keys(count + 64, 2)
            .into_iter()
            .filter(|k| !present.contains(k))
            .take(count)
            .collect();
        assert_eq!(present.len(), count, "stored keys repeat");
        assert_eq!(absent.len(), count);
        let shuffled = shuffled(&stored, 3);
        Keys {
            stored,
            shuffled,
            absent,
        }
    }
}

fn config(kind: StrategyKind) -> TableConfig {
    let info = kind.info();
    TableConfig {
        strategy: kind,
        max_load: info.recommended_max_load,
        growth: info.recommended_growth,
        ..TableConfig::default()
    }
}

#[inline(always)]
fn same(key: u64) -> impl FnMut(&u64) -> Result<bool, Infallible> {
    move |stored| Ok(*stored == key)
}

fn fill<S: CollisionStrategy<u64, u64>>(
    mut table: Table<u64, u64, S, Uncounted>,
    keys: &[u64],
) -> Table<u64, u64, S, Uncounted> {
    for &key in keys {
        table
            .insert(hash(key), key, key, same(key))
            .expect("benchmark tables fit in memory");
    }
    table
}

/// Time the four operations on one kind of table, built by `make`.
fn bench_table<S, F>(group: &mut BenchmarkGroup<'_, WallTime>, op: Op, name: &str, keys: &Keys, make: F)
where
    S: CollisionStrategy<u64, u64>,
    F: Fn() -> Table<u64, u64, S, Uncounted>,
{
    match op {
        Op::Insert => group.bench_function(name, |b| {
            b.iter_batched(&make, |table| fill(table, &keys.stored), BatchSize::PerIteration)
        }),
        Op::LookupHit | Op::LookupMiss => {
            let mut table = fill(make(), &keys.stored);
            let probes = if op == Op::LookupHit {
                &keys.shuffled
            } else {
                &keys.absent
            };
            group.bench_function(name, |b| {
                b.iter(|| {
                    let mut found = 0u64;
                    for &key in probes {
                        // `get`, as hashbrown's: the entry from one lookup.
                        let Ok(entry) = table.get(hash(key), same(key));
                        if let Some(entry) = entry {
                            found = found.wrapping_add(entry.value);
                        }
                    }
                    black_box(found)
                })
            })
        }
        Op::Delete => group.bench_function(name, |b| {
            b.iter_batched(
                || fill(make(), &keys.stored),
                |mut table| {
                    for &key in &keys.shuffled {
                        let Ok(removed) = table.remove(hash(key), same(key));
                        // The value, as hashbrown's `remove` hands back.
                        black_box(removed.map(|entry| entry.value));
                    }
                    table
                },
                BatchSize::PerIteration,
            )
        }),
    };
}

fn bench_baseline(group: &mut BenchmarkGroup<'_, WallTime>, op: Op, keys: &Keys) {
    let fill = |keys: &[u64]| {
        let mut map = Baseline::with_hasher(STATE);
        for &key in keys {
            map.insert(key, key);
        }
        map
    };
    match op {
        Op::Insert => group.bench_function("hashbrown", |b| b.iter(|| fill(&keys.stored))),
        Op::LookupHit | Op::LookupMiss => {
            let map = fill(&keys.stored);
            let probes = if op == Op::LookupHit {
                &keys.shuffled
            } else {
                &keys.absent
            };
            group.bench_function("hashbrown", |b| {
                b.iter(|| {
                    let mut found = 0u64;
                    for key in probes {
                        if let Some(value) = map.get(key) {
                            found = found.wrapping_add(*value);
                        }
                    }
                    black_box(found)
                })
            })
        }
        Op::Delete => group.bench_function("hashbrown", |b| {
            b.iter_batched(
                || fill(&keys.stored),
                |mut map| {
                    for key in &keys.shuffled {
                        black_box(map.remove(key));
                    }
                    map
                },
                BatchSize::PerIteration,
            )
        }),
    };
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Insert,
    LookupHit,
    LookupMiss,
    Delete,
}

impl Op {
    const ALL: [Op; 4] = [Op::Insert, Op::LookupHit, Op::LookupMiss, Op::Delete];

    fn name(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::LookupHit => "lookup_hit",
            Op::LookupMiss => "lookup_miss",
            Op::Delete => "delete",
        }
    }
}

/// Strategies benchmarked with static dispatch as well: `Table<u64, u64, T>`
/// with the concrete type named, so the compiler can inline the probe loop.
macro_rules! static_strategies {
    ($group:expr, $op:expr, $keys:expr; $($kind:ident => $module:ident :: $type:ident),* $(,)?) => {
        $(
            let kind = StrategyKind::$kind;
            let name = format!("{}-static", kind.name());
            bench_table($group, $op, &name, $keys, || {
                let config = config(kind);
                let strategy = hashtable_core::$module::$type::<u64, u64>::new(config.initial_buckets(), config.index);
                Table::with_strategy(config, strategy)
                    .expect("recommended config is valid")
                    .uncounted()
            });
        )*
    };
}

fn quick() -> bool {
    std::env::var("BENCH_QUICK").is_ok_and(|value| !value.is_empty() && value != "0")
}

fn strategies(c: &mut Criterion) {
    let quick = quick();
    for size in SIZES {
        let keys = Keys::new(size);
        for op in Op::ALL {
            let mut group = c.benchmark_group(format!("{}/{size}", op.name()));
            group.throughput(Throughput::Elements(size as u64));
            group.sample_size(10);
            if quick {
                group.warm_up_time(Duration::from_millis(100));
                group.measurement_time(Duration::from_millis(300));
            } else {
                group.warm_up_time(Duration::from_millis(500));
                group.measurement_time(Duration::from_secs(2));
            }
            if size >= 100_000 {
                // One run is milliseconds long: take equal-sized samples
                // instead of criterion's 1, 2, ..., 10-iteration ramp.
                group.sampling_mode(SamplingMode::Flat);
            }
            bench_baseline(&mut group, op, &keys);
            for &kind in StrategyKind::ALL {
                bench_table(&mut group, op, kind.name(), &keys, || {
                    Table::new(config(kind))
                        .expect("recommended config is valid")
                        .uncounted()
                });
            }
            static_strategies!(&mut group, op, &keys;
                Chaining => chaining::Chaining,
                RobinHood => robin_hood::RobinHood,
                Linear => linear::Linear,
                Quadratic => quadratic::Quadratic,
                Swiss => swiss::Swiss,
                Compact => compact::Compact,
            );
            group.finish();
        }
    }
}

/// The cost of one named native hash, per key kind (`hash/<kind>` groups).
fn hash_functions(c: &mut Criterion) {
    let quick = quick();
    let long: Vec<u8> = (0..=255).collect();
    for (kind, key) in hash_keys(&long) {
        let mut group = c.benchmark_group(format!("hash/{kind}"));
        group.sample_size(if quick { 10 } else { 30 });
        group.warm_up_time(Duration::from_millis(100));
        group.measurement_time(Duration::from_millis(if quick { 200 } else { 1000 }));
        for name in HASH_FUNCTION_NAMES {
            let function = named_hash(name);
            with_known_kind!(key, |make| group
                .bench_function(*name, |b| b.iter(|| black_box(function).hash(make()))));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = strategies, hash_functions
}
criterion_main!(benches);
