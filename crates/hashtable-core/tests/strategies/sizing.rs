//! The size policy in every strategy: growth along the documented sequence,
//! shrinking below min_load, tombstones cleaned at the same size or by one
//! step of growth, and growth near one answered at once.

use hashtable_core::{BucketIndex, CollisionStrategy, StrategyKind, Table, TableConfig};

use crate::harness::{mix, same, sizes_while_inserting, Map};

/// The growth rule restated: grow by `growth`, rounded up to a size the
/// strategy can use, until the new item fits under max_load.
fn policy_sizes(config: TableConfig, n: usize) -> Vec<usize> {
    let usable = |requested: usize| {
        config
            .strategy
            .usable_size(config.index.usable_size(requested), config.index)
    };
    let mut size = config.initial_buckets();
    (1..=n)
        .map(|items| {
            while items as f64 > config.max_load * size as f64 {
                size = usable((size as f64 * config.growth).ceil() as usize).max(size + 1);
            }
            size
        })
        .collect()
}

fn changes(sizes: &[usize], initial: usize) -> u64 {
    let mut previous = initial;
    let mut count = 0;
    for &size in sizes {
        count += u64::from(size != previous);
        previous = size;
    }
    count
}

/// Every strategy under every index at growths 1.5, 2 and 3 (1.5 matters:
/// sizes rounded to powers of two round `size / 1.5` straight back up),
/// the rest of `TableConfig` from `base`.
fn growth_grid(base: TableConfig) -> impl Iterator<Item = TableConfig> {
    StrategyKind::ALL.iter().flat_map(move |&strategy| {
        BucketIndex::ALL.into_iter().flat_map(move |index| {
            [1.5, 2.0, 3.0].map(|growth| TableConfig {
                strategy,
                index,
                growth,
                ..base
            })
        })
    })
}

#[test]
fn growth_follows_the_documented_sequence() {
    for config in growth_grid(TableConfig::default()) {
        let TableConfig {
            strategy: kind,
            index,
            growth,
            ..
        } = config;
        let (table, sizes) = sizes_while_inserting(config, 70);
        assert_eq!(sizes, policy_sizes(config, 70), "{kind:?} {index:?} growth {growth}");
        let initial = config.initial_buckets();
        assert_eq!(table.counters().resizes, changes(&sizes, initial), "{kind:?}: resizes");
        if initial == 4 && growth == 2.0 {
            // Defaults: the 3rd insert grows to 8, the 5th to 16, the 9th to 32.
            assert_eq!(sizes[..9], [4, 4, 8, 8, 16, 16, 16, 16, 32], "{kind:?} {index:?}");
        }
    }
    let growth = |kind: StrategyKind, size: usize, growth: f64, index: BucketIndex| {
        let config = TableConfig {
            strategy: kind,
            size,
            growth,
            index,
            ..Default::default()
        };
        sizes_while_inserting(config, 11).1
    };
    for kind in [StrategyKind::Chaining, StrategyKind::Linear, StrategyKind::RobinHood] {
        for index in [BucketIndex::Mod, BucketIndex::Fibonacci] {
            // size=5 is honoured: 5, then 10 at the 3rd insert, 20 at the 6th, 40 at the 11th.
            assert_eq!(growth(kind, 5, 2.0, index), [5, 5, 10, 10, 10, 20, 20, 20, 20, 20, 40]);
            assert_eq!(growth(kind, 4, 1.5, index)[..8], [4, 4, 6, 9, 14, 14, 14, 21]);
        }
        // `mask` rounds 5 up to 8.
        assert_eq!(growth(kind, 5, 2.0, BucketIndex::Mask)[..5], [8, 8, 8, 8, 16]);
    }
    // Quadratic rounds every size up to a power of two: 5 gives 8, and growth
    // by 1.5 from 4 lands on 6 -> 8, then 12 -> 16.
    for index in BucketIndex::ALL {
        assert_eq!(growth(StrategyKind::Quadratic, 5, 2.0, index)[..5], [8, 8, 8, 8, 16]);
        assert_eq!(
            growth(StrategyKind::Quadratic, 4, 1.5, index)[..9],
            [4, 4, 8, 8, 16, 16, 16, 16, 32]
        );
    }
}

#[test]
fn min_load_shrinks_the_table_as_items_leave() {
    // Growth 1.5 matters here: the table must still shrink.
    let base = TableConfig {
        min_load: 0.1,
        ..Default::default()
    };
    for config in growth_grid(base) {
        let TableConfig {
            strategy: kind,
            index,
            growth,
            ..
        } = config;
        let context = format!("{kind:?} {index:?} growth {growth}");
        let (mut table, sizes) = sizes_while_inserting(config, 64);
        let grown = table.size();
        let mut resizes = changes(&sizes, config.initial_buckets());
        let mut remove = |table: &mut Map, key: u64| {
            let before = table.size();
            let removed = table.remove(mix(key), same(key)).unwrap().expect("present");
            assert_eq!(removed.value, key);
            let after = table.size();
            if after != before {
                resizes += 1;
                assert!(after < before, "{context}: a removal only shrinks");
                let len = table.len() as f64;
                assert!(len < config.min_load * before as f64, "{context}: shrank from {before}");
                assert!(len <= config.max_load * after as f64, "{context}: shrank too far");
            }
            after != before
        };
        for key in 0..64 {
            if remove(&mut table, key) {
                // One insert right after a shrink must not grow back.
                let size = table.size();
                table.insert_new(mix(1000), 1000, 1000).unwrap();
                assert_eq!(table.size(), size, "{context}: shrink then grow");
                remove(&mut table, 1000);
            }
            for rest in key + 1..64 {
                assert!(
                    table.find(mix(rest), same(rest)).unwrap().is_some(),
                    "{context}: lost {rest}"
                );
            }
        }
        assert_eq!(table.counters().resizes, resizes, "{context}: every shrink is a resize");
        assert!(
            table.size() <= grown / 8,
            "{context}: {grown} only shrank to {}",
            table.size()
        );
    }
}

