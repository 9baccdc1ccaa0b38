//! The original C table's picture of its buckets, drawn for any strategy.
//!
//! One line per bucket: `[]` and a `*` per chained item; for open addressing,
//! one line per slot: `[]` empty, `[]*` at home, `[]*3` displaced by 3 slots
//! (`[]*9+` for 9 or more), `[]x` a tombstone. Both bindings (Python's
//! `t.picture()`, C's `ht_picture`) draw with this.

use crate::strategy::{BucketView, Introspect};
use crate::table::{Counting, Table};

/// Bytes [`write_picture`] appends at most, so a caller can reserve them
/// fallibly first: `[]`, a newline and at most 3 marks per line, every
/// chained item's `*`, and the closing "... N more buckets not shown" line.
pub fn picture_capacity<K, V, S: Introspect<K, V>, C: Counting>(
    table: &Table<K, V, S, C>,
    limit: Option<usize>,
) -> usize {
    let shown = limit.map_or(table.size(), |limit| limit.min(table.size()));
    shown * 6 + table.len() + 64
}

/// Append the picture of the first `limit` buckets (all when `None`) to `out`.
pub fn write_picture<K, V, S: Introspect<K, V>, C: Counting>(
    table: &Table<K, V, S, C>,
    limit: Option<usize>,
    out: &mut String,
) {
    let size = table.size();
    let shown = limit.map_or(size, |limit| limit.min(size));
    for bucket in 0..shown {
        if bucket > 0 {
            out.push('\n');
        }
        out.push_str("[]");
        match table.bucket_view(bucket) {
            BucketView::Chain { items } => out.extend(std::iter::repeat_n('*', items)),
            BucketView::Empty => {}
            BucketView::Tombstone => out.push('x'),
            BucketView::Filled { displacement: 0 } => out.push('*'),
            BucketView::Filled { displacement } if displacement < 9 => {
                out.push('*');
                out.push(char::from(b'0' + displacement as u8));
            }
            BucketView::Filled { .. } => out.push_str("*9+"),
        }
    }
    if shown < size {
        let hidden = size - shown;
        if shown > 0 {
            out.push('\n');
        }
        let plural = if hidden == 1 { "" } else { "s" };
        out.push_str(&format!("... {hidden} more bucket{plural} not shown"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StrategyKind, TableConfig};

    fn table(strategy: StrategyKind) -> Table<u64, ()> {
        Table::new(TableConfig {
            size: 4,
            strategy,
            index: crate::BucketIndex::Mod,
            ..TableConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn chains_draw_a_star_per_item() {
        let mut t = table(StrategyKind::Chaining);
        t.insert_new(1, 1, ()).unwrap();
        let mut out = String::new();
        write_picture(&t, None, &mut out);
        assert_eq!(out, "[]\n[]*\n[]\n[]");
    }

    #[test]
    fn open_addressing_draws_displacement_and_the_hidden_rest() {
        let mut t = table(StrategyKind::Linear);
        t.insert_new(1, 1, ()).unwrap();
        t.insert_new(1, 2, ()).unwrap();
        let mut out = String::new();
        write_picture(&t, Some(3), &mut out);
        assert_eq!(out, "[]\n[]*\n[]*1\n... 1 more bucket not shown");
        assert!(out.len() <= picture_capacity(&t, Some(3)));
    }
}
