use super::*;
use crate::entry::SlotId;
use crate::probe::ProbeCursor;
use crate::strategy::{BucketView, CollisionStrategy, Introspect};
use crate::test_support::{churn, find};

/// Along a cluster, `d[s] <= d[s-1] + 1`: items in order of home slot.
fn check_home_order(table: &RobinHood<u64, u64>) {
    table.check_invariants();
    for slot in 0..table.count() {
        if table.hash_at(slot) == EMPTY_HASH {
            assert_eq!(table.distances()[slot], 0, "slot {slot}: an empty slot's byte");
            continue;
        }
        assert_eq!(
            table.distances()[slot],
            distance_byte(RobinHoodProbing::displacement(table, slot)),
            "slot {slot}: its distance byte"
        );
        let real = RobinHoodProbing::displacement(table, slot);
        if real > 0 {
            let before = (slot + table.count() - 1) % table.count();
            assert!(
                table.hash_at(before) != EMPTY_HASH,
                "slot {slot}: displaced past an empty slot"
            );
            assert!(
                RobinHoodProbing::displacement(table, before) + 1 >= real,
                "slot {slot}: cluster out of home order"
            );
        }
    }
}

#[test]
fn displacement_order_holds_after_random_inserts_and_removes() {
    churn::<RobinHoodProbing>(7, 97, check_home_order);
}

#[test]
fn backward_shift_leaves_no_tombstones_and_restores_home() {
    let mut table = RobinHood::<u64, u64>::new(8, BucketIndex::Mod);
    for key in 0..4 {
        table.insert_new(Entry::new(1, key, key)); // all home at slot 1
    }
    assert_eq!(table.bucket_view(4), BucketView::Filled { displacement: 3 });
    let first = find(&table, 1, 0).unwrap();
    table.remove(first);
    assert_eq!(table.bucket_view(1), BucketView::Filled { displacement: 0 });
    assert_eq!(table.bucket_view(4), BucketView::Empty);
    let views: Vec<_> = (0..8).map(|b| table.bucket_view(b)).collect();
    assert!(!views.contains(&BucketView::Tombstone));
    assert_eq!(CollisionStrategy::<u64, u64>::tombstones(&table), 0);
    assert_eq!(table.structure().empty_buckets, 5);
}

#[test]
fn a_newcomer_steals_from_the_rich() {
    let mut table = RobinHood::<u64, u64>::new(8, BucketIndex::Mod);
    table.insert_new(Entry::new(2, 20, 0)); // slot 2, home
    table.insert_new(Entry::new(1, 10, 0)); // slot 1, home
    table.insert_new(Entry::new(1, 11, 0)); // home 1 is taken; slot 2's item is richer
    assert_eq!(find(&table, 1, 11), Some(SlotId(2)));
    assert_eq!(table.bucket_view(3), BucketView::Filled { displacement: 1 });
    assert_eq!(table.entry(SlotId(3)).key, 20);
}

#[test]
fn a_miss_stops_at_the_first_richer_item() {
    let mut table = RobinHood::<u64, u64>::new(16, BucketIndex::Mod);
    for home in 0..6 {
        table.insert_new(Entry::new(home, home, 0));
    }
    // Hash 16 homes at slot 0, where an item sits at home; slot 1's item has
    // displacement 0 < 1, so the probe ends after two slots, not seven.
    let mut cursor = ProbeCursor::new();
    assert_eq!(table.probe_next(16, &mut cursor), None);
    assert_eq!(cursor.visited(), 2);
}

#[test]
fn displacements_past_a_byte_stay_exact() {
    // Every hash equal: displacements run far past what a byte holds.
    let mut table = RobinHood::<u64, u64>::new(1024, BucketIndex::Fibonacci);
    for key in 0..600 {
        table.insert_new(Entry::new(42, key, key));
    }
    check_home_order(&table);
    let home = table.home(42);
    assert_eq!(
        table.bucket_view((home + 599) % 1024),
        BucketView::Filled { displacement: 599 }
    );
    assert_eq!(table.structure().longest, 600);
    for key in (0..600).step_by(7) {
        let slot = find(&table, 42, key).expect("present");
        table.remove(slot);
        check_home_order(&table);
    }
    for key in 0..600 {
        assert_eq!(find(&table, 42, key).is_some(), !key.is_multiple_of(7), "key {key}");
    }
}

