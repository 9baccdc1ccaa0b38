//! How every mutation ends, in one place: the fast slots, the bulk loader and
//! the general operations all store through `store` and end through `finish`
//! (or, for a run of stores under one borrow, `ResizeLog`).
//!
//! The order is the binding's rule: under the borrow, the value is replaced
//! or the entry inserted, and the table's resize report taken (the core is
//! the only place that resizes, so none goes unlogged); then the borrow
//! ends; then what the operation removed is released (its `__del__` may use
//! the table), and the resize is logged (logging runs Python code).

use hashtable_core::{AllocError, Resize, SlotId, Vacancy};
use pyo3::prelude::*;

use crate::logging;
use crate::state::TableMut;

/// Where a key goes: the slot of the equal key a lookup found, or, when it
/// found none, the vacancy its probe ended at (`Vacancy::UNKNOWN` if the
/// lookup could not say).
#[derive(Clone, Copy)]
pub(crate) enum Place {
    Found(SlotId),
    Vacant(Vacancy),
}

/// Store `value` at `place`: the found key's value replaced (the old value
/// is returned, to be released after the borrow; the stored key stays, as in
/// dict), or `key` inserted as a new entry with its hash. References are
/// taken only for what is stored, so nothing is made here that would have to
/// be dropped (the fast slots, not registered with PyO3, must drop no `Py`).
#[inline(always)]
pub(crate) fn store(
    this: &mut TableMut<'_>,
    place: Place,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    hash: u64,
) -> Result<Option<Py<PyAny>>, AllocError> {
    match place {
        Place::Found(slot) => Ok(Some(this.table.replace_value(slot, value.clone().unbind()))),
        Place::Vacant(vacancy) => {
            this.table
                .insert_vacant(hash, key.clone().unbind(), value.clone().unbind(), vacancy)?;
            Ok(None)
        }
    }
}

/// End an operation: take the resize report, release the borrow, then
/// release what the operation removed and log the resize.
#[inline(always)]
pub(crate) fn finish<T>(mut this: TableMut<'_>, released: T) {
    let resize = this.table.take_resize();
    drop(this);
    drop(released);
    if let Some(resize) = resize {
        log_resize(resize);
    }
}

/// The resizes of a run of stores under one borrow, logged after it ends.
#[derive(Default)]
pub(crate) struct ResizeLog(Vec<Resize>);

impl ResizeLog {
    /// After each store of the run, under the borrow.
    pub(crate) fn note(&mut self, this: &mut TableMut<'_>) {
        if let Some(resize) = this.table.take_resize() {
            self.0.push(resize);
        }
    }

    /// After the borrow ended and the run's released objects were dropped.
    pub(crate) fn write(self) {
        for resize in self.0 {
            log_resize(resize);
        }
    }
}

/// Registered with PyO3 (the fast slots are not): logging makes and drops
/// Python objects.
#[cold]
#[inline(never)]
fn log_resize(Resize { from, to }: Resize) {
    Python::attach(|py| logging::resized(py, from, to));
}
