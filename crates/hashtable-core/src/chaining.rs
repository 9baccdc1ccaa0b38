//! Separate chaining: the original C table's design, without its allocations.
//!
//! ```text
//!   heads: [ 3 | NIL | 0 | NIL ]          one u32 per bucket: first node, or NIL
//!            |          |
//!            v          v
//!   nodes: [ {h,k,v,next:NIL} {h,k,v,next:2} {h,k,v,next:NIL} {h,k,v,next:1} ]
//!             0                1               2                3
//! ```
//!
//! Every node lives in one dense `Vec`, so there is one allocation for all
//! chains, and a chain link is a 4-byte index instead of a pointer. A bucket's
//! chain is followed from `heads[b]` through `next` until `NIL`.
//!
//! * **Probe sequence**: the home bucket `b = index(hash, size)`, then the chain
//!   in insertion order. The stored full hash is compared before the key, so
//!   the caller's equality check runs only on real candidates.
//! * **Insertion** appends at the tail of the chain, as the original did. The
//!   miss that precedes it names the tail node (or the empty bucket), so an
//!   insert walks the chain once.
//! * **Deletion** unlinks the node, then moves the arena's last node into the
//!   hole (`swap_remove`) and repoints the one link that named it. A removal
//!   by key finds the link to cut in its lookup (the node it passed last);
//!   only the moved node's link takes a walk of its chain. No tombstones:
//!   chains never need cleaning.
//! * **Expected probes** with load factor α = n/m and a uniform hash: a
//!   successful search visits 1 + α/2 nodes, an unsuccessful one α nodes.
//!   α may exceed 1: chains simply get longer on average.
//! * **Trade-offs**: tolerant of any load and of bad hashes (it degrades to a
//!   list, never fails), cheap deletes; but every hop is a dependent load into
//!   the arena, so at equal load it touches more cache lines than open
//!   addressing, and the heads array is pure overhead.

use std::collections::BTreeMap;

use crate::alloc::{self, AllocError};
use crate::entry::{Entry, SlotId};
use crate::index::{multiply_home, BucketIndex};
use crate::probe::{IterCursor, ProbeCursor};
use crate::strategy::{
    two_way, BucketView, CollisionStrategy, ExpectedProbes, Introspect, Settled, StrategyKind, Structure, Vacancy,
    Verdict,
};
use crate::trace::{Event, Observer, Quiet, Recorder, Saw, Traced};

const NIL: u32 = u32::MAX;

struct Node<K, V> {
    entry: Entry<K, V>,
    next: u32,
}

pub struct Chaining<K, V, O = Quiet> {
    heads: Vec<u32>,
    nodes: Vec<Node<K, V>>,
    index: BucketIndex,
    /// [`BucketIndex::multiplier`] at the current bucket count: the home
    /// bucket without a match on `index` (`None` for `mod`, which divides).
    multiplier: Option<u64>,
    /// Where the storage reports what it does: [`Quiet`] (nothing) unless traced.
    observer: O,
}

/// [`BucketIndex::multiplier`], where it gives `index.bucket` (chaining
/// takes any bucket count, and `mask` multiplies only on a power of two).
fn home_multiplier(index: BucketIndex, buckets: usize) -> Option<u64> {
    match index {
        BucketIndex::Mask if !buckets.is_power_of_two() => None,
        _ => index.multiplier(buckets),
    }
}

/// A [`Vacancy`] naming an empty bucket (this bit and the bucket) rather
/// than the tail node a new node is linked after.
const HEAD: usize = 1 << (usize::BITS - 1);

impl<K, V, O: Observer> Chaining<K, V, O> {
    /// Empty storage; panics if the heads cannot be allocated (see `try_new`).
    pub fn new(buckets: usize, index: BucketIndex) -> Self {
        Self::try_new(buckets, index).expect("chaining: allocating the bucket heads")
    }

    pub fn try_new(buckets: usize, index: BucketIndex) -> Result<Self, AllocError> {
        Ok(Chaining {
            heads: alloc::filled(NIL, buckets.max(1))?,
            nodes: Vec::new(),
            index,
            multiplier: home_multiplier(index, buckets.max(1)),
            observer: O::default(),
        })
    }

    /// Chaining can use any bucket count the index allows.
    pub fn usable_size(requested: usize, _index: BucketIndex) -> usize {
        requested.max(1)
    }

