//! One stored item, and the handle that names where it lives.

/// A key, its value, and the full 64-bit hash the caller computed for the key.
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
