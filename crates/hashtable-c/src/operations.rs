//! Set, get and remove (with the table's hash or the caller's), the upsert
//! `ht_entry`, `ht_get_key`, and the table-wide calls. Each keyed call runs
//! its fast form inline when it is the common call (`fast.rs`: swiss, no
//! hash_fn, a key of at most 15 bytes, decided in swiss's home window; a
//! 16-byte key the same forms out of line), and
//! otherwise its general form below, out of line: it hashes (the caller's
//! hash_fn may run), finds the key by its bytes in one pass of the strategy's
//! own loop (`lookup.rs`), then acts on the core table. A write of a new key
//! stores it at the vacancy that pass ended at (`Table::insert_vacant_inline`,
//! swiss's store inline): one walk, unless the table grows.
//!
//! Instructions per operation (`python3 scripts/callgrind_c.py --ops --n
//! 100000`: swiss at max_load 0.875, random 8-byte keys, the default hash,
//! the calling loop included): get hit 88 (`ht_get_hashed` on 1k keys: 58),
//! miss 99, insert 224 (of which `ht_set` itself 124, the growth's moves of
//! 40-byte entries 42, ht_free's release of the keys 20, and the general path
//! for new keys whose home window was full 14), update 110, upsert 114,
//! delete 116.

use std::ffi::{c_int, c_void};

use crate::errors::{ht_status, Failure, Outcome};
use crate::fast::keyed;
use crate::handle::{ht_table, run_hashing_on, run_on, Key};
use crate::lookup::{find, insert_vacant, key_bytes, settle, write_key_and_value, write_out};

/// # Safety
/// As for ht_set_hashed, and the caller has exclusive access to the table.
#[inline(always)]
unsafe fn set(handle: &ht_table, hash: u64, key: &[u8], value: *mut c_void, old_value: *mut *mut c_void) -> Outcome {
    // SAFETY: exclusive access (contract); the hash_fn has already returned.
    // The shared borrow ends before `table_mut` below.
    let old = match settle(unsafe { handle.table() }, hash, key) {
        // In place, through the entry the lookup found: `Table::replace_value`
        // found the slot again through the strategy (callgrind, ht_set of an
        // existing key: 142.5 -> 122.6 instructions, ht_entry 134.5 -> 123.6).
        // SAFETY: the caller has exclusive access to the table (contract).
        Ok((_, entry)) => unsafe { entry.value.replace(value) },
        Err(vacancy) => {
            // SAFETY: as above; no reference from `table()` is live now.
            insert_vacant(unsafe { handle.table_mut() }, hash, Key::new(key)?, value, vacancy)?;
            std::ptr::null_mut()
        }
    };
    // SAFETY: `old_value` is NULL or writable (contract).
    unsafe { write_out(old_value, old) };
    Ok(ht_status::HT_OK)
}

/// # Safety
/// As for ht_get_hashed.
#[inline(always)]
unsafe fn get(handle: &ht_table, hash: u64, key: &[u8], value: *mut *mut c_void) -> Outcome {
    // SAFETY: only readers run now (the header's rule); the hash_fn has returned.
    let table = unsafe { handle.table() };
    let (status, found) = match find(table, hash, key) {
        Some((_, entry)) => (ht_status::HT_OK, entry.value.get()),
        None => (ht_status::HT_NOT_FOUND, std::ptr::null_mut()),
    };
    // SAFETY: `value` is NULL or writable (contract).
    unsafe { write_out(value, found) };
    Ok(status)
}

/// # Safety
/// As for ht_remove_hashed, and the caller has exclusive access to the table.
#[inline(always)]
unsafe fn remove(handle: &ht_table, hash: u64, key: &[u8], value: *mut *mut c_void) -> Outcome {
    // SAFETY: exclusive access (contract); the hash_fn has already returned.
    let table = unsafe { handle.table_mut() };
    let (status, removed) = match find(table, hash, key).map(|(slot, _)| slot) {
        // SAFETY: `find` just found an entry in `slot`, and nothing changed since.
        Some(slot) => (ht_status::HT_OK, unsafe { table.remove_found(slot) }.value.into_inner()),
        None => (ht_status::HT_NOT_FOUND, std::ptr::null_mut()),
    };
    // SAFETY: `value` is NULL or writable (contract).
    unsafe { write_out(value, removed) };
    Ok(status)
}

