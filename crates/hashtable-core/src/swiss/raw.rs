//! The control bytes and the slot array under them: loading a window,
//! reading, placing and taking entries, and the storage a rebuild detaches.
//! The invariant every `unsafe` block here relies on: `ctrl` holds
//! `buckets + GROUP` bytes, and a slot's entry is initialised exactly where
//! its control byte is a tag.

use std::mem::{self, MaybeUninit};

use super::group::{is_full, BitMask, ControlGroup, Group, DELETED, EMPTY};
use super::{home_split, tag, Swiss, GROUP};
use crate::alloc::{self, AllocError};
use crate::entry::{Entry, SlotId};
use crate::trace::Observer;

pub(super) fn empty_ctrl(buckets: usize) -> Result<Box<[u8]>, AllocError> {
    Ok(alloc::filled(EMPTY, buckets + GROUP)?.into_boxed_slice())
}

impl<K, V, O: Observer> Swiss<K, V, O> {
    /// The GROUP control bytes from `position` (taken modulo the slot count).
    #[inline]
    pub(super) fn window(&self, position: usize) -> Group {
        let position = position & self.mask;
        // SAFETY: `position < buckets` and `ctrl` holds `buckets + GROUP` bytes.
        unsafe { Group::load_unchecked(&self.ctrl, position) }
    }

    /// Ask for the cache line of `slot`'s entry while the control bytes
    /// load: a lookup of a table bigger than the caches then waits for one
    /// memory access, not for the control bytes and then the entry (bench.c,
    /// 1M random keys, the C library's ht_get hit: 48.5 -> 41.9 ns, ht_remove
    /// 66.8 -> 56.9, a new key's ht_set 62.6 -> 57.8, a miss unchanged). Most
    /// hits are in the home slot or the next one, on the same line. A hint:
    /// no effect on what the program computes.
    #[inline(always)]
    pub(super) fn prefetch_entry(&self, slot: usize) {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        // SAFETY: a prefetch reads nothing the program sees and never
        // faults, whatever the address; SSE2 is enabled (cfg).
        unsafe {
            use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(self.slots.as_ptr().wrapping_add(slot).cast());
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        let _ = slot;
    }

    /// The stored entry of a full slot.
    ///
    /// # Safety
    /// `slot < buckets` and `ctrl[slot]` must be a tag (the slot is full).
    #[inline]
    pub(super) unsafe fn full_entry(&self, slot: usize) -> &Entry<K, V> {
        debug_assert!(slot < self.buckets() && is_full(self.ctrl[slot]));
        // SAFETY: the caller guarantees `slot < buckets == slots.len()` and that
        // the slot is full, and a full slot's entry is initialised (the
        // invariant on `slots`).
        unsafe { self.slots.get_unchecked(slot).assume_init_ref() }
    }

    /// Whether `slot` names a full slot of this table.
    #[inline]
    pub(super) fn holds_item(&self, slot: SlotId) -> bool {
        // SAFETY: `slot.0 <= mask < ctrl.len()`, checked first.
        slot.0 <= self.mask && is_full(unsafe { *self.ctrl.get_unchecked(slot.0) })
    }

    #[inline]
    pub(super) fn assert_full(&self, slot: SlotId) {
        if !self.holds_item(slot) {
            stale_slot(slot);
        }
    }

    /// The entry in `slot`; a slot that holds no item panics.
    #[inline]
    pub(super) fn checked_entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.assert_full(slot);
        // SAFETY: `assert_full` checked that `slot < buckets` and that the slot is full.
        unsafe { self.full_entry(slot.0) }
    }

