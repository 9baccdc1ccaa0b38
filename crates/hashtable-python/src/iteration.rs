//! Iterators over a table, in the strategy's own order.
//!
//! An iterator remembers the table's generation when it started. Any insert of
//! a new key, removal, resize or clear changes the generation, and the next
//! step raises RuntimeError, including a delete followed by a re-add that
//! leaves the length unchanged. Replacing a value in place is allowed, as in dict.

use hashtable_core::{IterCursor, SlotId};
use pyo3::exceptions::PyRuntimeError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
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
    /// For `reversed()`: the table's slots in its own order, taken from the
    /// back. They stay valid exactly as long as the generation does.
    backwards: Option<Vec<SlotId>>,
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
            backwards: None,
            generation: this.table.generation(),
            remaining: this.table.len(),
            kind,
        })
    }

    /// The table's own order, backwards, for every strategy.
    pub(crate) fn reversed(table: &Bound<'_, HashTable>, kind: IterKind) -> PyResult<Self> {
        let mut iterator = TableIterator::new(table, kind)?;
        let this = borrow(table)?;
        let mut slots = Vec::new();
        slots
            .try_reserve_exact(this.table.len())
            .map_err(|_| pyo3::exceptions::PyMemoryError::new_err("out of memory for a reversed HashTable iterator"))?;
        let mut cursor = IterCursor::new();
        while let Some(slot) = this.table.iter_next(&mut cursor) {
            slots.push(slot);
        }
        iterator.backwards = Some(slots);
        Ok(iterator)
    }

    /// The slot after `cursor` (or the last not yet taken, backwards), moving
    /// the given position only.
    fn step(
        table: &crate::table::PyTable,
        cursor: &mut IterCursor,
        backwards: &mut Option<Vec<SlotId>>,
    ) -> Option<SlotId> {
        match backwards {
            Some(slots) => slots.pop(),
            None => table.iter_next(cursor),
        }
    }

    fn item(&self, py: Python<'_>, key: Py<PyAny>, value: Py<PyAny>) -> PyResult<Py<PyAny>> {
        Ok(match self.kind {
            IterKind::Keys => key,
            IterKind::Values => value,
            IterKind::Items => PyTuple::new(py, [key, value])?.into_any().unbind(),
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
                let next = Self::step(&this.table, &mut cursor, &mut iterator.backwards).map(|slot| {
                    let entry = this.table.entry(slot);
                    (
                        this.semantics.shown(entry.key.bind(py)).unbind(),
                        entry.value.clone_ref(py),
                    )
                });
                iterator.cursor = cursor;
                Some(next)
            }
        };
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
                let item = iterator.item(py, key, value);
                drop(iterator);
                drop(table);
                Ok(Some(item?))
            }
        }
    }

    /// `(iter, (remaining,))`, as dict's iterators pickle: the items not yet
    /// produced, read without moving this iterator.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let iterator = slf.try_borrow()?;
        let mut remaining = Vec::new();
        if let Some(table) = iterator.table.as_ref() {
            let this = borrow(table.bind(py))?;
            if this.table.generation() != iterator.generation {
                return Err(PyRuntimeError::new_err("HashTable changed during iteration"));
            }
            let mut cursor = iterator.cursor;
            let mut backwards = iterator.backwards.clone();
            while let Some(slot) = Self::step(&this.table, &mut cursor, &mut backwards) {
                let entry = this.table.entry(slot);
                remaining.push((
                    this.semantics.shown(entry.key.bind(py)).unbind(),
                    entry.value.clone_ref(py),
                ));
            }
        }
        let items = remaining
            .into_iter()
            .map(|(key, value)| iterator.item(py, key, value))
            .collect::<PyResult<Vec<_>>>()?;
        drop(iterator);
        let builtin_iter = py.import("builtins")?.getattr("iter")?;
        PyTuple::new(
            py,
            [builtin_iter, PyTuple::new(py, [PyList::new(py, items)?])?.into_any()],
        )
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
