//! Robin Hood hashing: linear probing that keeps every cluster sorted by home slot.
//!
//! ```text
//!   meta:  [  0   |  1   |  2   |  2   |  0   |  1   |  0   |  0   ]   one byte per slot:
//!                                                                      0 empty, else displacement + 1
//!   slots: [  -   | A:1  | B:1  | C:2  |  -   | D:5  |  -   |  -   ]   Option<Entry{hash, key, value}>
//!             0      1      2      3      4      5      6      7       (X:h = item X, home slot h)
//! ```
//!
//! Two parallel arrays. `slots` holds the entries (with their full hash), and
//! `meta` holds one byte per slot, so a probe reads a run of bytes that fits a
//! cache line and opens an entry only when its displacement says it can match.
//! A displacement too large for a byte is stored as 255, "read the entry": its
//! true value is then recomputed from the stored hash, so hostile keys (every
//! hash equal) stay correct, only slower.
//!
//! * **Probe sequence**: the home slot `b = index(hash, m)`, then `b+1, b+2, ...`
//!   modulo `m`. At step `i` (slot `b+i`) a stored item with displacement `d`
//!   is a candidate only if `d == i`, since only then does it share the home
//!   slot; its full hash is compared before the caller's key check. The probe
//!   stops at an empty slot *or* at the first item with `d < i`: the invariant
//!   below says the key would have evicted that item, so it cannot lie further.
//! * **Insertion** ("steal from the rich"): walk the probe sequence to the first
//!   slot that is empty or holds an item with `d < i` (richer: closer to home
//!   than the newcomer). The newcomer takes it, and the run from there to the
//!   next empty slot shifts one slot right, each shifted displacement + 1. This
//!   equals the textbook swap-and-carry loop, done as one backward move.
//!   Invariant: along a cluster, `d[s+1] <= d[s] + 1`, i.e. items are in order
//!   of home slot, and a key's equal-home items are contiguous.
//! * **Deletion** by backward shift: empty the slot, then pull each following
//!   item one slot back (displacement − 1) until an empty slot or an item at
//!   home. No tombstones, so probes never lengthen under churn and the table
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
//!   (a bad hash still makes long runs), and the displacement byte per slot is
//!   extra memory compared with a tag-free table.

use crate::alloc::AllocError;
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::open_slots::{OpenSlots, EMPTY};
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{BucketView, CollisionStrategy, ExpectedProbes, StrategyKind, Structure};

/// `meta` value of an empty slot.
/// `meta` value meaning "displacement >= SATURATED - 1: read the stored hash".
const SATURATED: u8 = u8::MAX;
/// `ProbeCursor::position` once a probe has ended: past every slot, so a
/// stale cursor from a bigger table also just ends (never indexes out of range).
const DONE: usize = usize::MAX;

pub struct RobinHood<K, V> {
    /// Each slot's `meta` byte: 0 for an empty slot, else `min(displacement + 1, SATURATED)`.
    store: OpenSlots<K, V>,
    index: BucketIndex,
}

#[inline]
fn encode(displacement: usize) -> u8 {
    displacement.saturating_add(1).min(SATURATED as usize) as u8
}

