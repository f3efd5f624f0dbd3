//! The files of a revision or of the index, found and read only when asked
//! for. A hook that checks one staged file against the committed world
//! opens the trees on the paths it reads and the blobs it needs, not a
//! listing of the whole repository.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gix::bstr::{BStr, BString, ByteSlice};
use gix::ObjectId;

use super::index::{Entry, Staged};
use super::links::{Followed, Why};
use super::repo::{self, bytes_of, path_of, Kind, TreeEntry};
use crate::vfs::MemVfs;

mod all_paths;
mod blobs;
mod checkout;
mod entries;
mod nested;
pub use blobs::{BlobId, ByText, Listed, NoMemo, TreeFiles, TreeMemo, Unnamed, Unread};
pub use checkout::{is_lfs_pointer, lfs_refusal, LINE_ENDS};

enum Source {
    /// The staged files (stage 0 of the index).
    Index(Arc<Staged>),
    /// A tree; `None` for `HEAD` before the first commit.
    Tree(Option<ObjectId>),
}

struct State {
    repo: super::repo::Repo,
    /// Decoded trees by directory (`""` is the top).
    trees: HashMap<BString, Option<Arc<Vec<TreeEntry>>>>,
    files: MemVfs,
    /// Folders a link walk found to be folders all the way down (no link,
    /// no submodule on their path): a path below one is walked from its
    /// last part only. Each read of a file 1200 folders deep looked for
    /// `.gitattributes` in every folder above it, each walked from the
    /// top: cubic in the depth (R14-12).
    clean: std::collections::HashSet<BString>,
}

/// A revision or the index, read on demand through the one in-process reader.
pub struct LazyGitVfs {
    root: PathBuf,
    /// How messages name these files.
    name: String,
    source: Source,
    state: Mutex<State>,
    /// The submodules read through, by path: a path below one is read from
    /// the submodule's repository at the commit recorded here.
    subs: Mutex<HashMap<PathBuf, Arc<LazyGitVfs>>>,
    /// Refuse a file a checkout writes with other line ends where Nomad
    /// would read them otherwise ([`LazyGitVfs::checked_line_ends`]).
    line_ends: bool,
    /// The revision whose checkout wrote the running versions (the base
    /// of a change, for its new side), opened once when needed.
    base: Option<(String, std::sync::OnceLock<Arc<LazyGitVfs>>)>,
    /// What a checkout reads outside the tree, read once when needed.
    outside: std::sync::OnceLock<Arc<checkout::Outside>>,
}

impl LazyGitVfs {
    fn new(root: &Path, rev: &str, repo: super::repo::Repo, source: Source) -> LazyGitVfs {
        LazyGitVfs {
            root: root.to_path_buf(),
            name: crate::vfs::git_source_name(rev),
            source,
            subs: Mutex::new(HashMap::new()),
            line_ends: false,
            base: None,
            outside: std::sync::OnceLock::new(),
            state: Mutex::new(State {
                repo,
                trees: HashMap::new(),
                clean: Default::default(),
                files: MemVfs::git(rev, root),
            }),
        }
    }

    /// The staged files (stage 0 of the index).
    pub fn index(root: &Path) -> io::Result<LazyGitVfs> {
        let repo = repo::open(root)?;
        let index = Staged::shared(&repo)?;
        Ok(LazyGitVfs::new(root, ":", repo, Source::Index(index)))
    }

    /// The files of revision `rev`; empty for `HEAD` before the first commit.
    pub fn rev(root: &Path, rev: &str) -> io::Result<LazyGitVfs> {
        let repo = repo::open(root)?;
        let tree = repo::tree_of(&repo, rev)?;
        Ok(LazyGitVfs::new(root, rev, repo, Source::Tree(tree)))
    }

    /// This reader, refusing a file that a checkout of it writes otherwise
    /// than its blob (CRLF line ends where its blob has LF, `ident`,
    /// `working-tree-encoding`, a filter), when Nomad may read the two
    /// differently: a heredoc keeps the CR (HCL2; hcl v1 before 0.11), and
    /// a file read whole (`file()`, a template) is other bytes. For the new
    /// side of a change (`--staged`, `--head`). The world at the base is
    /// read as its blobs: its jobs the change leaves alone are not
    /// compared, and whether a checkout or a blob was submitted is not
    /// known; each job the change touches is checked against the base's
    /// checkout here.
    ///
    /// `base` is the revision whose checkout wrote the running versions:
    /// a file its checkout writes otherwise than this side's blob, where
    /// this side's checkout does not (the change rewrote .gitattributes),
    /// is refused too: the running version is not that blob.
    pub fn checked_line_ends(mut self, base: &str) -> LazyGitVfs {
        self.line_ends = true;
        self.base = Some((base.to_string(), std::sync::OnceLock::new()));
        self
    }

