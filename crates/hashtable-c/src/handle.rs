//! The `ht_table` handle: a core table over owned byte keys and the caller's
//! `void *` values, its hasher, and what keeps re-entry and freeing safe.
//!
//! A handle is an `Arc`: the caller's pointer is one strong reference (from
//! `Arc::into_raw`) and each live iterator holds another, so an iterator that
//! outlives `ht_free` reports `HT_ERR_CHANGED` instead of reading freed memory.
//!
//! Re-entry: the only foreign code an operation runs is the caller's
//! `hash_fn`, and it runs before the operation touches the core table. While
//! it runs, this thread records the handle as hashing; any call on the same
//! handle from inside it gets `HT_ERR_BUSY` (and `ht_free` is deferred to the
//! end of the outer operation). Other threads are not affected: concurrent
//! readers follow the `&`/`&mut` rule the header states.

use std::cell::{RefCell, UnsafeCell};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hashtable_core::{AnyStrategy, CanonicalKey, NamedHash, Table, TableError, Uncounted};

use crate::config::{ht_config, ht_config_default, parse, KeyHasher};
use crate::errors::{ht_status, run, Failure, Outcome};
pub(crate) use crate::keys::Key;

/// A caller's value pointer. The table stores and returns it, never reads
/// through it and never frees it. It sits in an `UnsafeCell` because
/// `ht_entry` hands the caller a pointer to it, through which the caller
/// writes (under the writer's rule: no other thread uses the table meanwhile).
pub(crate) struct Value(UnsafeCell<*mut c_void>);

impl Value {
    #[inline(always)]
    pub(crate) fn new(value: *mut c_void) -> Self {
        Value(UnsafeCell::new(value))
    }

    /// The stored pointer.
    #[inline(always)]
    pub(crate) fn get(&self) -> *mut c_void {
        // SAFETY: the only writes through the cell are the caller's, through
        // the pointer `slot()` gave ht_entry, and they follow the header's
        // rule: no read of this table runs on another thread at the same time.
        unsafe { *self.0.get() }
    }

    /// Store `value` in place and hand back the one it replaces.
    ///
    /// # Safety
    /// The caller has the table to itself (a writing function: the header's
    /// rule), so no other reference reads the cell meanwhile.
    #[inline(always)]
    pub(crate) unsafe fn replace(&self, value: *mut c_void) -> *mut c_void {
        // SAFETY: the cell is only read and written under the table's
        // reader/writer rule, and the caller is its one writer now.
        unsafe { std::ptr::replace(self.0.get(), value) }
    }

    /// Where the pointer is stored, for ht_entry.
    #[inline(always)]
    pub(crate) fn slot(&self) -> *mut *mut c_void {
        self.0.get()
    }

    #[inline(always)]
    pub(crate) fn into_inner(self) -> *mut c_void {
        self.0.into_inner()
    }
}

// SAFETY: a Value is an opaque word to the table: it is never dereferenced,
// so sending it between threads cannot race on what it points to.
unsafe impl Send for Value {}
// SAFETY: as for Send; shared access only reads the word, and writes through
// `slot()` need the table to themselves (the header's writer rule).
unsafe impl Sync for Value {}

/// The C API reports no probe count, so its tables count none (`Uncounted`).
pub(crate) type CoreTable = Table<Key, Value, AnyStrategy<Key, Value>, Uncounted>;

/// A hash table. Create with ht_new, release with ht_free.
pub struct ht_table {
    table: UnsafeCell<CoreTable>,
    hasher: KeyHasher,
    /// ht_free has run; iterators still holding the handle see it.
    freed: AtomicBool,
    /// ht_free was called from inside this table's hash_fn: free it when the
    /// operation that called the hash_fn returns.
    free_when_done: AtomicBool,
}

