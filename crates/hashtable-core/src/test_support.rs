//! Helpers shared by the strategies' unit tests.

use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::open_slots::{OpenSlots, ProbeRule};
use crate::probe::ProbeCursor;
use crate::strategy::CollisionStrategy;

/// splitmix64 of `x`: a well-mixed stand-in for a good hash function.
pub(crate) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The next number of a splitmix64 stream.
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix(state.wrapping_sub(0x9E37_79B9_7F4A_7C15))
}

/// The slot holding `key`, found through the strategy's own probe.
pub(crate) fn find<S: CollisionStrategy<u64, u64>>(table: &S, hash: u64, key: u64) -> Option<SlotId> {
    let mut cursor = ProbeCursor::new();
    while let Some(slot) = table.probe_next(hash, &mut cursor) {
        if table.entry(slot).key == key {
            return Some(slot);
        }
    }
    None
}

/// Random inserts and removes of keys with few distinct hashes (so clusters
/// and equal-home runs form) in a 64-slot table under each bucket index,
/// with the storage's invariants and `check` after every step.
pub(crate) fn churn<P: ProbeRule>(seed: u64, hashes: u64, check: impl Fn(&OpenSlots<P, u64, u64>)) {
    for index in BucketIndex::ALL {
        let mut state = seed;
        let mut table = OpenSlots::<P, u64, u64>::new(64, index);
        let mut present: Vec<(u64, u64)> = Vec::new();
        for round in 0..4000 {
            let roll = splitmix(&mut state);
            if table.len() + table.tombstones() >= 56 {
                table.rebuild(64).unwrap(); // what the table policy does
                assert_eq!(table.tombstones(), 0);
            }
            if present.len() < 48 && (!roll.is_multiple_of(3) || present.is_empty()) {
                let hash = splitmix(&mut state) % hashes;
                table.insert_new(Entry::new(hash, round, round));
                present.push((hash, round));
            } else {
                let (hash, key) = present.swap_remove((roll as usize >> 8) % present.len());
                let slot = find(&table, hash, key).expect("stored key is findable");
                assert_eq!(table.remove(slot).key, key);
            }
            table.check_invariants();
            check(&table);
        }
        for &(hash, key) in &present {
            assert!(find(&table, hash, key).is_some(), "{index:?}: lost key {key}");
        }
    }
}
