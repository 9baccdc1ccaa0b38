//! The floor under a Python `hash_func`, timed natively for `scripts/bench_python.py`.
//!
//! Whatever a table does, a Python hash function costs at least one call of it
//! with the key and the hashing of the int it returns. `make bench-python`
//! holds a table with `hash_func=f` to at most 3 ns per operation more than
//! that floor (its goals in BENCHMARKS.md). Python code cannot time the floor without wrapping each call in its
//! own loop, which costs as much as the goal's margin, so the loop is here: the
//! same pass over a list of keys, once calling `PyObject_Hash(key)` (what the
//! default table does) and once calling `f(key)` through a bare vectorcall and
//! `PyObject_Hash` on its result. The difference per key is the floor.

use std::time::Instant;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// Nanoseconds for one pass over `keys`: `hash(key)` for each key when
/// `hash_func` is None, else `hash(hash_func(key))`. Errors propagate.
#[pyfunction]
#[pyo3(signature = (keys, hash_func=None))]
pub(crate) fn _time_hash_calls(keys: &Bound<'_, PyList>, hash_func: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    let py = keys.py();
    let started = Instant::now();
    match hash_func {
        None => {
            for key in keys.iter() {
                key.hash()?;
            }
        }
        Some(func) => {
            for key in keys.iter() {
                let args = [key.as_ptr()];
                // SAFETY: `func` and `key` are live objects kept alive by their
                // `Bound`s for the whole call, `args` holds exactly the one
                // argument passed as `nargsf`, and without
                // PY_VECTORCALL_ARGUMENTS_OFFSET the callee never writes to it.
                let result = unsafe { ffi::PyObject_Vectorcall(func.as_ptr(), args.as_ptr(), 1, std::ptr::null_mut()) };
                // SAFETY: a vectorcall returns a new reference, or NULL with an
                // exception set, which is what `from_owned_ptr_or_err` takes.
                let result = unsafe { Bound::from_owned_ptr_or_err(py, result) }?;
                result.hash()?;
            }
        }
    }
    Ok(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX))
}
