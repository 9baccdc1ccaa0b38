//! A snapshot of a table's shape, its counters, and how both compare with theory.

use std::collections::BTreeMap;

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::strategy::Introspect;
use crate::table::{Counting, Table};

#[derive(Clone, Debug, PartialEq)]
pub struct TableStats {
    pub strategy: &'static str,
    pub index: &'static str,
    pub size: usize,
    pub load: usize,
    pub load_factor: f64,
    pub max_load: f64,
    pub min_load: f64,
    pub growth: f64,
    pub resizes: u64,
    pub rebuilds: u64,
    pub comparisons: u64,
    pub longest_chain: usize,
    /// Mean entries or slots a successful lookup visits (0 for an empty table).
    pub mean_probe: f64,
    pub empty_buckets: usize,
    pub tombstones: usize,
    pub histogram: BTreeMap<usize, usize>,
    /// Pearson's statistic of home-bucket counts against a uniform spread.
    pub chi_squared: f64,
    /// Probability of a statistic at least this large if the hash were uniform.
    pub chi_squared_p: f64,
    pub expected_probe_hit: f64,
    pub expected_probe_miss: f64,
}

impl TableStats {
    pub fn measure<K, V, S: Introspect<K, V>, C: Counting>(table: &Table<K, V, S, C>) -> Self {
        let strategy = table.strategy();
        let structure = strategy.structure();
        let size = table.size();
        let load = table.len();
        let load_factor = load as f64 / size as f64;
        let (chi_squared, chi_squared_p) = home_bucket_uniformity(table);
        let expected = strategy.expected_probes(load_factor);
        let config = table.config();
        let counters = table.counters();
        TableStats {
            strategy: config.strategy.name(),
            index: config.index.name(),
            size,
            load,
            load_factor,
            max_load: config.max_load,
            min_load: config.min_load,
            growth: config.growth,
            resizes: counters.resizes,
            rebuilds: counters.rebuilds,
            comparisons: counters.comparisons,
            longest_chain: structure.longest,
            mean_probe: if load == 0 {
                0.0
            } else {
                structure.successful_probe_total as f64 / load as f64
            },
            empty_buckets: structure.empty_buckets,
            tombstones: structure.tombstones,
            histogram: structure.histogram,
            chi_squared,
            chi_squared_p,
            expected_probe_hit: expected.hit,
            expected_probe_miss: expected.miss,
        }
    }
}

/// Chi-squared test of how evenly the stored hashes land on home buckets.
/// Returns `(statistic, p_value)`; `(0, 1)` when there is nothing to test.
fn home_bucket_uniformity<K, V, S: Introspect<K, V>, C: Counting>(table: &Table<K, V, S, C>) -> (f64, f64) {
    let strategy = table.strategy();
    let buckets = table.size();
    let items = table.len();
    if items == 0 || buckets < 2 {
        return (0.0, 1.0);
    }
    let mut counts = vec![0u64; buckets];
    let mut cursor = crate::probe::IterCursor::new();
    while let Some(slot) = table.iter_next(&mut cursor) {
        counts[strategy.home_bucket(table.entry(slot).hash)] += 1;
    }
    let expected = items as f64 / buckets as f64;
    let statistic: f64 = counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum();
    let p_value = ChiSquared::new((buckets - 1) as f64)
        .map(|dist| dist.sf(statistic))
        .unwrap_or(f64::NAN);
    (statistic, p_value)
}

/// `Table::stats()` lives here, beside what it measures, so that `table.rs`
/// does not import this file back.
impl<K, V, S: Introspect<K, V>, C: Counting> Table<K, V, S, C> {
    /// Shape, counters, uniformity of home buckets and expected against
    /// measured probes: what `stats()` reports.
    pub fn stats(&self) -> TableStats {
        TableStats::measure(self)
    }
}
