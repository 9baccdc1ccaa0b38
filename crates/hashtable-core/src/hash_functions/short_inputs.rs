//! XXH3 and foldhash of inputs up to 128 bytes, written out so that they
//! inline into the caller: a Python str key is short. The crates' own
//! functions take longer inputs, and give the same values at every length
//! (the tests compare each byte count up to 300 with them).
//!
//! Why not call the crates for short inputs too: foldhash hashes anything
//! over 16 bytes in a `#[cold]`, never-inlined function, so a 20-byte key
//! paid a call to cold code on every hash; `xxh3_64` is one large function
//! that the compiler keeps out of line, and reads its secret from memory at
//! run time, where these constants are folded into the instructions.

/// XXH3's default secret: what `xxh3_64` (seed 0) hashes with.
const XXH3_SECRET: [u8; 192] = xxhash_rust::const_xxh3::const_custom_default_secret(0);

/// The little-endian word of the secret at `at`, at compile time.
const fn secret_word(at: usize) -> u64 {
    let mut word = 0u64;
    let mut byte = 8;
    while byte > 0 {
        byte -= 1;
        word = word << 8 | XXH3_SECRET[at + byte] as u64;
    }
    word
}

/// The secret's first 128 bytes as words: the 17..=128-byte rounds' keys.
const XXH3_KEYS: [u64; 16] = {
    let mut keys = [0u64; 16];
    let mut i = 0;
    while i < 16 {
        keys[i] = secret_word(8 * i);
        i += 1;
    }
    keys
};

const XXH_PRIME64_1: u64 = 0x9E37_79B1_85EB_CA87;
const XXH_PRIME64_2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const XXH_PRIME64_3: u64 = 0x1656_67B1_9E37_79F9;

/// The hash of the empty input: a constant under seed 0.
const XXH3_EMPTY: u64 = xxh64_avalanche(secret_word(56) ^ secret_word(64));

#[inline(always)]
const fn xxh64_avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(XXH_PRIME64_2);
    h ^= h >> 29;
    h = h.wrapping_mul(XXH_PRIME64_3);
    h ^ h >> 32
}

#[inline(always)]
const fn xxh3_avalanche(mut h: u64) -> u64 {
    h ^= h >> 37;
    h = h.wrapping_mul(0x1656_6791_9E37_79F9);
    h ^ h >> 32
}

#[inline(always)]
const fn xxh3_strong_avalanche(mut h: u64, len: u64) -> u64 {
    h ^= h.rotate_left(49) ^ h.rotate_left(24);
    h = h.wrapping_mul(0x9FB2_1C65_1E98_DF25);
    h ^= (h >> 35).wrapping_add(len);
    h = h.wrapping_mul(0x9FB2_1C65_1E98_DF25);
    h ^ h >> 28
}

/// The two halves of the 128-bit product, xored: both crates' mixing step.
#[inline(always)]
const fn folded_multiply(x: u64, y: u64) -> u64 {
    let full = x as u128 * y as u128;
    full as u64 ^ (full >> 64) as u64
}

/// The little-endian word at `bytes[at..at + 8]`.
#[inline(always)]
fn le_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

#[inline(always)]
fn le_u32(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")))
}

/// XXH3's 16-byte round: `bytes[at..at + 16]` under the secret's words
/// `key` and `key + 1`. A function, not a closure: closures are not always
/// inlined, and each call would cost more than the round.
#[inline(always)]
fn mix16(bytes: &[u8], at: usize, key: usize) -> u64 {
    folded_multiply(
        le_u64(bytes, at) ^ XXH3_KEYS[key],
        le_u64(bytes, at + 8) ^ XXH3_KEYS[key + 1],
    )
}

