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

mod group;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::mem::{self, MaybeUninit};

use self::group::{is_full, BitMask, ControlGroup, Group, DELETED, EMPTY};
use crate::alloc::{self, AllocError};
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{BucketView, CollisionStrategy, ExpectedProbes, StrategyKind, Structure};

/// Slots matched per group.
const GROUP: usize = Group::WIDTH;

/// Multiplier for the tag: murmur3's finaliser constant (odd, unrelated to φ).
const TAG_MULTIPLIER: u64 = 0xFF51_AFD7_ED55_8CCD;

/// 2^64 / φ rounded to odd, as in [`BucketIndex::Fibonacci`] (a test checks
/// that [`Swiss::home`] agrees with [`BucketIndex::bucket`]).
const GOLDEN_RATIO_64: u64 = 0x9E37_79B9_7F4A_7C15;

/// `ProbeCursor::matches`: bits 0..32 are the window's tag matches not yet
/// handed out; the flags say the window was loaded or that the probe is over.
/// Whether the window holds an `EMPTY` is not kept: a resumed probe that has
/// handed out the window's matches reads the window again to decide.
const PENDING: u64 = 0xFFFF_FFFF;
const LOADED: u64 = 1 << 32;
const DONE: u64 = 1 << 33;

/// The fewest slots a table has.
const MIN_BUCKETS: usize = 4;

/// The 7-bit tag stored in a full slot's control byte.
#[inline]
fn tag(hash: u64) -> u8 {
    (hash.wrapping_mul(TAG_MULTIPLIER) >> 57) as u8
}

