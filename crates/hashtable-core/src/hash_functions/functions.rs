//! The named hash functions themselves, each over a [`CanonicalKey`]: what
//! one line of the registry in `mod.rs` names.

use std::hash::{BuildHasher, Hasher};

use super::siphash::SipKey;
use super::CanonicalKey;

/// Knuth's multiplicative constant for 32-bit words: 2^32 / φ, rounded to a prime.
pub const KNUTH_MULTIPLIER: u64 = 2_654_435_761;

/// The original C default: the key's own value or length.
#[inline(always)]
pub(super) fn seed(key: CanonicalKey<'_>) -> u64 {
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
/// Up to 32 bytes, the words are two or four fixed loads with no loop.
#[inline(always)]
pub(super) fn char_count(text: &[u8]) -> usize {
    let len = text.len();
    let high = if len > 32 {
        let mut any = le_u64(text, len - 8);
        let mut at = 0;
        while at + 8 < len {
            any |= le_u64(text, at);
            at += 8;
        }
        any
    } else if len > 16 {
        le_u64(text, 0) | le_u64(text, 8) | le_u64(text, len - 16) | le_u64(text, len - 8)
    } else if len >= 8 {
        le_u64(text, 0) | le_u64(text, len - 8)
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
pub(super) fn utf8_char_count(text: &[u8]) -> usize {
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
pub(super) fn le_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// The little-endian 4 bytes at `bytes[at..at + 4]`, widened. (Helpers
/// here are functions, not closures: a closure is not always inlined, and
/// a call costs more than the load.)
#[inline(always)]
fn le_u32(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u64::from(u32::from_le_bytes(word))
}

/// Fewer than 8 bytes as a little-endian word, zero-padded, in at most three
/// loads (overlapping where they meet) instead of a copy of unknown length.
#[inline(always)]
pub(super) fn short_word(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    debug_assert!(len < 8);
    match len {
        0 => 0,
        1..=3 => {
            // Byte 0, the middle one and the last (some the same byte).
            u64::from(bytes[0])
                | u64::from(bytes[len / 2]) << (8 * (len / 2))
                | u64::from(bytes[len - 1]) << (8 * (len - 1))
        }
        _ => le_u32(bytes, 0) | le_u32(bytes, len - 4) << (8 * (len - 4)),
    }
}

/// 64-bit FNV-1a, as the `fnv` crate's `FnvHasher` computes it.
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// The bytes after `data`'s last whole 8-byte word, as a little-endian
/// word, zero-padded. From 8 bytes on, one load of the last 8 bytes,
/// shifted past the ones already hashed, instead of a read per tail length.
#[inline(always)]
pub(super) fn tail_word(data: &[u8]) -> u64 {
    let len = data.len();
    if len < 8 {
        return short_word(data);
    }
    let tail = len % 8;
    if tail == 0 {
        return 0;
    }
    le_u64(data, len - 8) >> (64 - 8 * tail)
}

/// The word Knuth's multiplier is applied to.
#[inline(always)]
pub(super) fn knuth_word(key: CanonicalKey<'_>) -> u64 {
    match key {
        CanonicalKey::Int(value) => value as u64,
        CanonicalKey::Float(value) => value.to_bits(),
        CanonicalKey::PreHashed(value) => value,
        CanonicalKey::Text(text) => polynomial_31(text.as_bytes()),
        CanonicalKey::Bytes(bytes) => polynomial_31(bytes),
    }
}

/// Powers of 31, wrapping: `POWERS_31[i] = 31^i`.
const POWERS_31: [u64; 9] = {
    let mut powers = [1u64; 9];
    let mut i = 1;
    while i < 9 {
        powers[i] = powers[i - 1].wrapping_mul(31);
        i += 1;
    }
    powers
};

/// `h = 31 * h + byte` over `bytes`, from 0, wrapping (Java's `hashCode`).
/// Eight bytes at a time: `h * 31^8 + b0 * 31^7 + ... + b7`, the same sum
/// in wrapping arithmetic, whose eight products are independent, where the
/// byte-by-byte recurrence is one chain of dependent multiplies.
#[inline(always)]
pub(super) fn polynomial_31(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut h = 0u64;
    for chunk in &mut chunks {
        let mut sum = 0u64;
        for (i, &byte) in chunk.iter().enumerate() {
            sum = sum.wrapping_add(u64::from(byte).wrapping_mul(POWERS_31[7 - i]));
        }
        h = h.wrapping_mul(POWERS_31[8]).wrapping_add(sum);
    }
    for &byte in chunks.remainder() {
        h = h.wrapping_mul(31).wrapping_add(u64::from(byte));
    }
    h
}

/// The word a number or a pre-hashed key is encoded as (see the module
/// table): an int's two's complement, a float's bits, a hash itself.
#[inline(always)]
fn number_word(key: CanonicalKey<'_>) -> u64 {
    match key {
        CanonicalKey::Int(value) => value as u64,
        CanonicalKey::Float(value) => value.to_bits(),
        CanonicalKey::PreHashed(value) => value,
        // Never reached: `with_bytes!` passes only the three above.
        CanonicalKey::Text(_) | CanonicalKey::Bytes(_) => 0,
    }
}

/// Run a byte-oriented hash, `$body` over `$bytes`, on the key's encoding
/// (see the module table): a number's 8 bytes are a word on the stack,
/// never an allocation. A macro, not a function taking a closure: the body
/// is written out in each arm, so a hash of a key whose kind the caller
/// knows (a str, from the Python binding) is the function's code for that
/// kind inline, and the numbers' copy sees a length of 8 and folds.
macro_rules! with_bytes {
    ($key:expr, |$bytes:ident| $body:expr) => {
        match $key {
            CanonicalKey::Text(text) => {
                let $bytes: &[u8] = text.as_bytes();
                $body
            }
            CanonicalKey::Bytes(bytes) => {
                let $bytes: &[u8] = bytes;
                $body
            }
            number => {
                let $bytes: &[u8] = &number_word(number).to_le_bytes();
                $body
            }
        }
    };
}

#[inline(always)]
pub(super) fn fnv1a_key(key: CanonicalKey<'_>) -> u64 {
    with_bytes!(key, |bytes| fnv1a(bytes))
}

#[inline(always)]
pub(super) fn murmur3_key(key: CanonicalKey<'_>) -> u64 {
    with_bytes!(key, |bytes| murmur3_x64_128(bytes, 0).0)
}

#[inline(always)]
pub(super) fn siphash13_key(key: CanonicalKey<'_>, sip: SipKey) -> u64 {
    with_bytes!(key, |bytes| super::siphash::siphash13(&sip, bytes))
}

#[inline(always)]
pub(super) fn xxh3_key(key: CanonicalKey<'_>) -> u64 {
    with_bytes!(key, |bytes| super::short_inputs::xxh3(bytes))
}

/// Knuth's multiplicative hash of the key's word.
#[inline(always)]
pub(super) fn knuth(key: CanonicalKey<'_>) -> u64 {
    knuth_word(key).wrapping_mul(KNUTH_MULTIPLIER)
}

const MURMUR_C1: u64 = 0x87c3_7b91_1142_53d5;
const MURMUR_C2: u64 = 0x4cf5_ad43_2745_937f;

/// Up to 8 bytes as a little-endian word, zero-padded: the reference's tail read.
#[inline]
pub(super) fn le_word(bytes: &[u8]) -> u64 {
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

/// foldhash's fast hasher under a table's seed: an int-like key as one word
/// (its native `write_u64` path), text and bytes as bytes.
#[inline(always)]
pub(super) fn foldhash(key: CanonicalKey<'_>, seed: u64) -> u64 {
    match key {
        CanonicalKey::Text(text) => super::short_inputs::foldhash_bytes(text.as_bytes(), seed),
        CanonicalKey::Bytes(bytes) => super::short_inputs::foldhash_bytes(bytes, seed),
        number => foldhash::fast::FixedState::with_seed(seed).hash_one(number_word(number)),
    }
}

/// rapidhash (V3, the `rapidhash` crate) of the key's bytes under a table's
/// seed, with the reference implementation's secrets.
#[inline(always)]
pub(super) fn rapidhash(key: CanonicalKey<'_>, seed: u64) -> u64 {
    let secrets = rapidhash::v3::RapidSecrets::seed_cpp(seed);
    with_bytes!(key, |bytes| rapidhash::v3::rapidhash_v3_seeded(bytes, &secrets))
}
