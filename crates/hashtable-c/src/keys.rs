//! The table's copy of a key: up to 16 bytes inline, longer keys on the heap.
//!
//! ```text
//!   Key (24 bytes)          len <= 16                     len > 16
//!   +-----------+           +----------------------+      +----------+--------+
//!   | len       |           | the bytes, zero-     |      | pointer  | 8      |
//!   +-----------+           | padded to 16         |      | to len   | bytes  |
//!   | 16 bytes  |           +----------------------+      | bytes    | unused |
//!   +-----------+                                         +----------+--------+
//! ```
//!
//! A short key (most words, every 8-byte integer key) costs no allocation, and
//! comparing it reads the entry the probe has already brought into cache: no
//! pointer chase. An entry (`hash`, `Key`, value) is 40 bytes. Equality
//! compares lengths first, then a short key as at most two overlapping word
//! loads from each side (never past the caller's `len` bytes), a long one with
//! `memcmp`.

use crate::errors::{ht_status, Failure};

/// Keys of at most this many bytes are stored inline.
pub(crate) const INLINE: usize = 16;

#[derive(Clone, Copy)]
#[repr(C)]
union Bytes {
    inline: [u8; INLINE],
    /// The first byte of a `Box<[u8]>` of `len` bytes, when `len > INLINE`.
    heap: *mut u8,
}

/// A key's bytes, owned by the table.
pub(crate) struct Key {
    len: usize,
    bytes: Bytes,
}

// SAFETY: a Key owns its heap bytes alone (no other pointer to them exists)
// and never changes them after it is made, so moving it to or sharing it with
// another thread cannot race.
unsafe impl Send for Key {}
// SAFETY: as for Send: shared access only ever reads the bytes.
unsafe impl Sync for Key {}

impl Key {
    /// A copy of `key`. Fallible, so a long key that cannot be allocated is
    /// HT_ERR_NOMEM instead of an abort.
    #[inline]
    pub(crate) fn new(key: &[u8]) -> Result<Key, Failure> {
        let len = key.len();
        if len <= INLINE {
            let [low, high] = pack(key);
            let mut inline = [0u8; INLINE];
            inline[..8].copy_from_slice(&low.to_le_bytes());
            inline[8..].copy_from_slice(&high.to_le_bytes());
            return Ok(Key {
                len,
                bytes: Bytes { inline },
            });
        }
        Key::new_on_heap(key)
    }

    #[inline(never)]
    fn new_on_heap(key: &[u8]) -> Result<Key, Failure> {
        let mut copy = reserve(key.len())?;
        copy.extend_from_slice(key);
        let heap = Box::into_raw(copy.into_boxed_slice()).cast::<u8>();
        Ok(Key {
            len: key.len(),
            bytes: Bytes { heap },
        })
    }

    /// The key's bytes.
    #[inline(always)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        if self.len <= INLINE {
            // SAFETY: a key of at most INLINE bytes was made with `inline` set.
            unsafe { &self.bytes.inline[..self.len] }
        } else {
            // SAFETY: a longer key was made with `heap` pointing to its `len`
            // bytes, which it owns until it is dropped.
            unsafe { std::slice::from_raw_parts(self.bytes.heap, self.len) }
        }
    }

    /// Whether this key's bytes are `key`'s, for a `key` of at most 16 bytes.
    #[inline(always)]
    pub(crate) fn matches_short(&self, key: &[u8]) -> bool {
        debug_assert!(key.len() <= INLINE);
        // SAFETY: with equal lengths of at most INLINE, this key was made
        // with `inline` set.
        self.len == key.len() && short_eq(unsafe { &self.bytes.inline }, key)
    }

    /// Whether this key's bytes are `key`'s.
    #[inline(always)]
    pub(crate) fn matches(&self, key: &[u8]) -> bool {
        let len = key.len();
        if self.len != len {
            return false;
        }
        if len > INLINE {
            return long_eq(self.as_bytes(), key);
        }
        // SAFETY: `len <= INLINE` and the lengths are equal, so this key was
        // made with `inline` set.
        let stored = unsafe { &self.bytes.inline };
        short_eq(stored, key)
    }
}

/// Equality of a short stored key (zero-padded to 16 bytes) and a caller's key
/// of the same length `<= 16`: two overlapping loads per side, as memcpy
/// implementations compare small sizes. Every load lies within `key`.
#[inline(always)]
fn short_eq(stored: &[u8; INLINE], key: &[u8]) -> bool {
    let len = key.len();
    debug_assert!(len <= INLINE);
    let stored = &stored[..len];
    if len >= 8 {
        word::<8>(stored, 0) == word::<8>(key, 0) && word::<8>(stored, len - 8) == word::<8>(key, len - 8)
    } else if len >= 4 {
        word::<4>(stored, 0) == word::<4>(key, 0) && word::<4>(stored, len - 4) == word::<4>(key, len - 4)
    } else if len > 0 {
        stored[0] == key[0] && stored[len / 2] == key[len / 2] && stored[len - 1] == key[len - 1]
    } else {
        true
    }
}

