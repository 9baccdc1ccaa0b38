//! [`AnyStrategy`]'s two traits: every method one `match` on the variant
//! (`dispatch!`, defined with the registry) into the strategy's own code.
//!
//! Its `probe_hash` is the hash as given (`RESERVES_HASHES` is false): each
//! arm below that takes a hash maps it to its variant's. Mapped before the `match`, it took
//! a `match` of its own, which the optimiser merged with the next one in
//! some callers and not in others (a delete paid two jump tables,
//! `callgrind_core.py`). Entries come in already mapped (`entry_hash`):
//! mapped in the arms, each entry was copied once more on its way in (an
//! `update()` of new keys, 26 instructions a key more for linear).

use super::*;

/// [`CollisionStrategy::RESERVES_HASHES`] of `strategy`'s type.
#[inline(always)]
fn reserves_hashes<K, V, S: CollisionStrategy<K, V>>(_: &S) -> bool {
    S::RESERVES_HASHES
}

impl<K, V> CollisionStrategy<K, V> for AnyStrategy<K, V>
where
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        dispatch!(self, s => s.kind())
    }
    #[inline]
    fn bucket_count(&self) -> usize {
        dispatch!(self, s => s.bucket_count())
    }
    #[inline]
    fn len(&self) -> usize {
        dispatch!(self, s => s.len())
    }
    fn tombstones(&self) -> usize {
        dispatch!(self, s => s.tombstones())
    }
    fn original_hash(&self, stored: u64) -> Option<u64> {
        dispatch!(self, s => s.original_hash(stored))
    }
    // Always, and a `match` that yields a constant, which the optimiser
    // turns into a test of the variant's tag: as a `match` on `probe_hash`,
    // a jump table cost an `update()` of new keys 4 instructions a key more
    // (linear, `callgrind_lookup.py --op build`).
    #[inline(always)]
    fn entry_hash(&self, hash: u64) -> u64 {
        if dispatch!(self, s => reserves_hashes(s)) {
            crate::unreserved_hash(hash)
        } else {
            hash
        }
    }
    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        dispatch!(self, s => s.probe_next(s.probe_hash(hash), cursor))
    }
    #[inline]
    fn find_resumable<E>(
        &self,
        hash: u64,
        cursor: &mut ProbeCursor,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Lookup, E>
    where
        Self: Sized,
    {
        dispatch!(self, s => s.find_resumable(s.probe_hash(hash), cursor, settle))
    }
    // Always, down to each strategy's loop: the caller's own loop then
    // holds the match and six tight loops. Any function boundary on the way
    // cost more: one function holding all six saved every callee-saved
    // register on each call (17 instructions a lookup, callgrind), and a
    // call per strategy left 25 to 30 instructions of calling around a
    // lookup that takes 40.
    #[inline(always)]
    fn find_entry<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<FoundEntry<'_, K, V>, E>
    where
        Self: Sized,
    {
        dispatch!(self, s => s.find_entry(s.probe_hash(hash), visited, eq))
    }
    #[inline(always)]
    fn find_or_vacancy<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Result<SlotId, Vacancy>, E>
    where
        Self: Sized,
    {
        dispatch!(self, s => s.find_or_vacancy(s.probe_hash(hash), visited, eq))
    }
    #[inline(always)]
    fn find_settled<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E>
    where
        Self: Sized,
    {
        dispatch!(self, s => s.find_settled(s.probe_hash(hash), visited, settle))
    }
    #[inline]
    fn insert_at(&mut self, vacancy: Vacancy, entry: Entry<K, V>) -> SlotId {
        dispatch!(self, s => s.insert_at(vacancy, entry))
    }
    // Always: the Python binding's `t[k]` reads the value through this right
    // after a lookup, and a call here costs it 14 instructions (callgrind).
    #[inline(always)]
    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        dispatch!(self, s => s.entry(slot))
    }
    // Always, as `entry`: `t[k] = v` of a present key writes the value
    // through this right after its lookup.
    #[inline(always)]
    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        dispatch!(self, s => s.entry_mut(slot))
    }
    #[inline]
    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        dispatch!(self, s => s.insert_new(entry))
    }
    #[inline]
    fn reserve_one(&mut self) -> Result<(), AllocError> {
        dispatch!(self, s => s.reserve_one())
    }
    #[inline(always)]
    fn insert_within(&mut self, vacancy: Vacancy, entry: Entry<K, V>, limit: usize) -> Result<SlotId, Entry<K, V>> {
        dispatch!(self, s => s.insert_within(vacancy, entry, limit))
    }
    #[inline]
    fn insert_made_within(
        &mut self,
        vacancy: Vacancy,
        hash: u64,
        key: K,
        value: V,
        limit: usize,
    ) -> Result<SlotId, Entry<K, V>> {
        dispatch!(self, s => s.insert_made_within(vacancy, hash, key, value, limit))
    }
    // Always, as `find_entry`: the whole insert-or-update inside one arm.
    #[inline(always)]
    fn upsert<E>(
        &mut self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
        pair: (K, V),
        limit: usize,
    ) -> Result<Upserted<K, V>, E>
    where
        Self: Sized,
    {
        dispatch!(self, s => s.upsert(s.probe_hash(hash), visited, eq, pair, limit))
    }
    #[inline(always)]
    fn remove_entry<E>(
        &mut self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<Entry<K, V>>, E>
    where
        Self: Sized,
    {
        dispatch!(self, s => s.remove_entry(s.probe_hash(hash), visited, eq))
    }
    #[inline]
    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        dispatch!(self, s => s.remove(slot))
    }
    /// Swiss's inline; the others through [`AnyStrategy::remove`]'s call,
    /// which keeps their code out of the caller (the C library's ht_remove).
    #[inline(always)]
    unsafe fn remove_found(&mut self, slot: SlotId) -> Entry<K, V> {
        match self {
            // SAFETY: the contract, passed on.
            AnyStrategy::Swiss(swiss) => unsafe { swiss.remove_found(slot) },
            other => other.remove_elsewhere(slot),
        }
    }
    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError> {
        dispatch!(self, s => s.rebuild(buckets))
    }
    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError> {
        let fresh = self.kind().build(buckets, self.index())?;
        Ok(std::mem::replace(self, fresh))
    }
    fn copy_with(&self, copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, AllocError> {
        self.copy_variant(copy)
    }
    fn index(&self) -> BucketIndex {
        dispatch!(self, s => s.index())
    }
    #[inline]
    fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        dispatch!(self, s => s.iter_next(cursor))
    }
    fn last_slot(&mut self) -> Option<SlotId> {
        dispatch!(self, s => s.last_slot())
    }
}

