//! Resumable positions for lookups and iteration.
//!
//! The Python layer must not keep the table borrowed while it runs a key's
//! `__eq__`, so a lookup is a loop of short visits: ask for the next candidate
//! after a cursor, release the table, compare, and come back with the same cursor
//! if the table's generation is unchanged. A cursor is therefore plain data, and
//! each strategy decides what its two words mean.

/// Where a probe for one hash has got to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProbeCursor {
    pub(crate) started: bool,
    pub(crate) position: usize,
    pub(crate) step: usize,
    /// Entries or slots this probe has looked at, for the `comparisons` counter.
    pub(crate) visited: u64,
    /// Strategy-specific probe state that does not fit in a word of position
    /// (swiss: the current group's unexamined tag matches and end flags).
    pub(crate) matches: u64,
}

impl ProbeCursor {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn visited(&self) -> u64 {
        self.visited
    }
}

/// Where an iteration over the table has got to (in the strategy's own order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IterCursor {
    pub(crate) position: usize,
    pub(crate) inner: usize,
}

impl IterCursor {
    pub fn new() -> Self {
        Self::default()
    }
}