fn empty_ctrl(buckets: usize) -> Result<Box<[u8]>, AllocError> {
    Ok(alloc::filled(EMPTY, buckets + GROUP)?.into_boxed_slice())
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

pub struct Swiss<K, V> {
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
}

impl<K, V> Swiss<K, V> {
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

    /// `index.bucket(hash, buckets)`, without the match on `index`.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        (hash.wrapping_mul(self.home_multiplier) >> self.home_shift) as usize & self.mask
    }

    /// The GROUP control bytes from `position` (taken modulo the slot count).
    #[inline]
    fn window(&self, position: usize) -> Group {
        let position = position & self.mask;
        // SAFETY: `position < buckets` and `ctrl` holds `buckets + GROUP` bytes.
        unsafe { Group::load_unchecked(&self.ctrl, position) }
    }

    /// The stored entry of a full slot.
    ///
    /// # Safety
    /// `slot < buckets` and `ctrl[slot]` must be a tag (the slot is full).
    #[inline]
    unsafe fn full_entry(&self, slot: usize) -> &Entry<K, V> {
        debug_assert!(slot < self.buckets() && is_full(self.ctrl[slot]));
        // SAFETY: the caller guarantees `slot < buckets == slots.len()` and that
        // the slot is full, and a full slot's entry is initialised (the
        // invariant on `slots`).
        unsafe { self.slots.get_unchecked(slot).assume_init_ref() }
    }

    /// Whether `slot` names a full slot of this table.
    #[inline]
    fn holds_item(&self, slot: SlotId) -> bool {
        // SAFETY: `slot.0 <= mask < ctrl.len()`, checked first.
        slot.0 <= self.mask && is_full(unsafe { *self.ctrl.get_unchecked(slot.0) })
    }

    #[inline]
    fn assert_full(&self, slot: SlotId) {
        if !self.holds_item(slot) {
            stale_slot(slot);
        }
    }

    /// Write a control byte and, for the first GROUP slots, its mirror.
    #[inline]
    fn set_ctrl(&mut self, slot: usize, byte: u8) {
        self.ctrl[slot] = byte;
        self.ctrl[(slot.wrapping_sub(GROUP) & self.mask) + GROUP] = byte;
    }

    /// The first `EMPTY` or `DELETED` slot along `hash`'s probe sequence.
    fn find_insert_slot(&self, hash: u64) -> usize {
        let mut position = self.home(hash);
        let mut stride = 0;
        while stride < self.buckets() {
            if let Some(bit) = Group::load(&self.ctrl, position).match_empty_or_deleted().lowest() {
                let slot = (position + bit) & self.mask;
                if is_full(self.ctrl[slot]) {
                    // Only in a table smaller than a group: the match was one of
                    // the EMPTY bytes past the slots (see the module comment).
                    return self.first_free_from_start();
                }
                return slot;
            }
            stride += GROUP;
            position = (position + stride) & self.mask;
        }
        unreachable!("swiss: no free slot although len < buckets")
    }

    /// The first free slot of a table smaller than a group: its window at 0
    /// shows every slot before any of the EMPTY bytes past them.
    fn first_free_from_start(&self) -> usize {
        match Group::load(&self.ctrl, 0).match_empty_or_deleted().lowest() {
            Some(slot) if slot < self.buckets() => slot,
            _ => unreachable!("swiss: no free slot although len < buckets"),
        }
    }

    /// Place an entry whose key is absent, into a table with a free slot.
    fn place(&mut self, entry: Entry<K, V>) -> usize {
        let slot = self.find_insert_slot(entry.hash);
        if self.ctrl[slot] == DELETED {
            self.deleted -= 1;
        }
        self.set_ctrl(slot, tag(entry.hash));
        self.slots[slot].write(entry);
        self.len += 1;
        self.top = self.top.max(slot + 1);
        slot
    }

    /// Swap in fresh storage of `buckets` slots and hand back the old.
    fn reset(&mut self, buckets: usize) -> Result<Detached<K, V>, AllocError> {
        let buckets = Self::usable_size(buckets, self.index);
        let ctrl = empty_ctrl(buckets)?;
        let slots = alloc::uninit_slice(buckets)?;
        let detached = Detached {
            ctrl: mem::replace(&mut self.ctrl, ctrl),
            slots: mem::replace(&mut self.slots, slots),
            top: self.top,
        };
        (self.home_multiplier, self.home_shift) = home_split(self.index, buckets);
        self.mask = buckets - 1;
        self.len = 0;
        self.deleted = 0;
        self.top = 0;
        Ok(detached)
    }

    /// Visits a successful lookup of the item in `slot` makes.
    fn probe_length(&self, slot: usize) -> u64 {
        // SAFETY: callers pass full slots only.
        let hash = unsafe { self.full_entry(slot) }.hash;
        let mut cursor = ProbeCursor::new();
        while let Some(found) = self.probe(hash, &mut cursor) {
            if found.0 == slot {
                return cursor.visited;
            }
        }
        unreachable!("swiss: item in slot {slot} not on its own probe sequence")
    }

    /// A probe's next candidate. A fresh cursor takes the straight path: load
    /// the home window, check its tag matches, and write the cursor back only
    /// on the way out (as a local, it stays in registers when inlined). A
    /// resumed cursor, and a probe that needs a second window, go on in
    /// [`Swiss::probe_resume`].
    #[inline]
    fn probe(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if cursor.started {
            return self.resume(hash, cursor);
        }
        let tag = tag(hash);
        let position = self.home(hash);
        let group = self.window(position);
        let mut visited = cursor.visited + 1;
        let mut matches = group.match_tag(tag).0;
        while matches != 0 {
            let bit = matches.trailing_zeros() as usize;
            matches &= matches - 1;
            visited += 1;
            let slot = (position + bit) & self.mask;
            // SAFETY: `slot <= mask`, and this window was loaded just now, so a
            // tag match is exact: byte `bit` of the window is `ctrl[slot]` (the
            // mirror repeats the head), a 7-bit tag, so the slot is full.
            if unsafe { self.full_entry(slot) }.hash == hash {
                *cursor = ProbeCursor {
                    started: true,
                    position,
                    step: 0,
                    visited,
                    matches: u64::from(matches) | LOADED,
                };
                return Some(SlotId(slot));
            }
        }
        let last = group.match_empty().any();
        *cursor = ProbeCursor {
            started: true,
            position,
            step: 0,
            visited,
            matches: if last { DONE } else { LOADED },
        };
        if last {
            // An EMPTY in the home window: the probe ends with it.
            return None;
        }
        self.resume(hash, cursor)
    }

    /// [`Swiss::probe_resume`] on a copy of the cursor. Only the copy's address
    /// reaches the (out-of-line) call, so a caller that inlines [`Swiss::probe`]
    /// keeps its own cursor in registers.
    #[inline(always)]
    fn resume(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        let mut copy = *cursor;
        let found = self.probe_resume(hash, &mut copy);
        *cursor = copy;
        found
    }

    /// [`Swiss::probe`] from a cursor that has started: hand out the rest of
    /// the window's matches, then move on window by window. Out of line: most
    /// probes end in their home window, and the loop's registers would
    /// otherwise be saved and restored on every call of `probe_next`.
    #[inline(never)]
    fn probe_resume(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if cursor.matches & DONE != 0 {
            return None;
        }
        if cursor.position > self.mask {
            // A stale cursor from a bigger table: end rather than index past the end.
            cursor.matches = DONE;
            return None;
        }
        let tag = tag(hash);
        let (mut position, mut step, mut visited, mut matches) =
            (cursor.position, cursor.step, cursor.visited, cursor.matches);
        let found = 'windows: loop {
            if matches & LOADED == 0 {
                visited += 1;
                matches = u64::from(self.window(position).match_tag(tag).0) | LOADED;
            }
            while matches & PENDING != 0 {
                let bit = matches.trailing_zeros() as usize;
                matches &= matches - 1;
                visited += 1;
                let slot = (position + bit) & self.mask;
                // SAFETY: `slot <= mask < ctrl.len()`.
                let byte = unsafe { *self.ctrl.get_unchecked(slot) };
                // Byte `bit` of the window is `ctrl[slot]` (the mirror repeats
                // the head), so this holds unless the cursor is stale: it
                // outlived a change to the table. Checking keeps such misuse
                // from reading an empty slot.
                if byte != tag {
                    continue;
                }
                // SAFETY: `slot <= mask` and `ctrl[slot]` is a 7-bit tag, so the
                // slot is full.
                if unsafe { self.full_entry(slot) }.hash == hash {
                    break 'windows Some(SlotId(slot));
                }
            }
            step += GROUP;
            if self.window(position).match_empty().any() || step >= self.buckets() {
                // An EMPTY ended the probe, or every window has been seen.
                matches = DONE;
                break None;
            }
            position = (position + step) & self.mask;
            matches = 0;
        };
        *cursor = ProbeCursor {
            started: true,
            position,
            step,
            visited,
            matches,
        };
        found
    }

    /// The highest full slot below `end`, scanning back a group at a time.
    fn last_full_below(&self, end: usize) -> Option<usize> {
        let mut end = end;
        while end > 0 {
            let from = end.saturating_sub(GROUP);
            let full = Group::load(&self.ctrl, from).match_full();
            // Keep the bits of slots `from..end`; the rest were seen already.
            let below_end = BitMask(full.0 & ((1u32 << (end - from)) - 1));
            if let Some(bit) = below_end.highest() {
                return Some(from + bit);
            }
            end = from;
        }
        None
    }

    /// hashbrown's rule: `EMPTY` unless the slot sits in a run of at least
    /// GROUP non-`EMPTY` slots, which some probe window may have seen full.
    fn vacated_byte(&self, slot: usize) -> u8 {
        let before = slot.wrapping_sub(GROUP) & self.mask;
        let empty_before = Group::load(&self.ctrl, before).match_empty();
        let empty_after = Group::load(&self.ctrl, slot).match_empty();
        if empty_before.leading_clear(GROUP) + empty_after.trailing_clear(GROUP) >= GROUP {
            DELETED
        } else {
            EMPTY
        }
    }
}

