//! Iterators over a table, in the strategy's own order.
//!
//! An iterator remembers the table's generation when it started. Any insert of
//! a new key, removal, resize or clear changes the generation, and the next
//! step raises RuntimeError, including a delete followed by a re-add that
//! leaves the length unchanged. Replacing a value in place is allowed, as in dict.

use std::ptr;

use hashtable_core::{IterCursor, SlotId};
use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use pyo3::PyTraverseError;

use crate::cell::BorrowCell;
use crate::gc::PyGcTraverse;
use crate::state::{borrow, HashTable};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IterKind {
    Keys,
    Values,
    Items,
}

/// Where an iterator has got to; behind the iterator's own borrow cell.
struct IterState {
    /// None once exhausted, failed, or cleared by the GC.
    table: Option<Py<HashTable>>,
    cursor: IterCursor,
    /// For `reversed()`: the table's slots in its own order, taken from the
    /// back. They stay valid exactly as long as the generation does.
    backwards: Option<Vec<SlotId>>,
    generation: u64,
    remaining: usize,
    /// The last `(key, value)` tuple an items iterator returned. While only
    /// this iterator holds it (its caller dropped it, as `for k, v in ...`
    /// does), the next step refills it instead of allocating, as dict's
    /// items iterator does.
    recycled: Option<Py<PyTuple>>,
}

/// An iterator over a HashTable's keys, values or (key, value) pairs, in the
/// table's order. Any insert of a new key, removal, resize or clear of the table
/// while it runs makes the next step raise RuntimeError.
///
/// `frozen`, with its state in a `BorrowCell` as the table's is, so that a
/// step takes no atomic borrow flag, and `next()` goes straight to
/// `entry_points::iternext` (installed by `entry_points::type_slots`) without PyO3's trampoline.
#[pyclass(module = "hashtable", name = "HashTableIterator", frozen)]
pub struct TableIterator {
    state: BorrowCell<IterState>,
    kind: IterKind,
}

/// What one step found, as new references.
enum Step<'py> {
    Key(Bound<'py, PyAny>),
    Value(Bound<'py, PyAny>),
    Item(Bound<'py, PyAny>, Bound<'py, PyAny>),
}

impl TableIterator {
    pub(crate) fn new(table: &Bound<'_, HashTable>, kind: IterKind) -> PyResult<Self> {
        let this = borrow(table)?;
        Ok(TableIterator {
            state: BorrowCell::new(IterState {
                table: Some(table.clone().unbind()),
                cursor: IterCursor::new(),
                backwards: None,
                generation: this.table.generation(),
                remaining: this.table.len(),
                recycled: None,
            }),
            kind,
        })
    }

    /// The table's own order, backwards, for every strategy.
    pub(crate) fn reversed(table: &Bound<'_, HashTable>, kind: IterKind) -> PyResult<Self> {
        let this = borrow(table)?;
        let mut slots = Vec::new();
        slots
            .try_reserve_exact(this.table.len())
            .map_err(|_| pyo3::exceptions::PyMemoryError::new_err("out of memory for a reversed HashTable iterator"))?;
        let mut cursor = IterCursor::new();
        while let Some(slot) = this.table.iter_next(&mut cursor) {
            slots.push(slot);
        }
        drop(this);
        let mut iterator = TableIterator::new(table, kind)?;
        iterator.state.get_mut().backwards = Some(slots);
        Ok(iterator)
    }

    fn step(
        table: &crate::state::PyTable,
        cursor: &mut IterCursor,
        backwards: &mut Option<Vec<SlotId>>,
    ) -> Option<SlotId> {
        match backwards {
            Some(slots) => slots.pop(),
            None => table.iter_next(cursor),
        }
    }

    /// One step: the next key, value or pair as new references, None at
    /// the end. No Python code runs while either borrow is held, and a
    /// reference released here (the table's, at the end) is released after
    /// both borrows end, as a `Bound`, so this is safe to call from the fast
    /// slot, outside PyO3's trampoline.
    #[inline(always)]
    fn advance<'py>(&self, py: Python<'py>) -> PyResult<Option<Step<'py>>> {
        let mut state = self
            .state
            .try_borrow_mut()
            .map_err(|_| PyRuntimeError::new_err("HashTable iterator is busy: it was re-entered during a step"))?;
        let IterState {
            table,
            cursor,
            backwards,
            generation,
            remaining,
            ..
        } = &mut *state;
        let Some(held) = table.as_ref() else {
            return Ok(None);
        };
        let found = {
            let this = borrow(held.bind(py))?;
            if this.table.generation() != *generation {
                Err(())
            } else {
                Ok(Self::step(&this.table, cursor, backwards).map(|slot| {
                    let entry = this.table.entry(slot);
                    match self.kind {
                        IterKind::Keys => Step::Key(this.semantics.shown(entry.key.bind(py))),
                        IterKind::Values => Step::Value(entry.value.bind(py).clone()),
                        IterKind::Items => {
                            Step::Item(this.semantics.shown(entry.key.bind(py)), entry.value.bind(py).clone())
                        }
                    }
                }))
            }
        };
        match found {
            Ok(Some(step)) => {
                *remaining = remaining.saturating_sub(1);
                Ok(Some(step))
            }
            ended => {
                let released = table.take().map(|table| table.into_bound(py));
                drop(state);
                drop(released);
                match ended {
                    Err(()) => Err(PyRuntimeError::new_err("HashTable changed during iteration")),
                    Ok(_) => Ok(None),
                }
            }
        }
    }
}

