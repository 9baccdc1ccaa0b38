use super::probe::read_limit;
use super::raw::{home_split, GOLDEN_RATIO_64};
use super::*;
use crate::config::TableConfig;
use crate::table::Table;
use crate::test_support::{find, mix};

fn keys_in_order(compact: &Compact<u64, u64>) -> Vec<u64> {
    let mut cursor = IterCursor::new();
    std::iter::from_fn(|| compact.iter_next(&mut cursor))
        .map(|slot| compact.entry(slot).key)
        .collect()
}

fn dummies(compact: &Compact<u64, u64>) -> usize {
    (0..compact.slots())
        .filter(|&s| compact.indices.get(s) == DUMMY)
        .count()
}

fn holes(compact: &Compact<u64, u64>) -> usize {
    compact.entries.iter().filter(|e| e.is_none()).count()
}

/// Colliding hashes for a fifth of the keys keep some walks long.
fn hash_of(key: u64) -> u64 {
    if key.is_multiple_of(5) {
        42
    } else {
        mix(key)
    }
}

#[test]
fn iteration_is_insertion_order_after_deletes_and_rebuilds() {
    for index in BucketIndex::ALL {
        let mut compact = Compact::<u64, u64>::new(64, index);
        let mut order: Vec<u64> = Vec::new();
        for step in 0..4000u64 {
            let r = mix(step);
            let key = r % 300;
            let hash = hash_of(key);
            match find(&compact, hash, key) {
                None if r >> 62 != 0 => {
                    // Keep the Table's invariant by hand: grow or clean first.
                    let slots = compact.slots();
                    if (compact.len() + compact.tombstones() + 1) * 3 > slots * 2 {
                        compact
                            .rebuild(if (compact.len() + 1) * 3 > slots {
                                slots * 2
                            } else {
                                slots
                            })
                            .unwrap();
                        assert_eq!(compact.tombstones(), 0);
                        assert_eq!(compact.entries.len(), compact.len(), "a rebuild compacts");
                    }
                    compact.insert_new(Entry::new(hash, key, step));
                    order.push(key);
                }
                Some(slot) if r >> 62 == 0 => {
                    assert_eq!(compact.remove(slot).key, key);
                    order.retain(|&k| k != key);
                }
                _ => {}
            }
            assert_eq!(keys_in_order(&compact), order, "{index:?} step {step}");
            assert_eq!(compact.tombstones(), dummies(&compact));
            assert!(holes(&compact) <= compact.tombstones());
        }
        compact.rebuild(compact.slots()).unwrap();
        assert_eq!(keys_in_order(&compact), order);
        assert_eq!(holes(&compact), 0);
    }
}

#[test]
fn the_table_policy_keeps_order_through_growth_and_tombstone_rebuilds() {
    let config = TableConfig {
        strategy: StrategyKind::Compact,
        max_load: 0.66,
        ..TableConfig::default()
    };
    let mut table = Table::new(config).unwrap();
    let same = |k: u64| move |stored: &u64| Ok::<_, ()>(*stored == k);
    let mut order = Vec::new();
    for round in 0..50u64 {
        for key in round * 40..round * 40 + 40 {
            table.insert(mix(key), key, key, same(key)).unwrap();
            order.push(key);
        }
        // Most of each round removed: the items stay few beside the
        // tombstones, which same-size rebuilds clear while the items fill
        // at most half the load limit; the rest grows the table.
        for key in round * 40..round * 40 + 37 {
            table.remove(mix(key), same(key)).unwrap().unwrap();
            order.retain(|&k| k != key);
        }
    }
    let counters = table.counters();
    assert!(counters.resizes > 0 && counters.rebuilds > 0, "{counters:?}");
    let mut cursor = IterCursor::new();
    let seen: Vec<u64> = std::iter::from_fn(|| table.iter_next(&mut cursor))
        .map(|slot| table.entry(slot).key)
        .collect();
    assert_eq!(seen, order);
}

