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
//! * **`siphash13`**: SipHash-1-3 (the `siphasher` crate), keyed with 128
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
mod tests {
    use super::*;
    use crate::index::BucketIndex;

    const FIXED: KeySource = KeySource::Fixed([0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]);

    fn named(name: &str) -> NamedHash {
        NamedHash::from_name(name, FIXED).unwrap()
    }

    fn text(name: &str, s: &str) -> u64 {
        named(name).hash(CanonicalKey::Text(s))
    }

    #[test]
    fn every_name_round_trips_and_unknown_names_are_refused() {
        for name in NAMES {
            assert_eq!(named(name).name(), *name);
        }
        let error = NamedHash::from_name("md5", FIXED).unwrap_err();
        assert_eq!(error.name, "md5");
        let message = error.to_string();
        assert!(
            message.contains("siphash13") && message.contains("\"md5\""),
            "{message}"
        );
    }

    #[test]
    fn seed_is_the_original_c_default() {
        let seed = NamedHash::Seed;
        assert_eq!(seed.hash(CanonicalKey::Int(42)), 42);
        assert_eq!(seed.hash(CanonicalKey::Int(-1)), u64::MAX);
        assert_eq!(seed.hash(CanonicalKey::Float(2.5)), 2);
        assert_eq!(seed.hash(CanonicalKey::Float(-2.5)), (-3i64) as u64);
        assert_eq!(seed.hash(CanonicalKey::Float(f64::NAN)), 0);
        // Length in characters, not bytes: "héllo" is 6 bytes of UTF-8.
        assert_eq!(seed.hash(CanonicalKey::Text("héllo")), 5);
        assert_eq!(seed.hash(CanonicalKey::Bytes("héllo".as_bytes())), 6);
        assert_eq!(seed.hash(CanonicalKey::PreHashed(0xdead_beef)), 0xdead_beef);
        // Every string of one length collides.
        assert_eq!(text("seed", "abc"), text("seed", "xyz"));
    }

