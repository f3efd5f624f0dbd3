//! Read job files from git without touching the working tree or the index:
//! the staged version for a pre-commit hook, a base revision for CI, the
//! running version at `HEAD`. One reader serves every consumer (`check
//! --staged/--base`, `plan --changed`, the hook, the before-state).
//!
//! Git is read in process with gix (index, trees, blobs): a hook on one
//! staged file used to start six git processes one after another, two of
//! them listing the whole repository; now it opens the index and the few
//! trees on the paths it reads, so its cost no longer grows with the
//! repository. The git command line remains only where [`cli`] says.

mod ambiguous;
mod attributes;
mod attributes_diff;
mod cli;
mod diff;
mod head;
mod hex;
mod hidden_edits;
mod index;
mod lazy;
mod line_ends;
mod links;
mod loose;
mod missing;
mod pack;
mod plain;
mod repo;
mod sparse;
mod submodule;

use std::io;
use std::path::{Path, PathBuf};

use gix::bstr::{BStr, ByteSlice};

pub use ambiguous::{ambiguous_rev, AmbiguousRev};
pub use attributes_diff::AttributesChange;
pub use cli::{ls_files, merge_base, parse_name_status, untracked, worktrees};
pub use hidden_edits::skip_worktree_paths;
pub use lazy::{
    is_lfs_pointer, lfs_refusal, BlobId, ByText, LazyGitVfs, Listed, NoMemo, TreeFiles, TreeMemo,
    Unnamed, Unread, LINE_ENDS,
};
pub use missing::{is_missing_object, MISSING_OBJECT_HELP};
pub use submodule::is_unreadable as is_submodule_unreadable;

/// The error that stops a caller at the submodule `u` a listing could not
/// look into ([`LazyGitVfs::all_paths_listed`]), in the words a listing
/// that stops there gives.
pub fn submodule_unread_error(u: &Unread) -> io::Error {
    submodule::unreadable(repo::bytes_of(&u.path).as_ref(), &u.why)
}

use crate::vfs::MemVfs;
use diff::Status;
use repo::{path_of, Kind};

/// One changed path between two trees (`git diff --name-status`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added(PathBuf),
    Modified(PathBuf),
    Deleted(PathBuf),
    Renamed { from: PathBuf, to: PathBuf },
}

impl Change {
    /// The path holding the new content, if any.
    pub fn new_path(&self) -> Option<&Path> {
        match self {
            Change::Added(p) | Change::Modified(p) => Some(p),
            Change::Renamed { to, .. } => Some(to),
            Change::Deleted(_) => None,
        }
    }

    /// The path the change takes away (deleted, renamed from), if any.
    pub fn removed_path(&self) -> Option<&Path> {
        match self {
            Change::Deleted(p) | Change::Renamed { from: p, .. } => Some(p),
            Change::Added(_) | Change::Modified(_) => None,
        }
    }

    /// Every path the change touches: both ends of a rename.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        let (a, b) = match self {
            Change::Added(p) | Change::Modified(p) | Change::Deleted(p) => (p, None),
            Change::Renamed { from, to } => (from, Some(to)),
        };
        std::iter::once(a).chain(b)
    }
}

/// The rest of `file` appended to `buf`, whose capacity the caller sized
/// from the metadata it already read. Through `Take`: `File`'s own
/// `read_to_end` asks the size again (a `statx` and an `lseek`: two of the
/// seven system calls of every loose object and index read); this still
/// reads to the end, as that did.
fn read_rest(file: &std::fs::File, buf: &mut Vec<u8>) -> io::Result<usize> {
    io::Read::read_to_end(&mut io::Read::take(file, u64::MAX), buf)
}

/// The top of the work tree containing `start`, if it is inside one: the
/// project root ([`crate::project::root_of`]) when it is a git checkout.
pub fn repo_root(start: &Path) -> Option<PathBuf> {
    let root = crate::project::root_of(start);
    has_git(&root).then_some(root)
}

