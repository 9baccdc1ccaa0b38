//! `t.stats()`: the core's measurements as a plain dict.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::state::{borrow, HashTable};

pub(crate) fn stats<'py>(slf: &Bound<'py, HashTable>) -> PyResult<Bound<'py, PyDict>> {
    let py = slf.py();
    // Measure under the borrow, build Python objects after it: allocating
    // them may run the GC, and the GC may run finalizers that use this table.
    let (stats, hash_calls) = {
        let this = borrow(slf)?;
        (this.table.stats(), this.hash_calls)
    };
    let out = PyDict::new(py);
    out.set_item("size", stats.size)?;
    out.set_item("load", stats.load)?;
    out.set_item("load_factor", stats.load_factor)?;
    out.set_item("max_load", stats.max_load)?;
    out.set_item("min_load", stats.min_load)?;
    out.set_item("growth", stats.growth)?;
    out.set_item("strategy", stats.strategy)?;
    out.set_item("index", stats.index)?;
    out.set_item("resizes", stats.resizes)?;
    out.set_item("rebuilds", stats.rebuilds)?;
    out.set_item("hash_calls", hash_calls)?;
    out.set_item("comparisons", stats.comparisons)?;
    out.set_item("longest_chain", stats.longest_chain)?;
    out.set_item("mean_probe", stats.mean_probe)?;
    out.set_item("empty_buckets", stats.empty_buckets)?;
    out.set_item("tombstones", stats.tombstones)?;
    let histogram = PyDict::new(py);
    for (length, count) in &stats.histogram {
        histogram.set_item(length, count)?;
    }
    out.set_item("histogram", histogram)?;
    out.set_item("chi_squared", stats.chi_squared)?;
    out.set_item("chi_squared_p", stats.chi_squared_p)?;
    out.set_item("expected_probe_hit", stats.expected_probe_hit)?;
    out.set_item("expected_probe_miss", stats.expected_probe_miss)?;
    Ok(out)
}
