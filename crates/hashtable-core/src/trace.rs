//! Tracing: what each operation does, recorded by the strategy's own code as it
//! does it.
//!
//! A strategy's storage carries an [`Observer`] as a type parameter, `Quiet` by
//! default. Where the code reads a slot, a node or a window of control bytes,
//! places, moves or removes an item, or rebuilds, it calls one of the
//! observer's hooks (`visit`, `node`, `window`, `place`, `moved`, `gap_opened`,
//! `gap_closed`, `removed`, `resize`, `resize_end`, `append`, `relink`,
//! `unlink`) with plain arguments and no `if` around the call. `Quiet`'s hooks
//! are empty and `#[inline(always)]`, so the untraced instantiation inlines each
//! to nothing. A [`Recorder`] turns them into [`Event`]s and keeps them; the
//! lab's `_lab_trace` runs a table whose storage records and hands the events
//! to Python.
//!
//! Why hooks and not `if O::ON { observer.record(|| event) }` at every site:
//! that form is dead code in the untraced build too, but its bulk in the
//! strategies' generic code changed what the compiler inlined into the loops
//! that call them (`scripts/callgrind_core.py`: 6 to 10 more instructions per
//! hit in every strategy). One call per hook leaves the lookups' counts as
//! they were.
//!
//! Events name slots and nodes, not keys: which item a `Move` carries is
//! whatever the replay of the events before it put in its `from` slot; a
//! `Place` outside a rebuild is always the operation's own key, and the places
//! of a rebuild store the old items in the order the rebuild reads them.

use std::sync::Mutex;

/// What a probe found in the slot it read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saw {
    /// An empty slot: the probe ends there.
    Empty,
    /// A tombstone: the probe walks past it.
    Tombstone,
    /// An item with another stored hash: no key comparison needed.
    HashMismatch,
    /// An item with the same hash whose key compared equal: found.
    KeyEqual,
    /// An item with the same hash whose key compared unequal.
    KeyDiffers,
    /// Robin Hood: an item closer to its home than the probe is to the key's,
    /// so the key is not further on (a lookup stops; an insert takes the slot).
    Richer,
}

impl Saw {
    /// The name the lab's trace uses.
    pub fn name(self) -> &'static str {
        match self {
            Saw::Empty => "empty",
            Saw::Tombstone => "tombstone",
            Saw::HashMismatch => "hash_mismatch",
            Saw::KeyEqual => "key_equal",
            Saw::KeyDiffers => "key_differs",
            Saw::Richer => "richer",
        }
    }
}

/// One thing an operation did, in the order it did it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A lookup read slot `at`.
    Visit {
        at: usize,
        saw: Saw,
    },
    /// An item was stored in `at` (`reused`: over a tombstone).
    Place {
        at: usize,
        reused: bool,
    },
    /// Swiss: a window of control bytes loaded at `at` (`ctrl`, as compared),
    /// and the slots whose byte matched the key's 7-bit `tag`.
    Group {
        at: usize,
        ctrl: Vec<u8>,
        tag: u8,
        matches: Vec<usize>,
    },
    /// Chaining: arena node `node`, at place `pos` of its chain, was read.
    Node {
        node: usize,
        pos: usize,
        saw: Saw,
    },
    /// Chaining: arena node `node` was linked at the tail of the operation's
    /// key's chain (its home bucket once the operation is done).
    Append {
        node: usize,
    },
    /// Chaining, in a rebuild: arena node `node` was linked at the tail of `bucket`'s chain.
    Relink {
        bucket: usize,
        node: usize,
    },
    /// Chaining: arena node `node` was unlinked from its chain, and the arena's
    /// last node moved into its place.
    Unlink {
        node: usize,
    },
    /// The item in `from` moved to `to`.
    Move {
        from: usize,
        to: usize,
    },
    /// The item in `at` was taken out, leaving a tombstone or an empty slot.
    Remove {
        at: usize,
        tombstone: bool,
    },
    /// A rebuild from `old` slots to `new` begins: until [`Event::ResizeEnd`],
    /// places and moves are in the new storage, and the places store the old
    /// items in the order the rebuild reads them (slot order; compact: entry
    /// order; chaining relinks name their nodes).
    Resize {
        old: usize,
        new: usize,
    },
    ResizeEnd,
}