#[test]
fn index_width_follows_the_slot_count_as_the_table_grows() {
    let mut compact = Compact::<u64, u64>::new(8, BucketIndex::Mask);
    let mut widths = Vec::new();
    for key in 0..40_000u64 {
        if (compact.len() + 1) * 3 > compact.slots() * 2 {
            compact.rebuild(compact.slots() * 2).unwrap();
        }
        compact.insert_new(Entry::new(mix(key), key, key));
        if widths.last() != Some(&(compact.slots(), compact.indices.width())) {
            widths.push((compact.slots(), compact.indices.width()));
        }
    }
    assert!(widths.contains(&(128, 1)), "{widths:?}");
    assert!(widths.contains(&(256, 2)), "{widths:?}");
    assert!(widths.contains(&(1 << 15, 2)), "{widths:?}");
    assert!(widths.contains(&(1 << 16, 4)), "{widths:?}");
    for key in (0..40_000u64).step_by(997) {
        assert_eq!(compact.entry(find(&compact, mix(key), key).unwrap()).value, key);
    }
    // The index really is narrow: 2^16 slots of 4 bytes each, plus the entries.
    let entry_bytes = compact.entries.capacity() * mem::size_of::<Option<Entry<u64, u64>>>();
    assert_eq!(compact.heap_bytes(), (1 << 16) * 4 + entry_bytes);
}

#[test]
fn the_walk_is_cpythons_recurrence() {
    // CPython's comment: with perturb 0, 8 slots are visited 0 1 6 7 4 5 2 3.
    let mut walk = Walk::new(0, 0, 7);
    let mut seen = vec![walk.slot];
    for _ in 0..7 {
        walk.advance();
        seen.push(walk.slot);
    }
    assert_eq!(seen, [0, 1, 6, 7, 4, 5, 2, 3]);
    // With perturb: i = 5i + (perturb >>= 5) + 1, masked.
    let hash = 0xDEAD_BEEF_u64;
    let mut walk = Walk::new(3, hash, 1023);
    walk.advance();
    assert_eq!(walk.slot, (3 * 5 + (hash >> 5) as usize + 1) & 1023);
    walk.advance();
    let expected = ((3 * 5 + (hash >> 5) as usize + 1) & 1023) * 5 + (hash >> 10) as usize + 1;
    assert_eq!(walk.slot, expected & 1023);
}

#[test]
fn a_probe_reads_index_slots_along_the_walk_and_resumes() {
    let mut compact = Compact::<u64, u64>::new(64, BucketIndex::Mask);
    // Same full hash for all: each is a candidate, in walk order.
    for key in 0..30 {
        compact.insert_new(Entry::new(7, key, key));
    }
    let mut cursor = ProbeCursor::new();
    let mut walk = compact.walk(7);
    for key in 0..30 {
        let mut copy = cursor;
        let slot = compact.probe_next(7, &mut copy).unwrap();
        cursor = copy;
        // Inserted in walk order, so found in insertion order, one read each.
        assert_eq!(compact.entry(slot).key, key);
        assert_eq!(cursor.visited, key + 1);
        assert_eq!(compact.indices.get(walk.slot), slot.0 as isize);
        walk.advance();
    }
    assert_eq!(compact.probe_next(7, &mut cursor), None);
    assert_eq!(cursor.visited, 31, "the EMPTY that ends the probe is read too");
    assert_eq!(compact.probe_next(7, &mut cursor), None);
    assert_eq!(cursor.visited, 31);
    // An empty table: a miss reads exactly the home slot.
    let empty = Compact::<u64, u64>::new(8, BucketIndex::Mask);
    let mut cursor = ProbeCursor::new();
    assert_eq!(empty.probe_next(12345, &mut cursor), None);
    assert_eq!(cursor.visited, 1);
}

#[test]
fn deletes_leave_dummies_that_probes_walk_past() {
    let mut compact = Compact::<u64, u64>::new(32, BucketIndex::Mask);
    for key in 0..10 {
        compact.insert_new(Entry::new(99, key, key));
    }
    // Deleting the first on the shared walk must not hide the rest.
    let first = find(&compact, 99, 0).unwrap();
    let home = compact.home(99);
    assert_eq!(compact.indices.get(home), first.0 as isize);
    compact.remove(first);
    assert_eq!(compact.indices.get(home), DUMMY);
    assert_eq!(compact.bucket_view(home), BucketView::Tombstone);
    assert_eq!(compact.tombstones(), 1);
    for key in 1..10 {
        assert!(find(&compact, 99, key).is_some());
    }
    // A new key never reuses the DUMMY: it takes the walk's first EMPTY.
    compact.insert_new(Entry::new(99, 10, 10));
    assert_eq!(compact.indices.get(home), DUMMY);
    assert_eq!(compact.tombstones(), 1);
    assert_eq!(holes(&compact), 1);
    let structure = compact.structure();
    assert_eq!(structure.tombstones, 1);
    assert_eq!(structure.empty_buckets, 32 - 10 - 1);
    // Ten items on one walk: probe lengths 2..=11 (the DUMMY is read first).
    assert_eq!(structure.histogram, (2..=11).map(|reads| (reads, 1)).collect());
    assert_eq!(structure.successful_probe_total, (2..=11).sum::<usize>() as u64);
}

