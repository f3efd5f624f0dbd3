//! Edits git's working-tree listing takes on trust.
//!
//! `git diff BASE` (the working-tree comparison, [`super::cli::name_status`])
//! reads an index entry marked assume-unchanged (`git update-index
//! --assume-unchanged`, and every entry a checkout or add writes once
//! `core.ignoreStat` is set) or skip-worktree as the file on disk, without
//! looking at the disk: an edit of such a file is no change to git. The file
//! Nomad reads is the one on disk, so the change set would judge the old
//! job and a gate would pass on an edit it never saw (redteam R15-42).
//!
//! Each marked entry that is not listed already is compared here with what
//! the base records, by bytes. A checkout's line-end conversion is not
//! undone: a marked file that differs from its blob only by CRLF is judged
//! again, which costs a plan but never hides one. A marked entry whose file
//! is gone is a deletion, except skip-worktree, where a missing file is a
//! sparse checkout's choice (the readers refuse such a path if it matters).

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;
use gix::index::entry::Flags;
use gix::ObjectId;

use super::repo::{self, path_of, Kind, Repo};
use super::Change;

/// `changes` (git's listing from `base` to the working tree at `root`) with
/// every marked entry's edit git did not look for.
pub(super) fn add_hidden(
    root: &Path,
    repo: &Repo,
    base: Option<ObjectId>,
    changes: &mut Vec<Change>,
) -> io::Result<()> {
    let marked = marked_entries(repo)?;
    if marked.is_empty() {
        return Ok(());
    }
    let listed: HashSet<PathBuf> = changes.iter().flat_map(Change::paths).cloned().collect();
    for (rel, skip_worktree) in marked {
        if listed.contains(&rel) {
            continue;
        }
        let Some((oid, kind)) =
            super::submodule::recorded(repo, base, repo::bytes_of(&rel).as_ref())?
        else {
            // Not in the base: git lists the index's entry as added already
            // (its id is the base's absence against the entry's blob).
            continue;
        };
        let on_disk = root.join(&rel);
        let now = match std::fs::symlink_metadata(&on_disk) {
            Ok(meta) if meta.file_type().is_symlink() => Some(link_bytes(&on_disk)?),
            Ok(meta) if meta.is_file() => Some(std::fs::read(&on_disk)?),
            // A folder where a file was: git's own listing would say
            // deleted had it looked.
            Ok(_) => None,
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let change = match now {
            None if skip_worktree => None,
            None => Some(Change::Deleted(rel)),
            Some(bytes) => {
                let same = kind.is_blob() && repo::blob(repo, oid, &rel)? == bytes;
                (!same).then_some(Change::Modified(rel))
            }
        };
        changes.extend(change);
    }
    Ok(())
}

/// The files and links a sparse checkout leaves out of the working tree:
/// the index entries marked skip-worktree. Git takes each as its staged
/// blob (`git diff BASE` never looks at the disk for them), so a reader
/// of the working tree reads that blob where the file is absent.
pub fn skip_worktree_paths(root: &Path) -> io::Result<HashSet<PathBuf>> {
    let repo = repo::open(root)?;
    Ok(marked_entries(&repo)?
        .into_iter()
        .filter_map(|(path, skip_worktree)| skip_worktree.then_some(path))
        .collect())
}

/// The merged entries of files and links marked assume-unchanged or
/// skip-worktree, with whether it was skip-worktree.
fn marked_entries(repo: &Repo) -> io::Result<Vec<(PathBuf, bool)>> {
    if !repo.index_path().exists() {
        return Ok(Vec::new());
    }
    let index = gix::index::File::at(
        repo.index_path(),
        repo.object_hash(),
        false,
        gix::index::decode::Options::default(),
    )
    .map_err(repo::other)?;
    let mut out = Vec::new();
    for e in index.entries() {
        let marked = e
            .flags
            .intersects(Flags::ASSUME_VALID | Flags::SKIP_WORKTREE);
        if marked && Kind::of_index(e.mode).is_blob() && e.stage_raw() == 0 {
            let path = path_of(e.path(&index).as_bytes())?;
            out.push((path, e.flags.contains(Flags::SKIP_WORKTREE)));
        }
    }
    Ok(out)
}

/// A link's target as git stores it: the bytes of its text.
fn link_bytes(path: &Path) -> io::Result<Vec<u8>> {
    let target = std::fs::read_link(path)?;
    Ok(target.into_os_string().into_encoded_bytes())
}
