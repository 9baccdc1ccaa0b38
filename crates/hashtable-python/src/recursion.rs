//! Guards for the paths that recurse through user objects: `==` between
//! nested tables, `repr` of nested tables, pickling them, and every call of
//! user code during an operation (`check_stack`).
//!
//! Each guard does two checks. `Py_EnterRecursiveCall` counts Python's
//! recursion depth against `sys.getrecursionlimit()`, as dict's own paths do.
//! But a raised limit (or a thread with a small stack) can let the native
//! stack run out first, since every level also spends native frames: so the
//! guard also measures the stack that is left and raises RecursionError while
//! a safe margin remains, instead of crashing.

use std::ffi::CStr;
use std::marker::PhantomData;

use pyo3::exceptions::PyRecursionError;
use pyo3::ffi;
use pyo3::prelude::*;

/// Stack kept free for the frames between two guard points, and for
/// formatting the error itself.
const STACK_MARGIN: usize = 64 * 1024;

/// RecursionError, unless the native stack still has room for one more level.
/// Every path that calls user code (a key's `__hash__` or `__eq__`,
/// `hash_func`, `key=`, `eq=`) checks here first: those calls can re-enter
/// the table, and a raised recursion limit (or a thread with a small stack)
/// would otherwise let the native stack run out before Python's limit.
#[inline]
pub(crate) fn check_stack(context: &str) -> PyResult<()> {
    match stacker::remaining_stack() {
        Some(left) if left < STACK_MARGIN => Err(stack_exhausted(context)),
        _ => Ok(()),
    }
}

#[cold]
#[inline(never)]
fn stack_exhausted(context: &str) -> PyErr {
    PyRecursionError::new_err(format!(
        "maximum recursion depth exceeded {context} (native stack nearly exhausted)"
    ))
}

/// One level of recursion: entered with [`RecursionGuard::enter`], left when
/// dropped, on the same thread (the raw pointer marker keeps it there).
pub(crate) struct RecursionGuard(PhantomData<*const ()>);

impl RecursionGuard {
    /// `context` completes "maximum recursion depth exceeded ...", as CPython's
    /// own messages do (" in comparison").
    pub(crate) fn enter(py: Python<'_>, context: &'static CStr) -> PyResult<Self> {
        check_stack(context.to_str().unwrap_or_default().trim())?;
        // SAFETY: the GIL is held (we have `py`); `context` is a NUL-terminated
        // static string, which CPython only reads while formatting the error.
        if unsafe { ffi::Py_EnterRecursiveCall(context.as_ptr()) } != 0 {
            return Err(PyErr::fetch(py));
        }
        Ok(RecursionGuard(PhantomData))
    }
}

impl Drop for RecursionGuard {
    fn drop(&mut self) {
        // SAFETY: paired with the successful Py_EnterRecursiveCall in `enter`,
        // on the same thread (the guard is not Send), with the GIL held.
        unsafe { ffi::Py_LeaveRecursiveCall() };
    }
}
