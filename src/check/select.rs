//! Which files a `check` run looks at, and where their content comes from.
//!
//! A file named explicitly is a job file if it parses as one, whatever its
//! name. A folder walk (git's view of it inside a repository, so
//! `.gitignore` holds) takes `*.nomad`, `*.nomad.hcl`, `*.job` and `*.hcl`,
//! and keeps those with a top-level `job` block, and any other file whose
//! text is a job's (the change set's test, [`holds_job`]). With `--staged` / `--base`
//! the candidates are the changed files instead. A named path that does
//! not exist (a dangling link too), or a folder named as a job file
//! (`*.nomad`, `*.hcl`, `*.job`), is a job file Nomad's CLI cannot get:
//! checked, and refused in go-getter's words (`super::cannot_get`).

use std::path::{Path, PathBuf};

use crate::changeset::{ChangeSet, Range};
use crate::config::{self, Configs};
use crate::diag::{Diag, Diags};
use crate::git;
use crate::project::Fence;
use crate::vfs::{DiskVfs, Vfs};

/// What to look at: the command line's paths and git mode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub paths: Vec<PathBuf>,
    pub staged: bool,
    pub base: Option<String>,
    pub head: Option<String>,
}

/// Where files are read from and which ones to check.
pub struct Selection {
    /// Shared: the hook's helper reads the head's other job files
    /// through it while the run loads the staged ones (`check::preload`).
    pub vfs: std::sync::Arc<dyn Vfs>,
    /// Candidate job files, relative to the Vfs root.
    pub files: Vec<PathBuf>,
    /// Paths named on the command line that Nomad's CLI cannot get
    /// (`super::not_got`): each is reported in its words. Empty for a
    /// change set.
    pub not_got: Vec<PathBuf>,
    /// `--staged` / `--base`: the change set the files come from (its
    /// deletions and world changes are gated too).
    pub set: Option<ChangeSet>,
    /// `.nomad-preflight.hcl` (the head's, and with `--base` the base's).
    pub configs: Configs,
    /// The project root, absolute: what the configuration's paths are
    /// relative to.
    root: PathBuf,
}

impl Selection {
    /// A checked file's path relative to the project root (the Vfs root of
    /// a change set already is; a plain run's paths are as named).
    pub fn in_project(&self, path: &Path) -> PathBuf {
        if self.set.is_some() {
            return path.to_path_buf();
        }
        let abs = crate::project::absolute(path);
        abs.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(abs)
    }
}

pub fn usage(msg: impl std::fmt::Display) -> Diag {
    Diag::error("check::usage", msg.to_string())
}

pub use crate::changeset::{holds_job, is_job_candidate};

/// Files under `dir` (or `dir` itself): git's view when inside a repository
/// (so `.gitignore` holds), otherwise the fence's walk ([`Fence::walk`]),
/// skipping hidden folders and `target/`. Entries the reader must refuse
/// (links leading outside, FIFOs, devices, folders that cannot be listed)
/// are kept, so each becomes a located error and never a silent skip; the
/// second of each pair says the entry is kept whatever its name.
pub fn expand(dir: &Path, fence: &Fence) -> Vec<(PathBuf, bool)> {
    if !dir.is_dir() {
        return vec![(dir.to_path_buf(), true)];
    }
    if git::repo_root(dir).is_some() {
        if let Ok(files) = git::ls_files(dir) {
            return files
                .into_iter()
                .map(|f| {
                    if dir == Path::new(".") {
                        f
                    } else {
                        dir.join(f)
                    }
                })
                // Deleted from the working tree: gone. A checked-out
                // submodule is a folder of the project's files, listed by
                // its own repository (an uninitialised one holds none).
                // Links are listed as the walk lists them; the reader
                // checks or refuses every entry.
                .flat_map(|f| match std::fs::symlink_metadata(&f) {
                    Ok(m) if m.file_type().is_symlink() => fence
                        .link_entry(&f)
                        .map(|w| (w.path, w.always))
                        .into_iter()
                        .collect(),
                    Ok(m) if !m.is_dir() => vec![(f, false)],
                    Ok(_) if f.join(".git").exists() => expand(&f, fence),
                    _ => Vec::new(),
                })
                .collect();
        }
    }
    fence
        .walk(dir, |name| {
            name.to_string_lossy().starts_with('.') || name == "target"
        })
        .into_iter()
        .map(|w| {
            let p = w.path;
            let p = p.strip_prefix("./").map(Path::to_path_buf).unwrap_or(p);
            (p, w.always)
        })
        .collect()
}

