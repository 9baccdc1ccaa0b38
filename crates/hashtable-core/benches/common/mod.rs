//! What `benches/strategies.rs` and the examples `lookup_loop.rs` and
//! `hash_loop.rs` share, so that the criterion timings and the callgrind
//! counts see the same keys and hash.

// Each program that includes this uses part of it.
#![allow(dead_code)]

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashtable_core::{CanonicalKey, KeySource, NamedHash};

pub const SEED: u64 = 0x5eed_7ab1_e5ee_d5ee;
/// foldhash with a fixed seed: our tables are given `STATE.hash_one(key)`,
/// and hashbrown computes the same value through this `BuildHasher`.
pub const STATE: FixedState = FixedState::with_seed(SEED);

#[inline(always)]
pub fn hash(key: u64) -> u64 {
    STATE.hash_one(key)
}

/// SplitMix64: a fixed, seedable stream of well-spread u64 keys.
pub fn random_keys(count: usize, mut state: u64) -> Vec<u64> {
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
        .collect()
}

/// The keys the `hash/<kind>` groups hash: an int, a 20-character str and
/// the 256 bytes 0..=255 (which the caller owns).
pub fn hash_keys(bytes: &[u8]) -> [(&'static str, CanonicalKey<'_>); 3] {
    [
        ("int", CanonicalKey::Int(0x0123_4567_89ab_cdef)),
        ("str20", CanonicalKey::Text("a_typical_identifier")),
        ("bytes256", CanonicalKey::Bytes(bytes)),
    ]
}

/// The named hash `name` under the benchmarks' fixed key.
pub fn named_hash(name: &str) -> NamedHash {
    NamedHash::from_name(name, KeySource::Fixed([SEED, !SEED])).expect("a listed name")
}

/// `$body` with `$make` a closure that builds `$key` afresh: its kind known
/// to the compiler, its contents not (`black_box`). That is how the Python
/// binding calls a named hash: it knows it hashes a str, not which one. (A
/// whole key through `black_box` also timed the match on its kind and its
/// trip through memory: 20 to 25 instructions a call, more than `seed`'s
/// own work.)
#[macro_export]
macro_rules! with_known_kind {
    ($key:expr, |$make:ident| $body:expr) => {
        match $key {
            hashtable_core::CanonicalKey::Int(value) => {
                let $make = || hashtable_core::CanonicalKey::Int(std::hint::black_box(value));
                $body
            }
            hashtable_core::CanonicalKey::Float(value) => {
                let $make = || hashtable_core::CanonicalKey::Float(std::hint::black_box(value));
                $body
            }
            hashtable_core::CanonicalKey::Text(text) => {
                let $make = || hashtable_core::CanonicalKey::Text(std::hint::black_box(text));
                $body
            }
            hashtable_core::CanonicalKey::Bytes(bytes) => {
                let $make = || hashtable_core::CanonicalKey::Bytes(std::hint::black_box(bytes));
                $body
            }
            hashtable_core::CanonicalKey::PreHashed(value) => {
                let $make = || hashtable_core::CanonicalKey::PreHashed(std::hint::black_box(value));
                $body
            }
        }
    };
}
