//! The raw CPython entry points, together (as orjson keeps its `ffi/`): the
//! functions CPython itself calls, each small and documented with the
//! invariant it relies on. They sit on top of the binding and call down into
//! the same operations the `#[pymethods]` use.
//!
//! * `slots`: `t[k]`, `k in t`, `t[k] = v` for the common case;
//!   `scalar` is its straight line for the builtin and named hashes on an
//!   exact scalar key;
//! * `iternext`: `next(it)` on the table's iterators;
//! * `capsule`: `hashtable._C_API`, for other extension modules;
//! * `type_slots`: the one place that puts them on the types.

pub(crate) mod capsule;
pub(crate) mod iternext;
mod scalar;
pub(crate) mod slots;
pub(crate) mod type_slots;
