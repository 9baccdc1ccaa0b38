//! Turning a Python key into the 64-bit hash the core stores.
//!
//! The contract: the hash function runs exactly once per operation that needs
//! a hash, never during a resize or copy (entries keep their hash), and it must
//! return an int. A returned int is reduced the way `hash()` reduces ints, so a
//! big int or a negative one is fine; anything else is a TypeError that names
//! the function and the type it returned.

use hashtable_core::{CanonicalKey, KeySource, NamedHash, HASH_FUNCTION_NAMES};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyFloat, PyInt, PyString};

use pyo3::gc::PyVisit;
use pyo3::PyTraverseError;

use crate::cpython::{int_value, number_or_bytes_canonical, scalar_canonical, str_utf8_in_place, TWO_POW_63};
use crate::errors::{callable_name, type_name};
use crate::gc::PyGcTraverse;

/// What `hashtable.HASH_FUNCTIONS` lists: Python's own hash, then the native ones.
pub(crate) fn names() -> Vec<&'static str> {
    std::iter::once("python")
        .chain(HASH_FUNCTION_NAMES.iter().copied())
        .collect()
}

/// The hash function a table was built with.
pub(crate) enum HashFunc {
    /// `builtins.hash`: `PyObject_Hash`, which str caches inside the object.
    Builtin,
    /// Any Python callable.
    Python(Py<PyAny>),
    /// A native function picked by name; runs in Rust, never calls Python
    /// (except `hash()` for keys with no canonical encoding, e.g. tuples).
    Named(NamedHash),
    /// By address, as `object.__hash__` does: an `eq="identity"` table's
    /// default, which any object has, unhashable ones included.
    Identity,
}

/// What a single operation uses to hash its key, taken out of the table so the
/// table is not borrowed while user code runs.
pub(crate) enum Hasher<'py> {
    Builtin,
    Python(Bound<'py, PyAny>),
    Named(NamedHash),
    Identity,
}

impl HashFunc {
    /// Parse the user's `hash_func` argument.
    pub(crate) fn from_argument(py: Python<'_>, hash_func: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(func) = hash_func.filter(|f| !f.is_none()) else {
            return Ok(HashFunc::Builtin);
        };
        if func.is(builtin_hash(py)?) {
            return Ok(HashFunc::Builtin);
        }
        if func.is_instance_of::<PyString>() {
            let name: String = func.extract()?;
            if name == "python" {
                return Ok(HashFunc::Builtin);
            }
            return NamedHash::from_name(&name, KeySource::Random)
                .map(HashFunc::Named)
                .map_err(|_| {
                    PyValueError::new_err(format!(
                        "hash_func must be a callable, None, or one of {}; got {name:?}",
                        names().iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
                    ))
                });
        }
        if !func.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "hash_func must be a callable that takes a key and returns an int, or None; got {}",
                type_name(func)
            )));
        }
        Ok(HashFunc::Python(func.clone().unbind()))
    }

    /// The hash function of a table: one whose keys compare by identity
    /// (`eq="identity"`) and that has no `hash_func` (or `object.__hash__`)
    /// hashes by address.
    pub(crate) fn for_table(
        py: Python<'_>,
        hash_func: Option<&Bound<'_, PyAny>>,
        identity_keys: bool,
    ) -> PyResult<Self> {
        let given = hash_func.filter(|f| !f.is_none());
        if identity_keys && given.map_or(Ok(true), |f| Ok::<_, PyErr>(f.is(object_hash(py)?)))? {
            return Ok(HashFunc::Identity);
        }
        HashFunc::from_argument(py, given)
    }

    pub(crate) fn hasher<'py>(&self, py: Python<'py>) -> Hasher<'py> {
        match self {
            HashFunc::Builtin => Hasher::Builtin,
            HashFunc::Python(func) => Hasher::Python(func.bind(py).clone()),
            HashFunc::Named(named) => Hasher::Named(*named),
            HashFunc::Identity => Hasher::Identity,
        }
    }

    /// The object `t.hash_func` shows.
    pub(crate) fn to_object(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            HashFunc::Builtin => Ok(builtin_hash(py)?.clone().unbind()),
            HashFunc::Python(func) => Ok(func.clone_ref(py)),
            HashFunc::Named(named) => Ok(PyString::new(py, named.name()).into_any().unbind()),
            HashFunc::Identity => Ok(object_hash(py)?.clone().unbind()),
        }
    }

    /// The owned Python reference, if any, for GC traversal.
    pub(crate) fn python_object(&self) -> Option<&Py<PyAny>> {
        match self {
            HashFunc::Python(func) => Some(func),
            HashFunc::Builtin | HashFunc::Named(_) | HashFunc::Identity => None,
        }
    }
}

