//! SipHash-1-3 in one pass, under a key prepared once per table.

use super::functions::{le_u64, tail_word};

/// SipHash's initial state is the key xored with these four words.
const INIT: [u64; 4] = [
    0x736f_6d65_7073_6575,
    0x646f_7261_6e64_6f6d,
    0x6c79_6765_6e65_7261,
    0x7465_6462_7974_6573,
];

/// A table's SipHash-1-3 key `(k0, k1)`, kept as the first two words of
/// the state every hash under it starts from, `k0 ^ INIT[0]` and
/// `k1 ^ INIT[1]`: the other two are those xored with a constant, two
/// operations per hash where four words of key took four. (All four
/// would save two more but make `NamedHash` 40 bytes instead of 24, a
/// copy every hash pays.)
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SipKey {
    v01: [u64; 2],
}

impl SipKey {
    /// The state for the key `(k0, k1)`: the same hashes as `siphasher`'s
    /// `SipHasher13::new_with_keys(k0, k1)`.
    pub const fn new([k0, k1]: [u64; 2]) -> Self {
        SipKey {
            v01: [k0 ^ INIT[0], k1 ^ INIT[1]],
        }
    }

    #[inline(always)]
    fn state(&self) -> [u64; 4] {
        let [v0, v1] = self.v01;
        [v0, v1, v0 ^ (INIT[0] ^ INIT[2]), v1 ^ (INIT[1] ^ INIT[3])]
    }
}

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

#[inline(always)]
fn absorb(v: &mut [u64; 4], m: u64) {
    v[3] ^= m;
    round(v);
    v[0] ^= m;
}

/// SipHash-1-3 of `data` under `key`: the value of `siphasher`'s
/// `SipHasher13` after one `write(data)`, without its buffering of a tail
/// between writes. The first two words are read outside the loop, so a
/// key of 8 to 23 bytes (most str keys) runs no loop at all.
#[inline(always)]
pub(super) fn siphash13(key: &SipKey, data: &[u8]) -> u64 {
    let len = data.len();
    let last = (len as u64) << 56 | tail_word(data);
    let mut v = key.state();
    if len >= 8 {
        absorb(&mut v, le_u64(data, 0));
        if len >= 16 {
            absorb(&mut v, le_u64(data, 8));
            let mut at = 16;
            while at + 8 <= len {
                absorb(&mut v, le_u64(data, at));
                at += 8;
            }
        }
    }
    absorb(&mut v, last);
    v[2] ^= 0xff;
    round(&mut v);
    round(&mut v);
    round(&mut v);
    v[0] ^ v[1] ^ v[2] ^ v[3]
}
