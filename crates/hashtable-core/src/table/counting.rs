//! Whether a table counts its lookups' visits, and the counters it keeps.

/// Running totals since the table was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Times the bucket count changed (growth or shrink).
    pub resizes: u64,
    /// Same-size rebuilds that cleared tombstones.
    pub rebuilds: u64,
    /// Entries or slots visited by probes.
    pub comparisons: u64,
}

/// Whether a table counts what its lookups visit ([`Counters::comparisons`]):
/// a type parameter of [`Table`], so that a caller that reports no such
/// count pays nothing for it. Counting is not a per-probe cost alone: the
/// carried count and its store back to the table kept registers and
/// instructions in every lookup (5 to 21 of them a lookup in
/// `scripts/callgrind_core.py`, with linear probing's loop the most).
pub trait Counting: 'static {
    /// Whether lookups add their visits to `comparisons`.
    const ON: bool;
}

/// Lookups add the slots and nodes they visit to [`Counters::comparisons`]:
/// the default, for the Python binding, whose `stats()` reports the count.
pub enum Counted {}

impl Counting for Counted {
    const ON: bool = true;
}

/// Lookups count nothing, and `comparisons` stays 0; resizes and rebuilds
/// are still counted. For callers that report no visit count: the C
/// library and the benchmarks.
pub enum Uncounted {}

impl Counting for Uncounted {
    const ON: bool = false;
}
