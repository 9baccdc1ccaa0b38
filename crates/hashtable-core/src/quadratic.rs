//! Quadratic probing with triangular steps over a power-of-two table.
//!
//! ```text
//!   meta:  [  00  | 80|t |  01  |  00  | 80|t |  00  |  00  | 80|t ]   one byte per slot: 0 empty,
//!                                                                      1 tombstone, else 0x80 | 7-bit tag
//!   slots: [  -   | A:1  |  x   |  -   | B:1  |  -   |  -   | C:1  ]   Option<Entry{hash, key, value}>
//!             0      1      2      3      4      5      6      7       (X:h = item X, home slot h)
//!                    +0     +1            +3                   +6      offsets from home 1: 0, 1, 3, 6
//! ```
//!
//! Two parallel arrays, as in linear probing: `slots` holds the entries with
//! their full hash, `meta` one byte per slot (empty, tombstone, or the high bit
//! plus seven mixed hash bits), so a probe opens an entry only on a tag match.
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

use crate::alloc::AllocError;
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::linear::hash_tag;
use crate::open_slots::{OpenSlots, EMPTY};
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{BucketView, CollisionStrategy, ExpectedProbes, StrategyKind, Structure};

/// `meta` value of a slot that never held an item since the last rebuild.
/// `meta` value of a slot whose item was removed.
const TOMBSTONE: u8 = 1;
/// `ProbeCursor::position` once a probe has ended: past every slot, so a
/// stale cursor from a bigger table also just ends (never indexes out of range).
const DONE: usize = usize::MAX;

pub struct Quadratic<K, V> {
    /// Each slot's `meta` byte: EMPTY, TOMBSTONE, or `hash_tag(hash)` (high bit set) for an item.
    store: OpenSlots<K, V>,
    tombstones: usize,
    index: BucketIndex,
}

#[inline]
fn is_filled(byte: u8) -> bool {
    byte & 0x80 != 0
}

impl<K, V> Quadratic<K, V> {
    /// Empty storage; panics if it cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("Quadratic: allocating the slots")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        Ok(Quadratic {
            store: OpenSlots::with_slots(Self::usable_size(buckets, index))?,
            tombstones: 0,
            index,
        })
    }

    /// The requested size rounded up to a power of two (at least 1): only
    /// then does the triangular sequence reach every slot.
    pub fn usable_size(requested: usize, _index: BucketIndex) -> usize {
        requested.max(1).next_power_of_two()
    }

    /// Fresh empty storage for `buckets` slots; the old storage is returned.
    fn reset(&mut self, buckets: usize) -> Result<OpenSlots<K, V>, AllocError> {
        let slots = Self::usable_size(buckets, self.index);
        let fresh = OpenSlots::with_slots(slots)?;
        self.tombstones = 0;
        Ok(std::mem::replace(&mut self.store, fresh))
    }

    #[inline]
    fn home(&self, hash: u64) -> usize {
        self.index.bucket(hash, self.store.meta.len())
    }

    #[inline]
    fn mask(&self) -> usize {
        self.store.meta.len() - 1
    }

    /// The probe step at which the item in `slot` is found: its displacement.
    fn displacement(&self, slot: usize) -> usize {
        let mut at = self.home(self.store.entry(slot).hash);
        let mut step = 0;
        while at != slot {
            step += 1;
            at = (at + step) & self.mask();
            debug_assert!(step < self.store.meta.len(), "slot {slot} is off its probe sequence");
        }
        step
    }

    /// After `slot` stopped holding an item: if it was the last one, walk
    /// `end` down to the next filled slot.
    fn vacated(&mut self, slot: usize) {
        self.store.vacated(slot, is_filled);
    }

    /// Every item on its own probe sequence with no empty slot before it,
    /// and the counts, tags and `end` up to date (for tests).
    #[cfg(test)]
    fn check_invariants(&self) {
        let (mut filled, mut tombstones) = (0, 0);
        for slot in 0..self.store.meta.len() {
            match self.store.meta[slot] {
                EMPTY | TOMBSTONE => {
                    tombstones += usize::from(self.store.meta[slot] == TOMBSTONE);
                    assert!(self.store.slots[slot].is_none(), "slot {slot}: no item, entry present");
                }
                byte => {
                    filled += 1;
                    let entry = self.store.entry(slot);
                    assert_eq!(byte, hash_tag(entry.hash), "slot {slot}: stale tag");
                    let (mut at, mut step) = (self.home(entry.hash), 0);
                    while at != slot {
                        assert!(self.store.meta[at] != EMPTY, "slot {slot}: an empty slot cuts it off");
                        step += 1;
                        at = (at + step) & self.mask();
                    }
                }
            }
        }
        assert_eq!((filled, tombstones), (self.store.len, self.tombstones));
        assert!(self.store.end == 0 || is_filled(self.store.meta[self.store.end - 1]));
        assert!(self.store.meta[self.store.end..].iter().all(|&m| !is_filled(m)));
    }
}

