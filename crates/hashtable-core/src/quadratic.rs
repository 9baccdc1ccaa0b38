//! Quadratic probing with triangular steps over a power-of-two table.
//!
//! ```text
//!   slots: [ EMPTY | A:1 | TOMB | EMPTY | B:1 | EMPTY | EMPTY | C:1 ]   Entry{hash, key, value}
//!              0      1     2      3      4      5       6      7      (X:h = item X, home slot h)
//!                     +0    +1            +3                    +6     offsets from home 1: 0, 1, 3, 6
//! ```
//!
//! One array of entries and nothing beside it (`open_slots`): an empty slot
//! and a tombstone are marked in the slot's hash word, so a probe compares
//! each slot's stored 64-bit hash with the key's and reads no other array.
//!
//! * **Size**: `usable_size` rounds every requested size *up* to a power of
//!   two (`size=5` gives 8 slots, and growth by 1.5 from 8 gives 16), because
//!   the probe sequence below is a permutation of the slots only then.
//! * **Probe sequence**: from the home slot `b = index(hash, m)`, step `i` is
//!   at `b + i(i+1)/2 mod m`: offsets 0, 1, 3, 6, 10, ... (each step one
//!   further than the last). For `m = 2^k` the triangular numbers `T(i)` for
//!   `0 <= i < m` are distinct mod `m` (`T(i) ≡ T(j)` would need
//!   `(i−j)(i+j+1) ≡ 0 mod 2^(k+1)`, impossible as one factor is odd and both
//!   are below `2^(k+1)`), so a probe visits every slot exactly once before it
//!   repeats. Keys with different home slots soon follow different paths,
//!   which breaks up linear probing's primary clustering; keys sharing a home
//!   still share a path (secondary clustering).
//! * **Insertion** takes the first empty slot or tombstone on the sequence
//!   (the key is known to be absent, so a tombstone can be reused at once).
//! * **Deletion** leaves a tombstone: the slot may lie on another key's path,
//!   and unlike linear probing there is no cheap rule for which later items
//!   could move back. Lookups step over tombstones; `tombstones()` reports
//!   them, and the table counts them against `max_load` and rebuilds at the
//!   same size when they pile up, which clears them all.
//! * **Expected probes** at load α = n/m, using the uniform-probing model
//!   (quadratic probing removes primary clustering, which brings it close to
//!   that model): a hit visits (1/α)·ln(1/(1−α)) slots, a miss 1/(1−α): 1.39
//!   and 2 at α = ½, 2.56 and 10 at α = 0.9 (linear probing: 5.5 and 50.5).
//!   Tombstones count as filled slots for a miss.
//! * **Trade-offs**: much shorter probes than linear probing at high load and
//!   the first steps still land close (0, 1, 3, 6: the same or the next cache
//!   line); but later steps jump across the table, the size is always a power
//!   of two (up to twice the memory asked for), and deletes leave tombstones
//!   that lengthen misses until a rebuild.

use crate::entry::{is_item_hash, Entry, SlotId, EMPTY_HASH, TOMBSTONE_HASH};
use crate::index::BucketIndex;
use crate::open_slots::{OpenSlots, ProbeRule, Walk, DONE};
use crate::strategy::{settle_candidate, ExpectedProbes, Settled, StrategyKind, Vacancy, Verdict};
use crate::trace::{Observer, Saw};

/// Quadratic probing over the shared open-addressing slots.
/// `O` is the storage's [`Observer`]: [`crate::trace::Quiet`] unless traced.
pub type Quadratic<K, V, O = crate::trace::Quiet> = OpenSlots<QuadraticProbing, K, V, O>;

/// Triangular steps over a power-of-two table; deletion leaves a tombstone.
pub struct QuadraticProbing;

impl ProbeRule for QuadraticProbing {
    const KIND: StrategyKind = StrategyKind::Quadratic;
    const TOMBSTONES: bool = true;
    const POWER_OF_TWO_SIZES: bool = true;

    /// The requested size rounded up to a power of two (at least 1): only
    /// then does the triangular sequence reach every slot.
    fn usable_size(requested: usize, _index: BucketIndex) -> usize {
        requested.max(1).next_power_of_two()
    }

