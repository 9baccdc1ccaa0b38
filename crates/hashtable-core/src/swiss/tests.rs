use std::sync::Arc;

use super::group::is_full;
use super::probe::PENDING;
use super::*;
use crate::config::TableConfig;
use crate::table::Table;
use crate::test_support::{find, mix};

fn mirror_holds(table: &Swiss<u64, u64>) -> bool {
    let buckets = table.buckets();
    table.ctrl[buckets..] == table.ctrl[..GROUP]
}

/// The byte a delete must leave, from a plain scan of the cyclic run of
/// non-EMPTY slots through `slot` (counting `slot` itself).
fn scalar_vacated_byte(ctrl: &[u8], buckets: usize, slot: usize) -> u8 {
    let before = (1..buckets)
        .take_while(|d| ctrl[(slot + buckets - d) % buckets] != EMPTY)
        .count();
    let after = (0..buckets).take_while(|d| ctrl[(slot + d) % buckets] != EMPTY).count();
    if before.min(GROUP) + after.min(GROUP) >= GROUP {
        DELETED
    } else {
        EMPTY
    }
}

#[test]
fn sizes_round_up_to_a_power_of_two_of_at_least_four() {
    assert_eq!(Swiss::<(), ()>::usable_size(1, BucketIndex::Mod), 4);
    assert_eq!(Swiss::<(), ()>::usable_size(4, BucketIndex::Fibonacci), 4);
    assert_eq!(Swiss::<(), ()>::usable_size(5, BucketIndex::Fibonacci), 8);
    assert_eq!(
        Swiss::<(), ()>::usable_size(GROUP + 1, BucketIndex::Fibonacci),
        2 * GROUP
    );
    assert_eq!(Swiss::<(), ()>::usable_size(1000, BucketIndex::Mask), 1024);
    let table = Swiss::<u64, u64>::new(5, BucketIndex::Mod);
    assert_eq!(table.bucket_count(), 8);
    assert_eq!(table.ctrl.len(), 8 + GROUP);
}

#[test]
fn tables_smaller_than_a_group_fill_every_slot_and_find_each_item() {
    for index in BucketIndex::ALL.iter().copied() {
        for buckets in [4, 8] {
            // Every item on one home slot, and then on spread ones: the EMPTY
            // bytes past the slots must never send an insert to a full slot.
            for shared in [true, false] {
                let mut table = Swiss::<u64, u64>::new(buckets, index);
                let hash = |key: u64| if shared { 3 } else { mix(key) };
                for key in 0..buckets as u64 - 1 {
                    table.insert_new(Entry::new(hash(key), key, key * 10));
                    assert_eq!(
                        table.bucket_count(),
                        buckets,
                        "{index:?}: no growth while a slot is free"
                    );
                }
                let mut seen = std::collections::BTreeSet::new();
                for key in 0..buckets as u64 - 1 {
                    let mut cursor = ProbeCursor::new();
                    let slot = std::iter::from_fn(|| table.probe_next(hash(key), &mut cursor))
                        .find(|&slot| table.entry(slot).key == key)
                        .unwrap_or_else(|| panic!("{index:?} {buckets}: key {key} lost"));
                    assert_eq!(table.entry(slot).value, key * 10);
                    assert!(seen.insert(slot.index()), "two keys in slot {}", slot.index());
                }
                let victim = {
                    let mut cursor = ProbeCursor::new();
                    std::iter::from_fn(|| table.probe_next(hash(1), &mut cursor))
                        .find(|&slot| table.entry(slot).key == 1)
                        .unwrap()
                };
                assert_eq!(table.remove(victim).key, 1);
                assert_eq!(table.tombstones(), 0, "a window always holds an EMPTY here");
                let mut cursor = ProbeCursor::new();
                assert!(std::iter::from_fn(|| table.probe_next(hash(1), &mut cursor)).all(|s| table.entry(s).key != 1));
            }
        }
    }
}

#[test]
fn the_trailing_mirror_always_equals_the_head() {
    for index in BucketIndex::ALL {
        let mut table = Swiss::<u64, u64>::new(64, index);
        let mut live = Vec::new();
        for step in 0..3000u64 {
            let r = mix(step);
            if !r.is_multiple_of(3) && table.len() < 40 {
                let key = r >> 8;
                if find(&table, mix(key), key).is_none() {
                    table.insert_new(Entry::new(mix(key), key, step));
                    live.push(key);
                }
            } else if !live.is_empty() {
                let key = live.swap_remove((r >> 8) as usize % live.len());
                let slot = find(&table, mix(key), key).unwrap();
                table.remove(slot);
            }
            assert!(mirror_holds(&table), "{index:?} step {step}");
        }
        for key in &live {
            assert!(find(&table, mix(*key), *key).is_some());
        }
    }
}

