//! DEBUG records on the `hashtable` logger when a table is created, resized
//! and freed: the original C table announced "Dealloc-ing" on stdout; here it
//! is silent unless the user turns logging on.

use hashtable_core::TableConfig;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

const DEBUG: i32 = 10;

fn logger(py: Python<'_>) -> Option<&Bound<'_, PyAny>> {
    static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOGGER
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("logging")?
                    .call_method1("getLogger", ("hashtable",))?
                    .unbind(),
            )
        })
        .ok()
        .map(|logger| logger.bind(py))
}

/// Emit `message()` at DEBUG if the logger wants it. Never raises, and keeps
/// any exception already in flight (a table can be freed during unwinding).
fn debug(py: Python<'_>, message: impl FnOnce() -> String) {
    let pending = PyErr::take(py);
    if let Some(logger) = logger(py) {
        let enabled = logger
            .call_method1("isEnabledFor", (DEBUG,))
            .and_then(|on| on.is_truthy())
            .unwrap_or(false);
        if enabled {
            if let Err(err) = logger.call_method1("debug", (message(),)) {
                err.write_unraisable(py, Some(logger));
            }
        }
    }
    if let Some(err) = pending {
        err.restore(py);
    }
}

pub(crate) fn created(py: Python<'_>, config: &TableConfig) {
    debug(py, || {
        format!(
            "created HashTable(size={}, max_load={}, strategy='{}', index='{}')",
            config.initial_buckets(),
            config.max_load,
            config.strategy.name(),
            config.index.name()
        )
    });
}

pub(crate) fn resized(py: Python<'_>, before: usize, after: usize) {
    debug(py, || format!("resized HashTable from {before} to {after} buckets"));
}

pub(crate) fn freed(size: usize, load: usize) {
    Python::attach(|py| debug(py, || format!("Dealloc-ing HashTable (size={size}, load={load})")));
}
