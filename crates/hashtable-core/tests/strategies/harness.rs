//! The differential harness: a table and a `HashMap` model driven by the
//! same operations, and the checks every strategy must pass after each one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;

use hashtable_core::{
    BucketView, CollisionStrategy, Counters, Introspect, IterCursor, Lookup, ProbeCursor, ProbeShape, SlotId,
    StrategyKind, Table, TableConfig, Verdict,
};

pub type Map = Table<u64, u64>;

/// Whether `kind` stores the two hash values its slots reserve (`u64::MAX`,
/// `1 << 63`) moved to their neighbours: the open-addressing slots do, the
/// others keep every hash as given. Spelled out here, not read from the
/// core, so that the tests state what they expect.
pub fn moves_reserved_hashes(kind: StrategyKind) -> bool {
    matches!(
        kind,
        StrategyKind::Linear | StrategyKind::Quadratic | StrategyKind::RobinHood
    )
}

/// The next candidate for `hash` after `cursor`: a resumable lookup whose
/// settle defers every candidate hands them out one by one.
pub fn next_candidate(table: &mut Map, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
    match table.find_resumable(hash, cursor, |_| Ok::<_, Infallible>(Verdict::Undecided)) {
        Ok(Lookup::Undecided(slot)) => Some(slot),
        Ok(Lookup::Found(_) | Lookup::Absent) => None,
    }
}

pub fn same(key: u64) -> impl FnMut(&u64) -> Result<bool, Infallible> {
    move |stored| Ok(*stored == key)
}

/// SplitMix64's finaliser: a full-range hash with no collisions.
pub fn mix(key: u64) -> u64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone, Copy, Debug)]
pub enum Hashing {
    /// Hashes in `0..range`: many keys share a full hash.
    Narrow(u64),
    /// Full 64-bit hashes.
    Full,
    /// Distinct hashes whose low 40 bits are all zero: every key lands on one
    /// home under `mod` and `mask` with power-of-two sizes.
    Shifted,
    /// The two hashes open addressing reserves for its empty and tombstone
    /// slots, the values they are stored as, and two ordinary ones.
    Reserved,
}

const RESERVED_AND_NEIGHBOURS: [u64; 6] = [u64::MAX, u64::MAX - 1, 1 << 63, (1 << 63) | 1, 0, 1];

