//! The table: one collision strategy plus the policy every strategy shares.
//!
//! `Table` decides when to grow and shrink, keeps the counters, and bumps a
//! generation number on every structural change. The generation is what lets a
//! caller drop its borrow to run foreign code (a Python `__eq__`) and then tell
//! whether the slot it found is still the slot it meant.

use std::marker::PhantomData;

use crate::config::{ConfigError, TableConfig};
use crate::entry::{Entry, SlotId};
use crate::probe::{IterCursor, ProbeCursor};
use crate::stats::TableStats;
use crate::strategy::{BucketView, CollisionStrategy};

/// Running totals since the table was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Times the bucket count changed (growth or shrink).
    pub resizes: u64,
    /// Same-size rebuilds that cleared tombstones.
    pub rebuilds: u64,
    /// Entries or slots visited by probes.
    pub comparisons: u64,
}

/// A hash table over any strategy. `S` defaults to a boxed strategy chosen at
/// run time; benchmarks name a concrete strategy to get static dispatch.
pub struct Table<K, V, S = Box<dyn CollisionStrategy<K, V>>>
where
    S: CollisionStrategy<K, V>,
{
    config: TableConfig,
    strategy: S,
    generation: u64,
    counters: Counters,
    marker: PhantomData<fn() -> (K, V)>,
}

impl<K, V> Table<K, V>
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    /// A table whose strategy is the one named in `config`.
    pub fn new(config: TableConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let strategy = config.strategy.build(config.initial_buckets(), config.index);
        Ok(Table::from_parts(config, strategy))
    }
}

