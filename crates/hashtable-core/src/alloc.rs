//! Fallible allocation for every array a table owns.
//!
//! A table reachable from Python must answer memory exhaustion with an error
//! (Python's `MemoryError`), not abort the process, and must be left as it was.
//! So storage is always allocated with `try_reserve_exact` before anything is
//! moved into it: a failed growth happens while the old storage is untouched.

use std::collections::TryReserveError;
use std::fmt;
use std::mem::MaybeUninit;

/// An allocation the system refused, or a size past what an address space holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocError {
    /// Elements asked for.
    pub elements: usize,
    /// Bytes of one element.
    pub element_bytes: usize,
}

impl AllocError {
    pub(crate) fn of<T>(elements: usize) -> Self {
        AllocError {
            elements,
            element_bytes: std::mem::size_of::<T>(),
        }
    }

    /// Bytes asked for, saturating.
    pub fn bytes(&self) -> usize {
        self.elements.saturating_mul(self.element_bytes)
    }
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "out of memory: could not allocate {} elements of {} bytes ({} bytes)",
            self.elements,
            self.element_bytes,
            self.bytes()
        )
    }
}

impl std::error::Error for AllocError {}

fn reserved<T>(len: usize) -> Result<Vec<T>, AllocError> {
    let mut vec = Vec::new();
    vec.try_reserve_exact(len)
        .map_err(|_: TryReserveError| AllocError::of::<T>(len))?;
    Ok(vec)
}

/// `vec![value; len]`, or an error instead of an abort.
pub(crate) fn filled<T: Clone>(value: T, len: usize) -> Result<Vec<T>, AllocError> {
    let mut vec = reserved(len)?;
    vec.resize(len, value);
    Ok(vec)
}

/// `len` values made by `make`, or an error instead of an abort.
pub(crate) fn filled_with<T>(len: usize, make: impl FnMut() -> T) -> Result<Vec<T>, AllocError> {
    let mut vec = reserved(len)?;
    vec.resize_with(len, make);
    Ok(vec)
}

/// A copy of `slice`, or an error instead of an abort.
pub(crate) fn copied<T: Copy>(slice: &[T]) -> Result<Box<[T]>, AllocError> {
    let mut vec = reserved(slice.len())?;
    vec.extend_from_slice(slice);
    Ok(vec.into_boxed_slice())
}

/// `make(item)` for each item, or an error instead of an abort.
pub(crate) fn mapped<T, U>(items: &[T], make: impl FnMut(&T) -> U) -> Result<Vec<U>, AllocError> {
    let mut vec = reserved(items.len())?;
    vec.extend(items.iter().map(make));
    Ok(vec)
}

/// `Box::new_uninit_slice(len)`, or an error instead of an abort.
pub(crate) fn uninit_slice<T>(len: usize) -> Result<Box<[MaybeUninit<T>]>, AllocError> {
    Ok(filled_with(len, MaybeUninit::uninit)?.into_boxed_slice())
}

/// Room for `additional` more elements in `vec`, or an error instead of an abort.
pub(crate) fn reserve<T>(vec: &mut Vec<T>, additional: usize) -> Result<(), AllocError> {
    vec.try_reserve(additional)
        .map_err(|_| AllocError::of::<T>(vec.len().saturating_add(additional)))
}

/// Room for one more element in `vec`, for an insert: inlined down to a
/// comparison, with the growth out of line, since most inserts find room.
/// (As a call, `reserve(vec, 1)` cost `update()` of new keys 8 to 13
/// instructions a key in chaining and compact, `callgrind_lookup.py --op build`.)
#[inline(always)]
pub(crate) fn reserve_one<T>(vec: &mut Vec<T>) -> Result<(), AllocError> {
    if vec.len() < vec.capacity() {
        return Ok(());
    }
    grow_for_one(vec)
}

#[cold]
#[inline(never)]
fn grow_for_one<T>(vec: &mut Vec<T>) -> Result<(), AllocError> {
    reserve(vec, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_size_is_an_error_not_an_abort() {
        let err = filled(0u64, usize::MAX / 4).unwrap_err();
        assert_eq!(err.element_bytes, 8);
        assert!(err.to_string().starts_with("out of memory"));
        assert!(uninit_slice::<[u8; 64]>(1 << 58).is_err());
        let mut vec = vec![1u32];
        assert!(reserve(&mut vec, usize::MAX / 2).is_err());
        assert_eq!(vec, [1], "a failed reserve leaves the vector as it was");
    }

    #[test]
    fn sizes_that_fit_are_filled() {
        assert_eq!(filled(7u8, 3).unwrap(), [7, 7, 7]);
        assert_eq!(uninit_slice::<u64>(5).unwrap().len(), 5);
    }
}
