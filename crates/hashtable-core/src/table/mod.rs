//! The table: one collision strategy plus the policy every strategy shares.
//!
//! `Table` decides when to grow and shrink, keeps the counters, and bumps a
//! generation number on every structural change. The generation is what lets a
//! caller drop its borrow to run foreign code (a Python `__eq__`) and then tell
//! whether the slot it found is still the slot it meant.
//!
//! Every hash a caller passes goes through [`stored_hash`] here, once, so
//! the strategies never see the two values the open-addressing slots reserve.

use std::fmt;
use std::marker::PhantomData;

use crate::alloc::AllocError;
use crate::config::{ConfigError, TableConfig};
use crate::entry::{stored_hash, Entry, SlotId};
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{
    AnyStrategy, BucketView, CollisionStrategy, Introspect, Lookup, Settled, Upserted, Vacancy, Verdict,
};

/// No table grows past this many buckets: beyond it, sizes stop being
/// addressable long before memory runs out, and a loop doubling towards an
/// absurd `max_load` target must stop with an error, not spin.
pub const MAX_BUCKETS: usize = 1 << 48;

/// Growth steps a resize walks before it jumps to the closed-form size: enough
/// for any growth above 1.0001 to reach [`MAX_BUCKETS`] step by step.
const GROWTH_STEPS_WALKED: usize = 400_000;

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

/// Whether a table counts what its lookups visit ([`Counters::comparisons`]):
/// a type parameter of [`Table`], so that a caller that reports no such
/// count pays nothing for it. Counting is not a per-probe cost alone: the
/// carried count and its store back to the table kept registers and
/// instructions in every lookup (5 to 21 of them a lookup in
/// `scripts/callgrind_core.py`, with linear probing's loop the most).
pub trait Counting: 'static {
    /// Whether lookups add their visits to `comparisons`.
    const ON: bool;
}

/// Lookups add the slots and nodes they visit to [`Counters::comparisons`]:
/// the default, for the Python binding, whose `stats()` reports the count.
pub enum Counted {}

impl Counting for Counted {
    const ON: bool = true;
}

/// Lookups count nothing, and `comparisons` stays 0; resizes and rebuilds
/// are still counted. For callers that report no visit count: the C
/// library and the benchmarks.
pub enum Uncounted {}

impl Counting for Uncounted {
    const ON: bool = false;
}

/// Why a table could not be made.
#[derive(Clone, Debug, PartialEq)]
pub enum TableError {
    Config(ConfigError),
    OutOfMemory(AllocError),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Config(err) => err.fmt(f),
            TableError::OutOfMemory(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for TableError {}

impl From<ConfigError> for TableError {
    fn from(err: ConfigError) -> Self {
        TableError::Config(err)
    }
}

impl From<AllocError> for TableError {
    fn from(err: AllocError) -> Self {
        TableError::OutOfMemory(err)
    }
}

/// A change of bucket count, reported once by [`Table::take_resize`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resize {
    pub from: usize,
    pub to: usize,
}

/// Why [`Table::insert`] failed: the caller's equality check, or memory.
#[derive(Clone, Debug, PartialEq)]
pub enum InsertError<E> {
    Eq(E),
    OutOfMemory(AllocError),
}

/// A hash table over any strategy. `S` defaults to the strategy chosen at
/// run time ([`AnyStrategy`]); benchmarks name a concrete strategy to get
/// static dispatch. `C` says whether lookups count their visits
/// ([`Counted`], the default, or [`Uncounted`]).
pub struct Table<K, V, S = AnyStrategy<K, V>, C = Counted>
where
    S: CollisionStrategy<K, V>,
    C: Counting,
{
    config: TableConfig,
    strategy: S,
    generation: u64,
    counters: Counters,
    /// The last resize not yet taken by the caller.
    pending_resize: Option<Resize>,
    /// `floor(max_load * size)` at the current size: the most items plus
    /// tombstones it holds, so that an insert that does not grow does no
    /// float math. Set with the size, by [`Table::size_changed`].
    load_limit: usize,
    /// `ceil(min_load * size)` at the current size: a removal that leaves
    /// fewer items shrinks (0 when `min_load` is 0: never). Set with
    /// `load_limit`, so a removal does no float math either.
    shrink_below: usize,
    marker: PhantomData<fn() -> (K, V)>,
    counting: PhantomData<C>,
}

impl<K, V> Table<K, V>
where
    K: Send + Sync,
    V: Send + Sync,
{
    /// A table whose strategy is the one named in `config`, counting its
    /// lookups' visits ([`Table::uncounted`] turns that off).
    pub fn new(config: TableConfig) -> Result<Self, TableError> {
        config.validate()?;
        let strategy = config.strategy.build(config.initial_buckets(), config.index)?;
        Ok(Table::from_parts(config, strategy))
    }
}

impl<K, V, C: Counting> Table<K, V, AnyStrategy<K, V>, C>
where
    K: Send + Sync,
    V: Send + Sync,
{
    /// A new table with this one's configuration, holding a copy of every
    /// entry in the same place (`copy` makes the key and value; from Python,
    /// one incref each). The stored hashes are reused, so no hash function
    /// runs, and the storage is copied as it is: no probing, no resize. The
    /// copy starts its own counters.
    pub fn copy_with(&self, copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, TableError> {
        let strategy = self.strategy.copy_with(copy)?;
        Ok(Table::from_parts(self.config, strategy))
    }
}

impl<K, V, S> Table<K, V, S>
where
    S: CollisionStrategy<K, V>,
{
    /// A table over an already-built strategy (static dispatch), counting
    /// its lookups' visits ([`Table::uncounted`] turns that off).
    pub fn with_strategy(config: TableConfig, strategy: S) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Table::from_parts(config, strategy))
    }
}

