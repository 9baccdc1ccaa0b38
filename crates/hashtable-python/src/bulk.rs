//! Loading many pairs at once: `update` and the constructor, from an exact
//! list or tuple of pairs or an exact dict.
//!
//! One pair at a time through `operations::set` costs two borrows, a
//! semantics check and a `Result` per pair. When the table is plain (no
//! `key=`/`eq=`) with the builtin hash, and the pairs are exact 2-tuples (or
//! a dict's items) with builtin scalar keys, no Python code can run while a
//! pair is stored: the hash is C, the comparisons are C, and the table's own
//! allocations are Rust's. So the whole run of such pairs is stored under one
//! borrow, with each pair read in place. Values that are replaced are
//! collected and released after the borrow (their `__del__` may use the
//! table), and each resize is logged after it, in order.
//!
//! Any other pair (a key with its own `__eq__`, a candidate that needs it, a
//! pair that is not an exact 2-tuple) ends the run: it goes through the
//! general path, which may run Python code, and a new run starts after it.
//! A source that changes size while that code runs is caught as dict's
//! update catches it.

use hashtable_core::{Resize, Settled};
use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::hashing::HashFunc;
use crate::logging;
use crate::lookup::{borrow_mut, probe_scalar, scalar_family, scalar_hash, TableMut};
use crate::table::{memory_error, HashTable};

/// Where the pairs come from, read by position.
pub(crate) enum PairSource<'s, 'py> {
    List(&'s Bound<'py, PyList>),
    Tuple(&'s Bound<'py, PyTuple>),
    /// An exact dict, walked with `PyDict_Next`; `start` is how it was at the
    /// start, which it must stay.
    Dict {
        dict: &'s Bound<'py, PyDict>,
        position: ffi::Py_ssize_t,
        start: DictShape,
    },
}

/// What dict's own merge watches in its source to tell that a key's `__eq__`
/// or `__hash__` changed it: its length, and the count of entries ever
/// appended to its keys table (`dk_nentries`), which an insert raises and a
/// clear resets, so a delete followed by an insert is caught at constant
/// length too. CPython 3.11 raises "dict mutated during update" when that
/// count moves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct DictShape {
    len: usize,
    entries: ffi::Py_ssize_t,
}

/// The head of CPython's `PyDictKeysObject` (`Include/internal/pycore_dict.h`),
/// the same from 3.11 to 3.14 in builds with the GIL (the only ones this
/// module supports: it is `gil_used`).
#[repr(C)]
struct DictKeysHead {
    refcnt: ffi::Py_ssize_t,
    log2_size: u8,
    log2_index_bytes: u8,
    kind: u8,
    version: u32,
    usable: ffi::Py_ssize_t,
    entries: ffi::Py_ssize_t,
}

impl DictShape {
    pub(crate) fn of(dict: &Bound<'_, PyDict>) -> DictShape {
        let object = dict.as_ptr().cast::<ffi::PyDictObject>();
        // SAFETY: `dict` is a live dict (an exact one: `PyDict_Check` holds),
        // so its object is a `PyDictObject`, whose `ma_keys` always points at a
        // keys table (a shared empty one when the dict is empty); the GIL is
        // held, so neither changes while they are read. The keys table's head
        // has `DictKeysHead`'s layout in every CPython this module builds for
        // (3.11 and later, with the GIL).
        let entries = unsafe { (*(*object).ma_keys.cast::<DictKeysHead>()).entries };
        DictShape {
            len: dict.len(),
            entries,
        }
    }
}

/// The next pair, as borrowed references: (key, value), or an item that is
/// not an exact 2-tuple (for the general path to judge), or the end.
enum Next<'py> {
    Pair(Bound<'py, PyAny>, Bound<'py, PyAny>),
    Item(Bound<'py, PyAny>),
    End,
}

