//! SwissTable: open addressing where a probe checks a whole group of slots at
//! once, in the style of Abseil's `flat_hash_map` and Rust's `hashbrown`.
//!
//! ```text
//!   buckets = 32, GROUP = 16 (SSE2; 8 with the portable u64 groups)
//!
//!   ctrl:  [ 12 FF 80 5A FF ... 33 | 07 FF ... 61 ][ 12 FF 80 5A FF ... 33 ]
//!            0  1  2  3  4     15   16  17    31    32 33 34 35 36     47
//!            `---------- one byte per slot -------' `-- mirror of 0..GROUP --'
//!   slots: [ e0 -- -- e3 -- ... e15 | e16 -- ... e31 ]
//!            MaybeUninit<Entry>: initialised exactly where ctrl holds a tag
//! ```
//!
//! Every slot has one control byte: `EMPTY` (`0xFF`), `DELETED` (`0x80`), or
//! the slot's 7-bit tag `h2` (`0x00..=0x7F`), so the item array is never
//! touched until a tag matches. A probe loads GROUP control bytes starting at
//! any slot (unaligned) and compares all of them with the tag in one SSE2
//! `pcmpeqb` + `pmovmskb` (or a few u64 operations elsewhere). A load that
//! starts within GROUP bytes of the end runs into the mirror, which repeats
//! the first GROUP control bytes; every write to a control byte in
//! `0..GROUP` writes its mirror too, so a window wraps around for free.
//!
//! * **Hash split**: the home slot `h1 = index.bucket(hash, buckets)` follows the
//!   user's [`BucketIndex`] (computed as `(hash * m) >> s & mask`, which is
//!   what every index comes to on a power of two: no match per probe); the tag is `h2 = (hash * C) >> 57` with `C` an odd
//!   64-bit constant. hashbrown takes the raw top seven bits, which suits its
//!   own well-mixed hashers; Python's `hash(i) == i` would give every small
//!   int tag 0 and turn each group match into a full scan, so one multiply
//!   spreads the tag instead. `C` differs from the Fibonacci index's
//!   multiplier, so the tag stays independent of the home slot.
//! * **Slot count**: `usable_size` rounds up to a power of two of at least 4
//!   slots: the triangular probe needs a power of two to reach every group.
//!   A table smaller than a group works as hashbrown's do: its `ctrl` still
//!   holds `buckets + GROUP` bytes, the bytes between the slots and the mirror
//!   stay `EMPTY` forever, so every window holds an `EMPTY` and the home window
//!   (which sees each slot exactly once, directly or through the mirror) ends
//!   every probe. Those trailing `EMPTY`s can point an insert, once masked, at a
//!   full slot: `find_insert_slot` then scans again from slot 0, where the
//!   first free slot comes before any of them.
//! * **Probe sequence**: group `i` starts at `pos_i = (h1 + GROUP * i(i+1)/2) mod
//!   buckets` (the stride grows by GROUP each time). With `g = buckets / GROUP`
//!   a power of two, `i(i+1)/2 mod g` takes every value for `i < g`, so `g`
//!   windows cover every slot. In a window, each slot whose tag matches has its
//!   stored 64-bit hash compared, and only equal hashes reach the caller's
//!   equality check; a window holding an `EMPTY` ends the probe, because an
//!   insert would have used that slot. A resumed probe continues from the
//!   cursor: `position` is the window start, `step` the stride, and `matches`
//!   the tag matches of that window not yet handed out (the window is read
//!   again for its `EMPTY`s once they are).
//! * **Lookup cost**: a fresh cursor takes a straight path (home window, its
//!   tag matches, one write of the cursor on return) that inlines into
//!   `Table::find` with the cursor in registers; only a resumed cursor or a
//!   second window calls the general loop, out of line. About one window in
//!   this table's lookups at max_load 0.5 needs it.
//! * **Insertion** takes the first `EMPTY` or `DELETED` slot along the probe.
//!   A miss that ends in its home window names that slot (its window's first
//!   `EMPTY` or `DELETED` byte, as hashbrown's `find_or_find_insert_slot`
//!   does), so `t[k] = v` of a new key walks once; a rebuild places into
//!   fresh storage without bounds checks.
//! * **Deletion** (hashbrown's rule): if the run of non-`EMPTY` slots through the
//!   deleted slot is shorter than GROUP, every window that covers the slot also
//!   covers an `EMPTY`, so no probe ever went past it: write `EMPTY`. Otherwise
//!   some window may have been full when a later item was placed beyond it:
//!   write `DELETED`, a tombstone, counted by `tombstones()` until a rebuild.
//! * **What a probe visits**: one per window loaded, plus one per slot whose tag
//!   matched (each costs a read of the item array). That is `ProbeCursor::visited`
//!   and the unit of every probe length this strategy reports.
//! * **Expected probes**, with load factor α and each slot full independently
//!   (uniform hashing, tombstones ignored): a window has no `EMPTY` with
//!   probability `f = α^GROUP`, so a miss loads `1/(1−f)` windows and a hit,
//!   averaged over the insertion order, `(1/α)∫₀^α dx/(1−x^GROUP)` windows.
//!   Each full slot in a loaded window shares the tag with probability 1/128,
//!   adding about `α·GROUP/128` per window (half that in a hit's last window),
//!   plus the hit's own match. At α = 0.875 and GROUP = 16 that is ≈ 2.06 for a
//!   hit and ≈ 1.26 for a miss. The model ignores clustering: an insert fills
//!   its window from the home slot onward, so windows are full more often than
//!   `α^GROUP` says. Measured on 16384 slots with well-mixed hashes (hit / miss,
//!   model in brackets): α = 0.5: 2.00 / 1.06 (2.03 / 1.06); α = 0.875: 2.09 /
//!   2.03 (2.06 / 1.26); α = 0.95: 2.23 / 4.7 (2.10 / 2.00). Hits stay at one
//!   window almost always; for misses at high load the model is a lower bound.
//! * **Iteration** runs in slot order; `popitem` takes the highest full slot,
//!   found in O(1) from a high-water mark that removals lower.
//! * **Trade-offs**: at high load a lookup still costs about one cache line of
//!   control bytes plus one item read, so max_load can sit near 0.875 where
//!   linear probing slows; bad hashes degrade gracefully because a tag filters
//!   1 in 128 mismatches. The price is a byte per slot, power-of-two sizes of at
//!   least 4, no useful insertion order, and
//!   tombstones under heavy delete traffic when runs reach a group's width.

