//! Finding a key without holding the table across Python code.
//!
//! A lookup walks the core's probe sequence in short borrows. Each candidate
//! (an entry whose stored full hash equals the key's) is settled under the
//! borrow when no Python code can run: the same object, or two builtin
//! scalars of one family (exact str, exact bytes, or exact int/float/bool)
//! whose comparison is pure C.
//! Any other candidate is cloned (one incref), the borrow is released, and
//! `stored == key` runs with the table free: that `__eq__` may read, mutate or
//! even free the table's contents, and other threads may run. Afterwards the
//! table's generation says whether the slot is still the one we probed; if the
//! table changed shape, the lookup restarts, as CPython's dict does.
//!
//! The caller gets the still-held borrow back with the answer, so it acts on
//! the slot before anything else can run.

use hashtable_core::{Lookup, ProbeCursor, Settled, SlotId, Verdict};
use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyString};

use crate::errors::ErrorSet;
use crate::semantics::{BoundEquality, BoundSemantics};
use crate::state::{borrow_mut, released, HashTable, TableMut};

/// A lookup whose `__eq__` calls keep reshaping the table gives up after this
/// many restarts, instead of looping forever.
const MAX_RESTARTS: u32 = 100;

/// Which builtin scalars compare with each other in pure C, with no warning
/// that could run Python code (str against bytes warns under `python -b`).
#[derive(PartialEq, Eq)]
pub(crate) enum ScalarFamily {
    Text,
    Bytes,
    Number,
}

/// Exact builtin scalars, whose `hash()` is pure C (str caches it in the object).
#[inline]
pub(crate) fn hashes_without_python(key: &Bound<'_, PyAny>) -> bool {
    scalar_family(key).is_some()
}

#[inline]
pub(crate) fn scalar_family(obj: &Bound<'_, PyAny>) -> Option<ScalarFamily> {
    if obj.is_exact_instance_of::<PyString>() {
        Some(ScalarFamily::Text)
    } else if obj.is_exact_instance_of::<PyInt>()
        || obj.is_exact_instance_of::<PyFloat>()
        || obj.is_exact_instance_of::<PyBool>()
    {
        Some(ScalarFamily::Number)
    } else if obj.is_exact_instance_of::<PyBytes>() {
        Some(ScalarFamily::Bytes)
    } else {
        None
    }
}

/// Settle `stored == key` without running Python code, if that is possible:
/// the same object, or two builtin scalars of one family compared in C.
#[inline]
pub(crate) fn settle_without_python(
    stored: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    key_family: Option<&ScalarFamily>,
) -> PyResult<Verdict> {
    settle_in_c(stored, key, key_family).map_err(|pending| pending.fetch(key.py()))
}

/// [`settle_without_python`] inside a probe loop: a failure is left set in
/// the interpreter ([`ErrorSet`]), so each candidate's verdict is one byte.
#[inline(always)]
fn settle_in_c(
    stored: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    key_family: Option<&ScalarFamily>,
) -> Result<Verdict, ErrorSet> {
    if stored.is(key) {
        return Ok(Verdict::Equal);
    }
    settle_by_value(stored, key, key_family)
}

/// [`settle_in_c`] past the identity check.
#[inline(always)]
fn settle_by_value(
    stored: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    key_family: Option<&ScalarFamily>,
) -> Result<Verdict, ErrorSet> {
    match (scalar_family(stored), key_family) {
        (Some(a), Some(b)) if a == *b => Ok(if crate::cpython::scalars_equal(stored, key)? {
            Verdict::Equal
        } else {
            Verdict::Unequal
        }),
        _ => Ok(Verdict::Undecided),
    }
}

