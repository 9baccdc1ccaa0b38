//! `hashtable._hashtable`: the PyO3 binding layer over `hashtable-core`.
//!
//! Python semantics live here: keys and their equality, the hash function
//! contract, errors, GC participation, pickling. The one rule that shapes
//! every file: the table is never borrowed while Python code runs (a key's
//! `__eq__`/`__hash__`, the user's hash function, or a `__del__` reached
//! through a decref), so that code may use the table freely.
//!
//! The floors, from the ground up (each file imports only from below it;
//! ARCHITECTURE.md draws them):
//! 1. `cell`, `cpython`, `errors`, `gc`, `recursion`, `logging`, `trashcan`;
//! 2. `hashing`, `semantics`, `parameters`, `registry`; then `route`;
//! 3. `state` (the table, its borrow), then `commit` (how a mutation ends);
//! 4. `lookup`, then `mapping`, `update`, `copying`, `comparison`,
//!    `iteration`, `views`, `display`, `stats_dict`;
//! 5. `entry_points/` (what CPython calls directly), `facade` (the
//!    `#[pymethods]`), `lab/` (the lab's private timing functions).

// Every `unsafe` block states the invariant it relies on.
#![deny(clippy::undocumented_unsafe_blocks)]

mod cell;
mod commit;
mod comparison;
mod copying;
mod cpython;
mod display;
mod entry_points;
mod errors;
mod facade;
mod gc;
mod hashing;
mod iteration;
mod lab;
mod logging;
mod lookup;
mod mapping;
mod parameters;
mod recursion;
mod registry;
mod route;
mod semantics;
mod state;
mod stats_dict;
mod trashcan;
mod update;
mod views;

use pyo3::prelude::*;

#[pymodule(gil_used = true)]
fn _hashtable(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<state::HashTable>()?;
    module.add_class::<iteration::TableIterator>()?;
    entry_points::type_slots::install(module.py())?;
    module.add_function(wrap_pyfunction!(views::_install_views, module)?)?;
    lab::register(module)?;
    registry::register(module)?;
    entry_points::capsule::add_capsule(module)?;
    // Cargo's version, which maturin also writes into the package metadata.
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
