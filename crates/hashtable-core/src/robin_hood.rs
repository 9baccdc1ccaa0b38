//! Robin Hood hashing: linear probing that keeps every cluster sorted by home slot.
//!
//! ```text
//!   slots: [ EMPTY | A:1 | B:1 | C:2 | EMPTY | D:5 | EMPTY | EMPTY ]   Entry{hash, key, value}
//!              0      1     2     3      4      5      6       7      (X:h = item X, home slot h)
//!   displacement:     0     1     1             0                     recomputed, never stored
//! ```
//!
//! One array of entries and nothing beside it (`open_slots`): an empty slot is
//! marked in its hash word. No displacement is stored: the probe carries its
//! own distance from home (the step), and for an item with another hash it
//! computes that item's distance once, from its stored hash (two multiplies
//! with the default index), to decide whether to stop. That costs less than
//! the cache miss a separate byte array would add. An item whose stored hash
//! equals the probed one shares its home, so it is a candidate without any
//! distance check.
//!
//! * **Probe sequence**: the home slot `b = index(hash, m)`, then `b+1, b+2, ...`
//!   modulo `m`. At step `i` (slot `b+i`) a stored item with displacement `d`
//!   is a candidate only if `d == i`, since only then does it share the home
//!   slot; its full hash is compared before the caller's key check. The probe
//!   stops at an empty slot *or* at the first item with `d < i`: the invariant
//!   below says the key would have evicted that item, so it cannot lie further.
//! * **Insertion** ("steal from the rich"): walk the probe sequence, carrying
//!   the distance, to the first slot that is empty or holds an item with
//!   `d < i` (richer: closer to home than the newcomer). A miss of the same key
//!   stops at exactly that slot, so `Table::insert` finds it with its lookup.
//!   The newcomer takes it, and the run from there to the next empty slot
//!   moves one slot right, each moved displacement + 1: the textbook loop that
//!   swaps the carried entry forward slot by slot, done as a rotation of the
//!   run found first (slot by slot up to 8 slots, where a `memmove` call
//!   costs more; one `memmove` beyond, two across the wrap).
//!   Invariant: along a cluster, `d[s+1] <= d[s] + 1`, i.e. items are in order
//!   of home slot, and a key's equal-home items are contiguous.
//! * **Lookup**: linear probing's loop (`linear::settle_forward`), which
//!   before the wrap tests "richer" as one unsigned compare of the item's
//!   home less `home + 1` with the probe's distance; nothing is counted per
//!   slot. A rebuild re-places every item with this insertion.
//! * **Deletion** by backward shift: empty the slot, then pull each following
//!   item one slot back (displacement − 1) until an empty slot or an item at
//!   home: the run is found first, then rotated back as an insert's is. No tombstones, so probes never lengthen under churn and the table
//!   never needs a cleaning rebuild; the layout (up to the order of items
//!   sharing a home) depends only on which keys are present, not on history.
//! * **Expected probes** at load α = n/m with a uniform hash: the same means as
//!   plain linear probing (Knuth): a hit visits ½(1 + 1/(1−α)) slots, a miss at
//!   most ½(1 + 1/(1−α)²), less here, because a miss stops at the first richer
//!   item. Robin Hood does not change the total displacement (any order of
//!   placing the same keys gives the same sum), only how it is shared: it is
//!   evened out, so the variance and the longest probe are far smaller.
//! * **Trade-offs**: short, predictable lookups and early-terminating misses at
//!   high load, and deletes without tombstones; but an insert or delete may move
//!   a whole run of entries, every cluster is as long as under linear probing
//!   (a bad hash still makes long runs), and a probe computes a home slot for
//!   every item it passes.
//! * **Recommended**: `max_load` 0.9 with growth 1.5. Short, even probes at high
//!   load are what the design buys, so the table can run full and grow in small
//!   steps: 24-byte slots at a load between 0.6 and 0.9 take fewer bytes per
//!   entry than dict's index and entries (`make bench-python`, memory).

use crate::entry::{Entry, EMPTY_HASH};
use crate::index::{multiply_home, BucketIndex};
use crate::linear::{scan_forward, settle_forward};
use crate::open_slots::{OpenSlots, ProbeRule, Walk};
use crate::strategy::{ExpectedProbes, Settled, StrategyKind, Verdict};
use crate::trace::Observer;

