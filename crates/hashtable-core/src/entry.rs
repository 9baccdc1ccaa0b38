//! One stored item, and the handle that names where it lives.

/// A key, its value, and the 64-bit hash the caller computed for the key, as
/// the strategy stores it ([`crate::CollisionStrategy::probe_hash`]: the
/// caller's own, or [`unreserved_hash`] of it in the open-addressing slots).
///
/// The hash is kept so that a resize never asks the caller to hash again and a
/// probe can reject most non-matching entries without calling the equality check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<K, V> {
    pub hash: u64,
    pub key: K,
    pub value: V,
}

impl<K, V> Entry<K, V> {
    pub fn new(hash: u64, key: K, value: V) -> Self {
        Entry { hash, key, value }
    }
}

/// The stored hash of a slot that holds nothing, in the open-addressing slots.
pub(crate) const EMPTY_HASH: u64 = u64::MAX;
/// The stored hash of a slot whose item was deleted (quadratic's tombstone).
pub(crate) const TOMBSTONE_HASH: u64 = 1 << 63;

/// The hash the open-addressing slots store and probe with for a caller's
/// `hash`: the same value, except for the two values they reserve to mark a
/// slot empty (`u64::MAX`) or a tombstone (`1 << 63`), which become their
/// neighbours `hash ^ 1`. The other strategies reserve no value and store
/// the caller's hash as it is ([`crate::CollisionStrategy::probe_hash`]).
///
/// Two keys whose hashes differ only in that last bit share a stored hash:
/// the caller's equality check tells them apart, as it does for any equal
/// hashes. So a stored `u64::MAX - 1` or `(1 << 63) | 1` may be either one
/// ([`crate::CollisionStrategy::original_hash`]). Python's `hash()` never
/// returns -1 (`u64::MAX`), and no int or float hashes to `-2**63`, but a
/// named hash can (`seed` of the int -1 is `u64::MAX`).
///
/// ```
/// use hashtable_core::entry::unreserved_hash;
///
/// assert_eq!(unreserved_hash(42), 42);
/// assert_eq!(unreserved_hash(u64::MAX), u64::MAX - 1);
/// assert_eq!(unreserved_hash(unreserved_hash(1 << 63)), unreserved_hash(1 << 63));
/// ```
#[inline]
pub fn unreserved_hash(hash: u64) -> u64 {
    // Rotated left by one, the two reserved values become u64::MAX and 1; one
    // more and they are 0 and 2, the only values with no bit but bit 1 set.
    // Four instructions on every lookup, where the two comparisons took
    // eight. A branch, not arithmetic on the hash: it is taken once in 2^63
    // hashes, so it is always predicted, and the hash goes on to the index
    // at once, where folding the test into the value put five dependent
    // instructions between a freshly computed hash and its probe.
    let probe = hash.rotate_left(1).wrapping_add(1);
    let unreserved = if probe & !2 == 0 {
        std::hint::cold_path();
        hash ^ 1
    } else {
        hash
    };
    debug_assert!(is_item_hash(unreserved));
    // SAFETY: true on both paths: only `u64::MAX` and `1 << 63` give a
    // `probe` with no bit but bit 1 set, and those two become `hash ^ 1`,
    // which is neither. Stated, it lets the optimiser drop a strategy's own
    // guard against a probe for `EMPTY_HASH` (linear probing's
    // `settle_forward`), which it cannot derive from the rotate: 2
    // instructions a lookup (`callgrind_core.py --table linear-static`).
    unsafe { std::hint::assert_unchecked(is_item_hash(unreserved)) };
    unreserved
}

/// Whether `stored`, a hash the open-addressing slots stored, may be
/// [`unreserved_hash`]'s move of a reserved value rather than the caller's
/// own hash: then a copy into a table of another strategy must hash the key
/// again.
#[inline]
pub(crate) fn may_be_moved(stored: u64) -> bool {
    stored == EMPTY_HASH ^ 1 || stored == TOMBSTONE_HASH ^ 1
}

/// Whether a stored hash marks an item, not an empty slot or a tombstone.
#[inline]
pub(crate) fn is_item_hash(hash: u64) -> bool {
    hash != EMPTY_HASH && hash != TOMBSTONE_HASH
}

/// Where an entry lives inside one strategy's storage.
///
/// A `SlotId` is only meaningful until the table is next modified: callers that
/// release the table between finding and using a slot must re-check
/// [`crate::Table::generation`] first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SlotId(pub(crate) usize);

impl SlotId {
    pub fn index(self) -> usize {
        self.0
    }
}

#[cfg(test)]
mod unreserved_hash_tests {
    use super::{unreserved_hash, EMPTY_HASH, TOMBSTONE_HASH};

    #[test]
    fn only_the_reserved_values_move() {
        let near = |center: u64| (0..64u64).flat_map(move |d| [center.wrapping_add(d), center.wrapping_sub(d)]);
        let samples = near(EMPTY_HASH)
            .chain(near(TOMBSTONE_HASH))
            .chain(near(0))
            .chain(near(1 << 62))
            .chain((0..64).map(|bit| 1u64 << bit))
            .chain((0..64).map(|bit| !(1u64 << bit)));
        for hash in samples {
            let reserved = hash == EMPTY_HASH || hash == TOMBSTONE_HASH;
            assert_eq!(
                unreserved_hash(hash),
                if reserved { hash ^ 1 } else { hash },
                "{hash:#x}"
            );
        }
    }
}