// SAFETY: the header's rule is Rust's: any number of threads may call the
// reading functions at once (they only form `&CoreTable`, and the core table is
// Sync), while a writing function needs exclusive access to the table, which
// the caller guarantees. The flags are atomics, and `hash_ctx` is the caller's
// pointer, only handed back to the caller's hash_fn.
unsafe impl Send for ht_table {}
// SAFETY: as for Send.
unsafe impl Sync for ht_table {}

thread_local! {
    /// Addresses of the handles whose hash_fn is running on this thread (nested
    /// when one table's hash_fn uses another table).
    static HASHING: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// foldhash's fast hash of `key` under `seed`, exactly as the core's
/// `NamedHash::Foldhash` hashes `CanonicalKey::Bytes(key)`.
#[inline(always)]
fn foldhash_bytes(seed: u64, key: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = foldhash::fast::FixedState::with_seed(seed).build_hasher();
    hasher.write(key);
    hasher.finish()
}

/// Marks a handle as hashing on this thread until dropped.
struct HashingMark(usize);

impl HashingMark {
    fn new(handle: &ht_table) -> Self {
        let address = handle as *const ht_table as usize;
        HASHING.with(|stack| stack.borrow_mut().push(address));
        HashingMark(address)
    }
}

impl Drop for HashingMark {
    fn drop(&mut self) {
        let _ = HASHING.try_with(|stack| {
            let mut stack = stack.borrow_mut();
            if let Some(position) = stack.iter().rposition(|&address| address == self.0) {
                stack.remove(position);
            }
        });
    }
}

impl ht_table {
    /// Whether this handle's hash_fn is running on this thread. A table
    /// without a hash_fn runs no foreign code, so it is never hashing: the
    /// thread-local is only read for tables that have one.
    #[inline(always)]
    pub(crate) fn is_hashing_here(&self) -> bool {
        matches!(self.hasher, KeyHasher::Callback { .. }) && self.is_hashing_here_slow()
    }

    #[inline(never)]
    fn is_hashing_here_slow(&self) -> bool {
        let address = self as *const ht_table as usize;
        HASHING
            .try_with(|stack| stack.borrow().contains(&address))
            .unwrap_or(false)
    }

    /// A table without a hash_fn whose strategy is swiss: the one whose keyed
    /// calls take the inline path (`operations::keyed`). A table never
    /// changes strategy, and its hasher is fixed at ht_new.
    /// `table_hash`: the call hashes with the table's hash, which must then
    /// be the default foldhash (`default_hash`).
    #[inline(always)]
    pub(crate) fn is_plain_swiss(&self, table_hash: bool) -> bool {
        let plain = if table_hash {
            matches!(self.hasher, KeyHasher::Named(NamedHash::Foldhash { .. }))
        } else {
            !matches!(self.hasher, KeyHasher::Callback { .. })
        };
        // SAFETY: reading the strategy's tag forms only a shared reference,
        // and no writer runs at the same time (the header's rule).
        plain && matches!(unsafe { self.table() }.strategy(), AnyStrategy::Swiss(_))
    }

    /// The hash of `key` for a table whose hash is the default foldhash
    /// (`is_plain_swiss(true)`); any other table goes to `hash`.
    #[inline(always)]
    pub(crate) fn default_hash(&self, key: &[u8]) -> u64 {
        match &self.hasher {
            KeyHasher::Named(NamedHash::Foldhash { seed }) => foldhash_bytes(*seed, key),
            _ => self.hash_out_of_line(key),
        }
    }

    #[cold]
    #[inline(never)]
    fn hash_out_of_line(&self, key: &[u8]) -> u64 {
        self.hash(key)
    }

    pub(crate) fn is_freed(&self) -> bool {
        self.freed.load(Ordering::Acquire)
    }

    /// The hash of `key`: the named hash over its bytes (as the Python side
    /// hashes a `bytes` key), or the caller's hash_fn.
    #[inline(always)]
    pub(crate) fn hash(&self, key: &[u8]) -> u64 {
        match &self.hasher {
            // The default, inlined: the core's NamedHash::Foldhash, bit for bit.
            KeyHasher::Named(NamedHash::Foldhash { seed }) => foldhash_bytes(*seed, key),
            KeyHasher::Named(named) => named.hash(CanonicalKey::Bytes(key)),
            KeyHasher::Callback { hash_fn, ctx } => self.hash_with_callback(*hash_fn, *ctx, key),
        }
    }

    #[inline(never)]
    fn hash_with_callback(
        &self,
        hash_fn: unsafe extern "C" fn(*const c_void, usize, *mut c_void) -> u64,
        ctx: *mut c_void,
        key: &[u8],
    ) -> u64 {
        let _mark = HashingMark::new(self);
        // SAFETY: hash_fn is the caller's function with the ht_hash_fn
        // signature; `key` is valid for `key.len()` bytes for the call.
        unsafe { hash_fn(key.as_ptr().cast(), key.len(), ctx) }
    }

    /// The core table, for reading.
    ///
    /// # Safety
    /// No writing function runs on this table at the same time (the header's
    /// rule). Within one thread that holds: writers only form `&mut` after
    /// their hash_fn has returned, and re-entry from it is refused.
    #[inline(always)]
    pub(crate) unsafe fn table(&self) -> &CoreTable {
        // SAFETY: per this function's contract, no `&mut` to the table is live.
        unsafe { &*self.table.get() }
    }

    /// The core table, for writing.
    ///
    /// # Safety
    /// The caller has exclusive access to the table (the header's rule), and
    /// does not hold another reference from `table()` or `table_mut()`.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub(crate) unsafe fn table_mut(&self) -> &mut CoreTable {
        // SAFETY: per this function's contract, this is the only reference.
        unsafe { &mut *self.table.get() }
    }
}

