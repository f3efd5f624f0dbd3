//! What a path of a [`LazyGitVfs`] reaches beyond its side's own
//! entries: the file a symbolic link leads to inside the tree
//! ([`links`]), and the files of a submodule, read at the commit recorded.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::bstr::{BStr, BString, ByteSlice};
use gix::ObjectId;

use super::super::links::{self, Followed};
use super::super::repo::{self, bytes_of, path_of, Kind};
use super::super::submodule;
use super::{LazyGitVfs, Source};

impl LazyGitVfs {
    /// Where `key` leads once the links on it are followed inside this
    /// revision (or the index), [`links::trace`].
    pub(super) fn follow(&self, key: &Path) -> io::Result<Followed> {
        Ok(self.trace(key)?.followed)
    }

    /// [`Self::follow`], with the paths of this side it went through
    /// ([`links::trace`]).
    pub(super) fn trace(&self, key: &Path) -> io::Result<links::Trace> {
        let path = bytes_of(key);
        let no_link = || links::Trace {
            followed: Followed::NoLink,
            links: Vec::new(),
            end: None,
        };
        // Below a folder known to be one all the way down, only the last
        // part can be a link (`key` is normalised: no `..` in it).
        if self.below_clean(path.as_ref()) {
            match self.lookup(key)? {
                Some((_, Kind::Link)) => {}
                _ => return Ok(no_link()),
            }
        }
        let mut folders: Vec<BString> = Vec::new();
        let mut lookup = |p: &[u8]| -> io::Result<Option<links::Entry>> {
            let hit = self.lookup(&path_of(p)?)?;
            if hit.is_some() {
                if matches!(hit, Some((_, Kind::Tree))) {
                    folders.push(p.into());
                }
                return Ok(hit);
            }
            // The index names a folder only by the files under it.
            Ok(match &self.source {
                Source::Index(index) => {
                    let mut start = p.to_vec();
                    start.push(b'/');
                    let null = ObjectId::null(gix::hash::Kind::Sha1);
                    let found = !index.prefixed(&start).is_empty();
                    if found {
                        folders.push(p.into());
                    }
                    found.then_some((null, Kind::Tree))
                }
                Source::Tree(_) => None,
            })
        };
        let mut target = |id: ObjectId| self.with_state(|s| repo::blob(&s.repo, id, key));
        let t = links::trace(path.as_ref(), &mut lookup, &mut target)?;
        if t.links.is_empty() {
            // Met with no link before them: folders all the way down.
            let _ = self.with_state(|s| {
                s.clean.extend(folders);
                Ok(())
            });
        }
        Ok(t)
    }

