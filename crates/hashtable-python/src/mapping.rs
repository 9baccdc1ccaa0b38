//! The mapping operations, each as: hash (user code, table free), find (short
//! borrows), act under the final borrow, release, then drop what was removed
//! (`commit::finish`).
//!
//! Dropping a key or value can run its `__del__`, which may touch this table,
//! so everything removed is moved out of the borrow and released after it.

use hashtable_core::{Entry, SlotId, Vacancy};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use crate::commit::{finish, store, Place};
use crate::errors::{memory_error, missing_key};
use crate::lookup::{find, find_from, find_with, hashes_without_python, scalar_hash, CustomEquality};
use crate::route::Route;
use crate::state::{borrow_mut, released, snapshot, HashTable, TableMut};

/// Hash `key` once with the table's hash function and find it. User code (a
/// Python hash function, a key's `__hash__`, a `key=` transform) runs with
/// the table released; the builtin hash of an exact str, int, float or bytes
/// is pure C and runs inside the one borrow, so the common case borrows once.
/// Returns the table still borrowed, the hash, and the slot holding the key,
/// if any. Inlined: a key's `__hash__` that recurses passes through here.
#[inline(always)]
pub(crate) fn locate<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
) -> PyResult<(TableMut<'a>, u64, Option<SlotId>)> {
    let (this, hash, slot, _) = locate_from(slf, borrow_mut(slf)?, key, false)?;
    Ok((this, hash, slot))
}

/// `locate`, for an operation that may store `key`: also the object a new
/// entry stores (the key itself, or a transform table's `(key, key(key))`,
/// made before the final borrow because making it may run the GC).
fn locate_to_store<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
) -> PyResult<(TableMut<'a>, u64, Option<SlotId>, Bound<'py, PyAny>)> {
    let (this, hash, slot, stored) = locate_from(slf, borrow_mut(slf)?, key, true)?;
    Ok((this, hash, slot, stored.unwrap_or_else(|| key.clone())))
}

/// `locate` with the table already borrowed; `to_store` also makes what a new
/// entry would store, when that is not the key itself.
fn locate_from<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    mut this: TableMut<'a>,
    key: &Bound<'py, PyAny>,
    to_store: bool,
) -> PyResult<Located<'a, 'py>> {
    this.hash_calls += 1;
    let hash = match this.route {
        Route::BuiltinHash if hashes_without_python(key) => scalar_hash(key)?,
        Route::BuiltinHash | Route::PythonHash | Route::NamedHash => {
            let hash;
            (this, hash) = hash_released(slf, this, key)?;
            hash
        }
        Route::Identity | Route::Transform | Route::Custom => return locate_custom(slf, this, key, to_store),
    };
    let (this, slot) = find_from(slf, this, key, hash)?;
    Ok((this, hash, slot, None))
}

/// Hash `key` with the table released (a key's own `__hash__`, or a Python
/// hash function, may use the table again), then borrow it again. Out of
/// line, and so is `locate_custom`: such a recursion passes through
/// `locate_from`'s frame, which must stay small.
#[inline(never)]
fn hash_released<'a>(
    slf: &'a Bound<'_, HashTable>,
    this: TableMut<'a>,
    key: &Bound<'_, PyAny>,
) -> PyResult<(TableMut<'a>, u64)> {
    let hasher = this.hash_func.hasher(slf.py());
    released(slf, this, || {
        crate::recursion::check_stack("while calling a Python object")?;
        hasher.hash(key)
    })
}

/// The table still borrowed, the hash, the slot, and what a new entry would store.
type Located<'a, 'py> = (TableMut<'a>, u64, Option<SlotId>, Option<Bound<'py, PyAny>>);

/// `locate` for a table with `key=` or `eq=`: the transform and the hash
/// function run once, with the table released, then the table's own
/// equality settles the candidates.
#[inline(never)]
fn locate_custom<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    this: TableMut<'a>,
    key: &Bound<'py, PyAny>,
    to_store: bool,
) -> PyResult<Located<'a, 'py>> {
    let py = slf.py();
    let semantics = this.semantics.bind(py);
    let hasher = this.hash_func.hasher(py);
    // The transform, the hash function and the stored form made, all with
    // the table released. Only a transform table stores something other than
    // the key.
    let (this, (lookup, hash, stored)) = released(slf, this, || {
        let lookup = semantics.lookup_form(key)?;
        let hash = hasher.hash(&lookup)?;
        let stored = match semantics.transform {
            Some(_) if to_store => Some(semantics.stored_form(key, &lookup)?),
            _ => None,
        };
        Ok((lookup, hash, stored))
    })?;
    let (this, slot) = find_with(slf, this, &CustomEquality::new(&lookup, &semantics), hash)?;
    Ok((this, hash, slot, stored))
}

pub(crate) fn get<'py>(slf: &Bound<'py, HashTable>, key: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let (this, _, slot) = locate(slf, key)?;
    Ok(slot.map(|slot| this.table.entry(slot).value.bind(slf.py()).clone()))
}

/// `t[k]`: the value, else `type(t).__missing__(t, k)` for a subclass that has one, else KeyError.
pub(crate) fn subscript<'py>(slf: &Bound<'py, HashTable>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    match get(slf, key)? {
        Some(value) => Ok(value),
        None => missing(slf, key),
    }
}

/// `t[k]` for an absent `k`: `type(t).__missing__(t, k)` for a subclass that has one, else KeyError.
pub(crate) fn missing<'py>(slf: &Bound<'py, HashTable>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if !slf.is_exact_instance_of::<HashTable>() {
        if let Some(missing) = special_method(slf.as_any(), pyo3::intern!(slf.py(), "__missing__"))? {
            return missing.call1((key,));
        }
    }
    Err(missing_key(key))
}

