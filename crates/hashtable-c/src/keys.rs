//! The table's copy of a key: up to 16 bytes inline, longer keys on the heap.
//!
//! ```text
//!   Key (24 bytes)   word 0                 word 1                      word 2
//!   len <= 16        | bytes 0..8          | bytes 8..16, zero-padded | len |
//!   len > 16         | pointer to a copy   | 0                        | len |
//! ```
//!
//! A short key (most words, every 8-byte integer key) costs no allocation, and
//! comparing it reads the entry the probe has already brought into cache: no
//! pointer chase. Sixteen bytes and a length do not fit in 16 bytes, so the
//! length has a word of its own and an entry (`hash`, `Key`, value) is 40
//! bytes. The length alone tells the two forms apart: a long key is longer
//! than any short one.
//!
//! A lookup packs the caller's short key once ([`Packed`]: its bytes as a
//! stored short key holds them, and its length), and each candidate is then
//! three word compares: no branch on the length, and a long key (a length
//! above 16) never equals a short one. A long key compares its length, then
//! its bytes 16 a step, with no call to `memcmp`.

use crate::errors::{ht_status, Failure};

/// Keys of at most this many bytes are stored inline.
pub(crate) const INLINE: usize = 16;

/// A key of at most [`INLINE`] bytes as a stored [`Key`] holds it: its bytes,
/// zero-padded, in two little-endian words, and its length.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Packed([u64; 3]);

impl Packed {
    /// `key` packed; the caller has checked that it is at most [`INLINE`] bytes.
    #[inline(always)]
    pub(crate) fn new(key: &[u8]) -> Packed {
        debug_assert!(key.len() <= INLINE);
        if key.len() == 8 {
            // The most common short key (an integer, a pointer) first: one
            // load, no tail (callgrind, ht_get_hashed hit on 1k keys: 64.0 -> 58.9).
            return Packed([u64::from_le_bytes(word::<8>(key, 0)), 0, 8]);
        }
        let [low, high] = pack(key);
        Packed([low, high, key.len() as u64])
    }

    /// The three words, for a call that passes them in registers.
    #[inline(always)]
    pub(crate) fn words(self) -> [u64; 3] {
        self.0
    }

    /// A key packed by [`Packed::new`], from its [`Packed::words`].
    #[inline(always)]
    pub(crate) fn from_words(words: [u64; 3]) -> Packed {
        debug_assert!(words[2] as usize <= INLINE);
        Packed(words)
    }

    /// The key's bytes, in the first `len` bytes of the array.
    pub(crate) fn unpack(self) -> ([u8; INLINE], usize) {
        let [low, high, len] = self.0;
        let mut bytes = [0u8; INLINE];
        bytes[..8].copy_from_slice(&low.to_le_bytes());
        bytes[8..].copy_from_slice(&high.to_le_bytes());
        (bytes, len as usize)
    }
}

#[derive(Clone, Copy)]
#[repr(C)]
struct Long {
    /// The first byte of a `Box<[u8]>` of the key's length.
    heap: *mut u8,
    /// Zero, so that word 1 of a long key is as defined as a short key's.
    unused: u64,
}

#[derive(Clone, Copy)]
#[repr(C, align(8))]
union Repr {
    /// A short key: [`Packed`]'s first two words as little-endian bytes.
    bytes: [u8; INLINE],
    long: Long,
}

/// A key's bytes, owned by the table.
#[repr(C)]
pub(crate) struct Key {
    repr: Repr,
    /// The key's length; above [`INLINE`], `repr` is [`Long`].
    len: usize,
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
        if key.len() <= INLINE {
            return Ok(Key::short(Packed::new(key)));
        }
        Key::new_on_heap(key)
    }

    /// A short key from its packed form.
    #[inline(always)]
    pub(crate) fn short(packed: Packed) -> Key {
        let [low, high, len] = packed.0;
        let mut bytes = [0u8; INLINE];
        bytes[..8].copy_from_slice(&low.to_le_bytes());
        bytes[8..].copy_from_slice(&high.to_le_bytes());
        Key {
            repr: Repr { bytes },
            len: len as usize,
        }
    }

    #[inline(never)]
    fn new_on_heap(key: &[u8]) -> Result<Key, Failure> {
        let mut copy = reserve(key.len())?;
        copy.extend_from_slice(key);
        let heap = Box::into_raw(copy.into_boxed_slice()).cast::<u8>();
        Ok(Key {
            repr: Repr {
                long: Long { heap, unused: 0 },
            },
            len: key.len(),
        })
    }

    /// Word `i` of the key's first 16 bytes (see the module comment).
    #[inline(always)]
    fn word(&self, i: usize) -> u64 {
        // SAFETY: both forms initialise all 16 bytes (a pointer is 8 bytes on
        // the 64-bit targets this library builds for, checked below), and any
        // bytes are a valid `[u8; 16]`.
        let bytes = unsafe { &self.repr.bytes };
        u64::from_le_bytes(word::<8>(bytes, 8 * i))
    }

    #[inline(always)]
    fn is_long(&self) -> bool {
        self.len > INLINE
    }

    /// The key's bytes.
    #[inline(always)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        if self.is_long() {
            // SAFETY: a long key was made with `heap` pointing to its `len`
            // bytes, which it owns until it is dropped.
            unsafe { std::slice::from_raw_parts(self.repr.long.heap, self.len) }
        } else {
            // SAFETY: a short key's bytes are its first `len <= 16` bytes.
            unsafe { &self.repr.bytes[..self.len] }
        }
    }

    /// Let go of a key known to be short, which owns no heap bytes, without
    /// the check its drop makes.
    #[inline(always)]
    pub(crate) fn forget_short(self) {
        debug_assert!(!self.is_long());
        std::mem::forget(self);
    }

    /// Whether this key is the short key `packed`: three word compares.
    #[inline(always)]
    pub(crate) fn matches_packed(&self, packed: Packed) -> bool {
        let [low, high, len] = packed.0;
        self.word(0) == low && self.word(1) == high && self.len as u64 == len
    }

    /// Whether this key's bytes are `key`'s.
    #[inline(always)]
    pub(crate) fn matches(&self, key: &[u8]) -> bool {
        if key.len() <= INLINE {
            return self.matches_packed(Packed::new(key));
        }
        if self.len != key.len() {
            return false;
        }
        // SAFETY: the length says this is a long key of `key.len()` bytes,
        // whose `heap` points to them.
        long_eq(unsafe { std::slice::from_raw_parts(self.repr.long.heap, key.len()) }, key)
    }
}

