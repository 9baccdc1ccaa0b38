//! keys(), values() and items() return live views. The view classes are
//! written in Python (`hashtable._views`) on top of `collections.abc`, which
//! gives the keys and items views their set operations; the package hands
//! them to this module once at import.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use crate::state::HashTable;

static VIEW_TYPES: PyOnceLock<[Py<PyType>; 3]> = PyOnceLock::new();

#[derive(Clone, Copy)]
pub(crate) enum ViewKind {
    Keys = 0,
    Values = 1,
    Items = 2,
}

pub(crate) fn make<'py>(slf: &Bound<'py, HashTable>, kind: ViewKind) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    let types = VIEW_TYPES.get(py).ok_or_else(|| {
        PyRuntimeError::new_err("hashtable views are not installed: import hashtable, not hashtable._hashtable")
    })?;
    types[kind as usize].bind(py).call1((slf,))
}

/// Called once by `hashtable/__init__.py` with its three view classes.
#[pyfunction]
pub(crate) fn _install_views(
    py: Python<'_>,
    keys: Bound<'_, PyType>,
    values: Bound<'_, PyType>,
    items: Bound<'_, PyType>,
) -> PyResult<()> {
    let _ = VIEW_TYPES.set(py, [keys.unbind(), values.unbind(), items.unbind()]);
    Ok(())
}