/// Both removals (`remove`, and `remove_found` with the rule inlined) and
/// both forms of the rule agree with a plain scan.
#[test]
fn deletes_follow_the_empty_versus_deleted_rule() {
    let mut table = Swiss::<u64, u64>::new(256, BucketIndex::Mask);
    let mut live = Vec::new();
    let mut empties = 0;
    let mut tombstones = 0;
    for step in 0..20_000u64 {
        let r = mix(step ^ 0xABCD);
        if r.is_multiple_of(2) && table.len() + table.tombstones() < 220 {
            // Forty home slots for up to 220 items: long runs, some short ones.
            let key = step;
            let hash = (key << 20) | ((mix(key) % 40) * 6);
            table.insert_new(Entry::new(hash, key, 0));
            live.push((hash, key));
        } else if !live.is_empty() {
            let (hash, key) = live.swap_remove((r >> 8) as usize % live.len());
            let slot = find(&table, hash, key).unwrap();
            let want = scalar_vacated_byte(&table.ctrl, table.buckets(), slot.0);
            assert_eq!(table.vacated_byte_inline(slot.0), want, "step {step}");
            if r & 4 == 0 {
                table.remove(slot);
            } else {
                // SAFETY: `find` just found an entry in `slot`.
                unsafe { table.remove_found(slot) };
            }
            assert_eq!(table.ctrl[slot.0], want, "step {step}");
            if want == EMPTY {
                empties += 1;
            } else {
                tombstones += 1;
            }
        }
        let deleted = table.ctrl[..table.buckets()].iter().filter(|&&b| b == DELETED).count();
        assert_eq!(table.tombstones(), deleted);
    }
    assert!(
        empties > 100 && tombstones > 100,
        "{empties} EMPTY, {tombstones} DELETED"
    );
    for (hash, key) in live {
        assert!(find(&table, hash, key).is_some(), "lost {key}");
    }
}

#[test]
fn a_delete_inside_a_full_window_leaves_a_tombstone_the_probe_runs_past() {
    // Mask index and hashes that are multiples of the size: every home is slot 0.
    let buckets = 4 * GROUP;
    let mut table = Swiss::<u64, u64>::new(buckets, BucketIndex::Mask);
    let hash = |key: u64| (key << 32) * buckets as u64;
    for key in 0..GROUP as u64 + 3 {
        table.insert_new(Entry::new(hash(key), key, key));
    }
    // The first window is full, so the overflow went to the next one (stride GROUP).
    let spilled = find(&table, hash(GROUP as u64), GROUP as u64).unwrap();
    assert!(spilled.0 >= GROUP, "{spilled:?}");
    let first = find(&table, hash(1), 1).unwrap();
    assert!(first.0 < GROUP);
    table.remove(first);
    assert_eq!(table.ctrl[first.0], DELETED);
    assert_eq!(table.tombstones(), 1);
    // Had the delete written EMPTY, this probe would stop in the first window.
    assert_eq!(find(&table, hash(GROUP as u64), GROUP as u64), Some(spilled));
    // The next insert reuses the tombstone.
    table.insert_new(Entry::new(hash(1000), 1000, 0));
    assert_eq!(table.tombstones(), 0);
    assert_eq!(find(&table, hash(1000), 1000), Some(first));

    // In a sparse table every window around a slot has an EMPTY: no tombstone.
    let mut sparse = Swiss::<u64, u64>::new(buckets, BucketIndex::Mask);
    sparse.insert_new(Entry::new(hash(1), 1, 1));
    let slot = find(&sparse, hash(1), 1).unwrap();
    sparse.remove(slot);
    assert_eq!(sparse.ctrl[slot.0], EMPTY);
    assert_eq!(sparse.tombstones(), 0);
}

#[test]
fn a_probe_resumes_across_colliding_hashes_and_counts_its_visits() {
    let mut table = Swiss::<u64, u64>::new(256, BucketIndex::Fibonacci);
    let shared = mix(7);
    for key in 0..40 {
        table.insert_new(Entry::new(shared, key, key));
    }
    for key in 100..200 {
        table.insert_new(Entry::new(mix(key), key, key));
    }
    // Each visit works on a copy of the cursor: its state is plain data.
    let mut cursor = ProbeCursor::new();
    let mut seen = Vec::new();
    loop {
        let mut next = cursor;
        let Some(slot) = table.probe_next(shared, &mut next) else {
            cursor = next;
            break;
        };
        seen.push(table.entry(slot).key);
        cursor = next;
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..40).collect::<Vec<_>>());
    // 40 items need at least three 16-slot windows; each tag match is a visit.
    let windows = cursor.visited - 40;
    assert!(windows > 40 / GROUP as u64, "{}", cursor.visited);
    assert_eq!(table.probe_next(shared, &mut cursor), None);
}

