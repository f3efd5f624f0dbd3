//! Submodules: a path where a tree records a commit of another repository.
//! Moving that commit changes every file the submodule holds, and job files
//! kept in a submodule are job files of the project: a change set looks
//! inside, and when it cannot (the submodule's repository or one of the two
//! commits is not in this clone) it refuses to go on rather than report
//! that no job file changed.

use std::io;
use std::path::{Component, Path, PathBuf};

use gix::bstr::{BStr, ByteSlice};
use gix::ObjectId;

use super::diff::{self, Changes, Gitlink};
use super::repo::{self, bytes_of, join, path_of, Kind};
use super::Change;

/// Submodules inside submodules are followed this deep; past it the change
/// set is refused (a chain that deep is a loop or an attack, not a layout).
pub(super) const MAX_DEPTH: usize = 8;

/// The repository of the submodule at `path` (relative to the work tree
/// `root` of `parent`): its checkout when it has one (`path/.git`), else
/// the git dir git keeps for it in the superproject (`modules/PATH`, where
/// `git submodule` puts it unless `.gitmodules` names it otherwise).
/// `None` when neither is there, or `path` is not a plain relative path.
pub(super) fn open(
    root: &Path,
    parent: &super::repo::Repo,
    path: &Path,
) -> Option<super::repo::Repo> {
    let plain = path.components().all(|c| match c {
        Component::Normal(n) => n != ".git",
        _ => false,
    });
    if !plain || path.as_os_str().is_empty() {
        return None;
    }
    let checkout = root.join(path);
    if checkout.join(".git").exists() {
        let repo = repo::open(&checkout).ok()?;
        // An empty folder of an uninitialised submodule has no `.git`, but
        // a discovery must never climb back into the superproject.
        let own = repo.workdir().is_some_and(|w| same_dir(w, &checkout));
        if own
            && repo.git_dir() != parent.git_dir()
            && !same_dir(repo.git_dir(), parent.git_dir())
            && kept_inside(&repo, root, parent)
        {
            return Some(repo);
        }
    }
    let modules = parent.common_dir().join("modules").join(path);
    if modules.is_dir() {
        return gix::open(&modules).ok().map(super::repo::Repo::from_gix);
    }
    None
}

/// Whether a submodule checkout's repository keeps its parts (git dir,
/// common dir, objects) inside the project: the superproject's work tree
/// `root` or its own git dir, where git puts them (`modules/PATH`). The
/// submodule's folder is the project's, but its `.git` file may name any
/// folder (`gitdir: /elsewhere`), and a reader following it would read
/// objects of a repository outside the project; then only `modules/PATH`
/// is looked at, and a submodule found nowhere is refused as unreadable.
fn kept_inside(repo: &super::repo::Repo, root: &Path, parent: &super::repo::Repo) -> bool {
    let homes: Vec<PathBuf> = [root, parent.common_dir()]
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let inside = |part: &Path| match std::fs::canonicalize(part) {
        Ok(at) => homes.iter().any(|h| at.starts_with(h)),
        Err(_) => false,
    };
    // Object stores borrowed through `objects/info/alternates` (what
    // `git submodule update --reference` writes) are read too: each must
    // be inside as well. A list too large to be git's is not followed.
    let objects = repo.objects_dir();
    let borrowed = match std::fs::symlink_metadata(objects.join("info/alternates")) {
        Err(_) => Some(Vec::new()),
        Ok(m) if !m.is_file() || m.len() > 64 * 1024 => None,
        Ok(_) => std::fs::read_to_string(objects.join("info/alternates"))
            .ok()
            .map(|t| {
                t.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(|l| objects.join(l))
                    .collect()
            }),
    };
    let Some(borrowed) = borrowed else {
        return false;
    };
    let own = [repo.git_dir(), repo.common_dir(), objects];
    own.into_iter().all(inside) && borrowed.iter().all(|b| inside(b))
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The short name of a commit, as messages show it.
pub(super) fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(10).to_string()
}

