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

// Every `unsafe` block states the invariant it relies on.
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]

// The allocator: large blocks on transparent huge pages (see alloc.rs).
mod alloc;
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;

// cbindgen lists the functions module by module: setup first,
mod config;
mod errors;
mod handle;
mod keys;
// then the operations on keys (their common call inline in `fast`, the
// general path's lookup in `lookup`),
mod fast;
mod lookup;
mod operations;
// then iteration and the table's shape.
mod iteration;
mod report;
