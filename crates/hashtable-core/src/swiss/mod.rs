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
//!   user's [`BucketIndex`]; the tag is `h2 = (hash * C) >> 57` with `C` an odd
//!   64-bit constant. hashbrown takes the raw top seven bits, which suits its
//!   own well-mixed hashers; Python's `hash(i) == i` would give every small
//!   int tag 0 and turn each group match into a full scan, so one multiply
//!   spreads the tag instead. `C` differs from the Fibonacci index's
//!   multiplier, so the tag stays independent of the home slot.
//! * **Slot count**: `usable_size` rounds up to a power of two of at least
//!   GROUP slots: the triangular probe needs a power of two to reach every
//!   group, and a window must never be longer than the table.
//! * **Probe sequence**: group `i` starts at `pos_i = (h1 + GROUP * i(i+1)/2) mod
//!   buckets` (the stride grows by GROUP each time). With `g = buckets / GROUP`
//!   a power of two, `i(i+1)/2 mod g` takes every value for `i < g`, so `g`
//!   windows cover every slot. In a window, each slot whose tag matches has its
//!   stored 64-bit hash compared, and only equal hashes reach the caller's
//!   equality check; a window holding an `EMPTY` ends the probe, because an
//!   insert would have used that slot. A resumed probe continues from the
//!   cursor: `position` is the window start, `step` the stride, and `matches`
//!   the tag matches of that window not yet handed out.
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
//!   least a group (a 4-slot request gets 16), no useful insertion order, and
//!   tombstones under heavy delete traffic when runs reach a group's width.

mod group;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::mem::{self, MaybeUninit};

use self::group::{is_full, BitMask, ControlGroup, Group, DELETED, EMPTY};
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{BucketView, CollisionStrategy, ExpectedProbes, StrategyKind, Structure};

/// Slots matched per group.
const GROUP: usize = Group::WIDTH;

/// Multiplier for the tag: murmur3's finaliser constant (odd, unrelated to φ).
const TAG_MULTIPLIER: u64 = 0xFF51_AFD7_ED55_8CCD;

/// `ProbeCursor::matches`: bits 0..32 are the window's tag matches not yet
/// handed out; the flags say the window was loaded, that it held an `EMPTY`
/// (so the probe ends with it), or that the probe is over.
const PENDING: u64 = 0xFFFF_FFFF;
const LOADED: u64 = 1 << 32;
const LAST_WINDOW: u64 = 1 << 33;
const DONE: u64 = 1 << 34;

/// The 7-bit tag stored in a full slot's control byte.
#[inline]
fn tag(hash: u64) -> u8 {
    (hash.wrapping_mul(TAG_MULTIPLIER) >> 57) as u8
}

fn empty_ctrl(buckets: usize) -> Box<[u8]> {
    vec![EMPTY; buckets + GROUP].into_boxed_slice()
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
}

