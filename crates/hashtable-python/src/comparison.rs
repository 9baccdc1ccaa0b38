//! `t == other` against any mapping, read as dict's own `==` reads a dict.

use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::mapping;
use crate::recursion::RecursionGuard;
use crate::state::{borrow, snapshot, HashTable};

/// `t == other` for any mapping: None (NotImplemented) when `other` is not one.
/// Items are compared as this table sees its keys: a plain table looks its
/// keys up in `other`, as dict does; a table with `key=` or `eq=` looks
/// `other`'s keys up in itself, so `HashTable(key=str.casefold)` with
/// `"Content-Type"` equals `{"content-type": ...}` with the same value.
pub(crate) fn equals_mapping(slf: &Bound<'_, HashTable>, other: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
    let py = slf.py();
    // A dict (a subclass too) is read as dict's own `==` reads it: its
    // stored items, whatever its `__getitem__` or `__missing__` say.
    let dict = other.cast::<PyDict>().ok();
    if dict.is_none() && !other.is_instance(mapping_abc(py)?)? {
        return Ok(None);
    }
    let _guard = RecursionGuard::enter(py, c" in comparison")?;
    let their_len = other.len()?;
    let plain = {
        let this = borrow(slf)?;
        if their_len != this.table.len() {
            return Ok(Some(false));
        }
        this.semantics.is_plain()
    };
    if !plain {
        return custom_equals_mapping(slf, other).map(Some);
    }
    for (key, value, _) in snapshot(slf)? {
        // As `Bound`s, each released by a plain decref, not through PyO3's
        // check of the thread's state that dropping a `Py` makes.
        let (key, value) = (key.into_bound(py), value.into_bound(py));
        let found = match dict {
            // A miss is None, with no KeyError made and caught per key.
            Some(dict) => dict.get_item(&key)?,
            None => match other.get_item(&key) {
                Ok(theirs) => Some(theirs),
                Err(err) if err.is_instance_of::<pyo3::exceptions::PyKeyError>(py) => None,
                Err(err) => return Err(err),
            },
        };
        let Some(theirs) = found else {
            return Ok(Some(false));
        };
        if !value.is(&theirs) && !value.eq(&theirs)? {
            return Ok(Some(false));
        }
    }
    Ok(Some(true))
}

/// Every key of `other` finds an equal value here, and together they find
/// every entry (two keys of `other` that this table sees as one key leave an
/// entry unmatched).
fn custom_equals_mapping(slf: &Bound<'_, HashTable>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = slf.py();
    let mut matched = std::collections::HashSet::new();
    for item in other.call_method0(intern!(py, "items"))?.try_iter()? {
        let item = item?;
        let pair = item.cast::<PyTuple>()?;
        let (key, theirs) = (pair.get_item(0)?, pair.get_item(1)?);
        let Some(ours) = mapping::get_item_pair(slf, &key)? else {
            return Ok(false);
        };
        let (stored, ours) = (ours.get_item(0)?, ours.get_item(1)?);
        if !ours.is(&theirs) && !ours.eq(&theirs)? {
            return Ok(false);
        }
        // The entries' keys are held by the table (or by `stored`) meanwhile.
        matched.insert(stored.as_ptr() as usize);
    }
    Ok(matched.len() == borrow(slf)?.table.len())
}

pub(crate) fn mapping_abc(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
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
