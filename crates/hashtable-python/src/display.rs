//! The table's two faces: `repr`, which looks like dict's, and the picture,
//! which draws the buckets as the original C table did.

use pyo3::ffi;
use pyo3::prelude::*;

use crate::state::{borrow, snapshot, HashTable};

/// `print(t)` draws at most this many bucket lines.
pub(crate) const PRINT_LIMIT: usize = 64;

/// The bucket picture (`hashtable_core::picture` draws it), first `limit` lines.
pub(crate) fn picture(slf: &Bound<'_, HashTable>, limit: Option<usize>) -> PyResult<String> {
    let this = borrow(slf)?;
    let mut out = String::new();
    hashtable_core::write_picture(&this.table, limit, &mut out);
    Ok(out)
}

/// `HashTable({k: v, ...})`, with `...` where the table contains itself.
pub(crate) fn repr(slf: &Bound<'_, HashTable>) -> PyResult<String> {
    let type_name = slf.get_type().name()?.to_string();
    let _guard = crate::recursion::RecursionGuard::enter(slf.py(), c" while getting the repr of an object")?;
    // SAFETY: `slf` is a live object and we hold the GIL; Py_ReprEnter only
    // records the object in the thread's repr-recursion list.
    let entered = unsafe { ffi::Py_ReprEnter(slf.as_ptr()) };
    if entered != 0 {
        if entered < 0 {
            return Err(PyErr::fetch(slf.py()));
        }
        return Ok(format!("{type_name}({{...}})"));
    }
    let body = repr_items(slf);
    // SAFETY: paired with the successful Py_ReprEnter above, on the same object.
    unsafe { ffi::Py_ReprLeave(slf.as_ptr()) };
    Ok(format!("{type_name}({{{}}})", body?))
}

fn repr_items(slf: &Bound<'_, HashTable>) -> PyResult<String> {
    let py = slf.py();
    let mut parts = Vec::new();
    for (key, value, _) in snapshot(slf)? {
        let key = key.bind(py).repr()?;
        let value = value.bind(py).repr()?;
        parts.push(format!("{key}: {value}"));
    }
    Ok(parts.join(", "))
}
