//! `ht_iter`: a pausable walk over the table in its own order (bucket order
//! for chaining, slot order for open addressing, insertion order for
//! compact; linear and robin_hood start at their first empty slot and wrap
//! around, so that `ht_iter_remove` never moves a visited item ahead of the
//! walk), which notices when the table changes under it, except through its
//! own `ht_iter_remove`.

use std::ffi::c_void;
use std::sync::Arc;

use hashtable_core::{BucketView, IterCursor, SlotId, StrategyKind};

use crate::errors::{ht_status, run, Failure};
use crate::handle::{ht_table, run_on, share, CoreTable};
use crate::lookup::write_out;

/// An iteration over one table. Create with ht_iter_new, release with ht_iter_free.
pub struct ht_iter {
    /// Keeps the handle alive, so a table freed under the iterator is reported, not read.
    handle: Arc<ht_table>,
    /// The table's generation when the iteration began, or after its own last removal.
    generation: u64,
    cursor: IterCursor,
    /// The cursor before the step that returned `current`: where the walk
    /// resumes after a removal that moves entries.
    before: IterCursor,
    /// The item ht_iter_next returned last, until ht_iter_remove takes it.
    current: Option<SlotId>,
    /// linear and robin_hood: the first empty slot when the iteration began.
    /// The walk visits the slots from there to the end, then the ones before
    /// it (`second_pass`), so that no run of items wraps around the walk's
    /// end: a removal only moves unvisited items into the hole. 0 otherwise.
    wrap_end: usize,
    second_pass: bool,
}

/// The first empty slot of a table whose removals move items (linear,
/// robin_hood), or 0.
fn wrap_end(table: &CoreTable) -> usize {
    if !matches!(table.config().strategy, StrategyKind::Linear | StrategyKind::RobinHood) {
        return 0;
    }
    (0..table.size())
        .find(|&slot| table.bucket_view(slot) == BucketView::Empty)
        .unwrap_or(0)
}

impl ht_iter {
    /// The next item in the walk's order (see `wrap_end`), remembering the
    /// cursor before it for a removal.
    fn step(&mut self, table: &CoreTable) -> Option<SlotId> {
        loop {
            self.before = self.cursor;
            match table.iter_next(&mut self.cursor) {
                Some(slot) if !self.second_pass && slot.index() < self.wrap_end => continue,
                Some(slot) if self.second_pass && slot.index() >= self.wrap_end => return None,
                Some(slot) => return Some(slot),
                None if !self.second_pass && self.wrap_end > 0 => {
                    self.second_pass = true;
                    self.cursor = IterCursor::new();
                }
                None => return None,
            }
        }
    }

    /// The table, if it is neither freed nor changed since the iteration
    /// began (or since this iterator's own last removal).
    fn check(&self) -> Result<&ht_table, Failure> {
        let handle = &*self.handle;
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
        if unsafe { handle.table() }.generation() != self.generation {
            return Err(Failure::new(
                ht_status::HT_ERR_CHANGED,
                "the table changed during the iteration (a new key, a removal, a resize or a clear); \
                 start a new iteration",
            ));
        }
        Ok(handle)
    }
}

/// Start an iteration over `t` in `*out`. The order is the table's own:
/// bucket order for chaining, slot order for the other open-addressing
/// strategies (linear and robin_hood from their first empty slot, wrapping
/// around), insertion order for compact.
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
        let table = unsafe { handle.table() };
        let iter = Box::new(ht_iter {
            // SAFETY: `t` came from ht_new and is live (run_on checked it is not NULL).
            handle: unsafe { share(t) },
            generation: table.generation(),
            cursor: IterCursor::new(),
            before: IterCursor::new(),
            current: None,
            wrap_end: wrap_end(table),
            second_pass: false,
        });
        // SAFETY: not NULL, and writable (contract).
        unsafe { out.write(Box::into_raw(iter)) };
        Ok(ht_status::HT_OK)
    })
}

/// HT_OK and the next item, or HT_NOT_FOUND at the end (outputs set to NULL
/// and 0). Any of key, key_len and value may be NULL. `*key` points into the
/// table's own copy of the key, valid until the table next changes (ht_iter_remove
/// of this item included). If the table changed since ht_iter_new (a new key, a
/// removal other than this iterator's ht_iter_remove, a resize, a clear;
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
        iter.check()?;
        // SAFETY: the handle lives as long as `iter` holds its Arc (through
        // this call); as a raw pointer it leaves `iter` free to step.
        let handle = unsafe { &*Arc::as_ptr(&iter.handle) };
        // SAFETY: a reader; no hash_fn runs here.
        let table = unsafe { handle.table() };
        iter.current = iter.step(table);
        let (status, item_key, item_len, item_value) = match iter.current {
            Some(slot) => {
                let entry = table.entry(slot);
                let bytes = entry.key.as_bytes();
                (ht_status::HT_OK, bytes.as_ptr().cast(), bytes.len(), entry.value.get())
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

/// Remove the item ht_iter_next returned last, as GLib's
/// g_hash_table_iter_remove does: HT_OK and `*value` (if value is not NULL)
/// set to its value, which stays the caller's; the table frees its key copy
/// (the key pointer ht_iter_next gave is invalid from here on). The iteration
/// goes on: the next ht_iter_next returns the next item, and every item not yet
/// returned is still returned once. The table does not shrink during the
/// iteration, whatever min_load says; the next ht_remove shrinks it if needed.
/// HT_NOT_FOUND (`*value` NULL) when there is no current item: before the first
/// ht_iter_next, after the end, or a second time for one item. HT_ERR_CHANGED
/// as for ht_iter_next.
///
/// # Safety
/// `it` came from ht_iter_new and was not freed; `value` is NULL or writable.
/// A write: no other thread may use the table during the call.
#[no_mangle]
pub unsafe extern "C" fn ht_iter_remove(it: *mut ht_iter, value: *mut *mut c_void) -> ht_status {
    run(|| {
        // SAFETY: a non-NULL `it` came from ht_iter_new and is live (contract).
        let iter = unsafe { it.as_mut() }.ok_or_else(|| Failure::null("iterator"))?;
        iter.check()?;
        // SAFETY: as in ht_iter_next: `iter`'s Arc keeps the handle alive.
        let handle = unsafe { &*Arc::as_ptr(&iter.handle) };
        let Some(slot) = iter.current.take() else {
            // SAFETY: `value` is NULL or writable (contract).
            unsafe { write_out(value, std::ptr::null_mut()) };
            return Ok(ht_status::HT_NOT_FOUND);
        };
        // SAFETY: a write with the table to itself (contract); no hash_fn runs here.
        let table = unsafe { handle.table_mut() };
        let removed = table.remove_iterated(slot, iter.before, &mut iter.cursor);
        iter.generation = table.generation();
        // SAFETY: `value` is NULL or writable (contract).
        unsafe { write_out(value, removed.value.into_inner()) };
        Ok(ht_status::HT_OK)
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
