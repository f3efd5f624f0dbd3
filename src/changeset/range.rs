//! The two sides a change set compares: where the running versions and the
//! world come from (a base revision) and where the new versions are read
//! (the index, the working tree or a revision), what git lists as changed
//! between them, and the `.nomad-preflight.hcl` each side is judged under.

use std::path::{Path, PathBuf};

use crate::config::{self, Configs};
use crate::git::{self, Change, LazyGitVfs};
use crate::source::{Origin, Source, SourceFile};
use crate::vfs::Vfs;

/// Where the new versions of the changed files are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// The index: what `git commit` will record.
    Index,
    /// The working tree.
    WorkTree,
    /// A revision (`--head REF`).
    Rev(String),
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Head::Index => f.write_str("the index"),
            Head::WorkTree => f.write_str("the working tree"),
            Head::Rev(r) => f.write_str(r),
        }
    }
}

/// The two sides being compared.
#[derive(Debug, Clone)]
pub struct Range {
    /// Top of the work tree; every path below is relative to it.
    pub root: PathBuf,
    /// Where the running versions (and the world) come from.
    pub base: String,
    pub head: Head,
}

impl Range {
    /// `--staged` (HEAD to the index), else `--base REF [--head REF2]`.
    pub fn new(root: PathBuf, staged: bool, base: Option<&str>, head: Option<&str>) -> Range {
        if staged {
            return Range {
                root,
                base: "HEAD".into(),
                head: Head::Index,
            };
        }
        Range {
            root,
            base: base.unwrap_or("HEAD").to_string(),
            head: head.map_or(Head::WorkTree, |h| Head::Rev(h.to_string())),
        }
    }

    /// The files holding the new versions.
    pub fn head_vfs(&self) -> std::io::Result<Box<dyn Vfs>> {
        Ok(match &self.head {
            Head::Index => Box::new(LazyGitVfs::index(&self.root)?.checked_line_ends(&self.base)),
            Head::Rev(r) => Box::new(LazyGitVfs::rev(&self.root, r)?.checked_line_ends(&self.base)),
            Head::WorkTree => {
                let root = self.root.clone();
                let (top, base) = (self.root.clone(), self.base.clone());
                let tracked = super::TrackedInputs::new(self.root.clone(), move || {
                    LazyGitVfs::index(&root)?.all_paths()
                });
                // Left out of a sparse checkout: its staged blob, with
                // the line ends a checkout would write checked as for
                // `--staged`.
                Box::new(tracked.with_left_out(move || {
                    Ok(super::tracked_inputs::LeftOut {
                        staged: Box::new(LazyGitVfs::index(&top)?.checked_line_ends(&base)),
                        paths: git::skip_worktree_paths(&top)?,
                    })
                }))
            }
        })
    }

    /// Every file of the new version, those inside its submodules too
    /// (a job file there may read a file the change touches). For the
    /// working tree, the tracked ones: its untracked files are in the
    /// change already.
    pub fn head_paths(&self) -> std::io::Result<Vec<PathBuf>> {
        match &self.head {
            Head::Index | Head::WorkTree => LazyGitVfs::index(&self.root)?.all_paths(),
            Head::Rev(r) => LazyGitVfs::rev(&self.root, r)?.all_paths(),
        }
    }

    /// [`Self::head_paths`], with the submodules it cannot read listed
    /// beside the files ([`LazyGitVfs::all_paths_listed`]), and those
    /// `skip` takes left out unread.
    pub fn head_paths_listed(
        &self,
        skip: &dyn Fn(&Path) -> bool,
    ) -> std::io::Result<(Vec<PathBuf>, Vec<git::Unread>)> {
        match &self.head {
            Head::Index | Head::WorkTree => LazyGitVfs::index(&self.root)?.all_paths_listed(skip),
            Head::Rev(r) => LazyGitVfs::rev(&self.root, r)?.all_paths_listed(skip),
        }
    }

    /// The regular files of the new version whose file name `wanted`
    /// takes (raw bytes), or else whose blob `by_text` takes, with their
    /// blob ids ([`LazyGitVfs::blobs`]),
    /// but for the paths a change set lists: the index's other files hold
    /// what the base (`HEAD`) holds, every difference being a change, so
    /// its tree is walked (trees `memo` remembers by id are not read
    /// again). `None` for the working tree, whose files have no id until
    /// read.
    pub fn head_blobs(
        &self,
        wanted: &dyn Fn(&[u8]) -> bool,
        by_text: Option<git::ByText<'_>>,
        memo: &mut dyn git::TreeMemo,
    ) -> std::io::Result<Option<git::Listed>> {
        let rev = match &self.head {
            Head::Index => &self.base,
            Head::Rev(r) => r,
            Head::WorkTree => return Ok(None),
        };
        LazyGitVfs::rev(&self.root, rev)?
            .blobs(wanted, by_text, memo)
            .map(Some)
    }