#[test]
fn tags_spread_sequential_int_hashes() {
    // Python's hash(i) == i: the raw top bits would all be zero.
    let tags: std::collections::HashSet<u8> = (0..1024u64).map(tag).collect();
    assert_eq!(tags.len(), 128);
    let mut table = Table::with_strategy(
        TableConfig {
            strategy: StrategyKind::Swiss,
            max_load: 0.875,
            ..TableConfig::default()
        },
        Swiss::<u64, u64>::new(16, BucketIndex::Fibonacci),
    )
    .unwrap();
    for i in 0..100_000u64 {
        table.insert_new(i, i, i).unwrap();
    }
    let stats = table.stats();
    // About one window plus the item's own tag match.
    assert!(stats.mean_probe < 2.3, "{stats:?}");
}

#[test]
fn mean_probe_tracks_the_group_model() {
    for max_load in [0.25, 0.5, 0.875, 0.95] {
        let mut table = Table::with_strategy(
            TableConfig {
                strategy: StrategyKind::Swiss,
                max_load,
                ..TableConfig::default()
            },
            Swiss::<u64, u64>::new(1 << 14, BucketIndex::Mask),
        )
        .unwrap();
        let items = (max_load * (1 << 14) as f64) as u64;
        for i in 0..items {
            table.insert_new(mix(i), i, i).unwrap();
        }
        assert_eq!(table.size(), 1 << 14);
        let stats = table.stats();
        let relative = stats.mean_probe / stats.expected_probe_hit;
        let hit_range = if max_load < 0.9 { 0.93..1.1 } else { 0.98..1.3 };
        assert!(hit_range.contains(&relative), "{max_load}: {stats:?}");
        // Misses: probe for hashes that are not stored.
        let before = table.counters().comparisons;
        for i in 0..10_000u64 {
            assert_eq!(table.find(mix(i + items), |_| Ok::<_, ()>(false)), Ok(None));
        }
        let mean_miss = (table.counters().comparisons - before) as f64 / 10_000.0;
        let relative = mean_miss / stats.expected_probe_miss;
        if max_load <= 0.5 {
            assert!((0.95..1.05).contains(&relative), "{max_load}: {mean_miss} vs {stats:?}");
        } else {
            // Clustering inside windows: the model is a lower bound here.
            assert!(relative > 0.98, "{max_load}: {mean_miss} vs {stats:?}");
        }
    }
}

#[test]
fn expected_probes_match_the_module_comment() {
    let at = |alpha| expected_probes(alpha, 16);
    assert_eq!(at(0.0).miss, 1.0);
    assert!((at(0.0).hit - 2.0).abs() < 1e-12);
    assert!((at(0.875).miss - 1.26).abs() < 0.01, "{:?}", at(0.875));
    assert!((at(0.875).hit - 2.06).abs() < 0.01, "{:?}", at(0.875));
    let mut last = at(0.0);
    for step in 1..100 {
        let now = at(step as f64 / 100.0);
        assert!(now.hit > last.hit && now.miss > last.miss);
        last = now;
    }
    assert!(at(1.0).miss.is_infinite());
}

#[test]
fn last_slot_is_the_highest_full_slot_through_pops() {
    let mut table = Swiss::<u64, u64>::new(128, BucketIndex::Fibonacci);
    for key in 0..60 {
        table.insert_new(Entry::new(mix(key), key, key));
    }
    let mut popped = 0;
    while let Some(slot) = table.last_slot() {
        let highest = (0..table.buckets()).rev().find(|&s| is_full(table.ctrl[s]));
        assert_eq!(Some(slot.0), highest);
        // Iteration ends with the same slot.
        let mut cursor = IterCursor::new();
        let mut last = None;
        while let Some(s) = table.iter_next(&mut cursor) {
            last = Some(s);
        }
        assert_eq!(last, Some(slot));
        table.remove(slot);
        popped += 1;
    }
    assert_eq!(popped, 60);
    assert!(table.is_empty());
}

