//! Linear probing: try the home slot, then the next, then the next.
//!
//! ```text
//!   meta:  [  00  | 80|t | 80|t | 80|t |  00  | 80|t |  00  |  00  ]   one byte per slot:
//!                                                                      0 empty, else 0x80 | 7-bit hash tag
//!   slots: [  -   | A:1  | B:1  | C:2  |  -   | D:5  |  -   |  -   ]   Option<Entry{hash, key, value}>
//!             0      1      2      3      4      5      6      7       (X:h = item X, home slot h)
//! ```
//!
//! Two parallel arrays. `slots` holds the entries with their full hash; `meta`
//! holds one byte per slot: zero for empty, else the high bit plus seven bits
//! of the hash (mixed, so they do not repeat the bits that chose the home
//! slot). A probe scans bytes, 64 to a cache line, and opens an entry only
//! when its tag matches, so about 1 in 128 non-matching items costs an entry
//! read before the full hash rejects it.
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
//! * **Expected probes** at load α = n/m with a uniform hash (Knuth): a hit
//!   visits ½(1 + 1/(1−α)) slots, a miss ½(1 + 1/(1−α)²) slots counting the
//!   empty one that ends it: 1.5 and 2.5 at α = ½, but 5.5 and 50.5 at α = 0.9.
//! * **Trade-offs**: the best cache behaviour of any scheme here (a probe is a
//!   sequential scan, the hardware prefetcher's favourite), the simplest code,
//!   no tombstones; but primary clustering makes it the most sensitive to load
//!   and to bad hashes (runs of consecutive home slots, such as small ints under
//!   `mod`, fuse into one long cluster), and the variance of probe lengths is
//!   high, which is what Robin Hood fixes.

use crate::alloc::AllocError;
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::open_slots::{OpenSlots, EMPTY};
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{BucketView, CollisionStrategy, ExpectedProbes, StrategyKind, Structure};

/// `meta` value of an empty slot.
/// `ProbeCursor::position` once a probe has ended: past every slot, so a
/// stale cursor from a bigger table also just ends (never indexes out of range).
const DONE: usize = usize::MAX;

/// The `meta` byte of a filled slot: the high bit, plus 7 bits of the hash
/// taken after a multiply, so they are independent of the (low or high) bits
/// the bucket index used for the home slot.
#[inline]
pub(crate) fn hash_tag(hash: u64) -> u8 {
    let mixed = (hash ^ (hash >> 32)).wrapping_mul(0x2545_F491_4F6C_DD1D);
    0x80 | (mixed >> 57) as u8
}

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

pub struct Linear<K, V> {
    /// Each slot's `meta` byte: 0 for an empty slot, else `hash_tag(hash)`.
    store: OpenSlots<K, V>,
    index: BucketIndex,
}

impl<K, V> Linear<K, V> {
    /// Empty storage; panics if it cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("Linear: allocating the slots")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        Ok(Linear {
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

    /// Steps from `from` forward to `to`, wrapping around the end.
    #[inline]
    fn distance(&self, from: usize, to: usize) -> usize {
        if to >= from {
            to - from
        } else {
            to + self.store.meta.len() - from
        }
    }

    fn displacement(&self, slot: usize) -> usize {
        self.distance(self.home(self.store.entry(slot).hash), slot)
    }

    /// After `slot` stopped holding an item: if it was the last one, walk
    /// `end` down to the next filled slot.
    fn vacated(&mut self, slot: usize) {
        self.store.vacated(slot, |meta| meta != EMPTY);
    }

    /// Every item reachable from its home without crossing an empty slot, and
    /// the tag bytes and `end` up to date (for tests).
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
            assert_eq!(self.store.meta[slot], hash_tag(entry.hash), "slot {slot}: stale tag");
            let mut at = self.home(entry.hash);
            while at != slot {
                assert!(
                    self.store.meta[at] != EMPTY,
                    "slot {slot}: an empty slot cuts it off from home"
                );
                at = self.next(at);
            }
        }
        assert_eq!(filled, self.store.len);
        assert!(self.store.end == 0 || self.store.meta[self.store.end - 1] != EMPTY);
        assert!(self.store.meta[self.store.end..].iter().all(|&m| m == EMPTY));
    }
}

