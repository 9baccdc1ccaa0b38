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

mod indices;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::mem;

use self::indices::{with_indices, IndexWord, Indices, DUMMY, EMPTY};
use crate::alloc::{self, AllocError};
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{
    settle_candidate, two_way, BucketView, CollisionStrategy, ExpectedProbes, Introspect, Settled, StrategyKind,
    Structure, Vacancy, Verdict,
};
use crate::trace::{Event, Observer, Quiet, Recorder, Saw, Traced};

const PERTURB_SHIFT: u32 = 5;

/// `ProbeCursor::position` once a probe has ended: past every slot, so a stale
/// cursor from a bigger table also just ends (never indexes out of range).
const FINISHED: usize = usize::MAX;

/// From this step on the walk is the pure `5i + 1` generator: step `k` adds
/// `hash >> 5k`, which is zero for `k >= 13` (and sooner for a 32-bit `usize`).
const PERTURBED_STEPS: usize = 12;

/// Reads after which a probe has seen every slot even without an `EMPTY`:
/// the perturbed steps, then one full period of the generator.
fn read_limit(slots: usize) -> u64 {
    (PERTURBED_STEPS + slots) as u64
}

/// CPython's probe recurrence over a table of `mask + 1` slots.
#[derive(Clone, Copy, Debug)]
struct Walk {
    slot: usize,
    perturb: usize,
    mask: usize,
}

impl Walk {
    fn new(home: usize, hash: u64, mask: usize) -> Self {
        Walk {
            slot: home,
            perturb: hash as usize,
            mask,
        }
    }

    #[inline]
    fn advance(&mut self) {
        self.perturb >>= PERTURB_SHIFT;
        self.slot = self.slot.wrapping_mul(5).wrapping_add(self.perturb).wrapping_add(1) & self.mask;
    }

    /// Whether this walk (at its start) reaches `slot` before step `step`.
    ///
    /// The walk may come back to a slot: the perturbed steps are arbitrary, and
    /// the generator's period runs through them again. From step
    /// `PERTURBED_STEPS` on, two steps meet only a whole period apart, so
    /// beyond the first steps only `step - slots`, `step - 2·slots`, ... can
    /// match, and in the usual case (`step` within a period) none do.
    fn reaches_before(mut self, step: usize, slot: usize) -> bool {
        let slots = self.mask + 1;
        for t in 0..step {
            let generated = t >= PERTURBED_STEPS;
            if generated && step - t < slots {
                return false;
            }
            if self.slot == slot && (!generated || (step - t).is_multiple_of(slots)) {
                return true;
            }
            self.advance();
        }
        false
    }
}

/// `(multiplier, shift)` such that, for a power-of-two `slots`,
/// `index.bucket(hash, slots)` is `(hash * multiplier) >> shift` masked to
/// `slots - 1` (as in swiss): `mod` and `mask` keep the low bits, and
/// Fibonacci's multiply-high by a power of two is a shift of the product.
/// For a rebuild's loop: no `match` on `index` per entry. (Kept in the
/// struct for lookups too, the three fields cost every strategy's hits 2
/// to 7 instructions in `lookup_loop`, by the layout they changed.)
fn home_split(index: BucketIndex, slots: usize) -> (u64, u32) {
    debug_assert!(slots.is_power_of_two());
    match index {
        BucketIndex::Mod | BucketIndex::Mask => (1, 0),
        // One slot: the mask is 0 whatever the shift, which must stay below 64.
        BucketIndex::Fibonacci => (GOLDEN_RATIO_64, (u64::BITS - slots.trailing_zeros()).min(u64::BITS - 1)),
    }
}

/// [`BucketIndex::Fibonacci`]'s multiplier (a test checks that
/// [`home_split`] agrees with [`BucketIndex::bucket`]).
const GOLDEN_RATIO_64: u64 = 0x9E37_79B9_7F4A_7C15;

pub struct Compact<K, V, O = Quiet> {
    indices: Indices,
    /// In insertion order; `None` is a deleted entry's hole. Never ends in a hole.
    entries: Vec<Option<Entry<K, V>>>,
    len: usize,
    dummies: usize,
    index: BucketIndex,
    /// Where the storage reports what it does: [`Quiet`] (nothing) unless traced.
    observer: O,
}