    #[inline]
    fn home(&self, hash: u64) -> usize {
        match self.multiplier {
            Some(multiplier) => multiply_home(hash, multiplier, self.heads.len()),
            None => self.index.bucket(hash, self.heads.len()),
        }
    }

    /// The first node of `hash`'s chain, or NIL.
    #[inline]
    fn head(&self, hash: u64) -> u32 {
        self.head_at(self.home(hash))
    }

    /// The first node of the chain in bucket `home` (a `home` of some hash), or NIL.
    #[inline]
    fn head_at(&self, home: usize) -> u32 {
        debug_assert!(home < self.heads.len());
        // SAFETY: `home` is a bucket of this table: every index maps a hash
        // below the bucket count it is given, `heads.len()`.
        unsafe { *self.heads.get_unchecked(home) }
    }

    fn chain_len(&self, bucket: usize) -> usize {
        let mut len = 0;
        let mut at = self.heads[bucket];
        while at != NIL {
            len += 1;
            at = self.nodes[at as usize].next;
        }
        len
    }

    /// The link (a head or some node's `next`) that currently holds `target`.
    fn link_to(&mut self, target: u32) -> &mut u32 {
        let bucket = self.home(self.nodes[target as usize].entry.hash);
        if self.heads[bucket] == target {
            return &mut self.heads[bucket];
        }
        let mut at = self.heads[bucket];
        while self.nodes[at as usize].next != target {
            at = self.nodes[at as usize].next;
            debug_assert!(at != NIL, "node {target} is not in its home chain");
        }
        &mut self.nodes[at as usize].next
    }

    /// `find_settled`'s loop: the outcome, the node before the last one
    /// visited (NIL if that was the head): a found node's predecessor, and
    /// the home bucket, computed once.
    #[inline(always)]
    fn settle_chain<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        mut settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> (Result<Settled<'_, K, V>, E>, u32, usize) {
        let home = self.home(hash);
        let mut at = self.head_at(home);
        // The last node passed: a new node is linked after it, and a found
        // node is unlinked from it.
        let mut before = NIL;
        let mut visits = 0;
        let found = loop {
            if at == NIL {
                // An insert appends at the chain's tail, the node before.
                // The home is computed again: kept in a register through
                // the loop, it cost each insert 9 instructions (callgrind).
                let vacancy = if before == NIL {
                    HEAD | self.home(hash)
                } else {
                    before as usize
                };
                break Ok(Settled::Absent(Vacancy(vacancy)));
            }
            debug_assert!((at as usize) < self.nodes.len());
            // SAFETY: every link (a head or a node's `next`) that is not NIL
            // names a live node: `unlinked` renumbers the links to the node
            // it moves. Unchecked: the bounds check was 2 instructions a
            // visit (callgrind, an int key's `t[k]`).
            let node = unsafe { self.nodes.get_unchecked(at as usize) };
            visits += 1;
            if node.entry.hash == hash {
                // Spelled out, not `settle_candidate`: through it this loop
                // cost `t[k] = v` 7 instructions and each bulk-loaded pair 11 (callgrind).
                let verdict = settle(&node.entry.key);
                let saw = if matches!(verdict, Ok(Verdict::Equal)) {
                    Saw::KeyEqual
                } else {
                    Saw::KeyDiffers
                };
                self.observer.node(at as usize, visits as usize - 1, saw);
                match verdict {
                    Ok(Verdict::Equal) => {
                        // Counted here, not after the loop: with one tail
                        // for every way out, the caller's match on the
                        // outcome went through a jump table (callgrind).
                        *visited += visits;
                        return (Ok(Settled::Found(SlotId(at as usize), &node.entry)), before, home);
                    }
                    Ok(Verdict::Unequal) => {}
                    Ok(Verdict::Undecided) => break Ok(Settled::Undecided),
                    Err(err) => break Err(err),
                }
            } else {
                self.observer.node(at as usize, visits as usize - 1, Saw::HashMismatch);
            }
            before = at;
            at = node.next;
        };
        *visited += visits;
        (found, before, home)
    }

    /// Take out node `target`, already unlinked from its chain: the arena's
    /// last node moves into its place (`swap_remove`), and the one link
    /// that named the last node is repointed.
    #[inline]
    fn unlinked(&mut self, target: usize) -> Entry<K, V> {
        self.observer.unlink(target);
        let last = (self.nodes.len() - 1) as u32;
        if target as u32 != last {
            *self.link_to(last) = target as u32;
        }
        self.nodes.swap_remove(target).entry
    }