pub(crate) fn contains(slf: &Bound<'_, HashTable>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
    let (_this, _, slot) = locate(slf, key)?;
    Ok(slot.is_some())
}

pub(crate) fn set(slf: &Bound<'_, HashTable>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let (this, hash, slot, stored) = locate_to_store(slf, key)?;
    store_found(this, slot, &stored, value, hash)
}

/// `t.getitem(k)`: `(stored key, value)`, or None when `k` is absent.
pub(crate) fn get_item_pair<'py>(
    slf: &Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let py = slf.py();
    let (this, _, slot) = locate(slf, key)?;
    let Some(slot) = slot else { return Ok(None) };
    let entry = this.table.entry(slot);
    let pair = (this.semantics.shown(entry.key.bind(py)), entry.value.bind(py).clone());
    drop(this);
    Ok(Some(PyTuple::new(py, [pair.0, pair.1])?))
}

/// Insert or update with a hash already computed (copying from a table whose
/// stored keys this one accepts as they are).
pub(crate) fn set_hashed(
    slf: &Bound<'_, HashTable>,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    hash: u64,
) -> PyResult<()> {
    let (this, slot) = find(slf, key, hash)?;
    store_found(this, slot, key, value, hash)
}

/// Store `value` under `key` at the slot a lookup just found (or as a new
/// key), then end the operation.
fn store_found<'a, 'py>(
    mut this: TableMut<'a>,
    slot: Option<SlotId>,
    key: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<()> {
    let place = slot.map_or(Place::Vacant(Vacancy::UNKNOWN), Place::Found);
    let replaced = store(&mut this, place, key, value, hash).map_err(memory_error)?;
    finish(this, replaced);
    Ok(())
}

/// Remove `key`, returning its entry, or None when it is absent.
pub(crate) fn take(
    slf: &Bound<'_, HashTable>,
    key: &Bound<'_, PyAny>,
) -> PyResult<Option<Entry<Py<PyAny>, Py<PyAny>>>> {
    let (mut this, _, slot) = locate(slf, key)?;
    let Some(slot) = slot else { return Ok(None) };
    let entry = this.table.remove_slot(slot);
    finish(this, ());
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
    let (mut this, hash, slot, stored) = locate_to_store(slf, key)?;
    if let Some(slot) = slot {
        return Ok(this.table.entry(slot).value.bind(slf.py()).clone());
    }
    let place = Place::Vacant(Vacancy::UNKNOWN);
    store(&mut this, place, &stored, default, hash).map_err(memory_error)?;
    finish(this, ());
    Ok(default.clone())
}

pub(crate) fn popitem<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyTuple>> {
    let mut this = borrow_mut(slf)?;
    let Some(entry) = this.table.pop_last() else {
        return Err(PyKeyError::new_err("popitem(): HashTable is empty"));
    };
    let py = slf.py();
    let key = this.semantics.shown(entry.key.bind(py));
    finish(this, ());
    let pair = PyTuple::new(py, [key, entry.value.bind(py).clone()]);
    // The stored key (a transform table's pair) and the value, released last.
    drop(entry);
    pair
}

pub(crate) fn clear(slf: &Bound<'_, HashTable>) -> PyResult<()> {
    let mut this = borrow_mut(slf)?;
    let old = this.table.clear().map_err(memory_error)?;
    finish(this, old);
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

pub(crate) fn key_list<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyList>> {
    PyList::new(slf.py(), snapshot(slf)?.into_iter().map(|(key, _, _)| key))
}

/// `value in t.values()`: compare against a snapshot of the values, so a
/// comparison that changes the table cannot make the check fail.
pub(crate) fn values_contain(slf: &Bound<'_, HashTable>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = slf.py();
    for (_, stored, _) in snapshot(slf)? {
        let stored = stored.bind(py);
        if stored.is(value) || stored.eq(value)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `item in t.items()`: as dict's view, False for anything but a 2-tuple;
/// otherwise one lookup of the key and one comparison of the values.
pub(crate) fn items_contain(slf: &Bound<'_, HashTable>, item: &Bound<'_, PyAny>) -> PyResult<bool> {
    let Ok(pair) = item.cast::<PyTuple>() else {
        return Ok(false);
    };
    if pair.len() != 2 {
        return Ok(false);
    }
    let wanted = pair.get_item(1)?;
    match get(slf, &pair.get_item(0)?)? {
        Some(found) => Ok(found.is(&wanted) || found.eq(&wanted)?),
        None => Ok(false),
    }
}

/// `type(obj).<name>` bound to `obj`, as CPython looks up special methods:
/// on the type, never the instance.
pub(crate) fn special_method<'py>(
    obj: &Bound<'py, PyAny>,
    name: &Bound<'py, PyString>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = obj.py();
    let cls = obj.get_type();
    for base in cls.mro().iter() {
        let namespace = base.getattr(pyo3::intern!(py, "__dict__"))?;
        let Some(descriptor) = namespace.get_item(name).ok() else {
            continue;
        };
        let descriptor_type = descriptor.get_type();
        if descriptor_type.hasattr(pyo3::intern!(py, "__get__"))? {
            let bound = descriptor_type
                .getattr(pyo3::intern!(py, "__get__"))?
                .call1((&descriptor, obj, &cls))?;
            return Ok(Some(bound));
        }
        return Ok(Some(descriptor));
    }
    Ok(None)
}