impl<K, V, O: Observer> Compact<K, V, O> {
    /// Empty storage; panics if it cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("compact: allocating the indices")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        Ok(Compact {
            indices: Indices::new(Self::usable_size(buckets, index))?,
            entries: Vec::new(),
            len: 0,
            dummies: 0,
            index,
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
        self.index.bucket(hash, self.slots())
    }

    #[inline]
    fn walk(&self, hash: u64) -> Walk {
        Walk::new(self.home(hash), hash, self.slots() - 1)
    }

    fn live(&self, position: usize) -> &Entry<K, V> {
        match self.entries.get(position) {
            Some(Some(entry)) => entry,
            _ => panic!("compact: entry {position} holds no item (stale SlotId?)"),
        }
    }

    /// The first `EMPTY` index slot along `hash`'s walk.
    fn find_empty_slot(&self, hash: u64) -> usize {
        let walk = self.walk(hash);
        with_indices!(&self.indices, slice => first_on_walk(slice, walk, |ix| ix == EMPTY))
            .map(|(slot, _)| slot)
            .expect("compact: no EMPTY index slot although one is always kept")
    }

    /// The index slot holding `position`, and the steps its walk took to get there.
    fn locate(&self, position: usize) -> (usize, usize) {
        let walk = self.walk(self.live(position).hash);
        with_indices!(&self.indices, slice => first_on_walk(slice, walk, |ix| ix == position as isize))
            .expect("compact: an entry is not on its own walk")
    }

    /// Append an entry whose key is absent and index it; there is an `EMPTY` slot.
    fn place(&mut self, entry: Entry<K, V>) -> usize {
        let slot = self.find_empty_slot(entry.hash);
        let position = self.entries.len();
        self.observer.place(slot, false);
        self.indices.set(slot, position as isize);
        self.entries.push(Some(entry));
        self.len += 1;
        position
    }

    /// Take out the entry at `position`, whose index slot is `index_slot`:
    /// the slot becomes `DUMMY` and the entry a hole.
    #[inline]
    fn take_indexed(&mut self, position: usize, index_slot: usize) -> Entry<K, V> {
        self.indices.set(index_slot, DUMMY);
        self.take_marked(position, index_slot)
    }

    /// [`Compact::take_indexed`] once `index_slot` holds `DUMMY` already.
    #[inline]
    fn take_marked(&mut self, position: usize, index_slot: usize) -> Entry<K, V> {
        self.observer.removed(index_slot, true);
        self.dummies += 1;
        self.len -= 1;
        let entry = self.entries[position].take().expect("located entries are live");
        while let Some(None) = self.entries.last() {
            self.entries.pop();
        }
        entry
    }

    /// Index every entry afresh into `slots` slots, compacting out the holes.
    /// The new indices are allocated before anything moves.
    fn reindex(&mut self, slots: usize) -> Result<(), AllocError> {
        let old = self.slots();
        let slots = Self::usable_size(slots.max(self.len + 1), self.index);
        let mut indices = Indices::new(slots)?;
        self.observer.resize(old, slots);
        self.entries.retain(Option::is_some);
        self.dummies = 0;
        let (entries, observer) = (&self.entries, &self.observer);
        let (multiplier, shift) = home_split(self.index, slots);
        let home = move |hash: u64| (hash.wrapping_mul(multiplier) >> shift) as usize & (slots - 1);
        with_indices!(&mut indices, slice => place_all(slice, entries, home, observer));
        self.indices = indices;
        self.observer.resize_end();
        Ok(())
    }
}

/// A rebuild's placing loop at a fixed index width: each entry's position
/// written at the first `EMPTY` slot of its walk, in fresh indices with
/// more slots than entries and no `DUMMY` (so the walk, which reaches every
/// slot, ends). One `match` on the width for all the entries, no step bound.
fn place_all<W: IndexWord, K, V, O: Observer>(
    indices: &mut [W],
    entries: &[Option<Entry<K, V>>],
    home: impl Fn(u64) -> usize,
    observer: &O,
) {
    let mask = indices.len() - 1;
    for (position, entry) in entries.iter().enumerate() {
        let Some(entry) = entry else { continue };
        let mut walk = Walk::new(home(entry.hash), entry.hash, mask);
        while indices[walk.slot].get() != EMPTY {
            walk.advance();
        }
        observer.place(walk.slot, false);
        indices[walk.slot] = W::make(position as isize);
    }
}

