//! Freeing deeply nested tables without deep native recursion.
//!
//! Freeing a table frees its values; if a value is the last reference to
//! another table, that one is freed inside the first, and so on: a chain of
//! 100 000 nested tables would nest 100 000 native frames and overflow the
//! stack. CPython's own containers avoid this with the "trashcan"; PyO3 types
//! cannot use it, so this is the same idea: past a fixed depth, everything a
//! table owns (its storage with every entry, and its hash function) is parked
//! on a per-thread list instead of being released, and the outermost release
//! empties that list in a loop.

use std::any::Any;
use std::cell::{Cell, RefCell};

/// Nesting depth after which releases are deferred to the outermost one.
const MAX_DEPTH: usize = 50;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    static DEFERRED: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Release `garbage` (everything a freed table owned), at bounded native depth.
pub(crate) fn release(garbage: impl Any) {
    let depth = DEPTH.get();
    if depth >= MAX_DEPTH {
        let parked: Box<dyn Any> = Box::new(garbage);
        DEFERRED.with_borrow_mut(|deferred| deferred.push(parked));
        return;
    }
    DEPTH.set(depth + 1);
    drop(garbage);
    if depth == 0 {
        // Each pop ends its borrow before the batch is dropped: dropping it
        // may free more tables, which park their entries here in turn.
        while let Some(batch) = DEFERRED.with_borrow_mut(Vec::pop) {
            drop(batch);
        }
    }
    DEPTH.set(depth);
}
