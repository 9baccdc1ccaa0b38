//! The slot array that `linear`, `robin_hood` and `quadratic` share, and the
//! one [`CollisionStrategy`] implementation over it.
//!
//! ```text
//!   slots: [ EMPTY | h,A,a | h,B,b | h,C,c | EMPTY | h,D,d | TOMB  | EMPTY ]
//!              0       1       2       3       4       5       6       7
//!                                                               ^ end = 6: past the highest item
//! ```
//!
//! One array of `Entry { hash, key, value }` and nothing beside it: a slot's
//! emptiness is in its own hash word. [`EMPTY_HASH`] (`u64::MAX`) marks a slot
//! that holds nothing and [`TOMBSTONE_HASH`] (`1 << 63`) one whose item was
//! deleted; a stored hash is never either, because [`crate::Table`] stores
//! this strategy's [`CollisionStrategy::probe_hash`] of every caller's hash,
//! [`crate::entry::unreserved_hash`]. So a probe reads one
//! word per slot, in the same cache line as the key it may go on to compare:
//! with 24-byte entries (pointer key and value) a lookup touches one or two
//! lines of the table, never a separate metadata array.
//!
//! Key and value are initialised exactly where the hash word is an item's
//! hash; the hash word of every slot is always initialised. [`OpenSlots`]
//! keeps that invariant, and `len`, `tombstones` and `end`, in the few
//! methods that place, take and move entries; a strategy (a [`ProbeRule`])
//! only says where an item goes, how a probe walks, and what a delete leaves.
//!
//! **The hot path.** A one-pass lookup (`find_settled`, and `find_entry`
//! and `find_or_vacancy` through it) is the rule's own loop,
//! [`ProbeRule::find_settled`]: from the home slot, per slot one load of the
//! hash word, its compares with the key's hash and with `EMPTY_HASH`, and the
//! step; nothing is counted per slot (the visits follow from where the probe
//! stopped) and there is no step bound, because [`OpenSlots::put`] never
//! fills the last `EMPTY` slot (the Table's `max_load < 1` keeps one anyway).
//! A miss ends at the slot an insert of its key takes (the first empty slot,
//! or Robin Hood's first richer item) unless a tombstone lies on the way
//! (quadratic's insert would take the first of them), so an insert of a new
//! key walks once (`find_or_vacancy`, then `insert_at`). The resumable entry
//! points (`find_resumable`, `probe_next`) run [`ProbeRule::scan`] from a
//! [`Walk`], the cursor copied in once and out once; they keep a step bound,
//! since a cursor may come from before a change to the table.

use std::marker::PhantomData;
use std::mem::{self, MaybeUninit};
use std::ptr;

use crate::alloc::{self, AllocError};
use crate::entry::{is_item_hash, Entry, SlotId, EMPTY_HASH, TOMBSTONE_HASH};
use crate::index::{multiply_home, BucketIndex};
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{
    BucketView, CollisionStrategy, ExpectedProbes, Introspect, Lookup, Settled, StrategyKind, Structure, Vacancy,
    Verdict,
};
use crate::trace::{Event, Observer, Quiet, Recorder, Traced};

/// `ProbeCursor::position` once a probe has ended: past every slot, so a
/// stale cursor from a bigger table also just ends (never indexes out of range).
pub(crate) const DONE: usize = usize::MAX;