/// Probe for an exact builtin scalar `key` of `family` under the held borrow,
/// in one pass: identity or a C comparison settles every candidate of its
/// family; one of another kind makes it `Undecided` (its `__eq__` is
/// Python's, for the caller to run with `find_from`). A miss says where an
/// insert goes. What the fast slots and the bulk loader both run. Always
/// inlined: as a call, the lookup's answer came back through memory.
#[inline(always)]
pub(crate) fn probe_scalar<'t>(
    this: &'t mut TableMut<'_>,
    key: &Bound<'_, PyAny>,
    hash: u64,
) -> PyResult<Settled<'t, Py<PyAny>, Py<PyAny>>> {
    let py = key.py();
    // The key's pointer by value, not the address of the caller's `Bound`:
    // that address kept the key on the stack for the call below.
    let key = key.as_borrowed();
    this.table
        .find_settled(hash, |stored| {
            let stored = stored.bind(py);
            if stored.is(&*key) {
                Ok(Verdict::Equal)
            } else {
                settle_scalar_by_value(stored, key)
            }
        })
        .map_err(|pending| pending.fetch(py))
}

/// [`probe_scalar`]'s candidate that is not the key itself, out of line,
/// with the key's family found here rather than carried: carried and
/// inlined, the family and the type pointers it is compared with were
/// kept in registers or on the stack across every probe, also on the path
/// of a hit found by identity, the commonest. With the slots' cold paths
/// taking `Borrowed` by value (`entry_points/slots.rs`), an int key's
/// `t[k]` on chaining went from 279.7 to 267.7 instructions
/// (`scripts/callgrind_lookup.py`). A comparison that gets here calls
/// `PyObject_RichCompareBool`, which costs more than this call.
#[inline(never)]
fn settle_scalar_by_value(stored: &Bound<'_, PyAny>, key: Borrowed<'_, '_, PyAny>) -> Result<Verdict, ErrorSet> {
    settle_by_value(stored, &key, scalar_family(&key).as_ref())
}

/// `hash(key)` for a key of a builtin scalar family (see `hashes_without_python`):
/// a str's hash read from the object where CPython has cached it; any other
/// (and a str not hashed yet) from its type's own hash slot, called
/// directly. That is what `PyObject_Hash` calls for these types, less its
/// dispatch and PyO3's wrapper around it: an int key's `t[k]` went from
/// 326.4 to about 295 instructions (callgrind, swiss).
#[inline(always)]
pub(crate) fn scalar_hash(key: &Bound<'_, PyAny>) -> PyResult<u64> {
    if key.is_exact_instance_of::<PyString>() {
        if let Some(hash) = cached_str_hash(key) {
            return Ok(hash);
        }
    }
    own_type_hash(key)
}

/// [`scalar_hash`] of `key` if it is an exact builtin scalar (as
/// [`hashes_without_python`] says), None for any other key, with nothing
/// run: what the fast slots call, with one chain of type tests. Testing the
/// type first and hashing after tested str twice and kept the key on the
/// stack (`t[k] = v` of a str key: 309.8 -> 314.8 instructions).
#[inline(always)]
pub(crate) fn builtin_scalar_hash(key: &Bound<'_, PyAny>) -> Option<PyResult<u64>> {
    if key.is_exact_instance_of::<PyString>() {
        if let Some(hash) = cached_str_hash(key) {
            return Some(Ok(hash));
        }
    } else if key.is_exact_instance_of::<PyInt>() {
        // The commonest key after str, with a call of its own: sharing the
        // others' call, its test was merged into theirs, after bytes and
        // bool (two instructions of an int key's `t[k]`).
        return Some(own_type_hash(key));
    } else if !(key.is_exact_instance_of::<PyFloat>()
        || key.is_exact_instance_of::<PyBool>()
        || key.is_exact_instance_of::<PyBytes>())
    {
        return None;
    }
    Some(own_type_hash(key))
}

/// The hash CPython cached in the exact str `key`, if it has one yet.
#[inline(always)]
fn cached_str_hash(key: &Bound<'_, PyAny>) -> Option<u64> {
    // SAFETY: `key` is an exact str (every caller tests it), whose object
    // starts with the PyASCIIObject header; `hash` is -1 until CPython has
    // computed it.
    let cached = unsafe { (*key.as_ptr().cast::<ffi::PyASCIIObject>()).hash };
    (cached != -1).then_some(cached as i64 as u64)
}

