//! What `OpenSlots` is to the table: its `CollisionStrategy` (every entry
//! point, each rule's loops behind it) and its `Introspect`.

use super::*;

impl<P, K, V, O> CollisionStrategy<K, V> for OpenSlots<P, K, V, O>
where
    P: ProbeRule,
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        P::KIND
    }

    #[inline]
    fn bucket_count(&self) -> usize {
        self.count()
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    fn tombstones(&self) -> usize {
        self.tombstones
    }

    /// An empty slot's and a tombstone's hash words are hash values.
    const RESERVES_HASHES: bool = true;

    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        let mut at = self.walk_from(hash, cursor);
        let found = P::scan(self, hash, &mut at);
        at.save(cursor);
        found.map(SlotId)
    }

    /// The trait's loop with the probe position in registers: one copy of
    /// the cursor in, one out, and no re-check of a slot the scan vouched for.
    #[inline]
    fn find_resumable<E>(
        &self,
        hash: u64,
        cursor: &mut ProbeCursor,
        mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Lookup, E> {
        let mut at = self.walk_from(hash, cursor);
        let found = loop {
            let Some(slot) = P::scan(self, hash, &mut at) else {
                break Ok(Lookup::Absent);
            };
            match settle(&self.scanned(slot).key) {
                Ok(Verdict::Equal) => break Ok(Lookup::Found(SlotId(slot))),
                Ok(Verdict::Unequal) => {}
                Ok(Verdict::Undecided) => break Ok(Lookup::Undecided(SlotId(slot))),
                Err(err) => break Err(err),
            }
        };
        at.save(cursor);
        found
    }

    /// The rule's own loop ([`ProbeRule::find_settled`]); `find_entry` and
    /// the trait's `find_or_vacancy` are this with a two-way answer.
    #[inline(always)]
    fn find_settled<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E> {
        P::find_settled(self, hash, visited, settle)
    }

    #[inline]
    fn insert_at(&mut self, vacancy: Vacancy, entry: Entry<K, V>) -> SlotId {
        assert!(self.len < self.count(), "{}: insert into a full table", P::KIND.name());
        if vacancy == Vacancy::UNKNOWN {
            return SlotId(P::insert(self, entry));
        }
        P::place(self, vacancy.0, entry);
        SlotId(vacancy.0)
    }

    #[inline]
    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        self.item(slot.0)
    }

    #[inline]
    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        self.item_mut(slot.0)
    }

    #[inline]
    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        assert!(self.len < self.count(), "{}: insert into a full table", P::KIND.name());
        SlotId(P::insert(self, entry))
    }

    /// Always inlined, so that a rule's own inlined removal (linear
    /// probing's) reaches the caller's loop.
    #[inline(always)]
    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        P::remove(self, slot.0)
    }

    /// Every entry re-placed by [`ProbeRule::reinsert`] into storage with at
    /// least one slot more than there are entries, so one `EMPTY` stays.
    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError> {
        let count = P::usable_size(buckets.max(self.len + 1), self.index);
        debug_assert!(!P::POWER_OF_TWO_SIZES || count.is_power_of_two(), "{count} slots");
        let fresh = alloc::filled_with(count, || vacant(EMPTY_HASH))?.into_boxed_slice();
        let distances = zeroed_distances::<P>(count)?;
        self.refill(fresh, distances, P::reinsert);
        Ok(())
    }

    fn copy_with(&self, mut copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, AllocError> {
        let mut slots = alloc::filled_with(self.count(), || vacant(EMPTY_HASH))?.into_boxed_slice();
        for (to, from) in slots.iter_mut().zip(self.slots.iter()) {
            let hash = hash_word(from);
            *to = if is_item_hash(hash) {
                // SAFETY: the hash word is an item's, so key and value are
                // initialised (the invariant on `slots`).
                let entry = unsafe { from.assume_init_ref() };
                let (key, value) = copy(entry);
                MaybeUninit::new(Entry::new(hash, key, value))
            } else {
                vacant(hash)
            };
        }
        Ok(OpenSlots {
            slots,
            len: self.len,
            tombstones: self.tombstones,
            end: self.end,
            index: self.index,
            multiplier: self.multiplier,
            divides: self.divides,
            distances: alloc::copied(&self.distances)?,
            rule: PhantomData,
            observer: O::default(),
        })
    }

    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError> {
        let fresh = Self::try_new(buckets, self.index)?;
        Ok(mem::replace(self, fresh))
    }

    fn index(&self) -> BucketIndex {
        self.index
    }

    fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        while cursor.position < self.end {
            let slot = cursor.position;
            cursor.position += 1;
            if is_item_hash(self.hash_at(slot)) {
                return Some(SlotId(slot));
            }
        }
        None
    }

    /// The highest full slot: `end` trimmed to it first (a removal leaves
    /// it loose), so a run of pops walks each empty slot once.
    fn last_slot(&mut self) -> Option<SlotId> {
        self.trim_end();
        self.end.checked_sub(1).map(SlotId)
    }
}

impl<P, K, V, O> Introspect<K, V> for OpenSlots<P, K, V, O>
where
    P: ProbeRule,
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn home_bucket(&self, hash: u64) -> usize {
        self.home(hash)
    }

    fn bucket_view(&self, bucket: usize) -> BucketView {
        match self.hash_at(bucket) {
            EMPTY_HASH => BucketView::Empty,
            TOMBSTONE_HASH => BucketView::Tombstone,
            _ => BucketView::Filled {
                displacement: P::displacement(self, bucket),
            },
        }
    }

    fn structure(&self) -> Structure {
        Structure::from_slot_views((0..self.count()).map(|slot| self.bucket_view(slot)))
    }

    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes {
        P::expected_probes(load_factor)
    }

    /// One `Entry` per slot, allocated up front, and the rule's byte per
    /// slot if it keeps one ([`ProbeRule::DISTANCES`]).
    fn heap_bytes(&self) -> usize {
        self.count() * mem::size_of::<Entry<K, V>>() + self.distances.len()
    }
}

#[cfg(test)]
impl<P: ProbeRule, K, V> OpenSlots<P, K, V> {
    /// The storage's own invariants, and every item found by its own probe
    /// (for the strategies' tests; each adds its rule's).
    pub(crate) fn check_invariants(&self)
    where
        K: Send + Sync,
        V: Send + Sync,
    {
        let (mut items, mut tombstones) = (0, 0);
        for slot in 0..self.count() {
            match self.hash_at(slot) {
                EMPTY_HASH => {}
                TOMBSTONE_HASH => tombstones += 1,
                hash => {
                    items += 1;
                    let mut cursor = ProbeCursor::new();
                    let found = std::iter::from_fn(|| self.probe_next(hash, &mut cursor)).any(|s| s.0 == slot);
                    assert!(found, "slot {slot}: its item is not on its own probe sequence");
                }
            }
        }
        assert_eq!((items, tombstones), (self.len, self.tombstones));
        assert!(self.end <= self.count(), "end is past the slots");
        assert!(
            (self.end..self.count()).all(|slot| !is_item_hash(self.hash_at(slot))),
            "an item lies at or past end"
        );
    }
}
