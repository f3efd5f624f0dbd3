//! Every file path of one side, those inside submodules too
//! ([`LazyGitVfs::all_paths`]), and the submodules it cannot read.

use std::io;
use std::path::{Path, PathBuf};

use gix::bstr::BStr;
use gix::ObjectId;

use super::super::repo::{self, bytes_of, path_of, Kind};
use super::super::submodule;
use super::{LazyGitVfs, Source, Unread};

impl LazyGitVfs {
    /// Every file path, those inside submodules too (each read at the
    /// commit this side records for it, nested up to
    /// [`submodule::MAX_DEPTH`] deep), named as the superproject names
    /// them, sorted. A submodule whose repository or commit is not in the
    /// clone is an error naming it, never a shorter list: a job file in it
    /// might read a file a change touches.
    pub fn all_paths(&self) -> io::Result<Vec<PathBuf>> {
        let (files, unread) = self.all_paths_listed(&|_| false)?;
        match unread.into_iter().next() {
            Some(u) => Err(submodule::unreadable(bytes_of(&u.path).as_ref(), &u.why)),
            None => Ok(files),
        }
    }

    /// [`Self::all_paths`], with the submodules it cannot look into listed
    /// beside the files instead of ending the listing (their files are
    /// unknown, not absent: the caller decides), and those `skip` takes
    /// (by their path: a folder `exclude` leaves out whole) neither read
    /// nor listed.
    pub fn all_paths_listed(
        &self,
        skip: &dyn Fn(&Path) -> bool,
    ) -> io::Result<(Vec<PathBuf>, Vec<Unread>)> {
        let (mut files, mut unread) = (Vec::new(), Vec::new());
        self.all_paths_at(0, Path::new(""), skip, &mut files, &mut unread)?;
        files.sort();
        Ok((files, unread))
    }

    fn all_paths_at(
        &self,
        depth: usize,
        prefix: &Path,
        skip: &dyn Fn(&Path) -> bool,
        files: &mut Vec<PathBuf>,
        unread: &mut Vec<Unread>,
    ) -> io::Result<()> {
        let mut links: Vec<(PathBuf, ObjectId)> = Vec::new();
        match &self.source {
            Source::Index(index) => {
                for e in index.entries().filter(|e| e.stage == 0) {
                    if e.kind.is_blob() {
                        files.push(prefix.join(path_of(e.path)?));
                    } else if e.kind == Kind::Commit {
                        links.push((path_of(e.path)?, e.id));
                    }
                }
            }
            Source::Tree(Some(tree)) => self.with_state(|s| {
                let mut found = Vec::new();
                repo::walk_files(&s.repo, *tree, BStr::new(""), &mut found)?;
                for (path, oid, kind) in found {
                    if kind.is_blob() {
                        files.push(prefix.join(path_of(&path)?));
                    } else if kind == Kind::Commit {
                        links.push((path_of(&path)?, oid));
                    }
                }
                Ok(())
            })?,
            Source::Tree(None) => {}
        }
        for (at, commit) in links {
            let whole = prefix.join(&at);
            if skip(&whole) {
                continue;
            }
            let sub = self.submodule_within(&at, commit, depth);
            match sub {
                Ok(sub) => sub.all_paths_at(depth + 1, &whole, skip, files, unread)?,
                Err(e) => match submodule::unreadable_why(&e) {
                    Some(why) => unread.push(Unread {
                        path: whole,
                        why: why.to_string(),
                    }),
                    None => return Err(e),
                },
            }
        }
        Ok(())
    }
}
