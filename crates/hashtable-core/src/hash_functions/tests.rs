//! The named hashes pinned: values that must never change, and their properties.

use super::functions::{char_count, le_word, polynomial_31, short_word, tail_word, utf8_char_count};
use super::siphash::siphash13;
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
            assert_eq!(
                siphash13(&SipKey::new([k0, k1]), &data[..len]),
                streaming.finish(),
                "length {len}"
            );
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
    let data: Vec<u8> = (1..=40).collect();
    for len in 0..=data.len() {
        let whole = len - len % 8;
        assert_eq!(tail_word(&data[..len]), le_word(&data[whole..len]), "length {len}");
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
fn rapidhash_is_the_crates_v3_under_the_tables_seed() {
    use rapidhash::v3::{rapidhash_v3_seeded, RapidSecrets};
    let hash = NamedHash::Rapidhash { seed: 99 };
    for text in [
        "",
        "a",
        "hashtable",
        "a string longer than sixteen bytes, to reach the long path",
    ] {
        let expected = rapidhash_v3_seeded(text.as_bytes(), &RapidSecrets::seed_cpp(99));
        assert_eq!(hash.hash(CanonicalKey::Text(text)), expected, "{text:?}");
    }
    // The values stay what they are: pinned under seed 0.
    let zero = NamedHash::Rapidhash { seed: 0 };
    assert_eq!(zero.hash(CanonicalKey::Bytes(b"")), 0x0338_dc4b_e2ce_cdae);
    assert_eq!(zero.hash(CanonicalKey::Text("hashtable")), 0xbc63_17aa_7f9d_69ea);
    let other = NamedHash::Rapidhash { seed: 100 };
    assert_ne!(hash.hash(CanonicalKey::Int(42)), other.hash(CanonicalKey::Int(42)));
    assert!(hash.keyed() && format!("{hash:?}") == "NamedHash(rapidhash, keyed)");
}

#[test]
fn byte_functions_hash_the_documented_encoding() {
    for name in ["fnv1a", "murmur3", "siphash13", "xxh3", "rapidhash"] {
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
    let hash = NamedHash::SipHash13 {
        key: SipKey::new([0x1234_5678, 0]),
    };
    let shown = format!("{hash:?}");
    assert_eq!(shown, "NamedHash(siphash13, keyed)");
    assert_eq!(format!("{:?}", NamedHash::Fnv1a), "NamedHash(fnv1a)");
}

#[test]
fn random_keys_differ() {
    assert_ne!(random_key(), random_key());
}

/// Bytes of every value and position, so that a misplaced or missed load
/// changes the hash: a prefix of each length up to 300 is one test input.
fn varied_bytes() -> Vec<u8> {
    (0..300u32).map(|i| (i.wrapping_mul(167) ^ i >> 3) as u8).collect()
}

#[test]
fn the_inlined_xxh3_is_the_crates_at_every_length() {
    let data = varied_bytes();
    let xxh3 = named("xxh3");
    for len in 0..=data.len() {
        let expected = xxhash_rust::xxh3::xxh3_64(&data[..len]);
        assert_eq!(xxh3.hash(CanonicalKey::Bytes(&data[..len])), expected, "length {len}");
    }
}

#[test]
fn the_inlined_foldhash_is_the_crates_at_every_length() {
    use std::hash::{BuildHasher, Hasher};
    let data = varied_bytes();
    for seed in [0, 99, u64::MAX, 0x0706_0504_0302_0100] {
        let folded = NamedHash::Foldhash { seed };
        for len in 0..=data.len() {
            let mut hasher = foldhash::fast::FixedState::with_seed(seed).build_hasher();
            hasher.write(&data[..len]);
            let expected = hasher.finish();
            assert_eq!(folded.hash(CanonicalKey::Bytes(&data[..len])), expected, "length {len}");
        }
    }
}

#[test]
fn foldhash_and_xxh3_of_text_stay_pinned() {
    // Values from before the short-input paths were written out: a change
    // to them is a change to every stored hash.
    let folded = NamedHash::Foldhash { seed: 99 };
    let pinned = [
        ("", 0x1739_5a86_1d43_0f7c_u64),
        ("a", 0x3482_c822_58d5_8a93),
        ("hashtable", 0x8d2e_ceaa_6e6e_879d),
        ("a_typical_identifier", 0x3c84_db07_ee67_eaea),
    ];
    for (text, expected) in pinned {
        assert_eq!(folded.hash(CanonicalKey::Text(text)), expected, "{text:?}");
    }
    assert_eq!(text("xxh3", "a_typical_identifier"), 0xb1aa_09be_b6af_a57c);
}

#[test]
fn seed_finds_one_non_ascii_char_anywhere() {
    // A two-byte char at each position of ASCII text of each length to 40:
    // a word the ASCII test skipped would count its bytes as two chars.
    for len in 0..40 {
        for at in 0..=len {
            let text = format!("{}é{}", "a".repeat(at), "b".repeat(len - at));
            assert_eq!(char_count(text.as_bytes()), len + 1, "{text:?}");
            assert_eq!(NamedHash::Seed.hash(CanonicalKey::Text(&text)), len as u64 + 1);
        }
    }
}

#[test]
fn knuths_polynomial_is_the_byte_by_byte_recurrence_at_every_length() {
    let data = varied_bytes();
    for len in 0..=data.len() {
        let serial = data[..len]
            .iter()
            .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        assert_eq!(polynomial_31(&data[..len]), serial, "length {len}");
    }
    // Pinned from before the eight-byte form.
    assert_eq!(text("knuth", "a_typical_identifier"), 0xd6d9_7408_ec15_e636);
}