/// The command line's paths as the change set names them: relative to the
/// top of the repository, whatever folder the run started in (a path given
/// from a sub-folder must not match nothing and pass an empty change set).
fn in_repository(root: &Path, cwd: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diag> {
    let cwd = crate::project::absolute(cwd);
    let cwd = crate::project::canonical(&cwd).unwrap_or(cwd);
    paths
        .iter()
        .map(|p| {
            let abs = crate::vfs::normalize(&cwd.join(p));
            // A path that is there is taken where it leads, as plain
            // `check` takes it: `jobs/` through a tracked link to
            // `nomad/jobs` names the files git lists under `nomad/jobs`
            // (it matched nothing and passed, redteam6 G14).
            let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
            abs.strip_prefix(root).map(Path::to_path_buf).map_err(|_| {
                usage(format!(
                    "{} is outside the repository ({})",
                    crate::escape::one_line(&p.to_string_lossy()),
                    crate::escape::one_line(&root.to_string_lossy())
                ))
                .help("a change set holds only the repository's files: name paths inside it")
            })
        })
        .collect()
}

/// Every path named on the command line names something on one side of
/// the change: the base's files, the new version's, or the working tree.
/// A typo (`job/`) selected nothing and passed every change set ("0
/// files", exit 0) forever (redteam6 G14); it is a usage error. A named
/// path under which nothing changed is still a clean run.
fn named_somewhere(range: &Range, wanted: &[PathBuf]) -> Result<(), Diag> {
    if wanted.is_empty() {
        return Ok(());
    }
    let listed = |e: std::io::Error| usage(format!("cannot list the repository's files: {e}"));
    let mut missing: Vec<&PathBuf> = wanted
        .iter()
        .filter(|w| !w.as_os_str().is_empty() && !range.root.join(w).exists())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sides = [
        range.head_paths().map_err(listed)?,
        range
            .base_vfs()
            .and_then(|b| b.all_paths())
            .map_err(listed)?,
    ];
    missing.retain(|w| !sides.iter().flatten().any(|p| p.starts_with(w)));
    match missing.first() {
        None => Ok(()),
        Some(w) => Err(usage(format!(
            "{} names no file of the repository, at {} or in {}",
            crate::escape::one_line(&w.to_string_lossy()),
            crate::escape::one_line(&range.base),
            range.head
        ))
        .help(
            "name a path the repository holds (a typo would select nothing and pass every change)",
        )),
    }
}

/// The files `check` would look at, for a process started in `cwd`.
pub fn select(scope: &Scope, cwd: &Path) -> Result<Selection, Diags> {
    if scope.staged || scope.base.is_some() {
        let root = git::repo_root(cwd).ok_or_else(|| {
            usage("--staged and --base need a git repository")
                .help("run inside the repository holding the job files")
        })?;
        let wanted = in_repository(&root, cwd, &scope.paths)?;
        let range = Range::new(
            root,
            scope.staged,
            scope.base.as_deref(),
            scope.head.as_deref(),
        );
        let mut set = ChangeSet::read(range).map_err(|e| {
            // The message of a submodule says what to run; fetching the
            // superproject would not bring the submodule's commits.
            let help = if git::is_submodule_unreadable(&e) {
                "in CI: actions/checkout with `submodules: recursive` checks submodules out"
            } else {
                "the base revision must be in the clone: `git fetch origin` (in CI: actions/checkout with `fetch-depth: 0`)"
            };
            usage(format!("cannot list changed files: {e}")).help(help)
        })?;
        named_somewhere(&set.range, &wanted)?;
        set.restrict(&wanted);
        let configs = set.range.configs()?;
        set.configure(&configs);
        let vfs = set
            .range
            .head_vfs()
            .map_err(|e| usage(format!("cannot read the new versions from git: {e}")))?;
        config::refuse_unread(vfs.as_ref(), &configs.head, &set.changed())?;
        if set.touches_other_names() {
            let base = set
                .range
                .base_vfs()
                .map_err(|e| usage(format!("cannot read the base versions from git: {e}")))?;
            set.find_jobs_by_text(vfs.as_ref(), &base);
        }
        let root = set.range.root.clone();
        return Ok(Selection {
            vfs: vfs.into(),
            files: set.candidates(),
            not_got: Vec::new(),
            set: Some(set),
            configs,
            root,
        });
    }
    let root = config::search_root(cwd);
    let root_vfs = DiskVfs::new(root.clone());
    let head = config::discover(&root_vfs, &config::start_in(&root))?;
    let configs = Configs {
        head: head.unwrap_or_default(),
        base: None,
    };
    let in_root = |f: &Path| {
        let abs = crate::project::absolute(f);
        abs.strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or(abs)
    };
    let roots = if scope.paths.is_empty() {
        vec![cwd.to_path_buf()]
    } else {
        scope.paths.clone()
    };
    let mut vfs = DiskVfs::new(".");
    for r in &roots {
        vfs.admit_named(r);
    }
    let mut files = Vec::new();
    let mut not_got = Vec::new();
    for r in &roots {
        // A path Nomad's CLI cannot get (missing, a dangling link, a folder
        // named as a job file) is a job file it refuses in go-getter's
        // words (`super::not_got`, exit 1), as `validate` refuses it. A
        // folder named otherwise is walked; a missing path go-getter would
        // not take as a plain file (a URL) is a usage error.
        if super::not_got::refused(r).is_some() {
            not_got.push(r.clone());
            continue;
        }
        if !r.exists() {
            return Err(usage(format!("{}: no such file or directory", r.display())).into());
        }
        // Named explicitly (a file, a FIFO, a link...): checked whatever its
        // name or the configuration says (as ruff does); a folder walk
        // follows the configuration's `include` and `exclude`.
        let explicit = !r.is_dir();
        let head = &configs.head;
        let found = expand(r, vfs.fence());
        let in_project: Vec<PathBuf> = found.iter().map(|(f, _)| in_root(f)).collect();
        config::refuse_unread(&root_vfs, head, &in_project)?;
        // A file no name or `include` takes is read: a job's text makes it
        // a job file, as it does in a change set ([`holds_job`]).
        files.extend(
            found
                .into_iter()
                .filter(|(f, always)| {
                    let named = *always || is_job_candidate(f) || head.includes(&in_root(f));
                    explicit || (!head.excludes(&in_root(f)) && (named || holds_job(&vfs, f)))
                })
                .map(|(f, _)| f),
        );
    }
    files.sort();
    files.dedup();
    not_got.sort();
    not_got.dedup();
    Ok(Selection {
        vfs: std::sync::Arc::new(vfs),
        files,
        not_got,
        set: None,
        configs,
        root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_job_files() {
        assert!(crate::jobspec::is_job_file("job \"a\" {\n}\n"));
        assert!(crate::jobspec::is_job_file(
            "# c\njob \"a\" {\n  count = \n}\n"
        ));
        assert!(!crate::jobspec::is_job_file(
            "client \"a\" {\n  count = 3\n}\n"
        ));
        assert!(!crate::jobspec::is_job_file("variable \"job\" {}\n"));
    }

    #[test]
    fn walks_without_git_skipping_hidden_and_target() {
        let dir = std::env::temp_dir().join(format!("np-walk-{}", std::process::id()));
        for p in [
            "a.nomad",
            ".hidden/b.nomad",
            "target/c.nomad",
            "sub/d.nomad.hcl",
        ] {
            let f = dir.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, "job \"x\" {}\n").unwrap();
        }
        let in_repo = git::repo_root(&dir).is_some();
        let got: Vec<_> = expand(&dir, &Fence::at(&dir))
            .into_iter()
            .map(|(p, _)| p.strip_prefix(&dir).unwrap().to_path_buf())
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        if !in_repo {
            assert_eq!(
                got,
                vec![PathBuf::from("a.nomad"), PathBuf::from("sub/d.nomad.hcl")]
            );
        }
    }
}
