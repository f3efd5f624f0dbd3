//! The staging area, read light.
//!
//! Over 600 lines because the index format's reader (header, entries of
//! versions 2 to 4, extensions, the mapped large file) is one format whose
//! parts share its cursor; its unit tests make up the rest.
//!
//! Why not gix's index reader alone: it decodes every entry (stat data,
//! flags, a copied path) into a vector before any is looked at, and a hook
//! on one staged file reads the entries below the changed directories only.
//! With 20,000 committed files that decode was 4.2 M instructions, over a
//! quarter of `check --staged`. Here a version 2 or 3 index (what git
//! writes unless told otherwise) is walked once to find where each entry
//! starts, its cache tree is decoded, and entries are read in place when
//! asked for.
//!
//! Everything else goes to gix, whose reading is the reference: index
//! version 4 (prefix-compressed paths), a split index (`link`), a sparse
//! index (`sdir`, or a directory entry), any other extension git itself
//! would have to understand (a lower-case signature), and anything this
//! walk finds malformed (gix then reports it in its own words).

use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use gix::bstr::{BStr, BString, ByteSlice};
use gix::ObjectId;

use super::repo::Kind;

/// One directory of the index's cache tree: the tree the index would write
/// there, if still valid (`None` once something below it was staged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CacheTree {
    pub name: BString,
    pub id: Option<ObjectId>,
    pub children: Vec<CacheTree>,
}

/// One entry, as the readers use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry<'a> {
    pub path: &'a BStr,
    pub id: ObjectId,
    pub kind: Kind,
    /// 0 when merged, 1–3 for the sides of a conflict.
    pub stage: u8,
    /// `git add -N`: a path, not staged content.
    pub intent_to_add: bool,
}

/// The index: read light, or by gix.
pub(super) struct Staged {
    inner: Inner,
    tree: Option<CacheTree>,
    sparse: bool,
}

enum Inner {
    Light(Light),
    Gix(gix::worktree::Index),
}

/// A version 2/3 index held as its bytes and where each entry starts.
struct Light {
    data: Bytes,
    starts: Vec<u32>,
    /// The entries that are symbolic links (mode 0o120000), by number:
    /// noted by the one walk that finds where entries start, so that a
    /// hook asking for the links of 20,000 staged files does not decode
    /// every entry again (2.56 M of the main thread's 8.2 M instructions,
    /// release callgrind, hook round 10).
    links: Vec<u32>,
    hash_len: usize,
}

/// An index file's bytes: mapped when large, read when small.
///
/// Reading 1.76 MB (the index of 20,000 files) copied it into fresh heap
/// pages: ~430 page faults, each zeroing a page the copy then overwrote,
/// which made a hook in such a repository 1.1 ms slower than in a small one
/// (`perf stat`, 21 cold hooks each). Mapped, the file's pages are the page
/// cache's own, mapped 16 at a time by the kernel's fault-around, and only
/// those touched: gix maps the index the same way
/// (`gix_index::File::at`). A small file is read: a mapping costs its own
/// system calls and a fault, for a page or two.
enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// From this size on the index is mapped rather than read (16 pages, the
/// kernel's usual fault-around).
const MAP_FROM: u64 = 64 * 1024;

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Bytes {
        Bytes::Owned(v)
    }
}

impl Bytes {
    fn read(path: &std::path::Path) -> io::Result<Bytes> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len < MAP_FROM {
            let mut data = Vec::with_capacity(len as usize);
            super::read_rest(&file, &mut data)?;
            return Ok(Bytes::Owned(data));
        }
        // SAFETY: the mapping is private and read-only. Git never writes
        // an index in place: it writes `index.lock` and renames it over
        // the index, so the inode mapped here keeps its bytes (gix takes
        // the same risk for the same reason, in `gix_index::File::at`).
        // Another program truncating the file in place while it is mapped
        // would end the process with SIGBUS, not a wrong answer.
        // Populated at once: the walk that follows reads every page, and
        // mapping them in one call spares the ~27 faults (one a 16-page
        // fault-around) of a 20,000-file index on the helper's path.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .populate()
                .map_copy_read_only(&file)?
        };
        Ok(Bytes::Mapped(map))
    }
}

/// What an index file was when read: its size and modification time.
type Stamp = Option<(u64, std::time::SystemTime)>;