    /// The files of the new version that are symbolic links (for the
    /// working tree, the tracked ones: git lists its other changes).
    pub fn head_links(&self) -> std::io::Result<Vec<PathBuf>> {
        match &self.head {
            Head::Index | Head::WorkTree => LazyGitVfs::index(&self.root)?.link_paths(),
            Head::Rev(r) => LazyGitVfs::rev(&self.root, r)?.link_paths(),
        }
    }

    /// Where a finding about the changed file `path` points when it has no
    /// excerpt (a change set's "cannot tell"): the file as the head holds
    /// it (`at_head`), else as the base did (a deleted file), at line 1.
    /// JSON, SARIF and GitHub annotations locate it there; no text is
    /// read for it.
    pub fn place(&self, path: &Path, at_head: bool) -> Source {
        let shown = path.display();
        let (origin, name) = match (&self.head, at_head) {
            (Head::WorkTree, true) => (Origin::Disk(self.root.join(path)), shown.to_string()),
            (Head::Index, true) => (git_origin(":", path), format!("{shown} (staged)")),
            (Head::Rev(r), true) => (git_origin(r, path), format!("{r}:{shown}")),
            (_, false) => (
                git_origin(&self.base, path),
                format!("{}:{shown}", self.base),
            ),
        };
        SourceFile::new(origin, name, "")
    }

    /// The files at the base (the versions that run).
    pub fn base_vfs(&self) -> std::io::Result<LazyGitVfs> {
        LazyGitVfs::rev(&self.root, &self.base)
    }

    /// The configurations this change set is judged under, found from the
    /// current folder up to the repository's top on each side (see
    /// [`Configs`]).
    pub fn configs(&self) -> Result<Configs, crate::diag::Diags> {
        let git_err = |e: std::io::Error| {
            crate::diag::Diags::from(crate::diag::Diag::error(
                "config::read",
                format!("cannot read {} from git: {e}", config::FILE_NAME),
            ))
        };
        let start = config::start_in(&self.root);
        let head_vfs = self.head_vfs().map_err(git_err)?;
        let head = config::discover(head_vfs.as_ref(), &start)?.unwrap_or_default();
        let base = match self.head {
            Head::Index => None,
            _ => {
                let base_vfs = self.base_vfs().map_err(git_err)?;
                Some(config::discover(&base_vfs, &start)?.unwrap_or_default())
            }
        };
        Ok(Configs { head, base })
    }

    pub(super) fn changes(&self) -> std::io::Result<Vec<Change>> {
        let (head, staged) = match &self.head {
            Head::Index => (None, true),
            Head::WorkTree => (None, false),
            Head::Rev(r) => (Some(r.as_str()), false),
        };
        let mut changes = git::changed_files(&self.root, &self.base, head, staged)?;
        if self.head == Head::WorkTree {
            with_untracked(&mut changes, git::untracked(&self.root, false)?);
        }
        Ok(changes)
    }

    /// Files named like job files that `.gitignore` keeps out of the
    /// working tree's change (they can never be committed as they are).
    pub(super) fn ignored_jobs(&self) -> std::io::Result<Vec<PathBuf>> {
        if self.head != Head::WorkTree {
            return Ok(Vec::new());
        }
        let named = |p: &PathBuf| {
            let name = p.to_string_lossy();
            name.ends_with(".nomad") || name.ends_with(".nomad.hcl") || name.ends_with(".job")
        };
        Ok(git::untracked(&self.root, true)?
            .into_iter()
            .filter(named)
            .collect())
    }
}

fn git_origin(rev: &str, path: &Path) -> Origin {
    Origin::Git {
        rev: rev.to_string(),
        path: path.to_path_buf(),
    }
}

/// Add the working tree's untracked files to its `git diff BASE` listing:
/// git leaves them out until they are added, and a new job file nobody ran
/// `git add` on yet is still the change under review. A file removed from
/// the index but still on disk is a modification, not a deletion.
fn with_untracked(changes: &mut Vec<Change>, untracked: Vec<PathBuf>) {
    for path in untracked {
        match changes
            .iter_mut()
            .find(|c| matches!(c, Change::Deleted(p) if *p == path))
        {
            Some(c) => *c = Change::Modified(path),
            None => changes.push(Change::Added(path)),
        }
    }
}
