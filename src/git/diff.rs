//! The paths that differ between two trees, or between a tree and the
//! index, found by walking only what differs: a subtree whose id is the
//! same on both sides is never opened, so a hook on one staged file in a
//! repository of 20,000 reads the few trees on that file's path.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use gix::bstr::{BStr, BString};
use gix::ObjectId;

use super::index::{CacheTree, Staged};
use super::repo::{join, read_tree, walk_files, Kind};

/// A change as git's `--name-status` letters it, before rename pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Status {
    Added,
    Modified,
    Deleted,
}

pub(super) type Changes = Vec<(BString, Status)>;

/// A submodule whose recorded commit differs between the two sides
/// (`None`: no submodule there on that side). Its path is also listed as a
/// change; what changed inside is the submodule's own diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Gitlink {
    pub path: BString,
    pub from: Option<ObjectId>,
    pub to: Option<ObjectId>,
}

fn commit(side: Option<(ObjectId, Kind)>) -> Option<ObjectId> {
    side.filter(|(_, k)| *k == Kind::Commit).map(|(o, _)| o)
}

/// Note `path` in `links` when either side records a submodule there.
fn note_gitlink(
    links: &mut Vec<Gitlink>,
    path: &BString,
    a: Option<(ObjectId, Kind)>,
    b: Option<(ObjectId, Kind)>,
) {
    let (from, to) = (commit(a), commit(b));
    if from.is_some() || to.is_some() {
        links.push(Gitlink {
            path: path.clone(),
            from,
            to,
        });
    }
}

/// One side of a name in a tree comparison: absent, or its object.
type Side = Option<(ObjectId, Kind)>;

/// Paths that differ from tree `a` to tree `b` (`None`: the empty tree);
/// the submodules among them are also noted in `links`.
pub(super) fn tree_to_tree(
    repo: &super::repo::Repo,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    links: &mut Vec<Gitlink>,
) -> io::Result<Changes> {
    let mut out = Vec::new();
    if a != b {
        walk_pair(repo, a, b, BStr::new(""), &mut out, links)?;
    }
    out.sort();
    Ok(out)
}

/// One folder of a [`walk_pair`]: its path, the names still to compare
/// (next last), and the name whose subtree is being walked, finished
/// (noted, listed) once that subtree is done.
struct Pair {
    prefix: BString,
    names: Vec<(BString, (Side, Side))>,
    after: Option<(BString, Side, Side)>,
}

/// The differing paths below trees `a` and `b`, walked with a stack of
/// its own: a path 1200 folders deep overflowed the 2 MiB stack of the
/// thread running it when each folder was a call (R14-12).
fn walk_pair(
    repo: &super::repo::Repo,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    prefix: &BStr,
    out: &mut Changes,
    links: &mut Vec<Gitlink>,
) -> io::Result<()> {
    let mut open = vec![pair(repo, a, b, prefix)?];
    let tree = |s: Side| s.filter(|(_, k)| *k == Kind::Tree).map(|(o, _)| o);
    while let Some(top) = open.last_mut() {
        let Some((name, (x, y))) = top.names.pop() else {
            open.pop();
            if let Some((path, x, y)) = open.last_mut().and_then(|p| p.after.take()) {
                finish(links, out, path, x, y);
            }
            continue;
        };
        if x == y {
            continue;
        }
        let path = join(top.prefix.as_ref(), name.as_ref());
        let (tx, ty) = (tree(x), tree(y));
        if tx.is_some() || ty.is_some() {
            let child = pair(repo, tx, ty, path.as_ref())?;
            top.after = Some((path, x, y));
            open.push(child);
        } else {
            finish(links, out, path, x, y);
        }
    }
    Ok(())
}

/// The names of trees `a` and `b` side by side, next last.
fn pair(
    repo: &super::repo::Repo,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    prefix: &BStr,
) -> io::Result<Pair> {
    let side = |id: Option<ObjectId>| -> io::Result<Vec<_>> {
        Ok(match id {
            Some(id) => read_tree(repo, id)?,
            None => Vec::new(),
        })
    };
    let mut names: BTreeMap<BString, (Side, Side)> = BTreeMap::new();
    for e in side(a)? {
        names.entry(e.name).or_default().0 = Some((e.oid, e.kind));
    }
    for e in side(b)? {
        names.entry(e.name).or_default().1 = Some((e.oid, e.kind));
    }
    Ok(Pair {
        prefix: prefix.to_owned(),
        names: names.into_iter().rev().collect(),
        after: None,
    })
}

/// Note and list `path` once what is below it (if a folder) is walked.
fn finish(links: &mut Vec<Gitlink>, out: &mut Changes, path: BString, x: Side, y: Side) {
    let file = |s: Side| s.filter(|(_, k)| *k != Kind::Tree);
    note_gitlink(links, &path, x, y);
    match (file(x), file(y)) {
        (Some(_), Some(_)) => out.push((path, Status::Modified)),
        (Some(_), None) => out.push((path, Status::Deleted)),
        (None, Some(_)) => out.push((path, Status::Added)),
        (None, None) => {}
    }
}

