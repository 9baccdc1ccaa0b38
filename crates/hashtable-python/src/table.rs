//! `hashtable.HashTable`: the pyclass. Each method is a thin wrapper; the
//! borrow discipline lives in `lookup` and `operations`.

use hashtable_core::{Table, TableConfig};
use pyo3::exceptions::PyTypeError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyTuple, PyType};
use pyo3::PyTraverseError;

use crate::gc::PyGcTraverse;
use crate::hashing::HashFunc;
use crate::iteration::{IterKind, TableIterator};
use crate::lookup::{borrow, borrow_mut};
use crate::operations::missing_key;
use crate::params::{table_config, Params};
use crate::{display, logging, operations, persistence, report, trashcan, views};

pub(crate) type PyTable = Table<Py<PyAny>, Py<PyAny>>;

#[doc = include_str!("docstrings/hashtable.txt")]
#[pyclass(name = "HashTable", module = "hashtable", subclass, weakref, mapping)]
pub struct HashTable {
    pub(crate) table: PyTable,
    pub(crate) hash_func: HashFunc,
    pub(crate) hash_calls: u64,
    /// False for the private staging table `__new__` fills: it is not a table
    /// the user made, so its birth and death are not logged.
    pub(crate) announce: bool,
}

impl HashTable {
    pub(crate) fn empty(py: Python<'_>, config: TableConfig, hash_func: HashFunc) -> PyResult<Self> {
        let mut table = HashTable::unannounced(config, hash_func)?;
        table.announce = true;
        logging::created(py, &config);
        Ok(table)
    }

    pub(crate) fn unannounced(config: TableConfig, hash_func: HashFunc) -> PyResult<Self> {
        let table = Table::new(config).map_err(|err| pyo3::exceptions::PyValueError::new_err(err.to_string()))?;
        Ok(HashTable {
            table,
            hash_func,
            hash_calls: 0,
            announce: false,
        })
    }
}

