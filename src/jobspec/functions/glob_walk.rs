//! `fileset()`'s walk: doublestar's Glob (doGlob, the same walk in v1.1.5
//! and v1.3.4 but for the [`Release`] differences) over a [`Vfs`], one
//! folder at a time and only where the pattern leads, so that what lies
//! elsewhere under the pattern's start (a link loop, a link out of the
//! project) changes nothing, as it changes nothing in Nomad.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::doublestar::{self, Release};
use super::Miss;
use crate::vfs::{Entry, EntryKind, Vfs};

/// Most folders one walk lists: links between folders can make a tree of
/// few files that takes exponentially many steps to walk.
const MAX_FOLDERS: usize = 100_000;

/// What go-cty-funcs MakeFileSetFunc's `os.Stat` of a match finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stat {
    /// A regular file: listed.
    File,
    /// A folder, a FIFO, a device: skipped.
    Skip,
    /// The stat fails, and so does fileset: `failed to stat (…)` with
    /// Go's text of the errno.
    Broken(&'static str),
}

/// A glob component: doublestar's `strings.IndexAny(c, "*?[{\\")`.
pub(super) fn is_glob(c: &str) -> bool {
    c.contains(['*', '?', '[', '{', '\\'])
}

pub(super) struct GlobWalk<'a> {
    vfs: &'a dyn Vfs,
    release: Release,
    /// Asked before a folder is listed: a gate refuses a repository's
    /// `.git` ([`crate::vfs::Vfs::admits_input`]).
    enter: &'a dyn Fn(&Path) -> Result<(), Miss>,
    /// The folders on the way down, as the reader names where they lead.
    open: Vec<PathBuf>,
    listed: usize,
    out: Vec<(PathBuf, Stat)>,
}

