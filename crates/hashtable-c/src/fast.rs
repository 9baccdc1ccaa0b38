//! The common call, inline: a table without a hash_fn, of the swiss
//! strategy, a non-NULL key of at most 15 bytes, and for the table's own
//! hash, the default foldhash (inlined). `run_keyed` decides that in a few
//! compares (`plain_short`), packs the key once (`Packed`), and runs the
//! operation's fast form here: swiss's home window alone
//! (`Swiss::find_settled_home`), and the hit, the miss, the store of a new
//! key or the removal right there. Anything else (NULL arguments, a hash_fn,
//! another strategy or hash, a longer key, a full home window, a growth)
//! goes to `general`, out of line, which starts the call again with every
//! check and the whole lookup (`lookup.rs`). A 16-byte key takes the same
//! fast forms out of line (`run_full`), with its three words ([`Full`]).
//!
//! The fast path makes no call but that one, and it is the last thing the
//! entry point does (a jump: `general` has the C calling convention), so the
//! entry point saves only the registers the home window's loop needs
//! (callgrind, ht_get_hashed hit on 1k keys: 79.1 instructions when the
//! whole lookup ran inline, 70.0 now).

use std::convert::Infallible;
use std::ffi::{c_int, c_void};

use hashtable_core::{AnyStrategy, CollisionStrategy, Vacancy, Verdict};

use crate::errors::{ht_status, run_fast, Outcome};
use crate::handle::{ht_table, run_hashing_on, CoreTable, Key};
use crate::keys::{Full, Needle, Packed, INLINE, PACKED};
use crate::lookup::{insert_vacant, key_bytes, settled, write_key_and_value, write_out, Found};

/// Run an exported keyed function: `fast` inline for the common call, which
/// answers None to send it the general way; `op` in `general` for every
/// other. Both are inlined (callers mark them `#[inline(always)]`: a closure
/// used twice was called, not inlined, and the call cost what the fast path
/// saved).
///
/// # Safety
/// `t` is NULL or came from ht_new; `key` is NULL or points to `key_len`
/// readable bytes; `fast`'s and `op`'s own contracts hold for their captures.
#[inline(always)]
pub(crate) unsafe fn run_keyed(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    hash: Option<u64>,
    fast: impl FnOnce(&ht_table, u64, Packed) -> Option<ht_status>,
    fast_full: impl FnOnce(&ht_table, u64, Full) -> Option<ht_status>,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    if key_len > PACKED {
        // One compare for keys past the common call's, so that its own
        // checks stay branches (with the 16-byte test beside them, they
        // became flags combined: 58 -> 61 instructions a hit).
        return if key_len == INLINE {
            // SAFETY: this function's contract.
            unsafe { run_full(t, hash.unwrap_or(0), key, hash.is_some(), fast_full, op) }
        } else {
            // SAFETY: as above.
            unsafe { general(t, key, key_len, hash.unwrap_or(0), hash.is_some(), op) }
        };
    }
    // SAFETY: as above.
    if let Some((handle, bytes)) = unsafe { plain_short(t, key, key_len, hash.is_none()) } {
        let done = run_fast(move || {
            let hash = hash.unwrap_or_else(|| handle.default_hash(bytes));
            let packed = Packed::new(bytes);
            fast(handle, hash, packed).ok_or((hash, packed))
        });
        return match done {
            Ok(status) => status,
            Err((hash, packed)) => {
                let [low, high] = packed.words();
                // SAFETY: `t` came from ht_new (it is `handle`).
                unsafe { general_short(t, hash, low, high, op) }
            }
        };
    }
    // SAFETY: as above.
    unsafe { general(t, key, key_len, hash.unwrap_or(0), hash.is_some(), op) }
}

/// `run_keyed` for a 16-byte key on a table `plain_short` accepted: the fast
/// path's instantiation for three words of key ([`Full`]), out of line so
/// that its registers stay out of the common call's (callgrind, a 16-byte
/// ht_get_hashed hit on 1k 16-byte keys: 130 instructions on the general
/// path, 83 this way; 8-byte keys stay at 58).
///
/// # Safety
/// As for `run_keyed`, with `key_len` 16; `hash` is the caller's when `hashed`.
#[inline(never)]
unsafe extern "C" fn run_full(
    t: *const ht_table,
    hash: u64,
    key: *const c_void,
    hashed: bool,
    fast: impl FnOnce(&ht_table, u64, Full) -> Option<ht_status>,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    // SAFETY: this function's contract.
    let Some((handle, bytes)) = (unsafe { plain_short(t, key, INLINE, !hashed) }) else {
        // SAFETY: as above.
        return unsafe { general(t, key, INLINE, hash, hashed, op) };
    };
    let done = run_fast(move || {
        let hash = if hashed { hash } else { handle.default_hash(bytes) };
        fast(handle, hash, Full::new(bytes)).ok_or(hash)
    });
    match done {
        Ok(status) => status,
        // SAFETY: as above; the hash is the table's own or the caller's.
        Err(hash) => unsafe { general(t, key, INLINE, hash, true, op) },
    }
}