impl Hasher<'_> {
    pub(crate) fn hash(&self, key: &Bound<'_, PyAny>) -> PyResult<u64> {
        match self {
            Hasher::Builtin => crate::cpython::object_hash(key),
            Hasher::Python(func) => hash_with_function(func, key),
            Hasher::Named(named) => hash_named(*named, key),
            Hasher::Identity => Ok(identity_hash(key)),
        }
    }
}

/// `hash_func(key)`, reduced as `hash()` reduces an int: one vectorcall and
/// int's own hash slot. What a table with a Python hash function pays per
/// key; the message for a result that is not an int is built out of line, so
/// that this stays small enough to inline into the fast slots.
#[inline]
pub(crate) fn call_hash_func(func: &Bound<'_, PyAny>, key: &Bound<'_, PyAny>) -> PyResult<u64> {
    let result = crate::cpython::call_one(func, key)?;
    if !result.is_instance_of::<PyInt>() {
        return Err(not_an_int(func, &result));
    }
    Ok(crate::cpython::int_value_hash(&result)? as i64 as u64)
}

/// The TypeError for a hash function that returned something other than an int.
#[cold]
#[inline(never)]
fn not_an_int(func: &Bound<'_, PyAny>, result: &Bound<'_, PyAny>) -> PyErr {
    // Registered with PyO3: the fast slots call this without its trampoline,
    // and building the message may drop a `PyErr`.
    Python::attach(|_| {
        PyTypeError::new_err(format!(
            "hash_func {} returned {}, expected an int",
            callable_name(func),
            type_name(result)
        ))
    })
}

/// `object.__hash__(key)`, CPython's `_Py_HashPointer`: the address rotated
/// right by 4 bits, because objects are 16-byte aligned and an index that
/// takes the low bits would otherwise use one bucket in sixteen.
#[inline]
pub(crate) fn identity_hash(key: &Bound<'_, PyAny>) -> u64 {
    let rotated = (key.as_ptr() as usize).rotate_right(4) as isize;
    // -1 is CPython's error value, never a hash.
    (if rotated == -1 { -2 } else { rotated }) as i64 as u64
}

/// `call_hash_func` out of line, so that `Hasher::hash` stays a small frame
/// (the fast slots inline `call_hash_func` itself).
#[inline(never)]
fn hash_with_function(func: &Bound<'_, PyAny>, key: &Bound<'_, PyAny>) -> PyResult<u64> {
    call_hash_func(func, key)
}

/// A named native hash of `key`'s canonical form. Out of line: the encoding's
/// temporaries would otherwise sit in the frame of every hash, on the path a
/// key's `__hash__` recurses through.
#[inline(never)]
fn hash_named(named: NamedHash, key: &Bound<'_, PyAny>) -> PyResult<u64> {
    with_canonical(key, |canonical| named.hash(canonical))
}

