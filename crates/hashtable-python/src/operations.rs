//! The mapping operations, each as: hash (user code, table free), find (short
//! borrows), act under the final borrow, release, then drop what was removed.
//!
//! Dropping a key or value can run its `__del__`, which may touch this table,
//! so everything removed is moved out of the borrow and released after it.

use hashtable_core::{Entry, SlotId};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::hashing::HashFunc;
use crate::logging;
use crate::lookup::{borrow, borrow_mut, find, find_from, hashes_without_python};
use crate::table::HashTable;

/// Hash `key` once with the table's hash function and find it. User code (a
/// Python hash function, a key's `__hash__`) runs with the table released; the
/// builtin hash of an exact str, int, float or bytes is pure C and runs inside
/// the one borrow, so the common case borrows once. Returns the table still
/// borrowed, the hash, and the slot holding the key, if any.
pub(crate) fn locate<'py>(
    slf: &Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
) -> PyResult<(PyRefMut<'py, HashTable>, u64, Option<SlotId>)> {
    let mut this = borrow_mut(slf)?;
    this.hash_calls += 1;
    let hash = if matches!(this.hash_func, HashFunc::Builtin) && hashes_without_python(key) {
        key.hash()? as i64 as u64
    } else {
        let hasher = this.hash_func.hasher(slf.py());
        drop(this);
        let hash = hasher.hash(key)?;
        this = borrow_mut(slf)?;
        hash
    };
    let (this, slot) = find_from(slf, this, key, hash)?;
    Ok((this, hash, slot))
}

pub(crate) fn get<'py>(slf: &Bound<'py, HashTable>, key: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let (this, _, slot) = locate(slf, key)?;
    Ok(slot.map(|slot| this.table.entry(slot).value.bind(slf.py()).clone()))
}

pub(crate) fn contains(slf: &Bound<'_, HashTable>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
    let (_this, _, slot) = locate(slf, key)?;
    Ok(slot.is_some())
}

pub(crate) fn set(slf: &Bound<'_, HashTable>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let (this, hash, slot) = locate(slf, key)?;
    store(slf, this, slot, key, value, hash)
}

/// Insert or update with a hash already computed (copying, loading pairs).
pub(crate) fn set_hashed(
    slf: &Bound<'_, HashTable>,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    hash: u64,
) -> PyResult<()> {
    let (this, slot) = find(slf, key, hash)?;
    store(slf, this, slot, key, value, hash)
}

/// Store `value` under `key` at the slot a lookup just found (or as a new
/// key), then release the borrow, the replaced value, and log any resize.
fn store<'py>(
    slf: &Bound<'py, HashTable>,
    mut this: PyRefMut<'py, HashTable>,
    slot: Option<SlotId>,
    key: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<()> {
    let replaced;
    let resized;
    match slot {
        Some(slot) => {
            replaced = Some(this.table.replace_value(slot, value.clone().unbind()));
            resized = None;
        }
        None => {
            let before = this.table.size();
            this.table
                .insert_new(hash, key.clone().unbind(), value.clone().unbind());
            let after = this.table.size();
            replaced = None;
            resized = (after != before).then_some((before, after));
        }
    }
    drop(this);
    drop(replaced);
    if let Some((before, after)) = resized {
        logging::resized(slf.py(), before, after);
    }
    Ok(())
}

/// Remove `key`, returning its entry, or None when it is absent.
pub(crate) fn take(
    slf: &Bound<'_, HashTable>,
    key: &Bound<'_, PyAny>,
) -> PyResult<Option<Entry<Py<PyAny>, Py<PyAny>>>> {
    let (mut this, _, slot) = locate(slf, key)?;
    let Some(slot) = slot else { return Ok(None) };
    let before = this.table.size();
    let entry = this.table.remove_slot(slot);
    let after = this.table.size();
    drop(this);
    if after != before {
        logging::resized(slf.py(), before, after);
    }
    Ok(Some(entry))
}

pub(crate) fn delete(slf: &Bound<'_, HashTable>, key: &Bound<'_, PyAny>) -> PyResult<()> {
    match take(slf, key)? {
        Some(entry) => {
            drop(entry);
            Ok(())
        }
        None => Err(missing_key(key)),
    }
}