impl<K, V> RobinHood<K, V> {
    /// Empty storage; panics if it cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("RobinHood: allocating the slots")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        Ok(RobinHood {
            store: OpenSlots::with_slots(Self::usable_size(buckets, index))?,
            index,
        })
    }

    /// Any slot count the bucket index allows (a power of two for `Mask`).
    pub fn usable_size(requested: usize, index: BucketIndex) -> usize {
        index.usable_size(requested)
    }

    /// Fresh empty storage for `buckets` slots; the old storage is returned.
    fn reset(&mut self, buckets: usize) -> Result<OpenSlots<K, V>, AllocError> {
        let slots = Self::usable_size(buckets, self.index);
        let fresh = OpenSlots::with_slots(slots)?;
        Ok(std::mem::replace(&mut self.store, fresh))
    }

    #[inline]
    fn home(&self, hash: u64) -> usize {
        self.index.bucket(hash, self.store.meta.len())
    }

    #[inline]
    fn next(&self, slot: usize) -> usize {
        if slot + 1 == self.store.meta.len() {
            0
        } else {
            slot + 1
        }
    }

    #[inline]
    fn prev(&self, slot: usize) -> usize {
        if slot == 0 {
            self.store.meta.len() - 1
        } else {
            slot - 1
        }
    }

    /// The true displacement of the (filled) slot, from its `meta` byte if it
    /// fits, else from the stored hash.
    #[inline]
    fn displacement(&self, slot: usize) -> usize {
        match self.store.meta[slot] {
            EMPTY => unreachable!("robin_hood: displacement of an empty slot"),
            SATURATED => {
                let home = self.home(self.store.entry(slot).hash);
                (slot + self.store.meta.len() - home) % self.store.meta.len()
            }
            byte => (byte - 1) as usize,
        }
    }

    /// After `slot` stopped holding an item: if it was the last one, walk
    /// `end` down to the next filled slot.
    fn vacated(&mut self, slot: usize) {
        self.store.vacated(slot, |meta| meta != EMPTY);
    }

    /// The displacement-ordering invariant, checked slot by slot (for tests).
    #[cfg(test)]
    fn check_invariants(&self) {
        let mut filled = 0;
        for slot in 0..self.store.meta.len() {
            if self.store.meta[slot] == EMPTY {
                assert!(
                    self.store.slots[slot].is_none(),
                    "slot {slot}: meta empty, entry present"
                );
                continue;
            }
            filled += 1;
            let entry = self.store.entry(slot);
            let home = self.home(entry.hash);
            let real = (slot + self.store.meta.len() - home) % self.store.meta.len();
            assert_eq!(self.store.meta[slot], encode(real), "slot {slot}: stale meta byte");
            let before = self.prev(slot);
            if real > 0 {
                assert!(
                    self.store.meta[before] != EMPTY,
                    "slot {slot}: displaced past an empty slot"
                );
                assert!(
                    self.displacement(before) + 1 >= real,
                    "slot {slot}: cluster out of home order"
                );
            }
        }
        assert_eq!(filled, self.store.len);
        assert!(self.store.end == 0 || self.store.meta[self.store.end - 1] != EMPTY);
        assert!(self.store.meta[self.store.end..].iter().all(|&m| m == EMPTY));
    }
}