/// Whether `root` holds `.git`; asked of the disk once per root when the
/// process reads one state ([`crate::project::hold_one_state`]).
fn has_git(root: &Path) -> bool {
    if !crate::project::one_state() {
        return root.join(".git").exists();
    }
    type Known = std::sync::Mutex<std::collections::HashMap<PathBuf, bool>>;
    static KNOWN: std::sync::OnceLock<Known> = std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    if let Some(has) = known.lock().ok().and_then(|m| m.get(root).copied()) {
        return has;
    }
    let has = root.join(".git").exists();
    if let Ok(mut m) = known.lock() {
        m.insert(root.to_path_buf(), has);
    }
    has
}

/// Every staged file (the index, stage 0), read from its blob.
pub fn index_vfs(root: &Path) -> io::Result<MemVfs> {
    index_vfs_filtered(root, |_| true)
}

/// Staged files for which `want(path)` holds. Symbolic links are left out
/// (never followed, and their target is not a job file).
pub fn index_vfs_filtered(root: &Path, want: impl Fn(&Path) -> bool) -> io::Result<MemVfs> {
    let repo = repo::open(root)?;
    let index = index::Staged::shared(&repo)?;
    let mut files = Vec::new();
    for e in index.entries() {
        if e.stage == 0 && matches!(e.kind, Kind::File | Kind::Executable) {
            files.push((path_of(e.path)?, e.id));
        }
    }
    fill(&repo, MemVfs::git(":", root), files, want)
}

/// Every file of revision `rev`. A repository without commits has an empty
/// `HEAD`: that gives an empty file set rather than an error.
pub fn rev_vfs(root: &Path, rev: &str) -> io::Result<MemVfs> {
    rev_vfs_filtered(root, rev, |_| true)
}

/// Files of `rev` for which `want(path)` holds.
pub fn rev_vfs_filtered(
    root: &Path,
    rev: &str,
    want: impl Fn(&Path) -> bool,
) -> io::Result<MemVfs> {
    let repo = repo::open(root)?;
    let Some(tree) = repo::tree_of(&repo, rev)? else {
        return Ok(MemVfs::git(rev, root));
    };
    let mut listed = Vec::new();
    repo::walk_files(&repo, tree, BStr::new(""), &mut listed)?;
    let files = listed
        .into_iter()
        .filter(|(_, _, kind)| matches!(kind, Kind::File | Kind::Executable))
        .map(|(path, oid, _)| Ok((path_of(&path)?, oid)))
        .collect::<io::Result<Vec<_>>>()?;
    fill(&repo, MemVfs::git(rev, root), files, want)
}

fn fill(
    repo: &repo::Repo,
    mut vfs: MemVfs,
    files: Vec<(PathBuf, gix::ObjectId)>,
    want: impl Fn(&Path) -> bool,
) -> io::Result<MemVfs> {
    for (path, oid) in files {
        if want(&path) {
            let bytes = repo::blob(repo, oid, &path)?;
            vfs.insert(path, crate::vfs::decode(bytes));
        }
    }
    Ok(vfs)
}

/// Paths changed from `base` to `head` (`None`: the working tree, or the
/// index when `staged`), renames detected. Trees and the index are compared
/// in process; the working tree, and renames of edited content, are git's
/// own (see [`cli`]).
pub fn changed_files(
    root: &Path,
    base: &str,
    head: Option<&str>,
    staged: bool,
) -> io::Result<Vec<Change>> {
    let repo = repo::open(root)?;
    let base_tree = repo::tree_of(&repo, base)?;
    let base_arg = || match base_tree {
        Some(_) => base.to_string(),
        // Before the first commit there is no base tree: the empty tree.
        None => gix::ObjectId::empty_tree(repo.object_hash()).to_string(),
    };
    let mut links = Vec::new();
    let raw = match head {
        Some(h) => diff::tree_to_tree(&repo, base_tree, repo::tree_of(&repo, h)?, &mut links)?,
        None if staged => {
            let index = index::Staged::shared(&repo)?;
            if index.is_sparse() {
                // A sparse index holds directories, not files: git expands them.
                let listed = cli::name_status(root, &base_arg(), None, true)?;
                let links = submodule::listed(&repo, base_tree, &listed, |p| {
                    index
                        .by_path(p)
                        .filter(|e| e.kind == Kind::Commit)
                        .map(|e| e.id)
                })?;
                return with_submodules(root, &repo, listed, &links);
            }
            diff::tree_to_index(&repo, base_tree, &index, &mut links)?
        }
        None => {
            let mut listed = cli::name_status(root, &base_arg(), None, false)?;
            hidden_edits::add_hidden(root, &repo, base_tree, &mut listed)?;
            return submodule::in_work_tree(root, &repo, base_tree, listed);
        }
    };
    let has = |s: Status| raw.iter().any(|(_, st)| *st == s);
    let changes = if has(Status::Added) && has(Status::Deleted) {
        // Possibly a rename: git decides by its similarity score.
        let head = head.map(repo::plain_rev).transpose()?;
        cli::name_status(root, &base_arg(), head, staged)?
    } else {
        raw.into_iter()
            .map(|(path, status)| to_change(path, status))
            .collect::<io::Result<_>>()?
    };
    with_submodules(root, &repo, changes, &links)
}

