//! `fileset()`'s walk: doublestar's Glob (doGlob, the same walk in v1.1.5
//! and v1.3.4 but for the [`Release`] differences) over a [`Vfs`], one
//! folder at a time and only where the pattern leads, so that what lies
//! elsewhere under the pattern's start (a link loop, a link out of the
//! project) changes nothing, as it changes nothing in Nomad.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::doublestar::{self, Budget, Release, Stop};
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

/// What doGlob returns as its error: the last one it was handed, for Go
/// overwrites `e` with each entry's outcome and a recursion's error is
/// kept only when nothing is compared after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GoErr {
    Nil,
    /// `ErrBadPattern`: "syntax error in pattern".
    Bad,
    /// Either, by the order the file system lists a folder in (v1.1.5,
    /// which does not sort): the outcome of whichever entry comes last.
    Either,
}

impl GoErr {
    /// The last outcome of a folder's entries, in the order `sorted`
    /// (v1.3.4) or in an order not known (v1.1.5: all must agree).
    fn last(outcomes: &[GoErr], sorted: bool) -> GoErr {
        match outcomes.split_last() {
            None => GoErr::Nil,
            Some((last, _)) if sorted => *last,
            Some((first, rest)) if rest.iter().all(|o| o == first) => *first,
            Some(_) => GoErr::Either,
        }
    }
}

/// The walk's matches, with what Glob returns as its error.
pub(super) struct Listing {
    pub(super) matched: Vec<(PathBuf, Stat)>,
    pub(super) err: GoErr,
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
    budget: Budget,
    out: Vec<(PathBuf, Stat)>,
}

/// Most name comparisons one walk makes ([`Stop::Spent`]).
const MAX_STEPS: usize = 1_000_000;

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
            budget: Budget(MAX_STEPS),
            out: Vec::new(),
        }
    }

    /// The matches of `pattern` (`/`-separated, from `start` on) below
    /// `start` (what `kind` says is there), in doublestar's order (a
    /// folder's entries by name, as v1.3.4 sorts them; v1.1.5 takes the
    /// file system's order).
    pub(super) fn run(
        mut self,
        start: PathBuf,
        kind: EntryKind,
        pattern: &[u8],
    ) -> Result<Listing, Miss> {
        let err = self.glob(start, kind, pattern)?;
        Ok(Listing {
            matched: self.out,
            err,
        })
    }

    /// doGlob(at, pattern): the literal folders first (an `Lstat` of
    /// the joined path, links on the way followed), then one folder's
    /// entries against the pattern.
    fn glob(
        &mut self,
        mut at: PathBuf,
        mut kind: EntryKind,
        pattern: &[u8],
    ) -> Result<GoErr, Miss> {
        let (literal, pattern) = self.release.literal(pattern);
        for name in literal {
            // filepath.Join would clean these away, which a listing does
            // not: only a v1.3.4 alternative spanning folders makes one.
            if matches!(name, b"" | b"." | b"..") {
                return Err(Miss::CannotTell(
                    "cannot tell what Nomad lists for fileset(): a brace's alternative names an empty, `.` or `..` folder, which doublestar joins and cleans".into(),
                ));
            }
            let Some(entries) = self.list(&at, kind)? else {
                return Ok(GoErr::Nil);
            };
            let Some(e) = entries
                .into_iter()
                .find(|e| e.name.as_encoded_bytes() == name)
            else {
                return Ok(GoErr::Nil);
            };
            at.push(OsStr::new(&String::from_utf8_lossy(name).into_owned()));
            kind = e.kind;
        }
        if pattern.is_empty() {
            self.found(at, kind)?;
            return Ok(GoErr::Nil);
        }
        let real = match &kind {
            EntryKind::Folder(real) => real.clone(),
            _ => at.clone(),
        };
        let Some(entries) = self.list(&at, kind)? else {
            return Ok(GoErr::Nil);
        };
        self.open.push(real);
        let done = self.each(&at, entries, pattern);
        self.open.pop();
        done
    }

    /// doGlob's two loops over one folder's entries.
    fn each(&mut self, at: &Path, entries: Vec<Entry>, pattern: &[u8]) -> Result<GoErr, Miss> {
        let sorted = self.release.sorts();
        let mut pattern = pattern;
        if let Some(after) = doublestar::double_star(pattern) {
            let mut outcomes = Vec::new();
            for e in &entries {
                let path = at.join(&e.name);
                match &e.kind {
                    // `os.Stat` of a link fails: skipped (`continue`).
                    EntryKind::Broken(_) => {}
                    EntryKind::Folder(real) => {
                        if after.is_none() {
                            self.out.push((path.clone(), Stat::Skip));
                        }
                        if self.open.contains(real) {
                            return Err(looped(&path));
                        }
                        outcomes.push(self.glob(path, EntryKind::Folder(real.clone()), pattern)?);
                    }
                    kind if after.is_none() => self.found(path, again(kind)?)?,
                    // Stat'ed all the same: one we will not follow fails.
                    kind => {
                        again(kind)?;
                    }
                }
            }
            match after {
                None => return Ok(GoErr::last(&outcomes, sorted)),
                Some(rest) => pattern = rest,
            }
        }
        let mut outcomes = Vec::new();
        for e in entries {
            let rests =
                match self
                    .release
                    .step(pattern, e.name.as_encoded_bytes(), &mut self.budget)
                {
                    Ok(r) => r,
                    // Returned at once, whatever the order: certain.
                    Err(Stop::Bad) => return Ok(GoErr::Bad),
                    Err(Stop::Spent) => return Err(spent()),
                };
            let path = at.join(&e.name);
            let mut outcome = GoErr::Nil;
            match rests {
                None => {}
                Some(r) if r.is_empty() => self.found(path, e.kind)?,
                Some(r) => {
                    for alt in r {
                        outcome = self.glob(path.clone(), again(&e.kind)?, &alt)?;
                    }
                }
            }
            outcomes.push(outcome);
        }
        Ok(GoErr::last(&outcomes, sorted))
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
        // A submodule's folder in the checkout is not its blobs here.
        super::filesystem::not_in_submodule(self.vfs, &real, super::fileset::WHAT)?;
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

/// The comparisons ran out ([`MAX_STEPS`]): Nomad's own walk would take
/// as long, if it ends.
fn spent() -> Miss {
    Miss::CannotTell(format!(
        "cannot tell what Nomad lists for fileset(): the pattern takes more than {MAX_STEPS} name comparisons (braces whose alternatives multiply)"
    ))
}