/// What one open-addressing strategy decides: its probe sequence, where an
/// insert goes, and its deletion rule. The storage does the rest.
pub trait ProbeRule: Sized {
    const KIND: StrategyKind;
    /// Whether the storage keeps a byte per slot beside the entries for the
    /// rule ([`OpenSlots::distances`]: Robin Hood's distances from home).
    /// The storage allocates it, copies it, and gives a rebuild a zeroed one;
    /// the rule alone writes it. `false` (linear, quadratic): it stays empty.
    const DISTANCES: bool = false;
    /// Whether [`ProbeRule::usable_size`] always gives a power of two
    /// (quadratic probing): every index then multiplies (`mod` is `mask` at
    /// such a size), so the home slot is two multiplies with no test of the
    /// index first (`callgrind_core.py --table quadratic`).
    const POWER_OF_TWO_SIZES: bool = false;
    /// Whether deletion leaves tombstones (quadratic probing). `false`
    /// (linear, Robin Hood: deletion shifts items back): every insert then
    /// takes an `EMPTY` slot, and [`OpenSlots::put`] reads nothing to know it.
    const TOMBSTONES: bool = false;
    /// The slot count used for a requested size.
    fn usable_size(requested: usize, index: BucketIndex) -> usize;
    /// From `at`, the next slot along `hash`'s probe sequence whose stored
    /// hash equals `hash` (an item's hash, never a reserved one), with `at`
    /// left just past it; or `None`, with `at.slot == DONE`. Every slot read
    /// adds one to `at.visits`. A position at or past the slot count (a stale
    /// cursor from a bigger table) just ends. Inlined into every lookup loop,
    /// where `at` lives in registers.
    fn scan<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, hash: u64, at: &mut Walk) -> Option<usize>;
    /// A whole one-pass lookup ([`CollisionStrategy::find_settled`]): the
    /// rule's own tight loop from the home slot, with nothing per slot but
    /// the load of the hash word, its compares and the step. It relies on
    /// the storage's invariant that some slot is always `EMPTY`, so it needs
    /// no step bound, and it counts its visits once, from where it stopped.
    /// A miss's vacancy is the slot an insert of the key takes.
    fn find_settled<'a, K, V, O: Observer, E>(
        slots: &'a OpenSlots<Self, K, V, O>,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'a, K, V>, E>;
    /// Place an entry whose key is absent into a table with a free slot.
    fn insert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) -> usize;
    /// Place an entry whose key is absent at `slot`, where `insert` would
    /// have put it (a miss's [`Vacancy`]).
    fn place<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize, entry: Entry<K, V>) {
        slots.put(slot, entry);
    }
    /// Place an entry into fresh storage during a rebuild: no tombstones,
    /// and room for every entry with a slot to spare. The default is
    /// [`ProbeRule::insert`].
    #[inline(always)]
    fn reinsert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) {
        Self::insert(slots, entry);
    }
    /// Take the item out of a full slot and restore the rule's invariant.
    fn remove<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize) -> Entry<K, V>;
    /// How many probe steps from home the item in a full slot sits.
    fn displacement<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, slot: usize) -> usize;
    fn expected_probes(load_factor: f64) -> ExpectedProbes;
}

/// A probe's position while a lookup runs: the next slot to read, its
/// step number along the probe sequence (which bounds a walk even in a full
/// table), and the slots read so far. The plain-data twin of
/// [`ProbeCursor`], copied in once and out once per lookup.
#[derive(Clone, Copy, Debug)]
pub struct Walk {
    pub(crate) slot: usize,
    pub(crate) step: usize,
    pub(crate) visits: u64,
}

impl Walk {
    /// Write the position back into the caller's cursor.
    #[inline(always)]
    fn save(self, cursor: &mut ProbeCursor) {
        cursor.started = true;
        cursor.position = self.slot;
        cursor.step = self.step;
        cursor.visited = self.visits;
    }
}

/// The stored hash of a slot, item or not.
#[inline(always)]
fn hash_word<K, V>(cell: &MaybeUninit<Entry<K, V>>) -> u64 {
    // SAFETY: the hash word of every slot is initialised (by `vacant` or by a
    // whole entry), and this reads it through a raw pointer, without forming
    // a reference to the possibly uninitialised key and value.
    unsafe { ptr::addr_of!((*cell.as_ptr()).hash).read() }
}

/// A slot holding nothing, marked by `hash` (`EMPTY_HASH` or `TOMBSTONE_HASH`).
#[inline]
fn vacant<K, V>(hash: u64) -> MaybeUninit<Entry<K, V>> {
    let mut cell = MaybeUninit::<Entry<K, V>>::uninit();
    // SAFETY: writes one field through a raw pointer into memory this
    // function owns, forming no reference to the uninitialised entry.
    unsafe { ptr::addr_of_mut!((*cell.as_mut_ptr()).hash).write(hash) };
    cell
}

