//! `libhashtable`: the `hashtable-core` engine behind a C ABI.
//!
//! A thin layer, like the Python binding: keys are byte strings copied into
//! the table, values are the caller's `void *`, and every strategy, index,
//! growth policy and named hash is the core's. What this crate adds is only
//! what C needs: status codes instead of `Result`, a thread-local error
//! message, no panic across the boundary (`errors::run`), NULL checks, and a
//! refusal (`HT_ERR_BUSY`) when a table's hash callback calls back into it.
//!
//! The header `include/hashtable.h` is generated from this crate by cbindgen
//! (`make c-header`); `tests/header.rs` fails when the committed one is stale.

#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]

// cbindgen lists the functions module by module: setup first,
mod config;
mod errors;
mod handle;
// then the operations on keys,
mod operations;
// then iteration and the table's shape.
mod iteration;
mod report;

pub use config::{ht_config, ht_config_default, ht_hash_fn, ht_hash_names, ht_strategy_names};
pub use errors::{ht_last_error, ht_status};
pub use handle::{ht_free, ht_new, ht_table};
pub use iteration::{ht_iter, ht_iter_free, ht_iter_new, ht_iter_next};
pub use operations::{
    ht_clear, ht_get, ht_get_hashed, ht_hash, ht_len, ht_remove, ht_remove_hashed, ht_set, ht_set_hashed, ht_size,
};
pub use report::{ht_get_stats, ht_picture, ht_stats, ht_string_free};
