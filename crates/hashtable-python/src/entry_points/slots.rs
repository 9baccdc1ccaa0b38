//! Hand-written mapping slots for the common case, in front of PyO3's own.
//!
//! PyO3's generated slot functions cost about 70 instructions per call before
//! the table is touched: a trampoline that registers the thread with PyO3 (a
//! thread-local, which in a shared library is a call to `__tls_get_addr`),
//! argument extraction, and `Result` plumbing (callgrind, `scripts/callgrind_lookup.py`).
//! For `t[k]`, `k in t` and `t[k] = v` with the builtin hash and an exact str,
//! int, float or bytes key, no Python code can run, so these functions do the
//! whole operation directly against the CPython API, as orjson does:
//!
//! * hash: the str's cached hash read from the object (`lookup::scalar_hash`);
//! * lookup: the core's own loop (`Table::find_settled`), identity or a C
//!   comparison of two scalars of one family deciding each candidate;
//! * result: a new reference handed straight back, or KeyError set.
//!
//! Which of these a table takes is its `Route` (`route.rs`), fixed when the
//! table is made, so each call decides with one match:
//! the builtin hash on scalar keys (above), a Python `hash_func` on scalar
//! keys (called once with the table released), a named native hash on scalar
//! keys (their canonical form read in place, under the borrow), an identity
//! table (any key: its address hashed, pointers compared), or a `key=` table
//! with the builtin
//! hash (the transform called once with the table released, then the lookup
//! form compared with the one each stored pair keeps).
//!
//! `del t[k]` takes the same straight line when the builtin hash and an exact
//! scalar key allow it. Everything else (`eq=` a callable, a key with its own
//! `__eq__`, a subclass's `__missing__`, a busy table) goes to the same
//! functions the `#[pymethods]` call (`mapping::subscript`, `contains`,
//! `set`, `delete`), inside `Python::attach`, so there is one implementation
//! of the semantics and these slots only skip PyO3's per-call overhead. (The
//! slots PyO3 generated stay reachable as `HashTable.__getitem__` and the like.)
//!
//! The fast path must not drop a `Py<T>`: without PyO3's trampoline the
//! thread is not registered with PyO3, and such a drop would be deferred to
//! PyO3's pool instead of happening at once. It only creates references (by
//! `into_ptr`) and drops `Bound`s, whose drop is a plain `Py_DECREF`.
//!
//! The builtin and named hashes' straight line on an exact scalar key is in
//! `scalar.rs`; this file holds the slots themselves, the other fast routes
//! and what they share. (The routes stay in this module on purpose: with
//! `codegen-units = 4`, moving them to a module of their own changed how
//! rustc grouped code, and `t[k] = v` and `del t[k]` then cost more
//! instructions, callgrind.)

use std::os::raw::c_int;
use std::ptr;

use hashtable_core::{Lookup, ProbeCursor, Settled, Vacancy, Verdict};
use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::Borrowed;

use super::scalar::{locate_scalar, subscript_scalar};
use crate::commit::{finish, store, Place};
use crate::errors::{memory_error, raise_missing_key, ErrorSet};
use crate::hashing::{call_hash_func, identity_hash, HashFunc};
use crate::lookup::{
    find_from, find_with, hashes_without_python, probe_scalar, scalar_family, scalar_hash, settle_without_python,
    CustomEquality,
};
use crate::mapping;
use crate::route::Route;
use crate::semantics::pair_lookup_form;
use crate::state::{borrow_mut, released, HashTable, TableMut};

/// The outcome of a fast lookup.
enum Found<'py> {
    /// Present: its slot, and its value, read in the same pass (valid while
    /// the borrow returned with it is held, and the table is not changed).
    Slot(hashtable_core::SlotId, *mut ffi::PyObject),
    /// Absent; a new entry goes to the vacancy if nothing changes first.
    Absent(Vacancy),
    /// Absent from a `key=` table: the lookup form, which a new entry stores.
    AbsentTransformed(Bound<'py, PyAny>),
}

