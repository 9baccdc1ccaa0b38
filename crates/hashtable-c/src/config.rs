//! `ht_config`: the table's parameters as C passes them, checked into a core
//! `TableConfig` and a key hasher. Every message names the field.

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::OnceLock;

use hashtable_core::config::{MAX_GROWTH, MAX_SIZE};
use hashtable_core::{BucketIndex, KeySource, NamedHash, StrategyKind, TableConfig, HASH_FUNCTION_NAMES};

use crate::errors::{ht_status, Failure};

/// A caller's hash function: the 64-bit hash of `key_len` bytes at `key`.
/// `ctx` is the config's `hash_ctx`. It must return normally (no longjmp) and
/// must not call the table it hashes for (that call gets HT_ERR_BUSY).
#[allow(non_camel_case_types)]
pub type ht_hash_fn = Option<unsafe extern "C" fn(key: *const c_void, key_len: usize, ctx: *mut c_void) -> u64>;

/// The parameters of ht_new. Start from ht_config_default() and change fields.
/// A NULL string field means its default.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
pub struct ht_config {
    /// Initial buckets, 1 to 2^27; honoured exactly where the strategy and index allow. Default 4.
    pub size: usize,
    /// Grow before an insert of a new key would make (len + 1) / size exceed this. Default 0.5;
    /// open-addressing strategies need max_load < 1, and every strategy at
    /// least 1 / 2^27 (one item in at most 2^27 buckets).
    pub max_load: f64,
    /// Factor the bucket count grows by, 1 < growth <= 16. Default 2.0.
    pub growth: f64,
    /// Shrink after a removal leaves len / size below this. Default 0.0: never shrink.
    pub min_load: f64,
    /// "chaining" (default), "robin_hood", "linear", "quadratic", "swiss" or "compact".
    pub strategy: *const c_char,
    /// Hash to home bucket: "fibonacci" (default), "mod" (the original's hash % size) or "mask".
    pub index: *const c_char,
    /// A named native hash over the key bytes, by its name in the core's
    /// registry (Python's `hashtable.HASH_FUNCTIONS` less "python"), or NULL
    /// for the default "foldhash". "foldhash" is fast and seeded
    /// randomly per table, but makes no promise against keys chosen to collide:
    /// for keys an attacker chooses, use "siphash13" (keyed with 128 random bits per table).
    pub hash_name: *const c_char,
    /// When not NULL, used instead of hash_name.
    pub hash_fn: ht_hash_fn,
    /// Passed to hash_fn as its ctx; the table never reads it.
    pub hash_ctx: *mut c_void,
}

/// How a table turns key bytes into the hash the core stores.
#[derive(Clone, Copy)]
pub(crate) enum KeyHasher {
    Named(NamedHash),
    Callback {
        hash_fn: unsafe extern "C" fn(*const c_void, usize, *mut c_void) -> u64,
        ctx: *mut c_void,
    },
}

/// The defaults: size 4, max_load 0.5, growth 2.0, min_load 0.0, "chaining",
/// "fibonacci", "foldhash", no hash_fn.
#[no_mangle]
pub extern "C" fn ht_config_default() -> ht_config {
    let defaults = TableConfig::default();
    ht_config {
        size: defaults.size,
        max_load: defaults.max_load,
        growth: defaults.growth,
        min_load: defaults.min_load,
        strategy: c"chaining".as_ptr(),
        index: c"fibonacci".as_ptr(),
        hash_name: c"foldhash".as_ptr(),
        hash_fn: None,
        hash_ctx: std::ptr::null_mut(),
    }
}

