//! The interface every collision strategy implements, and the registry of them.
//!
//! A strategy owns storage and placement only. It never hashes (entries carry
//! their hash), never compares keys (it hands out candidates whose stored hash
//! equals the probed hash), and never decides when to resize: [`crate::Table`]
//! does that, the same way for every strategy.

use std::collections::BTreeMap;

use crate::alloc::AllocError;
use crate::entry::{Entry, SlotId};
use crate::index::BucketIndex;
use crate::probe::{IterCursor, ProbeCursor};

/// What one line of the table's picture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketView {
    /// A chaining bucket holding `items` entries.
    Chain { items: usize },
    /// An open-addressing slot that never held an item (or was cleaned).
    Empty,
    /// An open-addressing slot whose item was deleted and left a marker.
    Tombstone,
    /// An open-addressing slot holding an item `displacement` slots from its home.
    Filled { displacement: usize },
}

/// The shape of the table, for `stats()` and the lab.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Structure {
    /// Chaining: chain length -> buckets with that length (0 included).
    /// Open addressing: probe length of a successful lookup -> items with it.
    pub histogram: BTreeMap<usize, usize>,
    /// The longest chain, or the longest probe sequence of any stored item.
    pub longest: usize,
    /// Sum over stored items of the entries or slots a successful lookup visits.
    pub successful_probe_total: u64,
    /// Buckets (or slots) holding nothing, tombstones excluded.
    pub empty_buckets: usize,
    pub tombstones: usize,
}

impl Structure {
    /// The shape of an open-addressing table from its slots' views, where an
    /// item `displacement` probe steps from home takes `displacement + 1`
    /// probes to find.
    pub fn from_slot_views(views: impl Iterator<Item = BucketView>) -> Self {
        let mut structure = Structure::default();
        for view in views {
            match view {
                BucketView::Empty => structure.empty_buckets += 1,
                BucketView::Tombstone => structure.tombstones += 1,
                BucketView::Filled { displacement } => {
                    let probes = displacement + 1;
                    *structure.histogram.entry(probes).or_insert(0) += 1;
                    structure.longest = structure.longest.max(probes);
                    structure.successful_probe_total += probes as u64;
                }
                BucketView::Chain { .. } => unreachable!("open addressing has no chains"),
            }
        }
        structure
    }
}

/// Expected probe lengths at a load factor, from the strategy's textbook model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpectedProbes {
    pub hit: f64,
    pub miss: f64,
}

/// The facts about a strategy that callers, tests and the lab rely on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StrategyInfo {
    pub name: &'static str,
    /// One item per slot: `max_load` must stay below 1.
    pub open_addressing: bool,
    /// Iterates in insertion order (otherwise in bucket or slot order).
    pub insertion_ordered: bool,
    /// Which bucket counts it uses for a requested size.
    pub sizes: &'static str,
    /// The `max_load` its module comment recommends.
    pub recommended_max_load: f64,
    /// The `growth` its module comment recommends.
    pub recommended_growth: f64,
    /// How its probe walks: what a displacement means in slots, and how
    /// many slots a step reads.
    pub probe: ProbeShape,
}

/// How a strategy's probe walks, as the tests and the lab read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeShape {
    /// A chain of nodes per bucket.
    Chain,
    /// One slot a step: displacement `d` is `d` slots past home (linear, Robin Hood).
    Consecutive,
    /// One slot a step: the `d`-th step lands `d(d+1)/2` slots past home (quadratic).
    Triangular,
    /// A group of slots a step; displacement counts slots past home (swiss).
    Groups,
    /// One index slot a step, perturbed by the hash's high bits (compact).
    Perturbed,
}

/// What a caller's equality check says about one candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Equal,
    Unequal,
    /// Only foreign code (a Python `__eq__`) can tell.
    Undecided,
}

/// Where a resumable lookup stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(SlotId),
    Absent,
    /// A candidate the caller must compare itself before resuming.
    Undecided(SlotId),
}

