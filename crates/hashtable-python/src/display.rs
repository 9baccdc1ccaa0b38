//! The table's two faces: `repr`, which looks like dict's, and the picture,
//! which draws the buckets as the original C table did.

use hashtable_core::BucketView;
use pyo3::ffi;
use pyo3::prelude::*;

use crate::lookup::borrow;
use crate::operations::snapshot;
use crate::table::HashTable;

/// `print(t)` draws at most this many bucket lines.
pub(crate) const PRINT_LIMIT: usize = 64;

/// One line per bucket: `[]` and a `*` per chained item; for open addressing,
/// one line per slot: `[]` empty, `[]*` at home, `[]*3` displaced by 3 slots
/// (`[]*9+` for 9 or more), `[]x` a tombstone.
pub(crate) fn picture(slf: &Bound<'_, HashTable>, limit: Option<usize>) -> PyResult<String> {
    let this = borrow(slf)?;
    let size = this.table.size();
    let shown = limit.map_or(size, |limit| limit.min(size));
    let mut out = String::with_capacity(shown * 4);
    for bucket in 0..shown {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("[]");
        match this.table.bucket_view(bucket) {
            BucketView::Chain { items } => out.extend(std::iter::repeat_n('*', items)),
            BucketView::Empty => {}
            BucketView::Tombstone => out.push('x'),
            BucketView::Filled { displacement: 0 } => out.push('*'),
            BucketView::Filled { displacement } if displacement < 9 => {
                out.push('*');
                out.push(char::from(b'0' + displacement as u8));
            }
            BucketView::Filled { .. } => out.push_str("*9+"),
        }
    }
    if shown < size {
        let hidden = size - shown;
        if !out.is_empty() {
            out.push('\n');
        }
        let plural = if hidden == 1 { "" } else { "s" };
        out.push_str(&format!("... {hidden} more bucket{plural} not shown"));
    }
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
