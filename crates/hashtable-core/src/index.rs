//! Turning a 64-bit hash into a bucket number.
//!
//! * `Mod` is the original C table's rule, `hash % size`. It honours any size, but
//!   with a power-of-two size it only looks at the low bits, so Python's int hash
//!   (which is the int itself) sends every multiple of 2^k to a handful of buckets.
//! * `Mask` takes the low bits. It needs a power-of-two size, so sizes round up.
//! * `Fibonacci` multiplies by 2^64/φ, which spreads every input bit into the high
//!   bits, then maps onto `0..size` with a multiply-high, `(x * size) >> 64`.
//!   It honours any size and does not collapse on regular keys, so it is the default.

/// 2^64 / φ, rounded to odd: Knuth's multiplicative constant for 64-bit words.
const GOLDEN_RATIO_64: u64 = 0x9E37_79B9_7F4A_7C15;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BucketIndex {
    Mod,
    Mask,
    #[default]
    Fibonacci,
}

impl BucketIndex {
    pub const ALL: [BucketIndex; 3] = [BucketIndex::Mod, BucketIndex::Mask, BucketIndex::Fibonacci];

    pub fn name(self) -> &'static str {
        match self {
            BucketIndex::Mod => "mod",
            BucketIndex::Mask => "mask",
            BucketIndex::Fibonacci => "fibonacci",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        BucketIndex::ALL.into_iter().find(|index| index.name() == name)
    }

    /// The size this rule can actually use for a requested size.
    pub fn usable_size(self, requested: usize) -> usize {
        match self {
            BucketIndex::Mask => requested.max(1).next_power_of_two(),
            BucketIndex::Mod | BucketIndex::Fibonacci => requested.max(1),
        }
    }

    /// The home bucket of `hash` in a table of `size` buckets (`size >= 1`).
    #[inline]
    pub fn bucket(self, hash: u64, size: usize) -> usize {
        debug_assert!(size > 0);
        match self {
            BucketIndex::Mod => (hash % size as u64) as usize,
            BucketIndex::Mask => {
                debug_assert!(size.is_power_of_two());
                (hash as usize) & (size - 1)
            }
            BucketIndex::Fibonacci => {
                let mixed = hash.wrapping_mul(GOLDEN_RATIO_64);
                ((mixed as u128 * size as u128) >> 64) as usize
            }
        }
    }

    /// A multiplier `c` with `bucket(hash, size) == ((hash * c) * size) >> 64`
    /// (a wrapping multiply, then a multiply-high), so a probe loop computes
    /// any home with the same two multiplies and no match: φ for Fibonacci,
    /// and for `Mask` (a power of two `size = 2^k`) `2^(64-k)`, which moves
    /// the low `k` bits to the top for the multiply-high to bring back down.
    /// `Mod` has one only at a power-of-two size, where it is `Mask`;
    /// elsewhere it needs a division.
    pub fn multiplier(self, size: usize) -> Option<u64> {
        match self {
            BucketIndex::Mod if size.is_power_of_two() => BucketIndex::Mask.multiplier(size),
            BucketIndex::Mod => None,
            BucketIndex::Mask => {
                debug_assert!(size.is_power_of_two());
                Some(1u64.checked_shl(u64::BITS - size.trailing_zeros()).unwrap_or(0))
            }
            BucketIndex::Fibonacci => Some(GOLDEN_RATIO_64),
        }
    }
}

/// `bucket(hash, size)` from [`BucketIndex::multiplier`]'s `multiplier`.
#[inline(always)]
pub(crate) fn multiply_home(hash: u64, multiplier: u64, size: usize) -> usize {
    ((hash.wrapping_mul(multiplier) as u128 * size as u128) >> 64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_stays_in_range() {
        for index in BucketIndex::ALL {
            for size in [1usize, 2, 3, 5, 8, 13, 64, 1000] {
                let size = index.usable_size(size);
                for hash in [0u64, 1, 7, u64::MAX, 1 << 63, 12345678901234567] {
                    assert!(index.bucket(hash, size) < size, "{index:?} {size} {hash}");
                }
            }
        }
    }

    #[test]
    fn mask_rounds_sizes_up_and_the_others_keep_them() {
        assert_eq!(BucketIndex::Mask.usable_size(5), 8);
        assert_eq!(BucketIndex::Mod.usable_size(5), 5);
        assert_eq!(BucketIndex::Fibonacci.usable_size(5), 5);
    }

    #[test]
    fn the_multiplier_gives_the_same_bucket() {
        for index in BucketIndex::ALL {
            for size in [1usize, 2, 3, 8, 13, 64, 1000, 1 << 40] {
                let size = index.usable_size(size);
                let Some(multiplier) = index.multiplier(size) else {
                    assert!(index == BucketIndex::Mod && !size.is_power_of_two(), "{index:?} {size}");
                    continue;
                };
                for hash in [0u64, 1, 7, u64::MAX, 1 << 63, 12345678901234567, 0xdead_beef] {
                    assert_eq!(
                        multiply_home(hash, multiplier, size),
                        index.bucket(hash, size),
                        "{index:?} {size}"
                    );
                }
            }
        }
        // `mod` divides, except at a power of two, where it is `mask`.
        assert_eq!(BucketIndex::Mod.multiplier(13), None);
        assert_eq!(BucketIndex::Mod.multiplier(8), BucketIndex::Mask.multiplier(8));
    }

    #[test]
    fn fibonacci_spreads_multiples_of_a_power_of_two() {
        let size = 1 << 12;
        let mut used = vec![false; size];
        for i in 0..size as u64 {
            used[BucketIndex::Fibonacci.bucket(i << 20, size)] = true;
        }
        let distinct = used.iter().filter(|u| **u).count();
        assert!(distinct > size / 2, "only {distinct} buckets used");
        // The original rule collapses onto one bucket on the same keys.
        assert_eq!(BucketIndex::Mod.bucket(5 << 20, size), 0);
    }
}