// As in hashbrown: the control bytes and their groups (`group.rs`), the
// probe sequence (`probe.rs`), and the slot storage under the control bytes
// (`raw.rs`); this file holds the table's shape and its strategy interface.
mod group;
mod probe;
mod raw;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::mem::{self, MaybeUninit};

use self::group::{is_full, ControlGroup, Group, DELETED, EMPTY};
use self::raw::empty_ctrl;
use crate::alloc::{self, AllocError};
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{
    two_way, BucketView, CollisionStrategy, ExpectedProbes, Introspect, Settled, StrategyKind, Structure, Vacancy,
    Verdict,
};
use crate::trace::{Event, Observer, Quiet, Recorder, Traced};

/// Slots matched per group.
/// Control bytes per window (public for the lab's trace).
pub const GROUP: usize = Group::WIDTH;

/// Multiplier for the tag: murmur3's finaliser constant (odd, unrelated to φ).
const TAG_MULTIPLIER: u64 = 0xFF51_AFD7_ED55_8CCD;

/// 2^64 / φ rounded to odd, as in [`BucketIndex::Fibonacci`] (a test checks
/// that [`Swiss::home`] agrees with [`BucketIndex::bucket`]).
const GOLDEN_RATIO_64: u64 = 0x9E37_79B9_7F4A_7C15;

