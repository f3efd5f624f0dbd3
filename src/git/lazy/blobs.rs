//! The regular files of a revision or of the index with their blob ids,
//! for a caller that keys what it learns of a file by its content
//! (`changeset::standing`): the index and trees hold the ids, so no blob
//! is read to list them.

use std::io;
use std::path::PathBuf;

use gix::bstr::BStr;

use super::super::repo::{self, path_of, Kind};
use super::{LazyGitVfs, Source};

/// A file's blob id: its bytes (SHA-1 or SHA-256 alike).
pub type BlobId = Vec<u8>;

impl LazyGitVfs {
    /// Every regular file (links and submodules left out: a link's target
    /// is listed where it is) whose path `wanted` takes, judged on its raw
    /// bytes first so a listing of 20,000 paths makes no path of the
    /// others, with its blob id, in the side's order.
    pub fn blobs(&self, wanted: &dyn Fn(&[u8]) -> bool) -> io::Result<Vec<(PathBuf, BlobId)>> {
        let file = |k: Kind| matches!(k, Kind::File | Kind::Executable);
        let mut out = Vec::new();
        match &self.source {
            Source::Index(index) => {
                for e in index.entries() {
                    if e.stage == 0 && !e.intent_to_add && file(e.kind) && wanted(e.path) {
                        out.push((path_of(e.path)?, e.id.as_bytes().to_vec()));
                    }
                }
            }
            Source::Tree(Some(tree)) => self.with_state(|s| {
                let mut found = Vec::new();
                repo::walk_files(&s.repo, *tree, BStr::new(""), &mut found)?;
                for (path, oid, kind) in found {
                    if file(kind) && wanted(&path) {
                        out.push((path_of(&path)?, oid.as_bytes().to_vec()));
                    }
                }
                Ok(())
            })?,
            Source::Tree(None) => {}
        }
        Ok(out)
    }
}