impl<K, V> Introspect<K, V> for AnyStrategy<K, V>
where
    K: Send + Sync,
    V: Send + Sync,
{
    fn home_bucket(&self, hash: u64) -> usize {
        dispatch!(self, s => s.home_bucket(s.probe_hash(hash)))
    }
    fn bucket_view(&self, bucket: usize) -> BucketView {
        dispatch!(self, s => s.bucket_view(bucket))
    }
    fn structure(&self) -> Structure {
        dispatch!(self, s => s.structure())
    }
    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes {
        dispatch!(self, s => s.expected_probes(load_factor))
    }
    fn heap_bytes(&self) -> usize {
        dispatch!(self, s => s.heap_bytes())
    }
}

impl<K, V> AnyStrategy<K, V>
where
    K: Send + Sync,
    V: Send + Sync,
{
    /// [`CollisionStrategy::remove`] out of line, for `remove_found`'s
    /// strategies other than swiss.
    #[inline(never)]
    fn remove_elsewhere(&mut self, slot: SlotId) -> Entry<K, V> {
        self.remove(slot)
    }

    /// [`CollisionStrategy::insert_made_within`] out of line, for
    /// [`crate::Table::insert_vacant_inline`]'s strategies other than swiss.
    #[inline(never)]
    pub(crate) fn insert_made_elsewhere(
        &mut self,
        vacancy: Vacancy,
        hash: u64,
        key: K,
        value: V,
        limit: usize,
    ) -> Result<SlotId, Entry<K, V>> {
        self.insert_made_within(vacancy, hash, key, value, limit)
    }
}