pub(crate) fn setdefault<'py>(
    slf: &Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
    default: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (mut this, hash, slot) = locate(slf, key)?;
    if let Some(slot) = slot {
        return Ok(this.table.entry(slot).value.bind(slf.py()).clone());
    }
    let before = this.table.size();
    this.table
        .insert_new(hash, key.clone().unbind(), default.clone().unbind());
    let after = this.table.size();
    drop(this);
    if after != before {
        logging::resized(slf.py(), before, after);
    }
    Ok(default.clone())
}

pub(crate) fn popitem<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyTuple>> {
    let entry = borrow_mut(slf)?.table.pop_last();
    let Some(entry) = entry else {
        return Err(PyKeyError::new_err("popitem(): HashTable is empty"));
    };
    let py = slf.py();
    PyTuple::new(py, [entry.key.into_bound(py), entry.value.into_bound(py)])
}

pub(crate) fn clear(slf: &Bound<'_, HashTable>) -> PyResult<()> {
    let (drained, before, after) = {
        let mut this = borrow_mut(slf)?;
        let before = this.table.size();
        let drained = this.table.clear();
        (drained, before, this.table.size())
    };
    drop(drained);
    if after != before {
        logging::resized(slf.py(), before, after);
    }
    Ok(())
}

/// Copies of every (key, value) pair, taken in one borrow, in table order.
/// (key, value, stored hash) for every item, each reference owned.
pub(crate) type Snapshot = Vec<(Py<PyAny>, Py<PyAny>, u64)>;

pub(crate) fn snapshot(slf: &Bound<'_, HashTable>) -> PyResult<Snapshot> {
    let py = slf.py();
    let this = borrow(slf)?;
    let mut items = Vec::with_capacity(this.table.len());
    let mut cursor = hashtable_core::IterCursor::new();
    while let Some(slot) = this.table.iter_next(&mut cursor) {
        let entry = this.table.entry(slot);
        items.push((entry.key.clone_ref(py), entry.value.clone_ref(py), entry.hash));
    }
    Ok(items)
}

/// `update`'s positional argument: a mapping, an object with `keys()`, or an
/// iterable of pairs, in that order of preference, as dict does.
pub(crate) fn update_from(slf: &Bound<'_, HashTable>, other: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = slf.py();
    if other.is(slf) {
        // Every key would be looked up and stored again unchanged: as in dict, a no-op.
        return Ok(());
    }
    if let Ok(source) = other.cast::<HashTable>() {
        let same_hashing = borrow(source)?.hash_func.same_as(&borrow(slf)?.hash_func);
        for (key, value, hash) in snapshot(source)? {
            if same_hashing {
                set_hashed(slf, key.bind(py), value.bind(py), hash)?;
            } else {
                set(slf, key.bind(py), value.bind(py))?;
            }
        }
        return Ok(());
    }
    if let Ok(dict) = other.cast::<PyDict>() {
        // A list snapshot: the dict may change under a key's __eq__ or __hash__.
        for item in dict.items().iter() {
            let pair = item.cast_into::<PyTuple>()?;
            set(slf, &pair.get_item(0)?, &pair.get_item(1)?)?;
        }
        return Ok(());
    }
    if other.hasattr(pyo3::intern!(py, "keys"))? {
        let keys = other.call_method0(pyo3::intern!(py, "keys"))?;
        for key in keys.try_iter()? {
            let key = key?;
            let value = other.get_item(&key)?;
            set(slf, &key, &value)?;
        }
        return Ok(());
    }
    let items = other
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("'{}' object is not iterable", type_name(other))))?;
    for (position, item) in items.enumerate() {
        let item = item?;
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
        set(slf, &pair[0], &pair[1])?;
    }
    Ok(())
}

pub(crate) fn items_list<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyList>> {
    let py = slf.py();
    let pairs = snapshot(slf)?
        .into_iter()
        .map(|(key, value, _)| PyTuple::new(py, [key, value]))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, pairs)
}

/// `KeyError(key)`, with the key as the single argument even when it is a tuple.
pub(crate) fn missing_key(key: &Bound<'_, PyAny>) -> PyErr {
    PyKeyError::new_err((key.clone().unbind(),))
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}