    #[test]
    fn knuth_multiplies_the_int_or_the_folded_bytes() {
        let knuth = NamedHash::Knuth;
        assert_eq!(knuth.hash(CanonicalKey::Int(3)), 3 * 2_654_435_761);
        assert_eq!(knuth.hash(CanonicalKey::Int(-1)), 2_654_435_761u64.wrapping_neg());
        assert_eq!(
            knuth.hash(CanonicalKey::Float(0.5)),
            0.5f64.to_bits().wrapping_mul(2_654_435_761)
        );
        assert_eq!(knuth.hash(CanonicalKey::Text("ab")), (97 * 31 + 98) * 2_654_435_761);
        assert_eq!(knuth.hash(CanonicalKey::Bytes(b"ab")), (97 * 31 + 98) * 2_654_435_761);
        assert_ne!(text("knuth", "ab"), text("knuth", "ba"));
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(text("fnv1a", ""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(text("fnv1a", "a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(text("fnv1a", "foobar"), 0x8594_4171_f739_67e8);
    }

    // Expected values from the reference C implementations (via Python's
    // `xxhash` and `mmh3` bindings).
    #[test]
    fn xxh3_matches_the_reference_vectors() {
        let range: Vec<u8> = (0..40).collect();
        let xxh3 = named("xxh3");
        assert_eq!(text("xxh3", ""), 0x2d06_8005_38d3_94c2);
        assert_eq!(text("xxh3", "a"), 0xe6c6_32b6_1e96_4e1f);
        assert_eq!(text("xxh3", "abc"), 0x78af_5f94_892f_3950);
        assert_eq!(text("xxh3", "Hello, world!"), 0xf3c3_4bf1_1915_e869);
        assert_eq!(xxh3.hash(CanonicalKey::Bytes(&range)), 0xcdb0_9983_1361_923c);
        assert_eq!(xxh3.hash(CanonicalKey::Int(42)), 0xd5a6_f8c8_38df_27c8);
        assert_eq!(xxh3.hash(CanonicalKey::Int(-1)), 0x5111_c7e4_7d78_4413);
    }

    #[test]
    fn murmur3_matches_the_reference_vectors() {
        let range: Vec<u8> = (0..40).collect();
        // Lengths 0, 1, 3, 9, 13 and 40 cover the empty input, both halves of
        // the tail, and whole 16-byte blocks.
        let cases: [(&[u8], u64, u64); 6] = [
            (b"", 0, 0),
            (b"a", 0x8555_5565_f659_7889, 0xe6b5_3a48_510e_895a),
            (b"abc", 0xb496_3f3f_3fad_7867, 0x3ba2_7441_26ca_2d52),
            (b"hashtable", 0x06c1_0806_ea09_9e6d, 0x3c91_1234_0f84_3d8d),
            (b"Hello, world!", 0xf151_2dd1_d2d6_65df, 0x2c32_6650_a8f3_c564),
            (&range, 0xc3a0_54d8_418c_8064, 0xa001_ca30_974c_12ad),
        ];
        for (data, h1, h2) in cases {
            assert_eq!(murmur3_x64_128(data, 0), (h1, h2), "{data:?}");
            assert_eq!(named("murmur3").hash(CanonicalKey::Bytes(data)), h1);
        }
        assert_eq!(named("murmur3").hash(CanonicalKey::Int(42)), 0xb6ac_c399_89d2_7df8);
        assert_eq!(named("murmur3").hash(CanonicalKey::Int(-1)), 0xa0e4_b27a_1aba_ed73);
    }

    #[test]
    fn siphash13_matches_the_reference_vectors() {
        // Key 00..0f, message 00..(n-1): the SipHash authors' test layout.
        let message: Vec<u8> = (0..16).collect();
        let cases: [(usize, [u8; 8]); 6] = [
            (0, [0xdc, 0xc4, 0x0f, 0x05, 0x58, 0x01, 0xac, 0xab]),
            (1, [0x93, 0xca, 0x57, 0x7d, 0xf3, 0x9b, 0xf4, 0xc9]),
            (2, [0x4d, 0xd4, 0xc7, 0x4d, 0x02, 0x9b, 0xcb, 0x82]),
            (7, [0x40, 0x11, 0xb1, 0x9b, 0x98, 0x7d, 0x92, 0xd3]),
            (8, [0x8e, 0x9a, 0x29, 0x8d, 0x11, 0x95, 0x90, 0x36]),
            (15, [0x56, 0x99, 0x51, 0x2a, 0x6d, 0xd8, 0x20, 0xd3]),
        ];
        for (len, expected) in cases {
            let hash = named("siphash13").hash(CanonicalKey::Bytes(&message[..len]));
            assert_eq!(hash, u64::from_le_bytes(expected), "length {len}");
        }
    }

    #[test]
    fn the_one_pass_siphash13_is_the_streaming_one() {
        use std::hash::Hasher;
        let data: Vec<u8> = (0..=255u8).map(|b| b.wrapping_mul(37)).collect();
        for (k0, k1) in [
            (0, 0),
            (0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908),
            (u64::MAX, 12345),
        ] {
            for len in 0..=data.len() {
                let mut streaming = siphasher::sip::SipHasher13::new_with_keys(k0, k1);
                streaming.write(&data[..len]);
                assert_eq!(siphash13(k0, k1, &data[..len]), streaming.finish(), "length {len}");
            }
        }
    }

    #[test]
    fn seed_counts_chars_as_str_chars_does() {
        let samples = [
            "",
            "a",
            "héllo",
            "a_typical_identifier",
            "日本語のテキスト",
            "ünïcödé wörds and ascii mixed together, long enough for words",
            "🦀🦀🦀🦀🦀🦀🦀",
            "x🦀",
            "1234567",
            "12345678",
            "123456789",
        ];
        for text in samples {
            for start in 0..text.len() {
                let Some(tail) = text.get(start..) else { continue };
                assert_eq!(char_count(tail.as_bytes()), tail.chars().count(), "{tail:?}");
                assert_eq!(utf8_char_count(tail.as_bytes()), tail.chars().count(), "{tail:?}");
            }
        }
    }

    #[test]
    fn short_words_read_every_tail_length() {
        let bytes = [1u8, 2, 3, 4, 5, 6, 7];
        for len in 0..8 {
            assert_eq!(short_word(&bytes[..len]), le_word(&bytes[..len]), "length {len}");
        }
    }

    #[test]
    fn siphash13_tables_with_different_keys_disagree() {
        let a = NamedHash::from_name("siphash13", KeySource::Random).unwrap();
        let b = NamedHash::from_name("siphash13", KeySource::Random).unwrap();
        assert_ne!(a, b, "two random keys were equal");
        let agreeing = (0..1000)
            .filter(|&i| a.hash(CanonicalKey::Int(i)) == b.hash(CanonicalKey::Int(i)))
            .count();
        assert_eq!(agreeing, 0);
        // And the same key always gives the same hash.
        let c = a;
        assert_eq!(a.hash(CanonicalKey::Text("x")), c.hash(CanonicalKey::Text("x")));
    }

    #[test]
    fn foldhash_uses_its_native_integer_path_and_its_seed() {
        use std::hash::BuildHasher;
        let state = foldhash::fast::FixedState::with_seed(99);
        let folded = NamedHash::Foldhash { seed: 99 };
        for value in [0u64, 1, 42, u64::MAX] {
            assert_eq!(folded.hash(CanonicalKey::Int(value as i64)), state.hash_one(value));
        }
        let other = NamedHash::Foldhash { seed: 100 };
        assert_ne!(folded.hash(CanonicalKey::Int(42)), other.hash(CanonicalKey::Int(42)));
        assert_ne!(
            folded.hash(CanonicalKey::Text("42")),
            other.hash(CanonicalKey::Text("42"))
        );
    }

    #[test]
    fn byte_functions_hash_the_documented_encoding() {
        for name in ["fnv1a", "murmur3", "siphash13", "xxh3"] {
            let hash = named(name);
            let bytes = |b: &[u8]| hash.hash(CanonicalKey::Bytes(b));
            assert_eq!(
                hash.hash(CanonicalKey::Text("héllo")),
                bytes("héllo".as_bytes()),
                "{name}"
            );
            assert_eq!(
                hash.hash(CanonicalKey::Int(-7)),
                bytes(&(-7i64).to_le_bytes()),
                "{name}"
            );
            assert_eq!(
                hash.hash(CanonicalKey::Float(0.1)),
                bytes(&0.1f64.to_bits().to_le_bytes()),
                "{name}"
            );
            assert_eq!(
                hash.hash(CanonicalKey::PreHashed(9)),
                bytes(&9u64.to_le_bytes()),
                "{name}"
            );
        }
    }

    #[test]
    fn every_non_seed_function_spreads_small_ints_over_fibonacci_buckets() {
        const KEYS: i64 = 10_000;
        const BUCKETS: usize = 1024;
        let expected = KEYS as f64 / BUCKETS as f64;
        // Chi-squared with 1023 degrees of freedom has mean 1023 and standard
        // deviation sqrt(2046) ~ 45: allow six deviations.
        let limit = (BUCKETS - 1) as f64 + 6.0 * (2.0 * (BUCKETS - 1) as f64).sqrt();
        for name in NAMES.iter().filter(|name| **name != "seed") {
            let hash = named(name);
            let mut counts = [0u32; BUCKETS];
            for i in 0..KEYS {
                counts[BucketIndex::Fibonacci.bucket(hash.hash(CanonicalKey::Int(i)), BUCKETS)] += 1;
            }
            let chi_squared: f64 = counts
                .iter()
                .map(|&c| (f64::from(c) - expected).powi(2) / expected)
                .sum();
            let longest = counts.iter().max().copied().unwrap_or(0);
            assert!(
                chi_squared < limit,
                "{name}: chi-squared {chi_squared:.0} >= {limit:.0}"
            );
            assert!(longest <= 30, "{name}: a bucket got {longest} of {KEYS} keys");
        }
    }

    #[test]
    fn keyed_functions_keep_their_key_out_of_debug_output() {
        let hash = NamedHash::SipHash13 { key: [0x1234_5678, 0] };
        let shown = format!("{hash:?}");
        assert_eq!(shown, "NamedHash(siphash13, keyed)");
        assert_eq!(format!("{:?}", NamedHash::Fnv1a), "NamedHash(fnv1a)");
    }

    #[test]
    fn random_keys_differ() {
        assert_ne!(random_key(), random_key());
    }
}