#[test]
fn bucket_view_reports_displacement_from_home() {
    let buckets = 2 * GROUP;
    let mut table = Swiss::<u64, u64>::new(buckets, BucketIndex::Mask);
    // Home slot buckets - 2 for all three: the third wraps around to slot 0.
    let hash = |key: u64| (key << 40) | (buckets as u64 - 2);
    for key in 0..3 {
        table.insert_new(Entry::new(hash(key), key, key));
    }
    let views: Vec<_> = [buckets - 2, buckets - 1, 0, 1]
        .iter()
        .map(|&b| table.bucket_view(b))
        .collect();
    assert_eq!(
        views,
        [
            BucketView::Filled { displacement: 0 },
            BucketView::Filled { displacement: 1 },
            BucketView::Filled { displacement: 2 },
            BucketView::Empty,
        ]
    );
    assert!(mirror_holds(&table));
}

#[test]
fn every_entry_is_dropped_exactly_once() {
    let token = Arc::new(());
    {
        let mut table = Swiss::<u64, Arc<()>>::new(16, BucketIndex::Fibonacci);
        for key in 0..200 {
            table.insert_new(Entry::new(mix(key), key, Arc::clone(&token)));
            if table.len() * 8 > table.buckets() * 7 {
                table.rebuild(table.buckets() * 2).unwrap();
            }
        }
        assert_eq!(Arc::strong_count(&token), 201);
        for key in 0..50 {
            let mut cursor = ProbeCursor::new();
            let slot = std::iter::from_fn(|| table.probe_next(mix(key), &mut cursor))
                .find(|&s| table.entry(s).key == key)
                .unwrap();
            drop(table.remove(slot));
        }
        assert_eq!(Arc::strong_count(&token), 151);
        table.rebuild(table.buckets()).unwrap();
        assert_eq!(Arc::strong_count(&token), 151);
        let drained = table.take_all(16).unwrap();
        assert_eq!(drained.len(), 150);
        assert!(table.is_empty());
        drop(drained);
        assert_eq!(Arc::strong_count(&token), 1);
        for key in 0..10 {
            table.insert_new(Entry::new(mix(key), key, Arc::clone(&token)));
        }
        assert_eq!(Arc::strong_count(&token), 11);
    }
    assert_eq!(Arc::strong_count(&token), 1);
}

#[test]
#[should_panic(expected = "insert into a full table")]
fn a_strategy_never_grows_itself_and_refuses_the_insert_that_needs_it() {
    // Growing is the Table's decision: filled to the last slot, the strategy
    // still finds every key and ends every miss (after the last window), and
    // refuses one more rather than resize.
    let mut table = Swiss::<u64, u64>::new(GROUP, BucketIndex::Fibonacci);
    for key in 0..GROUP as u64 {
        table.insert_new(Entry::new(mix(key), key, key));
    }
    assert_eq!(table.buckets(), GROUP, "no growth");
    for key in 0..GROUP as u64 {
        assert!(find(&table, mix(key), key).is_some());
        assert_eq!(find(&table, mix(key + 1000), key + 1000), None);
    }
    table.insert_new(Entry::new(mix(GROUP as u64), 0, 0));
}

#[test]
fn a_stale_cursor_from_a_bigger_table_just_ends() {
    let mut big = Swiss::<u64, u64>::new(256, BucketIndex::Mask);
    big.insert_new(Entry::new(200, 1, 1));
    let mut cursor = ProbeCursor::new();
    assert_eq!(big.probe_next(200, &mut cursor), Some(SlotId(200)));
    let small = Swiss::<u64, u64>::new(16, BucketIndex::Mask);
    assert_eq!(small.probe_next(200, &mut cursor), None);
    assert_eq!(small.probe_next(200, &mut cursor), None);
}

#[test]
fn a_stale_cursor_only_ever_yields_full_slots() {
    // Contract: a cursor is resumed only while the table is unchanged. Misuse
    // must still stay memory-safe: pending tag matches may name emptied slots.
    let mut table = Swiss::<u64, u64>::new(64, BucketIndex::Fibonacci);
    let shared = mix(3);
    for key in 0..20 {
        table.insert_new(Entry::new(shared, key, key));
    }
    let mut cursor = ProbeCursor::new();
    let first = table.probe_next(shared, &mut cursor).unwrap();
    assert_ne!(cursor.matches & PENDING, 0, "matches are pending in the window");
    let mut stale = cursor;
    for key in 0..20 {
        if let Some(slot) = find(&table, shared, key) {
            if slot != first {
                table.remove(slot);
            }
        }
    }
    assert_eq!(table.len(), 1);
    while let Some(slot) = table.probe_next(shared, &mut stale) {
        assert!(is_full(table.ctrl[slot.0]));
        assert_eq!(table.entry(slot).hash, shared);
    }
}

