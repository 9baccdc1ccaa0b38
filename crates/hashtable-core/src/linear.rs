//! Linear probing: try the home slot, then the next, then the next.
//!
//! ```text
//!   slots: [ EMPTY | A:1 | B:1 | C:2 | EMPTY | D:5 | EMPTY | EMPTY ]   Entry{hash, key, value}
//!              0      1     2     3      4      5      6       7      (X:h = item X, home slot h)
//! ```
//!
//! One array of entries and nothing beside it (`open_slots`): an empty slot is
//! marked in its hash word, so a probe compares each slot's stored 64-bit hash
//! with the key's and reads the next entry in the same or the next cache line.
//! With 24-byte entries, 2.7 slots share a line; a probe of 1 to 3 slots (the
//! mean below 0.8 load) mostly touches one line, two at most, and the second
//! is the one the hardware prefetcher is already fetching.
//!
//! * **Probe sequence**: the home slot `b = index(hash, m)`, then `b+1, b+2,
//!   ...` modulo `m`, until an empty slot. The run of filled slots a probe walks
//!   is a *cluster*; clusters merge as they grow ("primary clustering"), which
//!   is what makes misses expensive near full load.
//! * **Insertion** takes the first empty slot on the probe sequence.
//! * **Deletion**: backward shift, Knuth's Algorithm R (TAOCP 6.4), not
//!   tombstones. After emptying slot `i`, walk on through the cluster; an item
//!   at `j` whose probe path from its home passes through `i` (its
//!   displacement is at least the distance from `i` to `j`) moves back into
//!   `i`, and `j` becomes the hole. Chosen over tombstones because linear
//!   probing's cost *is* cluster length: tombstones would keep clusters long
//!   after their items are gone, make every miss walk over them, and force
//!   periodic cleaning rebuilds; Algorithm R leaves the table exactly as if the
//!   deleted key had never been inserted, at the price of a delete that walks
//!   the rest of its cluster (recomputing home slots from stored hashes).
//! * **Size**: any slot count the bucket index allows (a power of two only
//!   with `index='mask'`), so growth by 1.5 gives 1.5 times the slots.
//! * **Expected probes** at load α = n/m with a uniform hash (Knuth): a hit
//!   visits ½(1 + 1/(1−α)) slots, a miss ½(1 + 1/(1−α)²) slots counting the
//!   empty one that ends it: 1.5 and 2.5 at α = ½, but 5.5 and 50.5 at α = 0.9.
//! * **Recommended**: `max_load=0.8, growth=1.5`: a hit then costs at most 3
//!   slots, and memory stays between 1.25 and 1.9 slots (30 to 45 bytes for
//!   pointer keys and values) per item.
//! * **Trade-offs**: the best cache behaviour of any scheme here (a probe is a
//!   sequential scan, the hardware prefetcher's favourite), the simplest code,
//!   no tombstones, no bytes beside the entries; but primary clustering makes it the most sensitive to load
//!   and to bad hashes (runs of consecutive home slots, such as small ints under
//!   `mod`, fuse into one long cluster), and the variance of probe lengths is
//!   high, which is what Robin Hood fixes.

use crate::entry::{Entry, SlotId, EMPTY_HASH};
use crate::index::BucketIndex;
use crate::open_slots::{OpenSlots, ProbeRule, Walk, DONE};
use crate::strategy::{settle_candidate, ExpectedProbes, Settled, StrategyKind, Vacancy, Verdict};
use crate::trace::{Observer, Saw};

/// Linear probing over the shared open-addressing slots.
/// `O` is the storage's [`Observer`]: [`crate::trace::Quiet`] unless traced.
pub type Linear<K, V, O = crate::trace::Quiet> = OpenSlots<LinearProbing, K, V, O>;

/// Knuth's linear-probing means: hit ½(1+1/(1−α)), miss ½(1+1/(1−α)²).
pub(crate) fn linear_probing_expectation(load_factor: f64) -> ExpectedProbes {
    if load_factor >= 1.0 {
        return ExpectedProbes {
            hit: f64::INFINITY,
            miss: f64::INFINITY,
        };
    }
    let free = 1.0 - load_factor.max(0.0);
    ExpectedProbes {
        hit: 0.5 * (1.0 + 1.0 / free),
        miss: 0.5 * (1.0 + 1.0 / (free * free)),
    }
}

