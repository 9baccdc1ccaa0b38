//! Status codes, the thread-local error message, and the guard every exported
//! function runs its body in, so that no panic unwinds into C.

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What every fallible function returns. Negative values are errors;
/// `ht_last_error()` then describes the error in words.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ht_status {
    /// Success.
    HT_OK = 0,
    /// The key is not in the table, or the iteration is over. Not an error.
    HT_NOT_FOUND = 1,
    /// A required pointer was NULL.
    HT_ERR_NULL = -1,
    /// A parameter out of range: a field of ht_new's config, or a key_len
    /// larger than PTRDIFF_MAX. ht_last_error() says which.
    HT_ERR_CONFIG = -2,
    /// Memory for a key copy or a result could not be allocated.
    HT_ERR_NOMEM = -3,
    /// The table was re-entered from its own hash callback.
    HT_ERR_BUSY = -4,
    /// An internal error (a Rust panic) was caught and the process goes on;
    /// the table stays memory-safe but may be inconsistent: only ht_free it.
    HT_ERR_PANIC = -5,
    /// ht_iter_next: the table changed (a new key, a removal, a resize, a
    /// clear) or was freed since ht_iter_new. Start a new iteration.
    HT_ERR_CHANGED = -6,
}

/// An error on its way to C: its status. The message `ht_last_error` returns
/// is stored when the failure is made, on the cold path, so an `Outcome` is
/// two words and the successful path never touches the thread-local slot.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: ht_status,
}

impl Failure {
    #[cold]
    #[inline(never)]
    pub(crate) fn new(status: ht_status, message: impl Into<String>) -> Self {
        set_last_error(&message.into());
        Failure { status }
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn null(what: &str) -> Self {
        Failure::new(ht_status::HT_ERR_NULL, format!("{what} must not be NULL"))
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn busy() -> Self {
        Failure::new(
            ht_status::HT_ERR_BUSY,
            "the table was called from its own hash_fn; a hash_fn must not use the table it hashes for",
        )
    }
}

pub(crate) type Outcome = Result<ht_status, Failure>;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

pub(crate) fn set_last_error(message: &str) {
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    // try_with: during thread teardown the slot may be gone; the status still tells.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = text);
}

/// Run an exported function's body: an error is its status (its message was
/// stored when it was made), and a panic becomes `HT_ERR_PANIC`.
///
/// What the guard costs on the way through: `catch_unwind` is a landing pad,
/// no instructions until a panic happens, so with the body inlined and the
/// handlers out of line the successful path pays only for what the landing
/// pad keeps in place (callgrind, with the guard and with `body()` called
/// bare: ht_get_hashed 127.1 and 125.0 instructions per hit, ht_get 158 and
/// 158, ht_set 438 and 440). A panic never unwinds into C, which would be
/// undefined behaviour.
#[inline(always)]
pub(crate) fn run(body: impl FnOnce() -> Outcome) -> ht_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status,
        Ok(Err(failure)) => failure.status,
        Err(payload) => panicked(payload),
    }
}

/// `run` for the common call's fast path (`fast::run_keyed`), whose body
/// ends with a status, or with what the general path starts from (`Err`),
/// which the caller then calls outside the guard: the last thing the entry
/// point does, so a jump, not a call (see `fast::general`).
#[inline(always)]
pub(crate) fn run_fast<T>(body: impl FnOnce() -> Result<ht_status, T>) -> Result<ht_status, T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(done) => done,
        Err(payload) => Ok(panicked(payload)),
    }
}

/// The status and message of a caught panic.
#[cold]
#[inline(never)]
fn panicked(payload: Box<dyn std::any::Any + Send>) -> ht_status {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    set_last_error(&format!("internal error (a Rust panic was caught): {detail}"));
    // The payload's own destructor could panic again: dropping it is left to
    // a second guard, so nothing unwinds out of this function.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
    ht_status::HT_ERR_PANIC
}

/// The message of the last error on this thread, or "" when there was none.
/// It stays valid until the next failing call on the same thread; successful
/// calls leave it as it was (like errno).
#[no_mangle]
pub extern "C" fn ht_last_error() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.borrow().as_ptr())
        .unwrap_or(c"".as_ptr())
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    fn last_error() -> String {
        // SAFETY: ht_last_error returns a NUL-terminated string owned by this thread's slot.
        unsafe { CStr::from_ptr(ht_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = run(|| panic!("boom {}", 7));
        assert_eq!(status, ht_status::HT_ERR_PANIC);
        assert!(last_error().contains("boom 7"), "{}", last_error());
        assert_eq!(run(|| panic!("static")), ht_status::HT_ERR_PANIC);
        assert!(last_error().ends_with("static"));
    }

    #[test]
    fn a_failure_sets_the_message_and_success_keeps_it() {
        let status = run(|| Err(Failure::null("key")));
        assert_eq!(status, ht_status::HT_ERR_NULL);
        assert_eq!(last_error(), "key must not be NULL");
        assert_eq!(run(|| Ok(ht_status::HT_OK)), ht_status::HT_OK);
        assert_eq!(last_error(), "key must not be NULL");
    }

    #[test]
    fn the_message_is_per_thread_and_nul_safe() {
        run(|| Err(Failure::new(ht_status::HT_ERR_CONFIG, "a\0b")));
        assert_eq!(last_error(), "a\\0b");
        std::thread::spawn(|| assert_eq!(last_error(), "")).join().unwrap();
    }
}
