//! Packed objects read without gix: `.idx` version 2 lookup, the pack
//! entry's header, zlib, and both kinds of delta.
//!
//! Why: after `git gc` (which `git commit` runs by itself once ~6,700 loose
//! objects pile up) the commit, trees and world files a hook reads at
//! `HEAD` are packed, and opening gix only to find them (its configuration,
//! refs and object store set up) was most of the gap between a hook in a
//! small repository and one with 20,000 more committed files. The staged
//! blob stays loose ([`super::loose`]).
//!
//! Anything unusual is gix's (`None`): a multi-pack-index (its packs may
//! lack their own `.idx`), a partial clone's `.promisor` packs (a missing
//! object is gix's to report), a version 1 `.idx`, an `.idx` and pack that
//! do not agree (object count, trailing checksum), an object in no pack
//! here, a delta whose base is not in a pack here, and any entry that does
//! not add up (type, sizes, zlib's own checksum, a delta's copy bounds):
//! gix then reads it or words the error as before. Never a wrong object:
//! each entry's bytes are checked against the CRC-32 the `.idx` holds for
//! it before anything in them is believed (header, size, base offset), the
//! sizes against what the headers claim, and zlib checks each stream's
//! Adler-32. An entry's end is the next entry's start, from the pack's
//! `.rev` file (which git writes beside each pack since 2.41), else from
//! the offsets sorted once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use gix::object::Kind;
use gix::zlib::{Decompress, FlushDecompress, Status};

use super::loose::Loose;

/// Deltas followed from an object to its base: git's pack-objects caps
/// `--depth` at 4095, so a longer chain is not git's (or is a loop of
/// REF_DELTAs).
const MAX_DEPTH: usize = 4096;

/// No object, base or intermediate, is built here larger than this (gix
/// reads it, as before): the reader's memory stays bounded whatever a
/// header claims.
const MAX_OBJECT: u64 = 1 << 30;

/// Bytes produced along one delta chain, all steps together: a chain of
/// deltas that each copy their whole base could otherwise cost depth x
/// size of copying.
const CHAIN_BUDGET: u64 = 2 << 30;

/// Deflate never makes more than ~1032 bytes of one byte of input: a size
/// header claiming more than that of the bytes left lies, and nothing is
/// allocated for it.
const MAX_RATIO: u64 = 1032;

const SHA1_LEN: usize = 20;
const FANOUT_AT: usize = 8;
const NAMES_AT: usize = FANOUT_AT + 256 * 4;

/// One pack and its `.idx`, both mapped.
struct Pack {
    idx: memmap2::Mmap,
    data: memmap2::Mmap,
    count: usize,
    /// The `.idx` positions in pack order: the `.rev` file's table (from
    /// byte 12), or sorted here when first needed.
    rev: Option<memmap2::Mmap>,
    sorted: OnceLock<Option<Vec<u32>>>,
}

/// The packs of one object folder, as found when first asked.
pub(super) struct Packs {
    packs: Vec<Pack>,
}

/// What one pack entry is.
enum Entry {
    Whole(Kind),
    /// OFS_DELTA: the base is in the same pack, at this offset.
    Ofs(usize),
    /// REF_DELTA: the base is named.
    Ref(gix::ObjectId),
}

/// One entry's header: what it is, the size of its inflated data, and
/// where that data's zlib stream starts and the entry ends.
struct Header {
    entry: Entry,
    size: u64,
    data_at: usize,
    end: usize,
}

/// The object `oid` of the object folder `objects` when it is in one of
/// its packs, refused (`data` is `Err(size)`) when larger than `max`;
/// `None` when gix must find it.
pub(super) fn read(objects: &Path, oid: &gix::oid, max: u64) -> Option<Loose> {
    let packs = opened(objects)?;
    let (pack, at) = packs.find(oid)?;
    packs.object(pack, at, max)
}