/// What [`CollisionStrategy::find_entry`] finds: the slot and its entry.
pub type FoundEntry<'a, K, V> = Option<(SlotId, &'a Entry<K, V>)>;

/// Where a lookup that missed says an insert of its key would go, for
/// [`CollisionStrategy::insert_at`]: valid until the table next changes.
/// A strategy that cannot tell hands out [`Vacancy::UNKNOWN`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vacancy(pub(crate) usize);

impl Vacancy {
    pub const UNKNOWN: Vacancy = Vacancy(usize::MAX);
}

/// What [`CollisionStrategy::find_settled`] finds in one pass.
#[derive(Debug)]
pub enum Settled<'a, K, V> {
    /// The entry `settle` called equal, and its slot.
    Found(SlotId, &'a Entry<K, V>),
    /// No entry is equal; an insert of the key would go to the vacancy.
    Absent(Vacancy),
    /// `settle` could not decide a candidate: the caller looks again its own
    /// way (a resumable lookup that runs the foreign code).
    Undecided,
}

/// `settle`'s verdict on one candidate of a one-pass lookup: how the lookup
/// ends, or None to go on to the next candidate. Every strategy's
/// `find_settled` loop ends through this.
#[inline(always)]
pub(crate) fn settle_candidate<'a, K, V, E>(
    slot: SlotId,
    entry: &'a Entry<K, V>,
    settle: &mut impl FnMut(&K) -> Result<Verdict, E>,
) -> Option<Result<Settled<'a, K, V>, E>> {
    match settle(&entry.key) {
        Ok(Verdict::Equal) => Some(Ok(Settled::Found(slot, entry))),
        Ok(Verdict::Unequal) => None,
        Ok(Verdict::Undecided) => Some(Ok(Settled::Undecided)),
        Err(err) => Some(Err(err)),
    }
}

/// A yes-or-no equality as a `settle` that never defers.
#[inline(always)]
pub(crate) fn two_way<K, E>(mut eq: impl FnMut(&K) -> Result<bool, E>) -> impl FnMut(&K) -> Result<Verdict, E> {
    move |key| Ok(if eq(key)? { Verdict::Equal } else { Verdict::Unequal })
}

