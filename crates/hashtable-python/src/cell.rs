//! The table's own borrow cell: a plain, non-atomic re-entrancy guard.
//!
//! `HashTable` is a `frozen` pyclass, so PyO3 keeps no borrow flag of its own
//! (in PyO3 0.30 that flag is an atomic, a locked read-modify-write on every
//! operation). The state lives here instead, behind a `Cell` counter that
//! gives the same rules as a `RefCell`: many readers or one writer, and a
//! clear RuntimeError, never undefined behaviour, when Python code re-enters a
//! table that is being modified (a key's `__eq__` that mutates it, say).
//!
//! The counter is not atomic because the module declares that it needs the
//! GIL (`#[pymodule(gil_used = true)]`): every access happens with the GIL
//! held, so two threads never touch one cell at once. A free-threaded Python
//! refuses to import the module rather than race.

use std::cell::{Cell, UnsafeCell};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use pyo3::exceptions::PyRuntimeError;
use pyo3::PyErr;

/// `state` (0 unborrowed, > 0 that many readers, -1 one writer) guards `value`.
pub(crate) struct BorrowCell<T> {
    state: Cell<isize>,
    value: UnsafeCell<T>,
}

// SAFETY: all access happens with the GIL held (the module is `gil_used`), so
// the cell is never used from two threads at the same time; the GIL's
// acquire/release orders every access between threads.
unsafe impl<T: Send> Sync for BorrowCell<T> {}

const WRITING: isize = -1;

impl<T> BorrowCell<T> {
    pub(crate) fn new(value: T) -> Self {
        BorrowCell {
            state: Cell::new(0),
            value: UnsafeCell::new(value),
        }
    }

    #[inline]
    pub(crate) fn try_borrow(&self) -> Result<Shared<'_, T>, PyErr> {
        let state = self.state.get();
        if state < 0 {
            return Err(busy_error());
        }
        self.state.set(state + 1);
        Ok(Shared {
            cell: self,
            not_send: PhantomData,
        })
    }

    #[inline]
    pub(crate) fn try_borrow_mut(&self) -> Result<Exclusive<'_, T>, PyErr> {
        if self.state.get() != 0 {
            return Err(busy_error());
        }
        self.state.set(WRITING);
        Ok(Exclusive {
            cell: self,
            not_send: PhantomData,
        })
    }

    /// The value while nobody writes to it, for the GC's traversal, which must
    /// not fail and must not wait: None while a writer holds the cell.
    pub(crate) fn peek(&self) -> Option<&T> {
        if self.state.get() == WRITING {
            return None;
        }
        // SAFETY: no writer holds the cell, and no writer can start while the
        // returned reference lives: the GC traversal runs no Python code.
        Some(unsafe { &*self.value.get() })
    }

    /// The value, through exclusive access to the cell itself (when freeing).
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }
}

pub(crate) fn busy_error() -> PyErr {
    PyRuntimeError::new_err("HashTable is busy: it was re-entered while it was being modified")
}

/// A shared borrow; derefs to the value.
pub(crate) struct Shared<'a, T> {
    cell: &'a BorrowCell<T>,
    not_send: PhantomData<*const ()>,
}

impl<T> Deref for Shared<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the state counts this reader, so no `Exclusive` exists.
        unsafe { &*self.cell.value.get() }
    }
}

impl<T> Drop for Shared<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.cell.state.set(self.cell.state.get() - 1);
    }
}

/// The one exclusive borrow; derefs mutably to the value.
pub(crate) struct Exclusive<'a, T> {
    cell: &'a BorrowCell<T>,
    not_send: PhantomData<*const ()>,
}

impl<T> Deref for Exclusive<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the state is WRITING and this guard is the only writer.
        unsafe { &*self.cell.value.get() }
    }
}

impl<T> DerefMut for Exclusive<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the state is WRITING and this guard is the only writer.
        unsafe { &mut *self.cell.value.get() }
    }
}

impl<T> Drop for Exclusive<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.cell.state.set(0);
    }
}