/// The first `n` bytes of the packed blob `oid`, or `None`. An undeltified
/// blob is inflated only that far; a deltified one is built whole while
/// within `whole_max` (how a file over the size cap is told apart from a
/// job, as gix was asked before).
pub(super) fn head(objects: &Path, oid: &gix::oid, n: u64, whole_max: u64) -> Option<Vec<u8>> {
    let packs = opened(objects)?;
    let (pack, at) = packs.find(oid)?;
    let p = packs.packs.get(pack)?;
    let h = p.header(at)?;
    if let Entry::Whole(kind) = h.entry {
        if kind != Kind::Blob {
            return None;
        }
        let want = usize::try_from(n.min(h.size)).ok()?;
        return inflate_prefix(p.stream(&h)?, want);
    }
    let got = packs.object(pack, at, whole_max)?;
    let mut data = got.data.ok().filter(|_| got.kind == Kind::Blob)?;
    data.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    Some(data)
}

/// The packs of `objects`, opened once per process (`None`: gix's).
fn opened(objects: &Path) -> Option<Arc<Packs>> {
    type Opened = HashMap<PathBuf, Option<Arc<Packs>>>;
    static OPENED: OnceLock<Mutex<Opened>> = OnceLock::new();
    let mut map = OPENED.get_or_init(Default::default).lock().ok()?;
    map.entry(objects.to_path_buf())
        .or_insert_with(|| Packs::open(objects).map(Arc::new))
        .clone()
}

impl Packs {
    /// Every pack of `objects/pack` with its `.idx`, or `None` when the
    /// folder holds anything this reader leaves to gix.
    pub(super) fn open(objects: &Path) -> Option<Packs> {
        let dir = objects.join("pack");
        let listing = match std::fs::read_dir(&dir) {
            Ok(l) => l,
            // No pack folder: no packs (a fresh repository).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Some(Packs { packs: Vec::new() })
            }
            Err(_) => return None,
        };
        let mut idx = Vec::new();
        for entry in listing {
            let name = entry.ok()?.file_name();
            let name = name.to_str()?;
            if name == "multi-pack-index" || name.ends_with(".promisor") {
                return None;
            }
            if let Some(stem) = name.strip_suffix(".idx") {
                idx.push(stem.to_string());
            }
        }
        let mut packs = Vec::with_capacity(idx.len());
        for stem in idx {
            let pack = dir.join(format!("{stem}.pack"));
            match std::fs::symlink_metadata(&pack) {
                // Git ignores an `.idx` without its pack (one being written
                // or removed): so does this reader.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(_) => return None,
                Ok(_) => {}
            }
            packs.push(Pack::open(&dir.join(format!("{stem}.idx")), &pack)?);
        }
        Some(Packs { packs })
    }

    /// Which pack holds `oid`, and where.
    fn find(&self, oid: &gix::oid) -> Option<(usize, usize)> {
        let id = oid.as_bytes();
        if id.len() != SHA1_LEN {
            return None;
        }
        self.packs
            .iter()
            .enumerate()
            .find_map(|(i, p)| Some((i, p.offset_of(id)?)))
    }

    /// The object at `at` in pack `pack`, its deltas resolved.
    fn object(&self, pack: usize, at: usize, max: u64) -> Option<Loose> {
        // Walk to the base, keeping each delta met on the way.
        let mut chain: Vec<(usize, Header)> = Vec::new();
        let (mut p, mut at) = (pack, at);
        let (kind, base) = loop {
            let h = self.packs.get(p)?.header(at)?;
            match h.entry {
                Entry::Whole(kind) => break (kind, h),
                Entry::Ofs(base) => {
                    chain.push((p, h));
                    at = base;
                }
                Entry::Ref(ref id) => {
                    let (bp, bat) = self.find(id)?;
                    chain.push((p, h));
                    (p, at) = (bp, bat);
                }
            }
            if chain.len() > MAX_DEPTH {
                return None;
            }
        };
        // The size is the top delta's result, read from its start (the
        // delta is inflated whole, so its checksums have been checked): an
        // object over the cap is refused before anything is built.
        let mut budget = CHAIN_BUDGET;
        let top = match chain.first() {
            None => None,
            Some((dp, d)) => Some(self.packs.get(*dp)?.inflate(d, &mut budget)?),
        };
        let size = match &top {
            None => base.size,
            Some(delta) => varint(varint(delta)?.1)?.0,
        };
        if size > max {
            return Some(Loose {
                kind,
                data: Err(size),
            });
        }
        let mut data = self.packs.get(p)?.inflate(&base, &mut budget)?;
        for (i, (dp, d)) in chain.iter().enumerate().rev() {
            let delta = match (i, &top) {
                (0, Some(top)) => std::borrow::Cow::Borrowed(top),
                _ => std::borrow::Cow::Owned(self.packs.get(*dp)?.inflate(d, &mut budget)?),
            };
            data = apply(&data, &delta, &mut budget)?;
        }
        (data.len() as u64 == size).then_some(Loose {
            kind,
            data: Ok(data),
        })
    }
}