impl<K, V> Swiss<K, V> {
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        let buckets = Self::usable_size(buckets, index);
        Swiss {
            ctrl: empty_ctrl(buckets),
            slots: Box::new_uninit_slice(buckets),
            mask: buckets - 1,
            len: 0,
            deleted: 0,
            top: 0,
            index,
        }
    }

    /// A power of two, and at least one group (16 slots on x86_64, 8
    /// elsewhere): group windows must not outrun the table, and the triangular
    /// probe reaches every group only when their count is a power of two.
    pub fn usable_size(requested: usize, _index: BucketIndex) -> usize {
        requested
            .max(GROUP)
            .checked_next_power_of_two()
            .unwrap_or(1 << (usize::BITS - 1))
    }

    #[inline]
    fn buckets(&self) -> usize {
        self.mask + 1
    }

    #[inline]
    fn home(&self, hash: u64) -> usize {
        self.index.bucket(hash, self.buckets())
    }

    /// The stored entry of a full slot.
    ///
    /// # Safety
    /// `ctrl[slot]` must be a tag (the slot is full).
    #[inline]
    unsafe fn full_entry(&self, slot: usize) -> &Entry<K, V> {
        debug_assert!(is_full(self.ctrl[slot]));
        // SAFETY: the caller guarantees the slot is full, and a full slot's
        // entry is initialised (the invariant on `slots`).
        unsafe { self.slots[slot].assume_init_ref() }
    }

    fn assert_full(&self, slot: SlotId) {
        assert!(
            slot.0 < self.buckets() && is_full(self.ctrl[slot.0]),
            "swiss: slot {} holds no item (stale SlotId?)",
            slot.0
        );
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
                return (position + bit) & self.mask;
            }
            stride += GROUP;
            position = (position + stride) & self.mask;
        }
        unreachable!("swiss: no free slot although len < buckets")
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
    fn reset(&mut self, buckets: usize) -> Detached<K, V> {
        let buckets = Self::usable_size(buckets, self.index);
        let detached = Detached {
            ctrl: mem::replace(&mut self.ctrl, empty_ctrl(buckets)),
            slots: mem::replace(&mut self.slots, Box::new_uninit_slice(buckets)),
            top: self.top,
        };
        self.mask = buckets - 1;
        self.len = 0;
        self.deleted = 0;
        self.top = 0;
        detached
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

    #[inline]
    fn probe(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if !cursor.started {
            cursor.started = true;
            cursor.position = self.home(hash);
            cursor.step = 0;
            cursor.matches = 0;
        }
        if cursor.position > self.mask {
            // A stale cursor from a bigger table: end rather than index past the end.
            cursor.matches = DONE;
        }
        let tag = tag(hash);
        loop {
            if cursor.matches & DONE != 0 {
                return None;
            }
            if cursor.matches & LOADED == 0 {
                let group = Group::load(&self.ctrl, cursor.position);
                cursor.visited += 1;
                cursor.matches = u64::from(group.match_tag(tag).0) | LOADED;
                if group.match_empty().any() {
                    cursor.matches |= LAST_WINDOW;
                }
            }
            while cursor.matches & PENDING != 0 {
                let bit = cursor.matches.trailing_zeros() as usize;
                cursor.matches &= cursor.matches - 1;
                let slot = (cursor.position + bit) & self.mask;
                cursor.visited += 1;
                // Byte `bit` of the window is `ctrl[slot]` (the mirror repeats
                // the head), so this holds unless the cursor is stale: it
                // outlived a change to the table. Checking keeps such misuse
                // from reading an empty slot.
                if self.ctrl[slot] != tag {
                    continue;
                }
                // SAFETY: `ctrl[slot]` is a 7-bit tag, so the slot is full.
                if unsafe { self.full_entry(slot) }.hash == hash {
                    return Some(SlotId(slot));
                }
            }
            cursor.step += GROUP;
            if cursor.matches & LAST_WINDOW != 0 || cursor.step >= self.buckets() {
                // An EMPTY ended the probe, or every window has been seen.
                cursor.matches = DONE;
                return None;
            }
            cursor.position = (cursor.position + cursor.step) & self.mask;
            cursor.matches = 0;
        }
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

    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.assert_full(slot);
        // SAFETY: `assert_full` checked that the slot is full.
        unsafe { self.full_entry(slot.0) }
    }

    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        self.assert_full(slot);
        // SAFETY: `assert_full` checked that the slot is full, so initialised.
        unsafe { self.slots[slot.0].assume_init_mut() }
    }

    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        // The Table grows before `len + tombstones` reaches max_load * buckets,
        // which leaves an EMPTY slot. Used on its own, keep one anyway.
        if self.len + self.deleted + 1 >= self.buckets() {
            let buckets = self.buckets();
            self.rebuild(if self.len + 1 < buckets { buckets } else { buckets * 2 });
        }
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

    fn rebuild(&mut self, buckets: usize) {
        self.reset(buckets.max(self.len + 1)).for_each(|entry| {
            self.place(entry);
        });
    }

    fn drain(&mut self, buckets: usize) -> Vec<Entry<K, V>> {
        let mut drained = Vec::with_capacity(self.len);
        self.reset(buckets).for_each(|entry| drained.push(entry));
        drained
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
        match self.ctrl[bucket] {
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