/// Churn (a delete and an insert of a new key) at a steady len above half
/// of the load limit: the table grows one step instead of cleaning at the
/// same size every few operations, then cleans at the larger size with room
/// to spare, so the rebuilds stay a small share of the operations.
#[test]
fn churn_near_the_load_limit_grows_once_and_rebuilds_rarely() {
    for &kind in StrategyKind::ALL {
        let mut table: Map = Table::new(TableConfig {
            strategy: kind,
            size: 2048,
            max_load: 0.5,
            growth: 2.0,
            ..Default::default()
        })
        .unwrap();
        let size = table.size();
        let live = 1000;
        for key in 0..live {
            table.insert_new(mix(key), key, key).unwrap();
        }
        let churned = 4000;
        for step in 0..churned {
            assert!(table.remove(mix(step), same(step)).unwrap().is_some());
            table.insert_new(mix(live + step), live + step, 0).unwrap();
        }
        assert_eq!(table.len(), live as usize);
        let counters = table.counters();
        assert!(counters.resizes <= 1, "{kind:?}: {counters:?}");
        assert!(table.size() <= 2 * size, "{kind:?}: {}", table.size());
        // A clean at the larger size leaves room for about 1,000 tombstones.
        assert!(counters.rebuilds <= churned / 500, "{kind:?}: {counters:?}");
        if table.strategy().tombstones() > 0 || counters.rebuilds > 0 {
            assert_eq!(counters.resizes, 1, "{kind:?}: grew instead of cleaning near the limit");
        }
    }
}

#[test]
fn tombstones_trigger_same_size_rebuilds_and_never_fill_the_table() {
    for &kind in StrategyKind::ALL {
        let mut table: Map = Table::new(TableConfig {
            strategy: kind,
            size: 8,
            ..Default::default()
        })
        .unwrap();
        // One item: with the churned one, at most half of the load limit
        // (4 of 8 at 0.5), so tombstones are cleaned at this size.
        for key in 0..1 {
            table.insert_new(mix(key), key, key).unwrap();
        }
        let size = table.size();
        let mut most_tombstones = 0;
        for key in 100..400 {
            table.insert_new(mix(key), key, key).unwrap();
            assert!(table.remove(mix(key), same(key)).unwrap().is_some());
            let tombstones = table.strategy().tombstones();
            most_tombstones = most_tombstones.max(tombstones);
            assert!((table.len() + tombstones) as f64 <= table.config().max_load * size as f64);
        }
        assert_eq!(table.size(), size, "{kind:?}: churn at a steady len never resizes");
        assert_eq!(table.counters().resizes, 0, "{kind:?}");
        if most_tombstones > 0 {
            assert!(
                table.counters().rebuilds > 0,
                "{kind:?}: tombstones piled up, no rebuild"
            );
        } else {
            assert_eq!(table.counters().rebuilds, 0, "{kind:?}: nothing to clean, yet rebuilt");
        }
        if kind == StrategyKind::Quadratic {
            assert!(most_tombstones > 0, "quadratic deletes by tombstone");
        }
        if matches!(kind, StrategyKind::Linear | StrategyKind::RobinHood) {
            assert_eq!(most_tombstones, 0, "{kind:?} deletes by backward shift");
        }
    }
}

/// Growth so close to one that the documented walk would take ~1e11 steps: the
/// table still answers at once, with the fewest buckets that hold the items
/// under max_load, in every strategy.
#[test]
fn growth_near_one_answers_at_once() {
    for &kind in StrategyKind::ALL {
        let config = TableConfig {
            strategy: kind,
            max_load: 0.01,
            growth: 1.0 + 1e-12,
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let (table, sizes) = sizes_while_inserting(config, 100);
        assert!(
            started.elapsed().as_secs() < 20,
            "{kind:?} took {:?}",
            started.elapsed()
        );
        assert_eq!(table.len(), 100);
        for (items, &size) in (1..).zip(&sizes) {
            assert!(
                items as f64 <= 0.01 * size as f64,
                "{kind:?}: {items} items in {size} buckets"
            );
        }
        // Room for 1000 items at max_load 1e-8 is 1e11 buckets: the walk used to
        // take 1e11 steps; now the size is known at once, and its allocation
        // (hundreds of GB in every strategy) fails cleanly.
        let far = TableConfig {
            max_load: 1e-8,
            ..config
        };
        let started = std::time::Instant::now();
        let mut table: Table<u64, u64> = Table::new(far).unwrap();
        assert!(table.reserve(1000).is_err(), "{kind:?}: 1e11 buckets allocated?");
        assert!(
            started.elapsed().as_secs() < 20,
            "{kind:?} took {:?}",
            started.elapsed()
        );
        assert!(table.is_empty());
    }
}