#[pymethods]
impl HashTable {
    #[new]
    #[pyo3(signature = (data=None, /, *, size=None, max_load=None, hash_func=None, strategy=None, index=None, growth=None, min_load=None))]
    // What `help()` and `inspect.signature` show: the defaults `Defaults` supplies for None.
    #[pyo3(
        text_signature = "(data=None, /, *, size=4, max_load=0.5, hash_func=None, strategy='chaining', index='fibonacci', growth=2.0, min_load=0.0)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        data: Option<&Bound<'_, PyAny>>,
        size: Option<&Bound<'_, PyAny>>,
        max_load: Option<&Bound<'_, PyAny>>,
        hash_func: Option<&Bound<'_, PyAny>>,
        strategy: Option<&Bound<'_, PyAny>>,
        index: Option<&Bound<'_, PyAny>>,
        growth: Option<&Bound<'_, PyAny>>,
        min_load: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if let Some(data) = data {
            let positional_number = data.is_instance_of::<PyInt>() || data.is_instance_of::<PyFloat>();
            if positional_number && !data.is_instance_of::<PyBool>() {
                return Err(PyTypeError::new_err(format!(
                    "HashTable() takes its parameters as keywords, e.g. HashTable(size=8); \
                     the only positional argument is a mapping or an iterable of pairs, got {}",
                    operations::type_name(data)
                )));
            }
        }
        let defaults = Defaults::new(py);
        let config = table_config(&Params {
            size: size.unwrap_or(defaults.size.bind(py)),
            max_load: max_load.unwrap_or(defaults.max_load.bind(py)),
            min_load: min_load.unwrap_or(defaults.min_load.bind(py)),
            growth: growth.unwrap_or(defaults.growth.bind(py)),
            strategy: strategy.unwrap_or(defaults.strategy.bind(py)),
            index: index.unwrap_or(defaults.index.bind(py)),
        })?;
        let mut this = HashTable::empty(py, config, HashFunc::from_argument(py, hash_func)?)?;
        if let Some(data) = data {
            persistence::load_unshared(py, &mut this, data)?;
        }
        Ok(this)
    }

    // --- the original API ---

    /// Store `value` under `key`, as `t[key] = value` (the original API).
    fn set(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        operations::set(slf, key, value)
    }

    /// Return the value for `key`, or `default` if `key` is absent.
    #[pyo3(signature = (key, default=None))]
    fn get<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(operations::get(slf, key)?
            .or(default)
            .unwrap_or_else(|| slf.py().None().into_bound(slf.py())))
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
        match operations::take(slf, key)? {
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
        if let Some(value) = operations::get(slf, key)? {
            return Ok(value);
        }
        if !slf.is_exact_instance_of::<Self>() {
            let missing = pyo3::intern!(slf.py(), "__missing__");
            if slf.hasattr(missing)? {
                return slf.call_method1(missing, (key,));
            }
        }
        Err(missing_key(key))
    }

    fn __setitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        operations::set(slf, key, value)
    }

    fn __delitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        operations::delete(slf, key)
    }

    fn __contains__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        operations::contains(slf, key)
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

    /// Return the value for `key`; if `key` is absent, store `default` under it
    /// first and return `default`.
    #[pyo3(signature = (key, default=None))]
    fn setdefault<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let default = default.unwrap_or_else(|| slf.py().None().into_bound(slf.py()));
        operations::setdefault(slf, key, &default)
    }

    /// Remove and return a (key, value) pair: the last in iteration order
    /// (chaining: the most recently stored). KeyError if the table is empty.
    fn popitem<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        operations::popitem(slf)
    }

    /// Remove every item, and go back to the initial number of buckets.
    fn clear(slf: &Bound<'_, Self>) -> PyResult<()> {
        operations::clear(slf)
    }

    /// Store every pair of `other` (a mapping, an object with `keys()`, or an
    /// iterable of (key, value) pairs), then the keyword arguments, as dict does.
    #[pyo3(signature = (other=None, /, **kwargs))]
    fn update(
        slf: &Bound<'_, Self>,
        other: Option<&Bound<'_, PyAny>>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        if let Some(other) = other {
            operations::update_from(slf, other)?;
        }
        if let Some(kwargs) = kwargs {
            operations::update_from(slf, kwargs.as_any())?;
        }
        Ok(())
    }

    /// A shallow copy: a new HashTable with the same parameters, hash function,
    /// bucket count and items. Stored hashes are reused: the hash function is not
    /// called.
    fn copy(slf: &Bound<'_, Self>) -> PyResult<Py<HashTable>> {
        persistence::copy(slf)
    }

    /// `copy.copy(t)`: a shallow copy of the same class, with the instance's
    /// attributes.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        persistence::shallow_copy(slf)
    }

    fn __or__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        persistence::union(slf, slf.as_any(), other)
    }

    fn __ror__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        persistence::union(slf, other, slf.as_any())
    }

    fn __ior__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        operations::update_from(slf, other)
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
            CompareOp::Eq | CompareOp::Ne => match persistence::equals_mapping(slf, other)? {
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
        report::stats(slf)
    }

    /// Bytes used by the table and its buckets, not counting the keys and values.
    fn __sizeof__(slf: &Bound<'_, Self>) -> PyResult<usize> {
        Ok(std::mem::size_of::<Self>() + borrow(slf)?.table.heap_bytes())
    }

    /// Pickling: the parameters, the bucket count, the instance's attributes and
    /// the items.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        persistence::reduce(slf)
    }

    /// Unpickling: restore the bucket count and the instance's attributes.
    fn __setstate__(slf: &Bound<'_, Self>, state: &Bound<'_, PyAny>) -> PyResult<()> {
        persistence::set_state(slf, state)
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

    // --- garbage collection ---

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        self.hash_func.py_gc_traverse(&visit)?;
        self.table.py_gc_traverse(&visit)
    }

    fn __clear__(slf: &Bound<'_, Self>) {
        let released = match borrow_mut(slf) {
            Ok(mut this) => Some((
                this.table.clear(),
                std::mem::replace(&mut this.hash_func, HashFunc::Builtin),
            )),
            Err(_) => None,
        };
        drop(released);
    }
}

impl Drop for HashTable {
    fn drop(&mut self) {
        if self.announce {
            logging::freed(self.table.size(), self.table.len());
        }
        trashcan::release(self.table.clear());
    }
}

/// Default parameter values as Python objects, made once.
struct Defaults {
    size: Py<PyAny>,
    max_load: Py<PyAny>,
    min_load: Py<PyAny>,
    growth: Py<PyAny>,
    strategy: Py<PyAny>,
    index: Py<PyAny>,
}

impl Defaults {
    fn new(py: Python<'_>) -> &'static Defaults {
        static DEFAULTS: pyo3::sync::PyOnceLock<Defaults> = pyo3::sync::PyOnceLock::new();
        DEFAULTS.get_or_init(py, || {
            let config = TableConfig::default();
            let object = |value: Bound<'_, PyAny>| value.unbind();
            Defaults {
                size: object(config.size.into_pyobject(py).expect("int").into_any()),
                max_load: object(config.max_load.into_pyobject(py).expect("float").into_any()),
                min_load: object(config.min_load.into_pyobject(py).expect("float").into_any()),
                growth: object(config.growth.into_pyobject(py).expect("float").into_any()),
                strategy: object(config.strategy.name().into_pyobject(py).expect("str").into_any()),
                index: object(config.index.name().into_pyobject(py).expect("str").into_any()),
            }
        })
    }
}
