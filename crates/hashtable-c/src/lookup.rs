//! How the general path finds a key: every strategy, every key length, every
//! hash, in one pass of the strategy's own loop (`settle`, `find`), and how
//! it stores a new key at the vacancy that pass ended at (`insert_vacant`).
//! The common call takes its own shorter path first (`fast.rs`).

use std::convert::Infallible;
use std::ffi::c_void;

use hashtable_core::{AnyStrategy, CollisionStrategy, Entry, Settled, SlotId, Vacancy, Verdict};

use crate::errors::{ht_status, Failure};
use crate::handle::{CoreTable, Key, Value};

/// The caller's key as a slice. NULL is accepted with a zero length.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes that stay unchanged
/// during the call.
#[inline(always)]
pub(crate) unsafe fn key_bytes<'a>(key: *const c_void, key_len: usize) -> Result<&'a [u8], Failure> {
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

/// What a lookup found: the slot and its entry.
pub(crate) type Found<'a> = (SlotId, &'a Entry<Key, Value>);

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
/// with `hash`, or the vacancy where an insert of it would go. Swiss runs its
/// `find_settled` loop inlined here; the other five go through one call
/// (`settle_elsewhere`), which keeps their loops out of the general path's
/// functions. This is `Table::find_settled` without its visit counter (which
/// the C library never reports), so it needs only `&CoreTable`: readers share
/// it, and a writer hands the vacancy to `insert_vacant`.
#[inline(always)]
pub(crate) fn settle<'a>(table: &'a CoreTable, hash: u64, key: &[u8]) -> Result<Found<'a>, Vacancy> {
    let AnyStrategy::Swiss(swiss) = table.strategy() else {
        return settle_elsewhere(table, hash, key);
    };
    let mut visited = 0;
    settled(swiss.find_settled(swiss.probe_hash(hash), &mut visited, same_bytes(key)))
}

/// `settle` on the strategies other than swiss.
#[inline(never)]
fn settle_elsewhere<'a>(table: &'a CoreTable, hash: u64, key: &[u8]) -> Result<Found<'a>, Vacancy> {
    let mut visited = 0;
    let settle = same_bytes(key);
    settled(match table.strategy() {
        // `settle` took this one.
        AnyStrategy::Swiss(_) => return Err(Vacancy::UNKNOWN),
        AnyStrategy::Chaining(s) => s.find_settled(s.probe_hash(hash), &mut visited, settle),
        AnyStrategy::RobinHood(s) => s.find_settled(s.probe_hash(hash), &mut visited, settle),
        AnyStrategy::Linear(s) => s.find_settled(s.probe_hash(hash), &mut visited, settle),
        AnyStrategy::Quadratic(s) => s.find_settled(s.probe_hash(hash), &mut visited, settle),
        AnyStrategy::Compact(s) => s.find_settled(s.probe_hash(hash), &mut visited, settle),
    })
}

/// A pass's end as the slot and entry found, or the vacancy of a miss.
#[inline(always)]
pub(crate) fn settled(found: Result<Settled<'_, Key, Value>, Infallible>) -> Result<Found<'_>, Vacancy> {
    match found {
        Ok(Settled::Found(slot, entry)) => Ok((slot, entry)),
        Ok(Settled::Absent(vacancy)) => Err(vacancy),
        // The C library's `settle` closures decide every candidate.
        Ok(Settled::Undecided) => Err(Vacancy::UNKNOWN),
        Err(never) => match never {},
    }
}

/// The slot and entry of the stored key equal to `key`. Reads only.
#[inline(always)]
pub(crate) fn find<'a>(table: &'a CoreTable, hash: u64, key: &[u8]) -> Option<Found<'a>> {
    settle(table, hash, key).ok()
}

/// Store a key known to be absent at the vacancy its lookup ended at. The
/// core grows the table first if needed; out of memory (for the key copy or
/// the growth), the table is unchanged and the status is HT_ERR_NOMEM.
#[inline(always)]
pub(crate) fn insert_vacant(
    table: &mut CoreTable,
    hash: u64,
    key: Key,
    value: *mut c_void,
    vacancy: Vacancy,
) -> Result<SlotId, Failure> {
    table
        .insert_vacant_inline(hash, key, Value::new(value), vacancy)
        .map_err(growth_failed)
}

#[cold]
#[inline(never)]
fn growth_failed(err: hashtable_core::AllocError) -> Failure {
    Failure::new(ht_status::HT_ERR_NOMEM, err.to_string())
}

/// ht_get_key's outputs and status, from what its lookup found.
///
/// # Safety
/// `stored_key` and `value` are each NULL or writable.
#[inline(always)]
pub(crate) unsafe fn write_key_and_value(
    found: Option<Found<'_>>,
    stored_key: *mut *const c_void,
    value: *mut *mut c_void,
) -> ht_status {
    let (status, found_key, found_value) = match found {
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
    status
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
