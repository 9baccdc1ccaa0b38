//! The mapping operations, each as: hash (user code, table free), find (short
//! borrows), act under the final borrow, release, then drop what was removed.
//!
//! Dropping a key or value can run its `__del__`, which may touch this table,
//! so everything removed is moved out of the borrow and released after it.

use hashtable_core::{Entry, Resize, SlotId};
use pyo3::exceptions::{PyKeyError, PyMemoryError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::bulk::{self, DictShape, PairSource};
use crate::hashing::HashFunc;
use crate::logging;
use crate::lookup::{
    borrow, borrow_mut, find, find_from, find_with, hashes_without_python, scalar_hash, CustomEquality, TableMut,
};
use crate::table::{memory_error, HashTable};

/// Hash `key` once with the table's hash function and find it. User code (a
/// Python hash function, a key's `__hash__`, a `key=` transform) runs with
/// the table released; the builtin hash of an exact str, int, float or bytes
/// is pure C and runs inside the one borrow, so the common case borrows once.
/// Returns the table still borrowed, the hash, and the slot holding the key,
/// if any.
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
    if !this.semantics.is_plain() {
        return locate_custom(slf, this, key, to_store);
    }
    let hash = if matches!(this.hash_func, HashFunc::Builtin) && hashes_without_python(key) {
        scalar_hash(key)?
    } else {
        let hash;
        (this, hash) = hash_released(slf, this, key)?;
        hash
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
    drop(this);
    crate::recursion::check_stack("while calling a Python object")?;
    let hash = hasher.hash(key)?;
    Ok((borrow_mut(slf)?, hash))
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
    drop(this);
    let lookup = semantics.lookup_form(key)?;
    let hash = hasher.hash(&lookup)?;
    // Only a transform table stores something other than the key.
    let stored = if to_store && semantics.transform.is_some() {
        Some(semantics.stored_form(key, &lookup)?)
    } else {
        None
    };
    let (this, slot) = find_with(slf, borrow_mut(slf)?, &CustomEquality::new(&lookup, &semantics), hash)?;
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
    store(slf, this, slot, &stored, value, hash)
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
    store(slf, this, slot, key, value, hash)
}

/// Store `value` under `key` at the slot a lookup just found (or as a new
/// key), then release the borrow, the replaced value, and log any resize.
fn store<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    mut this: TableMut<'a>,
    slot: Option<SlotId>,
    key: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<()> {
    let replaced = match slot {
        Some(slot) => Some(this.table.replace_value(slot, value.clone().unbind())),
        None => {
            this.table
                .insert_new(hash, key.clone().unbind(), value.clone().unbind())
                .map_err(memory_error)?;
            None
        }
    };
    finish(slf, this, replaced);
    Ok(())
}

/// End an operation: take the table's resize report, release the borrow,
/// then drop what the operation removed (its `__del__` may use the table) and
/// log the resize. Every mutating operation ends here, so no resize goes
/// unlogged.
pub(crate) fn finish<T>(slf: &Bound<'_, HashTable>, mut this: TableMut<'_>, released: T) {
    let resize = this.table.take_resize();
    drop(this);
    drop(released);
    if let Some(Resize { from, to }) = resize {
        logging::resized(slf.py(), from, to);
    }
}

/// Remove `key`, returning its entry, or None when it is absent.
pub(crate) fn take(
    slf: &Bound<'_, HashTable>,
    key: &Bound<'_, PyAny>,
) -> PyResult<Option<Entry<Py<PyAny>, Py<PyAny>>>> {
    let (mut this, _, slot) = locate(slf, key)?;
    let Some(slot) = slot else { return Ok(None) };
    let entry = this.table.remove_slot(slot);
    finish(slf, this, ());
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
    this.table
        .insert_new(hash, stored.unbind(), default.clone().unbind())
        .map_err(memory_error)?;
    finish(slf, this, ());
    Ok(default.clone())
}

pub(crate) fn popitem<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyTuple>> {
    let mut this = borrow_mut(slf)?;
    let Some(entry) = this.table.pop_last() else {
        return Err(PyKeyError::new_err("popitem(): HashTable is empty"));
    };
    let py = slf.py();
    let key = this.semantics.shown(entry.key.bind(py));
    finish(slf, this, ());
    let pair = PyTuple::new(py, [key, entry.value.bind(py).clone()]);
    // The stored key (a transform table's pair) and the value, released last.
    drop(entry);
    pair
}

pub(crate) fn clear(slf: &Bound<'_, HashTable>) -> PyResult<()> {
    let mut this = borrow_mut(slf)?;
    let old = this.table.clear().map_err(memory_error)?;
    finish(slf, this, old);
    Ok(())
}

/// (key, value, stored hash) for every item, each reference owned, taken in
/// one borrow, in table order. The keys as the user gave them.
pub(crate) type Snapshot = Vec<(Py<PyAny>, Py<PyAny>, u64)>;

pub(crate) fn snapshot(slf: &Bound<'_, HashTable>) -> PyResult<Snapshot> {
    let py = slf.py();
    let this = borrow(slf)?;
    let mut items = Vec::new();
    items
        .try_reserve_exact(this.table.len())
        .map_err(|_| PyMemoryError::new_err("out of memory copying a HashTable's items"))?;
    let mut cursor = hashtable_core::IterCursor::new();
    while let Some(slot) = this.table.iter_next(&mut cursor) {
        let entry = this.table.entry(slot);
        let key = this.semantics.shown(entry.key.bind(py)).unbind();
        items.push((key, entry.value.clone_ref(py), entry.hash));
    }
    Ok(items)
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
            if same_hashing {
                set_hashed(slf, key.bind(py), value.bind(py), hash)?;
            } else {
                set(slf, key.bind(py), value.bind(py))?;
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
    bulk::load(slf, source, |key, value| set(slf, key, value), |_, _| Ok(()))
}

fn update_from_pairs(slf: &Bound<'_, HashTable>, other: &Bound<'_, PyAny>) -> PyResult<()> {
    let store = |key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>| set(slf, key, value);
    let store_other = |position: usize, item: &Bound<'_, PyAny>| store_item(slf, position, item);
    if let Ok(list) = other.cast_exact::<PyList>() {
        reserve_for(slf, list.len())?;
        return bulk::load(slf, PairSource::List(list), store, store_other);
    }
    if let Ok(tuple) = other.cast_exact::<PyTuple>() {
        reserve_for(slf, tuple.len())?;
        return bulk::load(slf, PairSource::Tuple(tuple), store, store_other);
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
    finish(slf, this, ());
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