impl<K, V, S> Table<K, V, S>
where
    S: CollisionStrategy<K, V>,
{
    /// A table over an already-built strategy (static dispatch).
    pub fn with_strategy(config: TableConfig, strategy: S) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Table::from_parts(config, strategy))
    }

    fn from_parts(config: TableConfig, strategy: S) -> Self {
        Table {
            config,
            strategy,
            generation: 0,
            counters: Counters::default(),
            marker: PhantomData,
        }
    }

    pub fn config(&self) -> &TableConfig {
        &self.config
    }

    pub fn len(&self) -> usize {
        self.strategy.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strategy.len() == 0
    }

    /// The current bucket (or slot) count.
    pub fn size(&self) -> usize {
        self.strategy.bucket_count()
    }

    /// Changes on every insert of a new key, removal, resize and clear.
    /// Replacing a value in place does not change it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn counters(&self) -> Counters {
        self.counters
    }

    pub fn strategy(&self) -> &S {
        &self.strategy
    }

    /// The next candidate for `hash` after `cursor`: an entry whose stored hash
    /// is equal. The caller decides whether its key is equal too.
    #[inline]
    pub fn probe_next(&mut self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        let before = cursor.visited;
        let found = self.strategy.probe_next(hash, cursor);
        self.counters.comparisons += cursor.visited - before;
        found
    }

    /// Find the entry whose key `eq` accepts, among those stored with `hash`.
    ///
    /// The visits are added to `comparisons` once, when the lookup ends (also
    /// when `eq` fails), so the cursor can stay in registers through the loop.
    #[inline]
    pub fn find<E>(&mut self, hash: u64, mut eq: impl FnMut(&K) -> Result<bool, E>) -> Result<Option<SlotId>, E> {
        let mut cursor = ProbeCursor::new();
        let found = loop {
            let Some(slot) = self.strategy.probe_next(hash, &mut cursor) else {
                break Ok(None);
            };
            match eq(&self.strategy.entry(slot).key) {
                Ok(false) => {}
                Ok(true) => break Ok(Some(slot)),
                Err(err) => break Err(err),
            }
        };
        self.counters.comparisons += cursor.visited;
        found
    }

    #[inline]
    pub fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.strategy.entry(slot)
    }

    /// Swap in a new value for an existing key, handing back the old one.
    #[inline]
    pub fn replace_value(&mut self, slot: SlotId, value: V) -> V {
        std::mem::replace(&mut self.strategy.entry_mut(slot).value, value)
    }

    /// Store a key known to be absent, growing first if the insert would push
    /// the load above `max_load`.
    pub fn insert_new(&mut self, hash: u64, key: K, value: V) -> SlotId {
        self.make_room_for_one();
        self.generation += 1;
        self.strategy.insert_new(Entry::new(hash, key, value))
    }

    /// Insert or update. On update the table keeps its stored key and returns
    /// the key it was given together with the value it replaced, so the caller
    /// can release both after its own borrow ends.
    pub fn insert<E>(
        &mut self,
        hash: u64,
        key: K,
        value: V,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<(K, V)>, E> {
        match self.find(hash, eq)? {
            Some(slot) => {
                let old = self.replace_value(slot, value);
                Ok(Some((key, old)))
            }
            None => {
                self.insert_new(hash, key, value);
                Ok(None)
            }
        }
    }

    /// Remove the entry in `slot`, shrinking afterwards if `min_load` asks for it.
    pub fn remove_slot(&mut self, slot: SlotId) -> Entry<K, V> {
        self.generation += 1;
        let entry = self.strategy.remove(slot);
        self.shrink_if_sparse();
        entry
    }

    pub fn remove<E>(&mut self, hash: u64, eq: impl FnMut(&K) -> Result<bool, E>) -> Result<Option<Entry<K, V>>, E> {
        Ok(self.find(hash, eq)?.map(|slot| self.remove_slot(slot)))
    }

    /// Remove the last entry in iteration order.
    pub fn pop_last(&mut self) -> Option<Entry<K, V>> {
        let slot = self.strategy.last_slot()?;
        Some(self.remove_slot(slot))
    }

    /// Remove everything and go back to the initial size.
    pub fn clear(&mut self) -> Vec<Entry<K, V>> {
        self.generation += 1;
        let buckets = self.config.initial_buckets();
        if buckets != self.size() {
            self.counters.resizes += 1;
        }
        self.strategy.drain(buckets)
    }

    #[inline]
    pub fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        self.strategy.iter_next(cursor)
    }

    pub fn bucket_view(&self, bucket: usize) -> BucketView {
        self.strategy.bucket_view(bucket)
    }

    /// Re-place every entry into `buckets` buckets (rounded as the strategy and
    /// index require), so a copy or an unpickled table keeps its original's
    /// shape. Refused (returns false) if the items would not fit under
    /// `max_load`. Not counted as a resize: the table was not full or sparse.
    pub fn presize(&mut self, buckets: usize) -> bool {
        let target = self.usable(buckets);
        if target == self.size() {
            return true;
        }
        if self.len() as f64 > self.config.max_load * target as f64 {
            return false;
        }
        self.generation += 1;
        self.strategy.rebuild(target);
        true
    }

    /// Heap bytes of the table's own storage, for `sys.getsizeof`.
    pub fn heap_bytes(&self) -> usize {
        self.strategy.heap_bytes()
    }

    pub fn stats(&self) -> TableStats {
        TableStats::measure(self)
    }

    fn usable(&self, requested: usize) -> usize {
        let index = self.config.index;
        self.config.strategy.usable_size(index.usable_size(requested), index)
    }

    fn make_room_for_one(&mut self) {
        let size = self.size();
        let wanted = self.len() + 1;
        let too_loaded = |items: usize, buckets: usize| items as f64 > self.config.max_load * buckets as f64;
        if too_loaded(wanted, size) {
            let mut target = size;
            while too_loaded(wanted, target) {
                target = self
                    .usable(((target as f64) * self.config.growth).ceil() as usize)
                    .max(target + 1);
            }
            self.counters.resizes += 1;
            self.generation += 1;
            self.strategy.rebuild(target);
        } else if too_loaded(wanted + self.strategy.tombstones(), size) {
            // Tombstones, not items, are what fills the table: clean them out.
            self.counters.rebuilds += 1;
            self.generation += 1;
            self.strategy.rebuild(size);
        }
    }

    fn shrink_if_sparse(&mut self) {
        let size = self.size();
        if self.config.min_load <= 0.0 || (self.len() as f64) >= self.config.min_load * size as f64 {
            return;
        }
        let mut target = self.usable(((size as f64) / self.config.growth).floor().max(1.0) as usize);
        if target >= size {
            // Sizes rounded up (to a power of two, by `mask` or the strategy)
            // can round size / growth straight back to size when growth < 2:
            // step down to the next usable size instead.
            target = self.usable(size / 2);
        }
        // Leave room for one more item, so the next insert cannot grow straight
        // back (rounding sizes down can defeat min_load's limit on small tables).
        let fits = (self.len() + 1) as f64 <= self.config.max_load * target as f64;
        if target < size && fits {
            self.counters.resizes += 1;
            self.strategy.rebuild(target);
        }
    }
}