impl<K, V> CollisionStrategy<K, V> for RobinHood<K, V>
where
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        StrategyKind::RobinHood
    }

    fn bucket_count(&self) -> usize {
        self.store.meta.len()
    }

    fn len(&self) -> usize {
        self.store.len
    }

    fn home_bucket(&self, hash: u64) -> usize {
        self.home(hash)
    }

    /// `cursor.position` is the next slot to read and `cursor.step` its
    /// distance from home, so a resumed probe carries on exactly where it was.
    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if !cursor.started {
            cursor.started = true;
            cursor.position = self.home(hash);
            cursor.step = 0;
        }
        let (mut slot, mut step) = (cursor.position, cursor.step);
        if slot >= self.store.meta.len() {
            return None;
        }
        loop {
            cursor.visited += 1;
            let byte = self.store.meta[slot];
            if byte == EMPTY {
                break;
            }
            // A saturated byte means displacement >= 254: only worth decoding
            // once the probe itself has come that far.
            let displacement = if byte != SATURATED {
                (byte - 1) as usize
            } else if step + 1 < SATURATED as usize {
                usize::MAX
            } else {
                self.displacement(slot)
            };
            if displacement < step {
                break;
            }
            if displacement == step && self.store.entry(slot).hash == hash {
                cursor.position = self.next(slot);
                cursor.step = step + 1;
                return Some(SlotId(slot));
            }
            slot = self.next(slot);
            step += 1;
        }
        cursor.position = DONE;
        None
    }

    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.store.entry(slot.0)
    }

    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        self.store.entry_mut(slot.0)
    }

    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        assert!(
            self.store.len < self.store.meta.len(),
            "robin_hood: insert into a full table"
        );
        let mut slot = self.home(entry.hash);
        let mut step = 0;
        while self.store.meta[slot] != EMPTY && self.displacement(slot) >= step {
            slot = self.next(slot);
            step += 1;
        }
        // `slot` is empty or holds a richer item: shift the run that starts
        // there one slot right, into the first empty slot after it.
        let mut hole = slot;
        while self.store.meta[hole] != EMPTY {
            hole = self.next(hole);
        }
        let last = hole;
        while hole != slot {
            let from = self.prev(hole);
            self.store.slots[hole] = self.store.slots[from].take();
            self.store.meta[hole] = self.store.meta[from].saturating_add(1);
            hole = from;
        }
        self.store.slots[slot] = Some(entry);
        self.store.meta[slot] = encode(step);
        self.store.len += 1;
        self.store.end = self.store.end.max(last + 1);
        SlotId(slot)
    }

    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        let entry = self.store.slots[slot.0]
            .take()
            .expect("robin_hood: remove of an empty slot");
        let mut hole = slot.0;
        loop {
            let from = self.next(hole);
            // Stop at an empty slot or an item already at home (byte 1).
            if self.store.meta[from] <= 1 {
                break;
            }
            let displacement = self.displacement(from);
            self.store.slots[hole] = self.store.slots[from].take();
            self.store.meta[hole] = encode(displacement - 1);
            hole = from;
        }
        self.store.meta[hole] = EMPTY;
        self.store.len -= 1;
        self.vacated(hole);
        entry
    }

    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError> {
        for entry in self.reset(buckets)?.into_entries() {
            self.insert_new(entry);
        }
        Ok(())
    }

    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError> {
        let fresh = Self::try_new(buckets, self.index)?;
        Ok(std::mem::replace(self, fresh))
    }

    fn index(&self) -> BucketIndex {
        self.index
    }

    fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        self.store.next_filled(cursor, |meta| meta != EMPTY)
    }

    fn last_slot(&self) -> Option<SlotId> {
        self.store.last_slot()
    }

    fn bucket_view(&self, bucket: usize) -> BucketView {
        match self.store.meta[bucket] {
            EMPTY => BucketView::Empty,
            _ => BucketView::Filled {
                displacement: self.displacement(bucket),
            },
        }
    }

    fn structure(&self) -> Structure {
        Structure::from_slot_views((0..self.store.meta.len()).map(|slot| self.bucket_view(slot)))
    }

    fn heap_bytes(&self) -> usize {
        self.store.heap_bytes()
    }

    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes {
        // Same means as linear probing; the miss figure is an upper bound here.
        crate::linear::linear_probing_expectation(load_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{find, splitmix};

    #[test]
    fn displacement_order_holds_after_random_inserts_and_removes() {
        for index in BucketIndex::ALL {
            let mut state = 7;
            let mut table = RobinHood::<u64, u64>::new(64, index);
            let mut present: Vec<(u64, u64)> = Vec::new();
            for round in 0..4000 {
                let roll = splitmix(&mut state);
                if present.len() < 48 && (!roll.is_multiple_of(3) || present.is_empty()) {
                    // Few distinct hashes, so clusters and equal-home runs form.
                    let hash = splitmix(&mut state) % 97;
                    let key = round;
                    table.insert_new(Entry::new(hash, key, key));
                    present.push((hash, key));
                } else {
                    let (hash, key) = present.swap_remove((roll as usize >> 8) % present.len());
                    let slot = find(&table, hash, key).expect("stored key is findable");
                    assert_eq!(table.remove(slot).key, key);
                }
                table.check_invariants();
            }
            for &(hash, key) in &present {
                assert!(find(&table, hash, key).is_some(), "{index:?}: lost key {key}");
            }
        }
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
    fn saturated_displacements_stay_exact() {
        // Every hash equal: displacements run far past what a byte holds.
        let mut table = RobinHood::<u64, u64>::new(1024, BucketIndex::Fibonacci);
        for key in 0..600 {
            table.insert_new(Entry::new(42, key, key));
        }
        table.check_invariants();
        let home = table.home(42);
        assert_eq!(
            table.bucket_view((home + 599) % 1024),
            BucketView::Filled { displacement: 599 }
        );
        assert_eq!(table.structure().longest, 600);
        for key in (0..600).step_by(7) {
            let slot = find(&table, 42, key).expect("present");
            table.remove(slot);
            table.check_invariants();
        }
        for key in 0..600 {
            assert_eq!(find(&table, 42, key).is_some(), !key.is_multiple_of(7), "key {key}");
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

    #[test]
    fn a_stale_cursor_from_a_bigger_table_just_ends() {
        let mut big = RobinHood::<u64, u64>::new(64, BucketIndex::Mod);
        big.insert_new(Entry::new(40, 1, 1));
        let mut cursor = ProbeCursor::new();
        assert_eq!(big.probe_next(40, &mut cursor), Some(SlotId(40)));
        let small = RobinHood::<u64, u64>::new(8, BucketIndex::Mod);
        assert_eq!(small.probe_next(40, &mut cursor), None);
    }
}
