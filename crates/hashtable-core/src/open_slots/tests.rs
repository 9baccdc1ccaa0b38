//! The storage's own tests, run against each probe rule.

use std::sync::Arc;

use super::{OpenSlots, ProbeRule};
use crate::linear::{Linear, LinearProbing};
use crate::quadratic::QuadraticProbing;
use crate::robin_hood::RobinHoodProbing;
use crate::strategy::{CollisionStrategy, Introspect, StrategyKind};
use crate::{BucketIndex, Entry, ProbeCursor, SlotId};

fn a_stale_cursor_just_ends<P: ProbeRule>() {
    let mut big = OpenSlots::<P, u64, u64>::new(64, BucketIndex::Mod);
    big.insert_new(Entry::new(40, 1, 1));
    let mut cursor = ProbeCursor::new();
    assert_eq!(big.probe_next(40, &mut cursor), Some(SlotId(40)));
    let small = OpenSlots::<P, u64, u64>::new(8, BucketIndex::Mod);
    assert_eq!(small.probe_next(40, &mut cursor), None);
}

/// Every key inserted into one table through a miss's vacancy and into
/// another through `insert_new` (its own walk): the same slots, and the
/// same comparisons for the miss as for a plain lookup.
fn a_vacancy_is_where_insert_new_goes<P: ProbeRule>() {
    use crate::strategy::Vacancy;
    use crate::test_support::splitmix;
    for index in BucketIndex::ALL {
        let mut state = 7;
        let mut by_vacancy = OpenSlots::<P, u64, u64>::new(64, index);
        let mut by_walk = OpenSlots::<P, u64, u64>::new(64, index);
        let (mut known, mut deleted) = (0, 0);
        let mut previous = None;
        for key in 0..56u64 {
            // Few distinct hashes, so runs, equal homes and wraps form.
            let hash = splitmix(&mut state) % 40;
            if let Some((old_hash, old_key)) = previous.filter(|_| key % 5 == 4) {
                // Some deletes, so quadratic has tombstones to reuse.
                let slot = crate::test_support::find(&by_walk, old_hash, old_key).expect("stored");
                assert_eq!(by_walk.remove(slot).key, by_vacancy.remove(slot).key);
                deleted += 1;
            }
            previous = Some((hash, key));
            let (mut visits, mut lookup_visits) = (0, 0);
            let found = by_vacancy.find_or_vacancy(hash, &mut visits, |_| Ok::<_, ()>(false));
            by_vacancy
                .find_entry(hash, &mut lookup_visits, |_| Ok::<_, ()>(false))
                .unwrap();
            assert_eq!(visits, lookup_visits);
            let Ok(Err(vacancy)) = found else { panic!("a miss") };
            known += usize::from(vacancy != Vacancy::UNKNOWN);
            let placed = by_vacancy.insert_at(vacancy, Entry::new(hash, key, key));
            assert_eq!(
                placed,
                by_walk.insert_new(Entry::new(hash, key, key)),
                "{index:?} key {key}"
            );
            by_vacancy.check_invariants();
            for slot in 0..by_walk.count() {
                assert_eq!(by_vacancy.hash_at(slot), by_walk.hash_at(slot), "{index:?} slot {slot}");
            }
        }
        // Only tombstones (quadratic's) hide the slot.
        let expected = if P::KIND == StrategyKind::Quadratic {
            1..56
        } else {
            56..57
        };
        assert!(expected.contains(&known), "{index:?}: {known} misses knew their slot");
        assert_eq!(deleted, 11);
    }
}

#[test]
fn a_miss_finds_the_slot_an_insert_takes() {
    a_vacancy_is_where_insert_new_goes::<LinearProbing>();
    a_vacancy_is_where_insert_new_goes::<RobinHoodProbing>();
    a_vacancy_is_where_insert_new_goes::<QuadraticProbing>();
}

#[test]
fn a_stale_cursor_from_a_bigger_table_just_ends() {
    a_stale_cursor_just_ends::<LinearProbing>();
    a_stale_cursor_just_ends::<RobinHoodProbing>();
    a_stale_cursor_just_ends::<QuadraticProbing>();
}

#[test]
fn every_entry_is_dropped_once_whatever_path_it_leaves_by() {
    let counted = Arc::new(());
    {
        let mut table = Linear::<u64, Arc<()>>::new(16, BucketIndex::Mod);
        for key in 0..10 {
            table.insert_new(Entry::new(key, key, Arc::clone(&counted)));
        }
        assert_eq!(Arc::strong_count(&counted), 11);
        drop(table.remove(SlotId(3)));
        table.rebuild(32).unwrap();
        let old = table.take_all(8).unwrap();
        assert_eq!(Arc::strong_count(&counted), 10);
        drop(old);
        assert_eq!(Arc::strong_count(&counted), 1);
        table.insert_new(Entry::new(1, 1, Arc::clone(&counted)));
    }
    assert_eq!(Arc::strong_count(&counted), 1, "dropping the table drops its items");
}

#[test]
#[should_panic(expected = "holds no item")]
fn a_stale_slot_id_panics_instead_of_reading_an_empty_slot() {
    let table = Linear::<u64, u64>::new(8, BucketIndex::Mod);
    table.entry(SlotId(2));
}

#[test]
fn a_slot_is_one_entry_and_nothing_beside_it() {
    let table = Linear::<u64, u64>::new(100, BucketIndex::Fibonacci);
    assert_eq!(table.heap_bytes(), 100 * 24);
}

/// The run moves (`rotate_right_one`, `rotate_left_one`) are the standard
/// rotations by one at every length, short runs and long, on values that
/// own heap memory: a value copied twice or lost would show as a wrong
/// string here, and as a double free or a leak under `make valgrind`.
#[test]
fn run_moves_rotate_by_one_as_the_standard_rotations_do() {
    for len in 0..=20 {
        let cells: Vec<String> = (0..len).map(|i| format!("cell {i}")).collect();
        let (mut right, mut left) = (cells.clone(), cells.clone());
        super::rotate_right_one(&mut right);
        super::rotate_left_one(&mut left);
        let (mut expected_right, mut expected_left) = (cells.clone(), cells);
        expected_right.rotate_right(usize::from(len > 0));
        expected_left.rotate_left(usize::from(len > 0));
        assert_eq!(right, expected_right, "right, {len} cells");
        assert_eq!(left, expected_left, "left, {len} cells");
    }
}
