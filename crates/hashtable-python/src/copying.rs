//! Copies of a table: `copy()`, `copy.copy`, pickling (`__reduce__`,
//! `__setstate__`) and `t | other`.

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::commit::finish;
use crate::comparison::mapping_abc;
use crate::errors::{memory_error, table_error, type_name};
use crate::hashing::HashFunc;
use crate::semantics::KeySemantics;
use crate::state::{borrow, borrow_mut, HashTable, PyTable};
use crate::{logging, mapping, parameters, update};

/// A copy's own parts: the hash function and the key semantics.
type Keys = (HashFunc, KeySemantics);

/// The parts of a copy: same parameters, same hash function and key
/// semantics (a keyed one keeps its key), same size, and the stored entries
/// reused as they are (hashes and a transform table's pairs), so neither the
/// hash function nor `key=` is called.
fn copy_parts(slf: &Bound<'_, HashTable>) -> PyResult<(PyTable, Keys)> {
    let py = slf.py();
    let this = borrow(slf)?;
    let keys = (this.hash_func.clone_ref(py), this.semantics.clone_ref(py));
    // No Python code runs under the borrow: a copy is an incref, and if
    // memory runs out, the references the partial copy releases are never
    // the last ones (the source holds every key and value too).
    let table = this
        .table
        .copy_with(|entry| (entry.key.clone_ref(py), entry.value.clone_ref(py)))
        .map_err(table_error)?;
    Ok((table, keys))
}

/// `t.copy()`: a plain HashTable, as `dict.copy` gives a plain dict.
pub(crate) fn copy(slf: &Bound<'_, HashTable>) -> PyResult<Py<HashTable>> {
    let py = slf.py();
    let (table, (hash_func, semantics)) = copy_parts(slf)?;
    logging::created(py, table.config());
    Py::new(py, HashTable::holding(table, hash_func, semantics))
}

/// `copy.copy(t)`: the same class, its instance attributes, and the items.
///
/// A table's hash function and key semantics are fixed for its life (see
/// `TableState`), so the copy never puts them into the table the subclass's
/// `__new__` returned. When that table is empty and already hashes and
/// compares keys exactly as this one (the case of a fresh table), the copied
/// storage is swapped in, stored hashes and all, under a new generation. Any
/// other table (a live one a `__new__` handed back) gets the items set one by
/// one through its own hashing, as dict's copy sets each item on whatever
/// `__new__` returned.
pub(crate) fn shallow_copy<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    if slf.is_exact_instance_of::<HashTable>() {
        return Ok(copy(slf)?.into_bound(py).into_any());
    }
    let target = rebuild_function(py)?.call1((slf.get_type(), parameters(slf)?))?;
    let target_table = target.cast::<HashTable>()?;
    let swappable = {
        let (ours, theirs) = (borrow(slf)?, borrow(target_table)?);
        theirs.table.is_empty() && theirs.hashes_like(&ours)
    };
    if swappable {
        let (table, _) = copy_parts(slf)?;
        let previous = {
            let mut this = borrow_mut(target_table)?;
            // A new generation: the target may be a live table (a subclass's
            // `__new__` can return one) with lookups or iterators in flight.
            this.table.replace_with(table)
        };
        // Whatever storage the subclass's constructor had made, released after the borrow.
        drop(previous);
    } else if !target.is(slf) {
        update::update_from(target_table, slf.as_any())?;
    }
    copy_attributes(slf, &target)?;
    Ok(target)
}

fn copy_attributes(source: &Bound<'_, HashTable>, target: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = source.py();
    if let Ok(attributes) = source.getattr(intern!(py, "__dict__")) {
        target
            .getattr(intern!(py, "__dict__"))?
            .call_method1(intern!(py, "update"), (attributes,))?;
    }
    Ok(())
}