impl Pack {
    fn open(idx_path: &Path, pack_path: &Path) -> Option<Pack> {
        let idx = map(idx_path)?;
        // Version 2: the magic `\377tOc`, then 2. Version 1 has no magic
        // (gix reads it).
        if idx.get(..8)? != b"\xfftOc\0\0\0\x02" {
            return None;
        }
        let mut last = 0;
        for i in 0..256 {
            let n = be32(&idx, FANOUT_AT + 4 * i)?;
            if n < last {
                return None;
            }
            last = n;
        }
        let count = usize::try_from(last).ok()?;
        // Names, CRCs and offsets, then the large offsets (8 bytes each),
        // then the pack's checksum and the index's own.
        let fixed = NAMES_AT + count.checked_mul(SHA1_LEN + 8)?;
        let tail = idx.len().checked_sub(fixed)?.checked_sub(2 * SHA1_LEN)?;
        if tail % 8 != 0 {
            return None;
        }
        let data = map(pack_path)?;
        let head = data.get(..12)?;
        let version = be32(head, 4)?;
        if &head[..4] != b"PACK" || !(version == 2 || version == 3) || be32(head, 8)? != last {
            return None;
        }
        // The `.idx` names the pack it indexes by the pack's checksum.
        if data.len() < 12 + SHA1_LEN {
            return None;
        }
        let pack_sum = data.get(data.len().checked_sub(SHA1_LEN)?..)?;
        let idx_copy = idx.get(idx.len() - 2 * SHA1_LEN..idx.len() - SHA1_LEN)?;
        if pack_sum != idx_copy {
            return None;
        }
        let rev = map(&pack_path.with_extension("rev")).filter(|rev| {
            // `RIDX`, version 1, SHA-1; the positions; the pack's checksum
            // and its own.
            rev.len() == 12 + 4 * count + 2 * SHA1_LEN
                && rev.get(..12) == Some(b"RIDX\0\0\0\x01\0\0\0\x01")
                && rev.get(12 + 4 * count..12 + 4 * count + SHA1_LEN) == Some(pack_sum)
        });
        Some(Pack {
            idx,
            data,
            count,
            rev,
            sorted: OnceLock::new(),
        })
    }

    /// The `.idx` position of the `k`th entry in pack order.
    fn position_in_order(&self, k: usize) -> Option<usize> {
        match &self.rev {
            Some(rev) => be32(rev, 12 + 4 * k).map(|p| p as usize),
            None => {
                let sorted = self.sorted.get_or_init(|| {
                    let mut all = (0..u32::try_from(self.count).ok()?)
                        .map(|i| Some((self.offset_at(i as usize)?, i)))
                        .collect::<Option<Vec<_>>>()?;
                    all.sort_unstable();
                    Some(all.into_iter().map(|(_, i)| i).collect())
                });
                sorted.as_ref()?.get(k).map(|p| *p as usize)
            }
        }
        .filter(|p| *p < self.count)
    }

