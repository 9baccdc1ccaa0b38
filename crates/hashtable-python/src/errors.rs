//! The errors the binding raises, each built in one place: core errors as
//! the Python exceptions that name them, dict's KeyError, and the names of
//! types and callables that messages quote.

use hashtable_core::{AllocError, TableError};
use pyo3::exceptions::{PyKeyError, PyMemoryError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;

/// An exception already set in the interpreter, not yet fetched: what a
/// comparison inside a probe loop returns instead of a `PyErr`, so that its
/// result stays one byte in a register (a `PyResult` is several words, and
/// every candidate's verdict went through memory). The caller fetches it
/// with [`ErrorSet::fetch`] once the probe is over.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorSet;

impl ErrorSet {
    /// The pending exception as a `PyErr`.
    #[cold]
    pub(crate) fn fetch(self, py: Python<'_>) -> PyErr {
        PyErr::fetch(py)
    }
}

/// A core error as the Python exception that names it.
pub(crate) fn table_error(err: TableError) -> PyErr {
    match err {
        TableError::Config(err) => PyValueError::new_err(err.to_string()),
        TableError::OutOfMemory(err) => memory_error(err),
    }
}

pub(crate) fn memory_error(err: AllocError) -> PyErr {
    PyMemoryError::new_err(err.to_string())
}

/// `KeyError(key)`, with the key as the single argument even when it is a
/// tuple, as dict raises it.
pub(crate) fn missing_key(key: &Bound<'_, PyAny>) -> PyErr {
    PyKeyError::new_err((key.clone().unbind(),))
}

/// The same KeyError, set as the current exception through the C API: what
/// the fast slots use, which are not registered with PyO3 and so must create
/// no `PyErr` holding a `Py<T>`.
pub(crate) fn raise_missing_key(key: &Bound<'_, PyAny>) {
    // SAFETY: the GIL is held (we have a `Bound`) and `key` is live;
    // PyTuple_Pack takes its own reference, and PyErr_SetObject its own of
    // the tuple.
    unsafe {
        let args = ffi::PyTuple_Pack(1, key.as_ptr());
        if !args.is_null() {
            ffi::PyErr_SetObject(ffi::PyExc_KeyError, args);
            ffi::Py_DECREF(args);
        }
    }
}

/// The qualified name of `obj`'s type, as messages quote it.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A callable's `__qualname__`, or its `str()` when it has none.
pub(crate) fn callable_name(func: &Bound<'_, PyAny>) -> String {
    func.getattr(pyo3::intern!(func.py(), "__qualname__"))
        .and_then(|n| n.str().map(|s| s.to_string()))
        .unwrap_or_else(|_| func.to_string())
}
