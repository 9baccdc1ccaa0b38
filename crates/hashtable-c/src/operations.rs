//! Set, get and remove (with the table's hash or the caller's), and the
//! table-wide calls. Each hashes first (the caller's hash_fn may run), then
//! finds the key by its bytes, then acts on the core table.

use std::ffi::c_void;

use hashtable_core::SlotId;

use crate::errors::{ht_status, Failure, Outcome};
use crate::handle::{ht_table, run_on, CoreTable, Key, Value};

/// The caller's key as a slice. NULL is accepted with a zero length.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes that stay unchanged
/// during the call.
unsafe fn key_bytes<'a>(key: *const c_void, key_len: usize) -> Result<&'a [u8], Failure> {
    if key_len > isize::MAX as usize {
        return Err(Failure::new(
            ht_status::HT_ERR_CONFIG,
            format!("key_len must be at most PTRDIFF_MAX, got {key_len}"),
        ));
    }
    if key.is_null() {
        return if key_len == 0 {
            Ok(&[])
        } else {
            Err(Failure::null("key (with a non-zero key_len)"))
        };
    }
    // SAFETY: `key` is non-NULL and valid for `key_len` bytes (contract), and
    // `key_len` fits an allocation (checked above).
    Ok(unsafe { std::slice::from_raw_parts(key.cast::<u8>(), key_len) })
}

/// The table's own copy of a key. Fallible, so a failed allocation is
/// HT_ERR_NOMEM instead of an abort.
fn copy_key(key: &[u8]) -> Result<Key, Failure> {
    let mut copy = reserve_key(key.len())?;
    copy.extend_from_slice(key);
    Ok(copy.into_boxed_slice())
}

fn reserve_key(len: usize) -> Result<Vec<u8>, Failure> {
    let mut copy = Vec::new();
    copy.try_reserve_exact(len).map_err(|_| {
        Failure::new(
            ht_status::HT_ERR_NOMEM,
            format!("out of memory copying a {len}-byte key"),
        )
    })?;
    Ok(copy)
}

/// The slot of the stored key equal to `key`, among those stored with `hash`.
/// Reads only (`&CoreTable`), so concurrent readers are safe.
fn lookup(table: &CoreTable, hash: u64, key: &[u8]) -> Option<SlotId> {
    table.find_shared(hash, |stored| **stored == *key)
}

/// Store a key known to be absent. The core grows the table first if needed;
/// out of memory, the table is unchanged and the status is HT_ERR_NOMEM.
fn insert_new(table: &mut CoreTable, hash: u64, key: Key, value: Value) -> Result<(), Failure> {
    table
        .insert_new(hash, key, value)
        .map(drop)
        .map_err(|err| Failure::new(ht_status::HT_ERR_NOMEM, err.to_string()))
}

/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable (contract).
        unsafe { out.write(value) };
    }
}

/// Run `op` on the table `t` with the key and the hash the table gives it
/// (its hash_fn runs here, before `op` touches the core table).
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes.
unsafe fn with_table_hash(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    run_on(t, |handle| {
        // SAFETY: this function's contract.
        let key = unsafe { key_bytes(key, key_len) }?;
        op(handle, handle.hash(key), key)
    })
}

/// Run `op` on the table `t` with the key and the caller's hash.
///
/// # Safety
/// As for `with_table_hash`.
unsafe fn with_caller_hash(
    t: *const ht_table,
    hash: u64,
    key: *const c_void,
    key_len: usize,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    // SAFETY: this function's contract.
    run_on(t, |handle| op(handle, hash, unsafe { key_bytes(key, key_len) }?))
}

/// # Safety
/// As for ht_set_hashed, and the caller has exclusive access to the table.
unsafe fn set(handle: &ht_table, hash: u64, key: &[u8], value: *mut c_void, old_value: *mut *mut c_void) -> Outcome {
    // SAFETY: exclusive access (contract); the hash_fn has already returned.
    let table = unsafe { handle.table_mut() };
    let old = match lookup(table, hash, key) {
        Some(slot) => table.replace_value(slot, Value(value)).0,
        None => {
            insert_new(table, hash, copy_key(key)?, Value(value))?;
            std::ptr::null_mut()
        }
    };
    // SAFETY: `old_value` is NULL or writable (contract).
    unsafe { write_out(old_value, old) };
    Ok(ht_status::HT_OK)
}