/// Open-addressing storage under the probe rule `P`: `linear::Linear`,
/// `robin_hood::RobinHood` and `quadratic::Quadratic` are this type.
pub struct OpenSlots<P, K, V, O = Quiet> {
    /// Key and value initialised exactly where the hash word is an item's.
    slots: Box<[MaybeUninit<Entry<K, V>>]>,
    /// Items stored.
    len: usize,
    /// Slots whose hash word is `TOMBSTONE_HASH`.
    tombstones: usize,
    /// Past every full slot: where iteration stops. Not always one past
    /// the highest (a removal does not walk it down over the empty slots it
    /// leaves: in a table emptied key by key, that walk cost about 14
    /// instructions a delete, `callgrind_core.py --op delete`); `last_slot`,
    /// the one reader that needs the highest, trims it first.
    end: usize,
    index: BucketIndex,
    /// [`BucketIndex::multiplier`] at the current slot count: the home slot
    /// without a match on `index`. Unused where `divides`.
    multiplier: u64,
    /// `mod` at a slot count that is not a power of two: the home slot is a
    /// division. Never for a rule with [`ProbeRule::POWER_OF_TWO_SIZES`].
    divides: bool,
    /// One byte per slot for a rule with [`ProbeRule::DISTANCES`], empty
    /// (and never allocated) for the others.
    distances: Box<[u8]>,
    rule: PhantomData<fn() -> P>,
    /// Where the storage reports what it does: [`Quiet`] (nothing) unless traced.
    observer: O,
}

impl<P: ProbeRule, K, V, O: Observer> OpenSlots<P, K, V, O> {
    /// Empty storage; panics if it cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("open addressing: allocating the slots")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        let count = P::usable_size(buckets, index);
        debug_assert!(!P::POWER_OF_TWO_SIZES || count.is_power_of_two(), "{count} slots");
        let (multiplier, divides) = home_rule(index, count);
        Ok(OpenSlots {
            slots: alloc::filled_with(count, || vacant(EMPTY_HASH))?.into_boxed_slice(),
            len: 0,
            tombstones: 0,
            end: 0,
            index,
            multiplier,
            divides,
            distances: zeroed_distances::<P>(count)?,
            rule: PhantomData,
            observer: O::default(),
        })
    }

    pub fn usable_size(requested: usize, index: BucketIndex) -> usize {
        P::usable_size(requested, index)
    }

    #[inline(always)]
    pub(crate) fn home(&self, hash: u64) -> usize {
        if !P::POWER_OF_TWO_SIZES && self.divides {
            return self.index.bucket(hash, self.slots.len());
        }
        multiply_home(hash, self.multiplier, self.slots.len())
    }

    /// Where a probe for `hash` goes on from: the cursor's position, or the
    /// home slot at step 0 for a fresh cursor. A reserved hash (which no
    /// item stores) ends at once, so a scan's equal hash is always an item's.
    #[inline(always)]
    fn walk_from(&self, hash: u64, cursor: &ProbeCursor) -> Walk {
        let slot = if !is_item_hash(hash) {
            DONE
        } else if cursor.started {
            cursor.position
        } else {
            self.home(hash)
        };
        Walk {
            slot,
            step: if cursor.started { cursor.step } else { 0 },
            visits: cursor.visited,
        }
    }
}

impl<P, K, V, O: Observer> OpenSlots<P, K, V, O> {
    #[inline]
    pub(crate) fn count(&self) -> usize {
        self.slots.len()
    }

    /// Where this storage reports what it does ([`Quiet`] unless traced).
    #[inline(always)]
    pub fn observer(&self) -> &O {
        &self.observer
    }

    /// Slots holding a tombstone.
    #[inline]
    pub(crate) fn tombstone_count(&self) -> usize {
        self.tombstones
    }

    /// The rule's byte per slot ([`ProbeRule::DISTANCES`]; empty otherwise).
    #[inline(always)]
    pub(crate) fn distances(&self) -> &[u8] {
        &self.distances
    }

    #[inline(always)]
    pub(crate) fn distances_mut(&mut self) -> &mut [u8] {
        &mut self.distances
    }

    /// The entry in a slot a scan just handed out.
    #[inline(always)]
    pub(crate) fn scanned(&self, slot: usize) -> &Entry<K, V> {
        debug_assert!(self.holds_item(slot));
        // SAFETY: the probe loops (`ProbeRule::scan` and each rule's
        // `find_settled`) pass only a slot below the slot count whose hash
        // word equals the probed hash, which they made sure is an item's hash
        // (`walk_from`, or the loop's own check); so the slot holds an item.
        unsafe { self.slots.get_unchecked(slot).assume_init_ref() }
    }

