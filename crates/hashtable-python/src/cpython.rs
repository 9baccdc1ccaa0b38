//! The raw CPython calls the binding's lower floors make, each small and
//! documented with the invariant it relies on (as orjson keeps its `ffi/`).
//! The entry points CPython calls into (the fast slots, the capsule, the
//! iterator's `tp_iternext`) are in `entry_points/`.

use hashtable_core::CanonicalKey;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString};

use crate::errors::ErrorSet;

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

/// `func(arg)` by vectorcall: no argument tuple is built. Inlined into the
/// hash function call of the fast slots.
#[inline(always)]
pub(crate) fn call_one<'py>(func: &Bound<'py, PyAny>, arg: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = func.py();
    // `func` may use the table again: a level of recursion through native frames.
    if crate::recursion::stack_is_low() {
        return Err(crate::recursion::stack_exhausted(
            "while calling a HashTable's hash_func or key",
        ));
    }
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
/// A failure (memory, in a mixed int and float compare) is left set in the
/// interpreter, for the probe's caller to fetch once.
#[inline]
pub(crate) fn scalars_equal(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> Result<bool, ErrorSet> {
    if a.is_exact_instance_of::<PyString>() && b.is_exact_instance_of::<PyString>() {
        // SAFETY: both are exact str, checked just above.
        if let Some(equal) = unsafe { compact_strs_equal(a.as_ptr(), b.as_ptr()) } {
            return Ok(equal);
        }
    }
    // SAFETY: both are live objects and the GIL is held.
    match unsafe { ffi::PyObject_RichCompareBool(a.as_ptr(), b.as_ptr(), ffi::Py_EQ) } {
        -1 => Err(ErrorSet),
        result => Ok(result == 1),
    }
}

/// `a == b` for two exact str as dict's lookup compares them
/// (`unicode_eq` in `dictobject.c`): length, kind, then the bytes, with
/// none of `PyObject_RichCompareBool`'s dispatch (an equal str key that is
/// another object, `t[k]` on chaining: 445.5 -> 337.5 instructions, dict
/// 337.6: `scripts/callgrind_lookup.py --keys str-copy`).
/// None unless both are compact, the only layout whose data sits after the
/// header and is always ready (3.11's legacy API makes the others).
///
/// # Safety
/// `a` and `b` are live exact str objects and the GIL is held.
#[inline(always)]
unsafe fn compact_strs_equal(a: *mut ffi::PyObject, b: *mut ffi::PyObject) -> Option<bool> {
    // SAFETY: the contract; a compact str's length, kind and data are set
    // when it is made and never change, and its data holds `length * kind`
    // bytes.
    unsafe {
        if ffi::PyUnicode_IS_COMPACT(a) == 0 || ffi::PyUnicode_IS_COMPACT(b) == 0 {
            return None;
        }
        let length = ffi::PyUnicode_GET_LENGTH(a);
        if length != ffi::PyUnicode_GET_LENGTH(b) {
            return Some(false);
        }
        let kind = ffi::PyUnicode_KIND(a);
        if kind != ffi::PyUnicode_KIND(b) {
            return Some(false);
        }
        let bytes = length as usize * kind as usize;
        let a = std::slice::from_raw_parts(ffi::PyUnicode_DATA(a).cast::<u8>(), bytes);
        let b = std::slice::from_raw_parts(ffi::PyUnicode_DATA(b).cast::<u8>(), bytes);
        Some(a == b)
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

/// 2^63 as a float: floats in [-2^63, 2^63) convert to i64 exactly when integral.
pub(crate) const TWO_POW_63: f64 = (1u64 << 63) as f64;

/// An int's value, if it fits in an `i64`: None for a bigger one, with no
/// exception made and dropped (as `extract::<i64>` would make one).
#[inline(always)]
pub(crate) fn int_value(int: &Bound<'_, PyAny>) -> Option<i64> {
    debug_assert!(int.is_instance_of::<PyInt>());
    let mut overflow = 0;
    // SAFETY: `int` is a live int (or subclass: its value is read, no
    // `__index__` called) and the GIL is held; an int beyond 64 bits sets
    // `overflow` instead of an exception.
    let value = unsafe { ffi::PyLong_AsLongLongAndOverflow(int.as_ptr(), &mut overflow) };
    (overflow == 0).then_some(value)
}

/// The UTF-8 of an exact str, read in place: a compact ASCII str's data is
/// its UTF-8, right after its header; any other compact str keeps the UTF-8
/// CPython made for it (or NULL) in `utf8`/`utf8_length`. None if there is
/// none yet (or the str is a legacy, non-compact one): `with_canonical`
/// asks CPython to make and cache it.
///
/// # Safety
/// `key` is an exact str (`is_exact_instance_of::<PyString>()`).
#[inline(always)]
pub(crate) unsafe fn str_utf8_in_place<'k>(key: &'k Bound<'_, PyAny>) -> Option<&'k str> {
    let object = key.as_ptr();
    // SAFETY: `key` is a live str (the caller's promise) and the GIL is held.
    // The bytes live as long as `key`, which the returned borrow is tied to,
    // and str data never changes. CPython only ever stores valid UTF-8 there.
    unsafe {
        let (data, len) = if ffi::PyUnicode_IS_COMPACT_ASCII(object) != 0 {
            (
                ffi::PyUnicode_DATA(object).cast::<u8>(),
                ffi::PyUnicode_GET_LENGTH(object),
            )
        } else if ffi::PyUnicode_IS_COMPACT(object) != 0 {
            let compact = object.cast::<ffi::PyCompactUnicodeObject>();
            ((*compact).utf8.cast::<u8>(), (*compact).utf8_length)
        } else {
            return None;
        };
        if data.is_null() {
            return None;
        }
        let bytes = std::slice::from_raw_parts(data, len as usize);
        Some(std::str::from_utf8_unchecked(bytes))
    }
}

/// The canonical form of an exact builtin scalar, read in place: no Python
/// object made, no error possible, nothing that could run Python code (the
/// fast slots call this under the table's borrow). A str's UTF-8 is its
/// ASCII data, or the UTF-8 CPython has cached for it. None for anything
/// else (a subclass, an int beyond 64 bits, an integral float beyond them,
/// a str whose UTF-8 is not cached yet): `hashing::with_canonical` takes those.
#[inline(always)]
pub(crate) fn scalar_canonical<'k>(key: &'k Bound<'_, PyAny>) -> Option<CanonicalKey<'k>> {
    if key.is_exact_instance_of::<PyString>() {
        // SAFETY: checked just above.
        return unsafe { str_utf8_in_place(key) }.map(CanonicalKey::Text);
    }
    number_or_bytes_canonical(key)
}

/// `scalar_canonical` of anything but a str: exact ints, bools, floats and
/// bytes.
#[inline(always)]
pub(crate) fn number_or_bytes_canonical<'k>(key: &'k Bound<'_, PyAny>) -> Option<CanonicalKey<'k>> {
    let object = key.as_ptr();
    if key.is_exact_instance_of::<PyInt>() || key.is_exact_instance_of::<PyBool>() {
        return int_value(key).map(CanonicalKey::Int);
    }
    if key.is_exact_instance_of::<PyFloat>() {
        // SAFETY: `key` is a live exact float.
        let value = unsafe { ffi::PyFloat_AS_DOUBLE(object) };
        return if value.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&value) {
            Some(CanonicalKey::Int(value as i64))
        } else if !value.is_finite() || value.fract() != 0.0 {
            Some(CanonicalKey::Float(value))
        } else {
            None
        };
    }
    if key.is_exact_instance_of::<PyBytes>() {
        // SAFETY: `key` is a live exact bytes object, whose data lives (and
        // never changes) as long as it does.
        return Some(CanonicalKey::Bytes(
            unsafe { key.cast_unchecked::<PyBytes>() }.as_bytes(),
        ));
    }
    None
}
