//! Set, get and remove (with the table's hash or the caller's), the upsert
//! `ht_entry`, `ht_get_key`, and the table-wide calls. Each hashes first (the
//! caller's hash_fn may run), then finds the key by its bytes in one pass of
//! the strategy's own loop, then acts on the core table.
//!
//! The path of one `ht_get_hashed`: `keyed` checks in a few compares that
//! this is the common call (a table without a hash_fn, of the swiss strategy,
//! a non-NULL key of at most 15 bytes) and runs it inline; every other call
//! goes to `general`, out of line, which also checks the thread's re-entry
//! mark and carries out a deferred `ht_free`. `settle` then runs swiss's
//! `find_settled` loop, inlined, comparing each candidate whose stored hash
//! is equal with `Key::matches_packed` (two words, no pointer chase); the
//! other strategies and longer keys take a loop of their own out of line.
//! A hit calls nothing. A write finds the key the same way, and for a new key
//! stores it at the vacancy that pass ended at (`Table::insert_vacant_inline`,
//! swiss's store inline): one walk, unless the table grows.
//!
//! Instructions per operation (`python3 scripts/callgrind_c.py --ops --n
//! 100000`: swiss at max_load 0.875, random 8-byte keys, the default hash,
//! the calling loop included; the core's share in brackets): get hit 115
//! (`ht_get_hashed` on 1k keys: 88, of which the core's probe with
//! `stored_hash` about 43), miss 100, insert 312 (`Table::insert_vacant` 88,
//! growth 61), update 124, upsert 122, delete 136 (the slot the lookup found
//! taken inline by `Table::remove_found`; through the out-of-line
//! `Table::remove_slot` it was 181).

use std::convert::Infallible;
use std::ffi::{c_int, c_void};

use hashtable_core::{stored_hash, AnyStrategy, CollisionStrategy, Entry, Settled, SlotId, Vacancy, Verdict};

use crate::errors::{ht_status, run, Failure, Outcome};
use crate::handle::{ht_table, run_hashing_on, run_on, CoreTable, Key, Value};
use crate::keys::{Packed, INLINE};

/// The caller's key as a slice. NULL is accepted with a zero length.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes that stay unchanged
/// during the call.
#[inline(always)]
unsafe fn key_bytes<'a>(key: *const c_void, key_len: usize) -> Result<&'a [u8], Failure> {
    if key_len > isize::MAX as usize {
        return Err(key_len_too_large(key_len));
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

#[cold]
#[inline(never)]
fn key_len_too_large(key_len: usize) -> Failure {
    Failure::new(
        ht_status::HT_ERR_CONFIG,
        format!("key_len must be at most PTRDIFF_MAX, got {key_len}"),
    )
}

/// `settle` for a lookup of `key`: the bytes decide every candidate.
#[inline(always)]
fn same_bytes(key: &[u8]) -> impl FnMut(&Key) -> Result<Verdict, Infallible> + '_ {
    move |stored| {
        Ok(if stored.matches(key) {
            Verdict::Equal
        } else {
            Verdict::Unequal
        })
    }
}

/// The slot and entry of the stored key equal to `key`, among those stored
/// with `hash`, or the vacancy where an insert of it would go. Swiss, the
/// strategy a C caller picks for speed, runs its `find_settled` loop inlined
/// here; the other five go through one call (`settle_elsewhere`), which keeps
/// their loops out of the hot functions: with all six inlined, every entry
/// point saved six registers and spilled its arguments on the way in.
/// (Swiss's `find_settled` must keep this one call site: with a second, the
/// inliner finds it too costly and calls it everywhere.)
/// This is `Table::find_settled` without its visit counter (which the C
/// library never reports), so it needs only `&CoreTable`: readers share it,
/// and a writer hands the vacancy to `Table::insert_vacant_inline`.
#[inline(always)]
fn settle<'a>(table: &'a CoreTable, hash: u64, key: &[u8]) -> Result<(SlotId, &'a Entry<Key, Value>), Vacancy> {
    let AnyStrategy::Swiss(swiss) = table.strategy() else {
        return settle_elsewhere(table, hash, key);
    };
    if key.len() > INLINE {
        return settle_long(swiss, hash, key);
    }
    let mut visited = 0;
    let packed = Packed::new(key);
    let settle = move |stored: &Key| {
        Ok::<_, Infallible>(if stored.matches_packed(packed) {
            Verdict::Equal
        } else {
            Verdict::Unequal
        })
    };
    settled(swiss.find_settled(stored_hash(hash), &mut visited, settle))
}