fn to_change(path: gix::bstr::BString, status: Status) -> io::Result<Change> {
    let path = path_of(path.as_bytes())?;
    Ok(match status {
        Status::Added => Change::Added(path),
        Status::Modified => Change::Modified(path),
        Status::Deleted => Change::Deleted(path),
    })
}

/// `changes` and what changed inside each submodule that moved.
fn with_submodules(
    root: &Path,
    repo: &repo::Repo,
    mut changes: Vec<Change>,
    links: &[diff::Gitlink],
) -> io::Result<Vec<Change>> {
    for link in links {
        for (path, status) in submodule::changes(root, repo, link, 0)? {
            changes.push(to_change(path, status)?);
        }
    }
    Ok(changes)
}

/// The directory git runs hooks from: `core.hooksPath` (relative to the
/// work tree, as git runs hooks there), else `hooks` in the common git dir.
pub fn hooks_dir(root: &Path) -> io::Result<PathBuf> {
    let repo = repo::open(root)?;
    Ok(match hooks_path(root)? {
        Some(p) if p.is_absolute() => p,
        Some(p) => root.join(p),
        None => repo.common_dir().join("hooks"),
    })
}

/// `core.hooksPath` as configured, when it is.
pub fn hooks_path(root: &Path) -> io::Result<Option<PathBuf>> {
    let repo = repo::open(root)?;
    let configured = repo
        .gix()?
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .map_err(repo::other)?;
    Ok(configured)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn name_status_keeps_non_utf8_names_and_stays_aligned() {
        use std::os::unix::ffi::OsStrExt;
        let out = b"A\0jobs/a\xff.nomad\0M\0jobs/bad.nomad\0R100\0old\0new\0";
        let got = parse_name_status(out).expect("parses");
        assert_eq!(
            got,
            vec![
                Change::Added(PathBuf::from(std::ffi::OsStr::from_bytes(
                    b"jobs/a\xff.nomad"
                ))),
                Change::Modified(PathBuf::from("jobs/bad.nomad")),
                Change::Renamed {
                    from: PathBuf::from("old"),
                    to: PathBuf::from("new")
                },
            ]
        );
        // A record cut short fails the listing instead of being dropped.
        assert!(parse_name_status(b"M\0a\0R100\0old\0").is_err());
    }

    /// Guard (passes on the baseline's `read_to_end` too): the reader that
    /// skips `File`'s second size query still reads to the end, whatever
    /// capacity the caller sized, past one read's worth.
    #[test]
    fn read_rest_reads_the_whole_file() {
        let dir = std::env::temp_dir().join(format!("np-read-rest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch");
        let path = dir.join("f");
        let body: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &body).expect("write");
        for cap in [0, 10, body.len(), body.len() + 7] {
            let file = std::fs::File::open(&path).expect("open");
            let mut got = Vec::with_capacity(cap);
            assert_eq!(read_rest(&file, &mut got).expect("read"), body.len());
            assert_eq!(got, body, "capacity {cap}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
