//! The raw CPython calls the binding's lower floors make, each small and
//! documented with the invariant it relies on (as orjson keeps its `ffi/`).
//! The entry points CPython calls into (the fast slots, the capsule, the
//! iterator's `tp_iternext`) are in `entry_points/`.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// `hash(key)`. The error is fetched out of line: a key's `__hash__` that
/// uses the table recurses through this frame, which stays small.
#[inline]
pub(crate) fn object_hash(key: &Bound<'_, PyAny>) -> PyResult<u64> {
    // SAFETY: `key` is a live object and the GIL is held.
    match unsafe { pyo3::ffi::PyObject_Hash(key.as_ptr()) } {
        -1 => Err(fetch_error(key.py())),
        hash => Ok(hash as i64 as u64),
    }
}

#[cold]
#[inline(never)]
pub(crate) fn fetch_error(py: Python<'_>) -> PyErr {
    PyErr::fetch(py)
}

/// `func(arg)` by vectorcall: no argument tuple is built.
pub(crate) fn call_one<'py>(func: &Bound<'py, PyAny>, arg: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = func.py();
    // `func` may use the table again: a level of recursion through native frames.
    crate::recursion::check_stack("while calling a HashTable's hash_func or key")?;
    // The slot before the argument is free for the callee to use
    // (PY_VECTORCALL_ARGUMENTS_OFFSET), which saves a bound method a copy.
    let mut args = [std::ptr::null_mut(), arg.as_ptr()];
    // SAFETY: the GIL is held; `args[1]` is a live borrowed reference that
    // outlives the call, and `args[0]` may be overwritten by the callee, as
    // the offset flag allows. The result is a new reference, or NULL with an
    // exception set.
    let result = unsafe {
        pyo3::ffi::PyObject_Vectorcall(
            func.as_ptr(),
            args.as_mut_ptr().add(1),
            1 | pyo3::ffi::PY_VECTORCALL_ARGUMENTS_OFFSET,
            std::ptr::null_mut(),
        )
    };
    // SAFETY: a new reference or NULL, as above.
    unsafe { Bound::from_owned_ptr_or_err(py, result) }
}

/// `hash()` of an int's value: reduced modulo 2**61 - 1, with -1 mapped to -2.
/// Taken from int's own hash slot, as CPython does with what `__hash__`
/// returns, so an int subclass's own `__hash__` is never called.
pub(crate) fn int_value_hash(int: &Bound<'_, PyAny>) -> PyResult<isize> {
    // SAFETY: `PyLong_Type` is CPython's static int type, always initialised;
    // reading its `tp_hash` slot is a plain read of an immutable static.
    let long_hash = unsafe { (*std::ptr::addr_of!(pyo3::ffi::PyLong_Type)).tp_hash };
    let Some(long_hash) = long_hash else {
        return int.hash();
    };
    // SAFETY: `int` is an instance of int (checked by the caller), which is
    // what int's hash slot reads; it runs no Python code.
    let hash = unsafe { long_hash(int.as_ptr()) };
    if hash == -1 {
        return Err(PyErr::fetch(int.py()));
    }
    Ok(hash)
}

/// `a == b` for two builtin scalars of one family: pure C, no Python code.
#[inline]
pub(crate) fn scalars_equal(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<bool> {
    // SAFETY: both are live objects and the GIL is held.
    match unsafe { ffi::PyObject_RichCompareBool(a.as_ptr(), b.as_ptr(), ffi::Py_EQ) } {
        -1 => Err(PyErr::fetch(a.py())),
        result => Ok(result == 1),
    }
}

/// What dict's own merge watches in its source to tell that a key's `__eq__`
/// or `__hash__` changed it: its length, and the count of entries ever
/// appended to its keys table (`dk_nentries`), which an insert raises and a
/// clear resets, so a delete followed by an insert is caught at constant
/// length too. CPython 3.11 raises "dict mutated during update" when that
/// count moves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct DictShape {
    len: usize,
    entries: ffi::Py_ssize_t,
}

/// The head of CPython's `PyDictKeysObject` (`Include/internal/pycore_dict.h`),
/// the same from 3.11 to 3.14 in builds with the GIL (the only ones this
/// module supports: it is `gil_used`).
#[repr(C)]
struct DictKeysHead {
    refcnt: ffi::Py_ssize_t,
    log2_size: u8,
    log2_index_bytes: u8,
    kind: u8,
    version: u32,
    usable: ffi::Py_ssize_t,
    entries: ffi::Py_ssize_t,
}

impl DictShape {
    pub(crate) fn of(dict: &Bound<'_, PyDict>) -> DictShape {
        let object = dict.as_ptr().cast::<ffi::PyDictObject>();
        // SAFETY: `dict` is a live dict (an exact one: `PyDict_Check` holds),
        // so its object is a `PyDictObject`, whose `ma_keys` always points at a
        // keys table (a shared empty one when the dict is empty); the GIL is
        // held, so neither changes while they are read. The keys table's head
        // has `DictKeysHead`'s layout in every CPython this module builds for
        // (3.11 and later, with the GIL).
        let entries = unsafe { (*(*object).ma_keys.cast::<DictKeysHead>()).entries };
        DictShape {
            len: dict.len(),
            entries,
        }
    }
}