/// The first slot along `walk` whose value satisfies `wanted`, with the steps
/// taken to reach it; `None` once every slot has been seen.
#[inline]
fn first_on_walk<W: IndexWord>(
    indices: &[W],
    mut walk: Walk,
    wanted: impl Fn(isize) -> bool,
) -> Option<(usize, usize)> {
    for steps in 0..read_limit(indices.len()) as usize {
        if wanted(indices[walk.slot].get()) {
            return Some((walk.slot, steps));
        }
        walk.advance();
    }
    None
}

/// The probe loop at a fixed index width. `start` is the walk from the home
/// slot, for telling a candidate already handed out from a new one.
#[inline]
fn probe_in<W: IndexWord, K, V>(
    indices: &[W],
    entries: &[Option<Entry<K, V>>],
    hash: u64,
    start: Walk,
    cursor: &mut ProbeCursor,
) -> Option<SlotId> {
    let mask = indices.len() - 1;
    let limit = read_limit(indices.len());
    while cursor.position < indices.len() {
        if cursor.visited >= limit {
            break;
        }
        let slot = cursor.position;
        let ix = indices[slot].get();
        cursor.visited += 1;
        if ix == EMPTY {
            break;
        }
        cursor.step >>= PERTURB_SHIFT;
        cursor.position = slot.wrapping_mul(5).wrapping_add(cursor.step).wrapping_add(1) & mask;
        if ix >= 0 {
            if let Some(entry) = &entries[ix as usize] {
                // This read was step `visited - 1` of the walk; a slot read
                // earlier in this probe was already handed out.
                let step = (cursor.visited - 1) as usize;
                if entry.hash == hash && (step == 0 || !start.reaches_before(step, slot)) {
                    return Some(SlotId(ix as usize));
                }
            }
        }
    }
    cursor.position = FINISHED;
    None
}

/// `find_settled`'s loop at a fixed index width, CPython's `lookdict` loop:
/// per slot one index read, a sign test, and for a position its entry's
/// stored hash; no step bound, since an `EMPTY` index slot is always kept
/// and the walk reaches every slot. A miss ends at the `EMPTY` slot where
/// an insert of its key writes its position. The visits are the steps
/// taken, added once. The index slot read last comes back too: a found
/// entry's, which a removal marks `DUMMY` without walking again.
#[inline(always)]
fn settle_in<'a, W: IndexWord, K, V, E, O: Observer>(
    indices: &[W],
    entries: &'a [Option<Entry<K, V>>],
    hash: u64,
    start: Walk,
    visited: &mut u64,
    mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    observer: &O,
) -> (Result<Settled<'a, K, V>, E>, usize) {
    let mut walk = start;
    let mut step = 0usize;
    let found = loop {
        let read = walk.slot;
        debug_assert!(read < indices.len());
        // SAFETY: `walk.slot` is masked with `indices.len() - 1` (a power of two).
        let ix = unsafe { indices.get_unchecked(read) }.get();
        if ix >= 0 {
            if let Some(Some(entry)) = entries.get(ix as usize) {
                // A slot the walk already read is a candidate already settled.
                if entry.hash == hash && (step == 0 || !start.reaches_before(step, read)) {
                    if let Some(end) = settle_candidate(SlotId(ix as usize), entry, &mut settle) {
                        observer.visit(read, Saw::KeyEqual);
                        break end;
                    }
                    observer.visit(read, Saw::KeyDiffers);
                } else {
                    let saw = if entry.hash == hash {
                        Saw::KeyDiffers
                    } else {
                        Saw::HashMismatch
                    };
                    observer.visit(read, saw);
                }
            }
        } else if ix == EMPTY {
            observer.visit(read, Saw::Empty);
            break Ok(Settled::Absent(Vacancy(read)));
        } else {
            observer.visit(read, Saw::Tombstone);
        }
        walk.advance();
        step += 1;
    };
    *visited += step as u64 + 1;
    (found, walk.slot)
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

    fn reserve_one(&mut self) -> Result<(), AllocError> {
        alloc::reserve(&mut self.entries, 1)
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
