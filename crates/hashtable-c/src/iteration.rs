//! `ht_iter`: a pausable walk over the table in its own order (bucket order
//! for chaining, slot order for open addressing, insertion order for
//! compact), which notices when the table changes under it.

use std::ffi::c_void;
use std::sync::Arc;

use hashtable_core::IterCursor;

use crate::errors::{ht_status, run, Failure};
use crate::handle::{ht_table, run_on, share};
use crate::operations::write_out;

/// An iteration over one table. Create with ht_iter_new, release with ht_iter_free.
pub struct ht_iter {
    /// Keeps the handle alive, so a table freed under the iterator is reported, not read.
    handle: Arc<ht_table>,
    /// The table's generation when the iteration began.
    generation: u64,
    cursor: IterCursor,
}

/// Start an iteration over `t` in `*out`.
///
/// # Safety
/// `t` came from ht_new; `out` is NULL or writable. A read.
#[no_mangle]
pub unsafe extern "C" fn ht_iter_new(t: *const ht_table, out: *mut *mut ht_iter) -> ht_status {
    run_on(t, |handle| {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: a reader; no hash_fn runs here.
        let generation = unsafe { handle.table() }.generation();
        let iter = Box::new(ht_iter {
            // SAFETY: `t` came from ht_new and is live (run_on checked it is not NULL).
            handle: unsafe { share(t) },
            generation,
            cursor: IterCursor::new(),
        });
        // SAFETY: not NULL, and writable (contract).
        unsafe { out.write(Box::into_raw(iter)) };
        Ok(ht_status::HT_OK)
    })
}

/// HT_OK and the next item, or HT_NOT_FOUND at the end (outputs set to NULL
/// and 0). Any of key, key_len and value may be NULL. `*key` points into the
/// table's own copy of the key, valid until the table next changes. If the
/// table changed since ht_iter_new (a new key, a removal, a resize, a clear;
/// replacing a value is not a change) or was freed: HT_ERR_CHANGED.
///
/// # Safety
/// `it` came from ht_iter_new and was not freed; the outputs are NULL or
/// writable. A read of the table.
#[no_mangle]
pub unsafe extern "C" fn ht_iter_next(
    it: *mut ht_iter,
    key: *mut *const c_void,
    key_len: *mut usize,
    value: *mut *mut c_void,
) -> ht_status {
    run(|| {
        // SAFETY: a non-NULL `it` came from ht_iter_new and is live (contract).
        let iter = unsafe { it.as_mut() }.ok_or_else(|| Failure::null("iterator"))?;
        let handle = &*iter.handle;
        if handle.is_freed() {
            return Err(Failure::new(
                ht_status::HT_ERR_CHANGED,
                "the table was freed (ht_free) during the iteration",
            ));
        }
        if handle.is_hashing_here() {
            return Err(Failure::busy());
        }
        // SAFETY: a reader; no hash_fn runs here.
        let table = unsafe { handle.table() };
        if table.generation() != iter.generation {
            return Err(Failure::new(
                ht_status::HT_ERR_CHANGED,
                "the table changed during the iteration (a new key, a removal, a resize or a clear); \
                 start a new iteration",
            ));
        }
        let (status, item_key, item_len, item_value) = match table.iter_next(&mut iter.cursor) {
            Some(slot) => {
                let entry = table.entry(slot);
                (
                    ht_status::HT_OK,
                    entry.key.as_ptr().cast(),
                    entry.key.len(),
                    entry.value.0,
                )
            }
            None => (ht_status::HT_NOT_FOUND, std::ptr::null(), 0, std::ptr::null_mut()),
        };
        // SAFETY: each output is NULL or writable (contract).
        unsafe {
            write_out(key, item_key);
            write_out(key_len, item_len);
            write_out(value, item_value);
        }
        Ok(status)
    })
}

/// Release an iterator. NULL is a no-op.
///
/// # Safety
/// `it` is NULL or came from ht_iter_new and was not freed before.
#[no_mangle]
pub unsafe extern "C" fn ht_iter_free(it: *mut ht_iter) {
    if it.is_null() {
        return;
    }
    run(|| {
        // SAFETY: from Box::into_raw in ht_iter_new, released once (contract).
        drop(unsafe { Box::from_raw(it) });
        Ok(ht_status::HT_OK)
    });
}