/// The scan along `home, home + 1, ...` that linear probing and Robin Hood
/// share ([`ProbeRule::scan`]): the next slot from `at` whose stored hash
/// equals `hash`, stopping at an empty slot, after a whole lap, or at an item
/// that `stop_at(stored, slot, step)` says the key cannot lie beyond.
///
/// Per slot: a step bound, a load, two compares, `stop_at`, and a wrap to 0
/// (a conditional move). The visits are the steps taken, added once.
#[inline(always)]
pub(crate) fn scan_forward<P, K, V, O: Observer>(
    slots: &OpenSlots<P, K, V, O>,
    hash: u64,
    at: &mut Walk,
    stop_at: impl Fn(u64, usize, usize) -> bool,
) -> Option<usize> {
    let count = slots.count();
    let Walk {
        mut slot,
        mut step,
        visits,
        ..
    } = *at;
    let first_step = step;
    let found = if slot >= count {
        None
    } else {
        loop {
            if step >= count {
                break None;
            }
            let stored = slots.hash_below(slot);
            step += 1;
            if stored == hash {
                break Some(slot);
            }
            if stored == EMPTY_HASH || stop_at(stored, slot, step - 1) {
                break None;
            }
            slot += 1;
            if slot == count {
                slot = 0;
            }
        }
    };
    *at = Walk {
        slot: match found {
            Some(found) if found + 1 < count => found + 1,
            Some(_) => 0,
            None => DONE,
        },
        step,
        visits: visits + (step - first_step) as u64,
    };
    found
}

/// Linear probing's one-pass lookup along `home, home + 1, ...`
/// ([`ProbeRule::find_settled`]). Per slot: one load of the hash word, a
/// compare with `hash`, a compare with `EMPTY_HASH`, the step and a compare
/// with the slot count. No step bound: some slot is always `EMPTY`. The rare
/// probe that reaches the end goes on from slot 0 in [`settle_wrapped`].
/// Visits are the slots read, added once.
#[inline(always)]
fn settle_forward<'a, P: ProbeRule, K, V, O: Observer, E>(
    slots: &'a OpenSlots<P, K, V, O>,
    hash: u64,
    visited: &mut u64,
    mut settle: impl FnMut(&K) -> Result<Verdict, E>,
) -> Result<Settled<'a, K, V>, E> {
    if hash == EMPTY_HASH {
        // No item stores it (linear probing leaves no tombstones, so this is
        // the only reserved word in its slots).
        return Ok(Settled::Absent(Vacancy::UNKNOWN));
    }
    let count = slots.count();
    let home = slots.home(hash);
    let mut slot = home;
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
            // Where an insert of the key goes: linear probing leaves no tombstones.
            break Ok(Settled::Absent(Vacancy(slot)));
        } else {
            slots.observer().visit(slot, Saw::HashMismatch);
        }
        slot += 1;
        if slot == count {
            return settle_wrapped(slots, hash, visited, &mut settle, count - home);
        }
    };
    *visited += (slot - home) as u64 + 1;
    found
}

/// [`settle_forward`] after the probe passed the end of the array: on from
/// slot 0, `distance` slots from home, with the step and wrap of the
/// textbook loop (few probes get here). Inlined all the same: as a call, its
/// result came back through memory, and the common path paid for that too.
#[inline(always)]
fn settle_wrapped<'a, P, K, V, O: Observer, E>(
    slots: &'a OpenSlots<P, K, V, O>,
    hash: u64,
    visited: &mut u64,
    settle: &mut impl FnMut(&K) -> Result<Verdict, E>,
    mut distance: usize,
) -> Result<Settled<'a, K, V>, E> {
    let mut slot = 0;
    let found = loop {
        let stored = slots.hash_below(slot);
        if stored == hash {
            if let Some(end) = settle_candidate(SlotId(slot), slots.scanned(slot), settle) {
                slots.observer().visit(slot, Saw::KeyEqual);
                break end;
            }
            slots.observer().visit(slot, Saw::KeyDiffers);
        } else if stored == EMPTY_HASH {
            slots.observer().visit(slot, Saw::Empty);
            break Ok(Settled::Absent(Vacancy(slot)));
        } else {
            slots.observer().visit(slot, Saw::HashMismatch);
        }
        slot = slots.next(slot);
        distance += 1;
    };
    *visited += distance as u64 + 1;
    found
}

/// The probe sequence `home, home + 1, ...` and Algorithm R deletion.
pub struct LinearProbing;

impl ProbeRule for LinearProbing {
    const KIND: StrategyKind = StrategyKind::Linear;

    /// Any slot count the bucket index allows (a power of two for `Mask`).
    fn usable_size(requested: usize, index: BucketIndex) -> usize {
        index.usable_size(requested)
    }

