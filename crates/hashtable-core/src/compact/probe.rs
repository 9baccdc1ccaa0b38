//! CPython's probe walk over the index slots, and the loops that follow it at
//! a fixed index width: the search for an `EMPTY` slot or for an entry's own
//! slot, the resumable probe, and the one-pass lookup (CPython's `lookdict`).

use super::indices::{with_indices, IndexWord, Indices, EMPTY};
use super::Compact;
use crate::entry::{Entry, SlotId};
use crate::probe::ProbeCursor;
use crate::strategy::{settle_candidate, Settled, Vacancy, Verdict};
use crate::trace::{Observer, Saw};

const PERTURB_SHIFT: u32 = 5;

/// `ProbeCursor::position` once a probe has ended: past every slot, so a stale
/// cursor from a bigger table also just ends (never indexes out of range).
const FINISHED: usize = usize::MAX;

/// From this step on the walk is the pure `5i + 1` generator: step `k` adds
/// `hash >> 5k`, which is zero for `k >= 13` (and sooner for a 32-bit `usize`).
const PERTURBED_STEPS: usize = 12;

/// Reads after which a probe has seen every slot even without an `EMPTY`:
/// the perturbed steps, then one full period of the generator.
pub(super) fn read_limit(slots: usize) -> u64 {
    (PERTURBED_STEPS + slots) as u64
}

/// CPython's probe recurrence over a table of `mask + 1` slots.
#[derive(Clone, Copy, Debug)]
pub(super) struct Walk {
    pub(super) slot: usize,
    perturb: usize,
    mask: usize,
}

impl Walk {
    pub(super) fn new(home: usize, hash: u64, mask: usize) -> Self {
        Walk {
            slot: home,
            perturb: hash as usize,
            mask,
        }
    }

    #[inline]
    pub(super) fn advance(&mut self) {
        self.perturb >>= PERTURB_SHIFT;
        self.slot = self.slot.wrapping_mul(5).wrapping_add(self.perturb).wrapping_add(1) & self.mask;
    }

    /// Whether this walk (at its start) reaches `slot` before step `step`.
    ///
    /// The walk may come back to a slot: the perturbed steps are arbitrary, and
    /// the generator's period runs through them again. From step
    /// `PERTURBED_STEPS` on, two steps meet only a whole period apart, so
    /// beyond the first steps only `step - slots`, `step - 2·slots`, ... can
    /// match, and in the usual case (`step` within a period) none do.
    pub(super) fn reaches_before(mut self, step: usize, slot: usize) -> bool {
        let slots = self.mask + 1;
        for t in 0..step {
            let generated = t >= PERTURBED_STEPS;
            if generated && step - t < slots {
                return false;
            }
            if self.slot == slot && (!generated || (step - t).is_multiple_of(slots)) {
                return true;
            }
            self.advance();
        }
        false
    }
}

impl<K, V, O: Observer> Compact<K, V, O> {
    #[inline]
    pub(super) fn walk(&self, hash: u64) -> Walk {
        Walk::new(self.home(hash), hash, self.slots() - 1)
    }

    /// The first `EMPTY` index slot along `hash`'s walk.
    pub(super) fn find_empty_slot(&self, hash: u64) -> usize {
        let walk = self.walk(hash);
        with_indices!(&self.indices, slice => first_on_walk(slice, walk, |ix| ix == EMPTY))
            .map(|(slot, _)| slot)
            .expect("compact: no EMPTY index slot although one is always kept")
    }

    /// The index slot holding `position`, and the steps its walk took to get there.
    pub(super) fn locate(&self, position: usize) -> (usize, usize) {
        let walk = self.walk(self.live(position).hash);
        with_indices!(&self.indices, slice => first_on_walk(slice, walk, |ix| ix == position as isize))
            .expect("compact: an entry is not on its own walk")
    }
}

/// The first slot along `walk` whose value satisfies `wanted`, with the steps
/// taken to reach it; `None` once every slot has been seen.
#[inline]
fn first_on_walk<W: IndexWord>(
    indices: &[W],
    mut walk: Walk,
    wanted: impl Fn(isize) -> bool,
) -> Option<(usize, usize)> {
    for steps in 0..read_limit(indices.len()) as usize {
        if wanted(indices[walk.slot].get()) {
            return Some((walk.slot, steps));
        }
        walk.advance();
    }
    None
}