/// The design's order in probe counts, exactly: with the same keys in the
/// same slots, Robin Hood's successful lookups visit as many slots in
/// total as linear probing's (moving items never changes the sum of
/// displacements), and its misses, stopped at the first richer item,
/// visit fewer, at every load from 0.5 up.
#[test]
fn hits_probe_as_linear_probing_does_and_misses_probe_less() {
    use crate::linear::Linear;
    use crate::test_support::mix;
    for index in [BucketIndex::Fibonacci, BucketIndex::Mask, BucketIndex::Mod] {
        for load in [0.5, 0.6, 0.7, 0.8, 0.9, 0.95] {
            let slots = 4096;
            let items = (load * slots as f64) as u64;
            let mut robin_hood = RobinHood::<u64, u64>::new(slots, index);
            let mut linear = Linear::<u64, u64>::new(slots, index);
            for key in 0..items {
                robin_hood.insert_new(Entry::new(mix(key), key, key));
                linear.insert_new(Entry::new(mix(key), key, key));
            }
            let (rh, lin) = (robin_hood.structure(), linear.structure());
            assert_eq!(
                rh.successful_probe_total, lin.successful_probe_total,
                "{index:?} at {load}"
            );
            // The same totals measured by lookups, not by the picture.
            let visits = |table: &dyn Fn(u64, &mut u64) -> bool, keys: std::ops::Range<u64>| {
                let mut visits = 0;
                for key in keys {
                    table(key, &mut visits);
                }
                visits
            };
            let rh_find = |key: u64, visits: &mut u64| {
                let found = robin_hood.find_entry(mix(key), visits, |&k| Ok::<_, ()>(k == key));
                matches!(found, Ok(Some(_)))
            };
            let lin_find = |key: u64, visits: &mut u64| {
                let found = linear.find_entry(mix(key), visits, |&k| Ok::<_, ()>(k == key));
                matches!(found, Ok(Some(_)))
            };
            assert_eq!(visits(&rh_find, 0..items), rh.successful_probe_total);
            assert_eq!(visits(&lin_find, 0..items), lin.successful_probe_total);
            let absent = items..items + 4 * slots as u64;
            let (rh_misses, lin_misses) = (visits(&rh_find, absent.clone()), visits(&lin_find, absent));
            assert!(
                rh_misses < lin_misses,
                "{index:?} at {load}: Robin Hood's misses visit {rh_misses}, linear's {lin_misses}"
            );
        }
    }
}

/// The one-pass lookup and the insert at its vacancy (`Table`'s path)
/// against the resumable scan, the slot-by-slot textbook probe: the
/// same slot for every key present, the same visits, and a miss's
/// vacancy where `insert` would put the key, in small tables (so probes
/// wrap) filled up to one empty slot, under few distinct hashes (long
/// equal-home groups) and many, and under every index.
#[test]
fn the_windowed_lookup_agrees_with_the_textbook_probe() {
    use crate::test_support::splitmix;
    for index in BucketIndex::ALL {
        for (slots, hashes) in [(16, 5), (16, 1 << 40), (64, 17), (64, 1 << 40), (1024, 3)] {
            let mut state = slots as u64 ^ hashes;
            let mut table = RobinHood::<u64, u64>::new(slots, index);
            let mut present: Vec<(u64, u64)> = Vec::new();
            for round in 0..3000u64 {
                let roll = splitmix(&mut state);
                let full = table.count() - 1;
                let hash = splitmix(&mut state) % hashes;
                if present.len() < full && (!roll.is_multiple_of(3) || present.is_empty()) {
                    let mut visits = 0;
                    let settled = table.find_settled(hash, &mut visits, |_: &u64| Ok::<_, ()>(Verdict::Unequal));
                    let Ok(Settled::Absent(vacancy)) = settled else {
                        panic!("a new key was found")
                    };
                    let mut cursor = ProbeCursor::new();
                    while table.probe_next(hash, &mut cursor).is_some() {}
                    assert_eq!(visits, cursor.visited(), "{index:?}: a miss's visits");
                    let slot = table.insert_at(vacancy, Entry::new(hash, round, round));
                    present.push((hash, round));
                    assert_eq!(find(&table, hash, round), Some(slot));
                } else {
                    let (hash, key) = present.swap_remove((roll as usize >> 8) % present.len());
                    table.remove(find(&table, hash, key).expect("present"));
                }
                if round % 7 == 0 || table.count() <= 64 {
                    check_home_order(&table);
                }
                for &(hash, key) in present.iter().rev().take(8) {
                    let mut visits = 0;
                    let settled = table.find_settled(hash, &mut visits, |&k: &u64| {
                        Ok::<_, ()>(if k == key { Verdict::Equal } else { Verdict::Unequal })
                    });
                    let Ok(Settled::Found(slot, _)) = settled else {
                        panic!("{index:?}: lost key {key}")
                    };
                    assert_eq!(Some(slot), find(&table, hash, key));
                    let mut cursor = ProbeCursor::new();
                    while let Some(at) = table.probe_next(hash, &mut cursor) {
                        if table.entry(at).key == key {
                            break;
                        }
                    }
                    assert_eq!(visits, cursor.visited(), "{index:?}: a hit's visits");
                }
            }
        }
    }
}

#[test]
fn expected_probes_follow_knuth() {
    let table = RobinHood::<u64, u64>::new(8, BucketIndex::Mod);
    let at_half = table.expected_probes(0.5);
    assert!((at_half.hit - 1.5).abs() < 1e-12);
    assert!((at_half.miss - 2.5).abs() < 1e-12);
    assert_eq!(table.expected_probes(0.0), ExpectedProbes { hit: 1.0, miss: 1.0 });
}