// A pointer fills word 0 of a long key exactly.
const _: () = assert!(std::mem::size_of::<*mut u8>() == 8 && std::mem::size_of::<Key>() == 24);

/// Equality of two byte strings of the same length, at least 16 bytes: 16
/// bytes a step, then the last 16 (overlapping what was compared). A loop
/// here instead of a call to `memcmp`, so that a lookup calls nothing: with
/// the call in its loop, every lookup saved six registers on the way in and
/// spilled its loop state (callgrind, ht_get_hashed hit: TODO).
#[inline(always)]
fn long_eq(stored: &[u8], key: &[u8]) -> bool {
    let len = key.len();
    debug_assert!(len == stored.len() && len >= STEP);
    let differs = |at: usize| {
        (u64::from_ne_bytes(word::<8>(stored, at)) ^ u64::from_ne_bytes(word::<8>(key, at)))
            | (u64::from_ne_bytes(word::<8>(stored, at + 8)) ^ u64::from_ne_bytes(word::<8>(key, at + 8)))
            != 0
    };
    let mut at = 0;
    while at + STEP < len {
        if differs(at) {
            return false;
        }
        at += STEP;
    }
    !differs(len - STEP)
}

/// Bytes `long_eq` compares a step.
const STEP: usize = 16;

/// A key of at most 16 bytes, zero-padded, as two little-endian words: built
/// from at most four loads, each within `key`, without a call to `memcpy`
/// (overlapping loads of the same bytes OR to the same bits).
#[inline(always)]
fn pack(key: &[u8]) -> [u64; 2] {
    let len = key.len();
    debug_assert!(len <= 16);
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
    // `pack` and `long_eq` check the length), so the read stays inside
    // `bytes`; [u8; N] has alignment 1.
    unsafe { bytes.as_ptr().add(at).cast::<[u8; N]>().read() }
}

impl Drop for Key {
    fn drop(&mut self) {
        if self.is_long() {
            // SAFETY: a long key owns the `Box<[u8]>` of `len` bytes that
            // `new_on_heap` turned into `heap`; this is its one release.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.repr.long.heap, self.len)) });
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
    fn a_packed_key_unpacks_to_its_bytes_and_matches_its_copy() {
        let source: Vec<u8> = (0..16u8).map(|b| b.wrapping_mul(91).wrapping_add(3)).collect();
        for len in 0..=INLINE {
            let packed = Packed::new(&source[..len]);
            let (bytes, unpacked_len) = Packed::from_words(packed.words()).unpack();
            assert_eq!(&bytes[..unpacked_len], &source[..len], "len {len}");
            assert!(Key::short(packed).matches_packed(packed));
            assert!(Key::new(&source[..len]).unwrap().matches_packed(packed), "len {len}");
        }
    }

    #[test]
    fn keys_that_differ_only_in_trailing_zeros_or_form_differ() {
        // Zero padding and a zero length byte must not make these equal.
        let keys: [&[u8]; 6] = [b"", b"\0", b"\0\0", b"a", b"a\0", &[0; 16]];
        for (i, a) in keys.iter().enumerate() {
            let key = Key::new(a).unwrap();
            assert_eq!(key.as_bytes().len(), a.len());
            for (j, b) in keys.iter().enumerate() {
                assert_eq!(key.matches(b), i == j, "{a:?} against {b:?}");
            }
        }
        // The longest short key and the shortest long one, same first bytes.
        let long = [7u8; INLINE + 1];
        let short = Key::new(&long[..INLINE]).unwrap();
        assert!(!short.matches(&long) && !Key::new(&long).unwrap().matches(&long[..INLINE]));
    }

    #[test]
    fn keys_of_up_to_16_bytes_live_inside_the_key_and_longer_ones_elsewhere() {
        let source = [0x5au8; 17];
        for len in [0, 1, 15, 16, 17] {
            let key = Key::new(&source[..len]).unwrap();
            let start = std::ptr::from_ref(&key).cast::<u8>();
            let inside = start..start.wrapping_add(std::mem::size_of::<Key>());
            let bytes = key.as_bytes().as_ptr();
            assert_eq!(inside.contains(&bytes), len <= 16, "len {len}");
            assert_eq!(key.as_bytes(), &source[..len]);
        }
    }

    #[test]
    fn a_key_copy_that_cannot_be_allocated_is_nomem() {
        let failure = reserve(isize::MAX as usize).unwrap_err();
        assert_eq!(failure.status, ht_status::HT_ERR_NOMEM);
    }
}