/// The probe loop at a fixed index width. `start` is the walk from the home
/// slot, for telling a candidate already handed out from a new one.
#[inline]
pub(super) fn probe_in<W: IndexWord, K, V>(
    indices: &[W],
    entries: &[Option<Entry<K, V>>],
    hash: u64,
    start: Walk,
    cursor: &mut ProbeCursor,
) -> Option<SlotId> {
    let mask = indices.len() - 1;
    let limit = read_limit(indices.len());
    while cursor.position < indices.len() {
        if cursor.visited >= limit {
            break;
        }
        let slot = cursor.position;
        let ix = indices[slot].get();
        cursor.visited += 1;
        if ix == EMPTY {
            break;
        }
        cursor.step >>= PERTURB_SHIFT;
        cursor.position = slot.wrapping_mul(5).wrapping_add(cursor.step).wrapping_add(1) & mask;
        if ix >= 0 {
            if let Some(entry) = &entries[ix as usize] {
                // This read was step `visited - 1` of the walk; a slot read
                // earlier in this probe was already handed out.
                let step = (cursor.visited - 1) as usize;
                if entry.hash == hash && (step == 0 || !start.reaches_before(step, slot)) {
                    return Some(SlotId(ix as usize));
                }
            }
        }
    }
    cursor.position = FINISHED;
    None
}

/// `find_settled`'s loop at a fixed index width, CPython's `lookdict` loop:
/// per slot one index read, a sign test, and for a position its entry's
/// stored hash; no step bound, since an `EMPTY` index slot is always kept
/// and the walk reaches every slot. A miss ends at the `EMPTY` slot where
/// an insert of its key writes its position. The visits are the steps
/// taken, added once. The index slot read last comes back too: a found
/// entry's, which a removal marks `DUMMY` without walking again.
#[inline(always)]
pub(super) fn settle_in<'a, W: IndexWord, K, V, E, O: Observer>(
    indices: &[W],
    entries: &'a [Option<Entry<K, V>>],
    hash: u64,
    start: Walk,
    visited: &mut u64,
    mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    observer: &O,
) -> (Result<Settled<'a, K, V>, E>, usize) {
    let mut walk = start;
    let mut step = 0usize;
    let found = loop {
        let read = walk.slot;
        debug_assert!(read < indices.len());
        // SAFETY: `walk.slot` is masked with `indices.len() - 1` (a power of two).
        let ix = unsafe { indices.get_unchecked(read) }.get();
        if ix >= 0 {
            let position = ix as usize;
            debug_assert!(matches!(entries.get(position), Some(Some(_))));
            // SAFETY: a position in an index slot names a live entry: an
            // insert writes the position with the entry it pushes, and a
            // removal writes `DUMMY` over it before it takes the entry out
            // (`raw.rs`); a rebuild writes both afresh. Checked, the bound
            // and the hole cost a hit 4 of its 70 instructions
            // (`callgrind_core.py --table compact`).
            let entry = unsafe { entries.get_unchecked(position).as_ref().unwrap_unchecked() };
            // A slot the walk already read is a candidate already settled.
            if entry.hash == hash && (step == 0 || !start.reaches_before(step, read)) {
                if let Some(end) = settle_candidate(SlotId(position), entry, &mut settle) {
                    observer.visit(read, Saw::KeyEqual);
                    break end;
                }
                observer.visit(read, Saw::KeyDiffers);
            } else {
                let saw = if entry.hash == hash {
                    Saw::KeyDiffers
                } else {
                    Saw::HashMismatch
                };
                observer.visit(read, saw);
            }
        } else if ix == EMPTY {
            observer.visit(read, Saw::Empty);
            break Ok(Settled::Absent(Vacancy(read)));
        } else {
            observer.visit(read, Saw::Tombstone);
        }
        walk.advance();
        step += 1;
    };
    *visited += step as u64 + 1;
    (found, walk.slot)
}
