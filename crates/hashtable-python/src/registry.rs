//! The names the module publishes, read from the core's registries (the
//! `strategies!` registry of strategies, `BucketIndex::ALL`, the named
//! hashes) and never written here again: `STRATEGIES`, `STRATEGY_INFO`,
//! `INDEXES`, `HASH_FUNCTIONS`, `MAX_SIZE`.

use hashtable_core::{BucketIndex, StrategyKind};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::hashing;

/// Add the constants to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("STRATEGIES", PyTuple::new(py, strategy_names().collect::<Vec<_>>())?)?;
    module.add(
        "INDEXES",
        PyTuple::new(py, BucketIndex::ALL.iter().map(|index| index.name()))?,
    )?;
    module.add("STRATEGY_INFO", strategy_info(py)?)?;
    module.add("HASH_FUNCTIONS", PyTuple::new(py, hashing::names())?)?;
    module.add("MAX_SIZE", hashtable_core::MAX_SIZE)?;
    Ok(())
}

/// `hashtable.STRATEGY_INFO`: what each strategy is, from the core's registry.
pub(crate) fn strategy_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let all = PyDict::new(py);
    for kind in StrategyKind::ALL.iter().copied() {
        let info = kind.info();
        let recommended = PyDict::new(py);
        recommended.set_item("max_load", info.recommended_max_load)?;
        recommended.set_item("growth", info.recommended_growth)?;
        let entry = PyDict::new(py);
        entry.set_item("open_addressing", info.open_addressing)?;
        entry.set_item("insertion_ordered", info.insertion_ordered)?;
        entry.set_item("sizes", info.sizes)?;
        entry.set_item("min_size", kind.usable_size(1, BucketIndex::default()))?;
        entry.set_item("recommended", recommended)?;
        all.set_item(info.name, entry)?;
    }
    Ok(all)
}

pub(crate) fn strategy_names() -> impl Iterator<Item = &'static str> {
    StrategyKind::ALL.iter().map(|kind| kind.name())
}