/// The fewest slots a table has.
const MIN_BUCKETS: usize = 4;

/// The 7-bit tag stored in a full slot's control byte (public for the lab's trace).
#[inline]
pub fn tag(hash: u64) -> u8 {
    (hash.wrapping_mul(TAG_MULTIPLIER) >> 57) as u8
}

/// `(multiplier, shift)` such that, for a power-of-two `buckets`,
/// `index.bucket(hash, buckets)` is `(hash * multiplier) >> shift` masked to
/// `buckets - 1`: `mod` and `mask` both keep the low bits, and Fibonacci's
/// multiply-high by a power of two is a shift of the product. One branch-free
/// formula instead of a match per probe.
fn home_split(index: BucketIndex, buckets: usize) -> (u64, u32) {
    debug_assert!(buckets.is_power_of_two() && buckets >= MIN_BUCKETS);
    match index {
        BucketIndex::Mod | BucketIndex::Mask => (1, 0),
        BucketIndex::Fibonacci => (GOLDEN_RATIO_64, u64::BITS - buckets.trailing_zeros()),
    }
}

pub struct Swiss<K, V, O = Quiet> {
    /// `buckets + GROUP` control bytes; the last GROUP mirror the first.
    ctrl: Box<[u8]>,
    /// Initialised exactly where `ctrl` holds a tag.
    slots: Box<[MaybeUninit<Entry<K, V>>]>,
    /// `buckets - 1`.
    mask: usize,
    len: usize,
    deleted: usize,
    /// One past the highest full slot (0 when empty): where reverse scans start.
    top: usize,
    index: BucketIndex,
    /// [`home_split`] of `index` at the current size.
    home_multiplier: u64,
    home_shift: u32,
    /// Where the storage reports what it does: [`Quiet`] (nothing) unless traced.
    observer: O,
}

impl<K, V, O: Observer> Swiss<K, V, O> {
    /// Empty storage; panics if it cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("swiss: allocating the slots")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        let buckets = Self::usable_size(buckets, index);
        let (home_multiplier, home_shift) = home_split(index, buckets);
        Ok(Swiss {
            ctrl: empty_ctrl(buckets)?,
            slots: alloc::uninit_slice(buckets)?,
            mask: buckets - 1,
            len: 0,
            deleted: 0,
            top: 0,
            index,
            home_multiplier,
            home_shift,
            observer: O::default(),
        })
    }

    /// A power of two (the triangular probe reaches every group only then), and
    /// at least 4, as in hashbrown: smaller tables work through the mirror.
    pub fn usable_size(requested: usize, _index: BucketIndex) -> usize {
        requested
            .max(MIN_BUCKETS)
            .checked_next_power_of_two()
            .unwrap_or(1 << (usize::BITS - 1))
    }

    #[inline]
    fn buckets(&self) -> usize {
        self.mask + 1
    }

    /// [`CollisionStrategy::insert_within`] in a few instructions, for
    /// `Table::insert_vacant_inline` (the C library's insert of a new key):
    /// the load check (swiss's `reserve_one` never fails), then the entry
    /// stored at `vacancy` if it is a free slot, with no bounds check on the
    /// way, or where a walk finds (an unknown or stale vacancy).
    #[inline(always)]
    pub(crate) fn insert_vacant_within(
        &mut self,
        vacancy: Vacancy,
        entry: Entry<K, V>,
        limit: usize,
    ) -> Result<SlotId, Entry<K, V>>
    where
        K: Send + Sync,
        V: Send + Sync,
    {
        if self.len + self.deleted >= limit {
            return Err(entry);
        }
        let Some(byte) = self.free_byte(vacancy.0) else {
            return Ok(self.insert_new(entry));
        };
        // SAFETY: `free_byte` checked that the slot is below the slot count
        // and that `byte`, its control byte, is not a tag.
        unsafe { self.place_free(vacancy.0, byte, entry) };
        Ok(SlotId(vacancy.0))
    }

    /// `index.bucket(hash, buckets)`, without the match on `index`.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        (hash.wrapping_mul(self.home_multiplier) >> self.home_shift) as usize & self.mask
    }
}