/// `find_entry`'s answer from a `find_settled` run with a two-way `settle`,
/// for strategies whose one loop is `find_settled`.
#[inline(always)]
pub(crate) fn found_entry<K, V>(settled: Settled<'_, K, V>) -> FoundEntry<'_, K, V> {
    match settled {
        Settled::Found(slot, entry) => Some((slot, entry)),
        // A two-way `settle` never defers.
        Settled::Absent(_) | Settled::Undecided => None,
    }
}

/// What [`CollisionStrategy::upsert`] did.
#[derive(Debug)]
pub enum Upserted<K, V> {
    /// The key was stored: its value was replaced. The key given and the
    /// value replaced come back, for the caller to drop.
    Replaced(K, V),
    /// The key was absent and is stored now.
    Inserted,
    /// The key is absent, and the table must grow, clean or reserve first:
    /// nothing changed. The entry and where the miss said it goes.
    Declined(Entry<K, V>, Vacancy),
}

/// Storage and probing for one collision-resolution scheme: everything an
/// operation on the table calls. What only the lab asks is [`Introspect`].
///
/// `Send + Sync` because a Python object may move between threads; every
/// method is called with exclusive or shared access as its receiver says.
pub trait CollisionStrategy<K, V>: Send + Sync {
    fn kind(&self) -> StrategyKind;
    /// Buckets (chaining) or slots (open addressing).
    fn bucket_count(&self) -> usize;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Slots that are neither empty nor holding an item. They count against
    /// `max_load` for open addressing, because they lengthen probes.
    fn tombstones(&self) -> usize {
        0
    }
    /// Whether this strategy reserves hash values to mark its slots (the
    /// open-addressing slots' `u64::MAX` and `1 << 63`), and so stores and
    /// probes with [`crate::unreserved_hash`] of a caller's hash.
    const RESERVES_HASHES: bool = false;
    /// The hash this strategy's methods take, and its entries carry, for a
    /// caller's `hash`: the caller's own, unless it reserves hash values
    /// ([`CollisionStrategy::RESERVES_HASHES`]). [`crate::Table`] applies it
    /// to every hash it is given, so a swiss, chaining or compact lookup does
    /// no work for values it never reserved (`callgrind_core.py`: 5
    /// instructions a lookup). [`AnyStrategy`] takes any hash as it is:
    /// each variant's arm maps it, so no second `match` on the variant comes
    /// before the one that does the work.
    #[inline(always)]
    fn probe_hash(&self, hash: u64) -> u64 {
        if Self::RESERVES_HASHES {
            crate::unreserved_hash(hash)
        } else {
            hash
        }
    }
    /// The hash an entry handed to this strategy ([`CollisionStrategy::insert_new`],
    /// `insert_at`, `insert_within`) carries for a caller's `hash`: its
    /// [`CollisionStrategy::probe_hash`], also for an [`AnyStrategy`], which
    /// stores entries as they come.
    #[inline(always)]
    fn entry_hash(&self, hash: u64) -> u64 {
        self.probe_hash(hash)
    }
    /// The caller's hash of an entry stored with `stored`, if it is known:
    /// what a copy into a table of another strategy may pass as the key's
    /// hash instead of hashing the key again (None: hash it again).
    fn original_hash(&self, stored: u64) -> Option<u64> {
        (!(Self::RESERVES_HASHES && crate::entry::may_be_moved(stored))).then_some(stored)
    }
    /// The next entry along `hash`'s probe sequence whose stored hash equals
    /// `hash`, continuing from `cursor` (a fresh cursor starts the probe).
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId>;
    /// Walk `hash`'s candidates from `cursor` until `settle` decides one: the
    /// whole loop in this strategy's own code. `Lookup::Undecided` hands back
    /// a candidate whose equality needs foreign code; the cursor is left just
    /// past it, so the walk resumes where it stopped.
    #[inline]
    fn find_resumable<E>(
        &self,
        hash: u64,
        cursor: &mut ProbeCursor,
        mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Lookup, E>
    where
        Self: Sized,
    {
        while let Some(slot) = self.probe_next(hash, cursor) {
            match settle(&self.entry(slot).key)? {
                Verdict::Equal => return Ok(Lookup::Found(slot)),
                Verdict::Unequal => {}
                Verdict::Undecided => return Ok(Lookup::Undecided(slot)),
            }
        }
        Ok(Lookup::Absent)
    }
    /// The entry whose key `eq` accepts among those stored with `hash`, and
    /// its slot; the slots the probe visited are added to `visited`. A whole
    /// lookup in one call, so an [`AnyStrategy`] is matched once for it.
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
        self.find_settled(hash, visited, two_way(eq)).map(found_entry)
    }
    /// [`CollisionStrategy::find_entry`] that, on a miss, also says where
    /// the key would be inserted: one walk for an insert-or-update.
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
        Ok(match self.find_settled(hash, visited, two_way(eq))? {
            Settled::Found(slot, _) => Ok(slot),
            Settled::Absent(vacancy) => Err(vacancy),
            // `eq` never defers.
            Settled::Undecided => Err(Vacancy::UNKNOWN),
        })
    }
    /// [`CollisionStrategy::insert_new`] into the slot a miss found, with
    /// nothing changed since: the same slot `insert_new` would choose, without
    /// walking there again. The caller has reserved room as for `insert_new`.
    #[inline]
    fn insert_at(&mut self, vacancy: Vacancy, entry: Entry<K, V>) -> SlotId {
        let _ = vacancy;
        self.insert_new(entry)
    }
    /// One pass for a caller whose `settle` decides most candidates itself:
    /// the entry found with its slot, or the vacancy a miss ends at, or
    /// `Undecided` at the first candidate it cannot decide. No cursor is kept,
    /// so the whole walk stays in registers, and a found entry needs no
    /// second lookup of its slot. The slots visited are added to `visited`.
    #[inline]
    fn find_settled<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E>
    where
        Self: Sized,
    {
        let mut cursor = ProbeCursor::new();
        let found = self.find_resumable(hash, &mut cursor, settle);
        *visited += cursor.visited;
        Ok(match found? {
            Lookup::Found(slot) => Settled::Found(slot, self.entry(slot)),
            Lookup::Absent => Settled::Absent(Vacancy::UNKNOWN),
            Lookup::Undecided(_) => Settled::Undecided,
        })
    }
    fn entry(&self, slot: SlotId) -> &Entry<K, V>;
    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V>;
    /// Store an entry whose key is known to be absent. The caller has already
    /// grown the table and called [`CollisionStrategy::reserve_one`], so there
    /// is room and nothing needs allocating.
    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId;
    /// Make sure the next `insert_new` allocates nothing: it cannot fail.
    fn reserve_one(&mut self) -> Result<(), AllocError> {
        Ok(())
    }
    /// The common insert of an absent key in one call: if one more item
    /// keeps `len + tombstones` within `limit` (the table's `max_load`
    /// limit for the current size) and [`CollisionStrategy::reserve_one`]
    /// succeeds, store `entry` at `vacancy` ([`CollisionStrategy::insert_at`]).
    /// Otherwise change nothing and hand `entry` back, for the caller to
    /// grow (or clean, or report the error) first. One `match` on an
    /// [`AnyStrategy`] where the checks one by one took five.
    #[inline]
    fn insert_within(&mut self, vacancy: Vacancy, entry: Entry<K, V>, limit: usize) -> Result<SlotId, Entry<K, V>> {
        if self.len() + self.tombstones() >= limit || self.reserve_one().is_err() {
            return Err(entry);
        }
        Ok(self.insert_at(vacancy, entry))
    }
    /// [`CollisionStrategy::insert_within`] of the entry a caller's `hash`
    /// (its [`CollisionStrategy::entry_hash`] taken here), `key` and `value`
    /// make: for [`crate::Table::insert_vacant`], after a lookup that mapped
    /// the same hash. An [`AnyStrategy`] maps it inside the variant's arm,
    /// where a test of the variant came first (`callgrind_lookup.py --op
    /// build`).
    #[inline(always)]
    fn insert_made_within(
        &mut self,
        vacancy: Vacancy,
        hash: u64,
        key: K,
        value: V,
        limit: usize,
    ) -> Result<SlotId, Entry<K, V>> {
        self.insert_within(vacancy, Entry::new(self.entry_hash(hash), key, value), limit)
    }
    /// Insert or update in one walk and, on an [`AnyStrategy`], one `match`:
    /// [`CollisionStrategy::find_or_vacancy`], then the value replaced, or
    /// the entry stored as [`CollisionStrategy::insert_within`] stores it.
    /// For [`crate::Table::insert`].
    #[inline(always)]
    fn upsert<E>(
        &mut self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
        (key, value): (K, V),
        limit: usize,
    ) -> Result<Upserted<K, V>, E>
    where
        Self: Sized,
    {
        Ok(match self.find_or_vacancy(hash, visited, eq)? {
            Ok(slot) => Upserted::Replaced(key, std::mem::replace(&mut self.entry_mut(slot).value, value)),
            Err(vacancy) => match self.insert_within(vacancy, Entry::new(hash, key, value), limit) {
                Ok(_) => Upserted::Inserted,
                Err(entry) => Upserted::Declined(entry, vacancy),
            },
        })
    }
    /// Find the entry `eq` accepts among those stored with `hash` and take
    /// it out, adding the visits to `visited` as `find_entry` does: for
    /// [`crate::Table::remove`]. A strategy whose `remove` has to find its
    /// slot's neighbourhood again (a predecessor, an index slot) overrides
    /// this to keep what the lookup walked past.
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
        let found = self.find_entry(hash, visited, eq)?.map(|(slot, _)| slot);
        Ok(found.map(|slot| self.remove(slot)))
    }
    fn remove(&mut self, slot: SlotId) -> Entry<K, V>;
    /// [`CollisionStrategy::remove`] of the slot a lookup of this strategy
    /// has just found, with nothing changed since: a strategy whose
    /// `remove` checks the slot again (swiss) can skip the check. For
    /// [`crate::Table::remove_found`].
    ///
    /// # Safety
    /// `slot` came from a lookup of this strategy (`find_settled`,
    /// `find_entry`, ...) that found an entry, and the strategy has not
    /// changed since.
    #[inline]
    unsafe fn remove_found(&mut self, slot: SlotId) -> Entry<K, V> {
        self.remove(slot)
    }
    /// Re-place every entry into `buckets` buckets, using the stored hashes.
    /// The new storage is allocated first: on an error nothing has changed.
    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError>;
    /// Swap in fresh empty storage of `buckets` buckets and hand back the old
    /// storage, entries and all, for the caller to drop when it is safe to.
    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError>
    where
        Self: Sized;
    /// This storage copied slot for slot (same size, same places, same
    /// tombstones), each entry's key and value made by `copy` and its stored
    /// hash kept. All memory is allocated before the first `copy`.
    fn copy_with(&self, copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, AllocError>
    where
        Self: Sized;
    /// The bucket index this strategy was built with.
    fn index(&self) -> BucketIndex;
    /// The next occupied slot in this strategy's iteration order.
    fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId>;
    /// The entry that `popitem` removes. Open-addressing strategies take the
    /// last one in iteration order; chaining takes its newest node (found in
    /// O(1) at the end of its arena), which is not its last bucket's item.
    /// `&mut`: open addressing trims its loose `end` here.
    fn last_slot(&mut self) -> Option<SlotId>;
}

