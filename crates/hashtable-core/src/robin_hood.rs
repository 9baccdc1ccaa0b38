//! Robin Hood hashing: linear probing that keeps every cluster sorted by home slot.
//!
//! ```text
//!   slots: [ EMPTY | A:1 | B:1 | C:2 | EMPTY | D:5 | EMPTY | EMPTY ]   Entry{hash, key, value}
//!              0      1     2     3      4      5      6       7      (X:h = item X, home slot h)
//!   bytes: [   0   |  1  |  2  |  2  |   0   |  1  |   0   |   0   ]   displacement + 1; 0 empty
//! ```
//!
//! The shared array of entries (`open_slots`), and beside it one byte per
//! slot (`ProbeRule::DISTANCES`): 0 for an empty slot, else the item's
//! displacement plus one, saturating at 255 (a displacement of 254 or more,
//! which only a degenerate hash makes; the exact value then comes from the
//! stored hash). The probe carries its own distance from home; an item's is
//! its byte, so no probe computes a home slot for an item it passes, and an
//! insert or delete finds the run it moves, and the runs' new distances, in
//! the bytes alone (64 slots to a cache line). Costs one byte per slot.
//!
//! * **Probe sequence**: the home slot `b = index(hash, m)`, then `b+1, b+2, ...`
//!   modulo `m`. At step `i` (slot `b+i`) a stored item with displacement `d`
//!   is a candidate only if `d == i`, since only then does it share the home
//!   slot; an equal stored hash implies it, and the caller's key check
//!   follows. The probe stops at an empty slot *or* at the first item with
//!   `d < i` (byte `<= i`): the invariant below says the key would have
//!   evicted that item, so it cannot lie further.
//! * **Insertion** ("steal from the rich"): walk the bytes, carrying the
//!   distance, to the first slot that is empty or holds an item with `d < i`
//!   (richer: closer to home than the newcomer). A miss of the same key stops
//!   at exactly that slot, so `Table::insert` finds it with its lookup. The
//!   newcomer takes it, and the run from there to the next empty byte moves
//!   one slot right, each moved displacement + 1: the textbook loop that swaps
//!   the carried entry forward slot by slot, done as a rotation of the run
//!   found first (slot by slot up to 8 slots, where a `memmove` call costs
//!   more; one `memmove` beyond, two across the wrap), the bytes moved and
//!   incremented beside it. Invariant: along a cluster, `d[s+1] <= d[s] + 1`,
//!   i.e. items are in order of home slot, and a key's equal-home items are
//!   contiguous.
//! * **Lookup** (`find_settled`): the home slot's stored hash first, where
//!   most hits end below a high load; then the probe's first eight distance bytes,
//!   read as one word, say at once where the probe stops (the first byte
//!   `<= i`) and which slots before it hold an item with the key's home (a
//!   byte of exactly `i + 1`): only those have their stored hash compared,
//!   and an equal hash goes to the caller's key check. Robin Hood's
//!   displacements vary little, so almost every probe ends inside that
//!   window, with no branch per slot; a longer one goes on slot by slot
//!   (hash, then byte). Nothing is computed or counted per slot.
//! * **Deletion** by backward shift: empty the slot, then pull each following
//!   item one slot back (displacement − 1) until an empty slot or an item at
//!   home (byte 0 or 1): the run is found in the bytes, then rotated back as
//!   an insert's is. No tombstones, so probes never lengthen under churn and
//!   the table never needs a cleaning rebuild; the layout (up to the order of
//!   items sharing a home) depends only on which keys are present, not on
//!   history. A rebuild re-places every item with the insertion's walk.
//! * **Expected probes** at load α = n/m with a uniform hash: the same means as
//!   plain linear probing (Knuth): a hit visits ½(1 + 1/(1−α)) slots, a miss at
//!   most ½(1 + 1/(1−α)²), less here, because a miss stops at the first richer
//!   item. Robin Hood does not change the total displacement (any order of
//!   placing the same keys gives the same sum), only how it is shared: it is
//!   evened out, so the variance and the longest probe are far smaller.
//! * **Trade-offs**: short, predictable lookups and early-terminating misses at
//!   high load, and deletes without tombstones; but an insert or delete may move
//!   a whole run of entries, every cluster is as long as under linear probing
//!   (a bad hash still makes long runs), and the bytes cost one more byte per
//!   slot and a second array to keep in step.
//! * **Recommended**: `max_load` 0.9 with growth 1.5. Short, even probes at high
//!   load are what the design buys, so the table can run full and grow in small
//!   steps: 25 bytes a slot at a load between 0.6 and 0.9 take fewer bytes per
//!   entry than dict's index and entries (`make bench-python`, memory).

