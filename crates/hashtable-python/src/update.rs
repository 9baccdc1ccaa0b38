//! `update` and the constructor's data: every kind of source dict accepts,
//! and the loading of many pairs at once from an exact list or tuple of
//! pairs or an exact dict.
//!
//! One pair at a time through `mapping::set` costs two borrows, a
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

use hashtable_core::Settled;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::commit::{finish, store, Place, ResizeLog};
use crate::cpython::DictShape;
use crate::errors::{memory_error, type_name};
use crate::lookup::{builtin_scalar_hash, probe_scalar};
use crate::mapping::{set, set_hashed};
use crate::route::Route;
use crate::state::{borrow, borrow_mut, snapshot, HashTable, TableMut};

/// Where the pairs come from, read by position.
enum PairSource<'s, 'py> {
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
fn load<'py>(
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
    let fast = this.route == Route::BuiltinHash;
    let mut replaced: Vec<Bound<'py, PyAny>> = Vec::new();
    let mut resizes = ResizeLog::default();
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
            Ok(Some(Some(old))) => replaced.push(old.into_bound(py)),
            Ok(Some(None)) => resizes.note(&mut this),
            Ok(None) => break Ok(Next::Pair(key, value)),
            Err(err) => break Err(err),
        }
        *index += 1;
    };
    drop(this);
    drop(replaced);
    resizes.write();
    outcome
}

/// Store one pair under the held borrow, if no Python code is needed: the
/// replaced value, if any; None when the key is not a builtin scalar or a
/// candidate needs Python's `==` (nothing has changed then).
#[inline]
fn store_pair(
    this: &mut TableMut<'_>,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<Option<Option<Py<PyAny>>>> {
    let Some(hash) = builtin_scalar_hash(key) else {
        return Ok(None);
    };
    let hash = hash?;
    let place = match probe_scalar(this, key, hash)? {
        Settled::Found(slot, _) => Place::Found(slot),
        Settled::Absent(vacancy) => Place::Vacant(vacancy),
        Settled::Undecided => return Ok(None),
    };
    this.hash_calls += 1;
    let replaced = store(this, place, key, value, hash).map_err(memory_error)?;
    Ok(Some(replaced))
}

/// `update`'s positional argument, in dict's order of preference: an exact
/// HashTable or dict read directly; any other object with `keys()` (a
/// subclass included, so its own `keys` and `__getitem__` are honoured) as a
/// mapping; anything else as an iterable of pairs.
pub(crate) fn update_from(slf: &Bound<'_, HashTable>, other: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = slf.py();
    if other.is(slf) {
        // Every key would be looked up and stored again unchanged: as in dict, a no-op.
        return Ok(());
    }
    if other.is_exact_instance_of::<HashTable>() {
        let source = other.cast::<HashTable>()?;
        // Decided once: a table's hashing is fixed for its life (`TableState`).
        let (same_hashing, generation) = {
            let (theirs, ours) = (borrow(source)?, borrow(slf)?);
            let same =
                theirs.hash_func.same_as(&ours.hash_func) && ours.semantics.accepts_stored_keys_of(&theirs.semantics);
            (same, theirs.table.generation())
        };
        let items = snapshot(source)?;
        reserve_for(slf, items.len())?;
        for (key, value, hash) in items {
            match hash {
                Some(hash) if same_hashing => set_hashed(slf, key.bind(py), value.bind(py), hash)?,
                _ => set(slf, key.bind(py), value.bind(py))?,
            }
            // As dict's merge: a source changed by a key's `__eq__` or
            // `__hash__` meanwhile is an error, not a stale snapshot finished.
            if borrow(source)?.table.generation() != generation {
                return Err(PyRuntimeError::new_err("HashTable mutated during update"));
            }
        }
        return Ok(());
    }
    if other.is_exact_instance_of::<PyDict>() {
        return update_from_dict(slf, other.cast::<PyDict>()?);
    }
    if other.hasattr(pyo3::intern!(py, "keys"))? {
        // As PyMapping_Keys: the keys first, as a list, then each value.
        let keys = PyList::new(
            py,
            other
                .call_method0(pyo3::intern!(py, "keys"))?
                .try_iter()?
                .collect::<PyResult<Vec<_>>>()?,
        )?;
        for key in keys.iter() {
            let value = other.get_item(&key)?;
            set(slf, &key, &value)?;
        }
        return Ok(());
    }
    update_from_pairs(slf, other)
}