/// Paths that differ from tree `tree` to the index (`git diff --cached`).
/// The index's cache-tree extension names the tree each unchanged
/// directory would write: where it equals the committed subtree, nothing
/// below it changed and it is skipped on both sides. An entry with a
/// conflict is one modified path (git's `U`); an intent-to-add entry is not
/// staged content and is left out, as git leaves it out.
pub(super) fn tree_to_index(
    repo: &super::repo::Repo,
    tree: Option<ObjectId>,
    index: &Staged,
    links: &mut Vec<Gitlink>,
) -> io::Result<Changes> {
    let mut committed = Vec::new();
    let mut skipped: Vec<BString> = Vec::new();
    if let Some(id) = tree {
        walk_unless_cached(
            repo,
            id,
            index.cache_tree(),
            BStr::new(""),
            &mut committed,
            &mut skipped,
        )?;
    }
    committed.sort_by(|a, b| a.0.cmp(&b.0));
    if skipped.iter().any(|s| s.is_empty()) {
        return Ok(Vec::new()); // the index would write exactly `tree`
    }
    // The index is sorted by path, so the entries below a skipped directory
    // (as `dir/`) are one run, found by two binary searches and stepped
    // over whole: a hook in a repository of 20,000 files looks at the
    // entries of the changed directories only.
    let mut runs: Vec<std::ops::Range<usize>> = skipped
        .iter()
        .map(|dir| index.prefixed(join(dir.as_ref(), BStr::new("")).as_slice()))
        .collect();
    runs.sort_by_key(|r| r.start);
    let mut kept = Vec::with_capacity(runs.len() + 1);
    let mut at = 0;
    for r in runs {
        if r.start > at {
            kept.push(at..r.start);
        }
        at = at.max(r.end);
    }
    kept.push(at..index.len());
    let mut unmerged = BTreeSet::new();
    let mut staged = Vec::new();
    for entry in kept.into_iter().flatten().map(|i| index.entry(i)) {
        let path = entry.path;
        if entry.stage != 0 {
            unmerged.insert(path.to_owned());
        } else if !entry.intent_to_add {
            staged.push((path.to_owned(), entry.id, entry.kind));
        }
    }
    let mut out: Changes = unmerged
        .iter()
        .map(|p| (p.clone(), Status::Modified))
        .collect();
    let (mut i, mut j) = (0, 0);
    while i < committed.len() || j < staged.len() {
        let ord = match (committed.get(i), staged.get(j)) {
            (Some(c), Some(s)) => c.0.cmp(&s.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let side = |e: &(BString, ObjectId, Kind)| Some((e.1, e.2));
        let (path, status, was, now) = match ord {
            std::cmp::Ordering::Less => {
                i += 1;
                let c = &committed[i - 1];
                (&c.0, Some(Status::Deleted), side(c), None)
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                let s = &staged[j - 1];
                (&s.0, Some(Status::Added), None, side(s))
            }
            std::cmp::Ordering::Equal => {
                let (c, s) = (&committed[i], &staged[j]);
                i += 1;
                j += 1;
                let same = c.1 == s.1 && c.2 == s.2;
                (&c.0, (!same).then_some(Status::Modified), side(c), side(s))
            }
        };
        if let Some(status) = status {
            if !unmerged.contains(path) {
                note_gitlink(links, path, was, now);
                out.push((path.clone(), status));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files of tree `id`, except below directories the index's cache
/// tree records as unchanged (those are listed in `skipped`). A stack of
/// its own, not recursion (R14-12: paths 1200 folders deep).
fn walk_unless_cached(
    repo: &super::repo::Repo,
    id: ObjectId,
    cached: Option<&CacheTree>,
    prefix: &BStr,
    out: &mut Vec<(BString, ObjectId, Kind)>,
    skipped: &mut Vec<BString>,
) -> io::Result<()> {
    let mut todo = vec![(id, cached, prefix.to_owned())];
    while let Some((id, cached, prefix)) = todo.pop() {
        if cached.is_some_and(|c| c.id == Some(id)) {
            skipped.push(prefix);
            continue;
        }
        let Some(cached) = cached else {
            walk_files(repo, id, prefix.as_ref(), out)?;
            continue;
        };
        for e in read_tree(repo, id)? {
            let path = join(prefix.as_ref(), e.name.as_ref());
            if e.kind == Kind::Tree {
                let child = cached
                    .children
                    .iter()
                    .find(|c| c.name.as_slice() == e.name.as_slice());
                todo.push((e.oid, child, path));
            } else {
                out.push((path, e.oid, e.kind));
            }
        }
    }
    Ok(())
}