/// Where the storage reports its events. See the module comment.
///
/// Every hook is a method with plain arguments, called with no `if` around it:
/// `Quiet`'s are empty and `#[inline(always)]`, so the untraced build inlines
/// each to nothing. (Hooks written `if O::ON { record(|| event) }` in the
/// strategies, dead as they are, changed how the compiler inlined the
/// lookups: `scripts/callgrind_core.py` counted 6 more instructions per hit.)
pub trait Observer: Default + Send + Sync {
    /// Whether events are kept at all.
    const ON: bool = false;
    /// Keep the event `event()` builds.
    #[inline(always)]
    fn record(&self, event: impl FnOnce() -> Event) {
        let _ = event;
    }
    /// A probe read slot `at` and found `saw`.
    #[inline(always)]
    fn visit(&self, at: usize, saw: Saw) {
        let _ = (at, saw);
    }
    /// Chaining: a probe read arena node `node`, place `pos` of its chain.
    #[inline(always)]
    fn node(&self, node: usize, pos: usize, saw: Saw) {
        let _ = (node, pos, saw);
    }
    /// Swiss: a probe loaded the window at `at` (`mask`: slots - 1) and found
    /// `matches` (a bit per byte equal to `tag`).
    #[inline(always)]
    fn window(&self, ctrl: &[u8], at: usize, mask: usize, tag: u8, matches: u32) {
        let _ = (ctrl, at, mask, tag, matches);
    }
    /// An item was stored in slot `at` (`reused`: over a tombstone).
    #[inline(always)]
    fn place(&self, at: usize, reused: bool) {
        let _ = (at, reused);
    }
    /// The item in `from` moved to `to`.
    #[inline(always)]
    fn moved(&self, from: usize, to: usize) {
        let _ = (from, to);
    }
    /// The items in `at..hole` (wrapping round `count` slots) moved one slot on.
    #[inline(always)]
    fn gap_opened(&self, at: usize, hole: usize, count: usize) {
        let _ = (at, hole, count);
    }
    /// The items in `gap + 1..=last` (wrapping round `count` slots) moved one slot back.
    #[inline(always)]
    fn gap_closed(&self, gap: usize, last: usize, count: usize) {
        let _ = (gap, last, count);
    }
    /// The item in `at` was taken out, leaving a tombstone or an empty slot.
    #[inline(always)]
    fn removed(&self, at: usize, tombstone: bool) {
        let _ = (at, tombstone);
    }
    /// A rebuild from `old` slots to `new` begins.
    #[inline(always)]
    fn resize(&self, old: usize, new: usize) {
        let _ = (old, new);
    }
    /// The rebuild is done.
    #[inline(always)]
    fn resize_end(&self) {}
    /// Chaining: node `node` was linked at the tail of the operation's key's chain.
    #[inline(always)]
    fn append(&self, node: usize) {
        let _ = node;
    }
    /// Chaining, in a rebuild: node `node` was linked at the tail of `bucket`'s chain.
    #[inline(always)]
    fn relink(&self, bucket: usize, node: usize) {
        let _ = (bucket, node);
    }
    /// Chaining: node `node` was unlinked, and the arena's last node moved into its place.
    #[inline(always)]
    fn unlink(&self, node: usize) {
        let _ = node;
    }
}

/// The observer of every table that is not traced: records nothing, costs nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quiet;

impl Observer for Quiet {}

/// An observer that keeps every event until [`Recorder::take`].
#[derive(Debug, Default)]
pub struct Recorder {
    events: Mutex<Vec<Event>>,
}

impl Observer for Recorder {
    const ON: bool = true;

    fn visit(&self, at: usize, saw: Saw) {
        self.record(|| Event::Visit { at, saw });
    }

    fn node(&self, node: usize, pos: usize, saw: Saw) {
        self.record(|| Event::Node { node, pos, saw });
    }

    fn place(&self, at: usize, reused: bool) {
        self.record(|| Event::Place { at, reused });
    }

    fn moved(&self, from: usize, to: usize) {
        self.record(|| Event::Move { from, to });
    }

