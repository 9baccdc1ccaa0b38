//! The lab's private native functions (`hashtable.lab` and the benchmark
//! scripts call them; they are not part of the public API): native timing of
//! core tables and hash functions, the floor of a Python hash call, and
//! the engine's trace of a run of operations (`_lab_trace`).

pub(crate) mod bench_support;
pub(crate) mod native_timing;
pub(crate) mod trace;

use pyo3::prelude::*;

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    native_timing::register(module)?;
    module.add_function(wrap_pyfunction!(bench_support::_time_hash_calls, module)?)?;
    module.add_function(wrap_pyfunction!(trace::_lab_trace, module)?)?;
    Ok(())
}
