//! `next(it)` on a HashTable iterator: the iterator's own step
//! (`TableIterator::next_object`), with no PyO3 trampoline.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::Borrowed;

use crate::iteration::TableIterator;

/// NULL with no exception set is how a `tp_iternext` says the iteration is over.
pub(crate) unsafe extern "C" fn iter_next(slf: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: CPython calls `tp_iternext` with the GIL held and a live
    // borrowed reference to an instance of this (final) type.
    let py = unsafe { Python::assume_attached() };
    // SAFETY: as above.
    let iterator = unsafe { Borrowed::from_ptr(py, slf).cast_unchecked::<TableIterator>() };
    iterator.get().next_object(py).unwrap_or_else(|err| {
        err.restore(py);
        std::ptr::null_mut()
    })
}
