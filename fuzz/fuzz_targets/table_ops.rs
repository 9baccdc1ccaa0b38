//! Coverage-guided differential fuzzing of `hashtable_core::Table`.
//!
//! The input picks a strategy (every `StrategyKind`), a bucket index, the
//! load and growth parameters and a hash mode, then a sequence of operations.
//! Each operation runs on the table and on a `std::collections::HashMap`
//! model, and the two must agree. Beyond the proptests in
//! `crates/hashtable-core/tests/strategies.rs`, this target drives what the
//! Python layer relies on:
//!
//! * fallible equality: an `eq` that fails after N candidates must leave the
//!   table untouched (same len, same generation), as a raising `__eq__` does;
//! * resumable probes: two cursors advanced in turn must each yield exactly
//!   the stored entries with their hash;
//! * stale cursors (a contract violation the Swiss strategy promises to
//!   survive, since it reads slots through `unsafe`): resumed after a change
//!   that kept the bucket count, they may yield wrong slots but must finish
//!   without a panic and only ever name full slots. The safe strategies make
//!   no such promise (chaining's bounds check panics), and the Python layer
//!   never resumes a cursor after the generation changed, so only Swiss is
//!   held to it;
//! * ownership: keys and values count their live instances, so a leak or a
//!   double drop in any strategy's storage (Swiss keeps `MaybeUninit` slots)
//!   fails the run.

#![no_main]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicIsize, Ordering};

use arbitrary::Arbitrary;
use hashtable_core::{
    unreserved_hash, BucketIndex, CollisionStrategy, InsertError, IterCursor, Lookup, ProbeCursor, SlotId,
    StrategyKind, Table, TableConfig, Verdict,
};
use libfuzzer_sys::fuzz_target;

/// Live `Counted` instances.
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// A key or value that counts its live instances.
#[derive(Debug, PartialEq, Eq)]
struct Counted(u16);