/// The panic of a `SlotId` that names no item: kept out of line, so the
/// checks in `entry` stay a compare and a branch.
#[cold]
#[inline(never)]
fn stale_slot(slot: SlotId) -> ! {
    panic!("swiss: slot {} holds no item (stale SlotId?)", slot.0)
}

/// Storage taken out of a table by [`Swiss::reset`]. Its `MaybeUninit` boxes
/// never drop an entry, so a panic while entries move out can leak one but
/// never drop it twice.
struct Detached<K, V> {
    ctrl: Box<[u8]>,
    slots: Box<[MaybeUninit<Entry<K, V>>]>,
    top: usize,
}

impl<K, V> Detached<K, V> {
    /// Move every entry out, in slot order.
    fn for_each(self, mut f: impl FnMut(Entry<K, V>)) {
        for slot in 0..self.top {
            if is_full(self.ctrl[slot]) {
                // SAFETY: the slot is full, so initialised, and `self` is
                // consumed here, so each entry is read exactly once.
                f(unsafe { self.slots[slot].assume_init_read() });
            }
        }
    }
}

impl<K, V> Drop for Swiss<K, V> {
    fn drop(&mut self) {
        if !mem::needs_drop::<Entry<K, V>>() {
            return;
        }
        for slot in 0..self.top {
            if is_full(self.ctrl[slot]) {
                // SAFETY: the slot is full, so its entry is initialised, and it
                // is dropped once: the table is going away.
                unsafe { self.slots[slot].assume_init_drop() };
            }
        }
    }
}

impl<K, V> CollisionStrategy<K, V> for Swiss<K, V>
where
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

    fn home_bucket(&self, hash: u64) -> usize {
        self.home(hash)
    }

    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        self.probe(hash, cursor)
    }

    #[inline]
    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.assert_full(slot);
        // SAFETY: `assert_full` checked that `slot < buckets` and that the slot is full.
        unsafe { self.full_entry(slot.0) }
    }

    #[inline]
    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        self.assert_full(slot);
        // SAFETY: `assert_full` checked that `slot < buckets == slots.len()` and
        // that the slot is full, so initialised.
        unsafe { self.slots.get_unchecked_mut(slot.0).assume_init_mut() }
    }

    /// The Table grows (or rebuilds away tombstones) before `len + deleted`
    /// passes max_load * buckets, which is below the slot count, so a free
    /// slot is always there and at least one slot stays `EMPTY`.
    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        assert!(self.len < self.buckets(), "swiss: insert into a full table");
        SlotId(self.place(entry))
    }

    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        self.assert_full(slot);
        let slot = slot.0;
        let byte = self.vacated_byte(slot);
        if byte == DELETED {
            self.deleted += 1;
        }
        self.set_ctrl(slot, byte);
        self.len -= 1;
        // SAFETY: the slot was full (checked above) and its control byte now
        // says it is not, so the entry is read out exactly once.
        let entry = unsafe { self.slots[slot].assume_init_read() };
        if slot + 1 == self.top {
            self.top = self.last_full_below(slot).map_or(0, |s| s + 1);
        }
        entry
    }

    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError> {
        self.reset(buckets.max(self.len + 1))?.for_each(|entry| {
            self.place(entry);
        });
        Ok(())
    }

    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError> {
        let fresh = Self::try_new(buckets, self.index)?;
        Ok(mem::replace(self, fresh))
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
    fn last_slot(&self) -> Option<SlotId> {
        self.top.checked_sub(1).map(SlotId)
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