/// `settle` on swiss for a key longer than 15 bytes: a loop of its own
/// (another `settle` closure, so another instantiation of `find_settled`),
/// which keeps the longer compare's registers out of the short keys' path.
#[inline(never)]
fn settle_long<'a, S: CollisionStrategy<Key, Value>>(
    strategy: &'a S,
    hash: u64,
    key: &[u8],
) -> Result<(SlotId, &'a Entry<Key, Value>), Vacancy> {
    let mut visited = 0;
    settled(strategy.find_settled(stored_hash(hash), &mut visited, same_bytes(key)))
}

/// `settle` on the strategies other than swiss.
#[inline(never)]
fn settle_elsewhere<'a>(
    table: &'a CoreTable,
    hash: u64,
    key: &[u8],
) -> Result<(SlotId, &'a Entry<Key, Value>), Vacancy> {
    let hash = stored_hash(hash);
    let mut visited = 0;
    let settle = same_bytes(key);
    settled(match table.strategy() {
        // `settle` took this one.
        AnyStrategy::Swiss(_) => return Err(Vacancy::UNKNOWN),
        AnyStrategy::Chaining(s) => s.find_settled(hash, &mut visited, settle),
        AnyStrategy::RobinHood(s) => s.find_settled(hash, &mut visited, settle),
        AnyStrategy::Linear(s) => s.find_settled(hash, &mut visited, settle),
        AnyStrategy::Quadratic(s) => s.find_settled(hash, &mut visited, settle),
        AnyStrategy::Compact(s) => s.find_settled(hash, &mut visited, settle),
    })
}

#[inline(always)]
fn settled(found: Result<Settled<'_, Key, Value>, Infallible>) -> Result<(SlotId, &Entry<Key, Value>), Vacancy> {
    match found {
        Ok(Settled::Found(slot, entry)) => Ok((slot, entry)),
        Ok(Settled::Absent(vacancy)) => Err(vacancy),
        // `same_bytes` decides every candidate.
        Ok(Settled::Undecided) => Err(Vacancy::UNKNOWN),
        Err(never) => match never {},
    }
}

/// The slot and entry of the stored key equal to `key`. Reads only.
#[inline(always)]
fn find<'a>(table: &'a CoreTable, hash: u64, key: &[u8]) -> Option<(SlotId, &'a Entry<Key, Value>)> {
    settle(table, hash, key).ok()
}

/// Store a key known to be absent at the vacancy its lookup ended at. The
/// core grows the table first if needed; out of memory (for the key copy or
/// the growth), the table is unchanged and the status is HT_ERR_NOMEM.
#[inline(always)]
fn insert_vacant(
    table: &mut CoreTable,
    hash: u64,
    key: &[u8],
    value: *mut c_void,
    vacancy: Vacancy,
) -> Result<SlotId, Failure> {
    let key = Key::new(key)?;
    table
        .insert_vacant_inline(hash, key, Value::new(value), vacancy)
        .map_err(growth_failed)
}

#[cold]
#[inline(never)]
fn growth_failed(err: hashtable_core::AllocError) -> Failure {
    Failure::new(ht_status::HT_ERR_NOMEM, err.to_string())
}

/// # Safety
/// `out` is NULL or writable.
#[inline(always)]
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable (contract).
        unsafe { out.write(value) };
    }
}