/// Run an exported function's body on the table `t`: NULL and re-entry from
/// the table's own hash_fn are refused. For bodies that never run the hash_fn
/// (the `_hashed` functions, iteration, statistics): only a hash_fn running
/// on this thread can defer an `ht_free`, and while it runs any call on its
/// table is refused here, so no deferred free can be pending for these.
#[inline(always)]
pub(crate) fn run_on(t: *const ht_table, body: impl FnOnce(&ht_table) -> Outcome) -> ht_status {
    run(|| body(enter(t)?))
}

/// `run_on` for bodies that may run the table's hash_fn (`ht_set`, `ht_get`,
/// `ht_hash`, ...): an `ht_free` the hash_fn deferred happens once the body is
/// done.
#[inline(always)]
pub(crate) fn run_hashing_on(t: *const ht_table, body: impl FnOnce(&ht_table) -> Outcome) -> ht_status {
    run(|| {
        let handle = enter(t)?;
        let outcome = body(handle);
        // Only a hash_fn can ask for a deferred free: a table without one
        // skips the check.
        if matches!(handle.hasher, KeyHasher::Callback { .. }) && handle.free_when_done.load(Ordering::Acquire) {
            // SAFETY: the hash_fn asked to free `t`; the body has finished with it.
            unsafe { release(t) };
        }
        outcome
    })
}

/// The handle behind `t`, unless `t` is NULL or this thread is running the
/// table's own hash_fn.
#[inline(always)]
fn enter<'a>(t: *const ht_table) -> Result<&'a ht_table, Failure> {
    // SAFETY: a non-NULL `t` came from ht_new and has not been freed (the
    // header's contract for every table argument).
    let Some(handle) = (unsafe { t.as_ref() }) else {
        return Err(Failure::null("table"));
    };
    if handle.is_hashing_here() {
        return Err(Failure::busy());
    }
    Ok(handle)
}

