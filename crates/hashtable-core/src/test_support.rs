//! Helpers shared by the strategies' unit tests.

use crate::entry::SlotId;
use crate::probe::ProbeCursor;
use crate::strategy::CollisionStrategy;

/// splitmix64 of `x`: a well-mixed stand-in for a good hash function.
pub(crate) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The next number of a splitmix64 stream.
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix(state.wrapping_sub(0x9E37_79B9_7F4A_7C15))
}

/// The slot holding `key`, found through the strategy's own probe.
pub(crate) fn find<S: CollisionStrategy<u64, u64>>(table: &S, hash: u64, key: u64) -> Option<SlotId> {
    let mut cursor = ProbeCursor::new();
    while let Some(slot) = table.probe_next(hash, &mut cursor) {
        if table.entry(slot).key == key {
            return Some(slot);
        }
    }
    None
}