    /// Whether this revision (or the index) holds no file at all.
    pub fn is_empty(&self) -> bool {
        match &self.source {
            Source::Index(index) => !index.entries().any(|e| usable(&e)),
            Source::Tree(tree) => tree.is_none_or(|t| t == ObjectId::empty_tree(t.kind())),
        }
    }

    /// Every path this revision holds: a full listing, for the rare caller
    /// that needs one (the readers above never list).
    pub fn paths(&self) -> impl Iterator<Item = PathBuf> {
        let listed = match &self.source {
            Source::Index(index) => index
                .entries()
                .filter(usable)
                .map(|e| path_of(e.path))
                .collect(),
            Source::Tree(Some(tree)) => self.with_state(|s| {
                let mut files = Vec::new();
                repo::walk_files(&s.repo, *tree, BStr::new(""), &mut files)?;
                files
                    .iter()
                    .filter(|f| f.2.is_blob())
                    .map(|f| path_of(&f.0))
                    .collect()
            }),
            Source::Tree(None) => Ok(Vec::new()),
        };
        listed.unwrap_or_default().into_iter()
    }

    /// Take `text` as the content of `path` without reading its blob: for a
    /// caller that holds the text of the very object [`Self::fingerprint`]
    /// names there (the world cache), so reads give the same source.
    /// `text` is the file as its blob decodes, byte order mark included.
    pub fn remember(&self, path: &Path, text: std::sync::Arc<str>) {
        let key = self.key(path);
        // Other readers of the same object (the change set's base, at the
        // same commit) take it from here rather than inflate the blob.
        let object = self.lookup(&key).ok().flatten();
        let _ = self.with_state(|s| {
            if let Some((oid, Kind::File | Kind::Executable)) = object {
                repo::keep_text(&s.repo, oid, &text);
            }
            s.files.insert(&key, text);
            Ok(())
        });
    }

    fn key(&self, path: &Path) -> PathBuf {
        let p = if path.is_absolute() {
            path.strip_prefix(&self.root).unwrap_or(path)
        } else {
            path
        };
        crate::vfs::normalize(p)
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> io::Result<T>) -> io::Result<T> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| io::Error::other("git reader poisoned"))?;
        f(&mut state)
    }

    /// The object at `key`, with its kind.
    fn lookup(&self, key: &Path) -> io::Result<Option<(ObjectId, Kind)>> {
        let path = bytes_of(key);
        match &self.source {
            Source::Index(index) => Ok(index.by_path(path.as_ref()).map(|e| (e.id, e.kind))),
            Source::Tree(tree) => {
                let (dir, name) = match path.rfind_byte(b'/') {
                    Some(i) => (&path[..i], &path[i + 1..]),
                    None => (&b""[..], &path[..]),
                };
                self.with_state(|s| {
                    let entries = dir_entries(s, *tree, dir.as_bstr())?;
                    Ok(entries.and_then(|es| {
                        es.iter()
                            .find(|e| e.name.as_slice() == name)
                            .map(|e| (e.oid, e.kind))
                    }))
                })
            }
        }
    }
}

/// A staged entry with one blob: conflicted entries and submodules have none.
fn usable(e: &Entry<'_>) -> bool {
    e.stage == 0 && e.kind.is_blob()
}