#[test]
fn last_slot_pops_newest_first_and_trims_holes() {
    let mut compact = Compact::<u64, u64>::new(64, BucketIndex::Fibonacci);
    for key in 0..20 {
        compact.insert_new(Entry::new(mix(key), key, key));
    }
    // Punch holes just below the top, then pop: the holes go with it.
    for key in [17, 18] {
        let slot = find(&compact, mix(key), key).unwrap();
        compact.remove(slot);
    }
    assert_eq!(compact.entries.len(), 20);
    let last = compact.last_slot().unwrap();
    let popped = compact.remove(last);
    assert_eq!(popped.key, 19);
    assert_eq!(compact.entries.len(), 17, "trailing holes trimmed");
    let mut popped = Vec::new();
    while let Some(slot) = compact.last_slot() {
        popped.push(compact.remove(slot).key);
    }
    assert_eq!(popped, (0..17).rev().collect::<Vec<_>>());
    assert!(compact.is_empty());
}

#[test]
fn bucket_view_shows_walk_steps_from_home() {
    let mut compact = Compact::<u64, u64>::new(16, BucketIndex::Mask);
    for key in 0..4 {
        compact.insert_new(Entry::new(5, key, key));
    }
    let mut walk = compact.walk(5);
    for steps in 0..4 {
        assert_eq!(
            compact.bucket_view(walk.slot),
            BucketView::Filled { displacement: steps }
        );
        walk.advance();
    }
    assert_eq!(compact.bucket_view(walk.slot), BucketView::Empty);
}

#[test]
fn mean_probe_tracks_uniform_probing() {
    for max_load in [0.5, 2.0 / 3.0, 0.85] {
        let config = TableConfig {
            strategy: StrategyKind::Compact,
            max_load,
            ..TableConfig::default()
        };
        let mut table = Table::with_strategy(config, Compact::<u64, u64>::new(1 << 14, BucketIndex::Mask)).unwrap();
        let items = (max_load * (1 << 14) as f64) as u64;
        for i in 0..items {
            table.insert_new(mix(i), i, i).unwrap();
        }
        assert_eq!(table.size(), 1 << 14);
        let stats = table.stats();
        let relative = stats.mean_probe / stats.expected_probe_hit;
        assert!((0.95..1.05).contains(&relative), "{max_load}: {stats:?}");
        let before = table.counters().comparisons;
        for i in 0..10_000u64 {
            assert_eq!(table.find(mix(i + items), |_| Ok::<_, ()>(false)), Ok(None));
        }
        let mean_miss = (table.counters().comparisons - before) as f64 / 10_000.0;
        let relative = mean_miss / stats.expected_probe_miss;
        assert!((0.9..1.1).contains(&relative), "{max_load}: {mean_miss} vs {stats:?}");
    }
}

#[test]
fn expected_probes_are_the_uniform_formulas() {
    let compact = Compact::<u64, u64>::new(8, BucketIndex::Mask);
    let at = |alpha| Introspect::expected_probes(&compact, alpha);
    assert_eq!(at(0.0), ExpectedProbes { hit: 1.0, miss: 1.0 });
    assert!((at(0.5).hit - 2f64.ln() / 0.5).abs() < 1e-12);
    assert_eq!(at(0.5).miss, 2.0);
    assert!((at(2.0 / 3.0).hit - 1.648).abs() < 1e-3);
    assert!(at(1.0).miss.is_infinite());
}

#[test]
#[should_panic(expected = "last EMPTY index slot")]
fn a_strategy_never_grows_itself_and_refuses_the_insert_that_needs_it() {
    // Growing is the Table's decision: with every index slot but one used,
    // the strategy still finds every key and ends every miss at the one
    // EMPTY slot left, and refuses one more rather than resize or let a
    // probe spin.
    let mut compact = Compact::<u64, u64>::new(8, BucketIndex::Fibonacci);
    for key in 0..7 {
        compact.insert_new(Entry::new(mix(key), key, key));
    }
    assert_eq!(compact.slots(), 8, "no growth");
    for key in 0..7 {
        assert!(find(&compact, mix(key), key).is_some());
        assert_eq!(find(&compact, mix(key + 1000), key + 1000), None);
        let mut visits = 0;
        let missed = compact.find_entry(mix(key + 1000), &mut visits, |_| Ok::<_, ()>(false));
        assert!(matches!(missed, Ok(None)) && visits <= 8 + 12);
    }
    compact.insert_new(Entry::new(mix(7), 7, 7));
}

