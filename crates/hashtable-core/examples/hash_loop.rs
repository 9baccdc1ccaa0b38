//! One named hash called in a loop on one key, exactly as the `hash/<kind>`
//! groups of `benches/strategies.rs` call it (the function and the key's
//! contents passed through `black_box`, so neither is known to the compiler;
//! the key's kind is, as it is to the Python binding): the
//! program `scripts/callgrind_hashes.py` runs under callgrind to count
//! instructions per `NamedHash::hash`, and times when callgrind is not
//! wanted.
//!
//! ```text
//! hash_loop names          the named hashes, one a line
//! hash_loop KIND NAME CALLS
//!   KIND    int, str20 or bytes256 (the benchmark's keys)
//!   NAME    a named hash (`hashtable_core::HASH_FUNCTION_NAMES`)
//!   CALLS   how many calls; `time` instead prints the quickest of 30
//!           rounds of 2,000,000 calls, in ns per call
//! ```

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use common::{hash_keys, named_hash};
use hashtable_core::{CanonicalKey, NamedHash, HASH_FUNCTION_NAMES};

/// Not inlined into `main`, so that its loop is the benchmark's loop and
/// nothing else.
#[inline(never)]
fn calls<'a>(function: NamedHash, key: impl Fn() -> CanonicalKey<'a>, count: u64) {
    for _ in 0..count {
        black_box(black_box(function).hash(key()));
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["names"] {
        println!("{}", HASH_FUNCTION_NAMES.join("\n"));
        return ExitCode::SUCCESS;
    }
    let [kind, name, count] = args.as_slice() else {
        eprintln!("usage: hash_loop KIND NAME CALLS|time");
        return ExitCode::FAILURE;
    };
    let bytes: Vec<u8> = (0..=255).collect();
    let Some((_, key)) = hash_keys(&bytes).into_iter().find(|(k, _)| k == kind) else {
        eprintln!("unknown key kind {kind:?}");
        return ExitCode::FAILURE;
    };
    let function = named_hash(name);
    if count == "time" {
        const ROUND: u64 = 2_000_000;
        let best = (0..30)
            .map(|_| {
                let start = Instant::now();
                with_known_kind!(key, |make| calls(function, make, ROUND));
                start.elapsed().as_secs_f64() * 1e9 / ROUND as f64
            })
            .fold(f64::INFINITY, f64::min);
        println!("{best:.2}");
        return ExitCode::SUCCESS;
    }
    let Ok(count) = count.parse() else {
        eprintln!("CALLS must be a number or `time`, got {count:?}");
        return ExitCode::FAILURE;
    };
    with_known_kind!(key, |make| calls(function, make, count));
    ExitCode::SUCCESS
}
