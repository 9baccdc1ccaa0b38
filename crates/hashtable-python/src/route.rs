//! Which path an operation takes for a table: decided once, when the table
//! is made, from its hash function and key semantics (both fixed for its
//! life), so that the fast slots, the general operations and the bulk loader
//! each decide with one `match` and never disagree.

use crate::hashing::HashFunc;
use crate::semantics::{Equality, KeySemantics};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Plain keys, the builtin hash: exact scalars hashed and compared in C,
    /// by the fast slots and the bulk loader under one borrow.
    BuiltinHash,
    /// Plain keys, a Python `hash_func` called once with the table released.
    PythonHash,
    /// Plain keys, a named native hash over the canonical encoding.
    NamedHash,
    /// `eq="identity"` hashed by address: any key, no Python code at all.
    Identity,
    /// `key=` with the builtin hash and the lookup forms' own `==`: the
    /// transform called once with the table released, then as `BuiltinHash`
    /// against the lookup form each stored pair keeps.
    Transform,
    /// Any other `key=` or `eq=` table (an `eq=` callable, a named or Python
    /// hash with `key=`, identity with a `hash_func`): `mapping::locate_custom`.
    Custom,
}

impl Route {
    pub(crate) fn for_table(hash_func: &HashFunc, semantics: &KeySemantics) -> Self {
        match hash_func {
            HashFunc::Builtin if semantics.transform.is_some() && matches!(semantics.equality, Equality::Native) => {
                Route::Transform
            }
            _ if semantics.transform.is_some() => Route::Custom,
            HashFunc::Identity if semantics.is_identity() => Route::Identity,
            _ if !semantics.is_plain() => Route::Custom,
            HashFunc::Builtin => Route::BuiltinHash,
            HashFunc::Python(_) => Route::PythonHash,
            HashFunc::Named(_) => Route::NamedHash,
            // A plain table never hashes by address: `HashFunc::for_table`
            // picks `Identity` only for identity keys.
            HashFunc::Identity => Route::Custom,
        }
    }
}