    /// Link every node into `heads`, appending to `tails` (one per bucket, all
    /// NIL) so chain order follows arena order.
    fn relink_all(&mut self, mut tails: Vec<u32>) {
        for i in 0..self.nodes.len() {
            let bucket = self.home(self.nodes[i].entry.hash);
            self.observer.relink(bucket, i);
            self.nodes[i].next = NIL;
            match tails[bucket] {
                NIL => self.heads[bucket] = i as u32,
                tail => self.nodes[tail as usize].next = i as u32,
            }
            tails[bucket] = i as u32;
        }
    }
}

impl<K, V, O> CollisionStrategy<K, V> for Chaining<K, V, O>
where
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn kind(&self) -> StrategyKind {
        StrategyKind::Chaining
    }

    fn bucket_count(&self) -> usize {
        self.heads.len()
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    #[inline]
    fn probe_next(&self, hash: u64, cursor: &mut ProbeCursor) -> Option<SlotId> {
        let mut at = if cursor.started {
            cursor.position as u32
        } else {
            self.head(hash)
        };
        cursor.started = true;
        while at != NIL {
            let node = &self.nodes[at as usize];
            cursor.visited += 1;
            if node.entry.hash == hash {
                cursor.position = node.next as usize;
                return Some(SlotId(at as usize));
            }
            at = node.next;
        }
        cursor.position = NIL as usize;
        None
    }

    /// The chain walked once, its position in a register. Always inlined:
    /// as a call (the binding's `t[k]` made one) it cost a prologue and an
    /// epilogue, 18 instructions of a 317-instruction lookup (callgrind).
    #[inline(always)]
    fn find_settled<E>(
        &self,
        hash: u64,
        visited: &mut u64,
        settle: impl FnMut(&K) -> Result<Verdict, E>,
    ) -> Result<Settled<'_, K, V>, E> {
        self.settle_chain(hash, visited, settle).0
    }

    /// The lookup's walk, which knows the node before the one it finds:
    /// that node's `next` (or the head) is the link to cut, with no second
    /// walk (as `remove` of a bare node must).
    #[inline(always)]
    fn remove_entry<E>(
        &mut self,
        hash: u64,
        visited: &mut u64,
        eq: impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<Entry<K, V>>, E> {
        let (found, before, home) = self.settle_chain(hash, visited, two_way(eq));
        let target = match found? {
            Settled::Found(slot, _) => slot.0,
            Settled::Absent(_) | Settled::Undecided => return Ok(None),
        };
        let after = self.nodes[target].next;
        match before {
            NIL => self.heads[home] = after,
            before => self.nodes[before as usize].next = after,
        }
        Ok(Some(self.unlinked(target)))
    }

    fn entry(&self, slot: SlotId) -> &Entry<K, V> {
        &self.nodes[slot.0].entry
    }

    fn entry_mut(&mut self, slot: SlotId) -> &mut Entry<K, V> {
        &mut self.nodes[slot.0].entry
    }

    #[inline(always)]
    fn reserve_one(&mut self) -> Result<(), AllocError> {
        if self.nodes.len() >= NIL as usize {
            // Links are u32 and NIL is taken: no room for another node index.
            return Err(AllocError::of::<Node<K, V>>(self.nodes.len() + 1));
        }
        alloc::reserve_one(&mut self.nodes)
    }

    /// Link the new node where the miss ended: after the tail it passed,
    /// or as the head of its empty bucket. No second walk of the chain.
    #[inline]
    fn insert_at(&mut self, vacancy: Vacancy, entry: Entry<K, V>) -> SlotId {
        let new = self.nodes.len() as u32;
        let link = match vacancy {
            Vacancy::UNKNOWN => None,
            Vacancy(at) if at & HEAD != 0 => self.heads.get_mut(at & !HEAD).filter(|head| **head == NIL),
            Vacancy(at) => self
                .nodes
                .get_mut(at)
                .map(|node| &mut node.next)
                .filter(|next| **next == NIL),
        };
        let Some(link) = link else {
            // Unknown, or stale: walk as `insert_new` does.
            return self.insert_new(entry);
        };
        *link = new;
        self.observer.append(new as usize);
        // `reserve_one` keeps the arena below NIL nodes and made room.
        self.nodes.push(Node { entry, next: NIL });
        SlotId(new as usize)
    }

    fn insert_new(&mut self, entry: Entry<K, V>) -> SlotId {
        // `reserve_one` keeps the arena below NIL nodes.
        let new = self.nodes.len() as u32;
        let bucket = self.home(entry.hash);
        self.observer.append(new as usize);
        self.nodes.push(Node { entry, next: NIL });
        if self.heads[bucket] == NIL {
            self.heads[bucket] = new;
        } else {
            let mut at = self.heads[bucket];
            while self.nodes[at as usize].next != NIL {
                at = self.nodes[at as usize].next;
            }
            self.nodes[at as usize].next = new;
        }
        SlotId(new as usize)
    }

    fn remove(&mut self, slot: SlotId) -> Entry<K, V> {
        let after = self.nodes[slot.0].next;
        *self.link_to(slot.0 as u32) = after;
        self.unlinked(slot.0)
    }

    fn rebuild(&mut self, buckets: usize) -> Result<(), AllocError> {
        let heads = alloc::filled(NIL, buckets.max(1))?;
        let tails = alloc::filled(NIL, buckets.max(1))?;
        let old = self.heads.len();
        self.heads = heads;
        self.multiplier = home_multiplier(self.index, self.heads.len());
        self.observer.resize(old, self.heads.len());
        self.relink_all(tails);
        self.observer.resize_end();
        Ok(())
    }

    fn take_all(&mut self, buckets: usize) -> Result<Self, AllocError> {
        let fresh = Self::try_new(buckets, self.index)?;
        Ok(std::mem::replace(self, fresh))
    }

    fn copy_with(&self, mut copy: impl FnMut(&Entry<K, V>) -> (K, V)) -> Result<Self, AllocError> {
        let heads = alloc::copied(&self.heads)?.into_vec();
        let nodes = alloc::mapped(&self.nodes, |node| {
            let (key, value) = copy(&node.entry);
            Node {
                entry: Entry::new(node.entry.hash, key, value),
                next: node.next,
            }
        })?;
        Ok(Chaining {
            heads,
            nodes,
            index: self.index,
            multiplier: self.multiplier,
            observer: O::default(),
        })
    }

    fn index(&self) -> BucketIndex {
        self.index
    }

    fn iter_next(&self, cursor: &mut IterCursor) -> Option<SlotId> {
        while cursor.position < self.heads.len() {
            // `inner` is 0 at the start of a bucket, else the next node + 1.
            let at = if cursor.inner == 0 {
                self.heads[cursor.position]
            } else {
                (cursor.inner - 1) as u32
            };
            if at == NIL {
                cursor.position += 1;
                cursor.inner = 0;
                continue;
            }
            match self.nodes[at as usize].next {
                NIL => {
                    cursor.position += 1;
                    cursor.inner = 0;
                }
                next => cursor.inner = next as usize + 1,
            }
            return Some(SlotId(at as usize));
        }
        None
    }

    /// The newest node in the arena: found in O(1).
    fn last_slot(&mut self) -> Option<SlotId> {
        self.nodes.len().checked_sub(1).map(SlotId)
    }
}

