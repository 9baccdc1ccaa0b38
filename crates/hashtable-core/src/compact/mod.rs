//! Compact and ordered: CPython's `dict` layout since 3.6 (see the opening
//! comment of CPython's `Objects/dictobject.c`).
//!
//! ```text
//!   insert a, b, c, d; then delete b.  8 index slots, so i8 indices
//!
//!   indices: [ -1 |  2 | -1 |  0 | -2 | -1 |  3 | -1 ]   sparse: EMPTY -1, DUMMY -2,
//!                     |         |    DUMMY    |            or an entry position
//!               .-----'         |             |
//!               |    .----------'             |
//!               v    v                        v
//!   entries: [ {h,a,va} | None | {h,c,vc} | {h,d,vd} ]    dense, in insertion order
//!                 0        1        2          3
//! ```
//!
//! The hash table proper is the index array: one small signed integer per
//! slot, naming a position in the dense entries. Its width follows the slot
//! count as CPython's does (`i8` up to 128 slots, `i16` to 2^15, `i32` to 2^31,
//! `i64` beyond), so at 1, 2 or 4 bytes per slot an empty slot costs far less
//! than an empty `Entry`. The entries are a `Vec<Option<Entry>>` appended to in
//! insertion order, so iteration is insertion order and touches no gaps.
//!
//! * **Slot count**: a power of two (requests round up), for the masking below.
//! * **Probe sequence** (CPython's): start at the home slot `i = index(hash,
//!   slots)` chosen by the user's [`BucketIndex`] (CPython's own rule is
//!   `hash & mask`, our `Mask`), with `perturb = hash`; after each slot read,
//!   `perturb >>= 5; i = (5i + perturb + 1) & mask`. The perturbation folds the
//!   hash's high bits in over the first few steps, so keys sharing a home slot
//!   part ways at once. A 64-bit `perturb` reaches zero after at most 13 shifts;
//!   from then on `i ↦ 5i + 1 (mod 2^k)` is a full-period generator (Hull and
//!   Dobell: the increment is odd and 5 − 1 is divisible by 4), so the walk
//!   reaches every slot: the resumable probe stops after `slots + 12` reads
//!   whatever it meets, and the one-pass lookup needs no bound, since an
//!   insert never takes the last `EMPTY` index slot. A slot naming an entry whose stored hash is
//!   equal is a candidate; `EMPTY` ends the probe; `DUMMY` is walked past. The
//!   walk can come back to a slot it read (the perturbed steps are arbitrary,
//!   and the generator's cycle runs through them again); a candidate is handed
//!   out only the first time, which a replay of at most the first 12 steps
//!   decides (later steps meet only a whole period apart). A resumed probe
//!   continues from its cursor: `position` is the next slot to read and `step`
//!   is `perturb`.
//! * **What a probe visits**: one per index slot read, including the `EMPTY`
//!   that ends a miss. (Each slot naming an entry also costs one read of that
//!   entry's hash.)
//! * **Insertion** appends the entry and writes its position into the first
//!   `EMPTY` slot along the probe: the slot a miss of the same key ended at,
//!   so an insert after a lookup walks once. It never reuses a `DUMMY` (as free-threaded
//!   CPython does not): so every `DUMMY` pairs with at most one hole, the
//!   entries never outnumber `len + tombstones`, which the Table keeps below
//!   max_load × slots, and every position fits the index width.
//! * **Deletion** writes `DUMMY` into the index slot (a removal by key, into
//!   the slot its lookup ended at), since a later probe may have to walk past it, and leaves a hole (`None`) in the entries so no other
//!   position changes. `tombstones()` counts the `DUMMY` slots. Removing the
//!   last entry (as `popitem` does) also trims trailing holes, like CPython's
//!   `dk_nentries` decrement. A rebuild compacts the entries, keeping their
//!   order, and clears every `DUMMY`.
//! * **Expected probes** with load factor α = len / slots, using the
//!   uniform-probing approximation (the perturbed walk behaves close to a random
//!   permutation of the slots): a hit reads `(1/α)·ln(1/(1−α))` slots and a miss
//!   `1/(1−α)`. At α = 1/2 that is 1.39 and 2; at CPython's α = 2/3, 1.65 and 3.
//!   `DUMMY` slots lengthen probes beyond this until a rebuild clears them.
//! * **Trade-offs**: the least memory of the open-addressing layouts (1–8 bytes
//!   per empty slot instead of a whole entry, entries dense), insertion-order
//!   iteration with no scan over empty slots, and O(1) `popitem` of the newest
//!   item. The price is an extra dependent load per candidate (index, then
//!   entry, usually on another cache line), holes after deletes until a
//!   rebuild, and a probe whose scattered steps give up linear probing's
//!   locality in exchange for robustness against regular hashes.