    /// Each item one slot on, the last first (so every `from` still holds its item).
    fn gap_opened(&self, at: usize, hole: usize, count: usize) {
        let mut to = hole;
        while to != at {
            let from = if to == 0 { count - 1 } else { to - 1 };
            self.moved(from, to);
            to = from;
        }
    }

    /// Each item one slot back, the first first.
    fn gap_closed(&self, gap: usize, last: usize, count: usize) {
        let mut to = gap;
        while to != last {
            let from = if to + 1 == count { 0 } else { to + 1 };
            self.moved(from, to);
            to = from;
        }
    }

    fn removed(&self, at: usize, tombstone: bool) {
        self.record(|| Event::Remove { at, tombstone });
    }

    fn resize(&self, old: usize, new: usize) {
        self.record(|| Event::Resize { old, new });
    }

    fn resize_end(&self) {
        self.record(|| Event::ResizeEnd);
    }

    fn append(&self, node: usize) {
        self.record(|| Event::Append { node });
    }

    fn relink(&self, bucket: usize, node: usize) {
        self.record(|| Event::Relink { bucket, node });
    }

    fn unlink(&self, node: usize) {
        self.record(|| Event::Unlink { node });
    }

    fn window(&self, ctrl: &[u8], at: usize, mask: usize, tag: u8, mut matches: u32) {
        let mut slots = Vec::new();
        while matches != 0 {
            slots.push((at + matches.trailing_zeros() as usize) & mask);
            matches &= matches - 1;
        }
        let width = ctrl.len() - (mask + 1);
        let ctrl = ctrl[at..at + width].to_vec();
        self.record(|| Event::Group {
            at,
            ctrl,
            tag,
            matches: slots,
        });
    }

    fn record(&self, event: impl FnOnce() -> Event) {
        let event = event();
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(event);
    }
}

impl Recorder {
    /// The events recorded since the last call, oldest first.
    pub fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// A strategy's storage that records: the events of the operations since the last call.
pub trait Traced {
    fn take_events(&self) -> Vec<Event>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::BucketIndex;
    use crate::linear::Linear;
    use crate::strategy::CollisionStrategy;
    use crate::table::Table;
    use crate::TableConfig;

    #[test]
    fn quiet_takes_no_room() {
        assert_eq!(std::mem::size_of::<Quiet>(), 0);
        assert_eq!(
            std::mem::size_of::<Linear<u64, u64>>(),
            std::mem::size_of::<Linear<u64, u64, Quiet>>()
        );
    }

    #[test]
    fn a_linear_table_records_its_probe_its_place_and_its_backward_shift() {
        let config = TableConfig {
            size: 8,
            index: BucketIndex::Mod,
            strategy: crate::StrategyKind::Linear,
            ..TableConfig::default()
        };
        let storage = Linear::<u64, (), Recorder>::try_new(8, BucketIndex::Mod).unwrap();
        let mut table = Table::with_strategy(config, storage).unwrap();
        let same = |id: u64| move |stored: &u64| Ok::<bool, std::convert::Infallible>(*stored == id);
        for (hash, id) in [(1, 0), (9, 1), (17, 2)] {
            table.insert(hash, id, (), same(id)).unwrap();
        }
        let observer = table.strategy().observer();
        let events = observer.take();
        assert_eq!(events.len(), 1 + 1 + 2 + 1 + 3 + 1, "{events:?}");
        assert_eq!(events[events.len() - 1], Event::Place { at: 3, reused: false });
        assert_eq!(events[events.len() - 2], Event::Visit { at: 3, saw: Saw::Empty });
        assert_eq!(
            events[events.len() - 3],
            Event::Visit {
                at: 2,
                saw: Saw::HashMismatch
            }
        );
        table.remove(9, same(1)).unwrap();
        assert_eq!(
            table.strategy().observer().take(),
            vec![
                Event::Visit {
                    at: 1,
                    saw: Saw::HashMismatch
                },
                Event::Visit {
                    at: 2,
                    saw: Saw::KeyEqual
                },
                Event::Remove {
                    at: 2,
                    tombstone: false
                },
                Event::Move { from: 3, to: 2 },
            ]
        );
        assert_eq!(CollisionStrategy::<u64, ()>::len(table.strategy()), 2);
    }
}
