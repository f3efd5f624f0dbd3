//! Which arguments and blocks the lowering read from each evaluated block
//! ([`Reads`]), recorded as the typed readers of fields.rs ask for them:
//! what a block wrote and nothing read is the job's unmodelled part
//! (unmodelled.rs).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::tree::Node;

/// Which arguments and blocks the lowering read from each evaluated block,
/// keyed by the block's address in the (still alive) tree. Whatever a block
/// wrote that was never read is kept as the job's unmodelled part
/// (unmodelled.rs), so a change to it can never vanish from a plan.
#[derive(Debug, Clone, Default)]
pub struct Reads(Rc<RefCell<ByAddress>>);

/// Which of each block's arguments and blocks were read (see [`Read`]), by
/// the block's address.
type ByAddress = HashMap<usize, Vec<bool>, BuildHasherDefault<AddressHasher>>;

/// A block's address is chosen by the allocator, never by the input, so
/// it needs no keyed hash: SipHash of the address on each of a load's
/// ~1,700 reads was ~2.5% of a `check --staged`. Multiplying by an odd
/// constant spreads the address over the high bits, and folding them down
/// gives the table its low bits (addresses are 8-aligned, so the low bits
/// of the product alone would always be 0).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 32);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

impl Reads {
    fn key(node: &Node) -> usize {
        std::ptr::from_ref(node) as usize
    }

    /// The arguments and blocks of `node` read, or None when no typed reader
    /// looked at it (an opaque block such as a driver `config`, kept whole).
    pub fn of(&self, node: &Node) -> Option<Read> {
        self.0.borrow().get(&Self::key(node)).cloned().map(Read)
    }
}

/// What the typed readers read of one block: a flag per argument, then per
/// block, in the order written. Reading a name reads every argument and
/// block so named (as a set of the names read did before; a set of
/// `String`s, hashed with SipHash on each of ~1,700 reads, was 4.8% of a
/// `check --staged`).
#[derive(Debug, Clone)]
pub struct Read(Vec<bool>);

impl Read {
    /// Was the `i`th argument of the block read?
    pub fn attr(&self, i: usize) -> bool {
        self.0.get(i).copied().unwrap_or(false)
    }

    /// Was the `i`th block of `node` (the block this was read from) read?
    pub fn block(&self, node: &Node, i: usize) -> bool {
        self.0.get(node.attrs.len() + i).copied().unwrap_or(false)
    }
}

/// What one reader ([`F`]) reads of its block, kept beside it and merged
/// into [`Reads`] when the reader is done (a table look-up per read was
/// the rest of that cost). Two readers of one block add up.
pub(super) struct Marks<'n> {
    node: &'n Node,
    read: Vec<Cell<bool>>,
    reads: Reads,
}

impl<'n> Marks<'n> {
    pub(super) fn new(node: &'n Node, reads: Reads) -> Marks<'n> {
        let read = (0..node.attrs.len() + node.blocks.len())
            .map(|_| Cell::new(false))
            .collect();
        Marks { node, read, reads }
    }

    /// Only names the block wrote are kept: the unmodelled part asks about
    /// nothing else, and the lowering asks for every field of every block,
    /// written or not.
    pub(super) fn mark(&self, name: &str) {
        let (attrs, blocks) = self.read.split_at(self.node.attrs.len());
        for (a, r) in self.node.attrs.iter().zip(attrs) {
            if a.name == name {
                r.set(true);
            }
        }
        for (b, r) in self.node.blocks.iter().zip(blocks) {
            if b.ident == name {
                r.set(true);
            }
        }
    }
}

impl Drop for Marks<'_> {
    fn drop(&mut self) {
        let Ok(mut map) = self.reads.0.try_borrow_mut() else {
            return; // only while unwinding from a panic inside `of`
        };
        let read = map
            .entry(Reads::key(self.node))
            .or_insert_with(|| vec![false; self.read.len()]);
        for (r, m) in read.iter_mut().zip(&self.read) {
            *r |= m.get();
        }
    }
}
