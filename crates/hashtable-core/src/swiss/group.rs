//! Control bytes, and the groups of them that one instruction matches at once.
//!
//! A control byte is `EMPTY` (`0xFF`), `DELETED` (`0x80`) or a 7-bit tag
//! (`0x00..=0x7F`): the high bit alone says "no item here". A [`ControlGroup`]
//! is [`ControlGroup::WIDTH`] consecutive control bytes loaded together; its
//! `match_*` methods answer "which of these bytes are X" as a [`BitMask`] with
//! bit `i` standing for the group's `i`-th byte (so for slot `start + i`).
//!
//! Two implementations share the trait: SSE2 (16 bytes, `pcmpeqb` +
//! `pmovmskb`) on x86_64, and a portable one over a `u64` (8 bytes, SWAR bit
//! tricks) everywhere else. Both are exact: a bit is set only for a byte that
//! really matches, so a tag match always names a full slot.

/// A slot that never held an item, or was cleaned by a delete or rebuild.
pub(crate) const EMPTY: u8 = 0xFF;
/// A slot whose item was deleted where a probe may have run past it.
pub(crate) const DELETED: u8 = 0x80;

/// Whether a control byte is a tag, i.e. the slot holds an item.
#[inline]
pub(crate) fn is_full(ctrl: u8) -> bool {
    ctrl & 0x80 == 0
}

/// One bit per control byte of a group; bit `i` is byte `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BitMask(pub(crate) u32);

impl BitMask {
    #[inline]
    pub(crate) fn any(self) -> bool {
        self.0 != 0
    }

    /// The lowest set bit: the first matching byte of the group.
    #[inline]
    pub(crate) fn lowest(self) -> Option<usize> {
        (self.0 != 0).then(|| self.0.trailing_zeros() as usize)
    }

    /// The highest set bit: the last matching byte of the group.
    #[inline]
    pub(crate) fn highest(self) -> Option<usize> {
        (self.0 != 0).then(|| 31 - self.0.leading_zeros() as usize)
    }

    /// Unset bits below the lowest set bit, at most `width`.
    #[inline]
    pub(crate) fn trailing_clear(self, width: usize) -> usize {
        (self.0.trailing_zeros() as usize).min(width)
    }

    /// Unset bits above the highest set bit of a `width`-bit mask, at most `width`.
    #[inline]
    pub(crate) fn leading_clear(self, width: usize) -> usize {
        ((self.0 << (32 - width)).leading_zeros() as usize).min(width)
    }
}

/// `WIDTH` control bytes matched together.
pub(crate) trait ControlGroup: Copy {
    const WIDTH: usize;
    /// The bytes `ctrl[at..at + WIDTH]`. Panics if they are not all in `ctrl`.
    fn load(ctrl: &[u8], at: usize) -> Self;
    /// The bytes `ctrl[at..at + WIDTH]`, without the bounds check.
    ///
    /// # Safety
    /// `at + WIDTH <= ctrl.len()`.
    unsafe fn load_unchecked(ctrl: &[u8], at: usize) -> Self;
    /// Bytes equal to `tag` (which must be a 7-bit tag).
    fn match_tag(self, tag: u8) -> BitMask;
    fn match_empty(self) -> BitMask;
    fn match_empty_or_deleted(self) -> BitMask;
    fn match_full(self) -> BitMask;
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) mod sse2 {
    use core::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};

    use super::{BitMask, ControlGroup, EMPTY};

    /// Sixteen control bytes in an SSE2 register.
    #[derive(Clone, Copy)]
    pub(crate) struct Group(__m128i);

    impl Group {
        /// One bit per byte: the byte's high bit (`pmovmskb`).
        #[inline]
        fn high_bits(self) -> u32 {
            // SAFETY: SSE2 is enabled (this module is compiled only with
            // `target_feature = "sse2"`, part of every x86_64 baseline).
            unsafe { _mm_movemask_epi8(self.0) as u32 & 0xFFFF }
        }
    }

    impl ControlGroup for Group {
        const WIDTH: usize = 16;

        #[inline]
        fn load(ctrl: &[u8], at: usize) -> Self {
            let bytes = &ctrl[at..at + Self::WIDTH];
            // SAFETY: `bytes` is 16 readable, initialised bytes (the slice index
            // above checked the bounds) and `_mm_loadu_si128` has no alignment
            // requirement.
            Group(unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) })
        }

        #[inline]
        unsafe fn load_unchecked(ctrl: &[u8], at: usize) -> Self {
            debug_assert!(at + Self::WIDTH <= ctrl.len());
            // SAFETY: the caller guarantees `ctrl[at..at + 16]` is in bounds, so
            // the 16 bytes are readable and initialised; `_mm_loadu_si128` has no
            // alignment requirement.
            Group(unsafe { _mm_loadu_si128(ctrl.as_ptr().add(at).cast()) })
        }

        #[inline]
        fn match_tag(self, tag: u8) -> BitMask {
            // SAFETY: SSE2 is enabled (see `high_bits`); the intrinsics only
            // operate on registers.
            let equal = unsafe { _mm_cmpeq_epi8(self.0, _mm_set1_epi8(tag as i8)) };
            BitMask(Group(equal).high_bits())
        }

        #[inline]
        fn match_empty(self) -> BitMask {
            self.match_tag(EMPTY)
        }

        /// `EMPTY` and `DELETED` are the only bytes with the high bit set.
        #[inline]
        fn match_empty_or_deleted(self) -> BitMask {
            BitMask(self.high_bits())
        }

        #[inline]
        fn match_full(self) -> BitMask {
            BitMask(!self.high_bits() & 0xFFFF)
        }
    }
}