    /// The entry starting at `at`: its `.idx` position and where it ends
    /// (the next entry's start, or the trailing checksum).
    fn locate(&self, at: usize) -> Option<(usize, usize)> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let pos = self.position_in_order(mid)?;
            match self.offset_at(pos)?.cmp(&at) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let end = match mid + 1 {
                        next if next < self.count => {
                            self.offset_at(self.position_in_order(next)?)?
                        }
                        _ => self.end(),
                    };
                    return (end > at).then_some((pos, end));
                }
            }
        }
        None
    }

    /// Where `id` starts in the pack: fanout, then a binary search of the
    /// sorted names.
    fn offset_of(&self, id: &[u8]) -> Option<usize> {
        let first = usize::from(*id.first()?);
        let lo = match first {
            0 => 0,
            f => be32(&self.idx, FANOUT_AT + 4 * (f - 1))? as usize,
        };
        let hi = be32(&self.idx, FANOUT_AT + 4 * first)? as usize;
        let name = |i: usize| {
            self.idx
                .get(NAMES_AT + i * SHA1_LEN..NAMES_AT + (i + 1) * SHA1_LEN)
        };
        let (mut lo, mut hi) = (lo, hi.min(self.count));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match name(mid)?.cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.offset_at(mid),
            }
        }
        None
    }

    /// The pack offset of the `i`th name: 31 bits, or an index into the
    /// large offsets' table when the top bit is set.
    fn offset_at(&self, i: usize) -> Option<usize> {
        let offsets = NAMES_AT + self.count * (SHA1_LEN + 4);
        let small = be32(&self.idx, offsets + 4 * i)?;
        let at = if small & 0x8000_0000 == 0 {
            u64::from(small)
        } else {
            let large = offsets + 4 * self.count + 8 * (small & 0x7fff_ffff) as usize;
            // The table ends where the two checksums begin.
            if large + 8 > self.idx.len() - 2 * SHA1_LEN {
                return None;
            }
            be64(&self.idx, large)?
        };
        let at = usize::try_from(at).ok()?;
        (at >= 12 && at < self.end()).then_some(at)
    }

    /// Where entries end: the pack's trailing checksum.
    fn end(&self) -> usize {
        self.data.len() - SHA1_LEN
    }

    /// The entry header at `at`: type and size in a variable-length
    /// number, then a delta's base; the whole entry's bytes checked first
    /// against the `.idx`'s CRC-32 of them.
    fn header(&self, at: usize) -> Option<Header> {
        let (pos, end) = self.locate(at)?;
        let bytes = self.data.get(at..end)?;
        let crcs = NAMES_AT + self.count * SHA1_LEN;
        if crc32fast::hash(bytes) != be32(&self.idx, crcs + 4 * pos)? {
            return None;
        }
        let mut i = 0;
        let mut c = *bytes.first()?;
        let code = (c >> 4) & 7;
        let mut size = u64::from(c & 15);
        let mut shift = 4;
        while c & 0x80 != 0 {
            i += 1;
            c = *bytes.get(i)?;
            if shift > 57 {
                return None;
            }
            size |= u64::from(c & 0x7f) << shift;
            shift += 7;
        }
        i += 1;
        let entry = match code {
            1 => Entry::Whole(Kind::Commit),
            2 => Entry::Whole(Kind::Tree),
            3 => Entry::Whole(Kind::Blob),
            4 => Entry::Whole(Kind::Tag),
            6 => {
                // The base's distance back, in git's offset encoding (each
                // further byte adds one before shifting, so no number has
                // two spellings).
                let mut c = *bytes.get(i)?;
                i += 1;
                let mut back = u64::from(c & 0x7f);
                while c & 0x80 != 0 {
                    c = *bytes.get(i)?;
                    i += 1;
                    back = back.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
                }
                let base = (at as u64).checked_sub(back)?;
                if back == 0 || base < 12 {
                    return None;
                }
                Entry::Ofs(usize::try_from(base).ok()?)
            }
            7 => {
                let id: [u8; SHA1_LEN] = bytes.get(i..i + SHA1_LEN)?.try_into().ok()?;
                i += SHA1_LEN;
                Entry::Ref(gix::ObjectId::from(id))
            }
            _ => return None,
        };
        Some(Header {
            entry,
            size,
            data_at: at + i,
            end,
        })
    }

    /// An entry's zlib stream.
    fn stream(&self, h: &Header) -> Option<&[u8]> {
        self.data.get(h.data_at..h.end)
    }

    /// An entry's data inflated whole, its size as its header says.
    fn inflate(&self, h: &Header, budget: &mut u64) -> Option<Vec<u8>> {
        *budget = budget.checked_sub(h.size)?;
        let input = self.stream(h)?;
        if h.size > MAX_OBJECT || h.size > (input.len() as u64).saturating_mul(MAX_RATIO) {
            return None;
        }
        let mut out = vec![0u8; usize::try_from(h.size).ok()?];
        super::loose::with_inflater(|z| {
            z.reset();
            // zlib counts its input in 32 bits.
            let input = &input[..input.len().min(u32::MAX as usize)];
            let status = z
                .decompress(input, &mut out, FlushDecompress::Finish)
                .ok()?;
            // The stream ends with the entry: nothing after it unread.
            let whole = z.total_in() == input.len() as u64 && z.total_out() == h.size;
            (status == Status::StreamEnd && whole).then_some(())
        })??;
        Some(out)
    }
}

