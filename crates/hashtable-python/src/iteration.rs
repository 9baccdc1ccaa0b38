//! Iterators over a table, in the strategy's own order.
//!
//! An iterator remembers the table's generation when it started. Any insert of
//! a new key, removal, resize or clear changes the generation, and the next
//! step raises RuntimeError, including a delete followed by a re-add that
//! leaves the length unchanged. Replacing a value in place is allowed, as in dict.

use hashtable_core::IterCursor;
use pyo3::exceptions::PyRuntimeError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::PyTraverseError;

use crate::gc::PyGcTraverse;
use crate::lookup::borrow;
use crate::table::HashTable;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IterKind {
    Keys,
    Values,
    Items,
}

/// An iterator over a HashTable's keys, values or (key, value) pairs, in the
/// table's order. Any insert of a new key, removal, resize or clear of the table
/// while it runs makes the next step raise RuntimeError.
#[pyclass(module = "hashtable", name = "HashTableIterator")]
pub struct TableIterator {
    /// None once exhausted, failed, or cleared by the GC.
    table: Option<Py<HashTable>>,
    cursor: IterCursor,
    generation: u64,
    remaining: usize,
    kind: IterKind,
}

impl TableIterator {
    pub(crate) fn new(table: &Bound<'_, HashTable>, kind: IterKind) -> PyResult<Self> {
        let this = borrow(table)?;
        Ok(TableIterator {
            table: Some(table.clone().unbind()),
            cursor: IterCursor::new(),
            generation: this.table.generation(),
            remaining: this.table.len(),
            kind,
        })
    }
}

#[pymethods]
impl TableIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(slf: &Bound<'_, Self>) -> PyResult<Option<Py<PyAny>>> {
        let py = slf.py();
        let mut iterator = slf.try_borrow_mut()?;
        let Some(table) = iterator.table.as_ref().map(|t| t.clone_ref(py)) else {
            return Ok(None);
        };
        let pair = {
            let this = borrow(table.bind(py))?;
            if this.table.generation() != iterator.generation {
                None
            } else {
                let mut cursor = iterator.cursor;
                let next = this.table.iter_next(&mut cursor).map(|slot| {
                    let entry = this.table.entry(slot);
                    (entry.key.clone_ref(py), entry.value.clone_ref(py))
                });
                iterator.cursor = cursor;
                Some(next)
            }
        };
        let kind = iterator.kind;
        match pair {
            None => {
                let released = iterator.table.take();
                drop(iterator);
                drop(released);
                drop(table);
                Err(PyRuntimeError::new_err("HashTable changed during iteration"))
            }
            Some(None) => {
                let released = iterator.table.take();
                drop(iterator);
                drop(released);
                drop(table);
                Ok(None)
            }
            Some(Some((key, value))) => {
                iterator.remaining = iterator.remaining.saturating_sub(1);
                drop(iterator);
                drop(table);
                Ok(Some(match kind {
                    IterKind::Keys => key,
                    IterKind::Values => value,
                    IterKind::Items => PyTuple::new(py, [key, value])?.into_any().unbind(),
                }))
            }
        }
    }

    fn __length_hint__(&self) -> usize {
        if self.table.is_some() {
            self.remaining
        } else {
            0
        }
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        self.table.py_gc_traverse(&visit)
    }

    fn __clear__(slf: &Bound<'_, Self>) {
        let released = slf.try_borrow_mut().ok().and_then(|mut iterator| iterator.table.take());
        drop(released);
    }
}
