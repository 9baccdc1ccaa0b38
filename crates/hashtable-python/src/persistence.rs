//! Building tables from other data, copying, pickling and comparing.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::hashing::HashFunc;
use crate::lookup::borrow;
use crate::operations::{self, snapshot};
use crate::table::HashTable;

/// Fill a table that no Python code can see yet (inside `__new__`), so no
/// borrow discipline is needed: user code cannot reach it.
pub(crate) fn load_unshared(py: Python<'_>, this: &mut HashTable, data: &Bound<'_, PyAny>) -> PyResult<()> {
    let staging = Bound::new(
        py,
        HashTable::unannounced(*this.table.config(), this.hash_func.clone_ref(py))?,
    )?;
    operations::update_from(&staging, data)?;
    let mut staged = staging.try_borrow_mut()?;
    std::mem::swap(&mut this.table, &mut staged.table);
    this.hash_calls += staged.hash_calls;
    Ok(())
}

/// `t.copy()`: same parameters, same hash function, and the stored hashes are
/// reused, so the hash function is not called.
pub(crate) fn copy(slf: &Bound<'_, HashTable>) -> PyResult<Py<HashTable>> {
    let py = slf.py();
    let (config, hash_func) = {
        let this = borrow(slf)?;
        (*this.table.config(), this.hash_func.clone_ref(py))
    };
    let mut copy = HashTable::empty(py, config, hash_func)?;
    for (key, value, hash) in snapshot(slf)? {
        // Keys of one table are distinct, so each goes straight in.
        copy.table.insert_new(hash, key, value);
    }
    Py::new(py, copy)
}

/// `(rebuild, (cls, params), None, None, iter(items))`: pickle and
/// copy.deepcopy create the empty table first (so a table that contains
/// itself round-trips), then set the items.
pub(crate) fn reduce<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let (config, hash_func) = {
        let this = borrow(slf)?;
        (*this.table.config(), this.hash_func.clone_ref(py))
    };
    let hash_func = match hash_func {
        HashFunc::Builtin => None,
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
    let items = operations::items_list(slf)?.try_iter()?;
    let rebuild = rebuild_function(py)?;
    PyTuple::new(
        py,
        [
            rebuild.clone().into_any(),
            PyTuple::new(py, [slf.get_type().into_any(), params.into_any()])?.into_any(),
            py.None().into_bound(py),
            py.None().into_bound(py),
            items.into_any(),
        ],
    )
}

fn rebuild_function(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static REBUILD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    REBUILD
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("hashtable")?.getattr("_rebuild")?.unbind())
        })
        .map(|f| f.bind(py))
}

/// `t == other` for any mapping: None (NotImplemented) when `other` is not one.
pub(crate) fn equals_mapping(slf: &Bound<'_, HashTable>, other: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
    let py = slf.py();
    if !other.is_instance(mapping_abc(py)?)? {
        return Ok(None);
    }
    if other.len()? != borrow(slf)?.table.len() {
        return Ok(Some(false));
    }
    for (key, value, _) in snapshot(slf)? {
        let theirs = match other.get_item(key.bind(py)) {
            Ok(theirs) => theirs,
            Err(err) if err.is_instance_of::<pyo3::exceptions::PyKeyError>(py) => return Ok(Some(false)),
            Err(err) => return Err(err),
        };
        if !value.bind(py).is(&theirs) && !value.bind(py).eq(&theirs)? {
            return Ok(Some(false));
        }
    }
    Ok(Some(true))
}

fn mapping_abc(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static MAPPING: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    MAPPING
        .get_or_try_init(py, || {
            let abc = py.import("collections.abc")?.getattr("Mapping")?;
            abc.cast_into::<PyType>()
                .map(Bound::unbind)
                .map_err(|_| PyValueError::new_err("collections.abc.Mapping is not a type"))
        })
        .map(|t| t.bind(py))
}