/// What the lab, `stats()` and the picture ask of a strategy: its shape and
/// its textbook model, never on the path of an operation.
pub trait Introspect<K, V>: CollisionStrategy<K, V> {
    /// The bucket a hash starts probing from; used for the uniformity test.
    fn home_bucket(&self, hash: u64) -> usize;
    fn bucket_view(&self, bucket: usize) -> BucketView;
    fn structure(&self) -> Structure;
    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes;
    /// Bytes of heap this strategy's own storage holds (not the keys' and
    /// values' own heap), for `sys.getsizeof`.
    fn heap_bytes(&self) -> usize;
}

macro_rules! strategies {
    ($d:tt $($variant:ident => $name:literal, $module:ident :: $type:ident, open_addressing: $open:literal,
        insertion_ordered: $ordered:literal, sizes: $sizes:literal, recommended: ($max_load:literal, $growth:literal),
        probe: $probe:ident;)*) => {
        /// One strategy of each kind, chosen at run time and dispatched
        /// statically: every call is one `match` on the variant into the
        /// strategy's own monomorphized code (no vtable, and loops such as
        /// [`CollisionStrategy::find_resumable`] run inside one arm). The
        /// explicit tag keeps that `match` a load and a jump: a niche-encoded
        /// discriminant cost the Python binding's lookup 9 instructions.
        #[repr(u8)]
        pub enum AnyStrategy<K, V> {
            $($variant(crate::$module::$type<K, V>),)*
        }

        /// `dispatch!(value, s => expr)`: `expr` with `s` bound to the
        /// concrete strategy inside an `AnyStrategy`.
        macro_rules! dispatch {
            ($d strategy:expr, $d s:ident => $d body:expr) => {
                match $d strategy {
                    $(AnyStrategy::$variant($d s) => $d body,)*
                }
            };
        }

        /// Every collision strategy this crate offers.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum StrategyKind {
            $($variant,)*
        }

        impl StrategyKind {
            pub const ALL: &'static [StrategyKind] = &[$(StrategyKind::$variant,)*];

            pub fn name(self) -> &'static str {
                match self {
                    $(StrategyKind::$variant => $name,)*
                }
            }

            /// Open-addressing strategies keep one item per slot, so their
            /// `max_load` must stay below 1.
            pub fn is_open_addressing(self) -> bool {
                self.info().open_addressing
            }

            /// What this strategy is, from the one registry below.
            pub fn info(self) -> StrategyInfo {
                match self {
                    $(StrategyKind::$variant => StrategyInfo {
                        name: $name,
                        open_addressing: $open,
                        insertion_ordered: $ordered,
                        sizes: $sizes,
                        recommended_max_load: $max_load,
                        recommended_growth: $growth,
                        probe: ProbeShape::$probe,
                    },)*
                }
            }

            /// The bucket count this strategy really uses for a requested size.
            pub fn usable_size(self, requested: usize, index: BucketIndex) -> usize {
                match self {
                    $(StrategyKind::$variant => crate::$module::$type::<(), ()>::usable_size(requested, index),)*
                }
            }

            /// Empty storage of `buckets` buckets for this strategy.
            pub fn build<K, V>(self, buckets: usize, index: BucketIndex) -> Result<AnyStrategy<K, V>, AllocError>
            where
                K: Send + Sync,
                V: Send + Sync,
            {
                Ok(match self {
                    $(StrategyKind::$variant => AnyStrategy::$variant(crate::$module::$type::<K, V>::try_new(buckets, index)?),)*
                })
            }
        }

        impl<K: Send + Sync, V: Send + Sync> AnyStrategy<K, V> {
            /// [`CollisionStrategy::copy_with`] into the same variant.
            fn copy_variant(&self, copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, AllocError> {
                Ok(match self {
                    $(AnyStrategy::$variant(s) => AnyStrategy::$variant(s.copy_with(copy)?),)*
                })
            }
        }
    };
}