    #[inline(always)]
    fn scan<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, hash: u64, at: &mut Walk) -> Option<usize> {
        scan_forward(slots, hash, at, |_, _, _| false)
    }

    #[inline(always)]
    fn find_settled<'a, K, V, O: Observer, E>(
        slots: &'a OpenSlots<Self, K, V, O>,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'a, K, V>, E> {
        settle_forward(slots, hash, visited, settle)
    }

    fn insert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) -> usize {
        let mut slot = slots.home(entry.hash);
        while slots.hash_at(slot) != EMPTY_HASH {
            slot = slots.next(slot);
        }
        slots.put(slot, entry);
        slot
    }

    /// The first `EMPTY` slot from home, in storage with nothing else to skip.
    #[inline(always)]
    fn reinsert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) {
        let count = slots.count();
        let mut slot = slots.home(entry.hash);
        while slots.hash_below(slot) != EMPTY_HASH {
            slot += 1;
            if slot == count {
                slot = 0;
            }
        }
        slots.put_fresh(slot, entry);
    }

    /// Knuth's Algorithm R: close the gap instead of leaving a tombstone.
    /// Inlined, with [`crate::strategy::CollisionStrategy::remove`] on the
    /// slots: as a call, a delete paid its saved registers and the entry's
    /// trip through the stack (`callgrind_core.py --op delete`: 132.7 ->
    /// 105.4 instructions).
    #[inline(always)]
    fn remove<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize) -> Entry<K, V> {
        let entry = slots.take(slot, EMPTY_HASH);
        let count = slots.count();
        let mut hole = slot;
        let mut at = slot;
        // Steps from the hole to `at`, carried rather than computed again
        // with the wrap at every slot.
        let mut past_hole = 0;
        loop {
            at += 1;
            if at == count {
                at = 0;
            }
            past_hole += 1;
            let stored = slots.hash_below(at);
            if stored == EMPTY_HASH {
                break;
            }
            // The item may fill the hole only if its probe path crosses it:
            // its home is not in `(hole, at]`, going round the end.
            let home = slots.home(stored);
            if slots.distance(home, at) >= past_hole {
                slots.shift(at, hole);
                hole = at;
                past_hole = 0;
            }
        }
        slots.vacated(hole);
        entry
    }

    fn displacement<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, slot: usize) -> usize {
        slots.distance(slots.home(slots.hash_at(slot)), slot)
    }

    fn expected_probes(load_factor: f64) -> ExpectedProbes {
        linear_probing_expectation(load_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::SlotId;
    use crate::probe::ProbeCursor;
    use crate::strategy::{BucketView, CollisionStrategy, Introspect};
    use crate::test_support::{churn, find};

    fn views(table: &Linear<u64, u64>) -> Vec<BucketView> {
        (0..CollisionStrategy::<u64, u64>::bucket_count(table))
            .map(|b| table.bucket_view(b))
            .collect()
    }

    #[test]
    fn algorithm_r_keeps_every_item_reachable_and_leaves_no_tombstones() {
        churn::<LinearProbing>(11, 61, |table| {
            assert!(!views(table).contains(&BucketView::Tombstone));
        });
    }

    #[test]
    fn deleting_leaves_the_table_as_if_the_key_never_came() {
        // Homes (mod 8): a:6 b:7 c:6 d:0 e:7, wrapping round the end.
        let items = [(6u64, 1u64), (7, 2), (14, 3), (8, 4), (15, 5)];
        let mut with = Linear::<u64, u64>::new(8, BucketIndex::Mod);
        let mut without = Linear::<u64, u64>::new(8, BucketIndex::Mod);
        for &(hash, key) in &items {
            with.insert_new(Entry::new(hash, key, 0));
            if key != 2 {
                without.insert_new(Entry::new(hash, key, 0));
            }
        }
        let slot = find(&with, 7, 2).unwrap();
        with.remove(slot);
        assert_eq!(views(&with), views(&without));
        for slot in 0..8 {
            let keys = |t: &Linear<u64, u64>| (t.hash_at(slot) != EMPTY_HASH).then(|| t.item(slot).key);
            assert_eq!(keys(&with), keys(&without), "slot {slot}");
        }
    }

    #[test]
    fn an_item_at_home_is_not_pulled_back() {
        let mut table = Linear::<u64, u64>::new(8, BucketIndex::Mod);
        table.insert_new(Entry::new(2, 1, 0)); // slot 2
        table.insert_new(Entry::new(3, 2, 0)); // slot 3, home
        table.remove(SlotId(2));
        assert_eq!(table.bucket_view(2), BucketView::Empty);
        assert_eq!(table.bucket_view(3), BucketView::Filled { displacement: 0 });
    }

    #[test]
    fn a_probe_stops_at_the_end_of_the_cluster() {
        let mut table = Linear::<u64, u64>::new(16, BucketIndex::Mod);
        for home in 0..5 {
            table.insert_new(Entry::new(home, home, 0));
        }
        let mut cursor = ProbeCursor::new();
        assert_eq!(table.probe_next(16, &mut cursor), None);
        assert_eq!(cursor.visited(), 6, "five filled slots and the empty one");
    }

    #[test]
    fn expected_probes_follow_knuth() {
        let table = Linear::<u64, u64>::new(8, BucketIndex::Mod);
        let at = table.expected_probes(0.9);
        assert!((at.hit - 5.5).abs() < 1e-9);
        assert!((at.miss - 50.5).abs() < 1e-9);
    }
}
