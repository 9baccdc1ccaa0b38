//! The fast slots' commonest case, in a straight line: a table that hashes
//! with the builtin hash or a named native hash, and an exact builtin scalar
//! key (str, int, float, bytes), so no Python code runs to hash it or, most
//! often, to compare it. `t[k]` here, and where a key is or would go for
//! `k in t`, `t[k] = v` and `del t[k]`; anything else is left, with nothing
//! run, to the other routes and the general path (`slots.rs`, whose rules
//! hold here too: no `Py<T>` is dropped).

use std::ptr;

use hashtable_core::{Settled, Vacancy};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::Borrowed;

use super::slots::missing;
use crate::commit::Place;
use crate::errors::ErrorSet;
use crate::hashing::{named_scalar_hash, HashFunc};
use crate::lookup::{builtin_scalar_hash, find_from, probe_scalar};
use crate::route::Route;
use crate::state::{borrow_mut, HashTable, TableMut};

/// The first half of every fast scalar operation: the table borrowed, and
/// the key's family and hash, when the table hashes with the builtin hash
/// or a named native hash and the key is an exact builtin scalar (no
/// Python code runs: a str's cached hash, a scalar type's own `tp_hash`, or
/// the named hash of the key's canonical form read in place). The commonest
/// case, kept in a
/// straight line apart from `find_fast`, whose answer, an enum of every
/// route's outcomes, went through three jump tables before `t[k]` had its
/// value: 14 instructions of about 296, callgrind). None, with nothing
/// run, for anything else, which `find_fast` then takes from the start;
/// `Some(Err)` with the error set if hashing failed.
#[inline(always)]
fn hash_scalar<'a>(
    py: Python<'_>,
    table: &'a Bound<'_, HashTable>,
    key: &Bound<'_, PyAny>,
) -> Option<Result<(TableMut<'a>, u64), ErrorSet>> {
    let mut this = borrow_mut(table).ok()?;
    let hash = match this.route {
        Route::BuiltinHash => match builtin_scalar_hash(key)? {
            Ok(hash) => hash,
            Err(err) => {
                drop(this);
                err.restore(py);
                return Some(Err(ErrorSet));
            }
        },
        Route::NamedHash => {
            let HashFunc::Named(named) = &this.hash_func else {
                return None;
            };
            named_scalar_hash(named, key)?
        }
        _ => return None,
    };
    this.hash_calls += 1;
    Some(Ok((this, hash)))
}

/// `t[k]` through [`hash_scalar`]: a new reference to the value, or NULL
/// with the error set (KeyError, or a subclass's `__missing__`).
#[inline(always)]
pub(super) fn subscript_scalar(
    py: Python<'_>,
    table: &Bound<'_, HashTable>,
    key: &Bound<'_, PyAny>,
) -> Option<*mut ffi::PyObject> {
    let Ok((mut this, hash)) = hash_scalar(py, table, key)? else {
        return Some(ptr::null_mut());
    };
    // The value is read where the pass found it: no second dispatch on the
    // strategy to fetch the entry again. Only a hit is handled here: with
    // the miss, the `__eq__` retry and the errors in this function, they
    // went through a jump table on the outcome and their registers were
    // spilled on every call (callgrind, an int key's `t[k]`).
    let unsettled = match probe_scalar(&mut this, key, hash) {
        Ok(Settled::Found(_, entry)) => {
            let value = entry.value.as_ptr();
            // SAFETY: `value` is the found entry's value, live while `this`
            // (the borrow) is held; the new reference is the caller's.
            unsafe { ffi::Py_INCREF(value) };
            drop(this);
            return Some(value);
        }
        Ok(Settled::Absent(_)) => Ok(false),
        Ok(Settled::Undecided) => Ok(true),
        Err(err) => Err(err),
    };
    Some(subscript_unsettled(
        py,
        table.as_borrowed(),
        this,
        key.as_borrowed(),
        hash,
        unsettled,
    ))
}

/// [`subscript_scalar`] when its pass found no equal key: a miss
/// (`Ok(false)`), a candidate whose `==` is Python code (`Ok(true)`: the
/// lookup goes on through [`find_from`] with the table released), or an
/// error. A new reference, or NULL with the error set. It and
/// `subscript_routed` take the table and the key by value: given
/// `&Bound`s, every `t[k]` stored both on the stack on its way in, for
/// these calls it rarely makes (2 of an int key's 270 instructions).
#[inline(never)]
fn subscript_unsettled(
    py: Python<'_>,
    table: Borrowed<'_, '_, HashTable>,
    this: TableMut<'_>,
    key: Borrowed<'_, '_, PyAny>,
    hash: u64,
    unsettled: PyResult<bool>,
) -> *mut ffi::PyObject {
    let (table, key) = (&*table, &*key);
    match unsettled {
        Ok(false) => {
            drop(this);
            missing(table, key)
        }
        Ok(true) => match Python::attach(|_| find_from(table, this, key, hash)) {
            Ok((held, Some(slot))) => {
                let value = held.table.entry(slot).value.as_ptr();
                // SAFETY: `value` is the found entry's value, live while
                // `held` (the borrow) is; the new reference is the caller's.
                unsafe { ffi::Py_INCREF(value) };
                drop(held);
                value
            }
            Ok((held, None)) => {
                drop(held);
                missing(table, key)
            }
            Err(err) => {
                err.restore(py);
                ptr::null_mut()
            }
        },
        Err(err) => {
            drop(this);
            err.restore(py);
            ptr::null_mut()
        }
    }
}

/// `k in t` and `t[k] = v` through [`hash_scalar`]: where the key is, or
/// where it would go, with the table still borrowed.
#[inline(always)]
pub(super) fn locate_scalar<'a, 'py>(
    py: Python<'py>,
    table: &'a Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
) -> Option<Result<(TableMut<'a>, Place, u64), ErrorSet>> {
    let (mut this, hash) = match hash_scalar(py, table, key)? {
        Ok(hashed) => hashed,
        Err(pending) => return Some(Err(pending)),
    };
    let place = match probe_scalar(&mut this, key, hash) {
        Ok(Settled::Found(slot, _)) => Place::Found(slot),
        Ok(Settled::Absent(vacancy)) => Place::Vacant(vacancy),
        Ok(Settled::Undecided) => match Python::attach(|_| find_from(table, this, key, hash)) {
            Ok((held, slot)) => {
                this = held;
                slot.map_or(Place::Vacant(Vacancy::UNKNOWN), Place::Found)
            }
            Err(err) => {
                err.restore(py);
                return Some(Err(ErrorSet));
            }
        },
        Err(err) => {
            drop(this);
            err.restore(py);
            return Some(Err(ErrorSet));
        }
    };
    Some(Ok((this, place, hash)))
}
