//! The probe sequence over groups: a lookup's candidates (a fresh probe's
//! straight path through its home window, and the general loop a resumed or
//! longer probe takes), and where an insert goes.

use super::group::{is_full, ControlGroup, Group};
use super::{tag, Swiss, GROUP};
use crate::entry::{Entry, SlotId};
use crate::probe::ProbeCursor;
use crate::strategy::{settle_candidate, Settled, Vacancy, Verdict};
use crate::trace::{Observer, Saw};

/// `ProbeCursor::matches`: bits 0..32 are the window's tag matches not yet
/// handed out; the flags say the window was loaded or that the probe is over.
/// Whether the window holds an `EMPTY` is not kept: a resumed probe that has
/// handed out the window's matches reads the window again to decide.
pub(super) const PENDING: u64 = 0xFFFF_FFFF;
pub(super) const LOADED: u64 = 1 << 32;
pub(super) const DONE: u64 = 1 << 33;

impl<K, V, O: Observer> Swiss<K, V, O> {
    /// The first `EMPTY` or `DELETED` slot along `hash`'s probe sequence.
    pub(super) fn find_insert_slot(&self, hash: u64) -> usize {
        let mut position = self.home(hash);
        let mut stride = 0;
        while stride < self.buckets() {
            if let Some(bit) = Group::load(&self.ctrl, position).match_empty_or_deleted().lowest() {
                let slot = (position + bit) & self.mask;
                if is_full(self.ctrl[slot]) {
                    // Only in a table smaller than a group: the match was one of
                    // the EMPTY bytes past the slots (see the module comment).
                    return self.first_free_from_start();
                }
                return slot;
            }
            stride += GROUP;
            position = (position + stride) & self.mask;
        }
        unreachable!("swiss: no free slot although len < buckets")
    }

    /// The first free slot of a table smaller than a group: its window at 0
    /// shows every slot before any of the EMPTY bytes past them.
    pub(super) fn first_free_from_start(&self) -> usize {
        match Group::load(&self.ctrl, 0).match_empty_or_deleted().lowest() {
            Some(slot) if slot < self.buckets() => slot,
            _ => unreachable!("swiss: no free slot although len < buckets"),
        }
    }

    /// Visits a successful lookup of the item in `slot` makes.
    pub(super) fn probe_length(&self, slot: usize) -> u64 {
        // SAFETY: callers pass full slots only.
        let hash = unsafe { self.full_entry(slot) }.hash;
        let mut cursor = ProbeCursor::new();
        while let Some(found) = self.probe(hash, &mut cursor) {
            if found.0 == slot {
                return cursor.visited;
            }
        }
        unreachable!("swiss: item in slot {slot} not on its own probe sequence")
    }

    /// The slot and entry of the lowest tag match in `matches`, taken out of
    /// it: a bit of `match_tag` on the window at `position`, loaded by the
    /// caller just now (a resumed probe, which may hold a stale cursor,
    /// checks the control byte itself instead).
    #[inline(always)]
    fn next_match(&self, position: usize, matches: &mut u32) -> (usize, &Entry<K, V>) {
        let bit = matches.trailing_zeros() as usize;
        *matches &= *matches - 1;
        let slot = (position + bit) & self.mask;
        // SAFETY: `slot <= mask`, and the window was loaded just now, so a tag
        // match is exact: byte `bit` of the window is `ctrl[slot]` (the mirror
        // repeats the head), a 7-bit tag, so the slot is full.
        (slot, unsafe { self.full_entry(slot) })
    }