/// Hash and find `key` on the table's other fast routes (the builtin and
/// the named hashes on an exact scalar take `hash_scalar`'s straight line
/// first): a builtin scalar (whose `==` is C) with a Python `hash_func`
/// called once with the table released; any key of an identity table; any
/// key of a `key=` table with the builtin hash. A candidate that needs
/// Python's `==` is settled by the shared `lookup::find_from`, with the same
/// hash. None sends the caller to the general path before anything ran
/// (`hash_calls` is as it was).
#[inline(always)]
fn find_fast<'a, 'py>(
    py: Python<'py>,
    slf: &'a Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
) -> Option<PyResult<(TableMut<'a>, u64, Found<'py>)>> {
    let this = borrow_mut(slf).ok()?;
    let (this, hash) = match this.route {
        Route::PythonHash => {
            if !hashes_without_python(key) {
                return None;
            }
            match hash_with_python(py, slf, this, key) {
                Some((this, hash)) => (this, hash),
                None => return Some(Err(PyErr::fetch(py))),
            }
        }
        Route::Identity => return Some(Ok(find_identical(this, key))),
        Route::Transform => return Some(find_transformed(py, slf, this, key)),
        // Scalars took `hash_scalar`; other keys go the general way.
        Route::BuiltinHash | Route::NamedHash | Route::Custom => return None,
    };
    Some(finish_lookup(slf, this, key, hash))
}

/// The hash of a scalar key in a table with a Python `hash_func`, called
/// with the table released; the table borrowed again for the lookup. None
/// leaves the error set in the interpreter: a small return value that comes
/// back in registers, where a `PyResult` would go through memory.
#[inline(never)]
fn hash_with_python<'a, 'py>(
    py: Python<'py>,
    slf: &'a Bound<'py, HashTable>,
    mut this: TableMut<'a>,
    key: &Bound<'py, PyAny>,
) -> Option<(TableMut<'a>, u64)> {
    let HashFunc::Python(func) = &this.hash_func else {
        // `route` is derived from `hash_func`, and both are fixed for life.
        PyRuntimeError::new_err("HashTable's fast route disagrees with its hash_func").restore(py);
        return None;
    };
    // Our own reference: the call may drop the table and its hash function.
    let func = func.bind(py).clone();
    this.hash_calls += 1;
    // Not registered with PyO3, so this must drop no `Py<T>`: the call and
    // its result are `Bound`s, and a failure is restored, not dropped.
    let hashed = released(slf, this, || call_hash_func(&func, key));
    drop(func);
    hashed.map_err(|err| err.restore(py)).ok()
}

/// Any key in an identity table: its address hashed, candidates compared by
/// address; no Python code runs.
#[inline(never)]
fn find_identical<'a, 'py>(mut this: TableMut<'a>, key: &Bound<'py, PyAny>) -> (TableMut<'a>, u64, Found<'py>) {
    let hash = identity_hash(key);
    this.hash_calls += 1;
    let mut cursor = ProbeCursor::new();
    let found = this.table.find_resumable(hash, &mut cursor, |stored| {
        Ok::<_, std::convert::Infallible>(if stored.as_ptr() == key.as_ptr() {
            Verdict::Equal
        } else {
            Verdict::Unequal
        })
    });
    match found {
        Ok(Lookup::Found(slot)) => {
            let value = this.table.entry(slot).value.as_ptr();
            (this, hash, Found::Slot(slot, value))
        }
        Ok(Lookup::Absent | Lookup::Undecided(_)) => (this, hash, Found::Absent(Vacancy::UNKNOWN)),
        Err(never) => match never {},
    }
}

