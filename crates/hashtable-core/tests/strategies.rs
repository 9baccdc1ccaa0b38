//! One suite for every collision strategy in `StrategyKind::ALL`.
//!
//! Each property test replays the same random operations on every strategy and
//! on `std::collections::HashMap`, and after every operation checks what any
//! strategy must keep true: the same contents, iteration that yields exactly
//! `len` slots, every stored key findable, a `Structure` that agrees with
//! `bucket_view` and with what probes really visit, a resumable `ProbeCursor`
//! that finds exactly the entries with the probed hash, and the table policy's
//! generation and resize accounting. A strategy added to the registry is
//! covered without touching this file.

#[path = "strategies/harness.rs"]
mod harness;

use hashtable_core::{BucketIndex, CollisionStrategy, Introspect, IterCursor, StrategyKind, Table, TableConfig};
use proptest::prelude::*;

use harness::{mix, same, Harness, Hashing, Map, Op};

#[derive(Clone, Copy, Debug)]
struct Params {
    size: usize,
    max_load: f64,
    min_fraction: f64,
    growth: f64,
    index: BucketIndex,
}

impl Params {
    /// The same choices, made valid for `kind`: open addressing needs
    /// max_load < 1, and min_load sits at a fraction of its limit.
    fn config(self, kind: StrategyKind) -> TableConfig {
        let max_load = if kind.is_open_addressing() && self.max_load >= 1.0 {
            0.97
        } else {
            self.max_load
        };
        TableConfig {
            size: self.size,
            max_load,
            min_load: self.min_fraction * max_load / self.growth,
            growth: self.growth,
            index: self.index,
            strategy: kind,
        }
    }
}

fn params() -> impl Strategy<Value = Params> {
    (
        prop::sample::select(vec![1usize, 2, 3, 4, 5, 7, 8, 16, 33]),
        prop::sample::select(vec![0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0, 2.5]),
        prop::sample::select(vec![0.0, 0.0, 0.5, 0.95]),
        prop::sample::select(vec![1.5, 2.0, 3.0]),
        prop::sample::select(BucketIndex::ALL.to_vec()),
    )
        .prop_map(|(size, max_load, min_fraction, growth, index)| Params {
            size,
            max_load,
            min_fraction,
            growth,
            index,
        })
}

/// Inserts dominate, so the table grows and collides.
fn growing_op(keys: u64) -> impl Strategy<Value = Op> {
    prop_oneof![
        40 => (0..keys, any::<u64>()).prop_map(|(k, v)| Op::Insert(k, v)),
        6 => (0..keys, any::<u64>()).prop_map(|(k, v)| Op::Replace(k, v)),
        12 => (0..keys).prop_map(Op::Remove),
        6 => (0..keys).prop_map(Op::Find),
        8 => (0..keys).prop_map(Op::Probe),
        4 => Just(Op::PopLast),
        1 => Just(Op::Clear),
    ]
}

/// Removals dominate, so a table with min_load > 0 shrinks.
fn shrinking_op(keys: u64) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..keys, any::<u64>()).prop_map(|(k, v)| Op::Insert(k, v)),
        12 => (0..keys).prop_map(Op::Remove),
        2 => (0..keys).prop_map(Op::Probe),
        5 => Just(Op::PopLast),
    ]
}

fn ops(keys: u64, grow: usize, shrink: usize) -> impl Strategy<Value = Vec<Op>> {
    (
        prop::collection::vec(growing_op(keys), grow / 4..grow),
        prop::collection::vec(shrinking_op(keys), 0..shrink),
    )
        .prop_map(|(mut first, second)| {
            first.extend(second);
            first
        })
}