/// Check every field of `config`.
///
/// # Safety
/// Each non-NULL string field points to a NUL-terminated string.
pub(crate) unsafe fn parse(config: &ht_config) -> Result<(TableConfig, KeyHasher), Failure> {
    // SAFETY: the caller's contract covers the three string fields.
    let (strategy_name, index_name, hash_name) = unsafe {
        (
            text(config.strategy, "strategy", "chaining")?,
            text(config.index, "index", "fibonacci")?,
            text(config.hash_name, "hash_name", "foldhash")?,
        )
    };
    let strategy = StrategyKind::from_name(strategy_name)
        .ok_or_else(|| bad_name("strategy", strategy_name, StrategyKind::ALL.iter().map(|s| s.name())))?;
    let index = BucketIndex::from_name(index_name)
        .ok_or_else(|| bad_name("index", index_name, BucketIndex::ALL.iter().map(|i| i.name())))?;
    if config.size > MAX_SIZE {
        return Err(out_of_range(format!(
            "size must be at most {MAX_SIZE}, got {}",
            config.size
        )));
    }
    if config.growth > MAX_GROWTH {
        return Err(out_of_range(format!(
            "growth must be a finite number with 1 < growth <= {MAX_GROWTH}, got {}",
            config.growth
        )));
    }
    let table_config = TableConfig {
        size: config.size,
        max_load: config.max_load,
        min_load: config.min_load,
        growth: config.growth,
        index,
        strategy,
    };
    table_config.validate().map_err(|err| out_of_range(err.to_string()))?;
    let hasher = match config.hash_fn {
        Some(hash_fn) => KeyHasher::Callback {
            hash_fn,
            ctx: config.hash_ctx,
        },
        None => NamedHash::from_name(hash_name, KeySource::Random)
            .map(KeyHasher::Named)
            .map_err(|_| bad_name("hash_name", hash_name, HASH_FUNCTION_NAMES.iter().copied()))?,
    };
    Ok((table_config, hasher))
}

/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string.
unsafe fn text<'a>(ptr: *const c_char, field: &str, default: &'a str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Ok(default);
    }
    // SAFETY: non-NULL, and NUL-terminated by the caller's contract.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| out_of_range(format!("{field} must be UTF-8 text, got {text:?}")))
}

fn out_of_range(message: String) -> Failure {
    Failure::new(ht_status::HT_ERR_CONFIG, message)
}

fn bad_name<'a>(field: &str, got: &str, names: impl Iterator<Item = &'a str>) -> Failure {
    let names = names.map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    out_of_range(format!("{field} must be one of {names}, got \"{got}\""))
}

/// A NULL-terminated array of C strings built once from the core's names.
struct NameList {
    _owned: Vec<CString>,
    pointers: Vec<*const c_char>,
}

// SAFETY: the list is built once and never mutated; its pointers point into
// `_owned`, which lives as long as the list (in a static).
unsafe impl Sync for NameList {}
// SAFETY: as above; nothing in the list is tied to a thread.
unsafe impl Send for NameList {}

impl NameList {
    fn new<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        let owned: Vec<CString> = names.map(|name| CString::new(name).unwrap_or_default()).collect();
        let pointers = owned
            .iter()
            .map(|name| name.as_ptr())
            .chain(std::iter::once(std::ptr::null()))
            .collect();
        NameList {
            _owned: owned,
            pointers,
        }
    }
}

/// Every strategy name, in the order of the lab's tables, then NULL. Static: never free it.
#[no_mangle]
pub extern "C" fn ht_strategy_names() -> *const *const c_char {
    static NAMES: OnceLock<NameList> = OnceLock::new();
    NAMES
        .get_or_init(|| NameList::new(StrategyKind::ALL.iter().map(|s| s.name())))
        .pointers
        .as_ptr()
}

/// Every name hash_name accepts, then NULL. Static: never free it.
#[no_mangle]
pub extern "C" fn ht_hash_names() -> *const *const c_char {
    static NAMES: OnceLock<NameList> = OnceLock::new();
    NAMES
        .get_or_init(|| NameList::new(HASH_FUNCTION_NAMES.iter().copied()))
        .pointers
        .as_ptr()
}
