//! Named native hash functions, for tables whose user picked `hash_func="fnv1a"`
//! (or another name) instead of Python's own `hash`.
//!
//! The engine still never sees a Python object. The Python layer reduces each
//! key to a [`CanonicalKey`] and asks a [`NamedHash`] for its 64-bit hash:
//!
//! ```text
//!   Python key            CanonicalKey          bytes hashed (all but seed/knuth)
//!   ------------------    -------------------   ---------------------------------
//!   7, True, 7.0          Int(7)                07 00 00 00 00 00 00 00   (i64, little-endian)
//!   2.5                   Float(2.5)            the f64's bits, little-endian
//!   "héllo"               Text("héllo")         its UTF-8 bytes (6 of them)
//!   b"ab"                 Bytes(b"ab")          61 62
//!   (1, 2), 2**80, ...    PreHashed(hash(key))  the u64, little-endian
//! ```
//!
//! The Python layer guarantees that equal keys arrive as the same
//! `CanonicalKey` (so `1 == 1.0 == True` all arrive as `Int(1)`, and a float
//! arrives as `Float` only when it is not integral). Every function here is a
//! pure function of the canonical key and the table's own key or seed, so equal
//! keys always hash equal. Unequal keys may collide (`Int(5)` and
//! `PreHashed(5)` do, for every function): that is what collision strategies
//! are for.
//!
//! The functions, from worst to best spread:
//!
//! * **`seed`**: the original C table's default. An int hashes to itself (its
//!   two's-complement bits), a float to its floor (`inf` and `nan` saturate as
//!   Rust's `as` does: to `i64::MAX`/`i64::MIN` and 0), a str to its length in
//!   characters, bytes to their length, a pre-hashed key to itself. Every
//!   string of one length collides: the lab shows what that does to chains.
//! * **`knuth`**: multiplicative hashing, `x * 2654435761` (2^32/φ) wrapping in
//!   64 bits. Ints, float bits and pre-hashed values are `x` directly. Text and
//!   bytes are first folded to one word with the polynomial `h = 31 * h + byte`
//!   (Java's `String.hashCode`, in 64-bit wrapping arithmetic, from `h = 0`),
//!   then multiplied. Only the high bits of the product are well mixed, so
//!   `index="mod"` with a power-of-two size still clusters; `fibonacci` hides it.
//! * **`fnv1a`**: 64-bit FNV-1a (the `fnv` crate): one xor and one multiply per
//!   byte. Simple and decent on short keys.
//! * **`murmur3`**: MurmurHash3_x64_128 with seed 0, implemented below in 40
//!   lines (the widely used `murmur3` crate reads through `std::io::Read` and
//!   returns an `io::Result`; the slice-based ones are little used). The hash
//!   is `h1`, the first 8 bytes of the reference 16-byte digest read
//!   little-endian, i.e. the first value of Python `mmh3.hash64(data)`. The
//!   tests check it against outputs of the reference C++ code.
//! * **`siphash13`**: SipHash-1-3, computed here in one pass (the value of the
//!   `siphasher` crate's streaming hasher, which the tests check at every
//!   length up to 255), keyed with 128
//!   random bits per table, so an attacker who does not know the key cannot
//!   pick keys that collide: the only function here that resists flooding.
//!   This is the function CPython itself uses for `str` and `bytes`.
//! * **`xxh3`**: XXH3 64-bit, seed 0 (the `xxhash-rust` crate). Very fast on
//!   long inputs; unkeyed, so not flooding-resistant.
//! * **`foldhash`**: the `foldhash` crate's fast variant, seeded per table
//!   (`FixedState::with_seed`). Ints go through its native `write_u64` path
//!   (one folded multiply); text and bytes through `write`. It is what
//!   `hashbrown` uses by default. Its seed varies the hash per table but it
//!   makes no cryptographic promise.
//!
//! Keys for `siphash13` and seeds for `foldhash` come from a [`KeySource`]:
//! either fixed by the caller (tests, reproducible lab runs) or random. Random
//! keys come from [`random_key`], which uses only the standard library: each
//! `std::collections::hash_map::RandomState` is keyed from the operating
//! system's random source (once per thread, then stepped per instance), and
//! two SipHash outputs under that secret key are unpredictable 64-bit words.
//! A table must keep its `NamedHash` for its whole life (stored hashes are
//! reused on resize), and a copy of a table must copy it too: `NamedHash` is
//! `Copy` for that reason.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};

