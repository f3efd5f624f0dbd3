//! The regular files of a revision with their blob ids, for a caller that
//! keys what it learns of a file by its content (`changeset::standing`):
//! trees hold the ids, so no blob is read to list them, and what a tree
//! holds is a function of its id, so a caller may remember it
//! ([`TreeMemo`]): a hook then reads only the trees a commit changed, not
//! the 20,000 entries of a large repository's index (issue 17).

use std::io;
use std::path::PathBuf;

use gix::bstr::{BString, ByteSlice};
use gix::ObjectId;

use super::super::repo::{self, path_of, Kind};
use super::super::submodule;
use super::{LazyGitVfs, Source};

/// A file's blob id: its bytes (SHA-1 or SHA-256 alike).
pub type BlobId = Vec<u8>;

/// The files a tree holds that the walk keeps: paths below the tree, raw,
/// with their blob ids; and its submodules, each as its path with a `/`
/// after it (no file's path ends so: git refuses it) and the commit it
/// records. What a tree holds is a function of its id: the commit of each
/// submodule is part of it, the submodule's own files are not (whether
/// they can be read depends on the clone).
pub type TreeFiles = Vec<(Vec<u8>, BlobId)>;

/// A submodule of the listed revision whose files cannot be read here
/// (not initialised, its commit not fetched, nested too deep, or its
/// repository outside the project): its path and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub path: PathBuf,
    pub why: String,
}

/// What [`LazyGitVfs::blobs`] lists: the files taken, and the submodules
/// it could not look into (their files are unknown, not absent).
#[derive(Debug, Default)]
pub struct Listed {
    pub files: Vec<(PathBuf, BlobId)>,
    pub unread: Vec<Unread>,
}

/// What a caller remembers of trees it was given, by tree id. Only valid
/// for one `wanted` test of file names.
pub trait TreeMemo {
    fn get(&mut self, tree: &[u8]) -> Option<TreeFiles>;
    fn put(&mut self, tree: &[u8], files: &TreeFiles);
}

/// A blob whose name the walk's `wanted` did not take, for a test of its
/// text ([`ByText`]): read by its id alone, so the answer is the blob's
/// (no checkout filter, no configuration) and a tree's may be remembered.
pub struct Unnamed<'a> {
    repo: &'a repo::Repo,
    oid: ObjectId,
    path: &'a [u8],
}

impl Unnamed<'_> {
    /// Its blob id: what its text is a function of.
    pub fn id(&self) -> BlobId {
        self.oid.as_bytes().to_vec()
    }

    /// Its first `n` bytes; `Ok(None)` past what is read that way (a
    /// packed blob far over the size cap), `Err` where the blob could not
    /// be read at all (a missing or corrupt object): a caller remembering
    /// "no job" by blob id must never remember a failed read (rv27-3).
    pub fn head_read(&self, n: u64) -> io::Result<Option<Vec<u8>>> {
        repo::blob_head_read(self.repo, self.oid, n)
    }

    /// Its bytes (refused over the size cap).
    pub fn whole(&self) -> io::Result<Vec<u8>> {
        repo::blob(self.repo, self.oid, &path_of(self.path)?)
    }
}

