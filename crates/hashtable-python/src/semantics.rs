//! What makes two keys the same key in one table: `key=` and `eq=`.
//!
//! A plain table (neither given) stores the key object itself and compares
//! with the key's own `==`. The other tables are PEP 455's transform
//! dictionaries and their relatives:
//!
//! * `key=f`: every operation calls `f` once on the given key; the result
//!   (the *lookup form*) is what is hashed and compared. The table stores the
//!   pair `(first key given, its lookup form)` as one tuple in the key's place,
//!   so a stored key is never transformed again (not on a resize, a copy or a
//!   comparison) and the first spelling of a key is the one kept. Only these
//!   tables pay for the pair; a plain table's entry is unchanged.
//! * `eq=g`: after identity and an equal stored hash, `g(stored, key)`
//!   decides, with the table released, exactly as a key's `__eq__` would.
//! * `eq="identity"`: the same object or not at all. Hashed by address
//!   (`object.__hash__`) unless a `hash_func` is given, so any object is a
//!   key, unhashable ones included, and no Python code runs per operation.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use pyo3::PyTraverseError;

use crate::gc::PyGcTraverse;

/// How stored keys are compared with the lookup form of a given key.
pub(crate) enum Equality {
    /// The key's own `==` (settled in C for builtin scalars).
    Native,
    /// `is`.
    Identity,
    /// The user's `eq(stored, key)`.
    Callable(Py<PyAny>),
}

/// A table's key semantics: an optional transform and its equality.
pub(crate) struct KeySemantics {
    pub(crate) transform: Option<Py<PyAny>>,
    pub(crate) equality: Equality,
}

/// The same, bound for one operation, so it can be used with the table released.
pub(crate) struct BoundSemantics<'py> {
    pub(crate) transform: Option<Bound<'py, PyAny>>,
    pub(crate) equality: BoundEquality<'py>,
}

pub(crate) enum BoundEquality<'py> {
    Native,
    Identity,
    Callable(Bound<'py, PyAny>),
}

impl KeySemantics {
    pub(crate) const PLAIN: KeySemantics = KeySemantics {
        transform: None,
        equality: Equality::Native,
    };

    /// Parse `key=` and `eq=`, naming the parameter in any error.
    pub(crate) fn from_arguments(key: Option<&Bound<'_, PyAny>>, eq: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let transform = match key.filter(|key| !key.is_none()) {
            None => None,
            Some(key) if key.is_callable() => Some(key.clone().unbind()),
            Some(key) => {
                return Err(PyTypeError::new_err(format!(
                    "key must be a callable that takes a key and returns what to hash and compare, or None; got {}",
                    crate::errors::type_name(key)
                )))
            }
        };
        let equality = match eq.filter(|eq| !eq.is_none()) {
            None => Equality::Native,
            Some(eq) if eq.is_instance_of::<PyString>() => {
                if eq.extract::<String>()? != "identity" {
                    return Err(PyValueError::new_err(format!(
                        "eq must be a callable eq(stored, key) -> bool, 'identity' or None; got {}",
                        eq.repr()?
                    )));
                }
                Equality::Identity
            }
            Some(eq) if eq.is_callable() => Equality::Callable(eq.clone().unbind()),
            Some(eq) => {
                return Err(PyTypeError::new_err(format!(
                    "eq must be a callable eq(stored, key) -> bool, 'identity' or None; got {}",
                    crate::errors::type_name(eq)
                )))
            }
        };
        Ok(KeySemantics { transform, equality })
    }

    /// Neither `key=` nor `eq=`: dict's own semantics.
    pub(crate) fn is_plain(&self) -> bool {
        self.transform.is_none() && matches!(self.equality, Equality::Native)
    }

    pub(crate) fn is_identity(&self) -> bool {
        matches!(self.equality, Equality::Identity)
    }

    pub(crate) fn bind<'py>(&self, py: Python<'py>) -> BoundSemantics<'py> {
        BoundSemantics {
            transform: self.transform.as_ref().map(|f| f.bind(py).clone()),
            equality: match &self.equality {
                Equality::Native => BoundEquality::Native,
                Equality::Identity => BoundEquality::Identity,
                Equality::Callable(eq) => BoundEquality::Callable(eq.bind(py).clone()),
            },
        }
    }

    pub(crate) fn clone_ref(&self, py: Python<'_>) -> KeySemantics {
        KeySemantics {
            transform: self.transform.as_ref().map(|f| f.clone_ref(py)),
            equality: match &self.equality {
                Equality::Native => Equality::Native,
                Equality::Identity => Equality::Identity,
                Equality::Callable(eq) => Equality::Callable(eq.clone_ref(py)),
            },
        }
    }

    /// The same transform object and the same equality: keys stored under
    /// `other` are stored exactly as this table would store them.
    pub(crate) fn same_as(&self, other: &KeySemantics) -> bool {
        let same_transform = match (&self.transform, &other.transform) {
            (None, None) => true,
            (Some(a), Some(b)) => a.is(b),
            _ => false,
        };
        same_transform
            && match (&self.equality, &other.equality) {
                (Equality::Native, Equality::Native) | (Equality::Identity, Equality::Identity) => true,
                (Equality::Callable(a), Equality::Callable(b)) => a.is(b),
                _ => false,
            }
    }

    /// Whether a key stored by `other` can go into this table as it is, with
    /// its stored hash (when the hash functions agree too): no transform on
    /// either side, and the same equality.
    pub(crate) fn accepts_stored_keys_of(&self, other: &KeySemantics) -> bool {
        self.transform.is_none() && self.same_as(other)
    }

    /// The key as the user gave it first, from what the table stores.
    #[inline]
    pub(crate) fn shown<'py>(&self, stored: &Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        match self.transform {
            None => stored.clone(),
            Some(_) => pair_item(stored, 0),
        }
    }

    /// `t.key`: the transform, or None.
    pub(crate) fn key_object(&self, py: Python<'_>) -> Py<PyAny> {
        self.transform.as_ref().map_or_else(|| py.None(), |f| f.clone_ref(py))
    }

    /// `t.eq`: the callable, `'identity'`, or None.
    pub(crate) fn eq_object(&self, py: Python<'_>) -> Py<PyAny> {
        match &self.equality {
            Equality::Native => py.None(),
            Equality::Identity => PyString::new(py, "identity").into_any().unbind(),
            Equality::Callable(eq) => eq.clone_ref(py),
        }
    }
}