#[test]
fn a_walk_that_comes_back_to_a_slot_yields_its_candidate_once() {
    // A hash whose walk over 16 slots reads some slot twice within 12 steps.
    let (hash, home_slot) = (1u64..)
        .map(|hash| (hash, Walk::new((hash & 15) as usize, hash, 15)))
        .find_map(|(hash, walk)| {
            let mut seen = Vec::new();
            let mut w = walk;
            for _ in 0..12 {
                if seen.contains(&w.slot) {
                    return Some((hash, walk.slot));
                }
                seen.push(w.slot);
                w.advance();
            }
            None
        })
        .unwrap();
    let mut compact = Compact::<u64, u64>::new(16, BucketIndex::Mask);
    assert_eq!(compact.home(hash), home_slot);
    for key in 0..12 {
        compact.insert_new(Entry::new(hash, key, key));
    }
    let mut cursor = ProbeCursor::new();
    let mut found: Vec<u64> = std::iter::from_fn(|| compact.probe_next(hash, &mut cursor))
        .map(|slot| compact.entry(slot).key)
        .collect();
    found.sort_unstable();
    assert_eq!(found, (0..12).collect::<Vec<_>>());
    // The walk itself did read a slot twice.
    let mut walk = compact.walk(hash);
    let reads: Vec<usize> = (0..cursor.visited)
        .map(|_| {
            let slot = walk.slot;
            walk.advance();
            slot
        })
        .collect();
    let distinct: std::collections::HashSet<_> = reads.iter().collect();
    assert!(distinct.len() < reads.len(), "{reads:?}");
}

#[test]
fn reaches_before_agrees_with_a_full_replay() {
    for slots in [1usize, 2, 8, 16, 64] {
        for hash in (0..200u64).map(mix).chain(0..50) {
            let start = Walk::new((hash as usize) & (slots - 1), hash, slots - 1);
            let mut walk = start;
            let mut history = Vec::new();
            for step in 0..read_limit(slots) as usize + slots {
                let expected = history.contains(&walk.slot);
                assert_eq!(
                    start.reaches_before(step, walk.slot),
                    expected,
                    "{slots} {hash:#x} {step}"
                );
                history.push(walk.slot);
                walk.advance();
            }
        }
    }
}

#[test]
fn a_stale_cursor_from_a_bigger_table_just_ends() {
    let mut big = Compact::<u64, u64>::new(256, BucketIndex::Mask);
    big.insert_new(Entry::new(200, 1, 1));
    let mut cursor = ProbeCursor::new();
    assert_eq!(big.probe_next(200, &mut cursor), Some(SlotId(0)));
    assert!(cursor.position >= 16, "the walk moved on to slot {}", cursor.position);
    let small = Compact::<u64, u64>::new(16, BucketIndex::Mask);
    assert_eq!(small.probe_next(200, &mut cursor), None);
}

#[test]
fn the_rebuild_home_agrees_with_the_bucket_index_at_every_size() {
    let mut hashes: Vec<u64> = (0..2000).map(mix).collect();
    hashes.extend([0, 1, u64::MAX, 1 << 63, GOLDEN_RATIO_64, 12345 << 40]);
    for index in BucketIndex::ALL {
        for bits in 0..20 {
            let slots = 1usize << bits;
            let (multiplier, shift) = home_split(index, slots);
            for &hash in &hashes {
                let home = (hash.wrapping_mul(multiplier) >> shift) as usize & (slots - 1);
                assert_eq!(home, index.bucket(hash, slots), "{index:?} {slots} {hash:#x}");
            }
        }
    }
}

#[test]
fn the_lookup_home_agrees_with_the_bucket_index_after_every_rebuild() {
    // The multiplier word is set when the table is made and at each reindex:
    // a stale one would send lookups to the wrong walk.
    for index in BucketIndex::ALL {
        let mut table = Compact::<u64, u64>::new(1, index);
        for key in 0..3000u64 {
            let hash = mix(key);
            if 3 * (table.len() + 1) >= 2 * table.slots() {
                table.rebuild(2 * table.slots()).unwrap();
            }
            table.insert_new(Entry::new(hash, key, key));
            for probe in [hash, 0, u64::MAX, 1 << 63] {
                assert_eq!(table.home(probe), index.bucket(probe, table.slots()), "{index:?} {key}");
            }
        }
        let copy = table.copy_with(|entry| (entry.key, entry.value)).unwrap();
        assert_eq!(copy.home(12345), index.bucket(12345, copy.slots()), "{index:?} copy");
    }
}