/// Any key of a `key=` table with the builtin hash: `key(k)` called once with
/// the table released; an exact scalar lookup form is then hashed and
/// compared in C, against the lookup form stored in each entry's pair.
#[inline(never)]
fn find_transformed<'a, 'py>(
    py: Python<'py>,
    slf: &'a Bound<'py, HashTable>,
    mut this: TableMut<'a>,
    key: &Bound<'py, PyAny>,
) -> PyResult<(TableMut<'a>, u64, Found<'py>)> {
    let Some(transform) = this.semantics.transform.as_ref().map(|f| f.bind(py).clone()) else {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "HashTable lost its key function",
        ));
    };
    this.hash_calls += 1;
    // As with a Python hash_func: only `Bound`s here, and an error is restored.
    let (mut this, (lookup, family, hash)) = released(slf, this, || {
        let lookup = crate::cpython::call_one(&transform, key)?;
        let family = scalar_family(&lookup);
        let hash = match family {
            Some(_) => scalar_hash(&lookup)?,
            None => crate::cpython::object_hash(&lookup)?,
        };
        Ok((lookup, family, hash))
    })?;
    drop(transform);
    let mut cursor = ProbeCursor::new();
    let settled = match &family {
        Some(family) => Some(this.table.find_resumable(hash, &mut cursor, |stored| {
            // SAFETY: `stored` is a live key of a `key=` table, a pair.
            let compared = unsafe { Borrowed::from_ptr(py, pair_lookup_form(stored.as_ptr())) };
            settle_without_python(&compared, &lookup, Some(family))
        })?),
        None => None,
    };
    let slot = match settled {
        Some(Lookup::Found(slot)) => Some(slot),
        Some(Lookup::Absent) => None,
        Some(Lookup::Undecided(_)) | None => {
            let semantics = this.semantics.bind(py);
            let (held, slot) =
                Python::attach(|_| find_with(slf, this, &CustomEquality::new(&lookup, &semantics), hash))?;
            this = held;
            slot
        }
    };
    Ok(match slot {
        Some(slot) => {
            let value = this.table.entry(slot).value.as_ptr();
            (this, hash, Found::Slot(slot, value))
        }
        None => (this, hash, Found::AbsentTransformed(lookup)),
    })
}

/// The core's candidate loop; a candidate that needs Python goes on in
/// `lookup::find_from` (registered with PyO3) from the start of the probe.
#[inline(always)]
fn finish_lookup<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    mut this: TableMut<'a>,
    key: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<(TableMut<'a>, u64, Found<'py>)> {
    let found = match probe_scalar(&mut this, key, hash)? {
        // The value is read where the pass found it: `t[k]` needs no second
        // dispatch on the strategy to fetch the entry again.
        Settled::Found(slot, entry) => Found::Slot(slot, entry.value.as_ptr()),
        Settled::Absent(vacancy) => Found::Absent(vacancy),
        Settled::Undecided => {
            let (held, slot) = Python::attach(|_| find_from(slf, this, key, hash))?;
            this = held;
            match slot {
                Some(slot) => Found::Slot(slot, this.table.entry(slot).value.as_ptr()),
                None => Found::Absent(Vacancy::UNKNOWN),
            }
        }
    };
    Ok((this, hash, found))
}

/// `t[k]`'s miss, the table no longer borrowed: KeyError from an exact
/// HashTable, else a subclass's `__missing__` if it has one.
#[cold]
#[inline(never)]
pub(super) fn missing(table: &Bound<'_, HashTable>, key: &Bound<'_, PyAny>) -> *mut ffi::PyObject {
    if table.is_exact_instance_of::<HashTable>() {
        raise_missing_key(key);
        return ptr::null_mut();
    }
    general(|| mapping::missing(table, key).map(Bound::into_ptr), ptr::null_mut())
}

/// `t[k]`.
pub(crate) unsafe extern "C" fn subscript(slf: *mut ffi::PyObject, key: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a mapping slot with the GIL held and two live
    // borrowed references, `slf` an instance of HashTable (or a subclass that
    // inherited this slot).
    let py = unsafe { Python::assume_attached() };
    // SAFETY: as above; borrowed references, no reference count changes.
    let (table, key_ref) = unsafe { (argument(py, slf), argument(py, key)) };
    // SAFETY: `slf` is a HashTable (see above).
    let table = unsafe { table.cast_unchecked::<HashTable>() };
    if let Some(value) = subscript_scalar(py, &table, &key_ref) {
        return value;
    }
    subscript_routed(py, table, key_ref)
}