impl Hashing {
    fn hash(self, key: u64) -> u64 {
        match self {
            Hashing::Narrow(range) => mix(key) % range,
            Hashing::Full => mix(key),
            Hashing::Shifted => key << 40,
            Hashing::Reserved => RESERVED_AND_NEIGHBOURS[(key % 6) as usize],
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Op {
    Insert(u64, u64),
    Replace(u64, u64),
    Remove(u64),
    Find(u64),
    Probe(u64),
    PopLast,
    Clear,
}

/// The parts of a table that only structural changes may move.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Snapshot {
    generation: u64,
    size: usize,
    resizes: u64,
    rebuilds: u64,
}

impl Snapshot {
    fn of(table: &Map) -> Self {
        let Counters { resizes, rebuilds, .. } = table.counters();
        Snapshot {
            generation: table.generation(),
            size: table.size(),
            resizes,
            rebuilds,
        }
    }
}

/// Where displacement `d` puts an item relative to its home bucket, for the
/// strategies whose `SlotId` is the slot number and whose `bucket_view`
/// measures displacement along the probe sequence.
fn probe_offset(kind: StrategyKind, displacement: usize) -> Option<usize> {
    match kind.info().probe {
        ProbeShape::Consecutive | ProbeShape::Groups => Some(displacement),
        ProbeShape::Triangular => Some(displacement * (displacement + 1) / 2),
        ProbeShape::Chain | ProbeShape::Perturbed => None,
    }
}

/// Strategies whose probe reads one slot per step, so a hit on an item shown
/// with displacement `d` reads `d + 1` slots (swiss reads a group per step).
fn one_slot_per_step(kind: StrategyKind) -> bool {
    matches!(
        kind.info().probe,
        ProbeShape::Consecutive | ProbeShape::Triangular | ProbeShape::Perturbed
    )
}

pub struct Harness {
    kind: StrategyKind,
    table: Map,
    model: HashMap<u64, u64>,
    hashing: Hashing,
}

impl Harness {
    pub fn new(config: TableConfig, hashing: Hashing) -> Self {
        let table = Table::new(config).unwrap_or_else(|e| panic!("{config:?}: {e}"));
        assert_eq!(table.size(), config.initial_buckets());
        Harness {
            kind: config.strategy,
            table,
            model: HashMap::new(),
            hashing,
        }
    }

    /// The hash the table stores for `key`.
    fn stored_hash(&self, key: u64) -> u64 {
        self.stored_for(self.hashing.hash(key))
    }

    /// The hash the table stores for a caller's `hash`: the open-addressing
    /// slots move the two values they reserve, the others keep it as it is.
    fn stored_for(&self, hash: u64) -> u64 {
        if moves_reserved_hashes(self.kind) && (hash == u64::MAX || hash == 1 << 63) {
            hash ^ 1
        } else {
            hash
        }
    }

    fn slots(&self) -> Vec<SlotId> {
        let mut cursor = IterCursor::new();
        let mut slots = Vec::new();
        while let Some(slot) = self.table.iter_next(&mut cursor) {
            slots.push(slot);
            assert!(
                slots.len() <= self.table.len(),
                "{:?}: iteration runs past len",
                self.kind
            );
        }
        slots
    }

    pub fn apply(&mut self, op: Op) {
        let kind = self.kind;
        let before = Snapshot::of(&self.table);
        let mut structural = false;
        match op {
            Op::Insert(key, value) => {
                let hash = self.hashing.hash(key);
                let old = self.table.insert(hash, key, value, same(key)).unwrap();
                match self.model.insert(key, value) {
                    Some(previous) => assert_eq!(old, Some((key, previous)), "{kind:?}: update"),
                    None => {
                        assert_eq!(old, None, "{kind:?}: insert of a new key");
                        structural = true;
                    }
                }
                let slot = self
                    .table
                    .find(hash, same(key))
                    .unwrap()
                    .expect("inserted key is findable");
                assert_eq!(self.table.entry(slot).value, value);
            }
            Op::Replace(key, value) => {
                let hash = self.hashing.hash(key);
                if let Some(slot) = self.table.find(hash, same(key)).unwrap() {
                    let old = self.table.replace_value(slot, value);
                    assert_eq!(Some(old), self.model.insert(key, value), "{kind:?}: replace_value");
                } else {
                    assert!(!self.model.contains_key(&key), "{kind:?}: lost key {key}");
                }
            }
            Op::Remove(key) => {
                let removed = self.table.remove(self.hashing.hash(key), same(key)).unwrap();
                let expected = self.model.remove(&key);
                assert_eq!(removed.as_ref().map(|e| (e.key, e.value)), expected.map(|v| (key, v)));
                structural = removed.is_some();
            }
            Op::Find(key) => {
                let before = self.table.counters().comparisons;
                let found = self.table.find(self.hashing.hash(key), same(key)).unwrap();
                let value = found.map(|slot| self.table.entry(slot).value);
                assert_eq!(value, self.model.get(&key).copied(), "{kind:?}: find {key}");
                let visits = self.table.counters().comparisons - before;
                let entry = self.table.get(self.hashing.hash(key), same(key)).unwrap();
                assert_eq!(
                    entry.map(|e| (e.key, e.value)),
                    value.map(|v| (key, v)),
                    "{kind:?}: get {key}"
                );
                let again = self.table.counters().comparisons - before - visits;
                assert_eq!(again, visits, "{kind:?}: get counts the visits find counts");
                // A strategy's own straight loop (swiss) counts what its probe counts.
                let mut cursor = ProbeCursor::new();
                let settle = |stored: &u64| {
                    Ok::<_, Infallible>(if *stored == key {
                        Verdict::Equal
                    } else {
                        Verdict::Unequal
                    })
                };
                let lookup = self
                    .table
                    .find_resumable(self.hashing.hash(key), &mut cursor, settle)
                    .unwrap();
                assert_eq!(
                    lookup == Lookup::Absent,
                    value.is_none(),
                    "{kind:?}: find_resumable {key}"
                );
                assert_eq!(
                    cursor.visited(),
                    visits,
                    "{kind:?}: find and a probe count the same visits"
                );
            }
            Op::Probe(key) => self.check_resumable_probe(key),
            Op::PopLast => {
                let last = self.slots().last().map(|&slot| self.table.entry(slot).key);
                let popped = self.table.pop_last();
                assert_eq!(popped.is_some(), !self.model.is_empty(), "{kind:?}: pop_last");
                if let Some(entry) = popped {
                    assert_eq!(self.model.remove(&entry.key), Some(entry.value), "{kind:?}: popped");
                    assert_eq!(entry.hash, self.stored_hash(entry.key));
                    // Chaining pops its newest node instead of its last in
                    // iteration order (documented on CollisionStrategy::last_slot).
                    if kind != StrategyKind::Chaining {
                        assert_eq!(
                            Some(entry.key),
                            last,
                            "{kind:?}: pop_last takes the last in iteration order"
                        );
                    }
                    structural = true;
                }
            }
            Op::Clear => {
                let old = self.table.clear().expect("clear allocates a small table");
                let mut drained = BTreeMap::new();
                let mut cursor = IterCursor::new();
                while let Some(slot) = old.iter_next(&mut cursor) {
                    let entry = old.entry(slot);
                    drained.insert(entry.key, entry.value);
                }
                let model: BTreeMap<u64, u64> = self.model.drain().collect();
                assert_eq!(drained, model, "{kind:?}: clear hands back every entry");
                let after = Snapshot::of(&self.table);
                let initial = self.table.config().initial_buckets();
                assert_eq!(after.size, initial, "{kind:?}: clear goes back to the initial size");
                assert_eq!(after.resizes - before.resizes, u64::from(before.size != initial));
                assert_eq!(after.generation, before.generation + 1);
                self.check();
                return;
            }
        }
        let after = Snapshot::of(&self.table);
        if structural {
            assert!(
                after.generation > before.generation,
                "{kind:?}: {op:?} must bump the generation"
            );
            assert_eq!(
                after.resizes - before.resizes,
                u64::from(after.size != before.size),
                "{kind:?}: {op:?}: one resize per size change"
            );
            if after.rebuilds != before.rebuilds {
                assert_eq!(after.rebuilds, before.rebuilds + 1);
                assert_eq!(after.size, before.size, "{kind:?}: a rebuild keeps the size");
                assert_eq!(
                    self.table.strategy().tombstones(),
                    0,
                    "{kind:?}: a rebuild clears tombstones"
                );
            }
        } else {
            assert_eq!(after, before, "{kind:?}: {op:?} must not change the structure");
        }
        self.check();
    }

    /// Probe with one cursor, interrupted between candidates by other lookups
    /// and resumed from a saved copy, and compare with the entries whose stored
    /// hash equals the probed one.
    fn check_resumable_probe(&mut self, key: u64) {
        let kind = self.kind;
        let hash = self.hashing.hash(key);
        let expected: HashSet<SlotId> = self
            .slots()
            .into_iter()
            .filter(|&slot| self.table.entry(slot).hash == self.stored_for(hash))
            .collect();
        let comparisons = self.table.counters().comparisons;
        let mut cursor = ProbeCursor::new();
        let mut found = Vec::new();
        loop {
            let saved = cursor;
            let other = key.wrapping_add(1);
            let _ = self.table.find(self.hashing.hash(other), same(other)).unwrap();
            let mut again = saved;
            let next = next_candidate(&mut self.table, hash, &mut cursor);
            assert_eq!(
                next_candidate(&mut self.table, hash, &mut again),
                next,
                "{kind:?}: a cursor is plain data"
            );
            assert_eq!(again, cursor);
            assert!(cursor.visited() >= saved.visited(), "{kind:?}: visited never goes back");
            match next {
                Some(slot) => found.push(slot),
                None => break,
            }
            assert!(found.len() <= self.table.len(), "{kind:?}: probe yields a slot twice");
        }
        assert_eq!(
            next_candidate(&mut self.table, hash, &mut cursor),
            None,
            "{kind:?}: an ended probe stays ended"
        );
        let distinct: HashSet<SlotId> = found.iter().copied().collect();
        assert_eq!(distinct.len(), found.len(), "{kind:?}: probe yields a slot twice");
        assert_eq!(distinct, expected, "{kind:?}: probe candidates for hash {hash:#x}");
        let first_match = found.iter().copied().find(|&slot| self.table.entry(slot).key == key);
        assert_eq!(self.table.find(hash, same(key)).unwrap(), first_match);
        assert!(
            self.table.counters().comparisons >= comparisons + cursor.visited(),
            "{kind:?}: the comparisons counter includes every visited slot"
        );
    }

    pub fn check(&mut self) {
        let kind = self.kind;
        let open = kind.is_open_addressing();
        let len = self.table.len();
        let size = self.table.size();
        assert_eq!(len, self.model.len(), "{kind:?}: len");
        let config = *self.table.config();
        let index = config.index;
        assert_eq!(
            kind.usable_size(index.usable_size(size), index),
            size,
            "{kind:?}: unusable size {size}"
        );

        let slots = self.slots();
        assert_eq!(slots.len(), len, "{kind:?}: iteration yields len slots");
        assert_eq!(
            slots.iter().collect::<HashSet<_>>().len(),
            len,
            "{kind:?}: iteration repeats a slot"
        );

        // Each stored item: in the model, findable, and how long its probe is.
        let mut probe_lengths = Vec::with_capacity(len);
        for &slot in &slots {
            let entry = self.table.entry(slot);
            let (hash, key, value) = (entry.hash, entry.key, entry.value);
            assert_eq!(self.model.get(&key), Some(&value), "{kind:?}: stray key {key}");
            assert_eq!(hash, self.stored_hash(key), "{kind:?}: stored hash");
            let mut cursor = ProbeCursor::new();
            loop {
                match next_candidate(&mut self.table, hash, &mut cursor) {
                    Some(candidate) if candidate == slot => break,
                    Some(_) => {}
                    None => panic!("{kind:?}: the probe for key {key} ends before its slot {slot:?}"),
                }
            }
            probe_lengths.push(cursor.visited());
            assert_eq!(
                self.table.find(hash, same(key)).unwrap(),
                Some(slot),
                "{kind:?}: find {key}"
            );
        }
        for absent in [u64::MAX, u64::MAX - 1] {
            assert_eq!(self.table.find(self.hashing.hash(absent), same(absent)).unwrap(), None);
        }

        let strategy = self.table.strategy();
        assert_eq!(strategy.kind(), kind);
        assert_eq!(strategy.bucket_count(), size);
        let structure = strategy.structure();
        let views: Vec<BucketView> = (0..size).map(|bucket| self.table.bucket_view(bucket)).collect();
        let items: usize = structure.histogram.values().sum();
        assert_eq!(
            structure.successful_probe_total,
            probe_lengths.iter().sum::<u64>(),
            "{kind:?}: successful_probe_total is what the probes visit"
        );
        assert_eq!(
            structure.longest,
            structure.histogram.keys().copied().max().unwrap_or(0)
        );
        assert_eq!(structure.tombstones, strategy.tombstones(), "{kind:?}: tombstones");
        assert!(
            self.table.heap_bytes() >= size,
            "{kind:?}: heap_bytes below one byte per bucket"
        );

        if open {
            assert_eq!(items, len, "{kind:?}: histogram sums to len");
            let mut lengths = BTreeMap::new();
            for &visited in &probe_lengths {
                *lengths.entry(visited as usize).or_insert(0) += 1;
            }
            assert_eq!(
                structure.histogram, lengths,
                "{kind:?}: histogram of successful probe lengths"
            );
            let count = |wanted: fn(&BucketView) -> bool| views.iter().filter(|v| wanted(v)).count();
            assert_eq!(
                count(|v| matches!(v, BucketView::Filled { .. })),
                len,
                "{kind:?}: filled"
            );
            assert_eq!(count(|v| matches!(v, BucketView::Empty)), structure.empty_buckets);
            assert_eq!(count(|v| matches!(v, BucketView::Tombstone)), structure.tombstones);
            assert_eq!(len + structure.tombstones + structure.empty_buckets, size);
            let held = (len + structure.tombstones) as f64;
            assert!(
                held <= config.max_load * size as f64,
                "{kind:?}: items + tombstones over max_load"
            );
            assert!(
                structure.empty_buckets > 0,
                "{kind:?}: open addressing keeps an empty slot"
            );
            if one_slot_per_step(kind) {
                let mut from_views = BTreeMap::new();
                for view in &views {
                    if let BucketView::Filled { displacement } = view {
                        *from_views.entry(displacement + 1).or_insert(0) += 1;
                    }
                }
                assert_eq!(
                    structure.histogram, from_views,
                    "{kind:?}: displacements vs probe lengths"
                );
            }
            for (&slot, &visited) in slots.iter().zip(&probe_lengths) {
                let home = strategy.home_bucket(self.table.entry(slot).hash);
                assert!(home < size, "{kind:?}: home bucket {home} out of range");
                if probe_offset(kind, 0).is_none() {
                    continue;
                }
                let BucketView::Filled { displacement } = views[slot.index()] else {
                    panic!("{kind:?}: {slot:?} holds an item but shows {:?}", views[slot.index()]);
                };
                let offset = probe_offset(kind, displacement).expect("known strategy");
                assert_eq!((home + offset) % size, slot.index(), "{kind:?}: displacement vs home");
                if one_slot_per_step(kind) {
                    assert_eq!(
                        visited,
                        displacement as u64 + 1,
                        "{kind:?}: a hit reads displacement + 1 slots"
                    );
                }
            }
        } else {
            assert_eq!(items, size, "{kind:?}: histogram sums to bucket_count");
            let mut chains = BTreeMap::new();
            for view in &views {
                let BucketView::Chain { items } = *view else {
                    panic!("{kind:?}: chaining shows {view:?}");
                };
                *chains.entry(items).or_insert(0) += 1;
            }
            assert_eq!(structure.histogram, chains, "{kind:?}: histogram of chain lengths");
            assert_eq!(structure.empty_buckets, chains.get(&0).copied().unwrap_or(0));
            assert!(len as f64 <= config.max_load * size as f64, "{kind:?}: over max_load");
        }

        let stats = self.table.stats();
        assert_eq!((stats.size, stats.load, stats.strategy), (size, len, kind.name()));
        let expected_mean = if len == 0 {
            0.0
        } else {
            structure.successful_probe_total as f64 / len as f64
        };
        assert!((stats.mean_probe - expected_mean).abs() < 1e-9);
        assert!(stats.expected_probe_hit >= 1.0 && stats.expected_probe_hit.is_finite());
        assert!(stats.expected_probe_miss >= 0.0 && stats.expected_probe_miss.is_finite());
    }
}

/// Build a table of `kind`, inserting keys 0..n and recording the size after each.
pub fn sizes_while_inserting(config: TableConfig, n: u64) -> (Map, Vec<usize>) {
    let mut table: Map = Table::new(config).unwrap();
    let sizes = (0..n)
        .map(|key| {
            table.insert_new(mix(key), key, key).unwrap();
            table.size()
        })
        .collect();
    (table, sizes)
}