/// Equality of two byte strings of the same length, longer than 16 bytes: 16
/// bytes a step, then the last 16 (overlapping what was compared). A loop
/// here instead of a call to `memcmp`, so that a lookup calls nothing: with
/// the call in its loop, every lookup saved six registers on the way in and
/// spilled its loop state (callgrind, ht_get_hashed hit: TODO).
#[inline(always)]
fn long_eq(stored: &[u8], key: &[u8]) -> bool {
    let len = key.len();
    debug_assert!(len == stored.len() && len > INLINE);
    let differs = |at: usize| {
        (u64::from_ne_bytes(word::<8>(stored, at)) ^ u64::from_ne_bytes(word::<8>(key, at)))
            | (u64::from_ne_bytes(word::<8>(stored, at + 8)) ^ u64::from_ne_bytes(word::<8>(key, at + 8)))
            != 0
    };
    let mut at = 0;
    while at + INLINE < len {
        if differs(at) {
            return false;
        }
        at += INLINE;
    }
    !differs(len - INLINE)
}

/// A key of at most 16 bytes, zero-padded, as two little-endian words: built
/// from at most four loads, each within `key`, without a call to `memcpy`
/// (overlapping loads of the same bytes OR to the same bits).
#[inline(always)]
fn pack(key: &[u8]) -> [u64; 2] {
    let len = key.len();
    debug_assert!(len <= INLINE);
    if len >= 8 {
        let low = u64::from_le_bytes(word::<8>(key, 0));
        // Bytes len - 8 .. len, shifted so that byte 8 lands at the bottom.
        let tail = u64::from_le_bytes(word::<8>(key, len - 8));
        [low, tail.checked_shr(8 * (16 - len) as u32).unwrap_or(0)]
    } else if len >= 4 {
        let head = u64::from(u32::from_le_bytes(word::<4>(key, 0)));
        let tail = u64::from(u32::from_le_bytes(word::<4>(key, len - 4)));
        [head | tail << (8 * (len - 4)), 0]
    } else if len > 0 {
        let byte = |at: usize| u64::from(key[at]) << (8 * at);
        [byte(0) | byte(len / 2) | byte(len - 1), 0]
    } else {
        [0, 0]
    }
}

/// `N` bytes of `bytes` from `at`, as one unaligned word (compared, never interpreted).
#[inline(always)]
fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    debug_assert!(at + N <= bytes.len());
    // SAFETY: callers pass `at + N <= bytes.len()` (the branches of
    // `short_eq` and `pack` check the length), so the read stays inside
    // `bytes`; [u8; N] has alignment 1.
    unsafe { bytes.as_ptr().add(at).cast::<[u8; N]>().read() }
}

impl Drop for Key {
    fn drop(&mut self) {
        if self.len > INLINE {
            // SAFETY: a long key owns the `Box<[u8]>` of `len` bytes that
            // `new_on_heap` turned into `heap`; this is its one release.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.bytes.heap, self.len)) });
        }
    }
}

/// An empty vector with room for `len` bytes, or HT_ERR_NOMEM.
pub(crate) fn reserve(len: usize) -> Result<Vec<u8>, Failure> {
    let mut copy = Vec::new();
    copy.try_reserve_exact(len).map_err(|_| {
        Failure::new(
            ht_status::HT_ERR_NOMEM,
            format!("out of memory copying a {len}-byte key"),
        )
    })?;
    Ok(copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_short_length_and_beyond_round_trip_and_compare() {
        let source: Vec<u8> = (0..41u8).map(|b| b.wrapping_mul(37).wrapping_add(1)).collect();
        for len in 0..=40 {
            let bytes = &source[..len];
            let key = Key::new(bytes).unwrap();
            assert_eq!(key.as_bytes(), bytes);
            assert!(key.matches(bytes));
            for at in 0..len {
                let mut other = bytes.to_vec();
                other[at] ^= 0x80;
                assert!(!key.matches(&other), "len {len}, byte {at}");
            }
            assert!(!key.matches(&source[..len.saturating_sub(1)]) || len == 0);
            assert!(!key.matches(&source[..len + 1]));
        }
    }

    #[test]
    fn a_key_copy_that_cannot_be_allocated_is_nomem() {
        let failure = reserve(isize::MAX as usize).unwrap_err();
        assert_eq!(failure.status, ht_status::HT_ERR_NOMEM);
    }
}
