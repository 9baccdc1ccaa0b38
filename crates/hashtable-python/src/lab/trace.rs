//! `_lab_trace`: the engine's trace of a run of operations, for
//! `hashtable.lab.trace` and the explorer page. The run and its JSON are
//! `hashtable-trace`'s (a crate of its own, so the traced instantiations of
//! the strategies stay out of this crate's code); this only checks the
//! arguments and hands the text over.

use hashtable_trace::{config, trace_json, Op};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Run `ops` (`("set" | "get" | "del", key number)`) on a new traced table of
/// `strategy`, key `n` hashing to `hashes[n]`; the trace as JSON text:
/// `{"size", "start", "steps"}`, and for swiss `tags` and `group_width`.
#[pyfunction]
#[pyo3(signature = (hashes, ops, *, strategy, index, max_load, growth, size))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _lab_trace(
    py: Python<'_>,
    hashes: Vec<u64>,
    ops: Vec<(String, usize)>,
    strategy: &str,
    index: &str,
    max_load: f64,
    growth: f64,
    size: usize,
) -> PyResult<String> {
    let config = config(strategy, index, max_load, growth, size).map_err(PyValueError::new_err)?;
    let ops = ops
        .iter()
        .map(|(op, key)| Op::from_name(op).map(|op| (op, *key)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| PyValueError::new_err("an operation is not \"set\", \"get\" or \"del\""))?;
    py.detach(|| trace_json(&hashes, &ops, config))
        .map_err(PyValueError::new_err)
}