impl<K, V> CollisionStrategy<K, V> for Linear<K, V>
where
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        StrategyKind::Linear
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
    /// distance from home (which bounds the walk even in a full table).
    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if !cursor.started {
            cursor.started = true;
            cursor.position = self.home(hash);
            cursor.step = 0;
        }
        let (mut slot, mut step) = (cursor.position, cursor.step);
        let tag = hash_tag(hash);
        while slot < self.store.meta.len() && step < self.store.meta.len() {
            cursor.visited += 1;
            let byte = self.store.meta[slot];
            if byte == EMPTY {
                break;
            }
            if byte == tag && self.store.entry(slot).hash == hash {
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
            "linear: insert into a full table"
        );
        let mut slot = self.home(entry.hash);
        while self.store.meta[slot] != EMPTY {
            slot = self.next(slot);
        }
        self.store.meta[slot] = hash_tag(entry.hash);
        self.store.slots[slot] = Some(entry);
        self.store.len += 1;
        self.store.end = self.store.end.max(slot + 1);
        SlotId(slot)
    }

    /// Knuth's Algorithm R: close the gap instead of leaving a tombstone.
    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        let entry = self.store.slots[slot.0]
            .take()
            .expect("linear: remove of an empty slot");
        let mut hole = slot.0;
        let mut at = slot.0;
        loop {
            at = self.next(at);
            if self.store.meta[at] == EMPTY {
                break;
            }
            // The item may fill the hole only if its probe path crosses it.
            if self.displacement(at) >= self.distance(hole, at) {
                self.store.slots[hole] = self.store.slots[at].take();
                self.store.meta[hole] = self.store.meta[at];
                hole = at;
            }
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
        linear_probing_expectation(load_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{find, splitmix};

    fn views(table: &Linear<u64, u64>) -> Vec<BucketView> {
        (0..CollisionStrategy::<u64, u64>::bucket_count(table))
            .map(|b| table.bucket_view(b))
            .collect()
    }

    #[test]
    fn algorithm_r_keeps_every_item_reachable_and_leaves_no_tombstones() {
        for index in BucketIndex::ALL {
            let mut state = 11;
            let mut table = Linear::<u64, u64>::new(64, index);
            let mut present: Vec<(u64, u64)> = Vec::new();
            for round in 0..4000 {
                let roll = splitmix(&mut state);
                if present.len() < 50 && (!roll.is_multiple_of(3) || present.is_empty()) {
                    let hash = splitmix(&mut state) % 61;
                    table.insert_new(Entry::new(hash, round, round));
                    present.push((hash, round));
                } else {
                    let (hash, key) = present.swap_remove((roll as usize >> 8) % present.len());
                    let slot = find(&table, hash, key).expect("stored key is findable");
                    assert_eq!(table.remove(slot).key, key);
                }
                table.check_invariants();
                assert!(!views(&table).contains(&BucketView::Tombstone));
            }
        }
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
            let keys = |t: &Linear<u64, u64>| t.store.slots[slot].as_ref().map(|e| e.key);
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
    fn tags_spread_over_all_seven_bits() {
        let mut seen = [false; 128];
        for hash in 0..4096u64 {
            let tag = hash_tag(hash);
            assert!(tag & 0x80 != 0);
            seen[(tag & 0x7f) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s), "small ints must not share a few tags");
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

    #[test]
    fn a_stale_cursor_from_a_bigger_table_just_ends() {
        let mut big = Linear::<u64, u64>::new(64, BucketIndex::Mod);
        big.insert_new(Entry::new(40, 1, 1));
        let mut cursor = ProbeCursor::new();
        assert_eq!(big.probe_next(40, &mut cursor), Some(SlotId(40)));
        let small = Linear::<u64, u64>::new(8, BucketIndex::Mod);
        assert_eq!(small.probe_next(40, &mut cursor), None);
    }
}
