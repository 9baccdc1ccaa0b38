//! `hashtable._C_API`: a capsule holding a table of C function pointers over
//! `HashTable` objects, so other extension modules can use the type without
//! Python-level calls (CPython's "Providing a C API for an Extension Module").
//! Its header is `python/hashtable/include/hashtable_capi.h`
//! (`hashtable.get_include()`).
//!
//! Each function is a thin door into the same operations (`mapping`) the Python methods
//! use, so the borrow and reference-count rules are theirs: re-entrant
//! `__eq__`/`__hash__` are as safe through the capsule as from Python.
//! Callers hold the GIL (the header's contract). Errors are set as Python
//! exceptions and reported by the C convention (NULL or -1). No panic is
//! expected to be reachable; the extension is built with `panic = "abort"`,
//! so one would end the process there. In a build that unwinds (the crate's
//! own tests), `call` catches it as SystemError instead of unwinding into C.
//! Every function reads the table's native state, never an attribute or
//! method a subclass could override.

use std::ffi::{c_int, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

use pyo3::exceptions::{PySystemError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

use crate::errors::{missing_key, type_name};
use crate::mapping;
use crate::state::{borrow, HashTable};

/// The layout version of `HashTable_CAPI`. Fields are only ever appended, and
/// each addition bumps it; `import_hashtable()` accepts this version or newer.
const CAPI_VERSION: c_int = 1;
const CAPSULE_NAME: &CStr = c"hashtable._C_API";

type Object = *mut ffi::PyObject;

/// Mirrors `HashTable_CAPI` in hashtable_capi.h field for field.
#[repr(C)]
pub struct HashTableCApi {
    version: c_int,
    check: unsafe extern "C" fn(Object) -> c_int,
    new: unsafe extern "C" fn(Object) -> Object,
    get_item: unsafe extern "C" fn(Object, Object) -> Object,
    set_item: unsafe extern "C" fn(Object, Object, Object) -> c_int,
    del_item: unsafe extern "C" fn(Object, Object) -> c_int,
    contains: unsafe extern "C" fn(Object, Object) -> c_int,
    len: unsafe extern "C" fn(Object) -> ffi::Py_ssize_t,
    size: unsafe extern "C" fn(Object) -> ffi::Py_ssize_t,
}

static API: HashTableCApi = HashTableCApi {
    version: CAPI_VERSION,
    check,
    new,
    get_item,
    set_item,
    del_item,
    contains,
    len,
    size,
};

/// Add the capsule to the extension module (the package re-exports it as
/// `hashtable._C_API`, the name `PyCapsule_Import` looks up).
pub(crate) fn add_capsule(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let pointer = NonNull::from(&API).cast();
    // SAFETY: `API` is a static, so it outlives the capsule; C callers only
    // read it (the header declares it const), and no destructor is needed.
    let capsule = unsafe { PyCapsule::new_with_pointer(module.py(), pointer, CAPSULE_NAME) }?;
    module.add("_C_API", capsule)
}

/// Run a capsule function's body: an error is set as the current exception
/// and `failed` returned; a panic becomes SystemError.
///
/// `Python::attach` (not `assume_attached`): PyO3 must count this thread as
/// attached, or the references the body releases would wait in its deferred
/// pool, and reference counts would lag behind the Python methods'.
fn call<R>(failed: R, body: impl FnOnce(Python<'_>) -> PyResult<R>) -> R {
    let attached = catch_unwind(AssertUnwindSafe(|| {
        Python::attach(|py| body(py).map_err(|err| err.restore(py)))
    }));
    match attached {
        Ok(Ok(value)) => value,
        Ok(Err(())) => failed,
        Err(_) => {
            // SAFETY: the header's contract: every function is called with the GIL held.
            let py = unsafe { Python::assume_attached() };
            PySystemError::new_err("hashtable C API: internal error (a Rust panic was caught)").restore(py);
            failed
        }
    }
}

/// A borrowed argument; NULL is SystemError, as CPython's own C API reports
/// a NULL it cannot accept.
///
/// # Safety
/// `ptr` is NULL or a live object the caller holds for the whole call.
unsafe fn argument<'a, 'py>(
    py: Python<'py>,
    ptr: Object,
    function: &str,
    name: &str,
) -> PyResult<Borrowed<'a, 'py, PyAny>> {
    // SAFETY: this function's contract.
    unsafe { Borrowed::from_ptr_or_opt(py, ptr) }
        .ok_or_else(|| PySystemError::new_err(format!("{function}: {name} must not be NULL")))
}

/// The HashTable argument `t` of `function`: TypeError for anything else.
///
/// # Safety
/// As for `argument`.
unsafe fn table_argument<'a, 'py>(
    py: Python<'py>,
    ptr: Object,
    function: &str,
) -> PyResult<Borrowed<'a, 'py, HashTable>> {
    // SAFETY: this function's contract.
    let object = unsafe { argument(py, ptr, function, "table") }?;
    object
        .cast::<HashTable>()
        .map_err(|_| PyTypeError::new_err(format!("{function}: expected a HashTable, got {}", type_name(&object))))
}

unsafe extern "C" fn check(obj: Object) -> c_int {
    call(0, |py| {
        // SAFETY: the caller passes a live object or NULL (which is no HashTable).
        let is_table =
            unsafe { Borrowed::from_ptr_or_opt(py, obj) }.is_some_and(|obj| obj.is_instance_of::<HashTable>());
        Ok(c_int::from(is_table))
    })
}

unsafe extern "C" fn new(kwargs: Object) -> Object {
    call(std::ptr::null_mut(), |py| {
        // SAFETY: the caller passes a live object or NULL.
        let kwargs = match unsafe { Borrowed::from_ptr_or_opt(py, kwargs) } {
            None => None,
            Some(kwargs) => Some(kwargs.cast::<PyDict>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "HashTable_New: kwargs must be a dict or NULL, got {}",
                    type_name(&kwargs)
                ))
            })?),
        };
        let table = py.get_type::<HashTable>().call((), kwargs.as_deref())?;
        Ok(table.into_ptr())
    })
}

