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
use super::repo::{self, bytes_of, path_of, Kind, TreeEntry};
use crate::vfs::MemVfs;

enum Source {
    /// The staged files (stage 0 of the index).
    Index(Arc<Staged>),
    /// A tree; `None` for `HEAD` before the first commit.
    Tree(Option<ObjectId>),
}

struct State {
    repo: gix::Repository,
    /// Decoded trees by directory (`""` is the top).
    trees: HashMap<BString, Option<Arc<Vec<TreeEntry>>>>,
    files: MemVfs,
}

/// A revision or the index, read on demand through the one in-process reader.
pub struct LazyGitVfs {
    root: PathBuf,
    rev: String,
    source: Source,
    state: Mutex<State>,
}

impl LazyGitVfs {
    fn new(root: &Path, rev: &str, repo: gix::Repository, source: Source) -> LazyGitVfs {
        LazyGitVfs {
            root: root.to_path_buf(),
            rev: rev.to_string(),
            source,
            state: Mutex::new(State {
                repo,
                trees: HashMap::new(),
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

    /// What is at `path` in this revision, as bytes that change exactly
    /// when any answer this reader gives about `path` could: the object ID
    /// and kind of the file or folder there (a folder's tree ID covers
    /// everything below it), or a marker for nothing. `None` for the index,
    /// whose folders have no object to name, or when the lookup fails.
    pub fn fingerprint(&self, path: &Path) -> Option<Vec<u8>> {
        if matches!(self.source, Source::Index(_)) {
            return None;
        }
        let found = self.lookup(&self.key(path)).ok()?;
        Some(match found {
            None => b"-".to_vec(),
            Some((oid, kind)) => {
                let mut out = format!("{kind:?} ").into_bytes();
                out.extend_from_slice(oid.as_bytes());
                out
            }
        })
    }

    /// Take `text` as the content of `path` without reading its blob: for a
    /// caller that holds the text of the very object [`Self::fingerprint`]
    /// names there (the world cache), so reads give the same source.
    pub fn remember(&self, path: &Path, text: std::sync::Arc<str>) {
        let key = self.key(path);
        let _ = self.with_state(|s| {
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
    fn read(&self, path: &Path) -> io::Result<crate::source::Source> {
        let key = self.key(path);
        let not_found = || {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found in {}", key.display(), self.describe()),
            )
        };
        let Some((oid, kind)) = self.lookup(&key)? else {
            return Err(not_found());
        };
        if kind == Kind::Link {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "refusing to read {}: it is a symbolic link in {}, and links are not followed",
                    key.display(),
                    self.describe()
                ),
            ));
        }
        if !kind.is_blob() {
            return Err(not_found());
        }
        self.with_state(|s| {
            if !s.files.is_file(&key) {
                let bytes = repo::blob(&s.repo, oid, &key)?;
                s.files.insert(&key, crate::vfs::decode(bytes));
            }
            s.files.read(&key)
        })
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let dir = self.key(dir);
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
        // Links are not followed in git (as `read` refuses them).
        let key = self.key(dir);
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

    fn is_dir(&self, path: &Path) -> bool {
        let dir = self.key(path);
        if dir.as_os_str().is_empty() {
            return true;
        }
        match &self.source {
            Source::Index(index) => {
                let mut start = bytes_of(&dir);
                start.push(b'/');
                index.prefixed(&start).any(|i| usable(&index.entry(i)))
            }
            Source::Tree(_) => self
                .lookup(&dir)
                .is_ok_and(|hit| hit.is_some_and(|(_, k)| k == Kind::Tree)),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.lookup(&self.key(path))
            .is_ok_and(|hit| hit.is_some_and(|(_, k)| k.is_blob()))
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn describe(&self) -> String {
        crate::vfs::git_source_name(&self.rev)
    }

    fn fence_root(&self) -> Option<&Path> {
        Some(&self.root)
    }
}