/// A Python key reduced to the form the native hash functions read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CanonicalKey<'a> {
    /// An int that fits in an `i64`, or a bool, or an integral float.
    Int(i64),
    /// A float that is not integral (and so equals no int).
    Float(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
    /// Python's `hash()` of any other key: a tuple, a big int, a frozenset,
    /// a user object.
    PreHashed(u64),
}

/// The names [`NamedHash::from_name`] accepts, in the order of the lab's tables.
pub const NAMES: &[&str] = &["seed", "knuth", "fnv1a", "murmur3", "siphash13", "xxh3", "foldhash"];

/// Knuth's multiplicative constant for 32-bit words: 2^32 / φ, rounded to a prime.
pub const KNUTH_MULTIPLIER: u64 = 2_654_435_761;

/// Where a keyed function gets its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A fresh unpredictable key from [`random_key`]. Use this for real tables.
    Random,
    /// A key chosen by the caller: `siphash13` uses both words, `foldhash`
    /// uses the first as its seed. For tests and reproducible experiments.
    Fixed([u64; 2]),
}

impl KeySource {
    fn key(self) -> [u64; 2] {
        match self {
            KeySource::Random => random_key(),
            KeySource::Fixed(key) => key,
        }
    }
}

/// 128 unpredictable bits from the standard library's randomly keyed hasher.
pub fn random_key() -> [u64; 2] {
    let state = RandomState::new();
    let word = |tag: u64| {
        let mut hasher = state.build_hasher();
        hasher.write_u64(tag);
        hasher.finish()
    };
    [word(0), word(1)]
}

/// A name given to [`NamedHash::from_name`] that is not in [`NAMES`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownHashName {
    pub name: String,
}

impl fmt::Display for UnknownHashName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "hash_func must be a callable or one of {}, got {:?}",
            NAMES.join(", "),
            self.name
        )
    }
}

impl std::error::Error for UnknownHashName {}

/// A native hash function, together with its per-table key where it has one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NamedHash {
    Seed,
    Knuth,
    Fnv1a,
    Murmur3,
    SipHash13 { key: [u64; 2] },
    Xxh3,
    Foldhash { seed: u64 },
}

/// Keys are secrets: `Debug` names the function but never prints its key.
impl fmt::Debug for NamedHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NamedHash::SipHash13 { .. } | NamedHash::Foldhash { .. } => write!(f, "NamedHash({}, keyed)", self.name()),
            _ => write!(f, "NamedHash({})", self.name()),
        }
    }
}