// As in swiss: the index array at its widths (`indices.rs`), CPython's probe
// walk and the lookups along it (`probe.rs`), and the dense entries under the
// indices (`raw.rs`); this file holds the table's shape and its strategy interface.
mod indices;
mod probe;
mod raw;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::mem;

use self::indices::{with_indices, IndexWord, Indices, DUMMY, EMPTY};
use self::probe::{probe_in, settle_in, Walk};
use crate::alloc::{self, AllocError};
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{
    two_way, BucketView, CollisionStrategy, ExpectedProbes, Introspect, Settled, StrategyKind, Structure, Vacancy,
    Verdict,
};
use crate::trace::{Event, Observer, Quiet, Recorder, Traced};

pub struct Compact<K, V, O = Quiet> {
    indices: Indices,
    /// In insertion order; `None` is a deleted entry's hole. Never ends in a hole.
    entries: Vec<Option<Entry<K, V>>>,
    len: usize,
    dummies: usize,
    index: BucketIndex,
    /// [`BucketIndex::multiplier`] at the slot count, a power of two, where
    /// every index has one: the home slot is two multiplies, with no
    /// `match` on `index` (`callgrind_core.py --table compact`).
    home_multiplier: u64,
    /// Where the storage reports what it does: [`Quiet`] (nothing) unless traced.
    observer: O,
}

/// [`Compact::home_multiplier`] for `slots` slots.
fn home_multiplier(index: BucketIndex, slots: usize) -> u64 {
    debug_assert!(slots.is_power_of_two());
    index.multiplier(slots).unwrap_or(0)
}

impl<K, V, O: Observer> Compact<K, V, O> {
    /// Empty storage; panics if it cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("compact: allocating the indices")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        let slots = Self::usable_size(buckets, index);
        Ok(Compact {
            indices: Indices::new(slots)?,
            entries: Vec::new(),
            len: 0,
            dummies: 0,
            index,
            home_multiplier: home_multiplier(index, slots),
            observer: O::default(),
        })
    }

    /// The next power of two: the probe recurrence masks with `slots - 1`.
    pub fn usable_size(requested: usize, _index: BucketIndex) -> usize {
        requested
            .max(1)
            .checked_next_power_of_two()
            .unwrap_or(1 << (usize::BITS - 1))
    }

    #[inline]
    fn slots(&self) -> usize {
        self.indices.len()
    }

    #[inline]
    fn home(&self, hash: u64) -> usize {
        crate::index::multiply_home(hash, self.home_multiplier, self.slots())
    }
}