/// `run_keyed` for every call but the common one: NULL and re-entry refused, the
/// hash_fn (if any) run, and a `ht_free` it deferred carried out afterwards.
/// `hash` is the caller's when `hashed`, else the table's hash is taken.
///
/// The C calling convention, as the entry points have, though only Rust
/// calls it: so the call that ends an entry point is a jump, and the fast
/// path saves no register for it (callgrind, ht_get_hashed hit on 1k keys:
/// 75.0 -> 71.0 instructions; delete 127.7 -> 124.0).
///
/// # Safety
/// As for `run_keyed`.
#[cold]
#[inline(never)]
unsafe extern "C" fn general(
    t: *const ht_table,
    key: *const c_void,
    key_len: usize,
    hash: u64,
    hashed: bool,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    run_hashing_on(t, move |handle| {
        // SAFETY: `run_keyed`'s contract.
        let key = unsafe { key_bytes(key, key_len) }?;
        let hash = if hashed { hash } else { handle.hash(key) };
        op(handle, hash, key)
    })
}

/// `general` for a common call whose fast form sent it the general way,
/// with its key packed and hashed: only the key's packed words live on
/// from the fast path, not the caller's pointer and length, so the fast path
/// saves one register instead of four (callgrind, ht_get_hashed hit on 1k
/// keys: 70.0 -> 64.0 instructions; a miss past the home window is not
/// hashed again).
///
/// # Safety
/// `t` came from ht_new; `op`'s contract holds for its captures.
#[cold]
#[inline(never)]
unsafe extern "C" fn general_short(
    t: *const ht_table,
    hash: u64,
    low: u64,
    high: u64,
    op: impl FnOnce(&ht_table, u64, &[u8]) -> Outcome,
) -> ht_status {
    let (bytes, len) = Packed::from_words([low, high]).unpack();
    run_hashing_on(t, move |handle| op(handle, hash, &bytes[..len]))
}

/// An exported function's body: `run_keyed` with the operation `$op`'s fast form
/// (`fast::$op`) and general one (`$op`), each taking the handle, the hash
/// and the key, then the exported function's own outputs.
macro_rules! keyed {
    ($t:ident, $key:ident, $key_len:ident, $hash:expr, $op:ident($($arg:ident),*)) => {
        // SAFETY: the exported function's contract, which is `keyed`'s and
        // the operation's.
        unsafe {
            $crate::fast::run_keyed(
                $t,
                $key,
                $key_len,
                $hash,
                #[inline(always)]
                move |handle, hash, packed| $crate::fast::$op(handle, hash, packed, $($arg),*),
                move |handle, hash, full| $crate::fast::$op(handle, hash, full, $($arg),*),
                #[inline(always)]
                move |handle, hash, key| $op(handle, hash, key, $($arg),*),
            )
        }
    };
}
pub(crate) use keyed;

/// The handle and key of the common call (its key's length checked by the caller), or None.
/// `table_hash`: the call hashes with the table's hash, which must then be
/// the default foldhash.
///
/// # Safety
/// As for `run_keyed`.
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
    if key.is_null() || !handle.is_plain_swiss(table_hash) {
        return None;
    }
    // SAFETY: `key` is not NULL and points to `key_len` readable bytes (contract).
    Some((handle, unsafe { std::slice::from_raw_parts(key.cast::<u8>(), key_len) }))
}

/// Where swiss's lookup of `needle`, probing for `probe`, ended in the home
/// window: the slot and entry found, or a miss's vacancy; None when the
/// window was full and undecided (the general path looks further).
#[inline(always)]
fn home(table: &CoreTable, probe: u64, needle: impl Needle) -> Option<Result<Found<'_>, Vacancy>> {
    let AnyStrategy::Swiss(swiss) = table.strategy() else {
        return None;
    };
    let mut visited = 0;
    let mut settle = move |stored: &Key| {
        Ok::<_, Infallible>(if needle.found_in(stored) {
            Verdict::Equal
        } else {
            Verdict::Unequal
        })
    };
    swiss
        .find_settled_home(swiss.probe_hash(probe), &mut visited, &mut settle)
        .map(settled)
}

/// `home` for a call that needs no vacancy. Some(None) is a miss.
#[inline(always)]
fn find_home(table: &CoreTable, hash: u64, needle: impl Needle) -> Option<Option<Found<'_>>> {
    match home(table, hash, needle)? {
        Ok(found) => Some(Some(found)),
        Err(_) => Some(None),
    }
}