impl Step<'_> {
    fn into_object(self) -> PyResult<Py<PyAny>> {
        Ok(match self {
            Step::Key(key) => key.unbind(),
            Step::Value(value) => value.unbind(),
            Step::Item(key, value) => PyTuple::new(key.py(), [key, value])?.into_any().unbind(),
        })
    }
}

impl TableIterator {
    /// One step as a new reference, or NULL at the end with no exception
    /// set: what `tp_iternext` returns (`entry_points::iternext`).
    #[inline]
    pub(crate) fn next_object(&self, py: Python<'_>) -> PyResult<*mut ffi::PyObject> {
        match self.advance(py)? {
            Some(Step::Key(object) | Step::Value(object)) => Ok(object.into_ptr()),
            Some(Step::Item(key, value)) => self.item_tuple(py, key, value),
            None => Ok(ptr::null_mut()),
        }
    }
}

impl TableIterator {
    /// `(key, value)`, taking over both references: the recycled tuple if
    /// nothing else holds it, else a new one, kept for the next step.
    fn item_tuple(
        &self,
        py: Python<'_>,
        key: Bound<'_, PyAny>,
        value: Bound<'_, PyAny>,
    ) -> PyResult<*mut ffi::PyObject> {
        let refilled = match self.state.try_borrow() {
            Ok(state) => state
                .recycled
                .as_ref()
                .and_then(|tuple| refill(py, tuple, &key, &value)),
            Err(_) => None,
        };
        if let Some((tuple, old_key, old_value)) = refilled {
            drop((key, value));
            // After every borrow: releasing the old items may run `__del__`.
            drop((old_key, old_value));
            return Ok(tuple);
        }
        let tuple = new_pair(py, key, value)?;
        if let Ok(mut state) = self.state.try_borrow_mut() {
            // SAFETY: `tuple` is a live tuple; the new strong reference is
            // the iterator's own, released with the state.
            let kept = unsafe { Bound::from_borrowed_ptr(py, tuple).cast_into_unchecked::<PyTuple>() };
            let previous = state.recycled.replace(kept.unbind());
            drop(state);
            drop(previous.map(|old| old.into_bound(py)));
        }
        Ok(tuple)
    }
}