/// The first `n` bytes (fewer if the stream ends first) of a zlib stream.
fn inflate_prefix(input: &[u8], n: usize) -> Option<Vec<u8>> {
    let input = &input[..input.len().min(u32::MAX as usize)];
    let mut out = vec![0u8; n];
    let made = super::loose::with_inflater(|z: &mut Decompress| {
        z.reset();
        z.decompress(input, &mut out, FlushDecompress::None).ok()?;
        usize::try_from(z.total_out()).ok()
    })??;
    out.truncate(made);
    Some(out)
}

/// `data` mapped read-only.
fn map(path: &Path) -> Option<memmap2::Mmap> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: private, read-only mapping. Git never rewrites a pack or an
    // `.idx` in place (it writes new ones under temporary names and renames
    // them; `gc` deletes, and a deleted file's mapping keeps its bytes):
    // gix and git map them the same way. A file truncated in place by
    // another program would end the process with SIGBUS, not a wrong
    // answer.
    unsafe { memmap2::Mmap::map(&file) }.ok()
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn be64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

/// A delta's size number: seven bits a byte, least significant first.
fn varint(data: &[u8]) -> Option<(u64, &[u8])> {
    let mut n = 0u64;
    for (i, b) in data.iter().enumerate() {
        if i * 7 > 63 {
            return None;
        }
        n |= u64::from(b & 0x7f) << (i * 7);
        if b & 0x80 == 0 {
            return Some((n, &data[i + 1..]));
        }
    }
    None
}

/// `base` with `delta` applied: the base's size (checked), the result's
/// size, then copies from the base and inserted bytes. Anything that does
/// not add up is `None`.
fn apply(base: &[u8], delta: &[u8], budget: &mut u64) -> Option<Vec<u8>> {
    let (base_len, rest) = varint(delta)?;
    if base_len != base.len() as u64 {
        return None;
    }
    let (out_len, mut rest) = varint(rest)?;
    if out_len > MAX_OBJECT {
        return None;
    }
    *budget = budget.checked_sub(out_len)?;
    let out_len = usize::try_from(out_len).ok()?;
    let mut out = Vec::with_capacity(out_len);
    while let Some((&op, r)) = rest.split_first() {
        rest = r;
        let piece = if op & 0x80 != 0 {
            // A copy: which offset and size bytes follow is in `op`'s bits.
            let mut take = |bit: u8, shift: u32, n: &mut usize| -> Option<()> {
                if op & bit != 0 {
                    let (&b, r) = rest.split_first()?;
                    rest = r;
                    *n |= usize::from(b) << shift;
                }
                Some(())
            };
            let (mut off, mut len) = (0usize, 0usize);
            for (i, bit) in [1u8, 2, 4, 8].into_iter().enumerate() {
                take(bit, 8 * i as u32, &mut off)?;
            }
            for (i, bit) in [0x10u8, 0x20, 0x40].into_iter().enumerate() {
                take(bit, 8 * i as u32, &mut len)?;
            }
            if len == 0 {
                len = 0x10000;
            }
            base.get(off..off.checked_add(len)?)?
        } else if op != 0 {
            let (bytes, r) = rest.split_at_checked(usize::from(op))?;
            rest = r;
            bytes
        } else {
            // Reserved: git refuses it.
            return None;
        };
        if out.len() + piece.len() > out_len {
            return None;
        }
        out.extend_from_slice(piece);
    }
    (out.len() == out_len).then_some(out)
}

#[cfg(test)]
mod tests;
