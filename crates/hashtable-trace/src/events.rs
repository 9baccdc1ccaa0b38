//! The core's trace events (`hashtable_core::Event`, which name slots and
//! nodes) turned into the lab's events, which also name the key each one
//! carries: a shadow of the storage, replayed from the events as they come,
//! says which key sits where. The shadow follows the page's replay rules
//! (`python/hashtable/lab/explorer/replay.py`).

use hashtable_core::{Event, StrategyKind};

/// What a slot of the shadow holds (for compact's index slots, `Item` is an
/// entry position).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Tombstone,
    Item(u64),
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Layout {
    /// One cell per slot: linear, quadratic, robin_hood, swiss.
    Cells,
    /// One chain per bucket, over the node arena: chaining.
    Chains,
    /// Index slots over dense entries: compact.
    Compact,
}

impl Layout {
    pub(crate) fn of(kind: StrategyKind) -> Layout {
        match kind {
            StrategyKind::Chaining => Layout::Chains,
            StrategyKind::Compact => Layout::Compact,
            _ => Layout::Cells,
        }
    }
}

/// An item's new place after a rebuild; `pos` is its chain place (chaining)
/// or its entry position (compact).
pub(crate) struct Rehomed {
    pub(crate) id: u64,
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) pos: usize,
}

/// One lab event. `pos` is a chain place; `entry` a dense entry position.
pub(crate) enum Out {
    Visit {
        at: usize,
        saw: &'static str,
        pos: Option<usize>,
    },
    Group {
        at: usize,
        ctrl: Vec<u8>,
        tag: u8,
        matches: Vec<usize>,
    },
    Place {
        at: usize,
        id: u64,
        reused: bool,
        pos: Option<usize>,
        entry: Option<usize>,
    },
    Update {
        at: usize,
        id: u64,
    },
    Move {
        id: u64,
        from: usize,
        to: usize,
    },
    Remove {
        at: usize,
        id: u64,
        tombstone: bool,
        pos: Option<usize>,
        entry: Option<(usize, usize)>,
    },
    Link {
        bucket: usize,
        from: Option<u64>,
        to: u64,
    },
    Resize {
        old: usize,
        new: usize,
        items: Vec<Rehomed>,
    },
}

/// The storage as the events so far describe it.
#[derive(Clone)]
pub(crate) struct Shadow {
    pub(crate) layout: Layout,
    pub(crate) cells: Vec<Cell>,
    pub(crate) chains: Vec<Vec<u64>>,
    arena: Vec<u64>,
    pub(crate) entries: Vec<Option<u64>>,
}

impl Shadow {
    pub(crate) fn new(layout: Layout, size: usize) -> Shadow {
        let chained = layout == Layout::Chains;
        Shadow {
            layout,
            cells: if chained { Vec::new() } else { vec![Cell::Empty; size] },
            chains: if chained { vec![Vec::new(); size] } else { Vec::new() },
            arena: Vec::new(),
            entries: Vec::new(),
        }
    }

    pub(crate) fn size(&self) -> usize {
        if self.layout == Layout::Chains {
            self.chains.len()
        } else {
            self.cells.len()
        }
    }

    /// The key in slot `at` (through its entry, for compact).
    fn key_at(&self, at: usize) -> Option<u64> {
        match self.cells.get(at)? {
            Cell::Item(item) if self.layout == Layout::Compact => self.entries.get(*item as usize).copied().flatten(),
            Cell::Item(id) => Some(*id),
            _ => None,
        }
    }

    /// The slot (bucket, for chaining) holding key `id`.
    pub(crate) fn slot_of(&self, id: u64) -> Option<usize> {
        if self.layout == Layout::Chains {
            return self.chains.iter().position(|chain| chain.contains(&id));
        }
        (0..self.cells.len()).find(|&at| self.key_at(at) == Some(id))
    }
}

/// A rebuild under way: the storage before it, and the items its places
/// store, in the order it reads them (slots in order; compact: entries in order).
struct Rebuild {
    before: Shadow,
    order: std::vec::IntoIter<u64>,
}