    /// `at.slot` is the next slot to read and `at.step` the step number `i`
    /// that reached it; the slot after it is `slot + i + 1`. After `m` steps
    /// every slot has been seen once, so a table of only items and tombstones
    /// cannot loop forever.
    #[inline(always)]
    fn scan<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, hash: u64, at: &mut Walk) -> Option<usize> {
        let count = slots.count();
        let mask = count - 1;
        let (mut slot, mut step, mut visits) = (at.slot, at.step, at.visits);
        let found = if slot >= count {
            None
        } else {
            loop {
                if step >= count {
                    break None;
                }
                visits += 1;
                let stored = slots.hash_below(slot);
                // A tombstone's word never equals an item's hash: stepped over.
                if stored == hash {
                    break Some(slot);
                }
                if stored == EMPTY_HASH {
                    break None;
                }
                step += 1;
                slot = (slot + step) & mask;
            }
        };
        *at = match found {
            Some(slot) => Walk {
                slot: (slot + step + 1) & mask,
                step: step + 1,
                visits,
            },
            None => Walk {
                slot: DONE,
                step,
                visits,
            },
        };
        found
    }

    /// Triangular steps from home, each slot's hash word compared with the
    /// key's and with `EMPTY_HASH`; a tombstone equals neither and is passed.
    /// No step bound: some slot is always `EMPTY`. The step number is the
    /// visits, counted once at the end. A miss knows where an insert goes
    /// only when no tombstone lies anywhere (an insert reuses the first).
    #[inline(always)]
    fn find_settled<'a, K, V, O: Observer, E>(
        slots: &'a OpenSlots<Self, K, V, O>,
        hash: u64,
        visited: &mut u64,
        mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'a, K, V>, E> {
        if !is_item_hash(hash) {
            return Ok(Settled::Absent(Vacancy::UNKNOWN));
        }
        let mask = slots.count() - 1;
        let mut slot = slots.home(hash);
        let mut step = 0;
        let found = loop {
            let stored = slots.hash_below(slot);
            if stored == hash {
                if let Some(end) = settle_candidate(SlotId(slot), slots.scanned(slot), &mut settle) {
                    slots.observer().visit(slot, Saw::KeyEqual);
                    break end;
                }
                slots.observer().visit(slot, Saw::KeyDiffers);
            } else if stored == EMPTY_HASH {
                slots.observer().visit(slot, Saw::Empty);
                let known = slots.tombstone_count() == 0;
                break Ok(Settled::Absent(if known { Vacancy(slot) } else { Vacancy::UNKNOWN }));
            } else {
                let saw = if stored == TOMBSTONE_HASH {
                    Saw::Tombstone
                } else {
                    Saw::HashMismatch
                };
                slots.observer().visit(slot, saw);
            }
            step += 1;
            slot = (slot + step) & mask;
        };
        *visited += step as u64 + 1;
        found
    }

    fn insert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) -> usize {
        let mask = slots.count() - 1;
        let mut slot = slots.home(entry.hash);
        let mut step = 0;
        // The sequence is a permutation of the slots, so a free one is reached.
        while !matches!(slots.hash_at(slot), EMPTY_HASH | TOMBSTONE_HASH) {
            step += 1;
            slot = (slot + step) & mask;
        }
        slots.put(slot, entry);
        slot
    }

    /// The first `EMPTY` slot along the sequence, in storage with no tombstones.
    #[inline(always)]
    fn reinsert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) {
        let mask = slots.count() - 1;
        let mut slot = slots.home(entry.hash);
        let mut step = 0;
        while slots.hash_below(slot) != EMPTY_HASH {
            step += 1;
            slot = (slot + step) & mask;
        }
        slots.put_fresh(slot, entry);
    }

    fn remove<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize) -> Entry<K, V> {
        slots.take(slot, TOMBSTONE_HASH)
    }

    /// The probe step at which the item in `slot` is found.
    fn displacement<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, slot: usize) -> usize {
        let mask = slots.count() - 1;
        let mut at = slots.home(slots.hash_at(slot));
        let mut step = 0;
        while at != slot {
            step += 1;
            at = (at + step) & mask;
            debug_assert!(step < slots.count(), "slot {slot} is off its probe sequence");
        }
        step
    }

    /// Uniform probing: hit (1/α)·ln(1/(1−α)), miss 1/(1−α).
    fn expected_probes(load_factor: f64) -> ExpectedProbes {
        if load_factor >= 1.0 {
            return ExpectedProbes {
                hit: f64::INFINITY,
                miss: f64::INFINITY,
            };
        }
        let alpha = load_factor.max(0.0);
        // The hit formula tends to 1 as α -> 0; ln_1p keeps it accurate there.
        let hit = if alpha < 1e-12 { 1.0 } else { -(-alpha).ln_1p() / alpha };
        ExpectedProbes {
            hit,
            miss: 1.0 / (1.0 - alpha),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::SlotId;
    use crate::probe::ProbeCursor;
    use crate::strategy::{BucketView, CollisionStrategy, Introspect};
    use crate::test_support::{churn, find};

    #[test]
    fn triangular_steps_visit_every_slot_of_a_power_of_two_table() {
        for bits in 0..=12 {
            let size = 1usize << bits;
            for home in [0, size / 3, size - 1] {
                let mut seen = vec![false; size];
                let (mut at, mut step) = (home, 0);
                for _ in 0..size {
                    assert!(!seen[at], "size {size}: slot {at} visited twice");
                    seen[at] = true;
                    step += 1;
                    at = (at + step) & (size - 1);
                }
            }
        }
        // And the table really follows it: one hash fills every slot but one.
        let mut table = Quadratic::<u64, u64>::new(64, BucketIndex::Mask);
        for key in 0..63 {
            let slot = table.insert_new(Entry::new(5, key, 0));
            assert_eq!(
                table.bucket_view(slot.0),
                BucketView::Filled {
                    displacement: key as usize
                }
            );
        }
        assert_eq!(table.structure().empty_buckets, 1);
        assert_eq!(table.structure().longest, 63);
    }

    #[test]
    fn a_non_power_of_two_would_miss_slots_so_sizes_round_up() {
        // Size 5 from home 0 only ever reaches slots {0, 1, 3}.
        let mut seen = [false; 5];
        let (mut at, mut step) = (0, 0);
        for _ in 0..50 {
            seen[at] = true;
            step += 1;
            at = (at + step) % 5;
        }
        assert_eq!(seen.iter().filter(|&&s| s).count(), 3);
        assert_eq!(Quadratic::<u64, u64>::usable_size(5, BucketIndex::Mod), 8);
        assert_eq!(Quadratic::<u64, u64>::usable_size(0, BucketIndex::Fibonacci), 1);
        assert_eq!(Quadratic::<u64, u64>::usable_size(16, BucketIndex::Fibonacci), 16);
        assert_eq!(
            CollisionStrategy::<u64, u64>::bucket_count(&Quadratic::<u64, u64>::new(12, BucketIndex::Mod)),
            16
        );
    }

    #[test]
    fn deletes_leave_tombstones_that_probes_step_over_and_inserts_reuse() {
        let mut table = Quadratic::<u64, u64>::new(8, BucketIndex::Mod);
        for key in 0..3 {
            table.insert_new(Entry::new(1, key, key)); // slots 1, 2, 4
        }
        table.remove(find(&table, 1, 1).unwrap());
        assert_eq!(table.bucket_view(2), BucketView::Tombstone);
        assert_eq!(CollisionStrategy::<u64, u64>::tombstones(&table), 1);
        assert_eq!(table.structure().tombstones, 1);
        assert_eq!(find(&table, 1, 2), Some(SlotId(4)), "found past the tombstone");
        let slot = table.insert_new(Entry::new(9, 7, 7)); // home 1 (mod 8) again
        assert_eq!(slot, SlotId(2), "the tombstone is reused");
        assert_eq!(CollisionStrategy::<u64, u64>::tombstones(&table), 0);
        table.check_invariants();
    }

    #[test]
    fn random_churn_keeps_items_on_their_sequences() {
        churn::<QuadraticProbing>(3, 71, |_| {});
    }

    #[test]
    fn a_probe_over_tombstones_ends_at_the_one_empty_slot_kept() {
        let mut table = Quadratic::<u64, u64>::new(4, BucketIndex::Mod);
        for key in 0..3 {
            let slot = table.insert_new(Entry::new(key, key, key));
            table.remove(slot);
        }
        let mut cursor = ProbeCursor::new();
        assert_eq!(table.probe_next(0, &mut cursor), None);
        assert_eq!(cursor.visited(), 3, "slots 0, 1 (tombstones) and 3 (empty)");
        let mut visits = 0;
        let missed = table.find_entry(0, &mut visits, |_| Ok::<_, ()>(false));
        assert_eq!((missed, visits), (Ok(None), 3));
    }

    #[test]
    #[should_panic(expected = "last EMPTY slot")]
    fn no_insert_takes_the_last_empty_slot() {
        let mut table = Quadratic::<u64, u64>::new(4, BucketIndex::Mod);
        for key in 0..4 {
            table.insert_new(Entry::new(key, key, key));
        }
    }

    #[test]
    fn expected_probes_follow_uniform_probing() {
        let table = Quadratic::<u64, u64>::new(8, BucketIndex::Mod);
        let at = table.expected_probes(0.5);
        assert!((at.hit - 2.0 * 2f64.ln()).abs() < 1e-12);
        assert!((at.miss - 2.0).abs() < 1e-12);
        assert_eq!(table.expected_probes(0.0), ExpectedProbes { hit: 1.0, miss: 1.0 });
    }
}