/// The portable group: eight control bytes in a `u64`, byte `i` at bits `8i..8i+8`.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
pub(crate) mod generic {
    use super::{BitMask, ControlGroup};

    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) struct Group(u64);

    /// Gather the high bit of each byte (`0x80` in byte `i`) into bit `i`.
    /// The multiply moves bit `8i + 7` (after the shift, `8i`) to bit `56 + i`;
    /// the partial products land on distinct bits, so nothing carries.
    #[inline]
    fn compress(high_bits: u64) -> BitMask {
        BitMask(((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32)
    }

    /// `0x80` in exactly the bytes of `x` that are zero. Adding `0x7F` to the
    /// low seven bits of a byte sets its high bit iff those bits are not all
    /// zero, and never carries into the next byte; or-ing `x` covers the byte's
    /// own high bit. (The shorter `(x - 0x01..) & !x & 0x80..` borrows across
    /// bytes and reports false positives, which this table cannot afford.)
    #[inline]
    fn zero_bytes(x: u64) -> u64 {
        !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
    }

    impl ControlGroup for Group {
        const WIDTH: usize = 8;

        #[inline]
        fn load(ctrl: &[u8], at: usize) -> Self {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&ctrl[at..at + Self::WIDTH]);
            Group(u64::from_le_bytes(bytes))
        }

        #[inline]
        unsafe fn load_unchecked(ctrl: &[u8], at: usize) -> Self {
            debug_assert!(at + Self::WIDTH <= ctrl.len());
            // SAFETY: the caller guarantees `ctrl[at..at + 8]` is in bounds, so
            // the 8 bytes are readable and initialised; `read_unaligned` has no
            // alignment requirement.
            Group(u64::from_le(unsafe {
                ctrl.as_ptr().add(at).cast::<u64>().read_unaligned()
            }))
        }

        #[inline]
        fn match_tag(self, tag: u8) -> BitMask {
            compress(zero_bytes(self.0 ^ (ONES * u64::from(tag))))
        }

        /// `EMPTY` is the only byte with both of its top two bits set.
        #[inline]
        fn match_empty(self) -> BitMask {
            compress(self.0 & (self.0 << 1) & HIGH)
        }

        #[inline]
        fn match_empty_or_deleted(self) -> BitMask {
            compress(self.0 & HIGH)
        }

        #[inline]
        fn match_full(self) -> BitMask {
            compress(!self.0 & HIGH)
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) use sse2::Group;

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub(crate) use generic::Group;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value class, in an order that puts each class at each position.
    fn sample_rows() -> Vec<Vec<u8>> {
        let palette = [
            EMPTY, DELETED, 0x00, 0x01, 0x7F, 0x40, 0x3F, 0x7E, 0x02, 0x41, 0x80, 0xFF,
        ];
        let mut rows = Vec::new();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..400 {
            let row = (0..32)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    palette[(state % palette.len() as u64) as usize]
                })
                .collect();
            rows.push(row);
        }
        rows.push(vec![EMPTY; 32]);
        rows.push(vec![0; 32]);
        rows.push((0..32).map(|i| i as u8).collect());
        rows
    }

    fn scalar(bytes: &[u8], wanted: impl Fn(u8) -> bool) -> BitMask {
        BitMask(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| wanted(**b))
                .fold(0, |mask, (i, _)| mask | 1 << i),
        )
    }

    fn agrees_with_scalar_scan<G: ControlGroup>() {
        for row in sample_rows() {
            for at in 0..=row.len() - G::WIDTH {
                let bytes = &row[at..at + G::WIDTH];
                let group = G::load(&row, at);
                // SAFETY: `at + WIDTH <= row.len()` by the loop's range.
                assert!(unsafe { G::load_unchecked(&row, at) }.match_full() == group.match_full());
                for tag in [0x00, 0x01, 0x02, 0x3F, 0x40, 0x41, 0x7E, 0x7F] {
                    assert_eq!(
                        group.match_tag(tag),
                        scalar(bytes, |b| b == tag),
                        "{bytes:02x?} tag {tag:#x}"
                    );
                }
                assert_eq!(group.match_empty(), scalar(bytes, |b| b == EMPTY), "{bytes:02x?}");
                assert_eq!(group.match_empty_or_deleted(), scalar(bytes, |b| !is_full(b)));
                assert_eq!(group.match_full(), scalar(bytes, is_full));
            }
        }
    }

    #[test]
    fn portable_group_agrees_with_a_scalar_scan() {
        agrees_with_scalar_scan::<generic::Group>();
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn sse2_group_agrees_with_a_scalar_scan() {
        agrees_with_scalar_scan::<sse2::Group>();
    }

    #[test]
    fn bitmask_counts_clear_bits_from_either_end() {
        assert_eq!(BitMask(0b0100).trailing_clear(16), 2);
        assert_eq!(BitMask(0).trailing_clear(16), 16);
        assert_eq!(BitMask(0).leading_clear(8), 8);
        assert_eq!(BitMask(0b0100).leading_clear(8), 5);
        assert_eq!(BitMask(1 << 15).leading_clear(16), 0);
        assert_eq!(BitMask(0b1010).lowest(), Some(1));
        assert_eq!(BitMask(0).lowest(), None);
        assert_eq!(BitMask(0b1010).highest(), Some(3));
        assert_eq!(BitMask(0).highest(), None);
    }
}
