//! The dense entries under the index array: reading a live entry, placing
//! one, taking one out (its index slot `DUMMY`, a hole in the entries), and
//! the rebuild that indexes them afresh into new indices.

use super::indices::{with_indices, IndexWord, Indices, DUMMY, EMPTY};
use super::probe::Walk;
use super::Compact;
use crate::alloc::AllocError;
use crate::entry::Entry;
use crate::index::BucketIndex;
use crate::trace::Observer;

impl<K, V, O: Observer> Compact<K, V, O> {
    pub(super) fn live(&self, position: usize) -> &Entry<K, V> {
        match self.entries.get(position) {
            Some(Some(entry)) => entry,
            _ => panic!("compact: entry {position} holds no item (stale SlotId?)"),
        }
    }

    /// Append an entry whose key is absent and index it; there is an `EMPTY` slot.
    pub(super) fn place(&mut self, entry: Entry<K, V>) -> usize {
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
    pub(super) fn take_indexed(&mut self, position: usize, index_slot: usize) -> Entry<K, V> {
        self.indices.set(index_slot, DUMMY);
        self.take_marked(position, index_slot)
    }

    /// [`Compact::take_indexed`] once `index_slot` holds `DUMMY` already.
    #[inline]
    pub(super) fn take_marked(&mut self, position: usize, index_slot: usize) -> Entry<K, V> {
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
    pub(super) fn reindex(&mut self, slots: usize) -> Result<(), AllocError> {
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
        self.home_multiplier = super::home_multiplier(self.index, slots);
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

/// `(multiplier, shift)` such that, for a power-of-two `slots`,
/// `index.bucket(hash, slots)` is `(hash * multiplier) >> shift` masked to
/// `slots - 1` (as in swiss): `mod` and `mask` keep the low bits, and
/// Fibonacci's multiply-high by a power of two is a shift of the product.
/// For a rebuild's loop: no `match` on `index` per entry. (Lookups use
/// [`super::Compact`]'s one multiplier word instead: kept in the struct,
/// these three fields cost every strategy's hits 2 to 7 instructions in
/// `lookup_loop`, by the layout they changed.)
pub(super) fn home_split(index: BucketIndex, slots: usize) -> (u64, u32) {
    debug_assert!(slots.is_power_of_two());
    match index {
        BucketIndex::Mod | BucketIndex::Mask => (1, 0),
        // One slot: the mask is 0 whatever the shift, which must stay below 64.
        BucketIndex::Fibonacci => (GOLDEN_RATIO_64, (u64::BITS - slots.trailing_zeros()).min(u64::BITS - 1)),
    }
}

/// [`BucketIndex::Fibonacci`]'s multiplier (a test checks that
/// [`home_split`] agrees with [`BucketIndex::bucket`]).
pub(super) const GOLDEN_RATIO_64: u64 = 0x9E37_79B9_7F4A_7C15;