/// Indexes read by this process, by file: a hook lists the changes and
/// reads the staged files through separate readers, and each read the
/// whole file again (as gix's shared snapshot, a file changed since is
/// read anew).
fn opened() -> &'static Mutex<Opened> {
    static OPENED: OnceLock<Mutex<Opened>> = OnceLock::new();
    OPENED.get_or_init(Default::default)
}

type Opened = HashMap<PathBuf, (Stamp, Arc<Staged>)>;

impl Staged {
    /// The index of `repo` (`GIT_INDEX_FILE` honoured, as gix resolves
    /// it), read once per process while the file stays as it was.
    pub(super) fn shared(repo: &super::repo::Repo) -> io::Result<Arc<Staged>> {
        let path = repo.index_path().to_path_buf();
        // A run that reads one state of the repository
        // ([`crate::project::hold_one_state`]) reads its index once: the
        // size and time were asked again on each later use (two or three
        // `statx` of a hook).
        if crate::project::one_state() {
            let map = opened()
                .lock()
                .map_err(|_| io::Error::other("git index reader poisoned"))?;
            if let Some((_, staged)) = map.get(&path) {
                return Ok(staged.clone());
            }
        }
        let stamp = std::fs::metadata(&path)
            .and_then(|m| Ok((m.len(), m.modified()?)))
            .ok();
        let mut map = opened()
            .lock()
            .map_err(|_| io::Error::other("git index reader poisoned"))?;
        if let Some((at, staged)) = map.get(&path) {
            if stamp.is_some() && *at == stamp {
                return Ok(staged.clone());
            }
        }
        let staged = Arc::new(Staged::open(repo)?);
        map.insert(path, (stamp, staged.clone()));
        Ok(staged)
    }

    /// The index of `repo`, read now; an empty one when there is no
    /// index file yet.
    pub(super) fn open(repo: &super::repo::Repo) -> io::Result<Staged> {
        let hash_len = repo.object_hash().len_in_bytes();
        match Bytes::read(repo.index_path()) {
            Ok(data) => {
                if let Some(staged) = Light::read(data, hash_len) {
                    return Ok(staged);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(_) => {} // gix reports it in its words
        }
        Staged::by_gix(repo)
    }

    /// The index as gix reads it (the reference, and the fallback).
    fn by_gix(repo: &super::repo::Repo) -> io::Result<Staged> {
        let mut index = repo.gix()?.index_or_empty().map_err(super::repo::other)?;
        let tree = index.tree().map(from_gix_tree);
        let sparse = index.is_sparse();
        if sparse {
            // Its folder entries hide the files below them (R14-11).
            let mut file = gix::index::File::clone(&index);
            super::sparse::expand(repo, &mut file)?;
            index = gix::worktree::Index::new(gix::fs::FileSnapshot::new(file));
        }
        Ok(Staged {
            inner: Inner::Gix(index),
            tree,
            sparse,
        })
    }

    /// A sparse index holds directories, not files.
    pub(super) fn is_sparse(&self) -> bool {
        self.sparse
    }

    pub(super) fn cache_tree(&self) -> Option<&CacheTree> {
        self.tree.as_ref()
    }

    pub(super) fn len(&self) -> usize {
        match &self.inner {
            Inner::Light(l) => l.starts.len(),
            Inner::Gix(g) => g.entries().len(),
        }
    }

    /// Entry `i` (in git's order: by path, then stage).
    pub(super) fn entry(&self, i: usize) -> Entry<'_> {
        match &self.inner {
            Inner::Light(l) => l.entry(i),
            Inner::Gix(g) => {
                let e = &g.entries()[i];
                Entry {
                    path: e.path(g),
                    id: e.id,
                    kind: Kind::of_index(e.mode),
                    stage: e.stage_raw() as u8,
                    intent_to_add: e.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD),
                }
            }
        }
    }