/// The lab's events for one operation on key `id` whose outcome was `result`;
/// `home` is the key's home bucket once the operation is done (where chaining
/// appends it).
pub(crate) fn convert(events: Vec<Event>, id: u64, result: &str, home: usize, shadow: &mut Shadow) -> Vec<Out> {
    let mut out = Vec::with_capacity(events.len() + 1);
    let mut rebuild: Option<Rebuild> = None;
    for event in events {
        match event {
            Event::Visit { at, saw } => out.push(Out::Visit {
                at,
                saw: saw.name(),
                pos: None,
            }),
            Event::Node { node, pos, saw } => {
                let bucket = shadow.arena.get(node).and_then(|&key| shadow.slot_of(key));
                let at = bucket.unwrap_or(usize::MAX);
                out.push(Out::Visit {
                    at,
                    saw: saw.name(),
                    pos: Some(pos),
                });
            }
            Event::Group { at, ctrl, tag, matches } => out.push(Out::Group { at, ctrl, tag, matches }),
            Event::Place { at, reused } => {
                let placed = rebuild.as_mut().map_or(id, |r| r.order.next().unwrap_or(u64::MAX));
                let mut entry = None;
                if shadow.layout == Layout::Compact {
                    entry = Some(shadow.entries.len());
                    shadow.entries.push(Some(placed));
                    shadow.cells[at] = Cell::Item(shadow.entries.len() as u64 - 1);
                } else {
                    shadow.cells[at] = Cell::Item(placed);
                }
                if rebuild.is_none() {
                    out.push(Out::Place {
                        at,
                        id: placed,
                        reused,
                        pos: None,
                        entry,
                    });
                }
            }
            Event::Relink { bucket, node } => {
                let placed = shadow.arena[node];
                shadow.chains[bucket].push(placed);
            }
            Event::Append { node } => {
                debug_assert_eq!(node, shadow.arena.len());
                shadow.arena.push(id);
                let chain = &mut shadow.chains[home];
                let from = chain.last().copied();
                chain.push(id);
                let pos = Some(chain.len() - 1);
                out.push(Out::Place {
                    at: home,
                    id,
                    reused: false,
                    pos,
                    entry: None,
                });
                out.push(Out::Link {
                    bucket: home,
                    from,
                    to: id,
                });
            }
            Event::Unlink { node } => {
                let removed = shadow.arena.swap_remove(node);
                let bucket = shadow.slot_of(removed).unwrap_or(0);
                let chain = &mut shadow.chains[bucket];
                let pos = chain.iter().position(|&key| key == removed).unwrap_or(0);
                chain.remove(pos);
                out.push(Out::Remove {
                    at: bucket,
                    id: removed,
                    tombstone: false,
                    pos: Some(pos),
                    entry: None,
                });
                if let Some(&next) = chain.get(pos) {
                    let from = pos.checked_sub(1).map(|before| chain[before]);
                    out.push(Out::Link { bucket, from, to: next });
                }
            }
            Event::Move { from, to } => {
                let moved = shadow.key_at(from).unwrap_or(u64::MAX);
                if shadow.cells[from] == Cell::Item(moved) {
                    shadow.cells[from] = Cell::Empty;
                }
                shadow.cells[to] = Cell::Item(moved);
                if rebuild.is_none() {
                    out.push(Out::Move { id: moved, from, to });
                }
            }
            Event::Remove { at, tombstone } => {
                let removed = shadow.key_at(at).unwrap_or(u64::MAX);
                let mut entry = None;
                if let (Layout::Compact, Cell::Item(position)) = (shadow.layout, shadow.cells[at]) {
                    shadow.entries[position as usize] = None;
                    while let Some(None) = shadow.entries.last() {
                        shadow.entries.pop();
                    }
                    entry = Some((position as usize, shadow.entries.len()));
                }
                shadow.cells[at] = if tombstone { Cell::Tombstone } else { Cell::Empty };
                out.push(Out::Remove {
                    at,
                    id: removed,
                    tombstone,
                    pos: None,
                    entry,
                });
            }
            Event::Resize { new, .. } => {
                let before = shadow.clone();
                let order: Vec<u64> = match shadow.layout {
                    Layout::Compact => shadow.entries.iter().flatten().copied().collect(),
                    _ => (0..shadow.cells.len()).filter_map(|at| shadow.key_at(at)).collect(),
                };
                *shadow = Shadow {
                    arena: before.arena.clone(),
                    ..Shadow::new(shadow.layout, new)
                };
                rebuild = Some(Rebuild {
                    before,
                    order: order.into_iter(),
                });
            }
            Event::ResizeEnd => {
                if let Some(r) = rebuild.take() {
                    let items = rehomed(&r.before, shadow);
                    out.push(Out::Resize {
                        old: r.before.size(),
                        new: shadow.size(),
                        items,
                    });
                }
            }
        }
    }
    if result == "updated" {
        if let Some(at) = shadow.slot_of(id) {
            out.push(Out::Update { at, id });
        }
    }
    out
}

/// Every item's place after a rebuild, and the slot or bucket it came from.
fn rehomed(before: &Shadow, after: &Shadow) -> Vec<Rehomed> {
    let from = |id: u64| before.slot_of(id).unwrap_or(usize::MAX);
    if after.layout == Layout::Chains {
        let mut items = Vec::new();
        for (to, chain) in after.chains.iter().enumerate() {
            for (pos, &id) in chain.iter().enumerate() {
                items.push(Rehomed {
                    id,
                    from: from(id),
                    to,
                    pos,
                });
            }
        }
        return items;
    }
    (0..after.cells.len())
        .filter_map(|to| {
            let id = after.key_at(to)?;
            let pos = match after.cells[to] {
                Cell::Item(entry) if after.layout == Layout::Compact => entry as usize,
                _ => 0,
            };
            Some(Rehomed {
                id,
                from: from(id),
                to,
                pos,
            })
        })
        .collect()
}