    /// The paths of this side that are symbolic links (a submodule's own
    /// not looked into), in path order: the only files of a revision or
    /// the index with a link on their path.
    pub fn link_paths(&self) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        match &self.source {
            Source::Index(index) => {
                for e in index.link_entries() {
                    if e.stage == 0 {
                        out.push(path_of(e.path)?);
                    }
                }
            }
            Source::Tree(Some(tree)) => self.with_state(|s| {
                let mut found = Vec::new();
                repo::walk_files(&s.repo, *tree, BStr::new(""), &mut found)?;
                for (path, _, kind) in found {
                    if kind == Kind::Link {
                        out.push(path_of(&path)?);
                    }
                }
                Ok(())
            })?,
            Source::Tree(None) => {}
        }
        out.sort();
        Ok(out)
    }

    /// Is the folder holding `path` one a link-free walk met
    /// ([`super::State::clean`])?
    pub(super) fn below_clean(&self, path: &[u8]) -> bool {
        let Some(i) = path.rfind_byte(b'/') else {
            return false;
        };
        self.with_state(|s| Ok(s.clean.contains(&path[..i])))
            .unwrap_or(false)
    }

    /// The folder of this side that `key` names through a link on it (a
    /// link to a folder, or a folder below one), as a checkout's file
    /// system would open it; `None` when no link is on `key` or it does
    /// not lead to a folder here.
    pub(super) fn linked_folder(&self, key: &Path) -> Option<PathBuf> {
        if key.as_os_str().is_empty() {
            return None;
        }
        match self.lookup(key) {
            Ok(None | Some((_, Kind::Link))) => {}
            _ => return None,
        }
        let t = self.trace(key).ok()?;
        match (t.followed, t.end) {
            (Followed::Refused(links::Why::Folder), Some(end)) => path_of(&end).ok(),
            _ => None,
        }
    }

    /// Is a file (not a folder) at a folder of `key`, so that a checkout
    /// opening `key` fails with ENOTDIR, not ENOENT? Only asked on a miss.
    pub(super) fn file_on_the_way(&self, key: &Path) -> io::Result<bool> {
        for up in key.ancestors().skip(1) {
            if up.as_os_str().is_empty() {
                break;
            }
            if let Some((_, k)) = self.lookup(up)? {
                return Ok(k.is_blob());
            }
        }
        Ok(false)
    }

    /// What a probe of `key` finds through the links on it: `None` when
    /// there is no link on it (the caller's own lookup stands), else
    /// whether a file is there, or the refusal of a link leading where
    /// no read goes (out of the tree, into a submodule, round in a loop).
    pub(super) fn probe_linked(&self, key: &Path) -> io::Result<Option<bool>> {
        Ok(match self.follow(key)? {
            Followed::NoLink => None,
            Followed::File(_) => Some(true),
            Followed::Refused(links::Why::Missing | links::Why::Folder) => Some(false),
            // os.Stat's own error (ELOOP, ENOTDIR): Nomad's "failed to stat".
            Followed::Refused(links::Why::Loop) => return Err(io::Error::from_raw_os_error(40)),
            Followed::Refused(links::Why::NotDir) => return Err(io::Error::from_raw_os_error(20)),
            Followed::Refused(why) => {
                return Err(crate::project::refused(
                    why.kind(),
                    format!(
                        "refusing to read {}: its path holds a symbolic link in {}, {}",
                        key.display(),
                        self.name,
                        why.words()
                    ),
                ))
            }
        })
    }

    /// The paths of this side a read of `key` goes through besides
    /// `key`: each link on the way and where it leads
    /// ([`crate::vfs::Vfs::resolves_through`]). Empty with no link on it.
    pub(super) fn through(&self, key: &Path) -> Vec<PathBuf> {
        let Ok(t) = self.trace(key) else {
            return Vec::new();
        };
        if t.links.is_empty() {
            return Vec::new();
        }
        t.links
            .iter()
            .chain(t.end.iter())
            .filter_map(|p| path_of(p).ok())
            .collect()
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
        let key = self.key(path);
        let found = self.lookup(&key).ok()?;
        if matches!(found, None | Some((_, Kind::Link))) {
            // A read through a link gives the file it leads to: named by
            // that file's object, and not at all when refused.
            // The path it leads to is named too: what depends on the
            // read depends on that path (a change set matches it), not
            // only on the bytes found there.
            let t = self.trace(&key).ok()?;
            match t.followed {
                Followed::File(id) => {
                    let mut out = b"followed ".to_vec();
                    out.extend_from_slice(id.as_bytes());
                    for p in t.links.iter().chain(t.end.iter()) {
                        out.push(0);
                        out.extend_from_slice(p);
                    }
                    return Some(out);
                }
                Followed::Refused(_) => return None,
                Followed::NoLink => {}
            }
        }
        Some(match found {
            None => match self.in_submodule(&key, false).ok()? {
                Some((sub, rest)) => {
                    let mut out = b"submodule ".to_vec();
                    out.extend(sub.fingerprint(&rest)?);
                    out
                }
                None => b"-".to_vec(),
            },
            Some((oid, kind)) => {
                let mut out = format!("{kind:?} ").into_bytes();
                out.extend_from_slice(oid.as_bytes());
                out
            }
        })
    }

    /// The submodule `key` reaches ([`crate::vfs::Vfs::submodule_at`]),
    /// through the links on the way too: a link to the submodule's folder
    /// reaches what the checkout holds there.
    pub(super) fn submodule_on(&self, key: &Path) -> io::Result<Option<PathBuf>> {
        if let Some(at) = self.gitlink_on(key)? {
            return Ok(Some(at));
        }
        for via in self.through(key) {
            if let Some(at) = self.gitlink_on(&self.key(&via))? {
                return Ok(Some(at));
            }
        }
        Ok(None)
    }

    /// The first folder on `key`'s path (`key` itself included) where
    /// this side records a commit: a submodule, found without opening it.
    fn gitlink_on(&self, key: &Path) -> io::Result<Option<PathBuf>> {
        if self.below_clean(bytes_of(key).as_ref()) {
            return Ok(match self.lookup(key)? {
                Some((_, Kind::Commit)) => Some(key.to_path_buf()),
                _ => None,
            });
        }
        let mut ancestors: Vec<&Path> = key
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .collect();
        ancestors.reverse();
        for at in ancestors {
            match self.lookup(at)? {
                Some((_, Kind::Commit)) => return Ok(Some(at.to_path_buf())),
                Some((_, Kind::Tree)) | None => {}
                Some(_) => return Ok(None),
            }
        }
        Ok(None)
    }

    /// The submodule holding `key`, with `key` below it: the first folder
    /// on its path where this side records a commit. With `self_too`,
    /// `key` itself may be the submodule (a listing of its top).
    pub(super) fn in_submodule(
        &self,
        key: &Path,
        self_too: bool,
    ) -> io::Result<Option<(Arc<LazyGitVfs>, PathBuf)>> {
        if self.below_clean(bytes_of(key).as_ref()) {
            // No submodule above `key`: only `key` itself may be one.
            return match self.lookup(key)? {
                Some((commit, Kind::Commit)) if self_too => {
                    Ok(Some((self.submodule(key, commit)?, PathBuf::new())))
                }
                _ => Ok(None),
            };
        }
        let mut ancestors: Vec<&Path> = key
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty() && (self_too || *a != key))
            .collect();
        ancestors.reverse();
        for at in ancestors {
            match self.lookup(at)? {
                Some((commit, Kind::Commit)) => {
                    let rest = key
                        .strip_prefix(at)
                        .map(Path::to_path_buf)
                        .unwrap_or_default();
                    return Ok(Some((self.submodule(at, commit)?, rest)));
                }
                // The index names no folders: keep going down.
                Some((_, Kind::Tree)) | None => {}
                Some(_) => return Ok(None),
            }
        }
        Ok(None)
    }

    /// [`Self::submodule`] for a listing `depth` submodules down: refused
    /// past [`submodule::MAX_DEPTH`] (a chain of submodules has no end a
    /// listing could wait for).
    pub(super) fn submodule_within(
        &self,
        at: &Path,
        commit: ObjectId,
        depth: usize,
    ) -> io::Result<Arc<LazyGitVfs>> {
        if depth >= submodule::MAX_DEPTH {
            let why = format!(
                "submodules are nested more than {} deep",
                submodule::MAX_DEPTH
            );
            return Err(submodule::unreadable(bytes_of(at).as_ref(), &why));
        }
        self.submodule(at, commit)
    }

    pub(super) fn submodule(&self, at: &Path, commit: ObjectId) -> io::Result<Arc<LazyGitVfs>> {
        let mut subs = self
            .subs
            .lock()
            .map_err(|_| io::Error::other("git reader poisoned"))?;
        if let Some(hit) = subs.get(at) {
            return Ok(hit.clone());
        }
        let path = bytes_of(at);
        let repo = self.with_state(|s| {
            submodule::open(&self.root, &s.repo, at).ok_or_else(|| {
                submodule::unreadable(path.as_ref(), "its repository is not in this clone")
            })
        })?;
        let tree = submodule::tree_of(&repo, path.as_ref(), commit)?;
        let mut sub = LazyGitVfs::new(
            &self.root.join(at),
            &commit.to_string(),
            repo,
            Source::Tree(Some(tree)),
        );
        // A checkout of the submodule writes its files by its own
        // attributes and configuration: the same refusal applies.
        sub.line_ends = self.line_ends;
        sub.name = format!(
            "submodule {} at commit {} ({})",
            at.display(),
            submodule::short(&commit),
            self.name
        );
        let sub = Arc::new(sub);
        subs.insert(at.to_path_buf(), sub.clone());
        Ok(sub)
    }
}