use crate::entry::{Entry, SlotId, EMPTY_HASH};
use crate::index::BucketIndex;
use crate::linear::scan_forward;
use crate::open_slots::{OpenSlots, ProbeRule, Walk};
use crate::strategy::{settle_candidate, ExpectedProbes, Settled, StrategyKind, Vacancy, Verdict};
use crate::trace::{Observer, Saw};

/// Robin Hood hashing over the shared open-addressing slots.
/// `O` is the storage's [`Observer`]: [`crate::trace::Quiet`] unless traced.
pub type RobinHood<K, V, O = crate::trace::Quiet> = OpenSlots<RobinHoodProbing, K, V, O>;

/// The distance byte of a displacement `d` too long for a byte (`d >= 254`):
/// the exact distance is then computed from the item's stored hash.
const SATURATED: u8 = u8::MAX;

/// A slot's distance byte for an item `displacement` slots from home.
#[inline(always)]
fn distance_byte(displacement: usize) -> u8 {
    (displacement + 1).min(SATURATED as usize) as u8
}

/// The displacement of the item in a full `slot`, from its stored hash.
#[inline]
fn exact_displacement<K, V, O: Observer>(slots: &OpenSlots<RobinHoodProbing, K, V, O>, slot: usize) -> usize {
    slots.distance(slots.home(slots.hash_below(slot)), slot)
}

/// Whether the item in `slot`, whose byte is saturated, is richer than a
/// probe `distance` slots from its home: out of line, so that the loops that
/// call it keep nothing of the index in registers for it.
#[cold]
#[inline(never)]
fn saturated_richer<K, V, O: Observer>(
    slots: &OpenSlots<RobinHoodProbing, K, V, O>,
    slot: usize,
    distance: usize,
) -> bool {
    exact_displacement(slots, slot) < distance
}

/// Whether a probe `distance` slots from its home stops at `slot`, whose
/// distance byte is `byte`: the slot is empty, or its item is richer (closer
/// to its own home). Nothing is computed unless the byte is saturated.
#[inline(always)]
fn stops_at<K, V, O: Observer>(
    slots: &OpenSlots<RobinHoodProbing, K, V, O>,
    slot: usize,
    byte: u8,
    distance: usize,
) -> bool {
    if byte != SATURATED {
        // `byte - 1 < distance`, and an empty slot's 0 stops every probe.
        (byte as usize) <= distance
    } else {
        saturated_richer(slots, slot, distance)
    }
}

/// A delete's backward shift of the distance bytes: `bytes[from..to]`
/// takes `bytes[from + 1..=to]`, each one nearer home; true if a moved
/// byte was saturated (its exact distance is then recomputed). A short run
/// in one pass, where `copy_within` called `memmove` for a few bytes and
/// two more passes read them: `callgrind_core.py --op insert delete
/// --table robin_hood` 512.1/188.1 -> 505.2/182.8 instructions (with
/// [`shift_forward`]); `del t[k]; t[k] = v` on 1k str keys 1026.3 -> 1015.1
/// (`callgrind_lookup.py --op delete --strategy robin_hood --recommended`).
/// Byte by byte up to 16 bytes cost insert 11 more.
#[inline(always)]
fn shift_back(bytes: &mut [u8], from: usize, to: usize) -> bool {
    if to - from >= SHORT_SHIFT {
        bytes.copy_within(from + 1..=to, from);
        let moved = &mut bytes[from..to];
        let saturated = moved.iter().fold(0, |most, &byte| most.max(byte)) == SATURATED;
        moved.iter_mut().for_each(|byte| *byte -= 1);
        return saturated;
    }
    let mut saturated = false;
    for at in from..to {
        let byte = bytes[at + 1];
        saturated |= byte == SATURATED;
        bytes[at] = byte - 1;
    }
    saturated
}

/// An insert's forward shift of the distance bytes: `bytes[from + 1..=to]`
/// takes `bytes[from..to]`, each one further from home (a saturated byte
/// stays saturated). One pass from the end, as [`shift_back`].
#[inline(always)]
fn shift_forward(bytes: &mut [u8], from: usize, to: usize) {
    if to - from >= SHORT_SHIFT {
        bytes.copy_within(from..to, from + 1);
        bytes[from + 1..=to]
            .iter_mut()
            .for_each(|byte| *byte = byte.saturating_add(1));
        return;
    }
    for at in (from + 1..=to).rev() {
        bytes[at] = bytes[at - 1].saturating_add(1);
    }
}

