//! The sparse index array, stored in the narrowest signed integer that can
//! name every entry position, as CPython's `dk_indices` is.
//!
//! | index slots        | width | bytes per slot |
//! |--------------------|-------|----------------|
//! | up to 2^7 (128)    | `i8`  | 1              |
//! | up to 2^15         | `i16` | 2              |
//! | up to 2^31         | `i32` | 4              |
//! | beyond             | `i64` | 8              |
//!
//! An entry position is always below the slot count (the entries never
//! outnumber the index slots: see the module above), so a slot count of 2^7
//! needs positions up to 127, which `i8` holds next to the two markers.

use crate::alloc::{self, AllocError};

/// The value of an index slot that never held a position.
pub(crate) const EMPTY: isize = -1;
/// The value of an index slot whose entry was deleted.
pub(crate) const DUMMY: isize = -2;

/// One index slot's storage type.
pub(crate) trait IndexWord: Copy + Send + Sync + 'static {
    const EMPTY: Self;
    fn get(self) -> isize;
    /// `value` is `EMPTY`, `DUMMY` or a position that fits (the width was
    /// chosen for the slot count).
    fn make(value: isize) -> Self;
}

macro_rules! index_word {
    ($($t:ty),*) => {$(
        impl IndexWord for $t {
            const EMPTY: Self = -1;
            #[inline]
            fn get(self) -> isize {
                self as isize
            }
            #[inline]
            fn make(value: isize) -> Self {
                debug_assert!(<$t>::try_from(value).is_ok(), "{value} does not fit");
                value as $t
            }
        }
    )*};
}

index_word!(i8, i16, i32, i64);

/// Bytes per index slot for a table of `slots` slots.
pub(crate) fn width_for(slots: usize) -> usize {
    match slots as u64 {
        0..=0x80 => 1,
        0x81..=0x8000 => 2,
        0x8001..=0x8000_0000 => 4,
        _ => 8,
    }
}

pub(crate) enum Indices {
    I8(Box<[i8]>),
    I16(Box<[i16]>),
    I32(Box<[i32]>),
    I64(Box<[i64]>),
}

/// Run `$body` with `$slice` bound to the index array at its own width, so
/// generic code is monomorphised once per width and the hot loop never
/// branches on it.
macro_rules! with_indices {
    ($indices:expr, $slice:ident => $body:expr) => {
        match $indices {
            Indices::I8($slice) => $body,
            Indices::I16($slice) => $body,
            Indices::I32($slice) => $body,
            Indices::I64($slice) => $body,
        }
    };
}
pub(crate) use with_indices;

impl Indices {
    /// A copy, or an error instead of an abort.
    pub(crate) fn try_clone(&self) -> Result<Self, AllocError> {
        Ok(match self {
            Indices::I8(slice) => Indices::I8(crate::alloc::copied(slice)?),
            Indices::I16(slice) => Indices::I16(crate::alloc::copied(slice)?),
            Indices::I32(slice) => Indices::I32(crate::alloc::copied(slice)?),
            Indices::I64(slice) => Indices::I64(crate::alloc::copied(slice)?),
        })
    }

    /// `slots` EMPTY slots, at the width `width_for(slots)`.
    pub(crate) fn new(slots: usize) -> Result<Self, AllocError> {
        Ok(match width_for(slots) {
            1 => Indices::I8(alloc::filled(i8::EMPTY, slots)?.into_boxed_slice()),
            2 => Indices::I16(alloc::filled(i16::EMPTY, slots)?.into_boxed_slice()),
            4 => Indices::I32(alloc::filled(i32::EMPTY, slots)?.into_boxed_slice()),
            _ => Indices::I64(alloc::filled(i64::EMPTY, slots)?.into_boxed_slice()),
        })
    }

    pub(crate) fn len(&self) -> usize {
        with_indices!(self, slice => slice.len())
    }

    /// Bytes per slot.
    pub(crate) fn width(&self) -> usize {
        match self {
            Indices::I8(_) => 1,
            Indices::I16(_) => 2,
            Indices::I32(_) => 4,
            Indices::I64(_) => 8,
        }
    }

    #[inline]
    pub(crate) fn get(&self, slot: usize) -> isize {
        with_indices!(self, slice => slice[slot].get())
    }

    #[inline]
    pub(crate) fn set(&mut self, slot: usize, value: isize) {
        with_indices!(self, slice => slice[slot] = IndexWord::make(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_cpython() {
        assert_eq!(width_for(8), 1);
        assert_eq!(width_for(128), 1);
        assert_eq!(width_for(256), 2);
        assert_eq!(width_for(1 << 15), 2);
        assert_eq!(width_for(1 << 16), 4);
        assert_eq!(width_for(1 << 31), 4);
        assert_eq!(width_for(1 << 32), 8);
        assert!(matches!(Indices::new(128).unwrap(), Indices::I8(_)));
        assert!(matches!(Indices::new(256).unwrap(), Indices::I16(_)));
        assert!(matches!(Indices::new(1 << 16).unwrap(), Indices::I32(_)));
    }

    #[test]
    fn the_largest_position_of_each_width_round_trips() {
        for slots in [128usize, 1 << 15, 1 << 16] {
            let mut indices = Indices::new(slots).unwrap();
            assert_eq!(indices.width(), width_for(slots));
            indices.set(0, slots as isize - 1);
            indices.set(1, DUMMY);
            assert_eq!(indices.get(0), slots as isize - 1);
            assert_eq!(indices.get(1), DUMMY);
            assert_eq!(indices.get(2), EMPTY);
        }
    }
}