impl NamedHash {
    /// The function called `name`; keyed functions take their key from `keys`.
    pub fn from_name(name: &str, keys: KeySource) -> Result<Self, UnknownHashName> {
        Ok(match name {
            "seed" => NamedHash::Seed,
            "knuth" => NamedHash::Knuth,
            "fnv1a" => NamedHash::Fnv1a,
            "murmur3" => NamedHash::Murmur3,
            "siphash13" => NamedHash::SipHash13 { key: keys.key() },
            "xxh3" => NamedHash::Xxh3,
            "foldhash" => NamedHash::Foldhash { seed: keys.key()[0] },
            _ => {
                return Err(UnknownHashName { name: name.to_owned() });
            }
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            NamedHash::Seed => "seed",
            NamedHash::Knuth => "knuth",
            NamedHash::Fnv1a => "fnv1a",
            NamedHash::Murmur3 => "murmur3",
            NamedHash::SipHash13 { .. } => "siphash13",
            NamedHash::Xxh3 => "xxh3",
            NamedHash::Foldhash { .. } => "foldhash",
        }
    }

    /// The 64-bit hash of `key`. Equal canonical keys give equal hashes.
    ///
    /// Inlined: the match on the function and on the key is a few
    /// instructions in the caller, and each function's own work is inlined
    /// or one call (the byte loops of `knuth` and `fnv1a`, and `murmur3`).
    #[inline(always)]
    pub fn hash(&self, key: CanonicalKey<'_>) -> u64 {
        match *self {
            NamedHash::Seed => seed(key),
            NamedHash::Knuth => knuth_word(key).wrapping_mul(KNUTH_MULTIPLIER),
            NamedHash::Fnv1a => with_bytes(key, fnv1a),
            NamedHash::Murmur3 => with_bytes(key, |bytes| murmur3_x64_128(bytes, 0).0),
            NamedHash::SipHash13 { key: [k0, k1] } => with_bytes(key, |bytes| siphash13(k0, k1, bytes)),
            NamedHash::Xxh3 => with_bytes(key, xxhash_rust::xxh3::xxh3_64),
            NamedHash::Foldhash { seed } => {
                let mut hasher = foldhash::fast::FixedState::with_seed(seed).build_hasher();
                match key {
                    CanonicalKey::Int(value) => hasher.write_u64(value as u64),
                    CanonicalKey::Float(value) => hasher.write_u64(value.to_bits()),
                    CanonicalKey::PreHashed(value) => hasher.write_u64(value),
                    CanonicalKey::Text(text) => hasher.write(text.as_bytes()),
                    CanonicalKey::Bytes(bytes) => hasher.write(bytes),
                }
                hasher.finish()
            }
        }
    }
}

/// The original C default: the key's own value or length.
#[inline(always)]
fn seed(key: CanonicalKey<'_>) -> u64 {
    match key {
        CanonicalKey::Int(value) => value as u64,
        CanonicalKey::Float(value) => value.floor() as i64 as u64,
        CanonicalKey::Text(text) => char_count(text.as_bytes()) as u64,
        CanonicalKey::Bytes(bytes) => bytes.len() as u64,
        CanonicalKey::PreHashed(value) => value,
    }
}

/// `0x80` in each byte of `word` that is a UTF-8 continuation byte (`0b10xx_xxxx`).
#[inline(always)]
fn continuation_bits(word: u64) -> u64 {
    // Shifted left by one, each byte's bit 6 sits under its bit 7.
    word & !(word << 1) & 0x8080_8080_8080_8080
}

/// The number of set bytes' bit 7 in `bits` (only bits 7, 15, ... set): a
/// multiply adds the bytes into the top one, without `popcnt`.
#[inline(always)]
fn count_high_bits(bits: u64) -> usize {
    ((bits >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
}

/// The chars of valid UTF-8 `text`, as `str::chars().count()` counts them.
/// ASCII text, the common case, is one OR of its words (the last read
/// overlapping the one before) and a test: its length is its char count.
#[inline(always)]
fn char_count(text: &[u8]) -> usize {
    let len = text.len();
    let high = if len >= 8 {
        let mut any = le_u64(text, len - 8);
        let mut at = 0;
        while at + 8 < len {
            any |= le_u64(text, at);
            at += 8;
        }
        any
    } else {
        short_word(text)
    };
    if high & 0x8080_8080_8080_8080 == 0 {
        return len;
    }
    utf8_char_count(text)
}

/// [`char_count`] of text that is not all ASCII: every byte that is not a
/// continuation byte starts a char, counted eight bytes at a time (the
/// standard library's count walks short strings byte by byte).
#[inline(never)]
fn utf8_char_count(text: &[u8]) -> usize {
    let len = text.len();
    if len < 8 {
        return text.iter().filter(|&&byte| byte & 0xC0 != 0x80).count();
    }
    let mut continuation = 0;
    let mut at = 0;
    while at + 8 <= len {
        continuation += count_high_bits(continuation_bits(le_u64(text, at)));
        at += 8;
    }
    if at < len {
        // The last 8 bytes, less the `8 - (len - at)` low ones counted already.
        let counted = 8 * (8 - (len - at));
        continuation += count_high_bits(continuation_bits(le_u64(text, len - 8)) >> counted << counted);
    }
    len - continuation
}

/// The little-endian word at `bytes[at..at + 8]`.
#[inline(always)]
fn le_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Fewer than 8 bytes as a little-endian word, zero-padded, in at most three
/// loads (overlapping where they meet) instead of a copy of unknown length.
#[inline(always)]
fn short_word(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    debug_assert!(len < 8);
    let u32_at = |at: usize| {
        u64::from(u32::from_le_bytes([
            bytes[at],
            bytes[at + 1],
            bytes[at + 2],
            bytes[at + 3],
        ]))
    };
    match len {
        0 => 0,
        1..=3 => {
            // Byte 0, the middle one and the last (some the same byte).
            u64::from(bytes[0])
                | u64::from(bytes[len / 2]) << (8 * (len / 2))
                | u64::from(bytes[len - 1]) << (8 * (len - 1))
        }
        _ => u32_at(0) | u32_at(len - 4) << (8 * (len - 4)),
    }
}

/// 64-bit FNV-1a, as the `fnv` crate's `FnvHasher` computes it.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// SipHash-1-3 of `data` under the key `(k0, k1)`, in one pass: the value of
/// `siphasher`'s `SipHasher13::new_with_keys(k0, k1)` after one `write(data)`,
/// without its buffering of a tail between writes.
#[inline(always)]
fn siphash13(k0: u64, k1: u64, data: &[u8]) -> u64 {
    #[inline(always)]
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let mut words = data.chunks_exact(8);
    for word in &mut words {
        let m = u64::from_le_bytes(word.try_into().expect("chunks of 8"));
        v[3] ^= m;
        round(&mut v);
        v[0] ^= m;
    }
    let last = (data.len() as u64) << 56 | short_word(words.remainder());
    v[3] ^= last;
    round(&mut v);
    v[0] ^= last;
    v[2] ^= 0xff;
    round(&mut v);
    round(&mut v);
    round(&mut v);
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// The word Knuth's multiplier is applied to.
#[inline(always)]
fn knuth_word(key: CanonicalKey<'_>) -> u64 {
    let fold = |bytes: &[u8]| {
        bytes
            .iter()
            .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
    };
    match key {
        CanonicalKey::Int(value) => value as u64,
        CanonicalKey::Float(value) => value.to_bits(),
        CanonicalKey::PreHashed(value) => value,
        CanonicalKey::Text(text) => fold(text.as_bytes()),
        CanonicalKey::Bytes(bytes) => fold(bytes),
    }
}

/// Run a byte-oriented hash over the key's encoding (see the module table):
/// a number's 8 bytes are a word on the stack, never an allocation.
#[inline(always)]
fn with_bytes(key: CanonicalKey<'_>, hash: impl FnOnce(&[u8]) -> u64) -> u64 {
    match key {
        CanonicalKey::Int(value) => hash(&value.to_le_bytes()),
        CanonicalKey::Float(value) => hash(&value.to_bits().to_le_bytes()),
        CanonicalKey::PreHashed(value) => hash(&value.to_le_bytes()),
        CanonicalKey::Text(text) => hash(text.as_bytes()),
        CanonicalKey::Bytes(bytes) => hash(bytes),
    }
}

const MURMUR_C1: u64 = 0x87c3_7b91_1142_53d5;
const MURMUR_C2: u64 = 0x4cf5_ad43_2745_937f;

/// Up to 8 bytes as a little-endian word, zero-padded: the reference's tail read.
#[inline]
fn le_word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let len = bytes.len().min(8);
    word[..len].copy_from_slice(&bytes[..len]);
    u64::from_le_bytes(word)
}

#[inline]
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

#[inline]
fn murmur_k1(k1: u64) -> u64 {
    k1.wrapping_mul(MURMUR_C1).rotate_left(31).wrapping_mul(MURMUR_C2)
}

#[inline]
fn murmur_k2(k2: u64) -> u64 {
    k2.wrapping_mul(MURMUR_C2).rotate_left(33).wrapping_mul(MURMUR_C1)
}

/// MurmurHash3_x64_128 (Austin Appleby's reference `MurmurHash3.cpp`):
/// returns `(h1, h2)`, the two little-endian halves of its 16-byte digest.
pub fn murmur3_x64_128(data: &[u8], seed: u64) -> (u64, u64) {
    let mut h1 = seed;
    let mut h2 = seed;
    let mut blocks = data.chunks_exact(16);
    for block in &mut blocks {
        let (low, high) = block.split_at(8);
        h1 ^= murmur_k1(le_word(low));
        h1 = h1
            .rotate_left(27)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);
        h2 ^= murmur_k2(le_word(high));
        h2 = h2
            .rotate_left(31)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }
    let tail = blocks.remainder();
    if tail.len() > 8 {
        h2 ^= murmur_k2(le_word(&tail[8..]));
    }
    if !tail.is_empty() {
        h1 ^= murmur_k1(le_word(tail));
    }
    h1 ^= data.len() as u64;
    h2 ^= data.len() as u64;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (h1, h2)
}

#[cfg(test)]
mod tests;
