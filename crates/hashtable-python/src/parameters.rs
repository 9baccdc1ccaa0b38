//! Validating the constructor's keyword parameters into a core `TableConfig`.
//!
//! Wrong types are TypeErrors, values out of range are ValueErrors, and every
//! message names the parameter and what it accepts.

use hashtable_core::{BucketIndex, StrategyKind, TableConfig, MAX_SIZE};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

use crate::errors::type_name;
use crate::registry::strategy_names;

pub(crate) struct Params<'a, 'py> {
    pub size: &'a Bound<'py, PyAny>,
    pub max_load: &'a Bound<'py, PyAny>,
    pub min_load: &'a Bound<'py, PyAny>,
    pub growth: &'a Bound<'py, PyAny>,
    pub strategy: &'a Bound<'py, PyAny>,
    pub index: &'a Bound<'py, PyAny>,
}

pub(crate) fn table_config(params: &Params<'_, '_>) -> PyResult<TableConfig> {
    let strategy_name = text(params.strategy, "strategy")?;
    let strategy = StrategyKind::from_name(&strategy_name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "strategy must be one of {}, got {strategy_name:?}",
            names(strategy_names())
        ))
    })?;
    let index_name = text(params.index, "index")?;
    let index = BucketIndex::from_name(&index_name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "index must be one of {}, got {index_name:?}",
            names(BucketIndex::ALL.iter().map(|i| i.name()))
        ))
    })?;
    let config = TableConfig {
        size: size(params.size)?,
        max_load: number(params.max_load, "max_load")?,
        min_load: number(params.min_load, "min_load")?,
        growth: number(params.growth, "growth")?,
        index,
        strategy,
    };
    config
        .validate()
        .map_err(|err| PyValueError::new_err(err.to_string()))?;
    Ok(config)
}

fn names<'a>(all: impl Iterator<Item = &'a str>) -> String {
    all.map(|name| format!("{name:?}")).collect::<Vec<_>>().join(", ")
}

pub(crate) fn size(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "size must be an int, got {}",
            type_name(value)
        )));
    }
    let size: i128 = value.extract().unwrap_or(i128::MAX);
    if size <= 0 {
        return Err(PyValueError::new_err(format!(
            "size must be a positive int (at least 1), got {size}"
        )));
    }
    if size > MAX_SIZE as i128 {
        return Err(PyValueError::new_err(format!(
            "size must be at most {MAX_SIZE}, got {value}"
        )));
    }
    Ok(size as usize)
}

fn number(value: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    let is_number =
        !value.is_instance_of::<PyBool>() && (value.is_instance_of::<PyFloat>() || value.is_instance_of::<PyInt>());
    if !is_number {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a float or an int, got {}",
            type_name(value)
        )));
    }
    value
        .extract::<f64>()
        .map_err(|_| PyValueError::new_err(format!("{name} must be a finite number, got {value}")))
}

fn text(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if !value.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a str, got {}",
            type_name(value)
        )));
    }
    value.extract()
}

/// Default parameter values as Python objects, made once.
pub(crate) struct Defaults {
    pub(crate) size: Py<PyAny>,
    pub(crate) max_load: Py<PyAny>,
    pub(crate) min_load: Py<PyAny>,
    pub(crate) growth: Py<PyAny>,
    pub(crate) strategy: Py<PyAny>,
    pub(crate) index: Py<PyAny>,
}

impl Defaults {
    pub(crate) fn new(py: Python<'_>) -> &'static Defaults {
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
