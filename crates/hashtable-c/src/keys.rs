//! The table's copy of a key: up to 16 bytes inline, longer keys on the heap.
//!
//! ```text
//!   Key (24 bytes)  word 0              word 1               word 2
//!   len <= 15       | 0                | bytes 0..8        | bytes 8..15, zero-padded | len  |
//!   len == 16       | 0 ...  | byte 0  | bytes 1..9        | bytes 9..16              | 16   |
//!   len > 16        | 0                | pointer to a copy | len (56 bits)            | 0xFF |
//!                                                                                    byte 23
//! ```
//!
//! A short key (most words, every 8-byte integer key) costs no allocation, and
//! comparing it reads the entry the probe has already brought into cache: no
//! pointer chase. Byte 23 tells the three forms apart, and a key's bytes are
//! contiguous in every form (`ht_get_key` and the iterator hand out a pointer
//! to them): a 16-byte key starts one byte early, in word 0's top byte.
//!
//! A key of at most 15 bytes, the fast path's (`fast.rs`), is decided by
//! words 1 and 2 alone: a lookup packs the caller's key once ([`Packed`]: its
//! bytes and its length in the top byte, as those two words hold them), and
//! each candidate is then two word compares, with no branch on the length;
//! byte 23 keeps a 16-byte or a long key from equalling it. So the home
//! window's loop holds two words of key, not three: with a 16-byte packed form
//! (bytes in words 0 and 1, the length in word 2) the loop held a third, the
//! entry point saved two more registers, and ht_get_hashed took 64
//! instructions instead of 58 (`callgrind_c.py --strategy swiss --n 1000`).
//! A 16-byte key ([`Full`], the fast path's out-of-line form) compares
//! all three words, a long key its length, then its bytes 16 a step, with no
//! call to `memcmp`. An entry (`hash`, `Key`, value) is 40 bytes.

use crate::errors::{ht_status, Failure};

/// Keys of at most this many bytes are stored inline.
pub(crate) const INLINE: usize = 16;

/// Keys of at most this many bytes have a [`Packed`] form: their bytes and
/// length fit words 1 and 2.
pub(crate) const PACKED: usize = INLINE - 1;

/// Byte 23 of a long key (above any short key's length).
const LONG: u64 = 0xFF << 56;

/// The bits of word 2 holding a long key's length.
const LONG_LEN: u64 = (1 << 56) - 1;

/// Where a key of at most [`PACKED`] bytes starts in a [`Key`]: word 1.
const PACKED_AT: usize = 8;

/// Where a 16-byte key starts in a [`Key`]: word 0's top byte.
const FULL_AT: usize = PACKED_AT - 1;

/// A key of at most [`PACKED`] bytes as words 1 and 2 of a stored [`Key`]
/// hold it: its bytes, zero-padded, in two little-endian words, and its
/// length in the top byte.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Packed([u64; 2]);

impl Packed {
    /// `key` packed; the caller has checked that it is at most [`PACKED`] bytes.
    #[inline(always)]
    pub(crate) fn new(key: &[u8]) -> Packed {
        debug_assert!(key.len() <= PACKED);
        if key.len() == 8 {
            // The most common short key (an integer, a pointer) first: one
            // load, no tail (callgrind, ht_get_hashed hit on 1k keys: 64.0 -> 58.9).
            return Packed([u64::from_le_bytes(word::<8>(key, 0)), 8 << 56]);
        }
        let [low, high] = pack(key);
        // Byte 15 of a key of at most 15 bytes is padding, so zero.
        Packed([low, high | (key.len() as u64) << 56])
    }

    /// The two words, for a call that passes them in registers.
    #[inline(always)]
    pub(crate) fn words(self) -> [u64; 2] {
        self.0
    }

    /// A key packed by [`Packed::new`], from its [`Packed::words`].
    #[inline(always)]
    pub(crate) fn from_words(words: [u64; 2]) -> Packed {
        debug_assert!((words[1] >> 56) as usize <= PACKED);
        Packed(words)
    }