/// ht_set's fast form.
///
/// # Safety
/// As for ht_set_hashed, and the caller has exclusive access to the table.
#[inline(always)]
pub(crate) unsafe fn set(
    handle: &ht_table,
    hash: u64,
    key: impl Needle,
    value: *mut c_void,
    old_value: *mut *mut c_void,
) -> Option<ht_status> {
    // SAFETY: exclusive access (contract). The shared borrow ends before
    // `table_mut` below.
    let old = match home(unsafe { handle.table() }, hash, key)? {
        // SAFETY: the caller has exclusive access to the table (contract).
        Ok((_, entry)) => unsafe { entry.value.replace(value) },
        Err(vacancy) => {
            // SAFETY: as above; no reference from `table()` is live now.
            let table = unsafe { handle.table_mut() };
            if let Err(failure) = insert_vacant(table, hash, key.to_key(), value, vacancy) {
                return Some(failure.status);
            }
            std::ptr::null_mut()
        }
    };
    // SAFETY: `old_value` is NULL or writable (contract).
    unsafe { write_out(old_value, old) };
    Some(ht_status::HT_OK)
}

/// ht_get's fast form.
///
/// # Safety
/// As for ht_get_hashed.
#[inline(always)]
pub(crate) unsafe fn get(handle: &ht_table, hash: u64, key: impl Needle, value: *mut *mut c_void) -> Option<ht_status> {
    // SAFETY: only readers run now (the header's rule).
    let found = find_home(unsafe { handle.table() }, hash, key)?;
    // One write in each arm: a value carried out of the match to one write
    // went through the stack (callgrind, ht_get_hashed hit: 88.0 -> 84.1).
    Some(match found {
        Some((_, entry)) => {
            // SAFETY: `value` is NULL or writable (contract).
            unsafe { write_out(value, entry.value.get()) };
            ht_status::HT_OK
        }
        None => {
            // SAFETY: as above.
            unsafe { write_out(value, std::ptr::null_mut()) };
            ht_status::HT_NOT_FOUND
        }
    })
}

/// ht_remove's fast form.
///
/// # Safety
/// As for ht_remove_hashed, and the caller has exclusive access to the table.
#[inline(always)]
pub(crate) unsafe fn remove(
    handle: &ht_table,
    hash: u64,
    key: impl Needle,
    value: *mut *mut c_void,
) -> Option<ht_status> {
    // SAFETY: exclusive access (contract).
    let table = unsafe { handle.table_mut() };
    let (status, removed) = match find_home(table, hash, key)?.map(|(slot, _)| slot) {
        Some(slot) => {
            // SAFETY: `find_home` just found an entry in `slot`, and nothing changed since.
            let entry = unsafe { table.remove_found(slot) };
            // The key equals `key`, a short key: it owns no heap bytes,
            // so there is nothing to drop (dropping it checked again:
            // `callgrind_c.py --ops`, a delete, 127.9 instructions, 136.3 with the drop).
            entry.key.forget_short();
            (ht_status::HT_OK, entry.value.into_inner())
        }
        None => (ht_status::HT_NOT_FOUND, std::ptr::null_mut()),
    };
    // SAFETY: `value` is NULL or writable (contract).
    unsafe { write_out(value, removed) };
    Some(status)
}

/// ht_entry's fast form.
///
/// # Safety
/// As for ht_entry.
#[inline(always)]
pub(crate) unsafe fn entry(
    handle: &ht_table,
    hash: u64,
    key: impl Needle,
    slot: *mut *mut *mut c_void,
    inserted: *mut c_int,
) -> Option<ht_status> {
    if slot.is_null() {
        // The general path reports it.
        return None;
    }
    // SAFETY: exclusive access (contract). The shared borrow ends before
    // `table_mut` below.
    let (found, new) = match home(unsafe { handle.table() }, hash, key)? {
        Ok((_, entry)) => (entry.value.slot(), 0),
        Err(vacancy) => {
            // SAFETY: as above; no reference from `table()` is live now.
            let table = unsafe { handle.table_mut() };
            match insert_vacant(table, hash, key.to_key(), std::ptr::null_mut(), vacancy) {
                Ok(at) => (table.entry(at).value.slot(), 1),
                Err(failure) => return Some(failure.status),
            }
        }
    };
    // SAFETY: `slot` is writable and not NULL; `inserted` is NULL or writable (contract).
    unsafe {
        slot.write(found);
        write_out(inserted, new);
    }
    Some(ht_status::HT_OK)
}

/// ht_get_key's fast form.
///
/// # Safety
/// As for ht_get_key.
#[inline(always)]
pub(crate) unsafe fn get_key(
    handle: &ht_table,
    hash: u64,
    key: impl Needle,
    stored_key: *mut *const c_void,
    value: *mut *mut c_void,
) -> Option<ht_status> {
    // SAFETY: only readers run now (the header's rule).
    let found = find_home(unsafe { handle.table() }, hash, key)?;
    // SAFETY: each output is NULL or writable (contract).
    Some(unsafe { write_key_and_value(found, stored_key, value) })
}
