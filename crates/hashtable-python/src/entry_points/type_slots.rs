//! The one place that writes CPython type slots: the hand-written entry
//! points are put on the types PyO3 made, in front of the slots it
//! generated, once, while the module is initialised.

use pyo3::ffi;
use pyo3::prelude::*;

use crate::entry_points::{iternext, slots};
use crate::iteration::TableIterator;
use crate::state::HashTable;

pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    let table = py.get_type::<HashTable>().as_type_ptr();
    // SAFETY: `table` is the live HashTable heap type, and the GIL is held. A
    // heap type's `tp_as_mapping` and `tp_as_sequence` point into its own
    // PyHeapTypeObject, so writing them changes this type only (subclasses
    // made later inherit them unless they define their own `__getitem__` and
    // the like); the module is being initialised, so no other thread can be
    // reading them.
    unsafe {
        let mapping = (*table).tp_as_mapping;
        let sequence = (*table).tp_as_sequence;
        if !mapping.is_null() && !sequence.is_null() {
            (*mapping).mp_subscript = Some(slots::subscript);
            (*mapping).mp_ass_subscript = Some(slots::assign);
            (*sequence).sq_contains = Some(slots::contains);
            ffi::PyType_Modified(table);
        }
    }
    let iterator = py.get_type::<TableIterator>().as_type_ptr();
    // SAFETY: `iterator` is the live TableIterator heap type, and the GIL is
    // held. `tp_iternext` is a field of the type object itself, so writing it
    // changes this type only; the type cannot be subclassed, and no other
    // thread can be reading it yet.
    unsafe {
        (*iterator).tp_iternext = Some(iternext::iter_next);
        ffi::PyType_Modified(iterator);
    }
    Ok(())
}