    /// The hash word of `slot`, which the caller keeps below the slot count.
    #[inline(always)]
    pub(crate) fn hash_below(&self, slot: usize) -> u64 {
        debug_assert!(slot < self.slots.len());
        // SAFETY: the caller keeps `slot < slots.len()` (a scan checks its
        // start and wraps every step), and every slot's hash word is initialised.
        hash_word(unsafe { self.slots.get_unchecked(slot) })
    }

    /// The slot after `slot`, wrapping round the end.
    #[inline]
    pub(crate) fn next(&self, slot: usize) -> usize {
        if slot + 1 == self.slots.len() {
            0
        } else {
            slot + 1
        }
    }

    /// Steps from `from` forward to `to`, wrapping round the end.
    #[inline]
    pub(crate) fn distance(&self, from: usize, to: usize) -> usize {
        if to >= from {
            to - from
        } else {
            to + self.slots.len() - from
        }
    }

    /// The hash word of `slot`: an item's stored hash, `EMPTY_HASH` or `TOMBSTONE_HASH`.
    #[inline]
    pub(crate) fn hash_at(&self, slot: usize) -> u64 {
        hash_word(&self.slots[slot])
    }

    #[inline]
    fn holds_item(&self, slot: usize) -> bool {
        slot < self.slots.len() && is_item_hash(self.hash_at(slot))
    }

    /// The entry in a full slot; a slot that holds no item panics.
    #[inline]
    pub(crate) fn item(&self, slot: usize) -> &Entry<K, V> {
        if !self.holds_item(slot) {
            stale_slot(slot);
        }
        // SAFETY: the slot holds an item (checked), so its entry is initialised.
        unsafe { self.slots[slot].assume_init_ref() }
    }

    #[inline]
    pub(crate) fn item_mut(&mut self, slot: usize) -> &mut Entry<K, V> {
        if !self.holds_item(slot) {
            stale_slot(slot);
        }
        // SAFETY: the slot holds an item (checked), so its entry is initialised.
        unsafe { self.slots[slot].assume_init_mut() }
    }

    /// Store `entry` in `slot`, which must hold no item (empty or a tombstone).
    /// The last `EMPTY` slot is never filled: every probe loop ends at one
    /// (the Table's `max_load < 1` keeps one anyway; this guards direct use).
    #[inline]
    pub(crate) fn put(&mut self, slot: usize, entry: Entry<K, V>)
    where
        P: ProbeRule,
    {
        // Writing over an item would leak it, not read freed memory: a
        // debug check is enough, and the probe rules only pass free slots.
        debug_assert!(
            !is_item_hash(self.hash_at(slot)),
            "open addressing: put into a full slot"
        );
        // A rule without tombstones fills an `EMPTY` slot with every insert
        // (Robin Hood's shifted run ends in one), so `slot` need not be read.
        let before = if P::TOMBSTONES { self.hash_at(slot) } else { EMPTY_HASH };
        if before == EMPTY_HASH && self.len + self.tombstones + 1 >= self.slots.len() {
            last_empty_slot();
        }
        debug_assert!(is_item_hash(entry.hash), "a reserved hash reached the slots");
        if before == TOMBSTONE_HASH {
            self.tombstones -= 1;
        }
        self.observer.place(slot, before == TOMBSTONE_HASH);
        self.slots[slot] = MaybeUninit::new(entry);
        self.len += 1;
        self.end = self.end.max(slot + 1);
    }

    /// [`OpenSlots::put`] during a rebuild into fresh storage, where `slot`
    /// is `EMPTY`, no slot holds a tombstone, and the storage has a slot to
    /// spare for every entry (`rebuild` sizes it so). `len` and `end` are
    /// left to [`OpenSlots::refill`], which sets them once after the loop:
    /// kept here, they were stored to the table on every entry moved.
    #[inline(always)]
    pub(crate) fn put_fresh(&mut self, slot: usize, entry: Entry<K, V>) {
        debug_assert!(self.hash_at(slot) == EMPTY_HASH && self.tombstones == 0);
        self.observer.place(slot, false);
        self.slots[slot] = MaybeUninit::new(entry);
    }

    /// Take the item out of `slot`, leaving `mark` (`EMPTY_HASH` or `TOMBSTONE_HASH`).
    #[inline]
    pub(crate) fn take(&mut self, slot: usize, mark: u64) -> Entry<K, V> {
        debug_assert!(!is_item_hash(mark));
        if !self.holds_item(slot) {
            stale_slot(slot);
        }
        self.observer.removed(slot, mark == TOMBSTONE_HASH);
        let cell = mem::replace(&mut self.slots[slot], vacant(mark));
        self.len -= 1;
        if mark == TOMBSTONE_HASH {
            self.tombstones += 1;
        }
        self.vacated(slot);
        // SAFETY: the slot held an item (checked), so the entry is initialised,
        // and the slot now reads as vacant, so it is moved out exactly once.
        unsafe { cell.assume_init() }
    }

