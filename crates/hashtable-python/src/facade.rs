//! `hashtable.HashTable`'s methods: the `#[pymethods]` façade on top of the
//! binding. Each method is a thin wrapper with its docstring; the state is
//! in `state`, the semantics in the floors below.

use pyo3::exceptions::PyTypeError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyTuple, PyType};
use pyo3::PyTraverseError;

use crate::errors::{missing_key, type_name};
use crate::gc::PyGcTraverse;
use crate::hashing::HashFunc;
use crate::iteration::{IterKind, TableIterator};
use crate::parameters::{table_config, Defaults, Params};
use crate::semantics::KeySemantics;
use crate::state::{borrow, borrow_mut, pop_all, HashTable};
use crate::{comparison, copying, display, mapping, stats_dict, update, views};

#[pymethods]
impl HashTable {
    /// Builds the empty table from the keyword parameters. The positional
    /// data is `__init__`'s, as in dict: a subclass's `__init__` decides what
    /// its own positional arguments mean.
    #[new]
    #[pyo3(signature = (*_args, size=None, max_load=None, hash_func=None, strategy=None, index=None, growth=None, min_load=None, key=None, eq=None))]
    // What `help()` and `inspect.signature` show: the defaults `Defaults` supplies for None.
    #[pyo3(
        text_signature = "(data=None, /, *, size=4, max_load=0.5, hash_func=None, strategy='chaining', index='fibonacci', growth=2.0, min_load=0.0, key=None, eq=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        _args: &Bound<'_, PyTuple>,
        size: Option<&Bound<'_, PyAny>>,
        max_load: Option<&Bound<'_, PyAny>>,
        hash_func: Option<&Bound<'_, PyAny>>,
        strategy: Option<&Bound<'_, PyAny>>,
        index: Option<&Bound<'_, PyAny>>,
        growth: Option<&Bound<'_, PyAny>>,
        min_load: Option<&Bound<'_, PyAny>>,
        key: Option<&Bound<'_, PyAny>>,
        eq: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let defaults = Defaults::new(py);
        let config = table_config(&Params {
            size: size.unwrap_or(defaults.size.bind(py)),
            max_load: max_load.unwrap_or(defaults.max_load.bind(py)),
            min_load: min_load.unwrap_or(defaults.min_load.bind(py)),
            growth: growth.unwrap_or(defaults.growth.bind(py)),
            strategy: strategy.unwrap_or(defaults.strategy.bind(py)),
            index: index.unwrap_or(defaults.index.bind(py)),
        })?;
        let semantics = KeySemantics::from_arguments(key, eq)?;
        let hash_func = HashFunc::for_table(py, hash_func, semantics.is_identity())?;
        HashTable::empty(py, config, hash_func, semantics)
    }

    /// Adds the positional data, as `dict.__init__` does: also when called
    /// again on an existing table. The keyword parameters were `__new__`'s.
    #[pyo3(signature = (*args, size=None, max_load=None, hash_func=None, strategy=None, index=None, growth=None, min_load=None, key=None, eq=None))]
    #[allow(clippy::too_many_arguments, unused_variables)]
    fn __init__(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        size: Option<&Bound<'_, PyAny>>,
        max_load: Option<&Bound<'_, PyAny>>,
        hash_func: Option<&Bound<'_, PyAny>>,
        strategy: Option<&Bound<'_, PyAny>>,
        index: Option<&Bound<'_, PyAny>>,
        growth: Option<&Bound<'_, PyAny>>,
        min_load: Option<&Bound<'_, PyAny>>,
        key: Option<&Bound<'_, PyAny>>,
        eq: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let data = match args.len() {
            0 => return Ok(()),
            // The original API's `data=None`: no data (`update(None)` refuses it).
            1 if args.get_item(0)?.is_none() => return Ok(()),
            1 => args.get_item(0)?,
            n => {
                return Err(PyTypeError::new_err(format!(
                    "HashTable expected at most 1 positional argument, got {n}"
                )))
            }
        };
        let positional_number = data.is_instance_of::<PyInt>() || data.is_instance_of::<PyFloat>();
        if positional_number && !data.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(format!(
                "HashTable() takes its parameters as keywords, e.g. HashTable(size=8); \
                 the only positional argument is a mapping or an iterable of pairs, got {}",
                type_name(&data)
            )));
        }
        update::update_from(slf, &data)
    }

    // --- the original API ---

    /// Store `value` under `key`, as `t[key] = value` (the original API).
    fn set(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        mapping::set(slf, key, value)
    }

    /// Return the value for `key`, or `default` if `key` is absent.
    #[pyo3(signature = (key, default=None))]
    fn get<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(mapping::get(slf, key)?
            .or(default)
            .unwrap_or_else(|| slf.py().None().into_bound(slf.py())))
    }

    /// Return `(stored_key, value)` for `key`: the key as the table keeps it (with
    /// `key=`, the first spelling stored), as PEP 455 specified. KeyError if absent.
    fn getitem<'py>(slf: &Bound<'py, Self>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
        match mapping::get_item_pair(slf, key)? {
            Some(pair) => Ok(pair),
            None => Err(missing_key(key)),
        }
    }

    /// Remove `key` and return its value. If `key` is absent, return `default` if
    /// given, else raise KeyError.
    #[pyo3(signature = (key, *default))]
    fn pop<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
        default: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if default.len() > 1 {
            return Err(PyTypeError::new_err(format!(
                "pop expected at most 2 arguments, got {}",
                default.len() + 1
            )));
        }
        match mapping::take(slf, key)? {
            Some(entry) => Ok(entry.value.into_bound(slf.py())),
            None if default.len() == 1 => default.get_item(0),
            None => Err(missing_key(key)),
        }
    }

    // --- the mapping protocol (CPython mapping slots) ---

    fn __len__(slf: &Bound<'_, Self>) -> PyResult<usize> {
        Ok(borrow(slf)?.table.len())
    }

    fn __getitem__<'py>(slf: &Bound<'py, Self>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        mapping::subscript(slf, key)
    }

    fn __setitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        mapping::set(slf, key, value)
    }

    fn __delitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        mapping::delete(slf, key)
    }

    fn __contains__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        mapping::contains(slf, key)
    }

    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<TableIterator> {
        TableIterator::new(slf, IterKind::Keys)
    }

    // --- the rest of dict ---

    /// A live view of the keys, in the table's order; a set (`&`, `|`, `-`, `^`).
    fn keys<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        views::make(slf, views::ViewKind::Keys)
    }

    /// A live view of the values, in the table's order.
    fn values<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        views::make(slf, views::ViewKind::Values)
    }

    /// A live view of the (key, value) pairs, in the table's order; a set.
    fn items<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        views::make(slf, views::ViewKind::Items)
    }

    fn _iter_values(slf: &Bound<'_, Self>) -> PyResult<TableIterator> {
        TableIterator::new(slf, IterKind::Values)
    }

    fn _iter_items(slf: &Bound<'_, Self>) -> PyResult<TableIterator> {
        TableIterator::new(slf, IterKind::Items)
    }

    /// `reversed(t)`: the keys from last to first in the table's order.
    fn __reversed__(slf: &Bound<'_, Self>) -> PyResult<TableIterator> {
        TableIterator::reversed(slf, IterKind::Keys)
    }

    fn _reversed_values(slf: &Bound<'_, Self>) -> PyResult<TableIterator> {
        TableIterator::reversed(slf, IterKind::Values)
    }

    fn _reversed_items(slf: &Bound<'_, Self>) -> PyResult<TableIterator> {
        TableIterator::reversed(slf, IterKind::Items)
    }

    /// Every key, in one borrow: what the views build their sets from.
    fn _key_list<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyList>> {
        mapping::key_list(slf)
    }

    fn _item_list<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyList>> {
        mapping::items_list(slf)
    }

    /// `value in t.values()` in one pass over a snapshot of the values.
    fn _values_contain(slf: &Bound<'_, Self>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
        mapping::values_contain(slf, value)
    }

    /// `item in t.items()`: False for anything but a pair, as dict's view.
    fn _items_contain(slf: &Bound<'_, Self>, item: &Bound<'_, PyAny>) -> PyResult<bool> {
        mapping::items_contain(slf, item)
    }

    /// Return the value for `key`; if `key` is absent, store `default` under it
    /// first and return `default`.
    #[pyo3(signature = (key, default=None))]
    fn setdefault<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let default = default.unwrap_or_else(|| slf.py().None().into_bound(slf.py()));
        mapping::setdefault(slf, key, &default)
    }

    /// Remove and return a (key, value) pair: the last in iteration order
    /// (chaining: the most recently stored). KeyError if the table is empty.
    fn popitem<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        mapping::popitem(slf)
    }

    /// Remove every item, and go back to the initial number of buckets.
    fn clear(slf: &Bound<'_, Self>) -> PyResult<()> {
        mapping::clear(slf)
    }

    /// update([other], **kwargs): store every pair of `other`, if given (a mapping,
    /// an object with `keys()`, or an iterable of (key, value) pairs), then the
    /// keyword arguments, as dict does.
    #[pyo3(signature = (*args, **kwargs))]
    fn update(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        match args.len() {
            0 => {}
            1 => update::update_from(slf, &args.get_item(0)?)?,
            n => {
                return Err(PyTypeError::new_err(format!(
                    "update expected at most 1 argument, got {n}"
                )))
            }
        }
        if let Some(kwargs) = kwargs {
            update::update_from_keywords(slf, kwargs)?;
        }
        Ok(())
    }

    /// A shallow copy: a new HashTable with the same parameters, hash function,
    /// bucket count and items. Stored hashes are reused: the hash function is not
    /// called.
    fn copy(slf: &Bound<'_, Self>) -> PyResult<Py<HashTable>> {
        copying::copy(slf)
    }

    /// `copy.copy(t)`: a shallow copy of the same class, with the instance's
    /// attributes.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        copying::shallow_copy(slf)
    }

    fn __or__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        copying::union(slf, slf.as_any(), other)
    }

    fn __ror__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        copying::union(slf, other, slf.as_any())
    }

    fn __ior__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        update::update_from(slf, other)
    }

    /// A new table of this class, with default parameters, mapping each key of
    /// `iterable` to `value`.
    #[classmethod]
    #[pyo3(signature = (iterable, value=None))]
    fn fromkeys<'py>(
        cls: &Bound<'py, PyType>,
        iterable: &Bound<'py, PyAny>,
        value: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = value.unwrap_or_else(|| cls.py().None().into_bound(cls.py()));
        let table = cls.call0()?;
        for key in iterable.try_iter()? {
            table.set_item(key?, &value)?;
        }
        Ok(table)
    }

    fn __richcmp__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        match op {
            CompareOp::Eq | CompareOp::Ne => match comparison::equals_mapping(slf, other)? {
                Some(equal) => Ok(PyBool::new(py, equal == matches!(op, CompareOp::Eq))
                    .to_owned()
                    .into_any()
                    .unbind()),
                None => Ok(py.NotImplemented()),
            },
            _ => Ok(py.NotImplemented()),
        }
    }

    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;

    /// `HashTable[K, V]` in annotations: a `types.GenericAlias`.
    #[classmethod]
    fn __class_getitem__<'py>(cls: &Bound<'py, PyType>, item: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let generic_alias = cls.py().import("types")?.getattr("GenericAlias")?;
        generic_alias.call1((cls, item))
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        display::repr(slf)
    }

    fn __str__(slf: &Bound<'_, Self>) -> PyResult<String> {
        display::picture(slf, Some(display::PRINT_LIMIT))
    }

    /// The buckets, one line each: `[]` then a `*` per item in its chain. For open
    /// addressing, one line per slot: `[]` empty, `[]*` an item in its home slot,
    /// `[]*3` one displaced by 3 slots (`[]*9+` for 9 or more), `[]x` a tombstone.
    /// `limit`: draw at most that many lines (`print(t)` draws 64); None for all.
    #[pyo3(signature = (limit=None))]
    fn picture(slf: &Bound<'_, Self>, limit: Option<i64>) -> PyResult<String> {
        let limit = match limit {
            Some(limit) if limit < 0 => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "limit must be None or a non-negative int, got {limit}"
                )))
            }
            other => other.map(|limit| limit as usize),
        };
        display::picture(slf, limit)
    }

    #[doc = include_str!("docstrings/stats.txt")]
    fn stats<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        stats_dict::stats(slf)
    }

    /// Bytes used by the table and its buckets, not counting the keys and values.
    fn __sizeof__(slf: &Bound<'_, Self>) -> PyResult<usize> {
        Ok(std::mem::size_of::<Self>() + borrow(slf)?.table.heap_bytes())
    }

    /// Pickling: the parameters, the bucket count, the instance's attributes and
    /// the items.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::recursion::check_stack("while pickling a HashTable")?;
        copying::reduce(slf)
    }

    /// Unpickling: restore the bucket count and the instance's attributes.
    fn __setstate__(slf: &Bound<'_, Self>, state: &Bound<'_, PyAny>) -> PyResult<()> {
        copying::set_state(slf, state)
    }

    // --- read-only attributes ---

    /// Buckets (chaining) or slots (open addressing) in the table now.
    #[getter]
    fn size(slf: &Bound<'_, Self>) -> PyResult<usize> {
        Ok(borrow(slf)?.table.size())
    }

    /// Items stored: `len(t)`, by the original's name.
    #[getter]
    fn load(slf: &Bound<'_, Self>) -> PyResult<usize> {
        Ok(borrow(slf)?.table.len())
    }

    /// The load factor (items per bucket) an insert of a new key may not exceed.
    #[getter]
    fn max_load(slf: &Bound<'_, Self>) -> PyResult<f64> {
        Ok(borrow(slf)?.table.config().max_load)
    }

    /// The load factor below which a removal shrinks the table (0.0: never).
    #[getter]
    fn min_load(slf: &Bound<'_, Self>) -> PyResult<f64> {
        Ok(borrow(slf)?.table.config().min_load)
    }

    /// The factor by which the bucket count grows and shrinks.
    #[getter]
    fn growth(slf: &Bound<'_, Self>) -> PyResult<f64> {
        Ok(borrow(slf)?.table.config().growth)
    }

    /// The collision strategy, one of `hashtable.STRATEGIES`.
    #[getter]
    fn strategy(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
        Ok(borrow(slf)?.table.config().strategy.name())
    }

    /// How a hash picks its home bucket, one of `hashtable.INDEXES`.
    #[getter]
    fn index(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
        Ok(borrow(slf)?.table.config().index.name())
    }

    /// The hash function: `builtins.hash` by default, the callable given, or a
    /// native hash function's name.
    #[getter]
    fn hash_func(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let hash_func = borrow(slf)?.hash_func.clone_ref(slf.py());
        hash_func.to_object(slf.py())
    }

    /// The key transform (`key=`): called once per operation on the given key;
    /// its result is what is hashed and compared. None for a plain table.
    #[getter]
    fn key(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        Ok(borrow(slf)?.semantics.key_object(slf.py()))
    }

    /// The equality (`eq=`): a callable `eq(stored, key) -> bool`, `'identity'`,
    /// or None for the keys' own `==`.
    #[getter]
    fn eq(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        Ok(borrow(slf)?.semantics.eq_object(slf.py()))
    }

    // --- garbage collection ---

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        // While a writer holds the table, its references are in flux: skip,
        // as PyO3 does for a mutably borrowed pyclass.
        let Some(state) = self.cell.peek() else {
            return Ok(());
        };
        state.hash_func.py_gc_traverse(&visit)?;
        state.semantics.py_gc_traverse(&visit)?;
        state.table.py_gc_traverse(&visit)
    }

    /// Breaks reference cycles: the items, then the hash function and the
    /// key semantics.
    fn __clear__(slf: &Bound<'_, Self>) {
        pop_all(slf);
        // The hash function and the key semantics go after the items, which a
        // transform table stores in its own form; a `__del__` run by dropping
        // them sees a plain, empty table.
        let previous = match borrow_mut(slf) {
            Ok(mut this) => this.take_keys_for_release(),
            Err(_) => return,
        };
        drop(previous);
        pop_all(slf);
    }
}
