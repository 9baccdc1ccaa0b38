//! Removal in the middle of an iteration (the C library's `ht_iter_remove`),
//! kept apart from the policy every operation shares.

use super::{Counting, Table};
use crate::entry::{Entry, SlotId};
use crate::probe::IterCursor;
use crate::strategy::CollisionStrategy;

/// Removal in the middle of an iteration, for the C library's `ht_iter_remove`
/// (kept apart: the only core addition the C library needs).
impl<K, V, S, C: Counting> Table<K, V, S, C>
where
    S: CollisionStrategy<K, V>,
{
    /// Remove the entry in `slot`, the one [`Table::iter_next`] just returned,
    /// and leave `cursor` where the iteration goes on over every entry it has
    /// not returned yet. `before` is the cursor as it was before that
    /// `iter_next`. The table does not shrink here, whatever `min_load` says (a
    /// rebuild would reorder what is left to visit); the next
    /// [`Table::remove_slot`] shrinks it if it is still sparse.
    ///
    /// What moves on a removal, and so where the walk resumes: `linear`
    /// (Algorithm R) and `robin_hood` (backward shift) move later entries of the
    /// run into the hole, so the walk resumes at `slot` itself (`before`);
    /// `chaining` moves its last node into the hole, so a cursor that pointed
    /// at that node follows it. The others move nothing. One case stays the
    /// caller's: a run that wraps from the end of the slot array to its start
    /// can move an entry from the start (already visited) to the end, so a
    /// caller iterating `linear` or `robin_hood` visits the slots before the
    /// first empty one last (the C library's iterator does).
    pub fn remove_iterated(&mut self, slot: SlotId, before: IterCursor, cursor: &mut IterCursor) -> Entry<K, V> {
        let last = self.len().wrapping_sub(1);
        self.generation += 1;
        let entry = self.strategy.remove(slot);
        match self.strategy.kind() {
            crate::StrategyKind::Linear | crate::StrategyKind::RobinHood => *cursor = before,
            crate::StrategyKind::Chaining => {
                // `inner` is the next node + 1; the last node now lives in `slot`.
                if slot.0 != last && cursor.inner == last + 1 {
                    cursor.inner = slot.0 + 1;
                }
            }
            crate::StrategyKind::Quadratic | crate::StrategyKind::Swiss | crate::StrategyKind::Compact => {}
        }
        entry
    }
}

#[cfg(test)]
mod tests {
    use crate::index::BucketIndex;
    use crate::probe::IterCursor;
    use crate::strategy::{BucketView, StrategyKind};
    use crate::{Table, TableConfig};

    /// Remove every `every`-th item while iterating, as the C library's
    /// iterator walks (linear and robin_hood from their first empty slot):
    /// each item is returned once, and exactly the removed ones are gone.
    fn drain(kind: StrategyKind, index: BucketIndex, hashes: &[u64], every: usize) {
        let config = TableConfig {
            size: 16,
            max_load: if kind.is_open_addressing() { 0.9 } else { 2.0 },
            min_load: 0.2,
            index,
            strategy: kind,
            ..TableConfig::default()
        };
        let mut table: Table<u64, usize> = Table::new(config).unwrap();
        for (i, &hash) in hashes.iter().enumerate() {
            let key = i as u64;
            table.insert(hash, key, i, |k| Ok::<_, ()>(*k == key)).unwrap();
        }
        let size = table.size();
        let wrap_end = if matches!(kind, StrategyKind::Linear | StrategyKind::RobinHood) {
            (0..size)
                .find(|&slot| table.bucket_view(slot) == BucketView::Empty)
                .unwrap_or(0)
        } else {
            0
        };
        let mut seen = vec![0; hashes.len()];
        let (mut cursor, mut second_pass) = (IterCursor::new(), false);
        loop {
            let before = cursor;
            let slot = match table.iter_next(&mut cursor) {
                Some(slot) if !second_pass && slot.index() < wrap_end => continue,
                Some(slot) if second_pass && slot.index() >= wrap_end => break,
                Some(slot) => slot,
                None if !second_pass && wrap_end > 0 => {
                    second_pass = true;
                    cursor = IterCursor::new();
                    continue;
                }
                None => break,
            };
            let i = table.entry(slot).value;
            seen[i] += 1;
            if i.is_multiple_of(every) {
                assert_eq!(table.remove_iterated(slot, before, &mut cursor).value, i);
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "{kind:?} every {every}: {seen:?}");
        assert_eq!(table.size(), size, "no shrink during the iteration");
        for (i, &hash) in hashes.iter().enumerate() {
            let key = i as u64;
            let found = table.find(hash, |k| Ok::<_, ()>(*k == key)).unwrap();
            assert_eq!(
                found.is_some(),
                !i.is_multiple_of(every),
                "{kind:?} every {every}: key {i}"
            );
        }
    }

    #[test]
    fn every_item_is_returned_once_while_items_are_removed() {
        let spread: Vec<u64> = (0..13u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).collect();
        // With `mod` on 16 slots: homes 12, 13, 14, so the run wraps past the last slot.
        let wrapping: Vec<u64> = (0..12u64).map(|i| 16 * (i + 1) + 12 + i % 3).collect();
        for &kind in StrategyKind::ALL {
            for every in 1..=3 {
                drain(kind, BucketIndex::Fibonacci, &spread, every);
                if kind.is_open_addressing() && kind != StrategyKind::Swiss && kind != StrategyKind::Quadratic {
                    drain(kind, BucketIndex::Mod, &wrapping, every);
                }
            }
        }
    }
}
