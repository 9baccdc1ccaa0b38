//! `hashtable-core`: a hash table engine whose collision strategy, bucket index,
//! growth policy and load limits are all chosen at run time.
//!
//! The engine never hashes and never compares keys on its own initiative. A
//! caller passes each key's 64-bit hash, and either a fallible equality check
//! ([`Table::get`], [`Table::find`], [`Table::insert`], [`Table::remove`]), or
//! a three-way `settle` ([`Table::find_settled`], then [`Table::insert_vacant`]
//! at the miss's vacancy), or, when it must run foreign code between steps,
//! [`Table::find_resumable`] with a [`ProbeCursor`].
//!
//! ```
//! use hashtable_core::{Table, TableConfig};
//!
//! let mut table: Table<u64, &str> = Table::new(TableConfig::default()).unwrap();
//! let same = |k: u64| move |stored: &u64| Ok::<_, ()>(*stored == k);
//! table.insert(42, 42, "answer", same(42)).unwrap();
//! let slot = table.find(42, same(42)).unwrap().unwrap();
//! assert_eq!(table.entry(slot).value, "answer");
//! ```

// Every `unsafe` block states the invariant it relies on.
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod alloc;
pub mod chaining;
pub mod compact;
pub mod config;
pub mod entry;
pub mod hash_functions;
pub mod index;
pub mod linear;
mod open_slots;
pub mod picture;
pub mod probe;
pub mod quadratic;
pub mod robin_hood;

pub mod stats;
pub mod strategy;
pub mod swiss;
pub mod table;
#[cfg(test)]
mod test_support;
pub mod trace;

pub use alloc::AllocError;
pub use config::{ConfigError, TableConfig, MAX_GROWTH, MAX_SIZE, MIN_MAX_LOAD};
pub use entry::{unreserved_hash, Entry, SlotId};
pub use hash_functions::{
    CanonicalKey, KeySource, NamedHash, UnknownHashName, ABOUT as HASH_FUNCTION_ABOUT, NAMES as HASH_FUNCTION_NAMES,
};
pub use index::BucketIndex;
pub use picture::write_picture;
pub use probe::{IterCursor, ProbeCursor};
pub use stats::TableStats;
pub use strategy::{
    AnyStrategy, BucketView, CollisionStrategy, ExpectedProbes, FoundEntry, Introspect, Lookup, ProbeShape, Settled,
    StrategyKind, Structure, Vacancy, Verdict,
};
pub use table::{Counted, Counters, Counting, InsertError, Resize, Table, TableError, Uncounted, MAX_BUCKETS};
pub use trace::{Event, Observer, Quiet, Recorder, Saw, Traced};