unsafe extern "C" fn get_item(t: Object, key: Object) -> Object {
    call(std::ptr::null_mut(), |py| {
        // SAFETY: the caller passes live objects (or NULL, refused).
        let (table, key) = unsafe {
            (
                table_argument(py, t, "HashTable_GetItem")?,
                argument(py, key, "HashTable_GetItem", "key")?,
            )
        };
        match mapping::get(&table, &key)? {
            Some(value) => Ok(value.into_ptr()),
            None => Err(missing_key(&key)),
        }
    })
}

unsafe extern "C" fn set_item(t: Object, key: Object, value: Object) -> c_int {
    call(-1, |py| {
        // SAFETY: the caller passes live objects (or NULL, refused).
        let (table, key, value) = unsafe {
            (
                table_argument(py, t, "HashTable_SetItem")?,
                argument(py, key, "HashTable_SetItem", "key")?,
                argument(py, value, "HashTable_SetItem", "value")?,
            )
        };
        mapping::set(&table, &key, &value)?;
        Ok(0)
    })
}

unsafe extern "C" fn del_item(t: Object, key: Object) -> c_int {
    call(-1, |py| {
        // SAFETY: the caller passes live objects (or NULL, refused).
        let (table, key) = unsafe {
            (
                table_argument(py, t, "HashTable_DelItem")?,
                argument(py, key, "HashTable_DelItem", "key")?,
            )
        };
        mapping::delete(&table, &key)?;
        Ok(0)
    })
}

unsafe extern "C" fn contains(t: Object, key: Object) -> c_int {
    call(-1, |py| {
        // SAFETY: the caller passes live objects (or NULL, refused).
        let (table, key) = unsafe {
            (
                table_argument(py, t, "HashTable_Contains")?,
                argument(py, key, "HashTable_Contains", "key")?,
            )
        };
        Ok(c_int::from(mapping::contains(&table, &key)?))
    })
}

unsafe extern "C" fn len(t: Object) -> ffi::Py_ssize_t {
    call(-1, |py| {
        // SAFETY: the caller passes a live object (or NULL, refused).
        let table = unsafe { table_argument(py, t, "HashTable_Len") }?;
        // The native count, as `PyDict_Size` reads dict's: a subclass's
        // `__len__` is not consulted.
        let len = borrow(&table)?.table.len();
        Ok(len as ffi::Py_ssize_t)
    })
}

unsafe extern "C" fn size(t: Object) -> ffi::Py_ssize_t {
    call(-1, |py| {
        // SAFETY: the caller passes a live object (or NULL, refused).
        let table = unsafe { table_argument(py, t, "HashTable_Size") }?;
        // The native bucket count: a subclass's `size` property is not consulted.
        let size = borrow(&table)?.table.size();
        Ok(size as ffi::Py_ssize_t)
    })
}