/// `hash(key)` from the type's own hash slot, for an exact builtin scalar.
#[inline(always)]
fn own_type_hash(key: &Bound<'_, PyAny>) -> PyResult<u64> {
    // SAFETY: `key` is live and the GIL is held; its type is an exact
    // builtin scalar type (str, int, float, bool or bytes: the callers'
    // `scalar_family` or `builtin_scalar_hash`), a static type whose
    // `tp_hash` is set and runs no Python code.
    let object = key.as_ptr();
    // SAFETY: as above.
    let own_hash = unsafe { (*ffi::Py_TYPE(object)).tp_hash };
    // SAFETY: as above: the slot of `key`'s own type, given `key`; without
    // one (never, for these types), `PyObject_Hash` on the pointer, which
    // unlike `key.hash()` needs no address of the caller's `Bound` (that
    // kept the key on the stack in every `t[k]`).
    let hash = unsafe {
        match own_hash {
            Some(own_hash) => own_hash(object),
            None => ffi::PyObject_Hash(object),
        }
    };
    match hash {
        -1 => Err(crate::cpython::fetch_error(key.py())),
        hash => Ok(hash as i64 as u64),
    }
}

/// How one lookup settles the candidates its probe meets: an entry whose
/// stored hash equals the key's.
pub(crate) trait Candidates<'py> {
    /// Under the borrow, so without running Python code: equal, unequal, or
    /// undecided (Python code must run).
    fn settle(&self, stored: &Bound<'py, PyAny>) -> PyResult<Verdict>;
    /// What an undecided candidate is compared by, taken under the borrow.
    fn candidate(&self, stored: &Bound<'py, PyAny>) -> Bound<'py, PyAny>;
    /// Compare an undecided candidate, with the table released.
    fn decide(&self, candidate: &Bound<'py, PyAny>) -> PyResult<bool>;
}

/// A plain table's candidates: the key's own `==`.
pub(crate) struct NativeEquality<'k, 'py> {
    key: &'k Bound<'py, PyAny>,
    family: Option<ScalarFamily>,
}

impl<'k, 'py> NativeEquality<'k, 'py> {
    pub(crate) fn new(key: &'k Bound<'py, PyAny>) -> Self {
        NativeEquality {
            key,
            family: scalar_family(key),
        }
    }
}

impl<'py> Candidates<'py> for NativeEquality<'_, 'py> {
    #[inline]
    fn settle(&self, stored: &Bound<'py, PyAny>) -> PyResult<Verdict> {
        settle_without_python(stored, self.key, self.family.as_ref())
    }

    fn candidate(&self, stored: &Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        stored.clone()
    }

    fn decide(&self, candidate: &Bound<'py, PyAny>) -> PyResult<bool> {
        candidate.eq(self.key)
    }
}

/// A table with `key=` or `eq=`: candidates compared by their lookup form,
/// with the table's equality.
pub(crate) struct CustomEquality<'k, 'py> {
    /// The lookup form of the key looked for (`key(k)` for a transform table).
    lookup: &'k Bound<'py, PyAny>,
    family: Option<ScalarFamily>,
    semantics: &'k BoundSemantics<'py>,
}

impl<'k, 'py> CustomEquality<'k, 'py> {
    pub(crate) fn new(lookup: &'k Bound<'py, PyAny>, semantics: &'k BoundSemantics<'py>) -> Self {
        CustomEquality {
            lookup,
            family: scalar_family(lookup),
            semantics,
        }
    }
}

impl<'py> Candidates<'py> for CustomEquality<'_, 'py> {
    fn settle(&self, stored: &Bound<'py, PyAny>) -> PyResult<Verdict> {
        let compared = self.semantics.compared(stored);
        match self.semantics.equality {
            BoundEquality::Identity if compared.is(self.lookup) => Ok(Verdict::Equal),
            BoundEquality::Identity => Ok(Verdict::Unequal),
            BoundEquality::Native => settle_without_python(&compared, self.lookup, self.family.as_ref()),
            BoundEquality::Callable(_) if compared.is(self.lookup) => Ok(Verdict::Equal),
            BoundEquality::Callable(_) => Ok(Verdict::Undecided),
        }
    }

    fn candidate(&self, stored: &Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        self.semantics.compared(stored)
    }

    fn decide(&self, candidate: &Bound<'py, PyAny>) -> PyResult<bool> {
        match &self.semantics.equality {
            BoundEquality::Native => candidate.eq(self.lookup),
            BoundEquality::Callable(eq) => user_equal(eq, candidate, self.lookup),
            // Identity settles every candidate under the borrow.
            BoundEquality::Identity => Ok(false),
        }
    }
}

/// One stretch of the probe, up to an answer or an undecided candidate. Out
/// of line, so that the probe's locals are not in `find_with`'s frame while
/// `==` runs: an `__eq__` that uses the table recurses through that frame.
#[inline(never)]
fn resume<'py>(
    py: Python<'py>,
    this: &mut TableMut<'_>,
    candidates: &impl Candidates<'py>,
    hash: u64,
    cursor: &mut ProbeCursor,
) -> PyResult<Lookup> {
    this.table
        .find_resumable(hash, cursor, |stored| candidates.settle(stored.bind(py)))
}

/// `eq(stored, key)` as `PyObject_RichCompare` treats `__eq__`: NotImplemented
/// from `eq(stored, key)` tries the reflected `eq(key, stored)`, and if that
/// is NotImplemented too, the two are equal only if they are the same object.
fn user_equal(eq: &Bound<'_, PyAny>, stored: &Bound<'_, PyAny>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = eq.py();
    let verdict = eq.call1((stored, key))?;
    if !verdict.is(py.NotImplemented().bind(py)) {
        return verdict.is_truthy();
    }
    let reflected = eq.call1((key, stored))?;
    if !reflected.is(py.NotImplemented().bind(py)) {
        return reflected.is_truthy();
    }
    Ok(stored.is(key))
}

/// Find `key` (whose hash is `hash`; in a table with `key=`, `key` is the
/// lookup form). Returns the table, still borrowed, and the slot holding the
/// key, if any.
pub(crate) fn find<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    key: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<(TableMut<'a>, Option<SlotId>)> {
    let this = borrow_mut(slf)?;
    if this.semantics.is_plain() {
        return find_from(slf, this, key, hash);
    }
    let semantics = this.semantics.bind(slf.py());
    find_with(slf, this, &CustomEquality::new(key, &semantics), hash)
}

/// `find` in a plain table, starting with a borrow the caller already holds.
pub(crate) fn find_from<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    held: TableMut<'a>,
    key: &Bound<'py, PyAny>,
    hash: u64,
) -> PyResult<(TableMut<'a>, Option<SlotId>)> {
    find_with(slf, held, &NativeEquality::new(key), hash)
}