    /// Move the item in `from` into the empty slot `to`; `from` becomes empty.
    /// Leaves `end` possibly past the last item: a run of shifts ends with
    /// one [`OpenSlots::vacated`] of the last slot emptied.
    #[inline]
    pub(crate) fn shift(&mut self, from: usize, to: usize) {
        debug_assert!(self.holds_item(from) && self.hash_at(to) == EMPTY_HASH);
        self.observer.moved(from, to);
        self.slots.swap(from, to);
        self.end = self.end.max(to + 1);
    }

    /// Move the items in `at..hole` (wrapping) one slot forward, into the
    /// empty slot `hole`, so that `at` becomes empty: one `memmove` per side
    /// of the wrap, where single shifts would move them one by one.
    pub(crate) fn open_gap(&mut self, at: usize, hole: usize) {
        debug_assert_eq!(self.hash_at(hole), EMPTY_HASH);
        self.observer.gap_opened(at, hole, self.slots.len());
        if at <= hole {
            rotate_right_one(&mut self.slots[at..=hole]);
            self.end = self.end.max(hole + 1);
        } else {
            let last = self.slots.len() - 1;
            self.slots[..=hole].rotate_right(1);
            self.slots.swap(0, last);
            self.slots[at..].rotate_right(1);
            self.end = self.slots.len();
        }
    }

    /// Move the items in `gap + 1..=last` (wrapping) one slot back, over the
    /// empty slot `gap`, so that `last` becomes empty.
    pub(crate) fn close_gap(&mut self, gap: usize, last: usize) {
        debug_assert_eq!(self.hash_at(gap), EMPTY_HASH);
        self.observer.gap_closed(gap, last, self.slots.len());
        if gap <= last {
            rotate_left_one(&mut self.slots[gap..=last]);
        } else {
            let end = self.slots.len() - 1;
            self.slots[gap..].rotate_left(1);
            self.slots.swap(end, 0);
            self.slots[..=last].rotate_left(1);
            // Slot 0's item moved into the last slot.
            self.end = self.slots.len();
        }
        self.vacated(last);
    }

    /// After `slot` stopped holding an item: `end` steps back over it if it
    /// was the last slot below `end`, and no further (see `end`).
    #[inline]
    pub(crate) fn vacated(&mut self, slot: usize) {
        if slot + 1 == self.end {
            self.end = slot;
        }
    }

    /// `end` walked down to one past the highest full slot: for `last_slot`.
    pub(crate) fn trim_end(&mut self) {
        while self.end > 0 && !is_item_hash(self.hash_at(self.end - 1)) {
            self.end -= 1;
        }
    }

    /// Swap in `fresh` storage and move every entry of the old into it with `place`.
    fn refill(
        &mut self,
        fresh: Box<[MaybeUninit<Entry<K, V>>]>,
        distances: Box<[u8]>,
        mut place: impl FnMut(&mut Self, Entry<K, V>),
    ) {
        let old = mem::replace(&mut self.slots, fresh);
        self.distances = distances;
        self.observer.resize(old.len(), self.slots.len());
        (self.multiplier, self.divides) = home_rule(self.index, self.slots.len());
        let old_end = mem::replace(&mut self.end, 0);
        let items = mem::replace(&mut self.len, 0);
        self.tombstones = 0;
        // `MaybeUninit` drops nothing: should `place` panic, entries not yet
        // moved leak, but none is dropped twice.
        for cell in &old[..old_end] {
            if is_item_hash(hash_word(cell)) {
                // SAFETY: the hash word is an item's, so the entry is
                // initialised; each is read once, and `old`, whose cells are
                // `MaybeUninit`, is then freed without dropping any.
                place(self, unsafe { cell.assume_init_read() });
            }
        }
        // Every item moved. `end` may stay loose (above the highest full
        // slot: iteration and `last_slot` step over the empty slots left),
        // so it is not looked for: a table grown ahead of a bulk load
        // (`reserve`) would walk every slot of its new storage to find it.
        self.len = items;
        self.end = if items == 0 { 0 } else { self.slots.len() };
        self.observer.resize_end();
        drop(old);
    }
}