/// # Safety
/// As for ht_entry.
#[inline(always)]
unsafe fn entry(
    handle: &ht_table,
    hash: u64,
    key: &[u8],
    slot: *mut *mut *mut c_void,
    inserted: *mut c_int,
) -> Outcome {
    if slot.is_null() {
        return Err(Failure::null("slot"));
    }
    // SAFETY: exclusive access (contract); the hash_fn has already returned.
    // The shared borrow ends before `table_mut` below.
    let (found, new) = match settle(unsafe { handle.table() }, hash, key) {
        // The entry the lookup found: `Table::entry(slot)` would find it
        // again through the strategy.
        Ok((_, entry)) => (entry.value.slot(), 0),
        Err(vacancy) => {
            // SAFETY: as above; no reference from `table()` is live now.
            let table = unsafe { handle.table_mut() };
            let at = insert_vacant(table, hash, Key::new(key)?, std::ptr::null_mut(), vacancy)?;
            (table.entry(at).value.slot(), 1)
        }
    };
    // SAFETY: `slot` is writable and not NULL; `inserted` is NULL or writable (contract).
    unsafe {
        slot.write(found);
        write_out(inserted, new);
    }
    Ok(ht_status::HT_OK)
}

/// # Safety
/// As for ht_get_key.
#[inline(always)]
unsafe fn get_key(
    handle: &ht_table,
    hash: u64,
    key: &[u8],
    stored_key: *mut *const c_void,
    value: *mut *mut c_void,
) -> Outcome {
    // SAFETY: only readers run now (the header's rule); the hash_fn has returned.
    let table = unsafe { handle.table() };
    // SAFETY: each output is NULL or writable (contract).
    Ok(unsafe { write_key_and_value(find(table, hash, key), stored_key, value) })
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
    keyed!(t, key, key_len, None, set(value, old_value))
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
    keyed!(t, key, key_len, None, get(value))
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
    keyed!(t, key, key_len, None, remove(value))
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
    keyed!(t, key, key_len, Some(hash), set(value, old_value))
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
    keyed!(t, key, key_len, Some(hash), get(value))
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
    keyed!(t, key, key_len, Some(hash), remove(value))
}

/// Find `key`, inserting it (copied) with a NULL value if it is absent, in
/// one probe: `*slot` receives a pointer to the key's value slot, through
/// which the caller reads and writes the value in place, and `*inserted` (if
/// inserted is not NULL) 1 for a new key, 0 for an existing one. A word count
/// in one call per word:
///
///     void **count; ht_entry(t, word, len, &count, NULL); *count = (void *)((intptr_t)*count + 1);
///
/// The slot pointer stays valid until the table next changes shape (a new
/// key, a removal, a clear, or ht_free; writing through a slot, ht_set of an
/// existing key and lookups are not changes); using it after that is
/// undefined. Writing through it is a write: no other thread may use the
/// table meanwhile. Returns HT_OK, or HT_ERR_NOMEM (the table unchanged, `*slot`
/// untouched) when the key copy or the growth cannot be allocated.
///
/// # Safety
/// `t` came from ht_new; `key` as for ht_set; `slot` is writable; `inserted`
/// is NULL or writable. A write: no other thread may use the table during the
/// call, nor while the caller writes through `*slot`.
#[no_mangle]
pub unsafe extern "C" fn ht_entry(
    t: *mut ht_table,
    key: *const c_void,
    key_len: usize,
    slot: *mut *mut *mut c_void,
    inserted: *mut c_int,
) -> ht_status {
    keyed!(t, key, key_len, None, entry(slot, inserted))
}

/// ht_entry with the key's hash given by the caller.
///
/// # Safety
/// As for ht_entry.
#[no_mangle]
pub unsafe extern "C" fn ht_entry_hashed(
    t: *mut ht_table,
    hash: u64,
    key: *const c_void,
    key_len: usize,
    slot: *mut *mut *mut c_void,
    inserted: *mut c_int,
) -> ht_status {
    keyed!(t, key, key_len, Some(hash), entry(slot, inserted))
}

/// ht_get that also hands back the table's own copy of the key: HT_OK with
/// `*stored_key` pointing to it (key_len bytes, equal to `key`'s) and
/// `*value` set to its value, or HT_NOT_FOUND and both set to NULL (either
/// output may be NULL). The table owns the copy: do not free it or write
/// through it; it stays valid until the table next changes shape (as for
/// ht_entry's slot), so use it to intern keys, not to keep them.
///
/// # Safety
/// As for ht_get; `stored_key` is NULL or writable. A read.
#[no_mangle]
pub unsafe extern "C" fn ht_get_key(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    stored_key: *mut *const c_void,
    value: *mut *mut c_void,
) -> ht_status {
    keyed!(t, key, key_len, None, get_key(stored_key, value))
}

/// `*out` = the hash this table gives `key` (its named hash or its hash_fn),
/// the value ht_set stores, and the one to pass to the _hashed functions.
///
/// # Safety
/// As for ht_get; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn ht_hash(t: *const ht_table, key: *const c_void, key_len: usize, out: *mut u64) -> ht_status {
    run_hashing_on(t, move |handle| {
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