/// An exact dict, walked in place the way dict's own merge walks it: a source
/// that changes size while a key's `__eq__` or `__hash__` runs is an error.
fn update_from_dict(slf: &Bound<'_, HashTable>, dict: &Bound<'_, PyDict>) -> PyResult<()> {
    reserve_for(slf, dict.len())?;
    let source = PairSource::Dict {
        dict,
        position: 0,
        start: DictShape::of(dict),
    };
    load(slf, source, |key, value| set(slf, key, value), |_, _| Ok(()))
}

fn update_from_pairs(slf: &Bound<'_, HashTable>, other: &Bound<'_, PyAny>) -> PyResult<()> {
    let store = |key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>| set(slf, key, value);
    let store_other = |position: usize, item: &Bound<'_, PyAny>| store_item(slf, position, item);
    if let Ok(list) = other.cast_exact::<PyList>() {
        reserve_for(slf, list.len())?;
        return load(slf, PairSource::List(list), store, store_other);
    }
    if let Ok(tuple) = other.cast_exact::<PyTuple>() {
        reserve_for(slf, tuple.len())?;
        return load(slf, PairSource::Tuple(tuple), store, store_other);
    }
    let items = other
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("'{}' object is not iterable", type_name(other))))?;
    for (position, item) in items.enumerate() {
        let item = item?;
        if let Ok(pair) = item.cast_exact::<PyTuple>() {
            if pair.len() == 2 {
                set(slf, &pair.get_item(0)?, &pair.get_item(1)?)?;
                continue;
            }
        }
        store_item(slf, position, &item)?;
    }
    Ok(())
}

/// Store an item of an update sequence that is not an exact 2-tuple: any
/// iterable of two elements, as dict takes it.
fn store_item(slf: &Bound<'_, HashTable>, position: usize, item: &Bound<'_, PyAny>) -> PyResult<()> {
    let pair: Vec<Bound<'_, PyAny>> = match item.try_iter() {
        Ok(iter) => iter.collect::<PyResult<_>>()?,
        Err(_) => {
            return Err(PyTypeError::new_err(format!(
                "cannot convert HashTable update sequence element #{position} to a sequence"
            )))
        }
    };
    if pair.len() != 2 {
        return Err(PyValueError::new_err(format!(
            "HashTable update sequence element #{position} has length {}; 2 is required",
            pair.len()
        )));
    }
    set(slf, &pair[0], &pair[1])
}

/// `update(**kwargs)`: the names become keys; like dict, only str names.
pub(crate) fn update_from_keywords(slf: &Bound<'_, HashTable>, kwargs: &Bound<'_, PyDict>) -> PyResult<()> {
    let items = kwargs.items();
    for item in items.iter() {
        let pair = item.cast_into::<PyTuple>()?;
        let key = pair.get_item(0)?;
        if !key.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("keywords must be strings"));
        }
        set(slf, &key, &pair.get_item(1)?)?;
    }
    Ok(())
}

/// Grow once, ahead of a bulk load of `additional` distinct keys into an
/// empty table, to the size inserting them one by one would reach. (Into a
/// table with items, some keys may already be there: no guessing.)
fn reserve_for(slf: &Bound<'_, HashTable>, additional: usize) -> PyResult<()> {
    let mut this = borrow_mut(slf)?;
    if !this.table.is_empty() {
        return Ok(());
    }
    this.table.reserve(additional).map_err(memory_error)?;
    finish(this, ());
    Ok(())
}
