//! The table: one collision strategy plus the policy every strategy shares.
//!
//! `Table` decides when to grow and shrink, keeps the counters, and bumps a
//! generation number on every structural change. The generation is what lets a
//! caller drop its borrow to run foreign code (a Python `__eq__`) and then tell
//! whether the slot it found is still the slot it meant.
//!
//! Every hash a caller passes goes through the strategy's
//! [`CollisionStrategy::probe_hash`] here, once, so the open-addressing
//! slots never see the two values they reserve, and the other strategies
//! store the caller's hash as it is.
//!
//! Here: the table and its entry points (lookups, inserts, removals). Beside
//! it: `sizing.rs`, the size policy (grow, clean tombstones, shrink);
//! `counting.rs`, whether lookups count their visits; `at_found.rs`, the C
//! library's writes at a place its own lookup found; `iterated_removal.rs`,
//! removal during iteration.

use std::fmt;
use std::marker::PhantomData;

use crate::alloc::AllocError;
use crate::config::{ConfigError, TableConfig};
use crate::entry::{Entry, SlotId};
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{
    AnyStrategy, BucketView, CollisionStrategy, Introspect, Lookup, Settled, Upserted, Vacancy, Verdict,
};

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
        let found = self.strategy.find_entry(self.strategy.probe_hash(hash), visits, eq)?;
        Ok(found.map(|(_, entry)| entry))
    }

    /// [`Table::get`] for a caller that wants the slot, to check where a key
    /// sits or to remove or replace it by slot: the tests and the fuzz
    /// target.
    #[inline(always)]
    pub fn find<E>(&mut self, hash: u64, eq: impl FnMut(&K) -> Result<bool, E>) -> Result<Option<SlotId>, E> {
        let mut uncounted = 0;
        let visits = Self::visits(&mut self.counters, &mut uncounted);
        let found = self.strategy.find_entry(self.strategy.probe_hash(hash), visits, eq)?;
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
        self.strategy
            .find_settled(self.strategy.probe_hash(hash), visits, settle)
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
        let found = self
            .strategy
            .find_resumable(self.strategy.probe_hash(hash), cursor, settle);
        if C::ON {
            self.counters.comparisons += cursor.visited - before;
        }
        found
    }

    /// The stored entry in `slot`; its `hash` is the strategy's
    /// [`CollisionStrategy::entry_hash`] of the one inserted.
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
        self.insert_absent(Entry::new(self.strategy.entry_hash(hash), key, value), Vacancy::UNKNOWN)
    }

    /// [`Table::insert_new`] at the vacancy a [`Table::find_settled`] of the
    /// same `hash` found, with nothing changed since: no second walk, unless
    /// the table has to grow first. For the Python binding's `t[k] = v` on
    /// builtin scalar keys (`fast_slots.rs`) and its bulk loads (`bulk.rs`).
    #[inline]
    pub fn insert_vacant(&mut self, hash: u64, key: K, value: V, vacancy: Vacancy) -> Result<SlotId, AllocError> {
        let stored = self
            .strategy
            .insert_made_within(vacancy, hash, key, value, self.load_limit);
        self.count_insert(stored, vacancy)
    }

    /// Store an entry (its hash already stored) whose key is absent, at
    /// `vacancy` if the table did not have to change shape first. The common
    /// case is one call into the strategy, which checks the load against
    /// the limit cached for its size and stores the entry.
    #[inline]
    fn insert_absent(&mut self, entry: Entry<K, V>, vacancy: Vacancy) -> Result<SlotId, AllocError> {
        let stored = self.strategy.insert_within(vacancy, entry, self.load_limit);
        self.count_insert(stored, vacancy)
    }

    /// The end of every insert of an absent key: the generation moves on if
    /// the strategy stored it, else the table reshapes and stores it.
    #[inline(always)]
    fn count_insert(&mut self, stored: Result<SlotId, Entry<K, V>>, vacancy: Vacancy) -> Result<SlotId, AllocError> {
        match stored {
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
            .upsert(
                self.strategy.probe_hash(hash),
                visits,
                eq,
                (key, value),
                self.load_limit,
            )
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
        let removed = self.strategy.remove_entry(self.strategy.probe_hash(hash), visits, eq);
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
mod counting;
mod iterated_removal;
mod sizing;

pub use counting::{Counted, Counters, Counting, Uncounted};
pub use sizing::MAX_BUCKETS;
