//! `hashtable._hashtable`: the PyO3 binding layer over `hashtable-core`.
//!
//! Python semantics live here: keys and their equality, the hash function
//! contract, errors, GC participation, pickling. The one rule that shapes
//! every file: the table is never borrowed while Python code runs (a key's
//! `__eq__`/`__hash__`, the user's hash function, or a `__del__` reached
//! through a decref), so that code may use the table freely.

// Every `unsafe` block states the invariant it relies on.
#![deny(clippy::undocumented_unsafe_blocks)]

mod bench_support;
mod bulk;
mod capi;
mod cell;
mod display;
mod fast_slots;
mod gc;
mod hashing;
mod iteration;
mod logging;
mod lookup;
mod native_timing;
mod operations;
mod params;
mod persistence;
mod recursion;
mod report;
mod semantics;
mod table;
mod trashcan;
mod views;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

#[pymodule(gil_used = true)]
fn _hashtable(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<table::HashTable>()?;
    fast_slots::install(module.py())?;
    iteration::install(module.py())?;
    module.add_class::<iteration::TableIterator>()?;
    module.add_function(wrap_pyfunction!(views::_install_views, module)?)?;
    native_timing::register(module)?;
    module.add_function(wrap_pyfunction!(bench_support::_time_hash_calls, module)?)?;
    let py = module.py();
    let indexes = hashtable_core::BucketIndex::ALL.iter().map(|index| index.name());
    module.add(
        "STRATEGIES",
        PyTuple::new(py, params::strategy_names().collect::<Vec<_>>())?,
    )?;
    module.add("INDEXES", PyTuple::new(py, indexes)?)?;
    module.add("STRATEGY_INFO", params::strategy_info(py)?)?;
    module.add("HASH_FUNCTIONS", PyTuple::new(py, hashing::names())?)?;
    module.add("MAX_SIZE", hashtable_core::MAX_SIZE)?;
    capi::add_capsule(module)?;
    // Cargo's version, which maturin also writes into the package metadata.
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