/// XXH3 64-bit with seed 0, `xxhash_rust::xxh3::xxh3_64`'s value.
#[inline(always)]
pub(super) fn xxh3(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    if len > 128 {
        return xxh3_long(bytes);
    }
    if len > 16 {
        let mut acc = (len as u64).wrapping_mul(XXH_PRIME64_1);
        if len > 32 {
            if len > 64 {
                if len > 96 {
                    acc = acc
                        .wrapping_add(mix16(bytes, 48, 12))
                        .wrapping_add(mix16(bytes, len - 64, 14));
                }
                acc = acc
                    .wrapping_add(mix16(bytes, 32, 8))
                    .wrapping_add(mix16(bytes, len - 48, 10));
            }
            acc = acc
                .wrapping_add(mix16(bytes, 16, 4))
                .wrapping_add(mix16(bytes, len - 32, 6));
        }
        acc = acc
            .wrapping_add(mix16(bytes, 0, 0))
            .wrapping_add(mix16(bytes, len - 16, 2));
        return xxh3_avalanche(acc);
    }
    if len > 8 {
        let low = le_u64(bytes, 0) ^ (secret_word(24) ^ secret_word(32));
        let high = le_u64(bytes, len - 8) ^ (secret_word(40) ^ secret_word(48));
        let acc = (len as u64)
            .wrapping_add(low.swap_bytes())
            .wrapping_add(high)
            .wrapping_add(folded_multiply(low, high));
        return xxh3_avalanche(acc);
    }
    if len >= 4 {
        let word = le_u32(bytes, len - 4).wrapping_add(le_u32(bytes, 0) << 32);
        return xxh3_strong_avalanche(word ^ (secret_word(8) ^ secret_word(16)), len as u64);
    }
    if len > 0 {
        let combo = u32::from(bytes[0]) << 16
            | u32::from(bytes[len >> 1]) << 24
            | u32::from(bytes[len - 1])
            | (len as u32) << 8;
        let flip = (secret_word(0) as u32 ^ (secret_word(0) >> 32) as u32) as u64;
        return xxh64_avalanche(u64::from(combo) ^ flip);
    }
    XXH3_EMPTY
}

#[inline(never)]
fn xxh3_long(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// `foldhash::fast`'s constants: the per-hasher seed is the table's seed
/// xored with `ARBITRARY3` (`FixedState::with_seed`), and the shared seed is
/// its fixed one, of which inputs up to 128 bytes use the first two words.
const FOLD_ARBITRARY3: u64 = 0x082e_fa98_ec4e_6c89;
const FOLD_SHARED: [u64; 2] = [0xc0ac_29b7_c97c_50dd, 0x3f84_d5b5_b547_0917];

/// The native-endian word at `bytes[at..at + 8]`: foldhash reads native order.
#[inline(always)]
fn ne_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

#[inline(always)]
fn ne_u32(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32::from_ne_bytes(bytes[at..at + 4].try_into().expect("4 bytes")))
}

/// foldhash's fast hash of `bytes` under `seed`: the value of
/// `FixedState::with_seed(seed).build_hasher()` after one `write(bytes)`.
#[inline(always)]
pub(super) fn foldhash_bytes(bytes: &[u8], seed: u64) -> u64 {
    let len = bytes.len();
    if len > 128 {
        return foldhash_long(bytes, seed);
    }
    // The length-dependent rotation foldhash applies against length extension.
    let acc = (seed ^ FOLD_ARBITRARY3).rotate_right(len as u32);
    if len > 16 {
        let [shared0, shared1] = FOLD_SHARED;
        let mut s0 = folded_multiply(ne_u64(bytes, 0) ^ acc, ne_u64(bytes, len - 16) ^ shared0);
        let mut s1 = folded_multiply(
            ne_u64(bytes, 8) ^ acc.wrapping_add(shared1),
            ne_u64(bytes, len - 8) ^ shared0,
        );
        if len >= 32 {
            s0 = folded_multiply(ne_u64(bytes, 16) ^ s0, ne_u64(bytes, len - 32) ^ shared0);
            s1 = folded_multiply(ne_u64(bytes, 24) ^ s1, ne_u64(bytes, len - 24) ^ shared0);
            if len >= 64 {
                s0 = folded_multiply(ne_u64(bytes, 32) ^ s0, ne_u64(bytes, len - 48) ^ shared0);
                s1 = folded_multiply(ne_u64(bytes, 40) ^ s1, ne_u64(bytes, len - 40) ^ shared0);
                if len >= 96 {
                    s0 = folded_multiply(ne_u64(bytes, 48) ^ s0, ne_u64(bytes, len - 64) ^ shared0);
                    s1 = folded_multiply(ne_u64(bytes, 56) ^ s1, ne_u64(bytes, len - 56) ^ shared0);
                }
            }
        }
        return s0 ^ s1;
    }
    let (low, high) = if len >= 8 {
        (ne_u64(bytes, 0), ne_u64(bytes, len - 8))
    } else if len >= 4 {
        (ne_u32(bytes, 0), ne_u32(bytes, len - 4))
    } else if len > 0 {
        (
            u64::from(bytes[0]),
            u64::from(bytes[len - 1]) << 8 | u64::from(bytes[len / 2]),
        )
    } else {
        (0, 0)
    };
    folded_multiply(acc ^ low, FOLD_SHARED[1] ^ high)
}

#[inline(never)]
fn foldhash_long(bytes: &[u8], seed: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = foldhash::fast::FixedState::with_seed(seed).build_hasher();
    hasher.write(bytes);
    hasher.finish()
}
