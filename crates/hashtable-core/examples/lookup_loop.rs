//! One table, looked up `passes` times over n keys: the program
//! `scripts/callgrind_core.py` runs under callgrind to count instructions per
//! lookup of each strategy and of `hashbrown`, with the keys, hasher and
//! parameters of `benches/strategies.rs` (foldhash with a fixed seed, each
//! strategy at its recommended `max_load` and `growth`).
//!
//! ```text
//! lookup_loop TABLE OP N PASSES [MAX_LOAD]
//!   TABLE   hashbrown; a strategy name (run-time dispatch through Table,
//!           the `AnyStrategy` enum, as the Python binding and the C
//!           library use it); NAME-static (a `Table` of that strategy's
//!           own type, as `make bench`'s -static rows: no dispatch, and
//!           the loop's registers are that strategy's alone); or
//!           NAME-counted (as NAME, counting each lookup's visits as the
//!           Python binding's tables do for `stats()`). The others are
//!           `Uncounted`, as hashbrown counts nothing.
//!   OP      hit (the n stored keys, shuffled) or miss (n absent keys), on a
//!           table built once; insert (each pass builds a table of the n keys
//!           from the default size, resizes included, as `make bench` does,
//!           and drops it); delete (each pass builds the table, then removes
//!           the n keys, shuffled)
//!   MAX_LOAD  the strategies' max_load instead of each one's recommended
//!           one, so that strategies compare at one load, as the lab's plots
//!           do (hashbrown keeps its own 7/8)
//! ```
//!
//! Callgrind counts instructions, not time, so the counts repeat on a noisy
//! machine. The script subtracts a run with 0 passes (hit, miss, insert), or
//! for delete the insert run with as many passes, so that what remains is
//! the operation itself.

#[path = "../benches/common/mod.rs"]
mod common;

use std::convert::Infallible;
use std::hint::black_box;
use std::process::ExitCode;

use common::{hash, random_keys, STATE};
use hashtable_core::{
    chaining::Chaining, compact::Compact, linear::Linear, quadratic::Quadratic, robin_hood::RobinHood, swiss::Swiss,
    CollisionStrategy, Counting, StrategyKind, Table, TableConfig,
};

fn same(key: u64) -> impl FnMut(&u64) -> Result<bool, Infallible> {
    move |stored| Ok(*stored == key)
}

/// The counted loop for hashbrown, in a function of its own (as is
/// [`table_lookups`]), so that its code and registers do not depend on the
/// other tables' code in `main`: a change to one table's lookup must not move
/// another's count.
#[inline(never)]
fn hashbrown_lookups(
    map: &hashbrown::HashMap<u64, u64, foldhash::fast::FixedState>,
    probes: &[u64],
    passes: usize,
) -> u64 {
    let mut found = 0u64;
    for _ in 0..passes {
        for key in probes {
            if let Some(value) = map.get(key) {
                found = found.wrapping_add(*value);
            }
        }
    }
    found
}

#[inline(never)]
fn table_lookups<S: CollisionStrategy<u64, u64>, C: Counting>(
    map: &mut Table<u64, u64, S, C>,
    probes: &[u64],
    passes: usize,
) -> u64 {
    let mut found = 0u64;
    for _ in 0..passes {
        for &key in probes {
            let Ok(entry) = map.get(hash(key), same(key));
            if let Some(entry) = entry {
                found = found.wrapping_add(entry.value);
            }
        }
    }
    found
}

fn hashbrown_fill(stored: &[u64]) -> hashbrown::HashMap<u64, u64, foldhash::fast::FixedState> {
    let mut map = hashbrown::HashMap::with_hasher(STATE);
    for &key in stored {
        map.insert(key, key);
    }
    map
}

/// The counted insert (and delete) loop for hashbrown: `passes` builds of a
/// table of `stored`, each then emptied key by key of `probes` if `delete`.
/// Out of line for the same reason as [`hashbrown_lookups`].
#[inline(never)]
fn hashbrown_changes(stored: &[u64], probes: &[u64], delete: bool, passes: usize) {
    for _ in 0..passes {
        let mut map = hashbrown_fill(stored);
        if delete {
            for key in probes {
                black_box(map.remove(key));
            }
        }
        black_box(map);
    }
}

#[inline(always)]
fn table_fill<S: CollisionStrategy<u64, u64>, C: Counting>(
    mut map: Table<u64, u64, S, C>,
    stored: &[u64],
) -> Table<u64, u64, S, C> {
    for &key in stored {
        map.insert(hash(key), key, key, same(key)).expect("fits in memory");
    }
    map
}