/// Runs of distance bytes shorter than this move byte by byte; longer ones
/// with `memmove` and a pass the compiler vectorizes (4 and 8 measured
/// alike, 16 worse: see [`shift_back`]).
const SHORT_SHIFT: usize = 4;

/// The distance byte at each of a probe's first eight slots of an item that
/// shares the probe's home: `j + 1` at step `j`, byte `j` the lowest.
const SHARES_HOME: u64 = 0x0807_0605_0403_0201;

/// Of a probe's first eight slots, with their distance bytes as one word
/// (`bytes[j]` at step `j`, the lowest byte): those that may hold the key,
/// as the high bit of each one's byte. The key can only be an item with its
/// home, whose byte is `j + 1`: the zero bytes of `word ^ SHARES_HOME`,
/// found as `(x - ONES) & !x` with no branch per slot. That test also marks
/// a byte of 1 just above a zero byte (the borrow runs on), and items past
/// the probe's stop are not masked off: the caller's comparison of stored
/// hashes turns both away, since an equal stored hash means the key's home
/// and no item with the key's home lies past the stop. It never misses a
/// candidate.
#[inline(always)]
fn home_candidates(word: u64) -> u64 {
    let differs = word ^ SHARES_HOME;
    differs.wrapping_sub(ONES) & !differs & HIGH_BITS
}

/// Of a probe's first eight slots (as for [`home_candidates`]), the first
/// where the probe stops, if any: a byte of at most `j` (an empty slot, or
/// an item nearer its home than the probe). `byte >= j + 1` is the high bit
/// of `(byte | 0x80) - (j + 1)` (no borrow crosses a byte), or of the byte
/// itself: a saturated byte, an item 254 or more slots from home, never
/// stops a probe this near its home.
#[inline(always)]
fn first_stop(word: u64) -> Option<usize> {
    let passing = ((word | HIGH_BITS).wrapping_sub(SHARES_HOME) | word) & HIGH_BITS;
    let stops = !passing & HIGH_BITS;
    (stops != 0).then(|| stops.trailing_zeros() as usize / 8)
}

/// The first slot from `from` on (not round the end) whose byte is at most
/// `most` (below 128): 0 finds an empty slot, 1 also an item at home. Eight
/// bytes at a time: `(word - most_plus_one) & !word` has the high bit of
/// each byte below `most + 1`, exact at the lowest such byte (a borrow
/// only runs upward from it), and of no byte of 128 or more.
#[inline]
fn first_at_most(bytes: &[u8], from: usize, most: u8) -> Option<usize> {
    let below = ONES * (u64::from(most) + 1);
    let mut at = from;
    while let Some(chunk) = bytes.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*chunk);
        let found = word.wrapping_sub(below) & !word & HIGH_BITS;
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter().position(|&byte| byte <= most).map(|offset| at + offset)
}

/// Each byte's high bit.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
/// One in each byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Linear probing that stops at the first richer item; backward-shift
/// deletion; a distance byte per slot.
pub struct RobinHoodProbing;

