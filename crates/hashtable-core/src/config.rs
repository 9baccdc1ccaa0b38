//! The parameters a user chooses, and their validation.

use std::fmt;

use crate::index::BucketIndex;
use crate::strategy::StrategyKind;

/// The largest initial bucket count: beyond it, a table would ask for
/// gigabytes before its first insert.
pub const MAX_SIZE: usize = 1 << 27;
/// The largest growth factor: beyond it, sizes overflow after a few resizes.
pub const MAX_GROWTH: f64 = 16.0;
/// The smallest `max_load`: one item must fit in at most `MAX_SIZE` buckets,
/// or the first insert would allocate past it (and below about 1e-300,
/// doubling towards the target would never end).
pub const MIN_MAX_LOAD: f64 = 1.0 / MAX_SIZE as f64;

/// Everything that shapes a table, as the user asked for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TableConfig {
    /// Initial bucket count, honoured exactly where the strategy and index allow.
    pub size: usize,
    /// Grow just before an insert of a new key would push `(len + 1) / size` above this.
    pub max_load: f64,
    /// Shrink after a removal leaves `len / size` below this; 0 never shrinks.
    pub min_load: f64,
    /// Factor the bucket count grows by, and shrinks by the inverse of.
    pub growth: f64,
    pub index: BucketIndex,
    pub strategy: StrategyKind,
}

impl Default for TableConfig {
    fn default() -> Self {
        TableConfig {
            size: 4,
            max_load: 0.5,
            min_load: 0.0,
            growth: 2.0,
            index: BucketIndex::default(),
            strategy: StrategyKind::Chaining,
        }
    }
}

/// A parameter outside the range the table can honour.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    Size { value: usize },
    MaxLoad { value: f64, open_addressing: bool },
    MinLoad { value: f64, limit: f64 },
    Growth { value: f64 },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Size { value } => {
                write!(f, "size must be between 1 and {MAX_SIZE}, got {value}")
            }
            ConfigError::MaxLoad {
                value,
                open_addressing: true,
            } => write!(
                f,
                "max_load must be a finite number with {MIN_MAX_LOAD:e} <= max_load < 1 for open addressing, got {value}"
            ),
            ConfigError::MaxLoad {
                value,
                open_addressing: false,
            } => {
                write!(
                    f,
                    "max_load must be a finite number of at least {MIN_MAX_LOAD:e} (one item in at most {MAX_SIZE} buckets), got {value}"
                )
            }
            ConfigError::MinLoad { value, limit } => write!(
                f,
                "min_load must satisfy 0 <= min_load < max_load / growth = {limit}, got {value}"
            ),
            ConfigError::Growth { value } => {
                write!(
                    f,
                    "growth must be a finite number with 1 < growth <= {MAX_GROWTH}, got {value}"
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl TableConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.size == 0 || self.size > MAX_SIZE {
            return Err(ConfigError::Size { value: self.size });
        }
        let open_addressing = self.strategy.is_open_addressing();
        let max_load_ok =
            self.max_load.is_finite() && self.max_load >= MIN_MAX_LOAD && (!open_addressing || self.max_load < 1.0);
        if !max_load_ok {
            return Err(ConfigError::MaxLoad {
                value: self.max_load,
                open_addressing,
            });
        }
        if !(self.growth.is_finite() && self.growth > 1.0 && self.growth <= MAX_GROWTH) {
            return Err(ConfigError::Growth { value: self.growth });
        }
        // Below max_load / growth, a shrink can never land a table straight
        // back above max_load, so one insert/remove pair cannot thrash.
        let limit = self.max_load / self.growth;
        if !(self.min_load >= 0.0 && self.min_load < limit) {
            return Err(ConfigError::MinLoad {
                value: self.min_load,
                limit,
            });
        }
        Ok(())
    }

    /// The bucket count the table starts with.
    pub fn initial_buckets(&self) -> usize {
        self.strategy.usable_size(self.index.usable_size(self.size), self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(TableConfig::default().validate(), Ok(()));
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let base = TableConfig::default();
        let cases = [
            (TableConfig { size: 0, ..base }, "size"),
            (TableConfig { max_load: 0.0, ..base }, "max_load"),
            (
                TableConfig {
                    max_load: f64::NAN,
                    ..base
                },
                "max_load",
            ),
            (
                TableConfig {
                    max_load: f64::INFINITY,
                    ..base
                },
                "max_load",
            ),
            (TableConfig { growth: 1.0, ..base }, "growth"),
            (TableConfig { growth: 17.0, ..base }, "growth"),
            (
                TableConfig {
                    size: MAX_SIZE + 1,
                    ..base
                },
                "size",
            ),
            (
                TableConfig {
                    max_load: 1e-12,
                    ..base
                },
                "max_load",
            ),
            (
                TableConfig {
                    max_load: 1e-300,
                    ..base
                },
                "max_load",
            ),
            (TableConfig { min_load: 0.3, ..base }, "min_load"),
            (TableConfig { min_load: -0.1, ..base }, "min_load"),
        ];
        for (config, name) in cases {
            let message = config.validate().unwrap_err().to_string();
            assert!(message.starts_with(name), "{message}");
        }
    }

    #[test]
    fn open_addressing_needs_max_load_below_one() {
        let config = TableConfig {
            strategy: StrategyKind::RobinHood,
            max_load: 1.0,
            ..Default::default()
        };
        assert!(matches!(
            config.validate(),
            Err(ConfigError::MaxLoad {
                open_addressing: true,
                ..
            })
        ));
        let chaining = TableConfig {
            max_load: 3.0,
            ..Default::default()
        };
        assert_eq!(chaining.validate(), Ok(()));
    }
}