// One entry per strategy; each lives in its own module. `recommended` is the
// (max_load, growth) its file argues for. (The leading `$` lets the macro
// define `dispatch!`, a macro of its own.)
strategies! { $
    Chaining => "chaining", chaining::Chaining, open_addressing: false,
        insertion_ordered: false, sizes: "any", recommended: (1.0, 2.0), probe: Chain;
    RobinHood => "robin_hood", robin_hood::RobinHood, open_addressing: true,
        insertion_ordered: false, sizes: "any (a power of two with index='mask')", recommended: (0.9, 1.5),
        probe: Consecutive;
    Linear => "linear", linear::Linear, open_addressing: true,
        insertion_ordered: false, sizes: "any (a power of two with index='mask')", recommended: (0.8, 1.5),
        probe: Consecutive;
    Quadratic => "quadratic", quadratic::Quadratic, open_addressing: true,
        insertion_ordered: false, sizes: "a power of two", recommended: (0.75, 2.0), probe: Triangular;
    Swiss => "swiss", swiss::Swiss, open_addressing: true,
        insertion_ordered: false, sizes: "a power of two, at least 4", recommended: (0.875, 2.0), probe: Groups;
    Compact => "compact", compact::Compact, open_addressing: true,
        insertion_ordered: true, sizes: "a power of two", recommended: (0.66, 2.0), probe: Perturbed;

}

impl StrategyKind {
    pub fn from_name(name: &str) -> Option<Self> {
        StrategyKind::ALL.iter().copied().find(|kind| kind.name() == name)
    }
}

// After the registry: `dispatch!` is defined by it.
mod any;
