//! What a table looks like: its statistics and the original's `[]***` picture.

use std::ffi::{c_char, CString};

use hashtable_core::picture::picture_capacity;
use hashtable_core::write_picture;

use crate::errors::{ht_status, Failure};
use crate::handle::{ht_table, run_on};

/// A table's shape, from ht_get_stats.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ht_stats {
    /// Buckets (or slots).
    pub size: usize,
    /// Keys.
    pub len: usize,
    /// Times the bucket count changed (growth or shrink).
    pub resizes: usize,
    /// The longest chain, or the longest probe sequence of any stored key.
    pub longest_probe: usize,
    /// Buckets (or slots) holding nothing.
    pub empty_buckets: usize,
    /// Mean entries or slots a successful lookup visits (0 when empty).
    pub mean_probe: f64,
    /// Chi-squared test of how evenly keys land on home buckets: the
    /// probability of a spread at least this uneven from a uniform hash.
    pub chi_squared_p: f64,
}

/// Fill `*out` with the table's statistics.
///
/// # Safety
/// `t` came from ht_new; `out` is NULL or writable. A read.
#[no_mangle]
pub unsafe extern "C" fn ht_get_stats(t: *const ht_table, out: *mut ht_stats) -> ht_status {
    run_on(t, |handle| {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: a reader; no hash_fn runs here.
        let stats = unsafe { handle.table() }.stats();
        let measured = ht_stats {
            size: stats.size,
            len: stats.load,
            resizes: stats.resizes as usize,
            longest_probe: stats.longest_chain,
            empty_buckets: stats.empty_buckets,
            mean_probe: stats.mean_probe,
            chi_squared_p: stats.chi_squared_p,
        };
        // SAFETY: not NULL, and writable (contract).
        unsafe { out.write(measured) };
        Ok(ht_status::HT_OK)
    })
}

/// The picture of the first `limit` buckets (0: all), one line per bucket:
/// `[]` and a `*` per chained key; for open addressing `[]` empty, `[]*` at
/// home, `[]*3` displaced 3 slots (`[]*9+`: 9 or more), `[]x` a tombstone.
/// Free it with ht_string_free. NULL on error (see ht_last_error()).
///
/// # Safety
/// `t` came from ht_new. A read.
#[no_mangle]
pub unsafe extern "C" fn ht_picture(t: *const ht_table, limit: usize) -> *mut c_char {
    let mut picture = std::ptr::null_mut();
    run_on(t, |handle| {
        // SAFETY: a reader; no hash_fn runs here.
        let table = unsafe { handle.table() };
        let limit = (limit != 0).then_some(limit);
        let mut text = String::new();
        text.try_reserve_exact(picture_capacity(table, limit) + 1)
            .map_err(|_| Failure::new(ht_status::HT_ERR_NOMEM, "out of memory drawing the picture"))?;
        write_picture(table, limit, &mut text);
        // The picture is made of `[]*x0-9+.` and words: it holds no NUL.
        picture = CString::new(text).unwrap_or_default().into_raw();
        Ok(ht_status::HT_OK)
    });
    picture
}

/// Free a string from ht_picture. NULL is a no-op.
///
/// # Safety
/// `s` is NULL or came from ht_picture and was not freed before.
#[no_mangle]
pub unsafe extern "C" fn ht_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: from CString::into_raw in ht_picture, released once (contract).
        drop(unsafe { CString::from_raw(s) });
    }
}