/// `t[k]` on every route but the fast scalar one ([`find_fast`], else the
/// general path). Out of line, so that its registers are not saved on the
/// way into every `t[k]`.
#[inline(never)]
fn subscript_routed(
    py: Python<'_>,
    table: Borrowed<'_, '_, HashTable>,
    key_ref: Borrowed<'_, '_, PyAny>,
) -> *mut ffi::PyObject {
    let (table, key_ref) = (&*table, &*key_ref);
    let outcome = find_fast(py, table, key_ref);
    match outcome {
        Some(Ok((this, _, Found::Slot(_, value)))) => {
            // SAFETY: `value` is the found entry's value, live while `this`
            // (the borrow the lookup returned) is held and nothing changed
            // the table since; the new reference is the caller's.
            unsafe { ffi::Py_INCREF(value) };
            drop(this);
            value
        }
        Some(Ok((_, _, Found::Absent(_) | Found::AbsentTransformed(_))))
            if table.is_exact_instance_of::<HashTable>() =>
        {
            // An exact HashTable: no `__missing__` to consult.
            raise_missing_key(key_ref);
            ptr::null_mut()
        }
        Some(Ok((this, _, Found::Absent(_) | Found::AbsentTransformed(_)))) => {
            // A subclass: `type(t).__missing__`, if it has one, else KeyError.
            drop(this);
            general(
                || mapping::missing(table, key_ref).map(Bound::into_ptr),
                ptr::null_mut(),
            )
        }
        Some(Err(err)) => {
            err.restore(py);
            ptr::null_mut()
        }
        None => general(
            || mapping::subscript(table, key_ref).map(Bound::into_ptr),
            ptr::null_mut(),
        ),
    }
}

