//! Finding a key without holding the table across Python code.
//!
//! A lookup walks the core's probe sequence in short borrows. Each candidate
//! (an entry whose stored full hash equals the key's) is settled under the
//! borrow when no Python code can run: the same object, or two builtin
//! scalars of one family (exact str, exact bytes, or exact int/float/bool)
//! whose comparison is pure C.
//! Any other candidate is cloned (one incref), the borrow is released, and
//! `stored == key` runs with the table free: that `__eq__` may read, mutate or
//! even free the table's contents, and other threads may run. Afterwards the
//! table's generation says whether the slot is still the one we probed; if the
//! table changed shape, the lookup restarts, as CPython's dict does.
//!
//! The caller gets the still-held borrow back with the answer, so it acts on
//! the slot before anything else can run.

use hashtable_core::{ProbeCursor, SlotId};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyString};

use crate::cell::{Exclusive, Shared};
use crate::table::{HashTable, TableState};

/// A lookup whose `__eq__` calls keep reshaping the table gives up after this
/// many restarts, instead of looping forever.
const MAX_RESTARTS: u32 = 100;

/// The table borrowed for reading.
pub(crate) type TableRef<'a> = Shared<'a, TableState>;
/// The table borrowed for changing.
pub(crate) type TableMut<'a> = Exclusive<'a, TableState>;

#[inline]
pub(crate) fn borrow_mut<'a>(slf: &'a Bound<'_, HashTable>) -> PyResult<TableMut<'a>> {
    slf.get().cell.try_borrow_mut()
}

#[inline]
pub(crate) fn borrow<'a>(slf: &'a Bound<'_, HashTable>) -> PyResult<TableRef<'a>> {
    slf.get().cell.try_borrow()
}

/// Which builtin scalars compare with each other in pure C, with no warning
/// that could run Python code (str against bytes warns under `python -b`).
#[derive(PartialEq, Eq)]
enum ScalarFamily {
    Text,
    Bytes,
    Number,
}

/// Exact builtin scalars, whose `hash()` is pure C (str caches it in the object).
#[inline]
pub(crate) fn hashes_without_python(key: &Bound<'_, PyAny>) -> bool {
    scalar_family(key).is_some()
}

#[inline]
fn scalar_family(obj: &Bound<'_, PyAny>) -> Option<ScalarFamily> {
    if obj.is_exact_instance_of::<PyString>() {
        Some(ScalarFamily::Text)
    } else if obj.is_exact_instance_of::<PyInt>()
        || obj.is_exact_instance_of::<PyFloat>()
        || obj.is_exact_instance_of::<PyBool>()
    {
        Some(ScalarFamily::Number)
    } else if obj.is_exact_instance_of::<PyBytes>() {
        Some(ScalarFamily::Bytes)
    } else {
        None
    }
}

/// Settle `stored == key` without running Python code, if that is possible.
#[inline]
fn settle_without_python(stored: &Bound<'_, PyAny>, key: &Bound<'_, PyAny>) -> Option<PyResult<bool>> {
    if stored.is(key) {
        return Some(Ok(true));
    }
    match (scalar_family(stored), scalar_family(key)) {
        (Some(a), Some(b)) if a == b => Some(stored.eq(key)),
        _ => None,
    }
}

/// Find `key` (whose hash is `hash`). Returns the table, still borrowed, and
/// the slot holding the key, if any.
pub(crate) fn find<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<(TableMut<'a>, Option<SlotId>)> {
    find_from(slf, borrow_mut(slf)?, key, hash)
}

/// `find`, starting with a borrow the caller already holds.
pub(crate) fn find_from<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    held: TableMut<'a>,
    key: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<(TableMut<'a>, Option<SlotId>)> {
    let py = slf.py();
    let mut restarts = 0;
    let mut held = Some(held);
    'restart: loop {
        let mut this = match held.take() {
            Some(this) => this,
            None => borrow_mut(slf)?,
        };
        let mut cursor = ProbeCursor::new();
        while let Some(slot) = this.table.probe_next(hash, &mut cursor) {
            let stored = this.table.entry(slot).key.bind(py);
            match settle_without_python(stored, key) {
                Some(Ok(true)) => return Ok((this, Some(slot))),
                Some(Ok(false)) => continue,
                Some(Err(err)) => return Err(err),
                None => {}
            }
            let candidate = stored.clone();
            let generation = this.table.generation();
            drop(this);
            let verdict = candidate.eq(key);
            drop(candidate);
            let equal = verdict?;
            this = borrow_mut(slf)?;
            if this.table.generation() != generation {
                restarts += 1;
                if restarts > MAX_RESTARTS {
                    return Err(PyRuntimeError::new_err(
                        "HashTable lookup gave up: a key's __eq__ kept changing the table",
                    ));
                }
                continue 'restart;
            }
            if equal {
                return Ok((this, Some(slot)));
            }
        }
        return Ok((this, None));
    }
}