    #[inline]
    pub(super) fn checked_entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        self.assert_full(slot);
        // SAFETY: `assert_full` checked that `slot < buckets == slots.len()` and
        // that the slot is full, so initialised.
        unsafe { self.slots.get_unchecked_mut(slot.0).assume_init_mut() }
    }

    /// Take the item out of `slot` under hashbrown's deletion rule; a slot
    /// that holds no item panics.
    #[inline]
    pub(super) fn take(&mut self, slot: SlotId) -> Entry<K, V> {
        self.assert_full(slot);
        // SAFETY: `assert_full` checked that the slot is full.
        unsafe { self.take_full(slot.0) }
    }

    /// [`Swiss::take`] of a slot known to be full.
    ///
    /// # Safety
    /// `slot <= mask` and `ctrl[slot]` must be a tag (the slot is full).
    /// Always inlined: out of line, its call, saved registers and the entry
    /// handed back through memory cost a delete 12 instructions (callgrind,
    /// the C library's ht_remove).
    #[inline(always)]
    pub(super) unsafe fn take_full(&mut self, slot: usize) -> Entry<K, V> {
        let byte = self.vacated_byte(slot);
        // SAFETY: the contract, passed on; `byte` is the slot's vacated byte.
        unsafe { self.take_full_as(slot, byte) }
    }

    /// [`Swiss::take_full`] with [`Swiss::vacated_byte`] inlined too, for
    /// the C library's ht_remove (`remove_found`): out of line, that call
    /// and the registers it saved cost a delete 11 instructions
    /// (`callgrind_c.py --ops`: 147.4 -> 136.3). The Python binding's
    /// removals keep `take_full`: with the rule inlined into every caller, a
    /// chaining table's `update()` of new keys cost 10 instructions more a
    /// key (`callgrind_lookup.py --op build`), through the inliner's choices
    /// elsewhere.
    ///
    /// # Safety
    /// As for `take_full`.
    #[inline(always)]
    pub(super) unsafe fn take_found(&mut self, slot: usize) -> Entry<K, V> {
        let byte = self.vacated_byte_inline(slot);
        // SAFETY: the contract, passed on; `byte` is the slot's vacated byte.
        unsafe { self.take_full_as(slot, byte) }
    }

    /// `take_full` with the slot's vacated byte already decided.
    ///
    /// # Safety
    /// As for `take_full`, and `byte` is [`Swiss::vacated_byte`] of `slot`.
    #[inline(always)]
    unsafe fn take_full_as(&mut self, slot: usize, byte: u8) -> Entry<K, V> {
        debug_assert!(self.holds_item(SlotId(slot)));
        if byte == DELETED {
            self.deleted += 1;
        }
        self.observer.removed(slot, byte == DELETED);
        self.set_ctrl(slot, byte);
        self.len -= 1;
        // SAFETY: the slot was full (the caller's promise, so `slot <
        // slots.len()`) and its control byte now says it is not, so the
        // entry is read out exactly once.
        let entry = unsafe { self.slots.get_unchecked(slot).assume_init_read() };
        if slot + 1 == self.top {
            self.top = self.last_full_below(slot).map_or(0, |s| s + 1);
        }
        entry
    }

    /// Write a control byte and, for the first GROUP slots, its mirror.
    #[inline]
    pub(super) fn set_ctrl(&mut self, slot: usize, byte: u8) {
        assert!(slot <= self.mask, "swiss: control byte {slot} past the slots");
        let mirror = (slot.wrapping_sub(GROUP) & self.mask) + GROUP;
        // SAFETY: `slot <= mask` (checked) and `mirror <= mask + GROUP`, both
        // below `ctrl.len() == buckets + GROUP`.
        unsafe {
            *self.ctrl.get_unchecked_mut(slot) = byte;
            *self.ctrl.get_unchecked_mut(mirror) = byte;
        }
    }

    /// Place an entry whose key is absent, into a table with a free slot.
    pub(super) fn place(&mut self, entry: Entry<K, V>) -> usize {
        let slot = self.find_insert_slot(entry.hash);
        self.place_at(slot, entry);
        slot
    }

    /// Place an entry whose key is absent into `slot`, the first `EMPTY` or
    /// `DELETED` slot along its probe sequence.
    #[inline]
    pub(super) fn place_at(&mut self, slot: usize, entry: Entry<K, V>) {
        if self.ctrl[slot] == DELETED {
            self.deleted -= 1;
        }
        self.observer.place(slot, self.ctrl[slot] == DELETED);
        self.set_ctrl(slot, tag(entry.hash));
        self.slots[slot].write(entry);
        self.len += 1;
        self.top = self.top.max(slot + 1);
    }

    /// The control byte of `slot` if it is a slot of the table that holds
    /// no item (`EMPTY` or `DELETED`).
    #[inline(always)]
    pub(super) fn free_byte(&self, slot: usize) -> Option<u8> {
        // SAFETY: `slot <= mask < ctrl.len()`, checked first.
        let byte = (slot <= self.mask).then(|| unsafe { *self.ctrl.get_unchecked(slot) })?;
        (!is_full(byte)).then_some(byte)
    }

    /// [`Swiss::place_at`] with the checks done: no bounds check on the
    /// way (the C library's insert of a new key runs this inline;
    /// `callgrind_c.py --ops`, an insert: 238.4 instructions with the bounds
    /// checks of `free_byte` and the three writes, 229.9 without).
    ///
    /// # Safety
    /// `slot <= mask`, and `byte` is its control byte, `EMPTY` or `DELETED`.
    #[inline(always)]
    pub(super) unsafe fn place_free(&mut self, slot: usize, byte: u8, entry: Entry<K, V>) {
        debug_assert!(slot <= self.mask && self.ctrl[slot] == byte && !is_full(byte));
        if byte == DELETED {
            self.deleted -= 1;
        }
        self.observer.place(slot, byte == DELETED);
        let tag = tag(entry.hash);
        let mirror = (slot.wrapping_sub(GROUP) & self.mask) + GROUP;
        // SAFETY: `slot <= mask` (the contract) and `mirror <= mask + GROUP`,
        // both below `ctrl.len() == buckets + GROUP`, and `slot` below
        // `slots.len()`; the slot holds no item, so the write overwrites none.
        unsafe {
            *self.ctrl.get_unchecked_mut(slot) = tag;
            *self.ctrl.get_unchecked_mut(mirror) = tag;
            self.slots.get_unchecked_mut(slot).write(entry);
        }
        self.len += 1;
        self.top = self.top.max(slot + 1);
    }

    /// [`Swiss::place`] during a rebuild, into fresh storage with more
    /// slots than entries and no `DELETED` byte: the first `EMPTY` along
    /// the probe, with no bounds checks.
    #[inline]
    pub(super) fn place_fresh(&mut self, entry: Entry<K, V>) {
        debug_assert!(self.deleted == 0 && self.len < self.buckets());
        let mut position = self.home(entry.hash);
        let mut stride = 0;
        let slot = loop {
            if let Some(bit) = self.window(position).match_empty_or_deleted().lowest() {
                let slot = (position + bit) & self.mask;
                // SAFETY: `slot <= mask < ctrl.len()`.
                if is_full(unsafe { *self.ctrl.get_unchecked(slot) }) {
                    // A table smaller than a group (see `find_insert_slot`).
                    break self.first_free_from_start();
                }
                break slot;
            }
            stride += GROUP;
            position = (position + stride) & self.mask;
        };
        // SAFETY: `slot <= mask`, and in fresh storage with no DELETED byte
        // the free slot the walk found is EMPTY.
        unsafe { self.place_free(slot, EMPTY, entry) }
    }

    /// [`Swiss::place_fresh`] for a rebuild into at least GROUP slots, the
    /// loop hashbrown's resize runs: a window's first `EMPTY` is a slot of
    /// the table (past the slots, the mirror shows the head's own bytes),
    /// and `len` and `top` are the rebuild's to set once at the end.
    #[inline(always)]
    pub(super) fn place_rebuilt(&mut self, entry: Entry<K, V>) {
        debug_assert!(self.deleted == 0 && self.buckets() >= GROUP);
        let mut position = self.home(entry.hash);
        let mut stride = 0;
        let bit = loop {
            if let Some(bit) = self.window(position).match_empty_or_deleted().lowest() {
                break bit;
            }
            stride += GROUP;
            position = (position + stride) & self.mask;
        };
        let slot = (position + bit) & self.mask;
        self.observer.place(slot, false);
        let tag = tag(entry.hash);
        let mirror = (slot.wrapping_sub(GROUP) & self.mask) + GROUP;
        // SAFETY: `slot <= mask` and `mirror <= mask + GROUP`, both below
        // `ctrl.len() == buckets + GROUP` and `slot` below `slots.len()`;
        // the slot was EMPTY, so writing the entry overwrites nothing.
        unsafe {
            *self.ctrl.get_unchecked_mut(slot) = tag;
            *self.ctrl.get_unchecked_mut(mirror) = tag;
            self.slots.get_unchecked_mut(slot).write(entry);
        }
    }

    /// Swap in fresh storage of `buckets` slots and hand back the old.
    pub(super) fn reset(&mut self, buckets: usize) -> Result<Detached<K, V>, AllocError> {
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

    /// The highest full slot below `end`, scanning back a group at a time.
    pub(super) fn last_full_below(&self, end: usize) -> Option<usize> {
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
    pub(super) fn vacated_byte(&self, slot: usize) -> u8 {
        let before = slot.wrapping_sub(GROUP) & self.mask;
        let empty_before = self.window(before).match_empty();
        let empty_after = self.window(slot).match_empty();
        if empty_before.leading_clear(GROUP) + empty_after.trailing_clear(GROUP) >= GROUP {
            DELETED
        } else {
            EMPTY
        }
    }

    /// [`Swiss::vacated_byte`], always inlined (see [`Swiss::take_found`]);
    /// a test holds the two equal. Kept apart so that the other callers'
    /// inlining stays the compiler's choice: in the Python binding it keeps
    /// the rule out of line, in the core's benchmarks inline.
    #[inline(always)]
    pub(super) fn vacated_byte_inline(&self, slot: usize) -> u8 {
        let run = self.window(slot.wrapping_sub(GROUP)).match_empty().leading_clear(GROUP)
            + self.window(slot).match_empty().trailing_clear(GROUP);
        if run >= GROUP {
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
pub(super) struct Detached<K, V> {
    ctrl: Box<[u8]>,
    slots: Box<[MaybeUninit<Entry<K, V>>]>,
    top: usize,
}

impl<K, V> Detached<K, V> {
    /// Move every entry out, in slot order.
    pub(super) fn for_each(self, mut f: impl FnMut(Entry<K, V>)) {
        // A group of control bytes at a time, as hashbrown's iterator reads
        // them: one match per GROUP slots, one bit per full slot.
        if self.slots.len() >= GROUP {
            // The slot count is a power of two, so a multiple of GROUP: each
            // window below `top` lies within the slots, and its slots from
            // `top` on are not full. No check per slot.
            let mut start = 0;
            while start < self.top {
                let mut full = Group::load(&self.ctrl, start).match_full().0;
                while full != 0 {
                    let slot = start + full.trailing_zeros() as usize;
                    full &= full - 1;
                    // SAFETY: the slot is full (its control byte, read just
                    // now, is a tag) and below `start + GROUP <= slots.len()`,
                    // so initialised; `self` is consumed here, so each entry
                    // is read exactly once.
                    f(unsafe { self.slots.get_unchecked(slot).assume_init_read() });
                }
                start += GROUP;
            }
            return;
        }
        let mut start = 0;
        while start < self.top {
            let mut full = Group::load(&self.ctrl, start).match_full().0;
            while full != 0 {
                let slot = start + full.trailing_zeros() as usize;
                full &= full - 1;
                if slot >= self.top {
                    break;
                }
                // SAFETY: the slot is full (its control byte, read just
                // now, is a tag) and below `top <= slots.len()`, so
                // initialised; `self` is consumed here, so each entry is
                // read exactly once.
                f(unsafe { self.slots.get_unchecked(slot).assume_init_read() });
            }
            start += GROUP;
        }
    }
}

impl<K, V, O> Drop for Swiss<K, V, O> {
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