impl<K, V, O> CollisionStrategy<K, V> for Swiss<K, V, O>
where
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        StrategyKind::Swiss
    }

    fn bucket_count(&self) -> usize {
        self.buckets()
    }

    fn len(&self) -> usize {
        self.len
    }

    fn tombstones(&self) -> usize {
        self.deleted
    }

    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        self.probe(hash, cursor)
    }

    #[inline(always)]
    fn find_settled<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E> {
        self.find_straight(hash, visited, settle)
    }

    #[inline]
    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.checked_entry(slot)
    }

    #[inline]
    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        self.checked_entry_mut(slot)
    }

    /// The Table grows (or rebuilds away tombstones) before `len + deleted`
    /// passes max_load * buckets, which is below the slot count, so a free
    /// slot is always there and at least one slot stays `EMPTY`.
    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        assert!(self.len < self.buckets(), "swiss: insert into a full table");
        SlotId(self.place(entry))
    }

    /// At the slot the miss found (the one `insert_new` would choose),
    /// with no second walk.
    #[inline]
    fn insert_at(&mut self, vacancy: Vacancy, entry: Entry<K, V>) -> SlotId {
        assert!(self.len < self.buckets(), "swiss: insert into a full table");
        // Unknown (`usize::MAX`), or a stale vacancy (the table changed
        // since the miss) past the slots or naming a full one: walk instead.
        if vacancy.0 > self.mask || is_full(self.ctrl[vacancy.0]) {
            return SlotId(self.place(entry));
        }
        self.place_at(vacancy.0, entry);
        SlotId(vacancy.0)
    }

    #[inline]
    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        self.take(slot)
    }

    #[inline(always)]
    unsafe fn remove_found(&mut self, slot: SlotId) -> Entry<K, V> {
        // SAFETY: a lookup just found an entry in `slot` (a full slot below
        // the slot count), and nothing has changed since (the contract).
        unsafe { self.take_found(slot.0) }
    }

    /// The slot the lookup found is taken without checking it again.
    #[inline(always)]
    fn remove_entry<E>(
        &mut self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<Entry<K, V>>, E> {
        let Settled::Found(slot, _) = self.find_straight(hash, visited, two_way(eq))? else {
            return Ok(None);
        };
        // SAFETY: the lookup just found an entry in `slot` (a full slot below
        // the slot count), and nothing has changed since.
        Ok(Some(unsafe { self.take_full(slot.0) }))
    }

    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError> {
        let old = self.buckets();
        let len = self.len;
        let detached = self.reset(buckets.max(len + 1))?;
        self.observer.resize(old, self.buckets());
        if self.buckets() < GROUP {
            detached.for_each(|entry| self.place_fresh(entry));
        } else {
            // No check or count per entry: `len` is known, and `top` is one
            // backward scan (a panic in between could only leak entries).
            detached.for_each(|entry| self.place_rebuilt(entry));
            self.len = len;
            self.top = self.last_full_below(self.buckets()).map_or(0, |slot| slot + 1);
        }
        self.observer.resize_end();
        Ok(())
    }

    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError> {
        let fresh = Self::try_new(buckets, self.index)?;
        Ok(mem::replace(self, fresh))
    }

    fn copy_with(&self, mut copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, AllocError> {
        let ctrl = alloc::copied(&self.ctrl)?;
        let mut slots = alloc::uninit_slice(self.buckets())?;
        for slot in 0..self.top {
            if is_full(self.ctrl[slot]) {
                // SAFETY: `slot < top <= buckets`, and the slot is full.
                let entry = unsafe { self.full_entry(slot) };
                let (key, value) = copy(entry);
                slots[slot] = MaybeUninit::new(Entry::new(entry.hash, key, value));
            }
        }
        // Full exactly where the source is, so initialised exactly there.
        Ok(Swiss {
            ctrl,
            slots,
            mask: self.mask,
            len: self.len,
            deleted: self.deleted,
            top: self.top,
            index: self.index,
            home_multiplier: self.home_multiplier,
            home_shift: self.home_shift,
            observer: O::default(),
        })
    }

    fn index(&self) -> BucketIndex {
        self.index
    }

    fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        let mut at = cursor.position;
        while at < self.top {
            if let Some(bit) = Group::load(&self.ctrl, at).match_full().lowest() {
                if at + bit < self.top {
                    cursor.position = at + bit + 1;
                    return Some(SlotId(at + bit));
                }
                break;
            }
            at += GROUP;
        }
        cursor.position = cursor.position.max(self.top);
        None
    }

    /// The highest full slot: the last in iteration order.
    fn last_slot(&mut self) -> Option<SlotId> {
        self.top.checked_sub(1).map(SlotId)
    }
}