impl<'py> PairSource<'_, 'py> {
    fn next(&mut self, index: usize) -> PyResult<Next<'py>> {
        let item = match self {
            PairSource::List(list) => match list.get_item(index) {
                Ok(item) => item,
                Err(_) => return Ok(Next::End),
            },
            PairSource::Tuple(tuple) => match tuple.get_item(index) {
                Ok(item) => item,
                Err(_) => return Ok(Next::End),
            },
            PairSource::Dict { dict, position, start } => {
                if DictShape::of(dict) != *start {
                    return Err(PyRuntimeError::new_err("dict mutated during update"));
                }
                let (mut key, mut value) = (std::ptr::null_mut(), std::ptr::null_mut());
                // SAFETY: `dict` is a live dict and the GIL is held. PyDict_Next
                // checks `position` against the dict's current entries, so it
                // stays in bounds even if the dict changed since the last call;
                // the references it hands out are borrowed and owned at once.
                if unsafe { ffi::PyDict_Next(dict.as_ptr(), position, &mut key, &mut value) } == 0 {
                    return Ok(Next::End);
                }
                let py = dict.py();
                // SAFETY: PyDict_Next returned live borrowed references.
                let pair = unsafe { (Bound::from_borrowed_ptr(py, key), Bound::from_borrowed_ptr(py, value)) };
                return Ok(Next::Pair(pair.0, pair.1));
            }
        };
        if let Ok(pair) = item.cast_exact::<PyTuple>() {
            if pair.len() == 2 {
                return Ok(Next::Pair(pair.get_item(0)?, pair.get_item(1)?));
            }
        }
        Ok(Next::Item(item))
    }
}

/// Store every pair of `source`. `general_pair` stores one pair, and
/// `general_item` one item that is not an exact 2-tuple (with its position,
/// for the error message), through the path that may run Python code.
pub(crate) fn load<'py>(
    slf: &Bound<'py, HashTable>,
    mut source: PairSource<'_, 'py>,
    mut general_pair: impl FnMut(&Bound<'_, PyAny>, &Bound<'_, PyAny>) -> PyResult<()>,
    mut general_item: impl FnMut(usize, &Bound<'_, PyAny>) -> PyResult<()>,
) -> PyResult<()> {
    let mut index = 0;
    loop {
        match store_run(slf, &mut source, &mut index)? {
            Next::End => return Ok(()),
            Next::Pair(key, value) => general_pair(&key, &value)?,
            Next::Item(item) => general_item(index, &item)?,
        }
        index += 1;
    }
}

/// Store pairs under one borrow until one needs the general path (returned)
/// or the source ends. `index` is left at the returned item.
fn store_run<'py>(
    slf: &Bound<'py, HashTable>,
    source: &mut PairSource<'_, 'py>,
    index: &mut usize,
) -> PyResult<Next<'py>> {
    let py = slf.py();
    let mut this = borrow_mut(slf)?;
    let fast = this.semantics.is_plain() && matches!(this.hash_func, HashFunc::Builtin);
    let mut replaced: Vec<Bound<'py, PyAny>> = Vec::new();
    let mut resizes: Vec<Resize> = Vec::new();
    let outcome = loop {
        let next = match source.next(*index) {
            Ok(next) => next,
            Err(err) => break Err(err),
        };
        let Next::Pair(key, value) = next else {
            break Ok(next);
        };
        if !fast {
            break Ok(Next::Pair(key, value));
        }
        match store_pair(&mut this, &key, &value) {
            Ok(Some(Stored::Replaced(old))) => replaced.push(old.into_bound(py)),
            Ok(Some(Stored::Inserted)) => {
                if let Some(resize) = this.table.take_resize() {
                    resizes.push(resize);
                }
            }
            Ok(None) => break Ok(Next::Pair(key, value)),
            Err(err) => break Err(err),
        }
        *index += 1;
    };
    drop(this);
    drop(replaced);
    for Resize { from, to } in resizes {
        logging::resized(py, from, to);
    }
    outcome
}

enum Stored {
    Replaced(Py<PyAny>),
    Inserted,
}

/// Store one pair under the held borrow, if no Python code is needed: None
/// when the key is not a builtin scalar or a candidate needs Python's `==`
/// (nothing has changed then).
#[inline]
fn store_pair(this: &mut TableMut<'_>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<Option<Stored>> {
    let Some(family) = scalar_family(key) else {
        return Ok(None);
    };
    let hash = scalar_hash(key)?;
    let found = match probe_scalar(this, key, &family, hash)? {
        Settled::Found(slot, _) => Ok(slot),
        Settled::Absent(vacancy) => Err(vacancy),
        Settled::Undecided => return Ok(None),
    };
    this.hash_calls += 1;
    match found {
        Ok(slot) => Ok(Some(Stored::Replaced(
            this.table.replace_value(slot, value.clone().unbind()),
        ))),
        Err(vacancy) => {
            this.table
                .insert_vacant(hash, key.clone().unbind(), value.clone().unbind(), vacancy)
                .map_err(memory_error)?;
            Ok(Some(Stored::Inserted))
        }
    }
}