/// # Safety
/// As for ht_get_hashed.
unsafe fn get(handle: &ht_table, hash: u64, key: &[u8], value: *mut *mut c_void) -> Outcome {
    // SAFETY: only readers run now (the header's rule); the hash_fn has returned.
    let table = unsafe { handle.table() };
    let (status, found) = match lookup(table, hash, key) {
        Some(slot) => (ht_status::HT_OK, table.entry(slot).value.0),
        None => (ht_status::HT_NOT_FOUND, std::ptr::null_mut()),
    };
    // SAFETY: `value` is NULL or writable (contract).
    unsafe { write_out(value, found) };
    Ok(status)
}

/// # Safety
/// As for ht_remove_hashed, and the caller has exclusive access to the table.
unsafe fn remove(handle: &ht_table, hash: u64, key: &[u8], value: *mut *mut c_void) -> Outcome {
    // SAFETY: exclusive access (contract); the hash_fn has already returned.
    let table = unsafe { handle.table_mut() };
    let (status, removed) = match lookup(table, hash, key) {
        Some(slot) => (ht_status::HT_OK, table.remove_slot(slot).value.0),
        None => (ht_status::HT_NOT_FOUND, std::ptr::null_mut()),
    };
    // SAFETY: `value` is NULL or writable (contract).
    unsafe { write_out(value, removed) };
    Ok(status)
}

/// Insert `key` (copied) with `value`, or replace the value of an equal key.
/// `*old_value` (if old_value is not NULL) receives the replaced value, or
/// NULL when the key is new. Returns HT_OK.
///
/// # Safety
/// `t` came from ht_new; `key` points to `key_len` readable bytes (NULL is
/// fine when key_len is 0); `old_value` is NULL or writable. A write: no other
/// thread may use the table during the call.
#[no_mangle]
pub unsafe extern "C" fn ht_set(
    t: *mut ht_table,
    key: *const c_void,
    key_len: usize,
    value: *mut c_void,
    old_value: *mut *mut c_void,
) -> ht_status {
    // SAFETY: contract of this function (for `set` too).
    unsafe {
        with_table_hash(t, key, key_len, |handle, hash, key| {
            set(handle, hash, key, value, old_value)
        })
    }
}

/// HT_OK and `*value` (if value is not NULL) set to the key's value, or
/// HT_NOT_FOUND and `*value` set to NULL.
///
/// # Safety
/// `t` came from ht_new; `key` as for ht_set; `value` is NULL or writable.
/// A read: other threads may read the table at the same time, not write it.
#[no_mangle]
pub unsafe extern "C" fn ht_get(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut c_void,
) -> ht_status {
    // SAFETY: contract of this function (for `get` too).
    unsafe { with_table_hash(t, key, key_len, |handle, hash, key| get(handle, hash, key, value)) }
}

/// Remove the key: HT_OK and `*value` (if value is not NULL) set to its value,
/// or HT_NOT_FOUND and `*value` set to NULL. The table frees its key copy.
///
/// # Safety
/// As for ht_set; a write.
#[no_mangle]
pub unsafe extern "C" fn ht_remove(
    t: *mut ht_table,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut c_void,
) -> ht_status {
    // SAFETY: contract of this function (for `remove` too).
    unsafe { with_table_hash(t, key, key_len, |handle, hash, key| remove(handle, hash, key, value)) }
}