/// Does a blob's text take it, where its name did not?
pub type ByText<'a> = &'a dyn Fn(&Unnamed<'_>) -> bool;

/// The walk's two tests: a file name's, then a blob's text's.
type Tests<'a> = (&'a dyn Fn(&[u8]) -> bool, Option<ByText<'a>>);

/// Remembers nothing.
pub struct NoMemo;

impl TreeMemo for NoMemo {
    fn get(&mut self, _: &[u8]) -> Option<TreeFiles> {
        None
    }
    fn put(&mut self, _: &[u8], _: &TreeFiles) {}
}

impl LazyGitVfs {
    /// Every regular file of this revision (links left out: a link's
    /// target is listed where it is), those of its submodules too (read
    /// at the commit recorded, as a checkout of the submodule holds them:
    /// plain `check` of a checkout walks into them), whose file name
    /// `wanted` takes (on its raw bytes), or else whose text `by_text`
    /// takes, with its blob id, in tree order. `memo` gives and keeps what
    /// a tree holds by its id (for one pair of tests). The index is listed
    /// whole (no tree ids).
    pub fn blobs(
        &self,
        wanted: &dyn Fn(&[u8]) -> bool,
        by_text: Option<ByText<'_>>,
        memo: &mut dyn TreeMemo,
    ) -> io::Result<Listed> {
        self.blobs_at(wanted, by_text, memo, 0)
    }

    fn blobs_at(
        &self,
        wanted: &dyn Fn(&[u8]) -> bool,
        by_text: Option<ByText<'_>>,
        memo: &mut dyn TreeMemo,
        depth: usize,
    ) -> io::Result<Listed> {
        let raw = match &self.source {
            Source::Index(index) => self.with_state(|s| {
                let text = |path: &[u8], oid: ObjectId| {
                    by_text.is_some_and(|t| {
                        t(&Unnamed {
                            repo: &s.repo,
                            oid,
                            path,
                        })
                    })
                };
                let mut out = TreeFiles::new();
                for e in index.entries().filter(|e| e.stage == 0 && !e.intent_to_add) {
                    if e.kind == Kind::Commit {
                        out.push((submodule_key(e.path), e.id.as_bytes().to_vec()));
                    } else if file(e.kind) && (wanted(name_of(e.path)) || text(e.path, e.id)) {
                        out.push((e.path.to_vec(), e.id.as_bytes().to_vec()));
                    }
                }
                Ok(out)
            })?,
            Source::Tree(Some(tree)) => {
                let tests = (wanted, by_text);
                self.with_state(|s| tree_files(&s.repo, *tree, tests, memo, (b"", 0)))?
            }
            Source::Tree(None) => Vec::new(),
        };
        let mut out = Listed::default();
        for (p, id) in raw {
            let Some(at) = p.strip_suffix(b"/") else {
                out.files.push((path_of(&p)?, id));
                continue;
            };
            let at = path_of(at)?;
            let Ok(commit) = ObjectId::try_from(id.as_slice()) else {
                return Err(io::Error::other(
                    "a submodule's commit id of an unknown kind",
                ));
            };
            let sub = self.submodule_within(&at, commit, depth);
            let inner = match sub {
                Ok(sub) => sub.blobs_at(wanted, by_text, memo, depth + 1)?,
                Err(e) => match submodule::unreadable_why(&e) {
                    Some(why) => {
                        out.unread.push(Unread {
                            path: at,
                            why: why.to_string(),
                        });
                        continue;
                    }
                    None => return Err(e),
                },
            };
            out.files
                .extend(inner.files.into_iter().map(|(p, id)| (at.join(p), id)));
            out.unread.extend(inner.unread.into_iter().map(|u| Unread {
                path: at.join(u.path),
                why: u.why,
            }));
        }
        Ok(out)
    }
}

/// A submodule's entry in [`TreeFiles`]: its path and a `/`.
fn submodule_key(path: &[u8]) -> Vec<u8> {
    let mut p = path.to_vec();
    p.push(b'/');
    p
}

fn file(k: Kind) -> bool {
    matches!(k, Kind::File | Kind::Executable)
}

fn name_of(path: &[u8]) -> &[u8] {
    path.rsplit(|b| *b == b'/').next().unwrap_or(path)
}

/// Trees deeper than this are not walked: an error, never a shorter list.
/// The walk recurses once per level, and a hostile change can nest trees
/// thousands deep (rv25-9): 256 levels (paths of 512 bytes at least)
/// stay far inside any thread's stack, and beyond any real repository.
const MAX_DEPTH: usize = 256;

/// The files below tree `id` the tests take; `at`: the tree's path in the
/// walk and its depth.
fn tree_files(
    repo: &repo::Repo,
    id: ObjectId,
    tests: Tests<'_>,
    memo: &mut dyn TreeMemo,
    at: (&[u8], usize),
) -> io::Result<TreeFiles> {
    let (wanted, by_text) = tests;
    let (dir, depth) = at;
    if let Some(files) = memo.get(id.as_bytes()) {
        return Ok(files);
    }
    if depth > MAX_DEPTH {
        return Err(io::Error::other("git trees nested too deep to list"));
    }
    let mut out = TreeFiles::new();
    for e in repo::read_tree(repo, id)? {
        let name: &BString = &e.name;
        let path = || {
            let mut p = dir.to_vec();
            if !p.is_empty() {
                p.push(b'/');
            }
            p.extend_from_slice(name.as_bytes());
            p
        };
        if e.kind == Kind::Tree {
            let sub = path();
            for (below, blob) in tree_files(repo, e.oid, tests, memo, (&sub, depth + 1))? {
                let mut p = name.to_vec();
                p.push(b'/');
                p.extend_from_slice(below.as_bytes());
                out.push((p, blob));
            }
        } else if file(e.kind)
            && (wanted(name.as_bytes())
                || by_text.is_some_and(|t| {
                    let path = path();
                    t(&Unnamed {
                        repo,
                        oid: e.oid,
                        path: &path,
                    })
                }))
        {
            out.push((name.to_vec(), e.oid.as_bytes().to_vec()));
        } else if e.kind == Kind::Commit {
            out.push((submodule_key(name), e.oid.as_bytes().to_vec()));
        }
    }
    memo.put(id.as_bytes(), &out);
    Ok(out)
}