#[test]
fn home_agrees_with_the_bucket_index_at_every_size() {
    for index in BucketIndex::ALL {
        let mut table = Swiss::<u64, u64>::new(GROUP, index);
        let mut hashes: Vec<u64> = (0..2000).map(mix).collect();
        hashes.extend([0, 1, u64::MAX, 1 << 63, 0x9E37_79B9_7F4A_7C15, 12345 << 40]);
        for _ in 0..12 {
            let buckets = table.buckets();
            for &hash in &hashes {
                assert_eq!(
                    table.home(hash),
                    index.bucket(hash, buckets),
                    "{index:?} {buckets} {hash:#x}"
                );
            }
            // Growing recomputes the split.
            table.rebuild(buckets * 2).unwrap();
        }
        // And a reset to a smaller size (drain) does too.
        drop(table.take_all(GROUP).unwrap());
        for &hash in &hashes {
            assert_eq!(table.home(hash), index.bucket(hash, GROUP), "{index:?} {hash:#x}");
        }
    }
}

#[test]
fn a_probe_resumed_after_a_hit_in_the_home_window_ends_at_its_empty() {
    // Three items share a hash; the home window still has EMPTY slots, so
    // after the three hits the probe ends without loading another window.
    let mut table = Swiss::<u64, u64>::new(4 * GROUP, BucketIndex::Mask);
    let shared = 5u64;
    for key in 0..3 {
        table.insert_new(Entry::new(shared, key, key));
    }
    let mut cursor = ProbeCursor::new();
    let mut seen = Vec::new();
    while let Some(slot) = table.probe_next(shared, &mut cursor) {
        seen.push(slot.0);
    }
    assert_eq!(seen, [5, 6, 7]);
    assert_eq!(cursor.visited, 1 + 3, "one window and three tag matches");
    assert_eq!(table.probe_next(shared, &mut cursor), None);
    assert_eq!(cursor.visited, 4, "an ended probe visits nothing more");
    // A miss in a window with an EMPTY: one visit, and the probe is over.
    let mut miss = ProbeCursor::new();
    assert_eq!(table.probe_next(shared + (1 << 40), &mut miss), None);
    assert!(miss.visited == 1 || miss.visited == 2, "{}", miss.visited);
    assert_eq!(table.probe_next(shared + (1 << 40), &mut miss), None);
}

#[test]
fn a_full_home_window_sends_the_probe_on_to_the_next() {
    // Every hash has home 0 (mask index, multiples of the size): GROUP + 2
    // items fill the first window and spill into the next (stride GROUP).
    let buckets = 4 * GROUP;
    let mut table = Swiss::<u64, u64>::new(buckets, BucketIndex::Mask);
    let hash = |key: u64| ((key + 1) * buckets as u64) << 8;
    for key in 0..GROUP as u64 + 2 {
        table.insert_new(Entry::new(hash(key), key, key));
    }
    for key in 0..GROUP as u64 + 2 {
        let slot = find(&table, hash(key), key).unwrap();
        assert_eq!(table.entry(slot).key, key);
    }
    // An absent hash with the same home reads both windows (the first is full).
    let mut cursor = ProbeCursor::new();
    let absent = hash(1000);
    let found: Vec<_> = std::iter::from_fn(|| table.probe_next(absent, &mut cursor)).collect();
    assert!(found.is_empty());
    let windows = 2;
    let tag_matches = (0..buckets).filter(|&s| table.ctrl[s] == tag(absent)).count() as u64;
    assert!(
        cursor.visited >= windows && cursor.visited <= windows + tag_matches,
        "{}",
        cursor.visited
    );
}

#[test]
fn entry_refuses_slots_that_hold_no_item() {
    let mut table = Swiss::<u64, u64>::new(GROUP, BucketIndex::Mask);
    table.insert_new(Entry::new(3, 3, 3));
    assert_eq!(table.entry(SlotId(3)).key, 3);
    // Slot GROUP is past the end, though its mirror control byte is a tag.
    for slot in [0, 4, GROUP, GROUP + 3, usize::MAX] {
        let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| table.entry(SlotId(slot)).key));
        assert!(refused.is_err(), "slot {slot}");
    }
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        table.entry_mut(SlotId(GROUP + 3)).value
    }));
    assert!(refused.is_err());
}