/// Refill `tuple` with `key` and `value` if this iterator holds the only
/// reference to it: the tuple, with a new reference for the caller, and the
/// items it held, for the caller to release once no borrow is held.
#[inline]
fn refill<'py>(
    py: Python<'py>,
    tuple: &Py<PyTuple>,
    key: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
) -> Option<(*mut ffi::PyObject, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let raw = tuple.as_ptr();
    // SAFETY: the GIL is held and `raw` is a live 2-tuple this iterator owns
    // a reference to. With a reference count of 1 nobody else can see it,
    // so replacing its items is unobservable: each old item's reference is
    // taken over by a `Bound` (released by the caller later), and each slot
    // gets a new reference of its own. As in dict's items iterator, a tuple
    // the GC untracked (its items were all atomic) is tracked again, since
    // the new items may not be.
    unsafe {
        if ffi::Py_REFCNT(raw) != 1 {
            return None;
        }
        let old_key = Bound::from_owned_ptr(py, ffi::PyTuple_GET_ITEM(raw, 0));
        let old_value = Bound::from_owned_ptr(py, ffi::PyTuple_GET_ITEM(raw, 1));
        ffi::PyTuple_SET_ITEM(raw, 0, key.clone().into_ptr());
        ffi::PyTuple_SET_ITEM(raw, 1, value.clone().into_ptr());
        if ffi::PyObject_GC_IsTracked(raw) == 0 {
            ffi::PyObject_GC_Track(raw.cast());
        }
        ffi::Py_INCREF(raw);
        Some((raw, old_key, old_value))
    }
}

/// `(key, value)` as a new tuple that takes over both references. Built
/// after every borrow has ended: allocating a tuple may run the GC.
#[inline]
fn new_pair(py: Python<'_>, key: Bound<'_, PyAny>, value: Bound<'_, PyAny>) -> PyResult<*mut ffi::PyObject> {
    // SAFETY: the GIL is held. PyTuple_New(2) returns a new tuple with both
    // items NULL, or NULL with an exception set; PyTuple_SET_ITEM steals the
    // references `into_ptr` hands over, filling each item exactly once.
    unsafe {
        let tuple = ffi::PyTuple_New(2);
        if tuple.is_null() {
            return Err(PyErr::fetch(py));
        }
        ffi::PyTuple_SET_ITEM(tuple, 0, key.into_ptr());
        ffi::PyTuple_SET_ITEM(tuple, 1, value.into_ptr());
        Ok(tuple)
    }
}

#[pymethods]
impl TableIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.advance(py)?.map(Step::into_object).transpose()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let mut remaining = Vec::new();
        {
            let state = self
                .state
                .try_borrow()
                .map_err(|_| PyRuntimeError::new_err("HashTable iterator is busy: it was re-entered during a step"))?;
            if let Some(table) = state.table.as_ref() {
                let this = borrow(table.bind(py))?;
                if this.table.generation() != state.generation {
                    return Err(PyRuntimeError::new_err("HashTable changed during iteration"));
                }
                let mut cursor = state.cursor;
                let mut backwards = state.backwards.clone();
                while let Some(slot) = Self::step(&this.table, &mut cursor, &mut backwards) {
                    let entry = this.table.entry(slot);
                    remaining.push(match self.kind {
                        IterKind::Keys => Step::Key(this.semantics.shown(entry.key.bind(py))),
                        IterKind::Values => Step::Value(entry.value.bind(py).clone()),
                        IterKind::Items => {
                            Step::Item(this.semantics.shown(entry.key.bind(py)), entry.value.bind(py).clone())
                        }
                    });
                }
            }
        }
        let items = remaining
            .into_iter()
            .map(Step::into_object)
            .collect::<PyResult<Vec<_>>>()?;
        let builtin_iter = py.import("builtins")?.getattr("iter")?;
        PyTuple::new(
            py,
            [builtin_iter, PyTuple::new(py, [PyList::new(py, items)?])?.into_any()],
        )
    }

    fn __length_hint__(&self) -> usize {
        match self.state.peek() {
            Some(state) if state.table.is_some() => state.remaining,
            _ => 0,
        }
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        match self.state.peek() {
            Some(state) => {
                state.table.py_gc_traverse(&visit)?;
                state.recycled.py_gc_traverse(&visit)
            }
            None => Ok(()),
        }
    }

    fn __clear__(&self) {
        let released = self
            .state
            .try_borrow_mut()
            .ok()
            .map(|mut state| (state.table.take(), state.recycled.take()));
        drop(released);
    }
}