/// The keyword parameters that rebuild an empty table like this one.
fn parameters<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyDict>> {
    let py = slf.py();
    let (config, hash_func, key, eq) = {
        let this = borrow(slf)?;
        let key = this.semantics.key_object(py);
        let eq = this.semantics.eq_object(py);
        (*this.table.config(), this.hash_func.clone_ref(py), key, eq)
    };
    // An identity table's address hash is what `eq="identity"` implies.
    let hash_func = match hash_func {
        HashFunc::Builtin | HashFunc::Identity => None,
        other => Some(other.to_object(py)?),
    };
    let params = PyDict::new(py);
    params.set_item("size", config.size)?;
    params.set_item("max_load", config.max_load)?;
    params.set_item("min_load", config.min_load)?;
    params.set_item("growth", config.growth)?;
    params.set_item("strategy", config.strategy.name())?;
    params.set_item("index", config.index.name())?;
    params.set_item("hash_func", hash_func)?;
    params.set_item("key", key)?;
    params.set_item("eq", eq)?;
    Ok(params)
}

/// `(rebuild, (cls, params), state, None, iter(items))`: pickle and
/// copy.deepcopy create the empty table first (so a table that contains
/// itself round-trips), then set the items. The state carries the current
/// size and a subclass's instance attributes.
pub(crate) fn reduce<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let params = parameters(slf)?;
    let state = PyDict::new(py);
    state.set_item("size", borrow(slf)?.table.size())?;
    if let Ok(attributes) = slf.getattr(intern!(py, "__dict__")) {
        state.set_item("attributes", attributes)?;
    }
    let items = mapping::items_list(slf)?.try_iter()?;
    let rebuild = rebuild_function(py)?;
    PyTuple::new(
        py,
        [
            rebuild.clone().into_any(),
            PyTuple::new(py, [slf.get_type().into_any(), params.into_any()])?.into_any(),
            state.into_any(),
            py.None().into_bound(py),
            items.into_any(),
        ],
    )
}

/// Applies `reduce`'s state: restore the size, then the instance attributes.
/// A state can come from anywhere (a crafted pickle), so the size goes
/// through the constructor's own validation.
pub(crate) fn set_state(slf: &Bound<'_, HashTable>, state: &Bound<'_, PyAny>) -> PyResult<()> {
    let state = state
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(format!("HashTable state must be a dict, got {}", type_name(state))))?;
    let size = match state.get_item("size")? {
        Some(size) => Some(parameters::size(&size)?),
        None => None,
    };
    let attributes = match state.get_item("attributes")? {
        Some(attributes) => Some(
            attributes
                .cast_into::<PyDict>()
                .map_err(|_| PyTypeError::new_err("invalid HashTable state: 'attributes' must be a dict"))?
                .items(),
        ),
        None => None,
    };
    if let Some(size) = size {
        let mut this = borrow_mut(slf)?;
        this.table.presize(size).map_err(memory_error)?;
        finish(this, ());
    }
    // A list copy: setting an attribute can run a subclass's code.
    for item in attributes.iter().flat_map(|items| items.iter()) {
        let pair = item.cast_into::<PyTuple>()?;
        let name = pair.get_item(0)?;
        let name = name
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err("invalid HashTable state: attribute names must be str"))?;
        slf.setattr(name, pair.get_item(1)?)?;
    }
    Ok(())
}

/// `t | other` and `other | t`: a new table with this one's parameters and
/// hash function, holding `first`'s items updated by `second`'s.
pub(crate) fn union(
    slf: &Bound<'_, HashTable>,
    first: &Bound<'_, PyAny>,
    second: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    if !first.is_instance(mapping_abc(py)?)? || !second.is_instance(mapping_abc(py)?)? {
        return Ok(py.NotImplemented());
    }
    let (config, hash_func, semantics) = {
        let this = borrow(slf)?;
        (
            *this.table.config(),
            this.hash_func.clone_ref(py),
            this.semantics.clone_ref(py),
        )
    };
    let result = Bound::new(py, HashTable::empty(py, config, hash_func, semantics)?)?;
    update::update_from(&result, first)?;
    update::update_from(&result, second)?;
    Ok(result.into_any().unbind())
}

fn rebuild_function(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static REBUILD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    REBUILD
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("hashtable")?.getattr("_rebuild")?.unbind())
        })
        .map(|f| f.bind(py))
}