/// ht_set with the key's hash given by the caller (the original's rule); the
/// table's hash is not called. Use one hash per key consistently: a key set
/// with one hash is found only with the same hash.
///
/// # Safety
/// As for ht_set.
#[no_mangle]
pub unsafe extern "C" fn ht_set_hashed(
    t: *mut ht_table,
    hash: u64,
    key: *const c_void,
    key_len: usize,
    value: *mut c_void,
    old_value: *mut *mut c_void,
) -> ht_status {
    // SAFETY: contract of this function (for `set` too).
    unsafe {
        with_caller_hash(t, hash, key, key_len, |handle, hash, key| {
            set(handle, hash, key, value, old_value)
        })
    }
}

/// ht_get with the key's hash given by the caller.
///
/// # Safety
/// As for ht_get.
#[no_mangle]
pub unsafe extern "C" fn ht_get_hashed(
    t: *const ht_table,
    hash: u64,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut c_void,
) -> ht_status {
    // SAFETY: contract of this function (for `get` too).
    unsafe { with_caller_hash(t, hash, key, key_len, |handle, hash, key| get(handle, hash, key, value)) }
}

/// ht_remove with the key's hash given by the caller.
///
/// # Safety
/// As for ht_remove.
#[no_mangle]
pub unsafe extern "C" fn ht_remove_hashed(
    t: *mut ht_table,
    hash: u64,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut c_void,
) -> ht_status {
    // SAFETY: contract of this function (for `remove` too).
    unsafe {
        with_caller_hash(t, hash, key, key_len, |handle, hash, key| {
            remove(handle, hash, key, value)
        })
    }
}

/// `*out` = the hash this table gives `key` (its named hash or its hash_fn),
/// the value ht_set stores, and the one to pass to the _hashed functions.
///
/// # Safety
/// As for ht_get; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn ht_hash(t: *const ht_table, key: *const c_void, key_len: usize, out: *mut u64) -> ht_status {
    run_on(t, |handle| {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: contract of this function.
        let key = unsafe { key_bytes(key, key_len) }?;
        let hash = handle.hash(key);
        // SAFETY: not NULL, and writable (contract).
        unsafe { out.write(hash) };
        Ok(ht_status::HT_OK)
    })
}

/// The number of keys; 0 for NULL.
///
/// # Safety
/// `t` is NULL or came from ht_new. A read.
#[no_mangle]
pub unsafe extern "C" fn ht_len(t: *const ht_table) -> usize {
    // SAFETY: contract of this function; reading the length forms only `&`.
    unsafe { t.as_ref() }.map_or(0, |handle| unsafe { handle.table() }.len())
}

/// The current bucket (or slot) count; 0 for NULL.
///
/// # Safety
/// As for ht_len.
#[no_mangle]
pub unsafe extern "C" fn ht_size(t: *const ht_table) -> usize {
    // SAFETY: contract of this function; reading the size forms only `&`.
    unsafe { t.as_ref() }.map_or(0, |handle| unsafe { handle.table() }.size())
}

/// Remove every key (freeing the key copies) and go back to the initial size.
///
/// # Safety
/// `t` came from ht_new. A write.
#[no_mangle]
pub unsafe extern "C" fn ht_clear(t: *mut ht_table) -> ht_status {
    run_on(t, |handle| {
        // SAFETY: exclusive access (contract); no hash_fn runs here.
        let old = unsafe { handle.table_mut() }
            .clear()
            .map_err(|err| Failure::new(ht_status::HT_ERR_NOMEM, err.to_string()))?;
        drop(old);
        Ok(ht_status::HT_OK)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_copy_that_cannot_be_allocated_is_nomem() {
        let failure = reserve_key(isize::MAX as usize).unwrap_err();
        assert_eq!(failure.status, ht_status::HT_ERR_NOMEM);
        assert!(failure.message.contains("out of memory"), "{}", failure.message);
    }

    #[test]
    fn a_key_len_no_object_can_have_is_refused_before_reading() {
        let byte = 0u8;
        // SAFETY: the length check fails before the pointer is read.
        let failure = unsafe { key_bytes((&byte as *const u8).cast(), usize::MAX) }.unwrap_err();
        assert_eq!(failure.status, ht_status::HT_ERR_CONFIG);
    }
}
