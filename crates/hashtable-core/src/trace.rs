//! Tracing: what each operation does, recorded by the strategy's own code as it
//! does it.
//!
//! A strategy's storage carries an [`Observer`] as a type parameter, `Quiet` by
//! default. Every place the code reads a slot, places, moves or removes an item,
//! or rebuilds, it calls [`Observer::record`] with a closure that builds the
//! [`Event`]. `Quiet::record` is an empty `#[inline(always)]` function and its
//! `ON` is `false`, so in the untraced instantiation the closure is never built,
//! the loops that only record are folded away, and the machine code is the code
//! without the calls (`scripts/callgrind_core.py` counts the same instructions).
//! A [`Recorder`] keeps the events; the lab's `_lab_trace` runs a table whose
//! storage records, numbers the events by operation and hands them to Python.
//!
//! Events name slots, not keys: which item a `Move` carries is whatever the
//! replay of the events before it put in its `from` slot, and a `Place` outside
//! a rebuild is always the operation's own key.

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
    /// Chaining: the node at place `pos` of `bucket`'s chain was read.
    Node {
        bucket: usize,
        pos: usize,
        saw: Saw,
    },
    /// Chaining: arena node `node` was linked at the tail of `bucket`'s chain.
    Append {
        bucket: usize,
        node: usize,
    },
    /// Chaining: arena node `node` was unlinked from `bucket`'s chain, and the
    /// arena's last node moved into its place.
    Unlink {
        bucket: usize,
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
    /// each [`Event::Rehome`] names the old slot of the item the next `Place`
    /// stores, and places and moves are in the new storage.
    Resize {
        old: usize,
        new: usize,
    },
    Rehome {
        from: usize,
    },
    ResizeEnd,
}

/// A `Visit` event, for the probe loops' one-line records.
#[inline(always)]
pub(crate) fn visit(at: usize, saw: Saw) -> Event {
    Event::Visit { at, saw }
}

/// Where the storage reports its events. See the module comment.
pub trait Observer: Default + Send + Sync {
    /// Whether events are kept at all; code that only records is under `if O::ON`.
    const ON: bool = false;
    /// Keep the event `event()` builds.
    #[inline(always)]
    fn record(&self, event: impl FnOnce() -> Event) {
        let _ = event;
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