impl<K, V, S, C: Counting> Table<K, V, S, C>
where
    S: CollisionStrategy<K, V>,
{
    /// The same table, its lookups no longer counted: for a caller that
    /// reports no visit count (see [`Uncounted`]). The counters so far are
    /// kept.
    pub fn uncounted(self) -> Table<K, V, S, Uncounted> {
        Table {
            config: self.config,
            strategy: self.strategy,
            generation: self.generation,
            counters: self.counters,
            pending_resize: self.pending_resize,
            load_limit: self.load_limit,
            shrink_below: self.shrink_below,
            marker: PhantomData,
            counting: PhantomData,
        }
    }

    fn from_parts(config: TableConfig, strategy: S) -> Self {
        let mut table = Table {
            config,
            strategy,
            generation: 0,
            counters: Counters::default(),
            pending_resize: None,
            load_limit: 0,
            shrink_below: 0,
            marker: PhantomData,
            counting: PhantomData,
        };
        table.size_changed();
        table
    }

    /// The limits cached for the current size; called wherever the size
    /// may have changed (every rebuild and `take_all` goes through `Table`).
    fn size_changed(&mut self) {
        let size = self.size() as f64;
        // `n > max_load * size` for an integer n is `n > floor(max_load * size)`,
        // and `n < min_load * size` is `n < ceil(min_load * size)`.
        self.load_limit = (self.config.max_load * size).floor() as usize;
        self.shrink_below = if self.config.min_load > 0.0 {
            (self.config.min_load * size).ceil() as usize
        } else {
            0
        };
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

    /// Changes on every insert of a new key, removal, resize of a table
    /// with items, and clear. Replacing a value in place does not change
    /// it, nor does growing an empty table ahead of a bulk load.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Swap `other`'s storage, counters and parameters into this table, and
    /// hand back what this table held. The generation moves past both tables'
    /// generations, so a caller that remembered one from before the swap
    /// (a suspended lookup, an iterator) can never mistake the new storage for
    /// the old.
    pub fn replace_with(&mut self, mut other: Self) -> Self {
        let generation = self.generation.max(other.generation) + 1;
        std::mem::swap(self, &mut other);
        self.generation = generation;
        other.generation = generation;
        other
    }

    /// The resize the last operation made, if any, reported once. `Table` is
    /// the only place that resizes, so a caller that logs resizes takes this
    /// after every operation and misses none.
    pub fn take_resize(&mut self) -> Option<Resize> {
        self.pending_resize.take()
    }

    pub fn counters(&self) -> Counters {
        self.counters
    }

    pub fn strategy(&self) -> &S {
        &self.strategy
    }

    // The entry points, lookups and inserts, each for the callers named in
    // its comment. Each is one `match` on an [`AnyStrategy`] and then the
    // strategy's own loop, with the visits added to `comparisons` once.

    /// Where a lookup adds its visits: `comparisons` when this table counts,
    /// else `uncounted`, a caller's local that the optimiser then removes
    /// with every use the strategy's loop made of it.
    #[inline(always)]
    fn visits<'a>(counters: &'a mut Counters, uncounted: &'a mut u64) -> &'a mut u64 {
        if C::ON {
            &mut counters.comparisons
        } else {
            uncounted
        }
    }

    /// The entry whose key `eq` accepts, among those stored with `hash`: for
    /// a caller with a yes-or-no equality that wants the entry, as
    /// `hashbrown::HashMap::get` does (the benchmarks, `lookup_loop`, tests).
    /// One lookup and one `match`, where [`Table::find`] then
    /// [`Table::entry`] take two.
    #[inline(always)]
    pub fn get<E>(&mut self, hash: u64, eq: impl FnMut(&K) -> Result<bool, E>) -> Result<Option<&Entry<K, V>>, E> {
        let mut uncounted = 0;
        let visits = Self::visits(&mut self.counters, &mut uncounted);
        let found = self.strategy.find_entry(stored_hash(hash), visits, eq)?;
        Ok(found.map(|(_, entry)| entry))
    }

    /// [`Table::get`] for a caller that wants the slot, to check where a key
    /// sits or to remove or replace it by slot: the tests and the fuzz
    /// target.
    #[inline(always)]
    pub fn find<E>(&mut self, hash: u64, eq: impl FnMut(&K) -> Result<bool, E>) -> Result<Option<SlotId>, E> {
        let mut uncounted = 0;
        let visits = Self::visits(&mut self.counters, &mut uncounted);
        let found = self.strategy.find_entry(stored_hash(hash), visits, eq)?;
        Ok(found.map(|(slot, _)| slot))
    }

    /// One pass for a caller whose `settle` decides most candidates itself
    /// (see [`CollisionStrategy::find_settled`]): the entry, or where an
    /// insert would go ([`Table::insert_vacant`]), or `Undecided`, for the
    /// caller to look again with [`Table::find_resumable`]. For the Python
    /// binding's `t[k]`, `k in t` and `t[k] = v` on builtin scalar keys
    /// (`lookup::probe_scalar`), where `settle` compares in C and defers
    /// only a key whose `==` is Python code.
    #[inline(always)]
    pub fn find_settled<E>(
        &mut self,
        hash: u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E> {
        let mut uncounted = 0;
        let visits = Self::visits(&mut self.counters, &mut uncounted);
        self.strategy.find_settled(stored_hash(hash), visits, settle)
    }

    /// A lookup for a caller that must sometimes run foreign code to compare
    /// keys: `settle` decides what it can, and a [`Lookup::Undecided`]
    /// candidate comes back with `cursor` just past it, so the caller
    /// compares, checks [`Table::generation`], and resumes with the same
    /// cursor. For the Python binding's lookups through `__eq__`
    /// (`lookup::find_from`) and its identity and `key=` routes
    /// (`fast_slots.rs`). With a `settle` that defers every candidate, it
    /// hands out the candidates one by one (the tests' and fuzz target's
    /// probe checks).
    #[inline]
    pub fn find_resumable<E>(
        &mut self,
        hash: u64,
        cursor: &mut ProbeCursor,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Lookup, E> {
        let before = cursor.visited;
        let found = self.strategy.find_resumable(stored_hash(hash), cursor, settle);
        if C::ON {
            self.counters.comparisons += cursor.visited - before;
        }
        found
    }

    /// The stored entry in `slot`; its `hash` is [`stored_hash`] of the one inserted.
    #[inline(always)]
    pub fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.strategy.entry(slot)
    }

    /// Swap in a new value for an existing key, handing back the old one.
    #[inline]
    pub fn replace_value(&mut self, slot: SlotId, value: V) -> V {
        std::mem::replace(&mut self.strategy.entry_mut(slot).value, value)
    }

    /// Store a key the caller knows is absent, with no lookup first (the
    /// strategy walks to its place), growing first if the insert would push
    /// the load above `max_load`. Out of memory, the table is unchanged and
    /// `key` and `value` are dropped. For tests and the fuzz target, which
    /// build tables of keys they know are distinct.
    pub fn insert_new(&mut self, hash: u64, key: K, value: V) -> Result<SlotId, AllocError> {
        self.insert_absent(Entry::new(stored_hash(hash), key, value), Vacancy::UNKNOWN)
    }

    /// [`Table::insert_new`] at the vacancy a [`Table::find_settled`] of the
    /// same `hash` found, with nothing changed since: no second walk, unless
    /// the table has to grow first. For the Python binding's `t[k] = v` on
    /// builtin scalar keys (`fast_slots.rs`) and its bulk loads (`bulk.rs`).
    #[inline]
    pub fn insert_vacant(&mut self, hash: u64, key: K, value: V, vacancy: Vacancy) -> Result<SlotId, AllocError> {
        self.insert_absent(Entry::new(stored_hash(hash), key, value), vacancy)
    }

    /// Store an entry (its hash already stored) whose key is absent, at
    /// `vacancy` if the table did not have to change shape first. The common
    /// case is one call into the strategy, which checks the load against
    /// the limit cached for its size and stores the entry.
    #[inline]
    fn insert_absent(&mut self, entry: Entry<K, V>, vacancy: Vacancy) -> Result<SlotId, AllocError> {
        match self.strategy.insert_within(vacancy, entry, self.load_limit) {
            Ok(slot) => {
                self.generation += 1;
                Ok(slot)
            }
            Err(entry) => self.insert_reshaping(entry, vacancy),
        }
    }

    /// [`Table::insert_absent`] when the strategy declined: the load would
    /// pass `max_load`, or it could not reserve room.
    #[cold]
    #[inline(never)]
    fn insert_reshaping(&mut self, entry: Entry<K, V>, vacancy: Vacancy) -> Result<SlotId, AllocError> {
        // The strategy's own room first: if growing then succeeded and this
        // failed, the table would be left resized without the item.
        self.strategy.reserve_one()?;
        let reshaped = self.make_room_for_one()?;
        self.generation += 1;
        Ok(if reshaped {
            self.strategy.insert_new(entry)
        } else {
            self.strategy.insert_at(vacancy, entry)
        })
    }

    /// Insert or update, with a yes-or-no equality: one walk, whose miss says
    /// where the key goes, and one `match` on an [`AnyStrategy`]
    /// ([`CollisionStrategy::upsert`]). On update the table keeps its stored
    /// key and returns the key it was given together with the value it
    /// replaced, so the caller can release both after its own borrow ends.
    /// For Rust callers (the benchmarks, `lookup_loop`, the fuzz target,
    /// tests). Always inlined, as [`Table::get`] is: out of line, the call
    /// and its saved registers cost 19 instructions an insert (callgrind).
    #[inline(always)]
    pub fn insert<E>(
        &mut self,
        hash: u64,
        key: K,
        value: V,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<(K, V)>, InsertError<E>> {
        let mut uncounted = 0;
        let visits = Self::visits(&mut self.counters, &mut uncounted);
        let upserted = self
            .strategy
            .upsert(stored_hash(hash), visits, eq, (key, value), self.load_limit)
            .map_err(InsertError::Eq)?;
        match upserted {
            Upserted::Replaced(key, old) => Ok(Some((key, old))),
            Upserted::Inserted => {
                self.generation += 1;
                Ok(None)
            }
            Upserted::Declined(entry, vacancy) => {
                self.insert_reshaping(entry, vacancy)
                    .map_err(InsertError::OutOfMemory)?;
                Ok(None)
            }
        }
    }

    /// Remove the entry in `slot`, shrinking afterwards if `min_load` asks
    /// for it. For the Python binding's removals (`del t[k]`, `pop`,
    /// `popitem`), whose slot may come from a lookup that ran Python code,
    /// and [`Table::pop_last`].
    #[inline]
    pub fn remove_slot(&mut self, slot: SlotId) -> Entry<K, V> {
        self.generation += 1;
        let entry = self.strategy.remove(slot);
        self.shrink_if_sparse();
        entry
    }

    /// Find and remove in one walk and one `match` on an [`AnyStrategy`]
    /// ([`CollisionStrategy::remove_entry`]), for Rust callers (the
    /// benchmarks, `lookup_loop`, the Python lab's native timing, tests).
    #[inline(always)]
    pub fn remove<E>(&mut self, hash: u64, eq: impl FnMut(&K) -> Result<bool, E>) -> Result<Option<Entry<K, V>>, E> {
        // Handed back as the strategy made it, not unwrapped and wrapped
        // again: that moved the entry through the stack twice more.
        let mut uncounted = 0;
        let visits = Self::visits(&mut self.counters, &mut uncounted);
        let removed = self.strategy.remove_entry(stored_hash(hash), visits, eq);
        if let Ok(Some(_)) = removed {
            self.generation += 1;
            self.shrink_if_sparse();
        }
        removed
    }

    /// Remove the last entry in iteration order.
    pub fn pop_last(&mut self) -> Option<Entry<K, V>> {
        let slot = self.strategy.last_slot()?;
        Some(self.remove_slot(slot))
    }

    /// Remove everything and go back to the initial size. The old storage,
    /// with every entry, is handed back for the caller to drop when it is
    /// safe to (dropping a value may run foreign code). Out of memory for the
    /// fresh storage, the table is unchanged.
    pub fn clear(&mut self) -> Result<S, AllocError> {
        let buckets = self.config.initial_buckets();
        let before = self.size();
        let old = self.strategy.take_all(buckets)?;
        self.size_changed();
        self.generation += 1;
        if buckets != before {
            self.counters.resizes += 1;
        }
        self.note_resize(before);
        Ok(old)
    }

    /// Take the whole storage out, leaving the table unusable: for a table
    /// that is being freed, so that freeing needs no allocation.
    pub fn into_storage(self) -> S {
        self.strategy
    }

    #[inline]
    pub fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        self.strategy.iter_next(cursor)
    }

    /// Re-place every entry into `buckets` buckets (rounded as the strategy and
    /// index require), so a copy or an unpickled table keeps its original's
    /// shape. Refused (returns false) if the items would not fit under
    /// `max_load`. Not counted as a resize: the table was not full or sparse.
    pub fn presize(&mut self, buckets: usize) -> Result<bool, AllocError> {
        let target = self.usable(buckets);
        if target == self.size() {
            return Ok(true);
        }
        if self.len() as f64 > self.config.max_load * target as f64 {
            return Ok(false);
        }
        self.strategy.rebuild(target)?;
        self.size_changed();
        self.generation += 1;
        Ok(true)
    }

    /// Grow ahead of `additional` inserts of new keys, as `make_room_for_one`
    /// would one by one, so a bulk load resizes once.
    pub fn reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        let wanted = self.len().saturating_add(additional);
        let size = self.size();
        if wanted as f64 <= self.config.max_load * size as f64 {
            return Ok(());
        }
        let target = self.grown_size(size, wanted)?;
        self.strategy.rebuild(target)?;
        self.size_changed();
        self.counters.resizes += 1;
        // An empty table holds no position an iterator or a suspended lookup
        // could resume from, so growing it changes nothing they must see: a
        // bulk load whose first key fails to hash leaves the table as it
        // was, and an iterator over it runs on, as over a dict.
        if !self.is_empty() {
            self.generation += 1;
        }
        self.note_resize(size);
        Ok(())
    }

    fn usable(&self, requested: usize) -> usize {
        let index = self.config.index;
        self.config.strategy.usable_size(index.usable_size(requested), index)
    }

    fn note_resize(&mut self, from: usize) {
        let to = self.size();
        if to != from {
            self.pending_resize = Some(Resize { from, to });
        }
    }

    /// The bucket count, grown from `size` by `growth` steps, that holds
    /// `wanted` items under `max_load`; an error past what memory can address.
    ///
    /// The fewest buckets that can hold `wanted` are known in closed form, so a
    /// target past [`MAX_BUCKETS`] is refused before any step is taken. The
    /// steps themselves are walked (each is at least one bucket), but only up
    /// to [`GROWTH_STEPS_WALKED`]: a growth so close to one that the walk would
    /// take longer (`growth = 1 + 1e-12` advances one bucket a step) lands on
    /// that closed-form size instead, so every parameter answers at once.
    fn grown_size(&self, size: usize, wanted: usize) -> Result<usize, AllocError> {
        let max_load = self.config.max_load;
        let too_loaded = |items: usize, buckets: usize| items as f64 > max_load * buckets as f64;
        let fewest = (wanted as f64 / max_load).ceil();
        if fewest.is_nan() || fewest > MAX_BUCKETS as f64 {
            return Err(AllocError::of::<Entry<K, V>>(fewest.min(usize::MAX as f64) as usize));
        }
        let mut target = size;
        for _ in 0..GROWTH_STEPS_WALKED {
            if !too_loaded(wanted, target) {
                return Ok(target);
            }
            target = self.step_up(target);
        }
        // Rounding of `wanted / max_load` can leave it a bucket short.
        let mut fewest = (fewest as usize).max(target);
        while too_loaded(wanted, fewest) {
            fewest += 1;
        }
        Ok(self.usable(fewest))
    }

    /// The next size up from `size`: `size * growth`, rounded to a size the
    /// strategy uses, and at least one bucket more.
    fn step_up(&self, size: usize) -> usize {
        self.usable(((size as f64) * self.config.growth).ceil() as usize)
            .max(size + 1)
    }

    /// Grow, or rebuild away tombstones, if one more item would pass
    /// `max_load`; true if the storage was rebuilt (slots found before are gone).
    ///
    /// Tombstones alone are cleaned at the same size only while the items
    /// fill at most half of what max_load allows; above that the table grows
    /// instead, as hashbrown's `reserve_rehash` and dict's resize to three
    /// times its items do. A same-size clean leaves room for only
    /// `limit - len` more tombstones, so a table churned near its limit
    /// (each `del t[k]; t[k] = v` of compact, which never reuses a DUMMY,
    /// leaves one) rebuilt every few operations: 25 for 1,000 str keys at
    /// the default max_load of 0.5, 2153.2 instructions per delete and
    /// reinsert against dict's 714.4 (`scripts/callgrind_lookup.py --op
    /// delete --strategy compact`). Half the limit left free keeps a
    /// rebuild's cost to about one item moved per operation.
    #[inline]
    fn make_room_for_one(&mut self) -> Result<bool, AllocError> {
        let size = self.size();
        let wanted = self.len() + 1;
        if wanted + self.strategy.tombstones() <= self.load_limit {
            return Ok(false);
        }
        let too_loaded = |items: usize, buckets: usize| items as f64 > self.config.max_load * buckets as f64;
        if too_loaded(wanted, size) {
            let target = self.grown_size(size, wanted)?;
            self.strategy.rebuild(target)?;
            self.grew(size);
        } else {
            // Tombstones, not items, are what fills the table: clean them
            // out, one step larger if the items would leave little room.
            let grown = 2 * wanted > self.load_limit && {
                let larger = self.step_up(size);
                larger <= MAX_BUCKETS && self.strategy.rebuild(larger).is_ok()
            };
            if grown {
                self.grew(size);
            } else {
                // Also where memory for the larger size ran out: the clean
                // needs none beyond the current size.
                self.strategy.rebuild(size)?;
                self.counters.rebuilds += 1;
                self.generation += 1;
            }
        }
        self.size_changed();
        Ok(true)
    }

    /// A growth from `old` just made: counted, a new generation, reported.
    fn grew(&mut self, old: usize) {
        self.counters.resizes += 1;
        self.generation += 1;
        self.note_resize(old);
    }

    /// Shrink if the items fell below `min_load`: an integer compare
    /// against the cached [`Table::shrink_below`], which is 0 (never) for
    /// the default `min_load` of 0.
    #[inline(always)]
    fn shrink_if_sparse(&mut self) {
        if self.shrink_below != 0 && self.len() < self.shrink_below {
            self.shrink(self.size());
        }
    }

    #[cold]
    #[inline(never)]
    fn shrink(&mut self, size: usize) {
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
        // A shrink is an optimisation: without memory for it, stay as large.
        if target < size && fits && self.strategy.rebuild(target).is_ok() {
            self.size_changed();
            self.counters.resizes += 1;
            self.note_resize(size);
        }
    }
}

/// What the lab, `stats()` and the picture read: never on an operation's path.
impl<K, V, S, C: Counting> Table<K, V, S, C>
where
    S: Introspect<K, V>,
{
    pub fn bucket_view(&self, bucket: usize) -> BucketView {
        self.strategy.bucket_view(bucket)
    }

    /// Heap bytes of the table's own storage, for `sys.getsizeof`.
    pub fn heap_bytes(&self) -> usize {
        self.strategy.heap_bytes()
    }
}

mod at_found;
mod iterated_removal;