/// A new key for a `key=` table: its `(key, lookup form)` pair, made with the
/// table released (allocating may run the GC), then the table borrowed
/// again; if it changed meanwhile, the key is looked for again, with the
/// same lookup form and hash. Returns where to store: a slot now holding
/// the key, or the pair to insert.
fn store_pair<'a, 'py>(
    py: Python<'py>,
    slf: &'a Bound<'py, HashTable>,
    this: TableMut<'a>,
    key: &Bound<'py, PyAny>,
    lookup: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<(TableMut<'a>, Option<hashtable_core::SlotId>, Bound<'py, PyAny>)> {
    let generation = this.table.generation();
    let (this, pair) = released(slf, this, || crate::semantics::new_pair(key, lookup))?;
    if this.table.generation() == generation {
        return Ok((this, None, pair));
    }
    let semantics = this.semantics.bind(py);
    let (this, slot) = Python::attach(|_| find_with(slf, this, &CustomEquality::new(lookup, &semantics), hash))?;
    Ok((this, slot, pair))
}

/// A slot's argument as a borrowed reference, with no NULL check: CPython
/// never passes NULL for the table or the key (`Borrowed::from_ptr` checked
/// each, 4 instructions of an int key's `t[k]`, callgrind).
///
/// # Safety
/// `ptr` is a live, non-NULL borrowed reference, valid while the slot runs.
#[inline(always)]
unsafe fn argument<'a, 'py>(py: Python<'py>, ptr: *mut ffi::PyObject) -> Borrowed<'a, 'py, PyAny> {
    debug_assert!(!ptr.is_null());
    // SAFETY: `ptr` is not NULL (the contract), so the `Option` is `Some`.
    unsafe { Borrowed::from_ptr_or_opt(py, ptr).unwrap_unchecked() }
}

/// The general path, registered with PyO3 (so every `Py<T>` it drops is
/// released at once): `Ok` as it is, or `failed` with the error set.
fn general<T>(operation: impl FnOnce() -> PyResult<T>, failed: T) -> T {
    Python::attach(|py| match operation() {
        Ok(result) => result,
        Err(err) => {
            err.restore(py);
            failed
        }
    })
}

/// `k in t`.
pub(crate) unsafe extern "C" fn contains(slf: *mut ffi::PyObject, key: *mut ffi::PyObject) -> c_int {
    // SAFETY: as in `fast_subscript`: GIL held, live borrowed references,
    // `slf` a HashTable.
    let py = unsafe { Python::assume_attached() };
    // SAFETY: as above.
    let (table, key_ref) = unsafe { (argument(py, slf), argument(py, key)) };
    // SAFETY: as above.
    let table = unsafe { table.cast_unchecked::<HashTable>() };
    if let Some(located) = locate_scalar(py, &table, &key_ref) {
        return match located {
            Ok((this, place, _)) => {
                drop(this);
                c_int::from(matches!(place, Place::Found(_)))
            }
            Err(ErrorSet) => -1,
        };
    }
    let outcome = find_fast(py, &table, &key_ref);
    match outcome {
        Some(Ok((_, _, Found::Slot(..)))) => 1,
        Some(Ok((_, _, Found::Absent(_) | Found::AbsentTransformed(_)))) => 0,
        Some(Err(err)) => {
            err.restore(py);
            -1
        }
        None => general(|| mapping::contains(&table, &key_ref).map(c_int::from), -1),
    }
}

/// `t[k] = v`, and `del t[k]` (`value` NULL).
pub(crate) unsafe extern "C" fn assign(
    slf: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> c_int {
    // SAFETY: as in `fast_subscript`; `value` is NULL (a deletion) or a live
    // borrowed reference too.
    let py = unsafe { Python::assume_attached() };
    if value.is_null() {
        // SAFETY: as above.
        let (table, key_ref) = unsafe { (argument(py, slf), argument(py, key)) };
        // SAFETY: as above.
        let table = unsafe { table.cast_unchecked::<HashTable>() };
        if let Some(located) = locate_scalar(py, &table, &key_ref) {
            return match located {
                Ok((mut this, Place::Found(slot), _)) => {
                    let entry = this.table.remove_slot(slot);
                    // As `Bound`s, released after the borrow ends (each an
                    // immediate `Py_DECREF`, whose `__del__` may use the table).
                    finish(this, (entry.key.into_bound(py), entry.value.into_bound(py)));
                    0
                }
                Ok((this, Place::Vacant(_), _)) => {
                    drop(this);
                    raise_missing_key(&key_ref);
                    -1
                }
                Err(ErrorSet) => -1,
            };
        }
        return general(|| mapping::delete(&table, &key_ref).map(|()| 0), -1);
    }
    // SAFETY: as above.
    let (table, key_ref, value_ref) = unsafe { (argument(py, slf), argument(py, key), argument(py, value)) };
    // SAFETY: as above.
    let table = unsafe { table.cast_unchecked::<HashTable>() };
    if let Some(located) = locate_scalar(py, &table, &key_ref) {
        return match located {
            Ok((this, place, hash)) => store_located(py, this, place, &key_ref, &value_ref, hash),
            Err(ErrorSet) => -1,
        };
    }
    let (mut this, hash, found) = match find_fast(py, &table, &key_ref) {
        Some(Ok(found)) => found,
        Some(Err(err)) => {
            err.restore(py);
            return -1;
        }
        None => return general(|| mapping::set(&table, &key_ref, &value_ref).map(|()| 0), -1),
    };
    let mut pair = None;
    let place = match found {
        Found::Slot(slot, _) => Place::Found(slot),
        Found::Absent(vacancy) => Place::Vacant(vacancy),
        Found::AbsentTransformed(lookup) => match store_pair(py, &table, this, &key_ref, &lookup, hash) {
            Ok((held, slot, made)) => {
                this = held;
                pair = Some(made);
                slot.map_or(Place::Vacant(Vacancy::UNKNOWN), Place::Found)
            }
            Err(err) => {
                err.restore(py);
                return -1;
            }
        },
    };
    let stored = pair.as_ref().unwrap_or(&key_ref);
    store_located(py, this, place, stored, &value_ref, hash)
}

/// The end of `t[k] = v`: the value stored at `place`, and what it replaced
/// released after the borrow ends (a Bound's drop is an immediate
/// `Py_DECREF`, and its `__del__` may use the table). 0, or -1 with
/// MemoryError set.
#[inline(always)]
fn store_located(
    py: Python<'_>,
    mut this: TableMut<'_>,
    place: Place,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    hash: u64,
) -> c_int {
    match store(&mut this, place, key, value, hash) {
        Ok(replaced) => {
            finish(this, replaced.map(|value| value.into_bound(py)));
            0
        }
        Err(err) => {
            drop(this);
            memory_error(err).restore(py);
            -1
        }
    }
}