impl<K, V> Traced for Swiss<K, V, Recorder> {
    fn take_events(&self) -> Vec<Event> {
        self.observer.take()
    }
}

impl<K, V, O> Introspect<K, V> for Swiss<K, V, O>
where
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn home_bucket(&self, hash: u64) -> usize {
        self.home(hash)
    }

    fn bucket_view(&self, bucket: usize) -> BucketView {
        match self.ctrl[..self.buckets()][bucket] {
            EMPTY => BucketView::Empty,
            DELETED => BucketView::Tombstone,
            _ => {
                // SAFETY: the byte is neither EMPTY nor DELETED, so a tag.
                let home = self.home(unsafe { self.full_entry(bucket) }.hash);
                BucketView::Filled {
                    displacement: bucket.wrapping_sub(home) & self.mask,
                }
            }
        }
    }

    fn structure(&self) -> Structure {
        let mut histogram = BTreeMap::new();
        let mut structure = Structure {
            tombstones: self.deleted,
            ..Structure::default()
        };
        for slot in 0..self.buckets() {
            match self.ctrl[slot] {
                EMPTY => structure.empty_buckets += 1,
                DELETED => {}
                _ => {
                    let length = self.probe_length(slot);
                    *histogram.entry(length as usize).or_insert(0) += 1;
                    structure.longest = structure.longest.max(length as usize);
                    structure.successful_probe_total += length;
                }
            }
        }
        structure.histogram = histogram;
        structure
    }

    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes {
        expected_probes(load_factor, GROUP)
    }

    /// One control byte per slot plus the GROUP mirror bytes, and one
    /// `MaybeUninit<Entry>` per slot, all allocated up front.
    fn heap_bytes(&self) -> usize {
        self.ctrl.len() + self.slots.len() * mem::size_of::<Entry<K, V>>()
    }
}

/// The model in the module comment, in visits (windows plus tag matches).
fn expected_probes(load_factor: f64, group: usize) -> ExpectedProbes {
    let alpha = load_factor.max(0.0);
    if alpha >= 1.0 {
        return ExpectedProbes {
            hit: f64::INFINITY,
            miss: f64::INFINITY,
        };
    }
    let full_window = alpha.powi(group as i32);
    let miss_windows = 1.0 / (1.0 - full_window);
    // (1/α)∫₀^α dx/(1−x^G) = Σ_k α^{kG} / (kG + 1), which is 1 at α = 0.
    let mut hit_windows = 0.0;
    let mut power = 1.0;
    for k in 0..1_000_000 {
        let term = power / (k * group + 1) as f64;
        hit_windows += term;
        if term < 1e-12 * hit_windows {
            break;
        }
        power *= full_window;
    }
    let false_matches = alpha * group as f64 / 128.0;
    ExpectedProbes {
        hit: hit_windows + 1.0 + (hit_windows - 0.5) * false_matches,
        miss: miss_windows * (1.0 + false_matches),
    }
}