impl<'py> BoundSemantics<'py> {
    /// The object hashed and compared for `key`: `key(k)` for a transform table.
    pub(crate) fn lookup_form(&self, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        match &self.transform {
            None => Ok(key.clone()),
            Some(transform) => crate::cpython::call_one(transform, key),
        }
    }

    /// What the table stores for a new key: the key, or `(key, lookup form)`.
    pub(crate) fn stored_form(
        &self,
        key: &Bound<'py, PyAny>,
        lookup: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match &self.transform {
            None => Ok(key.clone()),
            Some(_) => new_pair(key, lookup),
        }
    }

    /// The object a stored key is compared by.
    pub(crate) fn compared(&self, stored: &Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        match self.transform {
            None => stored.clone(),
            Some(_) => pair_item(stored, 1),
        }
    }
}

/// The pair a transform table stores for a new key: `(key, lookup form)`.
/// Making it allocates, so it may run the GC: never under a borrow.
pub(crate) fn new_pair<'py>(key: &Bound<'py, PyAny>, lookup: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyTuple::new(key.py(), [key, lookup])?.into_any())
}

/// The lookup form inside a stored pair, borrowed: the fast slots' read.
///
/// # Safety
/// `stored` must be a live key of a table with `key=`: every key such a
/// table stores is a pair made by `stored_form` (a 2-tuple), and tuples never
/// change.
#[inline]
pub(crate) unsafe fn pair_lookup_form(stored: *mut ffi::PyObject) -> *mut ffi::PyObject {
    debug_assert!(
        // SAFETY: `stored` is a live object (the caller's contract).
        unsafe { ffi::PyTuple_CheckExact(stored) != 0 && ffi::PyTuple_GET_SIZE(stored) == 2 }
    );
    // SAFETY: a 2-tuple (the caller's contract), so item 1 exists.
    unsafe { ffi::PyTuple_GET_ITEM(stored, 1) }
}

/// Item `index` of a stored `(key, lookup form)` pair.
fn pair_item<'py>(stored: &Bound<'py, PyAny>, index: usize) -> Bound<'py, PyAny> {
    // Only this module makes the pairs, so this is always a 2-tuple.
    match stored.cast::<PyTuple>() {
        Ok(pair) => pair
            .get_borrowed_item(index)
            .map_or_else(|_| stored.clone(), |item| item.to_owned()),
        Err(_) => stored.clone(),
    }
}

impl PyGcTraverse for KeySemantics {
    fn py_gc_traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        self.transform.py_gc_traverse(visit)?;
        match &self.equality {
            Equality::Callable(eq) => eq.py_gc_traverse(visit),
            Equality::Native | Equality::Identity => Ok(()),
        }
    }
}