impl<P, K, V> Traced for OpenSlots<P, K, V, Recorder> {
    fn take_events(&self) -> Vec<Event> {
        self.observer.take()
    }
}

/// [`OpenSlots::multiplier`] and [`OpenSlots::divides`] for `index` over
/// `count` slots: the multiplier, or whether the home slot is a division
/// (`mod` at a count that is not a power of two).
fn home_rule(index: BucketIndex, count: usize) -> (u64, bool) {
    match index.multiplier(count) {
        Some(multiplier) => (multiplier, false),
        None => (0, true),
    }
}

/// A zeroed byte per slot for a rule with [`ProbeRule::DISTANCES`]; no
/// allocation for the others.
fn zeroed_distances<P: ProbeRule>(count: usize) -> Result<Box<[u8]>, AllocError> {
    Ok(if P::DISTANCES {
        alloc::filled(0u8, count)?.into_boxed_slice()
    } else {
        Box::default()
    })
}

/// Runs shorter than this move slot by slot: a `memmove` call costs more.
const SHORT_RUN: usize = 8;

/// `cells.rotate_right(1)`: the last cell kept aside, the others moved one
/// up, the kept one put first; a short run one cell at a time, a longer one
/// with one `memmove`. (Swaps made three copies a cell, and the standard
/// `rotate_right` ran its general algorithm: Robin Hood's insert and delete
/// at max_load 0.9, `python3 scripts/callgrind_core.py --op insert delete
/// --table robin_hood`: copies for swaps, insert 530.6 -> 525.3 instructions
/// and delete 204.6 -> 200.2; `memmove` for `rotate_right`, insert 525.3 ->
/// 512.1 and delete 192.2 -> 188.1.)
#[inline]
fn rotate_right_one<T>(cells: &mut [T]) {
    let Some(last) = cells.len().checked_sub(1) else {
        return;
    };
    let base = cells.as_mut_ptr();
    // SAFETY: every offset is below `cells.len()`; the cell read out first
    // is written back (into cell 0, whose value was moved up), so each value
    // is in exactly one cell at the end, and nothing here can panic between
    // the read and that write.
    unsafe {
        let kept = ptr::read(base.add(last));
        if last < SHORT_RUN {
            for at in (0..last).rev() {
                ptr::copy_nonoverlapping(base.add(at), base.add(at + 1), 1);
            }
        } else {
            ptr::copy(base, base.add(1), last);
        }
        ptr::write(base, kept);
    }
}

/// `cells.rotate_left(1)`, moved as [`rotate_right_one`] moves it.
#[inline]
fn rotate_left_one<T>(cells: &mut [T]) {
    let Some(last) = cells.len().checked_sub(1) else {
        return;
    };
    let base = cells.as_mut_ptr();
    // SAFETY: as in `rotate_right_one`, the other way round.
    unsafe {
        let kept = ptr::read(base);
        if last < SHORT_RUN {
            for at in 0..last {
                ptr::copy_nonoverlapping(base.add(at + 1), base.add(at), 1);
            }
        } else {
            ptr::copy(base.add(1), base, last);
        }
        ptr::write(base.add(last), kept);
    }
}

impl<P, K, V, O> Drop for OpenSlots<P, K, V, O> {
    fn drop(&mut self) {
        if !mem::needs_drop::<Entry<K, V>>() {
            return;
        }
        for cell in &mut self.slots[..self.end] {
            if is_item_hash(hash_word(cell)) {
                // SAFETY: the slot holds an item, so its entry is initialised,
                // and it is dropped once: the storage is going away.
                unsafe { cell.assume_init_drop() };
            }
        }
    }
}

/// The panic of an insert that would fill the last `EMPTY` slot.
#[cold]
#[inline(never)]
fn last_empty_slot() -> ! {
    panic!("open addressing: an insert would fill the last EMPTY slot, which every probe needs")
}

/// The panic of a `SlotId` that names no item: out of line, so the check in
/// `entry` stays a compare and a branch.
#[cold]
#[inline(never)]
fn stale_slot(slot: usize) -> ! {
    panic!("open addressing: slot {slot} holds no item (stale SlotId?)")
}

mod interface;

#[cfg(test)]
mod tests;
