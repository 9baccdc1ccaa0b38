//! The table's state, at the bottom of the binding: the `HashTable` object
//! and everything it holds, its borrow, and the one read of all its items.
//! Every floor above borrows the table through `borrow`/`borrow_mut` here,
//! and every mutation ends in `commit::finish`.

use std::mem::ManuallyDrop;

use hashtable_core::{CollisionStrategy, IterCursor, Table, TableConfig};
use pyo3::exceptions::PyMemoryError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::PyTraverseError;

use crate::cell::{BorrowCell, Exclusive, Shared};
use crate::errors::table_error;
use crate::gc::PyGcTraverse;
use crate::hashing::HashFunc;
use crate::route::Route;
use crate::semantics::KeySemantics;
use crate::{logging, trashcan};

pub(crate) type PyTable = Table<Py<PyAny>, Py<PyAny>>;

#[doc = include_str!("docstrings/hashtable.txt")]
// `immutable_type`: like dict's, the type's attributes cannot be replaced, so
// no one can swap in a `__new__` that skips building the native contents.
// `frozen`: PyO3 keeps no borrow flag of its own (an atomic one); the state
// sits in a [`BorrowCell`] with a plain counter instead (see `cell.rs`).
#[pyclass(
    name = "HashTable",
    module = "hashtable",
    subclass,
    weakref,
    mapping,
    immutable_type,
    frozen
)]
pub struct HashTable {
    pub(crate) cell: BorrowCell<TableState>,
}

/// Everything a table holds, borrowed through its cell.
pub(crate) struct TableState {
    /// Taken out, never dropped in place, when the table is freed (see `Drop`).
    pub(crate) table: ManuallyDrop<PyTable>,
    pub(crate) hash_func: HashFunc,
    pub(crate) semantics: KeySemantics,
    /// Which hand-written slot path serves this table: derived from
    /// `hash_func` and `semantics`, so the fast slots decide with one match.
    pub(crate) route: Route,
    pub(crate) hash_calls: u64,
    /// False for tables the user did not make (a copy's scratch table): their
    /// birth and death are not logged.
    pub(crate) announce: bool,
}

impl TableState {
    /// Whether this table hashes and compares keys exactly as `other` does, so
    /// that `other`'s stored keys and hashes are valid here as they are.
    pub(crate) fn hashes_like(&self, other: &TableState) -> bool {
        self.hash_func.same_as(&other.hash_func) && self.semantics.same_as(&other.semantics)
    }

    /// Take out the hash function and key semantics (to be released after the
    /// borrow), leaving a plain table: only for a table that is being freed or
    /// cleared by the GC, which no operation can be suspended in.
    ///
    /// The rule: a table's `hash_func`, `key=` and `eq=` (and so its fast
    /// route) are fixed when it is made. An operation suspended in Python code
    /// (a key's `__eq__` or `__hash__`, `hash_func`, `key=`, `eq=`, a
    /// `__del__`, a GC callback) re-borrows and checks only the generation,
    /// which covers the storage; how keys are hashed and compared cannot
    /// change under it, because nothing that a suspended operation can reach
    /// changes it. (`copy.copy` and `__setstate__` never replace them; a
    /// table in use is reachable, so the GC does not clear it.)
    pub(crate) fn take_keys_for_release(&mut self) -> (HashFunc, KeySemantics) {
        self.route = Route::for_table(&HashFunc::Builtin, &KeySemantics::PLAIN);
        (
            std::mem::replace(&mut self.hash_func, HashFunc::Builtin),
            std::mem::replace(&mut self.semantics, KeySemantics::PLAIN),
        )
    }
}

impl HashTable {
    pub(crate) fn empty(
        py: Python<'_>,
        config: TableConfig,
        hash_func: HashFunc,
        semantics: KeySemantics,
    ) -> PyResult<Self> {
        let table = Table::new(config).map_err(table_error)?;
        logging::created(py, &config);
        Ok(HashTable::holding(table, hash_func, semantics))
    }

    /// A table the user made, around already-built storage.
    pub(crate) fn holding(table: PyTable, hash_func: HashFunc, semantics: KeySemantics) -> Self {
        HashTable {
            cell: BorrowCell::new(TableState {
                table: ManuallyDrop::new(table),
                route: Route::for_table(&hash_func, &semantics),
                hash_func,
                semantics,
                hash_calls: 0,
                announce: true,
            }),
        }
    }
}

impl Drop for HashTable {
    fn drop(&mut self) {
        let state = self.cell.get_mut();
        if state.announce {
            logging::freed(state.table.size(), state.table.len());
        }
        // SAFETY: `drop` runs once and nothing reads `state.table` after it;
        // taking the table out (instead of clearing it in place) means freeing
        // a table allocates nothing.
        let table = unsafe { ManuallyDrop::take(&mut state.table) };
        let keys = state.take_keys_for_release();
        trashcan::release((table.into_storage(), keys));
    }
}

/// Remove the items one at a time, each released after its borrow, so that
/// it needs no memory of its own.
pub(crate) fn pop_all(slf: &Bound<'_, HashTable>) {
    loop {
        let entry = match borrow_mut(slf) {
            Ok(mut this) => this.table.pop_last(),
            Err(_) => None,
        };
        match entry {
            Some(entry) => drop(entry),
            None => break,
        }
    }
}

impl PyGcTraverse for PyTable {
    fn py_gc_traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        let mut cursor = IterCursor::new();
        while let Some(slot) = self.iter_next(&mut cursor) {
            let entry = self.entry(slot);
            entry.key.py_gc_traverse(visit)?;
            entry.value.py_gc_traverse(visit)?;
        }
        Ok(())
    }
}

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

/// (key, value, hash) for every item, each reference owned, taken in one
/// borrow, in table order. The keys as the user gave them; the hash the
/// table was given for the key where its stored hash says so
/// (`CollisionStrategy::original_hash`: not for the two stored hashes that
/// the open-addressing slots also move the values they reserve to).
pub(crate) type Snapshot = Vec<(Py<PyAny>, Py<PyAny>, Option<u64>)>;

pub(crate) fn snapshot(slf: &Bound<'_, HashTable>) -> PyResult<Snapshot> {
    let py = slf.py();
    let this = borrow(slf)?;
    let mut items = Vec::new();
    items
        .try_reserve_exact(this.table.len())
        .map_err(|_| PyMemoryError::new_err("out of memory copying a HashTable's items"))?;
    let mut cursor = IterCursor::new();
    while let Some(slot) = this.table.iter_next(&mut cursor) {
        let entry = this.table.entry(slot);
        let key = this.semantics.shown(entry.key.bind(py)).unbind();
        let hash = this.table.strategy().original_hash(entry.hash);
        items.push((key, entry.value.clone_ref(py), hash));
    }
    Ok(items)
}

/// Release the borrow, run `python` (code that may use the table: a hash
/// function, a key's `__hash__` or `__eq__`, `key=`, `eq=`, an allocation
/// that may run the GC), then borrow the table again. The caller checks the
/// generation where it must know whether the storage changed meanwhile.
#[inline(always)]
pub(crate) fn released<'a, R>(
    slf: &'a Bound<'_, HashTable>,
    this: TableMut<'a>,
    python: impl FnOnce() -> PyResult<R>,
) -> PyResult<(TableMut<'a>, R)> {
    drop(this);
    let result = python()?;
    Ok((borrow_mut(slf)?, result))
}