    /// The key's bytes, in the first `len` bytes of the array.
    pub(crate) fn unpack(self) -> ([u8; 16], usize) {
        let [low, high] = self.0;
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&low.to_le_bytes());
        bytes[8..].copy_from_slice(&high.to_le_bytes());
        (bytes, (high >> 56) as usize)
    }
}

/// A 16-byte key as a stored [`Key`]'s three words hold it (see the module
/// comment): for the fast path's own instantiation for such keys.
#[derive(Clone, Copy)]
pub(crate) struct Full([u64; 3]);

impl Full {
    /// `key` as three words; the caller has checked that it is [`INLINE`] bytes.
    #[inline(always)]
    pub(crate) fn new(key: &[u8]) -> Full {
        debug_assert!(key.len() == INLINE);
        let first = u64::from(key[0]) << 56;
        let middle = u64::from_le_bytes(word::<8>(key, 1));
        // Bytes 8..16 shifted down a byte: bytes 9..16, and the length on top.
        let last = u64::from_le_bytes(word::<8>(key, 8)) >> 8 | (INLINE as u64) << 56;
        Full([first, middle, last])
    }
}

/// A caller's key in the form the fast path compares and stores: [`Packed`]
/// (up to 15 bytes, two words) or [`Full`] (16 bytes, three). Each has its
/// own instantiation of the fast path, so the common one holds two words.
pub(crate) trait Needle: Copy {
    /// Whether `stored` is this key.
    fn found_in(self, stored: &Key) -> bool;
    /// The table's copy of this key.
    fn to_key(self) -> Key;
}

impl Needle for Packed {
    #[inline(always)]
    fn found_in(self, stored: &Key) -> bool {
        stored.matches_packed(self)
    }

    #[inline(always)]
    fn to_key(self) -> Key {
        Key::short(self)
    }
}

impl Needle for Full {
    #[inline(always)]
    fn found_in(self, stored: &Key) -> bool {
        (0..3).all(|i| stored.word(i) == self.0[i])
    }

    #[inline(always)]
    fn to_key(self) -> Key {
        let [first, middle, last] = self.0;
        Key(Repr {
            words: [first.to_le(), middle.to_le(), last.to_le()],
        })
    }
}

#[derive(Clone, Copy)]
#[repr(C)]
struct Long {
    /// Zero, so that every word of a long key is initialised.
    unused: u64,
    /// The first byte of a `Box<[u8]>` of the key's length.
    heap: *mut u8,
    /// Word 2: the length, and [`LONG`] in the top byte (little-endian bytes).
    len: [u8; 8],
}

#[derive(Clone, Copy)]
#[repr(C, align(8))]
union Repr {
    /// A short key's bytes (words, little-endian). For a long key, word 2
    /// read from here is its [`Long::len`].
    bytes: [u8; 24],
    /// The same as words, each little-endian.
    words: [u64; 3],
    long: Long,
}