/// Run `op` on the table `t` with the key's bytes and its hash: the caller's
/// (`hash`, for the `_hashed` functions) or the table's (`None`).
///
/// The common call runs inline and, for a read, calls nothing: a table
/// without a hash_fn, of the swiss strategy, a key of at most 15 bytes, and
/// for the table's own hash, the default foldhash, inlined (`plain_short`
/// decides it in a few compares). There is no thread's re-entry mark to read
/// (no foreign code runs), no deferred `ht_free` to look for, and no call in
/// the lookup (`settle`), so a read saves no register on the way in and the
/// guard's landing pad has nothing to cover. Every other call (NULL
/// arguments, a hash_fn, another strategy or hash, a longer key) goes to
/// `general`, out of line, with every check. `op` is inlined into both, so
/// callers mark it `#[inline(always)]`: a closure used twice was called, not
/// inlined, and the call cost what the fast path saved.
///
/// # Safety
/// `t` is NULL or came from ht_new; `key` is NULL or points to `key_len`
/// readable bytes; `op`'s own contract holds for its captures.
#[inline(always)]
unsafe fn keyed(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    hash: Option<u64>,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    // SAFETY: this function's contract.
    if let Some((handle, key)) = unsafe { plain_short(t, key, key_len, hash.is_none()) } {
        return run(move || {
            let hash = hash.unwrap_or_else(|| handle.default_hash(key));
            op(handle, hash, key)
        });
    }
    // SAFETY: as above.
    unsafe { general(t, key, key_len, hash, op) }
}

/// `keyed` for every call but the common one: NULL and re-entry refused, the
/// hash_fn (if any) run, and a `ht_free` it deferred carried out afterwards.
///
/// # Safety
/// As for `keyed`.
#[cold]
#[inline(never)]
unsafe fn general(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    hash: Option<u64>,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    run_hashing_on(t, move |handle| {
        // SAFETY: `keyed`'s contract.
        let key = unsafe { key_bytes(key, key_len) }?;
        let hash = match hash {
            Some(hash) => hash,
            None => handle.hash(key),
        };
        op(handle, hash, key)
    })
}

/// An exported function's body: `keyed` with the operation `$op`, which
/// takes the handle, the hash and the key, then the exported function's own
/// outputs. The closure is `#[inline(always)]`: `keyed` calls it twice (see
/// there).
macro_rules! keyed {
    ($t:ident, $key:ident, $key_len:ident, $hash:expr, $op:ident($($arg:ident),*)) => {
        // SAFETY: the exported function's contract, which is `keyed`'s and
        // the operation's.
        unsafe {
            keyed(
                $t,
                $key,
                $key_len,
                $hash,
                #[inline(always)]
                move |handle, hash, key| $op(handle, hash, key, $($arg),*),
            )
        }
    };
}

/// The handle and key of the common call (see `keyed`), or None.
/// `table_hash`: the call hashes with the table's hash, which must then be
/// the default foldhash.
///
/// # Safety
/// As for `keyed`.
#[inline(always)]
unsafe fn plain_short<'a>(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    table_hash: bool,
) -> Option<(&'a ht_table, &'a [u8])> {
    // SAFETY: a non-NULL `t` came from ht_new and has not been freed (the
    // header's contract for every table argument).
    let handle = unsafe { t.as_ref() }?;
    if key.is_null() || key_len > INLINE || !handle.is_plain_swiss(table_hash) {
        return None;
    }
    // SAFETY: `key` is not NULL and points to `key_len <= 16` readable bytes
    // (contract).
    Some((handle, unsafe { std::slice::from_raw_parts(key.cast::<u8>(), key_len) }))
}

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
            insert_vacant(unsafe { handle.table_mut() }, hash, key, value, vacancy)?;
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
            let at = insert_vacant(table, hash, key, std::ptr::null_mut(), vacancy)?;
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
    let (status, found_key, found_value) = match find(table, hash, key) {
        Some((_, entry)) => (
            ht_status::HT_OK,
            entry.key.as_bytes().as_ptr().cast(),
            entry.value.get(),
        ),
        None => (ht_status::HT_NOT_FOUND, std::ptr::null(), std::ptr::null_mut()),
    };
    // SAFETY: each output is NULL or writable (contract).
    unsafe {
        write_out(stored_key, found_key);
        write_out(value, found_value);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_len_no_object_can_have_is_refused_before_reading() {
        let byte = 0u8;
        // SAFETY: the length check fails before the pointer is read.
        let failure = unsafe { key_bytes((&byte as *const u8).cast(), usize::MAX) }.unwrap_err();
        assert_eq!(failure.status, ht_status::HT_ERR_CONFIG);
    }
}