/// Robin Hood hashing over the shared open-addressing slots.
/// `O` is the storage's [`Observer`]: [`crate::trace::Quiet`] unless traced.
pub type RobinHood<K, V, O = crate::trace::Quiet> = OpenSlots<RobinHoodProbing, K, V, O>;

/// Linear probing that stops at the first richer item; backward-shift deletion.
pub struct RobinHoodProbing;

impl ProbeRule for RobinHoodProbing {
    const KIND: StrategyKind = StrategyKind::RobinHood;

    /// Any slot count the bucket index allows (a power of two for `Mask`).
    fn usable_size(requested: usize, index: BucketIndex) -> usize {
        index.usable_size(requested)
    }

    /// Linear probing's scan, ended early by the first richer item (closer to
    /// its home than the probe is to its own): the key would have taken its
    /// slot, so it is absent. The probe's own distance is the step it carries;
    /// the item's is computed from its stored hash (two multiplies with the
    /// default index). An item whose stored hash equals the probed one shares
    /// its home, so it is a candidate with no distance check.
    #[inline(always)]
    fn scan<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, hash: u64, at: &mut Walk) -> Option<usize> {
        let richer = |stored: u64, slot: usize, step: usize| slots.distance(slots.home(stored), slot) < step;
        scan_forward(slots, hash, at, richer)
    }

    /// Linear probing's loop, stopped by the first richer item. The probe
    /// carries its own distance; a passed item's comes from its stored hash
    /// (a wrapping multiply and a multiply-high, the index's match hoisted
    /// out of the loop), and only for an item with another hash.
    #[inline(always)]
    fn find_settled<'a, K, V, O: Observer, E>(
        slots: &'a OpenSlots<Self, K, V, O>,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'a, K, V>, E> {
        let count = slots.count();
        let home = slots.home(hash);
        // Richer: the item's home lies after the probe's and at or before
        // its slot. Before the wrap that slot is `home + distance`, so this
        // is one unsigned compare: `item_home - (home + 1) < distance`.
        let richer = move |item_home: usize, distance: usize| item_home.wrapping_sub(home + 1) < distance;
        let richer_wrapped =
            move |item_home: usize, slot: usize, distance: usize| slots.distance(item_home, slot) < distance;
        match slots.multiplier() {
            Some(multiplier) => settle_forward(
                slots,
                hash,
                visited,
                settle,
                |stored, distance| richer(multiply_home(stored, multiplier, count), distance),
                |stored, slot, distance| richer_wrapped(multiply_home(stored, multiplier, count), slot, distance),
            ),
            None => settle_forward(
                slots,
                hash,
                visited,
                settle,
                |stored, distance| richer(slots.home(stored), distance),
                |stored, slot, distance| richer_wrapped(slots.home(stored), slot, distance),
            ),
        }
    }

    /// Walk to the first slot that is empty or holds a richer item, the
    /// probe distance carried as the step, then [`RobinHoodProbing::place`].
    fn insert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) -> usize {
        let count = slots.count();
        let mut slot = slots.home(entry.hash);
        let mut distance = 0;
        loop {
            let stored = slots.hash_below(slot);
            if stored == EMPTY_HASH || slots.distance(slots.home(stored), slot) < distance {
                break;
            }
            slot += 1;
            if slot == count {
                slot = 0;
            }
            distance += 1;
        }
        Self::place(slots, slot, entry);
        slot
    }

    /// [`RobinHoodProbing::insert`] into fresh storage: the same walk, and
    /// where it ends at an empty slot (most re-placed items, which come in
    /// nearly the order of their homes) a bare write.
    fn reinsert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) {
        let count = slots.count();
        let mut slot = slots.home(entry.hash);
        let mut distance = 0;
        loop {
            let stored = slots.hash_below(slot);
            if stored == EMPTY_HASH {
                slots.put_fresh(slot, entry);
                return;
            }
            if slots.distance(slots.home(stored), slot) < distance {
                break;
            }
            slot += 1;
            if slot == count {
                slot = 0;
            }
            distance += 1;
        }
        Self::place(slots, slot, entry);
    }

    /// The newcomer takes `slot` (empty, or its richer item's), and the run
    /// from there to the next empty slot moves one slot forward, each moved
    /// item one step further from home: the textbook loop that swaps the
    /// carried entry forward slot by slot, done as one move of the run.
    fn place<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize, entry: Entry<K, V>) {
        if slots.hash_at(slot) != EMPTY_HASH {
            let count = slots.count();
            let mut hole = slot;
            loop {
                hole += 1;
                if hole == count {
                    hole = 0;
                }
                if slots.hash_below(hole) == EMPTY_HASH {
                    break;
                }
            }
            slots.open_gap(slot, hole);
        }
        slots.put(slot, entry);
    }

    /// Backward shift: the items after `slot`, up to an empty slot or an
    /// item already at home, each move one slot back (one move of the run).
    fn remove<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize) -> Entry<K, V> {
        let entry = slots.take(slot, EMPTY_HASH);
        let count = slots.count();
        let mut last = slot;
        loop {
            let from = if last + 1 == count { 0 } else { last + 1 };
            let stored = slots.hash_below(from);
            if stored == EMPTY_HASH || slots.home(stored) == from {
                break;
            }
            last = from;
        }
        if last != slot {
            slots.close_gap(slot, last);
        }
        entry
    }

    fn displacement<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, slot: usize) -> usize {
        slots.distance(slots.home(slots.hash_at(slot)), slot)
    }

    fn expected_probes(load_factor: f64) -> ExpectedProbes {
        // Same means as linear probing; the miss figure is an upper bound here.
        crate::linear::linear_probing_expectation(load_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::SlotId;
    use crate::probe::ProbeCursor;
    use crate::strategy::{BucketView, CollisionStrategy, Introspect};
    use crate::test_support::{churn, find};

    /// Along a cluster, `d[s] <= d[s-1] + 1`: items in order of home slot.
    fn check_home_order(table: &RobinHood<u64, u64>) {
        table.check_invariants();
        for slot in 0..table.count() {
            if table.hash_at(slot) == EMPTY_HASH {
                continue;
            }
            let real = RobinHoodProbing::displacement(table, slot);
            if real > 0 {
                let before = (slot + table.count() - 1) % table.count();
                assert!(
                    table.hash_at(before) != EMPTY_HASH,
                    "slot {slot}: displaced past an empty slot"
                );
                assert!(
                    RobinHoodProbing::displacement(table, before) + 1 >= real,
                    "slot {slot}: cluster out of home order"
                );
            }
        }
    }

    #[test]
    fn displacement_order_holds_after_random_inserts_and_removes() {
        churn::<RobinHoodProbing>(7, 97, check_home_order);
    }

    #[test]
    fn backward_shift_leaves_no_tombstones_and_restores_home() {
        let mut table = RobinHood::<u64, u64>::new(8, BucketIndex::Mod);
        for key in 0..4 {
            table.insert_new(Entry::new(1, key, key)); // all home at slot 1
        }
        assert_eq!(table.bucket_view(4), BucketView::Filled { displacement: 3 });
        let first = find(&table, 1, 0).unwrap();
        table.remove(first);
        assert_eq!(table.bucket_view(1), BucketView::Filled { displacement: 0 });
        assert_eq!(table.bucket_view(4), BucketView::Empty);
        let views: Vec<_> = (0..8).map(|b| table.bucket_view(b)).collect();
        assert!(!views.contains(&BucketView::Tombstone));
        assert_eq!(CollisionStrategy::<u64, u64>::tombstones(&table), 0);
        assert_eq!(table.structure().empty_buckets, 5);
    }

    #[test]
    fn a_newcomer_steals_from_the_rich() {
        let mut table = RobinHood::<u64, u64>::new(8, BucketIndex::Mod);
        table.insert_new(Entry::new(2, 20, 0)); // slot 2, home
        table.insert_new(Entry::new(1, 10, 0)); // slot 1, home
        table.insert_new(Entry::new(1, 11, 0)); // home 1 is taken; slot 2's item is richer
        assert_eq!(find(&table, 1, 11), Some(SlotId(2)));
        assert_eq!(table.bucket_view(3), BucketView::Filled { displacement: 1 });
        assert_eq!(table.entry(SlotId(3)).key, 20);
    }

    #[test]
    fn a_miss_stops_at_the_first_richer_item() {
        let mut table = RobinHood::<u64, u64>::new(16, BucketIndex::Mod);
        for home in 0..6 {
            table.insert_new(Entry::new(home, home, 0));
        }
        // Hash 16 homes at slot 0, where an item sits at home; slot 1's item has
        // displacement 0 < 1, so the probe ends after two slots, not seven.
        let mut cursor = ProbeCursor::new();
        assert_eq!(table.probe_next(16, &mut cursor), None);
        assert_eq!(cursor.visited(), 2);
    }

    #[test]
    fn displacements_past_a_byte_stay_exact() {
        // Every hash equal: displacements run far past what a byte holds.
        let mut table = RobinHood::<u64, u64>::new(1024, BucketIndex::Fibonacci);
        for key in 0..600 {
            table.insert_new(Entry::new(42, key, key));
        }
        check_home_order(&table);
        let home = table.home(42);
        assert_eq!(
            table.bucket_view((home + 599) % 1024),
            BucketView::Filled { displacement: 599 }
        );
        assert_eq!(table.structure().longest, 600);
        for key in (0..600).step_by(7) {
            let slot = find(&table, 42, key).expect("present");
            table.remove(slot);
            check_home_order(&table);
        }
        for key in 0..600 {
            assert_eq!(find(&table, 42, key).is_some(), !key.is_multiple_of(7), "key {key}");
        }
    }

    /// The design's order in probe counts, exactly: with the same keys in the
    /// same slots, Robin Hood's successful lookups visit as many slots in
    /// total as linear probing's (moving items never changes the sum of
    /// displacements), and its misses, stopped at the first richer item,
    /// visit fewer, at every load from 0.5 up.
    #[test]
    fn hits_probe_as_linear_probing_does_and_misses_probe_less() {
        use crate::linear::Linear;
        use crate::test_support::mix;
        for index in [BucketIndex::Fibonacci, BucketIndex::Mask, BucketIndex::Mod] {
            for load in [0.5, 0.6, 0.7, 0.8, 0.9, 0.95] {
                let slots = 4096;
                let items = (load * slots as f64) as u64;
                let mut robin_hood = RobinHood::<u64, u64>::new(slots, index);
                let mut linear = Linear::<u64, u64>::new(slots, index);
                for key in 0..items {
                    robin_hood.insert_new(Entry::new(mix(key), key, key));
                    linear.insert_new(Entry::new(mix(key), key, key));
                }
                let (rh, lin) = (robin_hood.structure(), linear.structure());
                assert_eq!(
                    rh.successful_probe_total, lin.successful_probe_total,
                    "{index:?} at {load}"
                );
                // The same totals measured by lookups, not by the picture.
                let visits = |table: &dyn Fn(u64, &mut u64) -> bool, keys: std::ops::Range<u64>| {
                    let mut visits = 0;
                    for key in keys {
                        table(key, &mut visits);
                    }
                    visits
                };
                let rh_find = |key: u64, visits: &mut u64| {
                    let found = robin_hood.find_entry(mix(key), visits, |&k| Ok::<_, ()>(k == key));
                    matches!(found, Ok(Some(_)))
                };
                let lin_find = |key: u64, visits: &mut u64| {
                    let found = linear.find_entry(mix(key), visits, |&k| Ok::<_, ()>(k == key));
                    matches!(found, Ok(Some(_)))
                };
                assert_eq!(visits(&rh_find, 0..items), rh.successful_probe_total);
                assert_eq!(visits(&lin_find, 0..items), lin.successful_probe_total);
                let absent = items..items + 4 * slots as u64;
                let (rh_misses, lin_misses) = (visits(&rh_find, absent.clone()), visits(&lin_find, absent));
                assert!(
                    rh_misses < lin_misses,
                    "{index:?} at {load}: Robin Hood's misses visit {rh_misses}, linear's {lin_misses}"
                );
            }
        }
    }

    #[test]
    fn expected_probes_follow_knuth() {
        let table = RobinHood::<u64, u64>::new(8, BucketIndex::Mod);
        let at_half = table.expected_probes(0.5);
        assert!((at_half.hit - 1.5).abs() < 1e-12);
        assert!((at_half.miss - 2.5).abs() < 1e-12);
        assert_eq!(table.expected_probes(0.0), ExpectedProbes { hit: 1.0, miss: 1.0 });
    }
}
