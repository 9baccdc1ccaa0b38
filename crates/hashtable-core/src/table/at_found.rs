//! The C library's writes at the place its own lookup found (a slot, or the
//! vacancy a miss ended at), kept apart from the entry points every caller
//! shares: swiss, the strategy a C caller picks for speed, runs inline, and
//! the other strategies through one out-of-line call, so their code stays
//! out of the C library's hot functions.

use std::mem::ManuallyDrop;

use super::{Counting, Table};
use crate::alloc::AllocError;
use crate::entry::{Entry, SlotId};
use crate::strategy::{AnyStrategy, CollisionStrategy, Vacancy};

impl<K, V, S, C: Counting> Table<K, V, S, C>
where
    S: CollisionStrategy<K, V>,
{
    /// [`Table::remove_slot`] of the slot a lookup of this table has just
    /// found: swiss takes it inline, without checking the slot again. For
    /// the C library's ht_remove, which finds the slot with its own
    /// `find_settled` loop (`callgrind_c.py --ops`, a delete: 181 -> 136 instructions).
    ///
    /// # Safety
    /// `slot` came from a lookup of this table that found an entry
    /// ([`Table::find_settled`], or `find_settled` on [`Table::strategy`]),
    /// and the table has not changed since.
    #[inline(always)]
    pub unsafe fn remove_found(&mut self, slot: SlotId) -> Entry<K, V> {
        self.generation += 1;
        // SAFETY: the contract, passed on.
        let entry = ManuallyDrop::new(unsafe { self.strategy.remove_found(slot) });
        // Should the shrink panic, the entry leaks rather than drops: so no
        // unwinding path keeps the entry's key, and a caller that lets go of
        // the key without dropping it (the C library's short keys) never
        // reads it (`callgrind_c.py --ops`, a delete: 118.4 -> 116.1).
        self.shrink_if_sparse();
        ManuallyDrop::into_inner(entry)
    }
}

impl<K, V, C: Counting> Table<K, V, AnyStrategy<K, V>, C>
where
    K: Send + Sync,
    V: Send + Sync,
{
    /// [`Table::insert_vacant`] with swiss's store inline (the load check,
    /// the control bytes and the entry written in place) and the other
    /// strategies' through one out-of-line call. For the C library's ht_set
    /// and ht_entry of a new key (`callgrind_c.py --ops`, an insert: 291.6 -> 229.8
    /// instructions).
    /// The Python binding keeps [`Table::insert_vacant`], whose one `match`
    /// over the six strategies suits its default, chaining: through this
    /// one, a chaining `update()` of new keys cost 9 instructions more per
    /// key (`callgrind_lookup.py --op build`), and with `insert_vacant`
    /// itself inlined down to every strategy, `t[k] = v` of an existing key
    /// cost 4 more.
    #[inline(always)]
    pub fn insert_vacant_inline(
        &mut self,
        hash: u64,
        key: K,
        value: V,
        vacancy: Vacancy,
    ) -> Result<SlotId, AllocError> {
        let stored = match &mut self.strategy {
            AnyStrategy::Swiss(swiss) => {
                let entry = Entry::new(swiss.probe_hash(hash), key, value);
                swiss.insert_vacant_within(vacancy, entry, self.load_limit)
            }
            other => other.insert_made_elsewhere(vacancy, hash, key, value, self.load_limit),
        };
        self.count_insert(stored, vacancy)
    }
}

#[cfg(test)]
mod tests {
    use crate::strategy::{Settled, StrategyKind, Verdict};
    use crate::test_support::mix;
    use crate::{Table, TableConfig, Vacancy};

    fn settled(table: &mut Table<u64, u64>, hash: u64, key: u64) -> Settled<'_, u64, u64> {
        let settle = |stored: &u64| {
            Ok::<_, ()>(if *stored == key {
                Verdict::Equal
            } else {
                Verdict::Unequal
            })
        };
        table.find_settled(hash, settle).unwrap()
    }

    /// In every strategy, `insert_vacant_inline` stores where `insert_vacant`
    /// does (at a miss's vacancy, at an unknown one, across growth and
    /// tombstones), and `remove_found` takes what `remove_slot` takes.
    #[test]
    fn the_inline_paths_store_and_remove_as_the_shared_ones_do() {
        for &kind in StrategyKind::ALL {
            let config = TableConfig {
                strategy: kind,
                max_load: kind.info().recommended_max_load,
                ..TableConfig::default()
            };
            let mut inline: Table<u64, u64> = Table::new(config).unwrap();
            let mut shared: Table<u64, u64> = Table::new(config).unwrap();
            for key in 0..400u64 {
                // Few distinct hashes, so probes pass candidates before they end.
                let hash = mix(key % 89);
                let vacancy = |table: &mut Table<u64, u64>| match settled(table, hash, key) {
                    Settled::Absent(vacancy) if key % 7 != 0 => vacancy,
                    Settled::Absent(_) => Vacancy::UNKNOWN,
                    other => panic!("{kind:?} key {key}: a miss, not {other:?}"),
                };
                let (at_inline, at_shared) = (vacancy(&mut inline), vacancy(&mut shared));
                let slot = inline.insert_vacant_inline(hash, key, key, at_inline).unwrap();
                assert_eq!(
                    slot,
                    shared.insert_vacant(hash, key, key, at_shared).unwrap(),
                    "{kind:?} key {key}"
                );
                assert_eq!((inline.len(), inline.size()), (shared.len(), shared.size()), "{kind:?}");
                if key % 3 == 0 {
                    let old = key / 3;
                    let hash = mix(old % 89);
                    let Settled::Found(slot, _) = settled(&mut inline, hash, old) else {
                        panic!("{kind:?}: key {old} is stored");
                    };
                    // SAFETY: the lookup just found an entry in `slot`.
                    let removed = unsafe { inline.remove_found(slot) };
                    let Settled::Found(same, _) = settled(&mut shared, hash, old) else {
                        panic!("{kind:?}: key {old} is stored");
                    };
                    assert_eq!((same, removed.key), (slot, shared.remove_slot(same).key), "{kind:?}");
                }
            }
            for key in 0..400u64 {
                let hash = mix(key % 89);
                let found = |table: &mut Table<u64, u64>| match settled(table, hash, key) {
                    Settled::Found(slot, _) => Some(slot),
                    _ => None,
                };
                assert_eq!(found(&mut inline), found(&mut shared), "{kind:?} key {key}");
            }
        }
    }
}