impl<K, V> Traced for Chaining<K, V, Recorder> {
    fn take_events(&self) -> Vec<Event> {
        self.observer.take()
    }
}

impl<K, V, O> Introspect<K, V> for Chaining<K, V, O>
where
    O: Observer,
    K: Send + Sync,
    V: Send + Sync,
{
    fn home_bucket(&self, hash: u64) -> usize {
        self.home(hash)
    }

    fn bucket_view(&self, bucket: usize) -> BucketView {
        BucketView::Chain {
            items: self.chain_len(bucket),
        }
    }

    fn structure(&self) -> Structure {
        let mut structure = Structure::default();
        let mut histogram = BTreeMap::new();
        for bucket in 0..self.heads.len() {
            let len = self.chain_len(bucket);
            *histogram.entry(len).or_insert(0) += 1;
            structure.longest = structure.longest.max(len);
            structure.successful_probe_total += (len * (len + 1) / 2) as u64;
            if len == 0 {
                structure.empty_buckets += 1;
            }
        }
        structure.histogram = histogram;
        structure
    }

    fn expected_probes(&self, load_factor: f64) -> ExpectedProbes {
        ExpectedProbes {
            hit: 1.0 + load_factor / 2.0,
            miss: load_factor,
        }
    }

    /// The bucket heads and the node arena, as allocated (capacity, not length).
    fn heap_bytes(&self) -> usize {
        self.heads.capacity() * std::mem::size_of::<u32>() + self.nodes.capacity() * std::mem::size_of::<Node<K, V>>()
    }
}