impl RobinHoodProbing {
    /// [`ProbeRule::find_settled`] from `slot`, `distance` slots from home,
    /// once the probe has passed the end of the array: on from slot 0, with
    /// the step and wrap of the textbook loop (few probes get here). Inlined
    /// all the same, as linear probing's is: as a call, its result came back
    /// through memory, and the common path paid for that too.
    #[inline(always)]
    fn settle_slow<'a, K, V, O: Observer, E>(
        slots: &'a OpenSlots<Self, K, V, O>,
        hash: u64,
        visited: &mut u64,
        settle: &mut impl FnMut(&K) -> Result<Verdict, E>,
        mut slot: usize,
        mut distance: usize,
    ) -> Result<Settled<'a, K, V>, E> {
        let count = slots.count();
        if slot == count {
            slot = 0;
        }
        let found = loop {
            let stored = slots.hash_below(slot);
            let byte = slots.distances()[slot];
            if stored == hash {
                if let Some(end) = settle_candidate(SlotId(slot), slots.scanned(slot), settle) {
                    slots.observer().visit(slot, Saw::KeyEqual);
                    break end;
                }
                slots.observer().visit(slot, Saw::KeyDiffers);
            } else if stops_at(slots, slot, byte, distance) {
                slots
                    .observer()
                    .visit(slot, if stored == EMPTY_HASH { Saw::Empty } else { Saw::Richer });
                break Ok(Settled::Absent(Vacancy(slot)));
            } else {
                slots.observer().visit(slot, Saw::HashMismatch);
            }
            slot = slots.next(slot);
            distance += 1;
        };
        *visited += distance as u64 + 1;
        found
    }

    /// What a traced probe saw in the home window, which [`home_candidates`]
    /// and [`first_stop`] decide without visiting slot by slot: each of the first `step` slots
    /// passed (an equal stored hash with another key, or another hash), then
    /// `last` at slot `home + step` unless the probe went past the window.
    /// Nothing for an untraced table.
    #[inline(always)]
    fn trace_window<K, V, O: Observer>(
        slots: &OpenSlots<Self, K, V, O>,
        hash: u64,
        home: usize,
        step: usize,
        last: Saw,
    ) {
        if !O::ON {
            return;
        }
        for slot in home..home + step {
            let saw = if slots.hash_below(slot) == hash {
                Saw::KeyDiffers
            } else {
                Saw::HashMismatch
            };
            slots.observer().visit(slot, saw);
        }
        if step < 8 {
            slots.observer().visit(home + step, last);
        }
    }

    /// The newcomer takes `slot` (empty, or its richer item's), `distance`
    /// slots from its home, and the run from there to the next empty slot
    /// moves one slot forward, each moved item one step further from home:
    /// the textbook loop that swaps the carried entry forward slot by slot,
    /// done as one move of the run, its distance bytes moved beside it. An
    /// empty slot is filled inline, and only a run goes to
    /// [`RobinHoodProbing::shift_run_forward`], as [`ProbeRule::remove`]
    /// does with its run (`callgrind_core.py --op insert`).
    #[inline(always)]
    fn place_at<K, V, O: Observer>(
        slots: &mut OpenSlots<Self, K, V, O>,
        slot: usize,
        entry: Entry<K, V>,
        distance: usize,
    ) {
        if slots.distances()[slot] != 0 {
            Self::shift_run_forward(slots, slot);
        }
        slots.put(slot, entry);
        slots.distances_mut()[slot] = distance_byte(distance);
    }

    /// [`RobinHoodProbing::place_at`]'s move of the run from the full `slot`
    /// to the next empty slot, one slot forward, leaving `slot` to fill.
    #[inline(never)]
    fn shift_run_forward<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize) {
        let bytes = slots.distances();
        let hole = first_at_most(bytes, slot + 1, 0)
            .or_else(|| first_at_most(bytes, 0, 0))
            .expect("an empty slot");
        slots.open_gap(slot, hole);
        // The bytes move with their items, one further from home each
        // (a saturated byte stays saturated).
        let bytes = slots.distances_mut();
        let last = bytes.len() - 1;
        if slot < hole {
            shift_forward(bytes, slot, hole);
        } else {
            shift_forward(bytes, 0, hole);
            bytes[0] = bytes[last].saturating_add(1);
            shift_forward(bytes, slot, last);
        }
    }

    /// [`ProbeRule::remove`] of an item with a run after it to move back.
    #[inline(never)]
    fn shift_run_back<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize) -> Entry<K, V> {
        let entry = slots.take(slot, EMPTY_HASH);
        let bytes = slots.distances_mut();
        bytes[slot] = 0;
        // The run to move back: up to an empty slot or an item at home.
        let (last, wraps) = match first_at_most(bytes, slot + 1, 1) {
            Some(stop) => (stop - 1, false),
            None => match first_at_most(bytes, 0, 1).expect("an empty slot") {
                0 => (bytes.len() - 1, false),
                first => (first - 1, true),
            },
        };
        // `remove` came here only with an item away from home after `slot`.
        debug_assert_ne!(last, slot, "robin hood: no run to move back");
        slots.close_gap(slot, last);
        // The bytes move with their items, one nearer home each.
        let bytes = slots.distances_mut();
        let count = bytes.len();
        let saturated = if wraps {
            let tail = shift_back(bytes, slot, count - 1);
            let first = bytes[0];
            bytes[count - 1] = first - 1;
            shift_back(bytes, 0, last) | tail | (first == SATURATED)
        } else {
            shift_back(bytes, slot, last)
        };
        bytes[last] = 0;
        if saturated {
            // An item 254 or more slots from home: only its hash tells how far.
            let mut at = slot;
            while at != last {
                if slots.distances()[at] == SATURATED - 1 {
                    slots.distances_mut()[at] = distance_byte(exact_displacement(slots, at));
                }
                at = slots.next(at);
            }
        }
        entry
    }
}

