//! The slot storage that `linear`, `robin_hood` and `quadratic` share.
//!
//! ```text
//!   meta:  [ 0 | m | 0 | m | m | 0 ]     one byte per slot; 0 is EMPTY, the rest is the
//!   slots: [ - | e | - | e | e | - ]     strategy's own (a tag, a displacement, a tombstone)
//!                             ^ end: one past the highest filled slot
//! ```
//!
//! A probe reads the byte array first and touches an entry only when its
//! byte says it may match, so most of a probe stays in one or two cache
//! lines. `end` lets iteration stop early and makes `last_slot` O(1).

use crate::alloc::{self, AllocError};
use crate::entry::{Entry, SlotId};
use crate::probe::IterCursor;

/// The metadata byte of a slot that holds nothing, in every strategy here.
pub(crate) const EMPTY: u8 = 0;

pub(crate) struct OpenSlots<K, V> {
    pub(crate) meta: Vec<u8>,
    pub(crate) slots: Vec<Option<Entry<K, V>>>,
    /// Items stored.
    pub(crate) len: usize,
    /// One past the highest filled slot.
    pub(crate) end: usize,
}

impl<K, V> OpenSlots<K, V> {
    pub(crate) fn with_slots(slots: usize) -> Result<Self, AllocError> {
        Ok(OpenSlots {
            meta: alloc::filled(EMPTY, slots)?,
            slots: alloc::filled_with(slots, || None)?,
            len: 0,
            end: 0,
        })
    }

    /// The entry in a filled slot; an empty one is a caller bug.
    pub(crate) fn entry(&self, slot: usize) -> &Entry<K, V> {
        self.slots[slot].as_ref().expect("open addressing: slot holds no entry")
    }

    pub(crate) fn entry_mut(&mut self, slot: usize) -> &mut Entry<K, V> {
        self.slots[slot].as_mut().expect("open addressing: slot holds no entry")
    }

    /// Every stored entry, in slot order.
    pub(crate) fn into_entries(self) -> impl Iterator<Item = Entry<K, V>> {
        self.slots.into_iter().flatten()
    }

    /// Pull `end` back after `slot` was emptied, past any slots `filled` rejects.
    pub(crate) fn vacated(&mut self, slot: usize, filled: impl Fn(u8) -> bool) {
        if slot + 1 == self.end {
            while self.end > 0 && !filled(self.meta[self.end - 1]) {
                self.end -= 1;
            }
        }
    }

    /// The next slot at or after the cursor whose byte `filled` accepts.
    pub(crate) fn next_filled(&self, cursor: &mut IterCursor, filled: impl Fn(u8) -> bool) -> Option<SlotId> {
        while cursor.position < self.end {
            let slot = cursor.position;
            cursor.position += 1;
            if filled(self.meta[slot]) {
                return Some(SlotId(slot));
            }
        }
        None
    }

    /// The highest filled slot, kept in `end`: O(1).
    pub(crate) fn last_slot(&self) -> Option<SlotId> {
        self.end.checked_sub(1).map(SlotId)
    }

    /// One `meta` byte and one `Option<Entry>` per slot, allocated up front.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.meta.capacity() + self.slots.capacity() * std::mem::size_of::<Option<Entry<K, V>>>()
    }
}