impl<K, V, O> CollisionStrategy<K, V> for Compact<K, V, O>
where
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        StrategyKind::Compact
    }

    /// Index slots.
    fn bucket_count(&self) -> usize {
        self.slots()
    }

    fn len(&self) -> usize {
        self.len
    }

    fn tombstones(&self) -> usize {
        self.dummies
    }

    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if !cursor.started {
            cursor.started = true;
            cursor.position = self.home(hash);
            cursor.step = hash as usize;
        }
        let start = self.walk(hash);
        with_indices!(&self.indices, slice => probe_in(slice, &self.entries, hash, start, cursor))
    }

    #[inline(always)]
    fn find_settled<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E> {
        let start = self.walk(hash);
        let observer = &self.observer;
        with_indices!(&self.indices, slice => settle_in(slice, &self.entries, hash, start, visited, settle, observer)).0
    }

    /// The lookup's own walk, which ends at the entry's index slot: no
    /// second walk to find it again (as `remove` of a bare position must).
    /// The walk and the `DUMMY` written in one `match` on the index width.
    #[inline(always)]
    fn remove_entry<E>(
        &mut self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<Entry<K, V>>, E> {
        let (index, entries, observer) = (self.index, &self.entries, &self.observer);
        let settle = two_way(eq);
        let found = with_indices!(&mut self.indices, slice => {
            let start = Walk::new(index.bucket(hash, slice.len()), hash, slice.len() - 1);
            let (found, index_slot) = settle_in(slice, entries, hash, start, visited, settle, observer);
            match found {
                Ok(Settled::Found(slot, _)) => {
                    slice[index_slot] = IndexWord::make(DUMMY);
                    Ok(Some((slot.0, index_slot)))
                }
                Ok(Settled::Absent(_) | Settled::Undecided) => Ok(None),
                Err(err) => Err(err),
            }
        })?;
        Ok(found.map(|(position, index_slot)| self.take_marked(position, index_slot)))
    }

    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.live(slot.0)
    }

    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        match self.entries.get_mut(slot.0) {
            Some(Some(entry)) => entry,
            _ => panic!("compact: entry {} holds no item (stale SlotId?)", slot.0),
        }
    }

    #[inline(always)]
    fn reserve_one(&mut self) -> Result<(), AllocError> {
        alloc::reserve_one(&mut self.entries)
    }

    /// At the `EMPTY` index slot the miss ended at, the one `insert_new`
    /// would choose: no second walk.
    #[inline]
    fn insert_at(&mut self, vacancy: Vacancy, entry: Entry<K, V>) -> SlotId {
        let fits = self.len + self.dummies + 1 < self.slots();
        if vacancy == Vacancy::UNKNOWN || !fits || self.indices.get(vacancy.0) != EMPTY {
            return self.insert_new(entry);
        }
        let position = self.entries.len();
        self.observer.place(vacancy.0, false);
        self.indices.set(vacancy.0, position as isize);
        self.entries.push(Some(entry));
        self.len += 1;
        SlotId(position)
    }

    /// The Table grows (or rebuilds away dummies) before `len + dummies`
    /// passes max_load * slots, which is below the slot count, so an EMPTY
    /// index slot is always left after the new entry: every lookup ends at
    /// one. An insert that would take the last one panics.
    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        assert!(
            self.len + self.dummies + 1 < self.slots(),
            "compact: an insert would fill the last EMPTY index slot"
        );
        SlotId(self.place(entry))
    }

    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        let (index_slot, _) = self.locate(slot.0);
        self.take_indexed(slot.0, index_slot)
    }

    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError> {
        self.reindex(buckets)
    }

    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError> {
        let fresh = Self::try_new(buckets, self.index)?;
        Ok(mem::replace(self, fresh))
    }

    fn copy_with(&self, mut copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, AllocError> {
        let indices = self.indices.try_clone()?;
        let entries = alloc::mapped(&self.entries, |slot| {
            slot.as_ref().map(|entry| {
                let (key, value) = copy(entry);
                Entry::new(entry.hash, key, value)
            })
        })?;
        Ok(Compact {
            indices,
            entries,
            len: self.len,
            dummies: self.dummies,
            index: self.index,
            home_multiplier: self.home_multiplier,
            observer: O::default(),
        })
    }

    fn index(&self) -> BucketIndex {
        self.index
    }

    /// Insertion order: the dense entries, skipping holes.
    fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        while cursor.position < self.entries.len() {
            let position = cursor.position;
            cursor.position += 1;
            if self.entries[position].is_some() {
                return Some(SlotId(position));
            }
        }
        None
    }

    /// The newest item, in O(1): the entries never end in a hole.
    fn last_slot(&mut self) -> Option<SlotId> {
        self.entries.len().checked_sub(1).map(SlotId)
    }
}

impl<K, V> Traced for Compact<K, V, Recorder> {
    fn take_events(&self) -> Vec<Event> {
        self.observer.take()
    }
}

impl<K, V, O> Introspect<K, V> for Compact<K, V, O>
where
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn home_bucket(&self, hash: u64) -> usize {
        self.home(hash)
    }

    /// An index slot; a filled one shows the probe steps from its entry's home.
    fn bucket_view(&self, bucket: usize) -> BucketView {
        match self.indices.get(bucket) {
            EMPTY => BucketView::Empty,
            DUMMY => BucketView::Tombstone,
            position => BucketView::Filled {
                displacement: self.locate(position as usize).1,
            },
        }
    }

    fn structure(&self) -> Structure {
        let mut histogram = BTreeMap::new();
        let mut structure = Structure {
            tombstones: self.dummies,
            empty_buckets: self.slots() - self.len - self.dummies,
            ..Structure::default()
        };
        for position in 0..self.entries.len() {
            if self.entries[position].is_some() {
                let reads = self.locate(position).1 + 1;
                *histogram.entry(reads).or_insert(0) += 1;
                structure.longest = structure.longest.max(reads);
                structure.successful_probe_total += reads as u64;
            }
        }
        structure.histogram = histogram;
        structure
    }

    /// Uniform probing: hit `(1/α)·ln(1/(1−α))`, miss `1/(1−α)` index slots.
    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes {
        let alpha = load_factor.max(0.0);
        if alpha >= 1.0 {
            return ExpectedProbes {
                hit: f64::INFINITY,
                miss: f64::INFINITY,
            };
        }
        ExpectedProbes {
            // ln(1/(1−α))/α → 1 as α → 0; `ln_1p` keeps small α exact.
            hit: if alpha == 0.0 { 1.0 } else { -(-alpha).ln_1p() / alpha },
            miss: 1.0 / (1.0 - alpha),
        }
    }

    /// The index array at its width, plus the entries' allocation.
    fn heap_bytes(&self) -> usize {
        self.slots() * self.indices.width() + self.entries.capacity() * mem::size_of::<Option<Entry<K, V>>>()
    }
}