impl<K, V> CollisionStrategy<K, V> for Quadratic<K, V>
where
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        StrategyKind::Quadratic
    }

    fn bucket_count(&self) -> usize {
        self.store.meta.len()
    }

    fn len(&self) -> usize {
        self.store.len
    }

    fn tombstones(&self) -> usize {
        self.tombstones
    }

    fn home_bucket(&self, hash: u64) -> usize {
        self.home(hash)
    }

    /// `cursor.position` is the next slot to read and `cursor.step` the step
    /// number `i` that reached it; the slot after it is `position + i + 1`.
    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if !cursor.started {
            cursor.started = true;
            cursor.position = self.home(hash);
            cursor.step = 0;
        }
        let (mut slot, mut step) = (cursor.position, cursor.step);
        let tag = hash_tag(hash);
        let mask = self.mask();
        // After m steps every slot has been seen once: a full table of items
        // and tombstones cannot loop forever.
        while slot < self.store.meta.len() && step < self.store.meta.len() {
            cursor.visited += 1;
            let byte = self.store.meta[slot];
            if byte == EMPTY {
                break;
            }
            step += 1;
            let next = (slot + step) & mask;
            if byte == tag && self.store.entry(slot).hash == hash {
                cursor.position = next;
                cursor.step = step;
                return Some(SlotId(slot));
            }
            slot = next;
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
            "quadratic: insert into a full table"
        );
        let mut slot = self.home(entry.hash);
        let mut step = 0;
        // The sequence is a permutation of the slots, so a free one is reached.
        while is_filled(self.store.meta[slot]) {
            step += 1;
            slot = (slot + step) & self.mask();
        }
        if self.store.meta[slot] == TOMBSTONE {
            self.tombstones -= 1;
        }
        self.store.meta[slot] = hash_tag(entry.hash);
        self.store.slots[slot] = Some(entry);
        self.store.len += 1;
        self.store.end = self.store.end.max(slot + 1);
        SlotId(slot)
    }

    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        let entry = self.store.slots[slot.0]
            .take()
            .expect("quadratic: remove of an empty slot");
        self.store.meta[slot.0] = TOMBSTONE;
        self.tombstones += 1;
        self.store.len -= 1;
        self.vacated(slot.0);
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
        self.store.next_filled(cursor, is_filled)
    }

    fn last_slot(&self) -> Option<SlotId> {
        self.store.last_slot()
    }

    /// `displacement` is the probe step `i`, not a slot distance: the item
    /// sits at `home + i(i+1)/2`.
    fn bucket_view(&self, bucket: usize) -> BucketView {
        match self.store.meta[bucket] {
            EMPTY => BucketView::Empty,
            TOMBSTONE => BucketView::Tombstone,
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

    /// Uniform probing: hit (1/α)·ln(1/(1−α)), miss 1/(1−α).
    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes {
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
    use crate::test_support::{find, splitmix};

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
        for index in BucketIndex::ALL {
            let mut state = 3;
            let mut table = Quadratic::<u64, u64>::new(64, index);
            let mut present: Vec<(u64, u64)> = Vec::new();
            for round in 0..4000 {
                let roll = splitmix(&mut state);
                if table.store.len + table.tombstones >= 56 {
                    table.rebuild(64).unwrap(); // what the table policy does
                    assert_eq!(table.tombstones, 0);
                }
                if present.len() < 48 && (!roll.is_multiple_of(3) || present.is_empty()) {
                    let hash = splitmix(&mut state) % 71;
                    table.insert_new(Entry::new(hash, round, round));
                    present.push((hash, round));
                } else {
                    let (hash, key) = present.swap_remove((roll as usize >> 8) % present.len());
                    let slot = find(&table, hash, key).expect("stored key is findable");
                    assert_eq!(table.remove(slot).key, key);
                }
                table.check_invariants();
            }
        }
    }

    #[test]
    fn a_probe_in_a_table_of_only_tombstones_ends() {
        let mut table = Quadratic::<u64, u64>::new(4, BucketIndex::Mod);
        for key in 0..4 {
            let slot = table.insert_new(Entry::new(key, key, key));
            table.remove(slot);
        }
        let mut cursor = ProbeCursor::new();
        assert_eq!(table.probe_next(0, &mut cursor), None);
        assert_eq!(cursor.visited(), 4);
    }

    #[test]
    fn expected_probes_follow_uniform_probing() {
        let table = Quadratic::<u64, u64>::new(8, BucketIndex::Mod);
        let at = table.expected_probes(0.5);
        assert!((at.hit - 2.0 * 2f64.ln()).abs() < 1e-12);
        assert!((at.miss - 2.0).abs() < 1e-12);
        assert_eq!(table.expected_probes(0.0), ExpectedProbes { hit: 1.0, miss: 1.0 });
    }

    #[test]
    fn a_stale_cursor_from_a_bigger_table_just_ends() {
        let mut big = Quadratic::<u64, u64>::new(64, BucketIndex::Mod);
        big.insert_new(Entry::new(40, 1, 1));
        let mut cursor = ProbeCursor::new();
        assert_eq!(big.probe_next(40, &mut cursor), Some(SlotId(40)));
        let small = Quadratic::<u64, u64>::new(8, BucketIndex::Mod);
        assert_eq!(small.probe_next(40, &mut cursor), None);
    }
}