/// Drop the caller's reference: the table goes when no iterator holds it.
///
/// # Safety
/// `t` came from ht_new and this is the caller's one release of it.
unsafe fn release(t: *const ht_table) {
    // SAFETY: per the contract, `t` is live.
    unsafe { &*t }.freed.store(true, Ordering::Release);
    // SAFETY: `t` came from Arc::into_raw in ht_new; this consumes that reference.
    drop(unsafe { Arc::from_raw(t) });
}

/// Another strong reference to the handle, for an iterator.
///
/// # Safety
/// `t` came from ht_new and has not been freed.
pub(crate) unsafe fn share(t: *const ht_table) -> Arc<ht_table> {
    // SAFETY: `t` came from Arc::into_raw and its reference is still held by
    // the caller, so the count is at least one before the increment.
    unsafe {
        Arc::increment_strong_count(t);
        Arc::from_raw(t)
    }
}

/// Create a table from `config` (NULL: every default) and store it in `*out`.
/// On failure `*out` is set to NULL and ht_last_error() names the bad field.
///
/// # Safety
/// `config` is NULL or points to an ht_config whose string fields are NULL or
/// NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ht_new(config: *const ht_config, out: *mut *mut ht_table) -> ht_status {
    run(|| {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: `out` is writable (contract) and not NULL.
        unsafe { out.write(std::ptr::null_mut()) };
        let defaults = ht_config_default();
        // SAFETY: a non-NULL config points to a valid ht_config (contract).
        let config = unsafe { config.as_ref() }.unwrap_or(&defaults);
        // SAFETY: the string fields are NULL or NUL-terminated (contract).
        let (table_config, hasher) = unsafe { parse(config) }?;
        let table = Table::new(table_config).map(Table::uncounted).map_err(|err| {
            let status = match err {
                TableError::Config(_) => ht_status::HT_ERR_CONFIG,
                TableError::OutOfMemory(_) => ht_status::HT_ERR_NOMEM,
            };
            Failure::new(status, err.to_string())
        })?;
        let handle = Arc::new(ht_table {
            table: UnsafeCell::new(table),
            hasher,
            freed: AtomicBool::new(false),
            free_when_done: AtomicBool::new(false),
        });
        // SAFETY: as above.
        unsafe { out.write(Arc::into_raw(handle).cast_mut()) };
        Ok(ht_status::HT_OK)
    })
}

/// Release the table, its key copies and its own memory (never the values).
/// NULL is a no-op. Called from the table's own hash_fn, the release happens
/// when the operation that called the hash_fn returns. An iterator still open
/// on the table keeps its memory until ht_iter_free, and reports
/// HT_ERR_CHANGED.
///
/// # Safety
/// `table` is NULL or came from ht_new and was not freed before.
#[no_mangle]
pub unsafe extern "C" fn ht_free(table: *mut ht_table) {
    if table.is_null() {
        return;
    }
    run(|| {
        // SAFETY: not NULL, from ht_new, not yet freed (contract).
        let handle = unsafe { &*table };
        if handle.is_hashing_here() {
            handle.free_when_done.store(true, Ordering::Release);
        } else {
            // SAFETY: the caller's one release of `table`.
            unsafe { release(table) };
        }
        Ok(ht_status::HT_OK)
    });
}

#[cfg(test)]
mod tests {
    use hashtable_core::{CanonicalKey, KeySource, NamedHash};

    use super::foldhash_bytes;

    #[test]
    fn the_inlined_default_hash_is_the_cores_foldhash() {
        let bytes: Vec<u8> = (0..64u8).map(|b| b.wrapping_mul(29).wrapping_add(3)).collect();
        for seed in [0, 1, 0x9e37_79b9_7f4a_7c15, u64::MAX] {
            let named = NamedHash::from_name("foldhash", KeySource::Fixed([seed, 0])).unwrap();
            for len in 0..=bytes.len() {
                let key = &bytes[..len];
                assert_eq!(
                    foldhash_bytes(seed, key),
                    named.hash(CanonicalKey::Bytes(key)),
                    "len {len}"
                );
            }
        }
    }
}