impl<'a> GlobWalk<'a> {
    pub(super) fn new(
        vfs: &'a dyn Vfs,
        release: Release,
        enter: &'a dyn Fn(&Path) -> Result<(), Miss>,
    ) -> GlobWalk<'a> {
        GlobWalk {
            vfs,
            release,
            enter,
            open: Vec::new(),
            listed: 0,
            out: Vec::new(),
        }
    }

    /// The matches of `comps` below `start` (what `kind` says is there),
    /// in doublestar's order (a folder's entries by name, as v1.3.4 sorts
    /// them; v1.1.5 takes the file system's order).
    pub(super) fn run(
        mut self,
        start: PathBuf,
        kind: EntryKind,
        comps: &[&str],
    ) -> Result<Vec<(PathBuf, Stat)>, Miss> {
        self.glob(start, kind, comps)?;
        Ok(self.out)
    }

    /// doGlob(at, comps): the literal components first (an `Lstat` of
    /// the joined path, links on the way followed), then one folder's
    /// entries against the first globbed one.
    fn glob(&mut self, mut at: PathBuf, mut kind: EntryKind, comps: &[&str]) -> Result<(), Miss> {
        let literal = comps.iter().take_while(|c| !is_glob(c)).count();
        for name in &comps[..literal] {
            let Some(entries) = self.list(&at, kind)? else {
                return Ok(());
            };
            let Some(e) = entries.into_iter().find(|e| e.name == OsStr::new(name)) else {
                return Ok(());
            };
            at.push(name);
            kind = e.kind;
        }
        let comps = &comps[literal..];
        if comps.is_empty() {
            return self.found(at, kind);
        }
        let real = match &kind {
            EntryKind::Folder(real) => real.clone(),
            _ => at.clone(),
        };
        let Some(entries) = self.list(&at, kind)? else {
            return Ok(());
        };
        self.open.push(real);
        let done = self.each(&at, entries, comps);
        self.open.pop();
        done
    }

    /// doGlob's two loops over one folder's entries.
    fn each(&mut self, at: &Path, entries: Vec<Entry>, comps: &[&str]) -> Result<(), Miss> {
        let mut comps = comps;
        if comps.first() == Some(&"**") {
            let last = comps.len() == 1;
            for e in &entries {
                let path = at.join(&e.name);
                match &e.kind {
                    // `os.Stat` of a link fails: skipped (`continue`).
                    EntryKind::Broken(_) => {}
                    EntryKind::Folder(real) => {
                        if last {
                            self.out.push((path.clone(), Stat::Skip));
                        }
                        if self.open.contains(real) {
                            return Err(looped(&path));
                        }
                        self.glob(path, EntryKind::Folder(real.clone()), comps)?;
                    }
                    kind if last => self.found(path, again(kind)?)?,
                    // Stat'ed all the same: one we will not follow fails.
                    kind => {
                        again(kind)?;
                    }
                }
            }
            if last {
                return Ok(());
            }
            comps = &comps[1..];
        }
        let (pattern, rest) = (comps[0].as_bytes(), &comps[1..]);
        for e in entries {
            if !doublestar::component(pattern, e.name.as_encoded_bytes(), self.release) {
                continue;
            }
            let path = at.join(&e.name);
            if rest.is_empty() {
                self.found(path, e.kind)?;
            } else {
                self.glob(path, e.kind, rest)?;
            }
        }
        Ok(())
    }

    /// The entries of the folder `at` when `kind` is one (doGlob's Stat
    /// and Readdir); `None` where Go lists nothing. Read where the folder
    /// is (`kind`'s path), not through the links spelled in `at`: each
    /// listing would resolve them all again (a `**` 24 links deep took a
    /// minute), and a change there is what the listing depends on.
    fn list(&mut self, at: &Path, kind: EntryKind) -> Result<Option<Vec<Entry>>, Miss> {
        let real = match kind {
            EntryKind::Folder(real) => real,
            EntryKind::Refused(e) => return Err(super::filesystem::unread(e)),
            _ => return Ok(None),
        };
        (self.enter)(at)?;
        self.listed += 1;
        if self.listed > MAX_FOLDERS {
            return Err(super::filesystem::unread(crate::vfs::too_many(at)));
        }
        match self.vfs.entries(&real) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(super::filesystem::unread(e)),
        }
    }

    /// A match, stat'ed as go-cty-funcs does.
    fn found(&mut self, path: PathBuf, kind: EntryKind) -> Result<(), Miss> {
        let stat = match kind {
            EntryKind::File => Stat::File,
            EntryKind::Folder(_) | EntryKind::Other => Stat::Skip,
            EntryKind::Broken(errno) => Stat::Broken(errno),
            EntryKind::Refused(e) => return Err(super::filesystem::unread(e)),
        };
        self.out.push((path, stat));
        if self.out.len() > crate::vfs::MAX_LISTED {
            return Err(super::filesystem::unread(crate::vfs::too_many(
                self.out[0].0.parent().unwrap_or(Path::new(".")),
            )));
        }
        Ok(())
    }
}

/// An entry's kind once more, for one that is not a folder: a refusal is
/// raised (its error is not kept twice).
fn again(kind: &EntryKind) -> Result<EntryKind, Miss> {
    Ok(match kind {
        EntryKind::File => EntryKind::File,
        EntryKind::Broken(t) => EntryKind::Broken(t),
        EntryKind::Folder(p) => EntryKind::Folder(p.clone()),
        EntryKind::Other => EntryKind::Other,
        EntryKind::Refused(e) => return Err(super::filesystem::unread_ref(e)),
    })
}

/// A `**` that meets a folder it is already in, through a link: doublestar
/// walks round until the kernel refuses the path (40 links on Linux, 32 on
/// macOS; exponentially many paths with two such links), so what Nomad
/// lists depends on the machine running `nomad job plan`, if it ends.
fn looped(path: &Path) -> Miss {
    Miss::Refused(format!(
        "refusing to list {}: a symbolic link leads back to a folder the pattern's `**` is walking, which Nomad walks round until the path is refused (40 links on Linux, 32 on macOS), listing each file again under every longer name",
        crate::project::shown(path)
    ))
}