impl Counted {
    fn new(value: u16) -> Self {
        LIVE.fetch_add(1, Ordering::Relaxed);
        Counted(value)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

type FuzzTable = Table<Counted, Counted>;

/// The next candidate for `hash` after `cursor`: a resumable lookup whose
/// settle defers every candidate hands them out one by one.
fn next_candidate(table: &mut FuzzTable, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
    match table.find_resumable(hash, cursor, |_| Ok::<_, std::convert::Infallible>(Verdict::Undecided)) {
        Ok(Lookup::Undecided(slot)) => Some(slot),
        Ok(Lookup::Found(_) | Lookup::Absent) => None,
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    strategy: u8,
    index: u8,
    size: u8,
    max_load: u8,
    growth: u8,
    min_load: u8,
    hashing: u8,
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    Insert(u16, u16),
    Remove(u16),
    Find(u16),
    /// `insert` whose equality check fails on its `fail_at`-th candidate.
    FailingInsert {
        key: u16,
        value: u16,
        fail_at: u8,
    },
    /// `remove` whose equality check fails on its `fail_at`-th candidate.
    FailingRemove {
        key: u16,
        fail_at: u8,
    },
    PopLast,
    Clear,
    /// Walk the whole probe sequence of a key's hash.
    Probe(u16),
    /// Two probe cursors advanced in turn.
    InterleavedProbes(u16, u16),
    /// Take one candidate, change the table, resume the (now stale) cursor.
    StaleProbe {
        key: u16,
        change: u16,
    },
    /// A full iteration, checked against the model.
    Iterate,
    Stats,
}

const MAX_OPS: usize = 3000;

/// SplitMix64's finaliser.
fn mix(key: u64) -> u64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The hash of `key` under one of the modes: degenerate ones on purpose.
fn hash(mode: u8, key: u16) -> u64 {
    let k = u64::from(key);
    match mode % 7 {
        0 => k,
        1 => 42,                   // every key collides
        2 => k & 7,                // eight hash values
        3 => k << 20,              // distinct, but equal low bits (mod/mask collapse)
        4 => mix(k),               // well spread
        5 => u64::MAX - k,         // near the top of the range
        _ => mix(k) & !0xFFFF_u64, // distinct hashes, shared low 16 bits
    }
}

fn config(input: &Input) -> TableConfig {
    let strategy = StrategyKind::ALL[usize::from(input.strategy) % StrategyKind::ALL.len()];
    let index = BucketIndex::ALL[usize::from(input.index) % BucketIndex::ALL.len()];
    let loads: &[f64] = if strategy.is_open_addressing() {
        &[0.1, 0.25, 0.5, 0.75, 0.9, 0.99]
    } else {
        &[0.1, 0.5, 1.0, 2.0, 7.5]
    };
    let max_load = loads[usize::from(input.max_load) % loads.len()];
    let growth = [1.01, 1.5, 2.0, 3.0, 16.0][usize::from(input.growth) % 5];
    let min_fraction = [0.0, 0.0, 0.25, 0.5, 0.99][usize::from(input.min_load) % 5];
    TableConfig {
        size: 1 + usize::from(input.size) % 64,
        max_load,
        min_load: min_fraction * max_load / growth,
        growth,
        index,
        strategy,
    }
}

struct Harness {
    table: FuzzTable,
    model: HashMap<u16, u16>,
    mode: u8,
}

impl Harness {
    fn hash(&self, key: u16) -> u64 {
        hash(self.mode, key)
    }

    /// The hash the table stores for a caller's `hash`: the open-addressing
    /// slots move the two values they reserve, the others keep it as it is.
    fn stored(&self, hash: u64) -> u64 {
        let reserves = matches!(
            self.table.strategy().kind(),
            StrategyKind::Linear | StrategyKind::Quadratic | StrategyKind::RobinHood
        );
        if reserves {
            unreserved_hash(hash)
        } else {
            hash
        }
    }

    fn find(&mut self, key: u16) -> Option<u16> {
        let hash = self.hash(key);
        let slot = self
            .table
            .find(hash, |stored: &Counted| Ok::<_, ()>(stored.0 == key))
            .expect("infallible eq");
        slot.map(|slot| {
            let entry = self.table.entry(slot);
            assert_eq!(entry.key.0, key);
            assert_eq!(entry.hash, self.stored(hash));
            entry.value.0
        })
    }

    /// Every entry along `hash`'s probe sequence, which must be exactly the
    /// stored keys with that stored hash, each once.
    fn check_probe(&mut self, key: u16) {
        let hash = self.hash(key);
        let mut cursor = ProbeCursor::new();
        let mut seen = HashSet::new();
        while let Some(slot) = next_candidate(&mut self.table, hash, &mut cursor) {
            let entry = self.table.entry(slot);
            assert_eq!(
                entry.hash,
                self.stored(hash),
                "probe yielded an entry with another hash"
            );
            assert!(seen.insert(entry.key.0), "probe yielded key {} twice", entry.key.0);
            assert!(seen.len() <= self.model.len());
        }
        assert_eq!(
            next_candidate(&mut self.table, hash, &mut cursor),
            None,
            "a finished probe stays finished"
        );
        // `u64::MAX` (mode 5, key 0) is stored as `u64::MAX - 1`, key 1's
        // hash, in the open-addressing slots.
        let stored = self.stored(hash);
        let expected: HashSet<u16> = self
            .model
            .keys()
            .copied()
            .filter(|k| self.stored(self.hash(*k)) == stored)
            .collect();
        assert_eq!(seen, expected, "probe for hash {hash:#x} is incomplete or wrong");
    }

    fn check_interleaved(&mut self, a: u16, b: u16) {
        let (ha, hb) = (self.hash(a), self.hash(b));
        let (mut ca, mut cb) = (ProbeCursor::new(), ProbeCursor::new());
        let (mut sa, mut sb) = (HashSet::new(), HashSet::new());
        let (mut done_a, mut done_b) = (false, false);
        while !(done_a && done_b) {
            if !done_a {
                match next_candidate(&mut self.table, ha, &mut ca) {
                    Some(slot) => assert!(sa.insert(self.table.entry(slot).key.0)),
                    None => done_a = true,
                }
            }
            if !done_b {
                match next_candidate(&mut self.table, hb, &mut cb) {
                    Some(slot) => assert!(sb.insert(self.table.entry(slot).key.0)),
                    None => done_b = true,
                }
            }
        }
        // Candidates share the stored hash, which moves the two reserved
        // values in the open-addressing slots.
        let with = |h: u64| -> HashSet<u16> {
            let stored = self.stored(h);
            self.model
                .keys()
                .copied()
                .filter(|k| self.stored(self.hash(*k)) == stored)
                .collect()
        };
        assert_eq!(sa, with(ha));
        assert_eq!(sb, with(hb));
    }

    fn check_iteration(&self) {
        let mut cursor = IterCursor::new();
        let mut seen = HashMap::new();
        while let Some(slot) = self.table.iter_next(&mut cursor) {
            let entry = self.table.entry(slot);
            assert_eq!(entry.hash, self.stored(self.hash(entry.key.0)), "stored hash changed");
            assert!(
                seen.insert(entry.key.0, entry.value.0).is_none(),
                "iteration yielded key {} twice",
                entry.key.0
            );
            assert!(seen.len() <= self.model.len(), "iteration yields more than len items");
        }
        assert_eq!(seen, self.model, "iteration disagrees with the model");
        assert_eq!(
            self.table.iter_next(&mut cursor),
            None,
            "a finished iteration stays finished"
        );
    }

    fn check_stats(&self) {
        let stats = self.table.stats();
        assert_eq!(stats.load, self.model.len());
        assert_eq!(stats.size, self.table.size());
        for bucket in 0..self.table.size() {
            let _ = self.table.bucket_view(bucket);
        }
        assert!(self.table.heap_bytes() > 0 || self.table.size() == 0);
    }

    fn apply(&mut self, op: Op) {
        let generation = self.table.generation();
        let len = self.table.len();
        match op {
            Op::Insert(key, value) => {
                let hash = self.hash(key);
                let old = self
                    .table
                    .insert(hash, Counted::new(key), Counted::new(value), |s: &Counted| {
                        Ok::<_, ()>(s.0 == key)
                    })
                    .expect("infallible eq");
                match (old, self.model.insert(key, value)) {
                    (Some((given, old)), Some(expected)) => {
                        assert_eq!((given.0, old.0), (key, expected));
                        assert_eq!(
                            self.table.generation(),
                            generation,
                            "replacing a value is not structural"
                        );
                    }
                    (None, None) => assert!(self.table.generation() > generation),
                    (got, expected) => panic!("insert {key}: table {got:?}, model {expected:?}"),
                }
            }
            Op::Remove(key) => {
                let hash = self.hash(key);
                let removed = self
                    .table
                    .remove(hash, |s: &Counted| Ok::<_, ()>(s.0 == key))
                    .expect("infallible eq");
                let got = removed.map(|entry| (entry.key.0, entry.value.0));
                assert_eq!(got, self.model.remove(&key).map(|v| (key, v)));
                if got.is_some() {
                    assert!(self.table.generation() > generation);
                }
            }
            Op::Find(key) => {
                assert_eq!(self.find(key), self.model.get(&key).copied());
                assert_eq!(self.table.generation(), generation, "a lookup changed the table");
            }
            Op::FailingInsert { key, value, fail_at } => {
                let hash = self.hash(key);
                let mut calls = 0u8;
                let result = self
                    .table
                    .insert(hash, Counted::new(key), Counted::new(value), |s: &Counted| {
                        calls += 1;
                        if calls > fail_at {
                            Err("eq failed")
                        } else {
                            Ok(s.0 == key)
                        }
                    });
                match result {
                    Err(InsertError::OutOfMemory(err)) => panic!("fuzzed tables are small: {err}"),
                    Err(InsertError::Eq(_)) => {
                        assert_eq!(self.table.generation(), generation, "a failed insert changed the table");
                        assert_eq!(self.table.len(), len);
                    }
                    Ok(Some((_, old))) => assert_eq!(Some(old.0), self.model.insert(key, value)),
                    Ok(None) => assert_eq!(self.model.insert(key, value), None),
                }
            }
            Op::FailingRemove { key, fail_at } => {
                let hash = self.hash(key);
                let mut calls = 0u8;
                let result = self.table.remove(hash, |s: &Counted| {
                    calls += 1;
                    if calls > fail_at {
                        Err("eq failed")
                    } else {
                        Ok(s.0 == key)
                    }
                });
                match result {
                    Err(_) => {
                        assert_eq!(self.table.generation(), generation, "a failed remove changed the table");
                        assert_eq!(self.table.len(), len);
                    }
                    Ok(removed) => {
                        assert_eq!(removed.map(|e| e.value.0), self.model.remove(&key));
                    }
                }
            }
            Op::PopLast => match self.table.pop_last() {
                Some(entry) => assert_eq!(self.model.remove(&entry.key.0), Some(entry.value.0)),
                None => assert!(self.model.is_empty(), "pop_last found nothing in a non-empty table"),
            },
            Op::Clear => {
                let old = self.table.clear().expect("a small table fits");
                let mut drained = HashMap::new();
                let mut cursor = IterCursor::new();
                while let Some(slot) = old.iter_next(&mut cursor) {
                    let entry = old.entry(slot);
                    drained.insert(entry.key.0, entry.value.0);
                }
                drop(old);
                assert_eq!(drained, self.model, "clear drained other items");
                self.model.clear();
                assert_eq!(self.table.size(), self.table.config().initial_buckets());
                assert!(self.table.generation() > generation);
            }
            Op::Probe(key) => self.check_probe(key),
            Op::InterleavedProbes(a, b) => self.check_interleaved(a, b),
            Op::StaleProbe { key, change } => self.stale_probe(key, change),
            Op::Iterate => self.check_iteration(),
            Op::Stats => self.check_stats(),
        }
        assert_eq!(self.table.len(), self.model.len(), "len after {op:?}");
        assert!(self.table.generation() >= generation, "the generation went backwards");
    }

    fn stale_probe(&mut self, key: u16, change: u16) {
        if self.table.config().strategy != StrategyKind::Swiss {
            return;
        }
        let hash = self.hash(key);
        let mut cursor = ProbeCursor::new();
        if next_candidate(&mut self.table, hash, &mut cursor).is_none() {
            return;
        }
        let size = self.table.size();
        // Change the table: insert `change` or remove it.
        if self.model.contains_key(&change) {
            self.apply(Op::Remove(change));
        } else {
            self.apply(Op::Insert(change, change));
        }
        if self.table.size() != size {
            return; // positions from another size mean nothing; the contract forbids this anyway
        }
        // Resume the stale cursor. Its answers may be wrong, but it must end
        // and must not crash; only full slots holding `hash` may come back.
        for _ in 0..(4 * size + 64) {
            match next_candidate(&mut self.table, hash, &mut cursor) {
                Some(slot) => assert_eq!(self.table.entry(slot).hash, hash, "a stale cursor named a wrong slot"),
                None => return,
            }
        }
        panic!("a stale probe cursor did not finish within {} steps", 4 * size + 64);
    }
}

fuzz_target!(|input: Input| {
    let live_before = LIVE.load(Ordering::Relaxed);
    {
        let config = config(&input);
        let Ok(table) = Table::new(config) else {
            panic!("a valid configuration was refused: {config:?}");
        };
        let mut harness = Harness {
            table,
            model: HashMap::new(),
            mode: input.hashing,
        };
        for (n, op) in input.ops.iter().take(MAX_OPS).enumerate() {
            harness.apply(*op);
            if n % 64 == 63 {
                harness.check_iteration();
            }
        }
        harness.check_iteration();
        harness.check_stats();
        for key in harness.model.keys().copied().collect::<Vec<_>>() {
            assert!(harness.find(key).is_some(), "stored key {key} is not found");
        }
    }
    assert_eq!(
        LIVE.load(Ordering::Relaxed),
        live_before,
        "keys or values leaked or were dropped twice"
    );
});