/// The error that stops a change set at a submodule it cannot look into.
pub(super) fn unreadable(path: &BStr, why: &str) -> io::Error {
    let shown = crate::escape::one_line(&path.to_str_lossy());
    io::Error::new(
        io::ErrorKind::NotFound,
        Unreadable(
            format!(
                "{shown} is a submodule and {why}, so the job files in it cannot be compared: run `git submodule update --init {shown}` (CI: check submodules out) and try again"
            ),
            why.to_string(),
        ),
    )
}

/// A submodule the change set cannot look into, carried inside the
/// `io::Error` so that a caller advising on a failed read tells it from a
/// missing revision by type: fetching the superproject does not bring a
/// submodule's commits, checking the submodule out does.
#[derive(Debug)]
pub struct Unreadable(String, String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreadable {}

/// Is `e` a submodule the change set could not look into?
pub fn is_unreadable(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|r| r.is::<Unreadable>())
}

/// Why the submodule of `e` could not be looked into ("its repository is
/// not in this clone"), when `e` is [`Unreadable`].
pub fn unreadable_why(e: &io::Error) -> Option<&str> {
    e.get_ref()
        .and_then(|r| r.downcast_ref::<Unreadable>())
        .map(|u| u.1.as_str())
}

/// The tree of `commit` in the submodule's repository.
pub(super) fn tree_of(
    sub: &super::repo::Repo,
    path: &BStr,
    commit: ObjectId,
) -> io::Result<ObjectId> {
    match repo::tree_of(sub, &commit.to_string()) {
        Ok(Some(tree)) => Ok(tree),
        _ => Err(unreadable(
            path,
            &format!("its commit {} is not in this clone", short(&commit)),
        )),
    }
}

/// The paths that differ inside the submodule at `path` from commit `from`
/// to `to` (`None`: it was added or removed), under `path`.
pub(super) fn changes(
    root: &Path,
    parent: &super::repo::Repo,
    link: &Gitlink,
    depth: usize,
) -> io::Result<Changes> {
    let path = link.path.as_bstr();
    if depth >= MAX_DEPTH {
        return Err(unreadable(
            path,
            &format!("submodules are nested more than {MAX_DEPTH} deep"),
        ));
    }
    let rel = path_of(path)?;
    let Some(sub) = open(root, parent, &rel) else {
        return Err(unreadable(path, "its repository is not in this clone"));
    };
    let from = link.from.map(|c| tree_of(&sub, path, c)).transpose()?;
    let to = link.to.map(|c| tree_of(&sub, path, c)).transpose()?;
    let mut nested = Vec::new();
    let inner = diff::tree_to_tree(&sub, from, to, &mut nested)?;
    let mut out: Changes = inner
        .into_iter()
        .map(|(p, s)| (join(path, p.as_ref()), s))
        .collect();
    let sub_root = root.join(&rel);
    for n in nested {
        for (p, s) in changes(&sub_root, &sub, &n, depth + 1)? {
            out.push((join(path, p.as_ref()), s));
        }
    }
    out.sort();
    Ok(out)
}

/// The entry tree `tree` records at `path`, found by reading the trees on
/// the way down.
pub(super) fn recorded(
    repo: &super::repo::Repo,
    tree: Option<ObjectId>,
    path: &BStr,
) -> io::Result<Option<(ObjectId, Kind)>> {
    let Some(mut at) = tree else {
        return Ok(None);
    };
    let mut parts = path.split_str("/").peekable();
    while let Some(name) = parts.next() {
        let Some(e) = repo::read_tree(repo, at)?
            .into_iter()
            .find(|e| e.name.as_slice() == name)
        else {
            return Ok(None);
        };
        if parts.peek().is_none() {
            return Ok(Some((e.oid, e.kind)));
        }
        if e.kind != Kind::Tree {
            return Ok(None);
        }
        at = e.oid;
    }
    Ok(None)
}

