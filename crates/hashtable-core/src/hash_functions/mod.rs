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
//! * **`siphash13`**: SipHash-1-3, computed here in one pass (`siphash.rs`;
//!   the value of the `siphasher` crate's streaming hasher, which the tests
//!   check at every length up to 255), keyed with 128 random bits per table
//!   (a [`SipKey`], held as the start of the state it seeds), so an attacker who does not know the key cannot
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
//! `xxh3` and `foldhash` of inputs up to 128 bytes are written out here
//! (`short_inputs.rs`), with the crates' values at every length (tests check
//! each length to 300): a str key is short, and the crates keep short inputs
//! out of line (foldhash sends anything over 16 bytes to a cold function).
//! Each function's arms are written out per key kind, not passed as
//! closures, so that a caller that knows the kind (the Python binding, with a
//! str) gets that kind's code inline and nothing else.
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

mod functions;
mod short_inputs;
mod siphash;
#[cfg(test)]
mod tests;

use functions::{fnv1a_key, foldhash, knuth, murmur3_key, rapidhash, seed, siphash13_key, xxh3_key};
pub use functions::{murmur3_x64_128, KNUTH_MULTIPLIER};
pub use siphash::SipKey;

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

/// The registry: one line per named hash, as `strategies!` is for the
/// strategies. Each line gives the name users pass as `hash_func`, the
/// variant (with its per-table key, made from a [`KeySource`], for a keyed
/// function), the function of a [`CanonicalKey`] (and that key), and what
/// it is in a phrase. The enum, [`NAMES`], [`ABOUT`],
/// [`NamedHash::from_name`], [`NamedHash::name`] and [`NamedHash::hash`] are
/// generated from it, and every list elsewhere reads them: the Python
/// binding's `HASH_FUNCTIONS`, the lab's hashes and their descriptions, the
/// test suites' parameters.
macro_rules! hashes {
    ($(
        $name:literal => $variant:ident $({ $field:ident: $ty:ty = $make:expr })? => $hash:expr, $about:literal;
    )*) => {
        /// A native hash function, together with its per-table key where it has one.
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub enum NamedHash {
            $( #[doc = $about] $variant $({ $field: $ty })?, )*
        }

        /// The names [`NamedHash::from_name`] accepts, in the registry's order
        /// (the order of the lab's tables).
        pub const NAMES: &[&str] = &[$($name),*];

        /// What each function of [`NAMES`] is, in a phrase, in the same order.
        pub const ABOUT: &[&str] = &[$($about),*];

        impl NamedHash {
            /// The function called `name`; keyed functions take their key from `keys`.
            pub fn from_name(name: &str, keys: KeySource) -> Result<Self, UnknownHashName> {
                let _ = &keys;
                Ok(match name {
                    $( $name => NamedHash::$variant $({ $field: ($make)(keys.key()) })?, )*
                    _ => return Err(UnknownHashName { name: name.to_owned() }),
                })
            }

            pub fn name(&self) -> &'static str {
                match self {
                    $( NamedHash::$variant { .. } => $name, )*
                }
            }

            /// Whether the function has a per-table key (a secret: `Debug` never shows it).
            pub fn keyed(&self) -> bool {
                match self {
                    $( NamedHash::$variant { .. } => hashes!(@keyed $($field)?), )*
                }
            }

            /// The 64-bit hash of `key`. Equal canonical keys give equal hashes.
            ///
            /// Inlined: the match on the function and on the key is a few
            /// instructions in the caller, and each function's own work is
            /// inlined or one call.
            #[inline(always)]
            pub fn hash(&self, key: CanonicalKey<'_>) -> u64 {
                match *self {
                    $( NamedHash::$variant $({ $field })? => ($hash)(key $(, $field)?), )*
                }
            }
        }
    };
    (@keyed) => { false };
    (@keyed $field:ident) => { true };
}

hashes! {
    "seed" => Seed => seed,
        "the original C table's default: int itself, float floor, str length";
    "knuth" => Knuth => knuth,
        "Knuth's multiplicative hash, x * 2654435761, over a 31-polynomial of str and bytes";
    "fnv1a" => Fnv1a => fnv1a_key,
        "64-bit FNV-1a over the key's bytes";
    "murmur3" => Murmur3 => murmur3_key,
        "MurmurHash3 x64, the first 64 bits";
    "siphash13" => SipHash13 { key: SipKey = SipKey::new } =>
        siphash13_key,
        "SipHash-1-3 under a random key per table (CPython's str hash): for keys an attacker chooses";
    "xxh3" => Xxh3 => xxh3_key,
        "XXH3 64-bit";
    "foldhash" => Foldhash { seed: u64 = |key: [u64; 2]| key[0] } => foldhash,
        "foldhash, hashbrown's default, seeded per table";
    "rapidhash" => Rapidhash { seed: u64 = |key: [u64; 2]| key[0] } => rapidhash,
        "rapidhash V3, wyhash's successor, seeded per table";
}

/// Keys are secrets: `Debug` names the function but never prints its key.
impl fmt::Debug for NamedHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.keyed() {
            write!(f, "NamedHash({}, keyed)", self.name())
        } else {
            write!(f, "NamedHash({})", self.name())
        }
    }
}