/// The staged paths under folder `prefix` that `keep` accepts (it sees the
/// entry and its path below the folder).
fn index_files(
    index: &Staged,
    prefix: &[u8],
    keep: impl Fn(&Entry<'_>, &[u8]) -> bool,
) -> io::Result<Vec<PathBuf>> {
    let mut start = prefix.to_vec();
    if !start.is_empty() {
        start.push(b'/');
    }
    index
        .prefixed(&start)
        .map(|i| index.entry(i))
        .filter(|e| keep(e, &e.path[start.len()..]))
        .map(|e| path_of(e.path))
        .collect()
}

/// The entries of directory `dir` of `tree`, decoded once.
fn dir_entries(
    s: &mut State,
    tree: Option<ObjectId>,
    dir: &BStr,
) -> io::Result<Option<Arc<Vec<TreeEntry>>>> {
    if let Some(hit) = s.trees.get(dir) {
        return Ok(hit.clone());
    }
    let id = if dir.is_empty() {
        tree
    } else {
        let (parent, name) = match dir.rfind_byte(b'/') {
            Some(i) => (&dir[..i], &dir[i + 1..]),
            None => (BStr::new(""), dir),
        };
        dir_entries(s, tree, parent)?.and_then(|es| {
            es.iter()
                .find(|e| e.name.as_slice() == name && e.kind == Kind::Tree)
                .map(|e| e.oid)
        })
    };
    let entries = match id {
        Some(id) => Some(Arc::new(repo::read_tree(&s.repo, id)?)),
        None => None,
    };
    s.trees.insert(dir.to_owned(), entries.clone());
    Ok(entries)
}

impl crate::vfs::Vfs for LazyGitVfs {
    fn checkout_rewrite(&self, path: &Path) -> Option<crate::vfs::Rewrite> {
        // An error reading the attributes: the read of the file, which
        // reads them too, fails the same way.
        self.rewrite_of(&self.key(path)).ok().flatten()
    }

    fn head(&self, path: &Path, n: u64) -> Option<Vec<u8>> {
        let key = self.key(path);
        let oid = match self.lookup(&key).ok()? {
            Some((oid, Kind::File | Kind::Executable)) => oid,
            Some((_, Kind::Link)) | None => match self.follow(&key).ok()? {
                Followed::File(id) => id,
                _ => return None,
            },
            Some(_) => return None,
        };
        self.with_state(|s| Ok(repo::blob_head(&s.repo, oid, n)))
            .ok()
            .flatten()
    }

    fn read(&self, path: &Path) -> io::Result<crate::source::Source> {
        let key = self.key(path);
        let not_found = || {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found in {}", key.display(), self.name),
            )
        };
        let found = self.lookup(&key)?;
        let found = match found {
            // Through a link (at the path, or a folder on it): the file it
            // leads to inside the tree, read under this name.
            Some((_, Kind::Link)) | None => match self.follow(&key)? {
                Followed::File(id) => Some((id, Kind::File)),
                // The kernel's own answer (ELOOP, ENOTDIR), as the disk
                // gives it: Nomad's "failed to read", nothing refused.
                Followed::Refused(why @ (Why::Loop | Why::NotDir)) => {
                    return Err(why
                        .errno()
                        .map_or_else(not_found, io::Error::from_raw_os_error));
                }
                Followed::Refused(Why::GitDir) => {
                    return Err(crate::project::git_metadata(&key));
                }
                Followed::Refused(why) => {
                    let what = if found.is_some() {
                        "it is a symbolic link"
                    } else {
                        "its path holds a symbolic link"
                    };
                    return Err(crate::project::refused(
                        why.kind(),
                        format!(
                            "refusing to read {}: {what} in {}, {}",
                            key.display(),
                            self.name,
                            why.words()
                        ),
                    ));
                }
                Followed::NoLink => found,
            },
            found => found,
        };
        let Some((oid, kind)) = found else {
            if let Some((sub, rest)) = self.in_submodule(&key, false)? {
                // Kept under the superproject's path, so diagnostics and
                // the readers name the file as the change set does.
                let src = sub.read(&rest)?;
                let text: Arc<str> = if src.bom {
                    format!("\u{feff}{}", src.text).into()
                } else {
                    src.text.clone()
                };
                return self.with_state(|s| {
                    s.files.insert(&key, text);
                    s.files.read(&key)
                });
            }
            // A file on the way (`a.txt/b`): ENOTDIR in a checkout.
            if self.file_on_the_way(&key)? {
                return Err(io::Error::from_raw_os_error(20));
            }
            return Err(not_found());
        };
        if !matches!(kind, Kind::File | Kind::Executable) {
            return Err(not_found());
        }
        let read = self.with_state(|s| {
            if !s.files.is_file(&key) {
                let text = match repo::known_text(&s.repo, oid) {
                    Some(text) => text,
                    None => {
                        let text = crate::vfs::decode(repo::blob(&s.repo, oid, &key)?);
                        repo::keep_text(&s.repo, oid, &text);
                        text
                    }
                };
                s.files.insert(&key, text);
            }
            s.files.read(&key)
        })?;
        match self.line_ends_refusal(&key, &read.text)? {
            Some(refused) => Err(refused),
            None => Ok(read),
        }
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let dir = self.key(dir);
        if let Some(real) = self.linked_folder(&dir) {
            // A folder reached through a link lists as the folder it leads
            // to, each entry named below the path asked for.
            return Ok(self
                .list(&real)?
                .into_iter()
                .filter_map(|p| p.strip_prefix(&real).ok().map(|rel| dir.join(rel)))
                .collect());
        }
        if let Some((sub, rest)) = self.in_submodule(&dir, true)? {
            let listed = sub.list(&rest)?;
            return Ok(listed
                .into_iter()
                .map(|p| dir.join(p.strip_prefix(&rest).unwrap_or(&p)))
                .collect());
        }
        let prefix = bytes_of(&dir);
        let mut files = match &self.source {
            Source::Index(index) => index_files(index, &prefix, |e, below| {
                usable(e) && !below.contains(&b'/')
            })?,
            Source::Tree(tree) => self.with_state(|s| {
                let entries = dir_entries(s, *tree, prefix.as_ref())?;
                entries
                    .iter()
                    .flat_map(|es| es.iter())
                    .filter(|e| e.kind.is_blob())
                    .map(|e| path_of(&repo::join(prefix.as_ref(), e.name.as_ref())))
                    .collect::<io::Result<Vec<_>>>()
            })?,
        };
        files.sort();
        Ok(files)
    }

    fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        // Links are left out (a folder behind one is not walked, and one
        // to a file is not listed): only an import's folders are listed
        // so. `fileset()` walks by `entries`, which follows them.
        let key = self.key(dir);
        if let Some(real) = self.linked_folder(&key) {
            // The top of the walk through a link is followed, as a walk on
            // disk starts from where its folder leads.
            return Ok(self
                .files_under(&real)?
                .into_iter()
                .filter_map(|p| p.strip_prefix(&real).ok().map(|rel| dir.join(rel)))
                .collect());
        }
        if let Some((sub, rest)) = self.in_submodule(&key, true)? {
            let listed = sub.files_under(&rest)?;
            return Ok(listed
                .into_iter()
                .map(|p| dir.join(p.strip_prefix(&rest).unwrap_or(&p)))
                .collect());
        }
        let prefix = bytes_of(&key);
        let mut keys: Vec<PathBuf> = match &self.source {
            Source::Index(index) => {
                index_files(index, &prefix, |e, _| usable(e) && e.kind != Kind::Link)?
            }
            Source::Tree(tree) => self.with_state(|s| {
                let mut out = Vec::new();
                let mut pending = vec![prefix.clone()];
                while let Some(d) = pending.pop() {
                    let entries = dir_entries(s, *tree, d.as_ref())?;
                    for e in entries.iter().flat_map(|es| es.iter()) {
                        let p = repo::join(d.as_ref(), e.name.as_ref());
                        match e.kind {
                            Kind::Tree => pending.push(p),
                            k if k.is_blob() && k != Kind::Link => out.push(path_of(&p)?),
                            _ => {}
                        }
                    }
                    if out.len() > crate::vfs::MAX_LISTED {
                        break;
                    }
                }
                Ok(out)
            })?,
        };
        if keys.len() > crate::vfs::MAX_LISTED {
            return Err(crate::vfs::too_many(dir));
        }
        keys.sort();
        Ok(keys
            .into_iter()
            .filter_map(|k| k.strip_prefix(&key).ok().map(|rel| dir.join(rel)))
            .collect())
    }

    fn entries(&self, dir: &Path) -> io::Result<Vec<crate::vfs::Entry>> {
        self.entries_at(dir)
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = self.key(path);
        if dir.as_os_str().is_empty() {
            return true;
        }
        let here = match &self.source {
            Source::Index(index) => {
                let mut start = bytes_of(&dir);
                start.push(b'/');
                index.prefixed(&start).any(|i| usable(&index.entry(i)))
            }
            Source::Tree(_) => self
                .lookup(&dir)
                .is_ok_and(|hit| hit.is_some_and(|(_, k)| k == Kind::Tree)),
        };
        here || self.linked_folder(&dir).is_some()
            || matches!(self.in_submodule(&dir, true), Ok(Some((sub, rest))) if sub.is_dir(&rest))
    }

    /// A link is judged where it leads, as a checkout's file system
    /// answers (redteam6 G12f: `running` paths through a linked folder).
    fn probe(&self, path: &Path) -> io::Result<bool> {
        let key = self.key(path);
        match self.lookup(&key)? {
            Some((_, Kind::Link)) | None => {
                if let Some(linked) = self.probe_linked(&key)? {
                    return Ok(linked);
                }
            }
            Some((_, k)) => return Ok(k.is_blob()),
        }
        match self.in_submodule(&key, false)? {
            Some((sub, rest)) => sub.probe(&rest),
            // ENOTDIR in a checkout, as on disk (Fence::probe).
            None if self.file_on_the_way(&key)? => Err(io::Error::from_raw_os_error(20)),
            None => Ok(false),
        }
    }

    /// A link leading where no read goes is a file here, as it was
    /// before links were followed: the caller reads it and says why it
    /// cannot (a world's cluster.hcl linked out of the tree must fail,
    /// not read as "no world").
    fn is_file(&self, path: &Path) -> bool {
        match self.probe(path) {
            Ok(found) => found,
            Err(e) => crate::project::refusal(&e).is_some(),
        }
    }

    fn resolves_through(&self, path: &Path) -> Vec<PathBuf> {
        self.through(&self.key(path))
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn describe(&self) -> String {
        self.name.clone()
    }

    fn fence_root(&self) -> Option<&Path> {
        Some(&self.root)
    }

    fn revision(&self) -> Option<String> {
        Some(self.name.clone())
    }

    fn submodule_at(&self, path: &Path) -> io::Result<Option<PathBuf>> {
        self.submodule_on(&self.key(path))
    }
}