fn commit_at(
    repo: &super::repo::Repo,
    tree: Option<ObjectId>,
    path: &BStr,
) -> io::Result<Option<ObjectId>> {
    Ok(recorded(repo, tree, path)?
        .filter(|(_, k)| *k == Kind::Commit)
        .map(|(o, _)| o))
}

/// The submodules among paths git's command line listed as changed from
/// `base` (whose commits are read from its tree) to a side whose commit at
/// a path `now` gives.
pub(super) fn listed(
    repo: &super::repo::Repo,
    base: Option<ObjectId>,
    changes: &[Change],
    now: impl Fn(&BStr) -> Option<ObjectId>,
) -> io::Result<Vec<Gitlink>> {
    let mut out = Vec::new();
    for path in changes.iter().flat_map(Change::paths) {
        let bytes = bytes_of(path);
        let (from, to) = (commit_at(repo, base, bytes.as_ref())?, now(bytes.as_ref()));
        if (from.is_some() || to.is_some()) && from != to {
            out.push(Gitlink {
                path: bytes,
                from,
                to,
            });
        }
    }
    Ok(out)
}

/// `changes` (git's listing from `base` to the working tree of `root`) and
/// what changed in the working tree of each submodule among them, compared
/// with the commit `base` records for it: the files on disk are what the
/// change set reads.
pub(super) fn in_work_tree(
    root: &Path,
    repo: &super::repo::Repo,
    base: Option<ObjectId>,
    changes: Vec<Change>,
) -> io::Result<Vec<Change>> {
    in_work_tree_at(root, repo, base, changes, 0)
}

fn in_work_tree_at(
    root: &Path,
    repo: &super::repo::Repo,
    base: Option<ObjectId>,
    mut changes: Vec<Change>,
    depth: usize,
) -> io::Result<Vec<Change>> {
    let paths: Vec<PathBuf> = changes.iter().flat_map(Change::paths).cloned().collect();
    for rel in paths {
        let bytes = bytes_of(&rel);
        let from = commit_at(repo, base, bytes.as_ref())?;
        let checkout = root.join(&rel);
        let sub = open(root, repo, &rel).filter(|_| checkout.join(".git").exists());
        let Some(sub) = sub else {
            if from.is_some() {
                return Err(unreadable(
                    bytes.as_ref(),
                    "it is not checked out in the working tree",
                ));
            }
            continue;
        };
        if depth >= MAX_DEPTH {
            return Err(unreadable(
                bytes.as_ref(),
                &format!("submodules are nested more than {MAX_DEPTH} deep"),
            ));
        }
        let inner = match from {
            Some(commit) => {
                let sub_base = tree_of(&sub, bytes.as_ref(), commit)?;
                let mut listed =
                    super::cli::name_status(&checkout, &sub_base.to_string(), None, false)?;
                super::hidden_edits::add_hidden(&checkout, &sub, Some(sub_base), &mut listed)?;
                let mut inner =
                    in_work_tree_at(&checkout, &sub, Some(sub_base), listed, depth + 1)?;
                for p in super::cli::untracked(&checkout, false)? {
                    inner.push(Change::Added(p));
                }
                inner
            }
            None => super::cli::ls_files(&checkout)?
                .into_iter()
                .map(Change::Added)
                .collect(),
        };
        changes.extend(inner.into_iter().map(|c| prefixed(&rel, c)));
    }
    Ok(changes)
}

fn prefixed(dir: &Path, c: Change) -> Change {
    match c {
        Change::Added(p) => Change::Added(dir.join(p)),
        Change::Modified(p) => Change::Modified(dir.join(p)),
        Change::Deleted(p) => Change::Deleted(dir.join(p)),
        Change::Renamed { from, to } => Change::Renamed {
            from: dir.join(from),
            to: dir.join(to),
        },
    }
}