/// A named native hash of an exact builtin scalar, read in
/// place under the table's borrow: what the fast slots' named route runs.
/// One test of the key's type serves both the check and the encoding, and
/// a str (the common key) reaches the function with its kind known, so the
/// function's text path is inlined here with no second dispatch on the
/// key. None for any other key, or a str whose UTF-8 is not cached yet:
/// the general path takes those, through `with_canonical`.
#[inline(always)]
pub(crate) fn named_scalar_hash(named: &NamedHash, key: &Bound<'_, PyAny>) -> Option<u64> {
    if key.is_exact_instance_of::<PyString>() {
        // SAFETY: an exact str, checked just above.
        let text = unsafe { str_utf8_in_place(key) }?;
        return Some(named.hash(CanonicalKey::Text(text)));
    }
    Some(named.hash(number_or_bytes_canonical(key)?))
}

/// Reduce `key` to the encoding the named functions hash, so that keys equal
/// under `==` always arrive identical: ints (and bools, and floats with an
/// integral value) as `Int`, other floats as `Float`, str as UTF-8, bytes as
/// is, and everything else, or an int beyond 64 bits, as Python's own hash.
pub(crate) fn with_canonical<T>(key: &Bound<'_, PyAny>, hash: impl FnOnce(CanonicalKey<'_>) -> T) -> PyResult<T> {
    if let Some(canonical) = scalar_canonical(key) {
        return Ok(hash(canonical));
    }
    if let Ok(text) = key.cast::<PyString>() {
        if let Ok(text) = text.to_str() {
            return Ok(hash(CanonicalKey::Text(text)));
        }
    } else if key.is_instance_of::<PyInt>() {
        if let Some(value) = int_value(key) {
            return Ok(hash(CanonicalKey::Int(value)));
        }
    } else if let Ok(float) = key.cast::<PyFloat>() {
        let value = float.value();
        // Exactly the floats that equal some i64: -2^63 <= v < 2^63 and integral.
        if value.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&value) {
            return Ok(hash(CanonicalKey::Int(value as i64)));
        }
        if !value.is_finite() || value.fract() != 0.0 {
            return Ok(hash(CanonicalKey::Float(value)));
        }
    } else if let Ok(bytes) = key.cast::<PyBytes>() {
        return Ok(hash(CanonicalKey::Bytes(bytes.as_bytes())));
    }
    Ok(hash(CanonicalKey::PreHashed(key.hash()? as i64 as u64)))
}

/// `object.__hash__`: what an identity table's `hash_func` shows.
pub(crate) fn object_hash(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static OBJECT_HASH: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    OBJECT_HASH
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("builtins")?.getattr("object")?.getattr("__hash__")?.unbind())
        })
        .map(|hash| hash.bind(py))
}

pub(crate) fn builtin_hash(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static HASH: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    HASH.get_or_try_init(py, || Ok::<_, PyErr>(py.import("builtins")?.getattr("hash")?.unbind()))
        .map(|hash| hash.bind(py))
}

impl HashFunc {
    /// Whether two tables hash every key the same way, so stored hashes can be reused.
    pub(crate) fn same_as(&self, other: &HashFunc) -> bool {
        match (self, other) {
            (HashFunc::Builtin, HashFunc::Builtin) => true,
            (HashFunc::Python(a), HashFunc::Python(b)) => a.is(b),
            (HashFunc::Named(a), HashFunc::Named(b)) => a == b,
            (HashFunc::Identity, HashFunc::Identity) => true,
            _ => false,
        }
    }

    pub(crate) fn clone_ref(&self, py: Python<'_>) -> HashFunc {
        match self {
            HashFunc::Builtin => HashFunc::Builtin,
            HashFunc::Python(func) => HashFunc::Python(func.clone_ref(py)),
            HashFunc::Named(named) => HashFunc::Named(*named),
            HashFunc::Identity => HashFunc::Identity,
        }
    }
}

impl PyGcTraverse for HashFunc {
    fn py_gc_traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        match self.python_object() {
            Some(func) => func.py_gc_traverse(visit),
            None => Ok(()),
        }
    }
}