/// The core walks the candidates in one loop and settles what it can under
/// the borrow; it stops only for a candidate that needs Python code, which
/// runs with the table released.
pub(crate) fn find_with<'a, 'py>(
    slf: &'a Bound<'py, HashTable>,
    held: TableMut<'a>,
    candidates: &impl Candidates<'py>,
    hash: u64,
) -> PyResult<(TableMut<'a>, Option<SlotId>)> {
    let py = slf.py();
    let mut restarts = 0;
    let mut this = held;
    let mut cursor = ProbeCursor::new();
    loop {
        let lookup = resume(py, &mut this, candidates, hash, &mut cursor)?;
        let slot = match lookup {
            Lookup::Found(slot) => return Ok((this, Some(slot))),
            Lookup::Absent => return Ok((this, None)),
            Lookup::Undecided(slot) => slot,
        };
        let candidate = candidates.candidate(this.table.entry(slot).key.bind(py));
        let generation = this.table.generation();
        let equal;
        (this, equal) = released(slf, this, || {
            // `==` may use the table again: a level of recursion through native frames.
            let verdict = crate::recursion::check_stack("in comparison").and_then(|()| candidates.decide(&candidate));
            // Released with the table free: `__eq__` may have removed its entry.
            drop(candidate);
            verdict
        })?;
        if this.table.generation() != generation {
            restarts += 1;
            if restarts > MAX_RESTARTS {
                return Err(PyRuntimeError::new_err(
                    "HashTable lookup gave up: a key's __eq__ kept changing the table",
                ));
            }
            cursor = ProbeCursor::new();
            continue;
        }
        if equal {
            return Ok((this, Some(slot)));
        }
    }
}