fn run_everywhere(params: Params, hashing: Hashing, ops: &[Op]) {
    for &kind in StrategyKind::ALL {
        let mut harness = Harness::new(params.config(kind), hashing);
        harness.check();
        for &op in ops {
            harness.apply(op);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn matches_hashmap_with_colliding_hashes(
        params in params(),
        range in prop::sample::select(vec![1u64, 2, 3, 8]),
        ops in ops(40, 120, 80),
    ) {
        run_everywhere(params, Hashing::Narrow(range), &ops);
    }

    #[test]
    fn matches_hashmap_with_full_range_hashes(
        params in params(),
        keys in prop::sample::select(vec![16u64, 300, 1 << 40]),
        ops in ops(1 << 40, 240, 120),
    ) {
        // Draw keys from a small space often, so updates and removals hit.
        let ops: Vec<Op> = ops.into_iter().map(|op| match op {
            Op::Insert(k, v) => Op::Insert(k % keys, v),
            Op::Replace(k, v) => Op::Replace(k % keys, v),
            Op::Remove(k) => Op::Remove(k % keys),
            Op::Find(k) => Op::Find(k % keys),
            Op::Probe(k) => Op::Probe(k % keys),
            other => other,
        }).collect();
        run_everywhere(params, Hashing::Full, &ops);
    }

    #[test]
    fn matches_hashmap_with_hashes_equal_in_their_low_bits(
        params in params(),
        ops in ops(200, 100, 60),
    ) {
        run_everywhere(params, Hashing::Shifted, &ops);
    }

    #[test]
    fn matches_hashmap_with_the_hashes_open_addressing_reserves(
        params in params(),
        ops in ops(60, 120, 80),
    ) {
        run_everywhere(params, Hashing::Reserved, &ops);
    }
}

/// Build a table of `kind`, inserting keys 0..n and recording the size after each.
fn sizes_while_inserting(config: TableConfig, n: u64) -> (Map, Vec<usize>) {
    let mut table: Map = Table::new(config).unwrap();
    let sizes = (0..n)
        .map(|key| {
            table.insert_new(mix(key), key, key).unwrap();
            table.size()
        })
        .collect();
    (table, sizes)
}

/// The growth rule restated: grow by `growth`, rounded up to a size the
/// strategy can use, until the new item fits under max_load.
fn policy_sizes(config: TableConfig, n: usize) -> Vec<usize> {
    let usable = |requested: usize| {
        config
            .strategy
            .usable_size(config.index.usable_size(requested), config.index)
    };
    let mut size = config.initial_buckets();
    (1..=n)
        .map(|items| {
            while items as f64 > config.max_load * size as f64 {
                size = usable((size as f64 * config.growth).ceil() as usize).max(size + 1);
            }
            size
        })
        .collect()
}

fn changes(sizes: &[usize], initial: usize) -> u64 {
    let mut previous = initial;
    let mut count = 0;
    for &size in sizes {
        count += u64::from(size != previous);
        previous = size;
    }
    count
}

#[test]
fn growth_follows_the_documented_sequence() {
    for &kind in StrategyKind::ALL {
        for index in BucketIndex::ALL {
            for growth in [1.5, 2.0, 3.0] {
                let config = TableConfig {
                    strategy: kind,
                    index,
                    growth,
                    ..Default::default()
                };
                let (table, sizes) = sizes_while_inserting(config, 70);
                assert_eq!(sizes, policy_sizes(config, 70), "{kind:?} {index:?} growth {growth}");
                let initial = config.initial_buckets();
                assert_eq!(table.counters().resizes, changes(&sizes, initial), "{kind:?}: resizes");
                if initial == 4 && growth == 2.0 {
                    // Defaults: the 3rd insert grows to 8, the 5th to 16, the 9th to 32.
                    assert_eq!(sizes[..9], [4, 4, 8, 8, 16, 16, 16, 16, 32], "{kind:?} {index:?}");
                }
            }
        }
    }
    let growth = |kind: StrategyKind, size: usize, growth: f64, index: BucketIndex| {
        let config = TableConfig {
            strategy: kind,
            size,
            growth,
            index,
            ..Default::default()
        };
        sizes_while_inserting(config, 11).1
    };
    for kind in [StrategyKind::Chaining, StrategyKind::Linear, StrategyKind::RobinHood] {
        for index in [BucketIndex::Mod, BucketIndex::Fibonacci] {
            // size=5 is honoured: 5, then 10 at the 3rd insert, 20 at the 6th, 40 at the 11th.
            assert_eq!(growth(kind, 5, 2.0, index), [5, 5, 10, 10, 10, 20, 20, 20, 20, 20, 40]);
            assert_eq!(growth(kind, 4, 1.5, index)[..8], [4, 4, 6, 9, 14, 14, 14, 21]);
        }
        // `mask` rounds 5 up to 8.
        assert_eq!(growth(kind, 5, 2.0, BucketIndex::Mask)[..5], [8, 8, 8, 8, 16]);
    }
    // Quadratic rounds every size up to a power of two: 5 gives 8, and growth
    // by 1.5 from 4 lands on 6 -> 8, then 12 -> 16.
    for index in BucketIndex::ALL {
        assert_eq!(growth(StrategyKind::Quadratic, 5, 2.0, index)[..5], [8, 8, 8, 8, 16]);
        assert_eq!(
            growth(StrategyKind::Quadratic, 4, 1.5, index)[..9],
            [4, 4, 8, 8, 16, 16, 16, 16, 32]
        );
    }
}

#[test]
fn min_load_shrinks_the_table_as_items_leave() {
    for &kind in StrategyKind::ALL {
        for index in BucketIndex::ALL {
            // Growth 1.5 matters: sizes rounded to powers of two round
            // size / 1.5 straight back up, yet the table must still shrink.
            for growth in [1.5, 2.0, 3.0] {
                let config = TableConfig {
                    strategy: kind,
                    index,
                    growth,
                    min_load: 0.1,
                    ..Default::default()
                };
                let context = format!("{kind:?} {index:?} growth {growth}");
                let (mut table, sizes) = sizes_while_inserting(config, 64);
                let grown = table.size();
                let mut resizes = changes(&sizes, config.initial_buckets());
                let mut remove = |table: &mut Map, key: u64| {
                    let before = table.size();
                    let removed = table.remove(mix(key), same(key)).unwrap().expect("present");
                    assert_eq!(removed.value, key);
                    let after = table.size();
                    if after != before {
                        resizes += 1;
                        assert!(after < before, "{context}: a removal only shrinks");
                        let len = table.len() as f64;
                        assert!(len < config.min_load * before as f64, "{context}: shrank from {before}");
                        assert!(len <= config.max_load * after as f64, "{context}: shrank too far");
                    }
                    after != before
                };
                for key in 0..64 {
                    if remove(&mut table, key) {
                        // One insert right after a shrink must not grow back.
                        let size = table.size();
                        table.insert_new(mix(1000), 1000, 1000).unwrap();
                        assert_eq!(table.size(), size, "{context}: shrink then grow");
                        remove(&mut table, 1000);
                    }
                    for rest in key + 1..64 {
                        assert!(
                            table.find(mix(rest), same(rest)).unwrap().is_some(),
                            "{context}: lost {rest}"
                        );
                    }
                }
                assert_eq!(table.counters().resizes, resizes, "{context}: every shrink is a resize");
                assert!(
                    table.size() <= grown / 8,
                    "{context}: {grown} only shrank to {}",
                    table.size()
                );
            }
        }
    }
}

/// Churn (a delete and an insert of a new key) at a steady len above half
/// of the load limit: the table grows one step instead of cleaning at the
/// same size every few operations, then cleans at the larger size with room
/// to spare, so the rebuilds stay a small share of the operations.
#[test]
fn churn_near_the_load_limit_grows_once_and_rebuilds_rarely() {
    for &kind in StrategyKind::ALL {
        let mut table: Map = Table::new(TableConfig {
            strategy: kind,
            size: 2048,
            max_load: 0.5,
            growth: 2.0,
            ..Default::default()
        })
        .unwrap();
        let size = table.size();
        let live = 1000;
        for key in 0..live {
            table.insert_new(mix(key), key, key).unwrap();
        }
        let churned = 4000;
        for step in 0..churned {
            assert!(table.remove(mix(step), same(step)).unwrap().is_some());
            table.insert_new(mix(live + step), live + step, 0).unwrap();
        }
        assert_eq!(table.len(), live as usize);
        let counters = table.counters();
        assert!(counters.resizes <= 1, "{kind:?}: {counters:?}");
        assert!(table.size() <= 2 * size, "{kind:?}: {}", table.size());
        // A clean at the larger size leaves room for about 1,000 tombstones.
        assert!(counters.rebuilds <= churned / 500, "{kind:?}: {counters:?}");
        if table.strategy().tombstones() > 0 || counters.rebuilds > 0 {
            assert_eq!(counters.resizes, 1, "{kind:?}: grew instead of cleaning near the limit");
        }
    }
}

#[test]
fn tombstones_trigger_same_size_rebuilds_and_never_fill_the_table() {
    for &kind in StrategyKind::ALL {
        let mut table: Map = Table::new(TableConfig {
            strategy: kind,
            size: 8,
            ..Default::default()
        })
        .unwrap();
        // One item: with the churned one, at most half of the load limit
        // (4 of 8 at 0.5), so tombstones are cleaned at this size.
        for key in 0..1 {
            table.insert_new(mix(key), key, key).unwrap();
        }
        let size = table.size();
        let mut most_tombstones = 0;
        for key in 100..400 {
            table.insert_new(mix(key), key, key).unwrap();
            assert!(table.remove(mix(key), same(key)).unwrap().is_some());
            let tombstones = table.strategy().tombstones();
            most_tombstones = most_tombstones.max(tombstones);
            assert!((table.len() + tombstones) as f64 <= table.config().max_load * size as f64);
        }
        assert_eq!(table.size(), size, "{kind:?}: churn at a steady len never resizes");
        assert_eq!(table.counters().resizes, 0, "{kind:?}");
        if most_tombstones > 0 {
            assert!(
                table.counters().rebuilds > 0,
                "{kind:?}: tombstones piled up, no rebuild"
            );
        } else {
            assert_eq!(table.counters().rebuilds, 0, "{kind:?}: nothing to clean, yet rebuilt");
        }
        if kind == StrategyKind::Quadratic {
            assert!(most_tombstones > 0, "quadratic deletes by tombstone");
        }
        if matches!(kind, StrategyKind::Linear | StrategyKind::RobinHood) {
            assert_eq!(most_tombstones, 0, "{kind:?} deletes by backward shift");
        }
    }
}

#[test]
fn pop_last_takes_items_from_the_end_of_iteration_order() {
    for &kind in StrategyKind::ALL {
        let (mut table, _) = sizes_while_inserting(
            TableConfig {
                strategy: kind,
                ..Default::default()
            },
            200,
        );
        let mut order = Vec::new();
        let mut cursor = IterCursor::new();
        while let Some(slot) = table.iter_next(&mut cursor) {
            order.push(table.entry(slot).key);
        }
        let mut popped = Vec::new();
        while let Some(entry) = table.pop_last() {
            popped.push(entry.key);
        }
        assert!(table.is_empty());
        order.reverse();
        if kind == StrategyKind::Chaining {
            // Chaining pops its newest node, not its last bucket's (documented on last_slot).
            popped.sort_unstable();
            order.sort_unstable();
        }
        assert_eq!(popped, order, "{kind:?}");
    }
}

#[test]
fn heap_bytes_and_expected_probes_track_the_table() {
    for &kind in StrategyKind::ALL {
        let config = TableConfig {
            strategy: kind,
            ..Default::default()
        };
        let empty: Map = Table::new(config).unwrap();
        let (full, _) = sizes_while_inserting(config, 100);
        assert!(
            full.heap_bytes() > empty.heap_bytes(),
            "{kind:?}: heap_bytes ignores growth"
        );
        let strategy = full.strategy();
        let mut previous = strategy.expected_probes(0.0);
        assert!(previous.hit >= 1.0, "{kind:?}: a hit reads at least one entry");
        for alpha in [0.1, 0.25, 0.5, 0.75, 0.9] {
            let now = strategy.expected_probes(alpha);
            assert!(
                now.hit > previous.hit && now.miss > previous.miss,
                "{kind:?} at {alpha}"
            );
            previous = now;
        }
    }
}

#[test]
fn a_stored_hash_meets_the_same_key_in_a_table_of_any_strategy() {
    // A copy reinserts items with their stored hashes; a reserved hash is
    // stored remapped, so the remapped value must find the key everywhere.
    for &from in StrategyKind::ALL {
        let mut source: Map = Table::new(TableConfig {
            strategy: from,
            ..Default::default()
        })
        .unwrap();
        for (key, hash) in [(1, u64::MAX), (2, 1 << 63), (3, u64::MAX - 1)] {
            source.insert_new(hash, key, key).unwrap();
        }
        for &to in StrategyKind::ALL {
            let mut copy: Map = Table::new(TableConfig {
                strategy: to,
                ..Default::default()
            })
            .unwrap();
            let mut cursor = IterCursor::new();
            while let Some(slot) = source.iter_next(&mut cursor) {
                let entry = source.entry(slot);
                copy.insert_new(entry.hash, entry.key, entry.value).unwrap();
            }
            for (key, hash) in [(1, u64::MAX), (2, 1 << 63), (3, u64::MAX - 1)] {
                let slot = copy.find(hash, same(key)).unwrap();
                assert!(slot.is_some(), "{from:?} -> {to:?}: key {key} lost");
            }
        }
    }
}

/// `find_settled` agrees with `find`, stops at the first candidate it is
/// told it cannot decide, and `insert_vacant` at a miss's vacancy places
/// every key where `insert_new` does, in every strategy, also across growth,
/// deletes and tombstones.
#[test]
fn a_settled_miss_inserts_where_insert_new_does() {
    use hashtable_core::{Settled, Verdict};
    for &kind in StrategyKind::ALL {
        let config = TableConfig {
            strategy: kind,
            max_load: kind.info().recommended_max_load,
            ..TableConfig::default()
        };
        let mut vacant: Table<u64, u64> = Table::new(config).unwrap();
        let mut plain: Table<u64, u64> = Table::new(config).unwrap();
        for key in 0..300u64 {
            // Few distinct hashes, so probes pass candidates before they end.
            let hash = mix(key % 97);
            let settle = |stored: &u64| {
                Ok::<_, ()>(if *stored == key {
                    Verdict::Equal
                } else {
                    Verdict::Unequal
                })
            };
            let vacancy = match vacant.find_settled(hash, settle) {
                Ok(Settled::Absent(vacancy)) => vacancy,
                other => panic!("{kind:?} key {key}: a miss, not {other:?}"),
            };
            let slot = vacant.insert_vacant(hash, key, key, vacancy).unwrap();
            assert_eq!(slot, plain.insert_new(hash, key, key).unwrap(), "{kind:?} key {key}");
            match vacant.find_settled(hash, settle) {
                Ok(Settled::Found(found, entry)) => assert_eq!((found, entry.key), (slot, key), "{kind:?}"),
                other => panic!("{kind:?} key {key}: found, not {other:?}"),
            }
            if key >= 97 {
                // An older key shares the hash: a settle that cannot decide
                // it stops there, before reaching the key itself.
                let undecided = vacant.find_settled(hash, |_| Ok::<_, ()>(Verdict::Undecided));
                assert!(matches!(undecided, Ok(Settled::Undecided)), "{kind:?} key {key}");
            }
            if key % 5 == 0 {
                let Ok(Some(_)) = vacant.remove(mix((key / 2) % 97), same(key / 2)) else {
                    continue;
                };
                plain
                    .remove(mix((key / 2) % 97), same(key / 2))
                    .unwrap()
                    .expect("both hold it");
            }
        }
        let slots = |table: &Table<u64, u64>| {
            let mut cursor = IterCursor::new();
            std::iter::from_fn(|| table.iter_next(&mut cursor).map(|slot| (slot, table.entry(slot).key)))
                .collect::<Vec<_>>()
        };
        assert_eq!(slots(&vacant), slots(&plain), "{kind:?}");
    }
}

/// `copy_with` gives every strategy a table of the same size holding the same
/// entries under their stored hashes (tombstones and deletions included),
/// each made by the callback exactly once, with counters of its own.
#[test]
fn a_copy_holds_every_entry_at_the_original_size() {
    for &kind in StrategyKind::ALL {
        let config = TableConfig {
            strategy: kind,
            max_load: kind.info().recommended_max_load,
            ..TableConfig::default()
        };
        let mut original: Table<u64, u64> = Table::new(config).unwrap();
        for key in 0..500u64 {
            original.insert(mix(key % 211), key, key * 3, same(key)).unwrap();
            if key % 3 == 0 {
                original.remove(mix((key / 2) % 211), same(key / 2)).unwrap();
            }
        }
        let mut made = 0;
        let mut copy = original
            .copy_with(|entry| {
                made += 1;
                (entry.key, entry.value + 1)
            })
            .unwrap();
        assert_eq!(made, original.len(), "{kind:?}");
        assert_eq!((copy.len(), copy.size()), (original.len(), original.size()), "{kind:?}");
        assert_eq!(copy.counters().resizes, 0, "{kind:?}");
        let slots = |table: &Table<u64, u64>| {
            let mut cursor = IterCursor::new();
            std::iter::from_fn(|| table.iter_next(&mut cursor).map(|slot| (slot, table.entry(slot).key)))
                .collect::<Vec<_>>()
        };
        // Slot for slot, tombstones and all.
        assert_eq!(slots(&copy), slots(&original), "{kind:?}");
        assert_eq!(
            copy.strategy().tombstones(),
            original.strategy().tombstones(),
            "{kind:?}"
        );
        for (slot, key) in slots(&original) {
            let hash = original.entry(slot).hash;
            let found = copy.get(hash, same(key)).unwrap().map(|e| (e.hash, e.value));
            assert_eq!(found, Some((hash, key * 3 + 1)), "{kind:?} key {key}");
        }
        // The copy lives on its own: growing and emptying it leaves the original as it was.
        let before = slots(&original);
        for key in 500..1500u64 {
            copy.insert(mix(key % 211), key, key, same(key)).unwrap();
        }
        for (_, key) in &before {
            let hash = mix(key % 211);
            assert!(copy.remove(hash, same(*key)).unwrap().is_some(), "{kind:?} key {key}");
        }
        assert_eq!(copy.len(), 1000, "{kind:?}");
        assert_eq!(slots(&original), before, "{kind:?}");
    }
}

/// Growth so close to one that the documented walk would take ~1e11 steps: the
/// table still answers at once, with the fewest buckets that hold the items
/// under max_load, in every strategy.
#[test]
fn growth_near_one_answers_at_once() {
    for &kind in StrategyKind::ALL {
        let config = TableConfig {
            strategy: kind,
            max_load: 0.01,
            growth: 1.0 + 1e-12,
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let (table, sizes) = sizes_while_inserting(config, 100);
        assert!(
            started.elapsed().as_secs() < 20,
            "{kind:?} took {:?}",
            started.elapsed()
        );
        assert_eq!(table.len(), 100);
        for (items, &size) in (1..).zip(&sizes) {
            assert!(
                items as f64 <= 0.01 * size as f64,
                "{kind:?}: {items} items in {size} buckets"
            );
        }
        // Room for 1000 items at max_load 1e-8 is 1e11 buckets: the walk used to
        // take 1e11 steps; now the size is known at once, and its allocation
        // (hundreds of GB in every strategy) fails cleanly.
        let far = TableConfig {
            max_load: 1e-8,
            ..config
        };
        let started = std::time::Instant::now();
        let mut table: Table<u64, u64> = Table::new(far).unwrap();
        assert!(table.reserve(1000).is_err(), "{kind:?}: 1e11 buckets allocated?");
        assert!(
            started.elapsed().as_secs() < 20,
            "{kind:?} took {:?}",
            started.elapsed()
        );
        assert!(table.is_empty());
    }
}

/// An `Uncounted` table does everything a counted one does, slot for slot,
/// and only leaves `comparisons` at 0; a counted one counts its lookups'
/// visits (a hit visits at least the entry it finds).
#[test]
fn an_uncounted_table_counts_no_visits_and_behaves_the_same() {
    for &kind in StrategyKind::ALL {
        let config = TableConfig {
            strategy: kind,
            ..Default::default()
        };
        let mut counted: Map = Table::new(config).unwrap();
        let mut uncounted = Table::new(config).unwrap().uncounted();
        let mut hits = 0;
        for key in 0..300u64 {
            assert_eq!(
                counted.insert(mix(key), key, key, same(key)),
                uncounted.insert(mix(key), key, key, same(key)),
                "{kind:?}"
            );
        }
        for key in 0..400u64 {
            let (found, also) = (counted.find(mix(key), same(key)), uncounted.find(mix(key), same(key)));
            assert_eq!(found, also, "{kind:?}: key {key}");
            assert_eq!(counted.get(mix(key), same(key)).unwrap().is_some(), key < 300);
            assert_eq!(uncounted.get(mix(key), same(key)).unwrap().is_some(), key < 300);
            if key < 300 {
                hits += 2;
            }
        }
        for key in (0..300u64).step_by(3) {
            assert_eq!(
                counted.remove(mix(key), same(key)).unwrap().map(|entry| entry.key),
                uncounted.remove(mix(key), same(key)).unwrap().map(|entry| entry.key),
            );
            hits += 1;
        }
        assert_eq!(counted.size(), uncounted.size(), "{kind:?}");
        assert_eq!(counted.counters().resizes, uncounted.counters().resizes, "{kind:?}");
        assert!(
            uncounted.counters().resizes > 0,
            "{kind:?}: resizes are counted either way"
        );
        assert_eq!(uncounted.counters().comparisons, 0, "{kind:?}");
        assert!(
            counted.counters().comparisons >= hits,
            "{kind:?}: {} visits for {hits} hits",
            counted.counters().comparisons
        );
    }
}

/// Removals by key that empty the highest slots (which open addressing does
/// not walk `end` back over) leave `pop_last` taking the last item in
/// iteration order all the same, and iteration visiting every item once.
#[test]
fn pop_last_after_removals_of_the_highest_items() {
    for &kind in StrategyKind::ALL {
        if kind == StrategyKind::Chaining {
            continue; // Pops its newest node (documented on last_slot).
        }
        let (mut table, _) = sizes_while_inserting(
            TableConfig {
                strategy: kind,
                ..Default::default()
            },
            300,
        );
        let in_order = |table: &Map| {
            let mut keys = Vec::new();
            let mut cursor = IterCursor::new();
            while let Some(slot) = table.iter_next(&mut cursor) {
                keys.push(table.entry(slot).key);
            }
            keys
        };
        for round in 0..40 {
            let mut order = in_order(&table);
            // Remove the last two items by key, then pop one.
            for _ in 0..2 {
                let key = order.pop().expect("items left");
                assert!(table.remove(mix(key), same(key)).unwrap().is_some(), "{kind:?}");
            }
            let expected = order.pop();
            assert_eq!(
                table.pop_last().map(|entry| entry.key),
                expected,
                "{kind:?} round {round}"
            );
            assert_eq!(in_order(&table), order, "{kind:?} round {round}: iteration");
            assert_eq!(table.len(), order.len(), "{kind:?}");
        }
    }
}