/// A key's bytes, owned by the table.
pub(crate) struct Key(Repr);

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
        if key.len() <= PACKED {
            return Ok(Key::short(Packed::new(key)));
        }
        if key.len() == INLINE {
            return Ok(Full::new(key).to_key());
        }
        Key::new_on_heap(key)
    }

    /// A short key from its packed form.
    #[inline(always)]
    pub(crate) fn short(packed: Packed) -> Key {
        let [low, high] = packed.0;
        Key(Repr {
            words: [0, low.to_le(), high.to_le()],
        })
    }

    #[inline(never)]
    fn new_on_heap(key: &[u8]) -> Result<Key, Failure> {
        let len = key.len() as u64;
        if len > LONG_LEN {
            // Past any address space there is: no caller has such a buffer.
            return Err(Failure::new(
                ht_status::HT_ERR_NOMEM,
                format!("a {len}-byte key cannot be stored (at most 2^56 - 1 bytes)"),
            ));
        }
        let mut copy = reserve(key.len())?;
        copy.extend_from_slice(key);
        let heap = Box::into_raw(copy.into_boxed_slice()).cast::<u8>();
        Ok(Key(Repr {
            long: Long {
                unused: 0,
                heap,
                len: (len | LONG).to_le_bytes(),
            },
        }))
    }

    /// All three words' bytes.
    #[inline(always)]
    fn bytes(&self) -> &[u8; 24] {
        // SAFETY: every form initialises all 24 bytes (a pointer is 8 bytes
        // on the 64-bit targets this library builds for, checked below), and
        // any bytes are a valid `[u8; 24]`.
        unsafe { &self.0.bytes }
    }

    /// Word `i` of the key (see the module comment).
    #[inline(always)]
    fn word(&self, i: usize) -> u64 {
        // SAFETY: as for `bytes`: any initialised bytes are valid words.
        u64::from_le(unsafe { self.0.words[i] })
    }

    /// Byte 23: the length of a short key, 0xFF for a long one.
    #[inline(always)]
    fn tag(&self) -> usize {
        (self.word(2) >> 56) as usize
    }

    #[inline(always)]
    fn is_long(&self) -> bool {
        self.tag() > INLINE
    }

    /// The key's bytes.
    #[inline(always)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        let len = self.tag();
        if len <= PACKED {
            &self.bytes()[PACKED_AT..PACKED_AT + len]
        } else if len == INLINE {
            &self.bytes()[FULL_AT..FULL_AT + INLINE]
        } else {
            // SAFETY: a long key was made with `heap` pointing to its
            // length's bytes, which it owns until it is dropped.
            unsafe { std::slice::from_raw_parts(self.0.long.heap, (self.word(2) & LONG_LEN) as usize) }
        }
    }

    /// Let go of a key known to be short, which owns no heap bytes, without
    /// the check its drop makes.
    #[inline(always)]
    pub(crate) fn forget_short(self) {
        debug_assert!(!self.is_long());
        std::mem::forget(self);
    }

    /// Whether this key is the short key `packed`: two word compares.
    #[inline(always)]
    pub(crate) fn matches_packed(&self, packed: Packed) -> bool {
        self.word(1) == packed.0[0] && self.word(2) == packed.0[1]
    }

    /// Whether this key's bytes are `key`'s.
    #[inline(always)]
    pub(crate) fn matches(&self, key: &[u8]) -> bool {
        if key.len() <= PACKED {
            return self.matches_packed(Packed::new(key));
        }
        if key.len() == INLINE {
            return Full::new(key).found_in(self);
        }
        // A long key's word 2 is its length under LONG; a short key's top
        // byte is at most 16, so it never passes.
        if self.word(2) != key.len() as u64 | LONG {
            return false;
        }
        // SAFETY: word 2 says this is a long key of `key.len()` bytes, whose
        // `heap` points to them.
        long_eq(unsafe { std::slice::from_raw_parts(self.0.long.heap, key.len()) }, key)
    }
}

// A pointer fills word 1 of a long key exactly.
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
            let len = (self.word(2) & LONG_LEN) as usize;
            // SAFETY: a long key owns the `Box<[u8]>` of `len` bytes that
            // `new_on_heap` turned into `heap`; this is its one release.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.0.long.heap, len)) });
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
        for len in 0..=PACKED {
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
    }

    #[test]
    fn keys_around_the_forms_boundaries_differ_whatever_their_last_byte() {
        // A 15-byte key (packed), a 16-byte one (three words) and a 17-byte
        // one (heap) with the same first bytes, and a last byte equal to a
        // length or a tag: the byte that tells the forms apart must decide.
        for last in [0u8, 7, 15, 16, 17, 0xFF] {
            let mut bytes = [7u8; INLINE + 1];
            bytes[PACKED - 1] = last;
            bytes[PACKED] = last;
            bytes[INLINE] = last;
            let keys = [&bytes[..PACKED], &bytes[..INLINE], &bytes[..INLINE + 1]];
            for (i, a) in keys.iter().enumerate() {
                let key = Key::new(a).unwrap();
                assert_eq!(key.as_bytes(), *a);
                for (j, b) in keys.iter().enumerate() {
                    assert_eq!(
                        key.matches(b),
                        i == j,
                        "last byte {last}: {} against {}",
                        a.len(),
                        b.len()
                    );
                }
                assert_eq!(key.matches_packed(Packed::new(&bytes[..PACKED])), i == 0);
            }
        }
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
