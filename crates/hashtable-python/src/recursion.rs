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
    if stack_is_low() {
        return Err(stack_exhausted(context));
    }
    Ok(())
}

/// Whether less than [`STACK_MARGIN`] of the native stack is left: a few
/// instructions, with the stack pointer read as the address of a local.
#[inline(always)]
pub(crate) fn stack_is_low() -> bool {
    let marker = 0u8;
    let pointer = std::hint::black_box(&marker) as *const u8 as usize;
    pointer.wrapping_sub(stack_limit(pointer)) < STACK_MARGIN
}

/// The low end of the calling thread's stack (0 where it is unknown).
///
/// stacker keeps it in a thread-local, which a shared library reads through a
/// `__tls_get_addr` call (about 20 instructions per Python `hash_func` call,
/// callgrind). With the GIL held (the module is `gil_used`) one thread runs at
/// a time, and a recursion is one thread calling again and again, so the last
/// thread's limit is kept here and checked against `pthread_self`: glibc's
/// `pthread_t` is the thread's control block, inside its stack's own mapping,
/// so an equal `pthread_t` is the same stack. A stack pointer below the kept
/// limit is never trusted: it is looked up again.
#[inline(always)]
fn stack_limit(pointer: usize) -> usize {
    // SAFETY: `pthread_self` has no preconditions and cannot fail.
    let thread = unsafe { pthread_self() };
    // SAFETY: the GIL is held by every caller (see `LastThread`).
    let last = unsafe { &mut *LAST_THREAD.0.get() };
    if last.thread == thread && pointer >= last.limit {
        return last.limit;
    }
    refresh_limit(last, thread, pointer)
}

#[cold]
#[inline(never)]
fn refresh_limit(last: &mut LastThread, thread: usize, pointer: usize) -> usize {
    let limit = stacker::remaining_stack().map_or(0, |left| pointer.saturating_sub(left));
    *last = LastThread { thread, limit };
    limit
}

struct LastThread {
    thread: usize,
    limit: usize,
}

struct LastThreadCell(std::cell::UnsafeCell<LastThread>);

// SAFETY: only `stack_limit` touches it, and every caller holds the GIL (the
// module declares `gil_used`), so two threads never use it at once and the
// GIL's hand-over orders their accesses.
unsafe impl Sync for LastThreadCell {}

static LAST_THREAD: LastThreadCell = LastThreadCell(std::cell::UnsafeCell::new(LastThread { thread: 0, limit: 0 }));

extern "C" {
    /// POSIX; `pthread_t` is an integer or a pointer, one word either way.
    fn pthread_self() -> usize;
}

#[cold]
#[inline(never)]
pub(crate) fn stack_exhausted(context: &str) -> PyErr {
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
