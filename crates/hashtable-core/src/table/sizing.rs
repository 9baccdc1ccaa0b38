//! The size policy every strategy shares: when a table grows, cleans its
//! tombstones at the same size, or shrinks, and to what size. Kept apart from
//! the entry points: it runs once per resize, never per probe, and an insert
//! that fits pays only [`Table::make_room_for_one`]'s integer compare.

use super::{Counting, Resize, Table};
use crate::alloc::AllocError;
use crate::entry::Entry;
use crate::strategy::CollisionStrategy;

/// No table grows past this many buckets: beyond it, sizes stop being
/// addressable long before memory runs out, and a loop doubling towards an
/// absurd `max_load` target must stop with an error, not spin.
pub const MAX_BUCKETS: usize = 1 << 48;

/// Growth steps a resize walks before it jumps to the closed-form size: enough
/// for any growth above 1.0001 to reach [`MAX_BUCKETS`] step by step.
const GROWTH_STEPS_WALKED: usize = 400_000;

impl<K, V, S, C: Counting> Table<K, V, S, C>
where
    S: CollisionStrategy<K, V>,
{
    /// The limits cached for the current size; called wherever the size
    /// may have changed (every rebuild and `take_all` goes through `Table`).
    pub(super) fn size_changed(&mut self) {
        let size = self.size() as f64;
        // `n > max_load * size` for an integer n is `n > floor(max_load * size)`,
        // and `n < min_load * size` is `n < ceil(min_load * size)`.
        self.load_limit = (self.config.max_load * size).floor() as usize;
        self.shrink_below = if self.config.min_load > 0.0 {
            (self.config.min_load * size).ceil() as usize
        } else {
            0
        };
    }

    /// Re-place every entry into `buckets` buckets (rounded as the strategy and
    /// index require), so a copy or an unpickled table keeps its original's
    /// shape. Refused (returns false) if the items would not fit under
    /// `max_load`. Not counted as a resize: the table was not full or sparse.
    pub fn presize(&mut self, buckets: usize) -> Result<bool, AllocError> {
        let target = self.usable(buckets);
        if target == self.size() {
            return Ok(true);
        }
        if self.len() as f64 > self.config.max_load * target as f64 {
            return Ok(false);
        }
        self.strategy.rebuild(target)?;
        self.size_changed();
        self.generation += 1;
        Ok(true)
    }

    /// Grow ahead of `additional` inserts of new keys, as `make_room_for_one`
    /// would one by one, so a bulk load resizes once.
    pub fn reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        let wanted = self.len().saturating_add(additional);
        let size = self.size();
        if wanted as f64 <= self.config.max_load * size as f64 {
            return Ok(());
        }
        let target = self.grown_size(size, wanted)?;
        self.strategy.rebuild(target)?;
        self.size_changed();
        self.counters.resizes += 1;
        // An empty table holds no position an iterator or a suspended lookup
        // could resume from, so growing it changes nothing they must see: a
        // bulk load whose first key fails to hash leaves the table as it
        // was, and an iterator over it runs on, as over a dict.
        if !self.is_empty() {
            self.generation += 1;
        }
        self.note_resize(size);
        Ok(())
    }

    pub(super) fn usable(&self, requested: usize) -> usize {
        let index = self.config.index;
        self.config.strategy.usable_size(index.usable_size(requested), index)
    }

    pub(super) fn note_resize(&mut self, from: usize) {
        let to = self.size();
        if to != from {
            self.pending_resize = Some(Resize { from, to });
        }
    }

    /// The bucket count, grown from `size` by `growth` steps, that holds
    /// `wanted` items under `max_load`; an error past what memory can address.
    ///
    /// The fewest buckets that can hold `wanted` are known in closed form, so a
    /// target past [`MAX_BUCKETS`] is refused before any step is taken. The
    /// steps themselves are walked (each is at least one bucket), but only up
    /// to [`GROWTH_STEPS_WALKED`]: a growth so close to one that the walk would
    /// take longer (`growth = 1 + 1e-12` advances one bucket a step) lands on
    /// that closed-form size instead, so every parameter answers at once.
    fn grown_size(&self, size: usize, wanted: usize) -> Result<usize, AllocError> {
        let max_load = self.config.max_load;
        let too_loaded = |items: usize, buckets: usize| items as f64 > max_load * buckets as f64;
        let fewest = (wanted as f64 / max_load).ceil();
        if fewest.is_nan() || fewest > MAX_BUCKETS as f64 {
            return Err(AllocError::of::<Entry<K, V>>(fewest.min(usize::MAX as f64) as usize));
        }
        let mut target = size;
        for _ in 0..GROWTH_STEPS_WALKED {
            if !too_loaded(wanted, target) {
                return Ok(target);
            }
            target = self.step_up(target);
        }
        // Rounding of `wanted / max_load` can leave it a bucket short.
        let mut fewest = (fewest as usize).max(target);
        while too_loaded(wanted, fewest) {
            fewest += 1;
        }
        Ok(self.usable(fewest))
    }

    /// The next size up from `size`: `size * growth`, rounded to a size the
    /// strategy uses, and at least one bucket more.
    fn step_up(&self, size: usize) -> usize {
        self.usable(((size as f64) * self.config.growth).ceil() as usize)
            .max(size + 1)
    }

    /// Grow, or rebuild away tombstones, if one more item would pass
    /// `max_load`; true if the storage was rebuilt (slots found before are gone).
    ///
    /// Tombstones alone are cleaned at the same size only while the items
    /// fill at most half of what max_load allows; above that the table grows
    /// instead, as hashbrown's `reserve_rehash` and dict's resize to three
    /// times its items do. A same-size clean leaves room for only
    /// `limit - len` more tombstones, so a table churned near its limit
    /// (each `del t[k]; t[k] = v` of compact, which never reuses a DUMMY,
    /// leaves one) rebuilt every few operations: 25 for 1,000 str keys at
    /// the default max_load of 0.5, 2153.2 instructions per delete and
    /// reinsert against dict's 714.4 (`scripts/callgrind_lookup.py --op
    /// delete --strategy compact`). Half the limit left free keeps a
    /// rebuild's cost to about one item moved per operation.
    #[inline]
    pub(super) fn make_room_for_one(&mut self) -> Result<bool, AllocError> {
        let size = self.size();
        let wanted = self.len() + 1;
        if wanted + self.strategy.tombstones() <= self.load_limit {
            return Ok(false);
        }
        let too_loaded = |items: usize, buckets: usize| items as f64 > self.config.max_load * buckets as f64;
        if too_loaded(wanted, size) {
            let target = self.grown_size(size, wanted)?;
            self.strategy.rebuild(target)?;
            self.grew(size);
        } else {
            // Tombstones, not items, are what fills the table: clean them
            // out, one step larger if the items would leave little room.
            let grown = 2 * wanted > self.load_limit && {
                let larger = self.step_up(size);
                larger <= MAX_BUCKETS && self.strategy.rebuild(larger).is_ok()
            };
            if grown {
                self.grew(size);
            } else {
                // Also where memory for the larger size ran out: the clean
                // needs none beyond the current size.
                self.strategy.rebuild(size)?;
                self.counters.rebuilds += 1;
                self.generation += 1;
            }
        }
        self.size_changed();
        Ok(true)
    }

    /// A growth from `old` just made: counted, a new generation, reported.
    fn grew(&mut self, old: usize) {
        self.counters.resizes += 1;
        self.generation += 1;
        self.note_resize(old);
    }

    /// Shrink if the items fell below `min_load`: an integer compare
    /// against the cached [`Table::shrink_below`], which is 0 (never) for
    /// the default `min_load` of 0.
    #[inline(always)]
    pub(super) fn shrink_if_sparse(&mut self) {
        if self.shrink_below != 0 && self.len() < self.shrink_below {
            self.shrink(self.size());
        }
    }

    #[cold]
    #[inline(never)]
    fn shrink(&mut self, size: usize) {
        let mut target = self.usable(((size as f64) / self.config.growth).floor().max(1.0) as usize);
        if target >= size {
            // Sizes rounded up (to a power of two, by `mask` or the strategy)
            // can round size / growth straight back to size when growth < 2:
            // step down to the next usable size instead.
            target = self.usable(size / 2);
        }
        // Leave room for one more item, so the next insert cannot grow straight
        // back (rounding sizes down can defeat min_load's limit on small tables).
        let fits = (self.len() + 1) as f64 <= self.config.max_load * target as f64;
        // A shrink is an optimisation: without memory for it, stay as large.
        if target < size && fits && self.strategy.rebuild(target).is_ok() {
            self.size_changed();
            self.counters.resizes += 1;
            self.note_resize(size);
        }
    }
}