    /// A whole lookup with no cursor to keep, hashbrown's loop: each window's
    /// tag matches, their stored hashes, then `settle`, until a window with an
    /// `EMPTY` or every window has been seen, or a candidate `settle` cannot
    /// decide. Visits are counted as a probe counts them and added to
    /// `visited` (also when `settle` fails). A miss that ended in its home
    /// window also says where an insert goes, that window's first `EMPTY` or
    /// `DELETED` slot, as hashbrown's `find_or_find_insert_slot` does.
    /// Always inlined: a C library lookup paid a call and its saved registers
    /// (callgrind, `ht_get_hashed`).
    #[inline(always)]
    pub(super) fn find_straight<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E> {
        let tag = tag(hash);
        let mut position = self.home(hash);
        let mut stride = 0;
        let mut visits = 0;
        let found = 'windows: loop {
            let group = self.window(position);
            visits += 1;
            let mut matches = group.match_tag(tag).0;
            self.observer
                .window(&self.ctrl, position & self.mask, self.mask, tag, matches);
            while matches != 0 {
                visits += 1;
                let (slot, entry) = self.next_match(position, &mut matches);
                if entry.hash == hash {
                    // Spelled out, not `settle_candidate`, and a hit counted
                    // and returned here rather than through the loop's one
                    // tail: that tail made the caller's match on the outcome
                    // a jump table (callgrind, the binding's `t[k]`).
                    let end = match settle(&entry.key) {
                        Ok(Verdict::Equal) => {
                            self.observer.visit(slot, Saw::KeyEqual);
                            *visited += visits;
                            return Ok(Settled::Found(SlotId(slot), entry));
                        }
                        Ok(Verdict::Unequal) => {
                            self.observer.visit(slot, Saw::KeyDiffers);
                            continue;
                        }
                        Ok(Verdict::Undecided) => Ok(Settled::Undecided),
                        Err(err) => Err(err),
                    };
                    self.observer.visit(slot, Saw::KeyEqual);
                    break 'windows end;
                } else {
                    self.observer.visit(slot, Saw::HashMismatch);
                }
            }
            stride += GROUP;
            if group.match_empty().any() || stride >= self.buckets() {
                // Where an insert goes, when the miss ended in its home
                // window (most do): that window's first EMPTY or DELETED
                // slot. Past the slots of a table smaller than a group, the
                // bit can name a full slot (see `find_insert_slot`): unknown
                // then, as after more windows.
                let free = group
                    .match_empty_or_deleted()
                    .lowest()
                    .map(|bit| (position + bit) & self.mask);
                let vacancy = match free {
                    // SAFETY: `slot <= mask < ctrl.len()`.
                    Some(slot) if stride == GROUP && !is_full(unsafe { *self.ctrl.get_unchecked(slot) }) => {
                        Vacancy(slot)
                    }
                    _ => Vacancy::UNKNOWN,
                };
                *visited += visits;
                return Ok(Settled::Absent(vacancy));
            }
            position = (position + stride) & self.mask;
        };
        *visited += visits;
        found
    }

    /// [`Swiss::find_straight`] in the home window alone: how the lookup
    /// ends there (a miss, with its vacancy, if the window holds an
    /// `EMPTY`), or None when the window is full and undecided, for the
    /// caller to look again with a whole lookup. For the C library's common
    /// call (`hashtable-c`'s `fast.rs`), whose fast path then makes no call
    /// but the one that ends it, and saves fewer registers (callgrind,
    /// ht_get_hashed hit on 1k keys: 79.1 -> 72.2 instructions). It also
    /// asks for the home slot's entry while the control bytes load
    /// ([`Swiss::prefetch_entry`]). Always inlined.
    #[inline(always)]
    pub fn find_settled_home<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        settle: &mut impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Option<Result<Settled<'_, K, V>, E>> {
        let position = self.home(hash);
        self.prefetch_entry(position);
        let group = self.window(position);
        let tag = tag(hash);
        let mut matches = group.match_tag(tag).0;
        self.observer.window(&self.ctrl, position, self.mask, tag, matches);
        let mut visits = 1;
        let found = 'found: {
            while matches != 0 {
                visits += 1;
                let (slot, entry) = self.next_match(position, &mut matches);
                if entry.hash == hash {
                    if let Some(end) = settle_candidate(SlotId(slot), entry, settle) {
                        self.observer.visit(slot, Saw::KeyEqual);
                        break 'found Some(end);
                    }
                    self.observer.visit(slot, Saw::KeyDiffers);
                } else {
                    self.observer.visit(slot, Saw::HashMismatch);
                }
            }
            if !group.match_empty().any() {
                break 'found None;
            }
            // Where an insert goes: the window's first EMPTY or DELETED slot,
            // as in `find_straight`.
            let free = group
                .match_empty_or_deleted()
                .lowest()
                .map(|bit| (position + bit) & self.mask);
            Some(Ok(Settled::Absent(match free {
                // SAFETY: `slot <= mask < ctrl.len()`.
                Some(slot) if !is_full(unsafe { *self.ctrl.get_unchecked(slot) }) => Vacancy(slot),
                _ => Vacancy::UNKNOWN,
            })))
        };
        *visited += visits;
        found
    }

    /// A probe's next candidate. A fresh cursor takes the straight path: load
    /// the home window, check its tag matches, and write the cursor back only
    /// on the way out (as a local, it stays in registers when inlined). A
    /// resumed cursor, and a probe that needs a second window, go on in
    /// [`Swiss::probe_resume`].
    #[inline]
    pub(super) fn probe(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if cursor.started {
            return self.resume(hash, cursor);
        }
        let tag = tag(hash);
        let position = self.home(hash);
        let group = self.window(position);
        let mut visited = cursor.visited + 1;
        let mut matches = group.match_tag(tag).0;
        while matches != 0 {
            visited += 1;
            let (slot, entry) = self.next_match(position, &mut matches);
            if entry.hash == hash {
                *cursor = ProbeCursor {
                    started: true,
                    position,
                    step: 0,
                    visited,
                    matches: u64::from(matches) | LOADED,
                };
                return Some(SlotId(slot));
            }
        }
        let last = group.match_empty().any();
        *cursor = ProbeCursor {
            started: true,
            position,
            step: 0,
            visited,
            matches: if last { DONE } else { LOADED },
        };
        if last {
            // An EMPTY in the home window: the probe ends with it.
            return None;
        }
        self.resume(hash, cursor)
    }

    /// [`Swiss::probe_resume`] on a copy of the cursor. Only the copy's address
    /// reaches the (out-of-line) call, so a caller that inlines [`Swiss::probe`]
    /// keeps its own cursor in registers.
    #[inline(always)]
    pub(super) fn resume(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        let mut copy = *cursor;
        let found = self.probe_resume(hash, &mut copy);
        *cursor = copy;
        found
    }

    /// [`Swiss::probe`] from a cursor that has started: hand out the rest of
    /// the window's matches, then move on window by window. Out of line: most
    /// probes end in their home window, and the loop's registers would
    /// otherwise be saved and restored on every call of `probe_next`.
    #[inline(never)]
    pub(super) fn probe_resume(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        if cursor.matches & DONE != 0 {
            return None;
        }
        if cursor.position > self.mask {
            // A stale cursor from a bigger table: end rather than index past the end.
            cursor.matches = DONE;
            return None;
        }
        let tag = tag(hash);
        let (mut position, mut step, mut visited, mut matches) =
            (cursor.position, cursor.step, cursor.visited, cursor.matches);
        let found = 'windows: loop {
            if matches & LOADED == 0 {
                visited += 1;
                matches = u64::from(self.window(position).match_tag(tag).0) | LOADED;
            }
            while matches & PENDING != 0 {
                let bit = matches.trailing_zeros() as usize;
                matches &= matches - 1;
                visited += 1;
                let slot = (position + bit) & self.mask;
                // SAFETY: `slot <= mask < ctrl.len()`.
                let byte = unsafe { *self.ctrl.get_unchecked(slot) };
                // Byte `bit` of the window is `ctrl[slot]` (the mirror repeats
                // the head), so this holds unless the cursor is stale: it
                // outlived a change to the table. Checking keeps such misuse
                // from reading an empty slot.
                if byte != tag {
                    continue;
                }
                // SAFETY: `slot <= mask` and `ctrl[slot]` is a 7-bit tag, so the
                // slot is full.
                if unsafe { self.full_entry(slot) }.hash == hash {
                    break 'windows Some(SlotId(slot));
                }
            }
            step += GROUP;
            if self.window(position).match_empty().any() || step >= self.buckets() {
                // An EMPTY ended the probe, or every window has been seen.
                matches = DONE;
                break None;
            }
            position = (position + step) & self.mask;
            matches = 0;
        };
        *cursor = ProbeCursor {
            started: true,
            position,
            step,
            visited,
            matches,
        };
        found
    }
}