    pub(super) fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        (0..self.len()).map(|i| self.entry(i))
    }

    /// The entries that are symbolic links (any stage), in index order:
    /// the ones [`Self::entries`] gives with [`Kind::Link`].
    pub(super) fn link_entries(&self) -> Vec<Entry<'_>> {
        match &self.inner {
            Inner::Light(l) => l.links.iter().map(|&i| l.entry(i as usize)).collect(),
            Inner::Gix(_) => self.entries().filter(|e| e.kind == Kind::Link).collect(),
        }
    }

    /// The first entry whose path is not below `pred`'s side: entries
    /// are sorted by path.
    pub(super) fn partition_point(&self, pred: impl Fn(&BStr) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.path(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn path(&self, i: usize) -> &BStr {
        match &self.inner {
            Inner::Light(l) => l.path(i),
            Inner::Gix(g) => g.entries()[i].path(g),
        }
    }

    /// The entries whose path starts with `prefix` (bytes, so `dir/` for
    /// a folder); all of them for an empty prefix.
    pub(super) fn prefixed(&self, prefix: &[u8]) -> Range<usize> {
        let lo = self.partition_point(|p| p.as_bytes() < prefix);
        // From `lo` on, the paths under the prefix come first.
        let (mut i, mut hi) = (lo, self.len());
        while i < hi {
            let mid = i + (hi - i) / 2;
            if self.path(mid).starts_with(prefix) {
                i = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo..i
    }

    /// The merged (stage 0) entry at `path`.
    pub(super) fn by_path(&self, path: &BStr) -> Option<Entry<'_>> {
        let lo = self.partition_point(|p| p < path);
        (lo..self.len())
            .map(|i| self.entry(i))
            .take_while(|e| e.path == path)
            .find(|e| e.stage == 0)
    }
}

fn from_gix_tree(t: &gix::index::extension::Tree) -> CacheTree {
    CacheTree {
        name: BString::from(t.name.as_slice()),
        id: t.num_entries.map(|_| t.id),
        children: t.children.iter().map(from_gix_tree).collect(),
    }
}

/// The entry flags (git's `CE_*` on disk).
const EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
/// The extended flags git writes: intent-to-add and skip-worktree.
const INTENT_TO_ADD: u16 = 0x2000;
const SKIP_WORKTREE: u16 = 0x4000;
/// Deeper cache trees are left to gix (a bound on this reader's recursion).
const MAX_TREE_DEPTH: usize = 512;

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

impl Light {
    /// `None` when gix must read it (see the module's comment).
    fn read(data: impl Into<Bytes>, hash_len: usize) -> Option<Staged> {
        let data = data.into();
        if data.get(..4)? != b"DIRC" {
            return None;
        }
        let version = be32(&data, 4)?;
        if version != 2 && version != 3 {
            return None;
        }
        let count = be32(&data, 8)? as usize;
        // The trailing checksum is never verified (as git reading an index).
        let end = data.len().checked_sub(hash_len)?;
        let fixed = 40 + hash_len + 2;
        if count > end / fixed || end > u32::MAX as usize {
            return None;
        }
        let (starts, links, mut at) = match hash_len {
            20 => entry_starts::<{ 40 + 20 + 2 }>(&data[..end], count, version)?,
            32 => entry_starts::<{ 40 + 32 + 2 }>(&data[..end], count, version)?,
            _ => return None,
        };
        let mut tree = None;
        while at < end {
            let len = be32(&data, at + 4)? as usize;
            let body_end = (at + 8).checked_add(len)?;
            if body_end > end {
                return None;
            }
            let (sig, body) = (&data[at..at + 4], &data[at + 8..body_end]);
            match sig {
                b"TREE" => tree = Some(cache_tree(body, hash_len)?),
                s if s[0].is_ascii_uppercase() => {} // optional: git skips it too
                _ => return None,                    // `link`, `sdir`, or unknown
            }
            at = body_end;
        }
        if at != end {
            return None;
        }
        // Entries are taken to be in git's order (by path, then stage), as
        // gix takes them: git itself refuses an index that is not
        // ("unordered stage entries in index"), so no commit follows one.
        let light = Light {
            data,
            starts,
            links,
            hash_len,
        };
        Some(Staged {
            inner: Inner::Light(light),
            tree,
            sparse: false,
        })
    }

    fn path(&self, i: usize) -> &BStr {
        let at = self.starts[i] as usize;
        let fixed = 40 + self.hash_len + 2;
        let flags = be16(&self.data, at + fixed - 2).unwrap_or(0);
        let path_at = at + fixed + if flags & EXTENDED != 0 { 2 } else { 0 };
        // Every entry was checked to end in a NUL within the data.
        let rest = &self.data[path_at..];
        let len = match flags & NAME_MASK {
            NAME_MASK => rest.find_byte(0).unwrap_or(rest.len()),
            n => usize::from(n),
        };
        rest[..len].as_bstr()
    }

    fn entry(&self, i: usize) -> Entry<'_> {
        let at = self.starts[i] as usize;
        let d = &self.data;
        let mode = be32(d, at + 24).unwrap_or(0);
        let flags = be16(d, at + 40 + self.hash_len).unwrap_or(0);
        let ext = if flags & EXTENDED != 0 {
            be16(d, at + 42 + self.hash_len).unwrap_or(0)
        } else {
            0
        };
        Entry {
            path: self.path(i),
            id: ObjectId::from_bytes_or_panic(&d[at + 40..at + 40 + self.hash_len]),
            kind: Kind::of_index(gix::index::entry::Mode::from_bits_retain(mode)),
            stage: ((flags >> 12) & 3) as u8,
            intent_to_add: ext & INTENT_TO_ADD != 0,
        }
    }
}

/// Where each of the `count` entries of `data` (the index up to its
/// checksum) starts, which of them are symbolic links, and where the
/// entries end; `None` when gix must read
/// the index (see the module's comment). `FIXED` is an entry's fixed part
/// (stat data, mode, object ID, flags), so its fields are read without a
/// bounds check each.
///
/// Every entry is looked at once here, however few are read later: 44
/// instructions an entry in the loop it replaced, 0.9 M of a hook with
/// 20,000 committed files (callgrind); 43 in the loop before this one, which
/// pushed each start (the vector's length and capacity kept on the stack)
/// and checked the offset twice an entry; 36 now (hook round 11d).
fn entry_starts<const FIXED: usize>(
    data: &[u8],
    count: usize,
    version: u32,
) -> Option<(Vec<u32>, Vec<u32>, usize)> {
    // Filled in place rather than pushed: the loop then keeps the slot in a
    // register instead of the vector's length and capacity on the stack.
    let mut starts = vec![0u32; count];
    let mut links = Vec::new();
    let mut at: usize = 12;
    for (i, start) in starts.iter_mut().enumerate() {
        // Offsets below are from the entry's start, so one slice bounds
        // every read of it.
        let entry = data.get(at..)?;
        let head: &[u8; FIXED] = entry.first_chunk()?;
        let flags = u16::from_be_bytes([head[FIXED - 2], head[FIXED - 1]]);
        let mode = u32::from_be_bytes([head[24], head[25], head[26], head[27]]);
        let mut path_at = FIXED;
        if flags & EXTENDED != 0 {
            let ext = be16(entry, path_at)?;
            if version == 2 || ext & !(INTENT_TO_ADD | SKIP_WORKTREE) != 0 {
                return None;
            }
            path_at += 2;
        }
        let name_end = match flags & NAME_MASK {
            NAME_MASK => path_at + entry.get(path_at..)?.find_byte(0)?,
            n => path_at + usize::from(n),
        };
        // Git pads each entry with 1 to 8 NULs to a multiple of 8.
        if *entry.get(name_end)? != 0 {
            return None;
        }
        match mode {
            0o100644 | 0o100755 | 0o160000 => {}
            0o120000 => links.push(i as u32),
            _ => return None, // a sparse directory, or a mode gix judges
        }
        *start = at as u32;
        at += (name_end + 8) & !7;
    }
    (at <= data.len()).then_some((starts, links, at))
}

/// The `TREE` extension, as gix decodes it: children sorted by name, and
/// a duplicate name, a bad count or bytes left over refuse it (`None`).
fn cache_tree(data: &[u8], hash_len: usize) -> Option<CacheTree> {
    let (tree, rest) = one_tree(data, hash_len, 0)?;
    rest.is_empty().then_some(tree)
}

fn one_tree(data: &[u8], hash_len: usize, depth: usize) -> Option<(CacheTree, &[u8])> {
    if depth > MAX_TREE_DEPTH {
        return None;
    }
    let nul = data.find_byte(0)?;
    let (name, data) = (&data[..nul], &data[nul + 1..]);
    let sp = data.find_byte(b' ')?;
    let entries: i64 = std::str::from_utf8(&data[..sp]).ok()?.parse().ok()?;
    let data = &data[sp + 1..];
    let nl = data.find_byte(b'\n')?;
    let subtrees: usize = std::str::from_utf8(&data[..nl]).ok()?.parse().ok()?;
    let mut data = &data[nl + 1..];
    let id = if entries >= 0 {
        let hash = data.get(..hash_len)?;
        data = &data[hash_len..];
        // gix keeps a count it cannot hold as u32 as "invalid".
        u32::try_from(entries)
            .ok()
            .map(|_| ObjectId::from_bytes_or_panic(hash))
    } else {
        None
    };
    if subtrees > data.len() {
        return None;
    }
    let mut children = Vec::with_capacity(subtrees);
    for _ in 0..subtrees {
        let (child, rest) = one_tree(data, hash_len, depth + 1)?;
        children.push(child);
        data = rest;
    }
    // Git writes them sorted (its cache tree looks children up by binary
    // search), so the sort is only for an index written otherwise.
    if !children.is_sorted_by(|a, b| a.name < b.name) {
        children.sort_by(|a, b| a.name.cmp(&b.name));
        if children.windows(2).any(|w| w[0].name == w[1].name) {
            return None;
        }
    }
    Some((
        CacheTree {
            name: BString::from(name),
            id,
            children,
        },
        data,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Mode::DIR`: a sparse index's directory entry.
    const MODE_DIR: u32 = 0o040000;

    /// An index as git lays it out: `entries` are (path, mode, stage,
    /// extended flags); a TREE extension when `tree` is given.
    fn index_bytes(
        version: u32,
        entries: &[(&str, u32, u16, u16)],
        tree: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut d = b"DIRC".to_vec();
        d.extend(version.to_be_bytes());
        d.extend((entries.len() as u32).to_be_bytes());
        for (i, (path, mode, stage, ext)) in entries.iter().enumerate() {
            let start = d.len();
            d.extend([0u8; 24]);
            d.extend(mode.to_be_bytes());
            d.extend([0u8; 12]);
            d.extend([(i as u8).wrapping_add(1); 20]);
            let len = path.len().min(0xfff) as u16;
            let mut flags = len | (stage << 12);
            if *ext != 0 {
                flags |= EXTENDED;
            }
            d.extend(flags.to_be_bytes());
            if *ext != 0 {
                d.extend(ext.to_be_bytes());
            }
            d.extend(path.as_bytes());
            let size = (d.len() - start + 8) & !7;
            d.resize(start + size, 0);
        }
        if let Some(t) = tree {
            d.extend(b"TREE");
            d.extend((t.len() as u32).to_be_bytes());
            d.extend(t);
        }
        d.extend([0u8; 20]);
        d
    }

    #[test]
    fn a_version_2_index_is_read_in_place() {
        let long = "d/".to_string() + &"x".repeat(5000);
        let data = index_bytes(
            2,
            &[
                ("a.txt", 0o100644, 0, 0),
                (&long, 0o100755, 0, 0),
                ("d/y", 0o120000, 0, 0),
                ("m", 0o100644, 1, 0),
                ("m", 0o100644, 2, 0),
                ("sub", 0o160000, 0, 0),
            ],
            Some(b"\x002 1\n\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01d\0-1 0\n"),
        );
        let s = Light::read(data, 20).expect("read light");
        assert_eq!(s.len(), 6);
        assert_eq!(s.entry(1).path, long.as_bytes().as_bstr());
        assert_eq!(s.entry(1).kind, Kind::Executable);
        assert_eq!(s.entry(2).kind, Kind::Link);
        assert_eq!(s.entry(5).kind, Kind::Commit);
        assert_eq!(s.entry(4).stage, 2);
        assert_eq!(s.entry(0).id, ObjectId::from_bytes_or_panic(&[1; 20]));
        assert_eq!(s.by_path(b"m".as_bstr()), None, "no merged entry");
        assert_eq!(
            s.by_path(b"d/y".as_bstr()).map(|e| e.kind),
            Some(Kind::Link)
        );
        // The walk's list of links is the entries' own.
        let links: Vec<Entry<'_>> = s.entries().filter(|e| e.kind == Kind::Link).collect();
        assert_eq!(s.link_entries(), links);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].path, "d/y");
        assert_eq!(s.prefixed(b"d/"), 1..3);
        assert_eq!(s.prefixed(b"e/"), 3..3);
        assert_eq!(s.prefixed(b""), 0..6);
        let t = s.cache_tree().expect("tree");
        assert_eq!(t.id, Some(ObjectId::from_bytes_or_panic(&[1; 20])));
        assert_eq!(t.children[0].name, "d");
        assert_eq!(t.children[0].id, None, "invalidated");
    }

    /// Children git wrote sorted are kept as they are; others are sorted,
    /// and a name twice refuses the tree, as gix does.
    #[test]
    fn cache_tree_children_are_sorted_and_unique() {
        let child = |name: &str| {
            let mut c = name.as_bytes().to_vec();
            c.extend(b"\x001 0\n");
            c.extend([7u8; 20]);
            c
        };
        let tree = |names: &[&str]| {
            let mut t = format!("\0-1 {}\n", names.len()).into_bytes();
            names.iter().for_each(|n| t.extend(child(n)));
            t
        };
        let names = |t: CacheTree| -> Vec<String> {
            t.children.iter().map(|c| c.name.to_string()).collect()
        };
        let sorted = cache_tree(&tree(&["a", "b"]), 20).expect("sorted");
        assert_eq!(names(sorted), ["a", "b"]);
        let unsorted = cache_tree(&tree(&["b", "a"]), 20).expect("unsorted");
        assert_eq!(names(unsorted), ["a", "b"]);
        assert_eq!(cache_tree(&tree(&["a", "a"]), 20), None);
        assert_eq!(cache_tree(&tree(&["b", "a", "b"]), 20), None);
    }

    /// A large index is mapped, a small one read, and both read alike.
    #[test]
    fn a_large_index_is_mapped_and_reads_as_read() {
        let names: Vec<String> = (0..2000)
            .map(|i| format!("docs/d{}/f{i}.txt", i % 7))
            .collect();
        let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
        sorted.sort();
        // Every hundredth a symbolic link.
        let entries: Vec<(&str, u32, u16, u16)> = sorted
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, if i % 100 == 7 { 0o120000 } else { 0o100644 }, 0, 0))
            .collect();
        let data = index_bytes(2, &entries, None);
        assert!(data.len() as u64 >= MAP_FROM, "{} bytes", data.len());
        let dir = std::env::temp_dir().join(format!("np-index-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (big, small) = (dir.join("index"), dir.join("small"));
        std::fs::write(&big, &data).expect("write index");
        std::fs::write(&small, b"DIRC").expect("write small");
        let mapped = Bytes::read(&big).expect("map");
        assert!(matches!(mapped, Bytes::Mapped(_)));
        assert!(matches!(Bytes::read(&small), Ok(Bytes::Owned(v)) if v == b"DIRC"));
        let (m, r) = (
            Light::read(mapped, 20).expect("mapped reads"),
            Light::read(data, 20).expect("read reads"),
        );
        assert_eq!(m.len(), 2000);
        assert!(m.entries().eq(r.entries()));
        let links: Vec<Entry<'_>> = r.entries().filter(|e| e.kind == Kind::Link).collect();
        assert_eq!(links.len(), 20);
        assert_eq!(m.link_entries(), links);
        assert_eq!(m.prefixed(b"docs/d3/"), r.prefixed(b"docs/d3/"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn intent_to_add_is_read_from_version_3() {
        let data = index_bytes(3, &[("n", 0o100644, 0, INTENT_TO_ADD)], None);
        let s = Light::read(data, 20).expect("read light");
        assert!(s.entry(0).intent_to_add);
        assert!(s.cache_tree().is_none());
    }

    #[test]
    fn what_gix_must_judge_is_left_to_it() {
        let plain = [("a", 0o100644, 0, 0)];
        // Version 4, extended flags in version 2, unknown extended flags,
        // a sparse directory entry, an odd mode.
        assert!(Light::read(index_bytes(4, &plain, None), 20).is_none());
        assert!(Light::read(
            index_bytes(2, &[("a", 0o100644, 0, INTENT_TO_ADD)], None),
            20
        )
        .is_none());
        assert!(Light::read(index_bytes(3, &[("a", 0o100644, 0, 0x1000)], None), 20).is_none());
        assert!(Light::read(index_bytes(2, &[("d/", MODE_DIR, 0, 0)], None), 20).is_none());
        assert!(Light::read(index_bytes(2, &[("a", 0o100600, 0, 0)], None), 20).is_none());
        // A required extension (split or sparse index), a damaged TREE.
        let mut split = index_bytes(2, &plain, None);
        let at = split.len() - 20;
        split.splice(at..at, b"link\0\0\0\0".iter().copied());
        assert!(Light::read(split, 20).is_none());
        assert!(Light::read(index_bytes(2, &plain, Some(b"\x001 0")), 20).is_none());
        // Cut short anywhere: never a panic, never a half index.
        let whole = index_bytes(
            3,
            &[("a", 0o100644, 0, INTENT_TO_ADD), ("b", 0o100644, 0, 0)],
            None,
        );
        for n in 0..whole.len() {
            assert!(Light::read(whole[..n].to_vec(), 20).is_none(), "cut at {n}");
        }
        // An optional extension is skipped, as git skips it.
        let mut reuc = index_bytes(2, &plain, None);
        let at = reuc.len() - 20;
        reuc.splice(at..at, b"REUC\0\0\0\x02xy".iter().copied());
        assert_eq!(Light::read(reuc, 20).map(|s| s.len()), Some(1));
    }
}
