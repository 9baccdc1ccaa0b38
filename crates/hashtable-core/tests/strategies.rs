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
#[path = "strategies/sizing.rs"]
mod sizing;

use hashtable_core::{
    BucketIndex, CollisionStrategy, Introspect, IterCursor, Settled, StrategyKind, Table, TableConfig, Verdict,
};
use proptest::prelude::*;

use harness::{mix, moves_reserved_hashes, same, sizes_while_inserting, Harness, Hashing, Map, Op};

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

/// The hashes a table stores: linear, quadratic and robin_hood move the two
/// values their slots reserve to their neighbours, the other strategies keep
/// every hash as given, whether the table holds the strategy's own type or
/// an `AnyStrategy` (which maps a hash inside the variant's arm); and every
/// key is found and removed under its own hash either way.
#[test]
fn only_the_open_addressing_slots_move_reserved_hashes() {
    use hashtable_core::{linear::Linear, swiss::Swiss, Uncounted};
    let keys = [(1, u64::MAX), (2, 1 << 63), (3, u64::MAX - 1), (4, (1 << 63) | 1)];
    fn check<S: CollisionStrategy<u64, u64>>(
        mut table: Table<u64, u64, S, Uncounted>,
        moves: bool,
        keys: &[(u64, u64)],
    ) {
        let kind = table.strategy().kind();
        // Half the keys with no lookup first; the others where a one-pass
        // lookup's miss said they go, as the Python binding stores a new key.
        for (nth, &(key, hash)) in keys.iter().enumerate() {
            if nth % 2 == 0 {
                table.insert_new(hash, key, key).unwrap();
                continue;
            }
            let settle = |stored: &u64| {
                Ok::<_, ()>(if *stored == key {
                    Verdict::Equal
                } else {
                    Verdict::Unequal
                })
            };
            let Ok(Settled::Absent(vacancy)) = table.find_settled(hash, settle) else {
                panic!("{kind:?}: key {key} is not in the table yet");
            };
            table.insert_vacant(hash, key, key, vacancy).unwrap();
        }
        for &(key, hash) in keys {
            let slot = table.find(hash, same(key)).unwrap().expect("found under its own hash");
            let moved = moves && (hash == u64::MAX || hash == 1 << 63);
            assert_eq!(
                table.entry(slot).hash,
                if moved { hash ^ 1 } else { hash },
                "{kind:?} key {key}"
            );
        }
        for &(key, hash) in keys {
            assert_eq!(
                table.remove(hash, same(key)).unwrap().map(|entry| entry.key),
                Some(key),
                "{kind:?}"
            );
        }
        assert_eq!(table.len(), 0);
    }
    let config = |strategy| TableConfig {
        strategy,
        ..Default::default()
    };
    for &kind in StrategyKind::ALL {
        check(
            Table::new(config(kind)).unwrap().uncounted(),
            moves_reserved_hashes(kind),
            &keys,
        );
    }
    // The strategies' own types, as `make bench`'s -static rows build them.
    let linear = Linear::<u64, u64>::new(8, BucketIndex::default());
    let static_linear = Table::with_strategy(config(StrategyKind::Linear), linear).unwrap();
    check(static_linear.uncounted(), true, &keys);
    let swiss = Swiss::<u64, u64>::new(8, BucketIndex::default());
    let static_swiss = Table::with_strategy(config(StrategyKind::Swiss), swiss).unwrap();
    check(static_swiss.uncounted(), false, &keys);
}

/// A copy into a table of another strategy reuses each entry's stored hash
/// where `original_hash` vouches for it, and hashes the key again where it
/// does not: every key is then found with its own hash. The open-addressing
/// slots store the two reserved values moved to their neighbours, which are
/// hashes too (key 3 and 4 below), so only the caller can tell those apart;
/// reused as they are, a swiss, chaining or compact copy (which store the
/// caller's hash unchanged) would lose keys 1 and 2.
#[test]
fn a_copy_into_any_strategy_finds_every_key_with_its_own_hash() {
    let keys = [
        (1, u64::MAX),
        (2, 1 << 63),
        (3, u64::MAX - 1),
        (4, (1 << 63) | 1),
        (5, 7),
    ];
    let hash_of = |key: u64| keys.iter().find(|&&(k, _)| k == key).unwrap().1;
    for &from in StrategyKind::ALL {
        let mut source: Map = Table::new(TableConfig {
            strategy: from,
            ..Default::default()
        })
        .unwrap();
        for (key, hash) in keys {
            source.insert_new(hash, key, key).unwrap();
        }
        for &to in StrategyKind::ALL {
            let mut copy: Map = Table::new(TableConfig {
                strategy: to,
                ..Default::default()
            })
            .unwrap();
            let mut cursor = IterCursor::new();
            let mut rehashed = Vec::new();
            while let Some(slot) = source.iter_next(&mut cursor) {
                let entry = source.entry(slot);
                let hash = source.strategy().original_hash(entry.hash).unwrap_or_else(|| {
                    rehashed.push(entry.key);
                    hash_of(entry.key)
                });
                copy.insert_new(hash, entry.key, entry.value).unwrap();
            }
            rehashed.sort_unstable();
            let expected: &[u64] = if moves_reserved_hashes(from) {
                &[1, 2, 3, 4]
            } else {
                &[]
            };
            assert_eq!(rehashed, expected, "{from:?}: hashes it cannot vouch for");
            for (key, hash) in keys {
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