impl ProbeRule for RobinHoodProbing {
    const KIND: StrategyKind = StrategyKind::RobinHood;
    const DISTANCES: bool = true;

    /// Any slot count the bucket index allows (a power of two for `Mask`).
    fn usable_size(requested: usize, index: BucketIndex) -> usize {
        index.usable_size(requested)
    }

    /// Linear probing's scan, ended early by the first richer item (closer to
    /// its home than the probe is to its own): the key would have taken its
    /// slot, so it is absent. The probe's own distance is the step it
    /// carries; the item's is its distance byte. An item whose stored hash
    /// equals the probed one shares its home, so it is a candidate with no
    /// distance check.
    #[inline(always)]
    fn scan<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, hash: u64, at: &mut Walk) -> Option<usize> {
        let richer = |_: u64, slot: usize, step: usize| stops_at(slots, slot, slots.distances()[slot], step);
        scan_forward(slots, hash, at, richer)
    }

    /// The home slot's stored hash, then the next slot's (most hits end
    /// there), then the first eight slots from home decided at once
    /// ([`home_candidates`], then [`first_stop`] if none holds the key):
    /// Robin Hood's displacements vary little, so the probe almost always
    /// ends there, at a candidate whose stored hash and key are equal or at
    /// its stop, after a few instructions and one predictable branch. Only
    /// candidates (items that share the key's home) have their stored hash
    /// read. Beyond the window, or where the window would pass the end of
    /// the array, slot by slot: an equal hash is a candidate for `settle`;
    /// otherwise a byte of at most the probe's distance (an empty slot, or a
    /// richer item) ends the probe. Nothing is computed or counted per slot.
    #[inline(always)]
    fn find_settled<'a, K, V, O: Observer, E>(
        slots: &'a OpenSlots<Self, K, V, O>,
        hash: u64,
        visited: &mut u64,
        mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'a, K, V>, E> {
        if hash == EMPTY_HASH {
            // No item stores it (Robin Hood leaves no tombstones).
            return Ok(Settled::Absent(Vacancy::UNKNOWN));
        }
        let home = slots.home(hash);
        // The home slot's stored hash first, as linear probing reads it: most
        // hits end there below a high load, and nothing else (the window's
        // bounds, its pointer) is computed before it (`callgrind_core.py
        // --op hit --max-load 0.25 --table robin_hood`).
        // (The slow loop below, near the array's end, settles it again.)
        if slots.hash_below(home) == hash {
            if let Some(end) = settle_candidate(SlotId(home), slots.scanned(home), &mut settle) {
                Self::trace_window(slots, hash, home, 0, Saw::KeyEqual);
                *visited += 1;
                return end;
            }
        }
        // The bytes from home to the end of the array.
        let run = &slots.distances()[home..];
        let mut at = 0;
        if let Some(window) = run.first_chunk::<8>() {
            // The next slot's too, before the window's bytes are decoded:
            // most other hits end there, and its hash is on the line just
            // read (an equal stored hash is an item with the key's home, so
            // no byte needs reading first). Hits at 0.25 to 0.9: 43.5 -> 41.0
            // to 63.2 -> 60.6 instructions; misses 2 to 3 more (`--max-load`).
            if slots.hash_below(home + 1) == hash {
                if let Some(end) = settle_candidate(SlotId(home + 1), slots.scanned(home + 1), &mut settle) {
                    Self::trace_window(slots, hash, home, 1, Saw::KeyEqual);
                    *visited += 2;
                    return end;
                }
            }
            let word = u64::from_le_bytes(*window);
            // The first two slots are settled above.
            let mut candidates = home_candidates(word) & !0x8080;
            while candidates != 0 {
                let step = candidates.trailing_zeros() as usize / 8;
                let slot = home + step;
                if slots.hash_below(slot) == hash {
                    if let Some(end) = settle_candidate(SlotId(slot), slots.scanned(slot), &mut settle) {
                        Self::trace_window(slots, hash, home, step, Saw::KeyEqual);
                        *visited += step as u64 + 1;
                        return end;
                    }
                }
                candidates &= candidates - 1;
            }
            if let Some(step) = first_stop(word) {
                let saw = if window[step] == 0 { Saw::Empty } else { Saw::Richer };
                Self::trace_window(slots, hash, home, step, saw);
                *visited += step as u64 + 1;
                // Where an insert of the key goes.
                return Ok(Settled::Absent(Vacancy(home + step)));
            }
            Self::trace_window(slots, hash, home, 8, Saw::HashMismatch);
            at = 8;
        }
        let found = loop {
            let slot = home + at;
            let Some(&byte) = run.get(at) else {
                return Self::settle_slow(slots, hash, visited, &mut settle, slot, at);
            };
            if slots.hash_below(slot) == hash {
                if let Some(end) = settle_candidate(SlotId(slot), slots.scanned(slot), &mut settle) {
                    slots.observer().visit(slot, Saw::KeyEqual);
                    break end;
                }
                slots.observer().visit(slot, Saw::KeyDiffers);
            } else if usize::from(byte) <= at && (byte != SATURATED || saturated_richer(slots, slot, at)) {
                slots
                    .observer()
                    .visit(slot, if byte == 0 { Saw::Empty } else { Saw::Richer });
                // Where an insert of the key goes.
                break Ok(Settled::Absent(Vacancy(slot)));
            } else {
                slots.observer().visit(slot, Saw::HashMismatch);
            }
            at += 1;
        };
        *visited += at as u64 + 1;
        found
    }

    /// Walk the distance bytes to the first slot that is empty or holds a
    /// richer item, the probe distance carried, then place the entry there.
    fn insert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) -> usize {
        let count = slots.count();
        let mut slot = slots.home(entry.hash);
        let mut distance = 0;
        while !stops_at(slots, slot, slots.distances()[slot], distance) {
            slot += 1;
            if slot == count {
                slot = 0;
            }
            distance += 1;
        }
        Self::place_at(slots, slot, entry, distance);
        slot
    }

    /// [`RobinHoodProbing::insert`] into fresh storage: the same walk, and
    /// where it ends at an empty slot (most re-placed items, which come in
    /// nearly the order of their homes) a bare write. Inlined into the
    /// rebuild's loop, as linear and quadratic probing's are: its call
    /// cost each re-placed item 17 instructions.
    #[inline(always)]
    fn reinsert<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, entry: Entry<K, V>) {
        let count = slots.count();
        let mut slot = slots.home(entry.hash);
        let mut distance = 0;
        loop {
            let byte = slots.distances()[slot];
            if byte == 0 {
                slots.put_fresh(slot, entry);
                slots.distances_mut()[slot] = distance_byte(distance);
                return;
            }
            if stops_at(slots, slot, byte, distance) {
                break;
            }
            slot += 1;
            if slot == count {
                slot = 0;
            }
            distance += 1;
        }
        Self::place_at(slots, slot, entry, distance);
    }

    /// A miss's vacancy: the entry's distance from its home, then
    /// [`RobinHoodProbing::place_at`].
    fn place<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize, entry: Entry<K, V>) {
        let distance = slots.distance(slots.home(entry.hash), slot);
        Self::place_at(slots, slot, entry, distance);
    }

    /// Backward shift: the items after `slot`, up to an empty slot or an
    /// item already at home (distance byte 0 or 1), each move one slot back
    /// (one move of the run), their bytes one less. Most deletes have no run
    /// to move (the next slot is empty or its item at home): that case is
    /// inlined, and only a run goes to [`RobinHoodProbing::shift_run_back`]
    /// (`callgrind_core.py --op delete`: its call, registers and the entry's
    /// trip through the stack had cost every delete).
    #[inline(always)]
    fn remove<K, V, O: Observer>(slots: &mut OpenSlots<Self, K, V, O>, slot: usize) -> Entry<K, V> {
        let next = slots.next(slot);
        if slots.distances()[next] <= 1 {
            let entry = slots.take(slot, EMPTY_HASH);
            slots.distances_mut()[slot] = 0;
            return entry;
        }
        Self::shift_run_back(slots, slot)
    }

    /// From the stored hash, not the byte: exact at any distance.
    fn displacement<K, V, O: Observer>(slots: &OpenSlots<Self, K, V, O>, slot: usize) -> usize {
        slots.distance(slots.home(slots.hash_at(slot)), slot)
    }

    fn expected_probes(load_factor: f64) -> ExpectedProbes {
        // Same means as linear probing; the miss figure is an upper bound here.
        crate::linear::linear_probing_expectation(load_factor)
    }
}

#[cfg(test)]
mod tests;