/// [`hashbrown_changes`] for a [`Table`].
#[inline(never)]
fn table_changes<S: CollisionStrategy<u64, u64>, C: Counting>(
    make: impl Fn() -> Table<u64, u64, S, C>,
    stored: &[u64],
    probes: &[u64],
    delete: bool,
    passes: usize,
) {
    for _ in 0..passes {
        let mut map = table_fill(make(), stored);
        if delete {
            for &key in probes {
                let Ok(removed) = map.remove(hash(key), same(key));
                // The value, as hashbrown's `remove` hands back (its key dropped).
                black_box(removed.map(|entry| entry.value));
            }
        }
        black_box(map);
    }
}

/// One table's counted run, whichever type its `Table` has.
struct Run<'a> {
    stored: &'a [u64],
    probes: &'a [u64],
    op: &'a str,
    passes: usize,
}

impl Run<'_> {
    /// The run on tables that `make` builds: what was found, for `black_box`.
    fn on<S: CollisionStrategy<u64, u64>, C: Counting>(&self, make: impl Fn() -> Table<u64, u64, S, C>) -> u64 {
        if self.op == "insert" || self.op == "delete" {
            table_changes(make, self.stored, self.probes, self.op == "delete", self.passes);
            return 0;
        }
        table_lookups(&mut table_fill(make(), self.stored), self.probes, self.passes)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (table, op, n, passes, max_load) = match args.as_slice() {
        [table, op, n, passes] => (table, op, n, passes, None),
        [table, op, n, passes, max_load] => match max_load.parse::<f64>() {
            Ok(max_load) => (table, op, n, passes, Some(max_load)),
            Err(_) => {
                eprintln!("MAX_LOAD is a proportion");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("usage: lookup_loop TABLE hit|miss|insert|delete N PASSES [MAX_LOAD]");
            return ExitCode::FAILURE;
        }
    };
    let (Ok(n), Ok(passes)) = (n.parse::<usize>(), passes.parse::<usize>()) else {
        eprintln!("N and PASSES are counts");
        return ExitCode::FAILURE;
    };
    if !["hit", "miss", "insert", "delete"].contains(&op.as_str()) {
        eprintln!("OP is hit, miss, insert or delete");
        return ExitCode::FAILURE;
    }
    let stored = random_keys(n, 1);
    let mut probes = if op == "miss" {
        random_keys(n, 2)
    } else {
        stored.clone()
    };
    // Any fixed order that is not the insertion order.
    probes.sort_unstable_by_key(|key| key.rotate_left(17));
    let changing = op == "insert" || op == "delete";
    let found = if table == "hashbrown" {
        if changing {
            hashbrown_changes(&stored, &probes, op == "delete", passes);
            return ExitCode::SUCCESS;
        }
        hashbrown_lookups(&hashbrown_fill(&stored), &probes, passes)
    } else {
        let (name, fixed, counted) = if let Some(name) = table.strip_suffix("-static") {
            (name, true, false)
        } else if let Some(name) = table.strip_suffix("-counted") {
            (name, false, true)
        } else {
            (table.as_str(), false, false)
        };
        let Some(kind) = StrategyKind::from_name(name) else {
            eprintln!("unknown table {table}");
            return ExitCode::FAILURE;
        };
        let info = kind.info();
        let config = TableConfig {
            strategy: kind,
            max_load: max_load.unwrap_or(info.recommended_max_load),
            growth: info.recommended_growth,
            ..TableConfig::default()
        };
        let run = Run {
            stored: &stored,
            probes: &probes,
            op,
            passes,
        };
        if counted {
            run.on(|| Table::new(config).expect("a valid configuration"))
        } else if !fixed {
            run.on(|| Table::new(config).expect("a valid configuration").uncounted())
        } else {
            // The concrete type, as `make bench`'s -static rows build it.
            macro_rules! fixed {
                ($($kind:ident => $type:ident),*) => {
                    match kind {
                        $(StrategyKind::$kind => run.on(|| {
                            let strategy = $type::<u64, u64>::new(config.initial_buckets(), config.index);
                            Table::with_strategy(config, strategy).expect("a valid configuration").uncounted()
                        }),)*
                    }
                };
            }
            fixed!(Chaining => Chaining, RobinHood => RobinHood, Linear => Linear,
                Quadratic => Quadratic, Swiss => Swiss, Compact => Compact)
        }
    };
    black_box(found);
    ExitCode::SUCCESS
}
