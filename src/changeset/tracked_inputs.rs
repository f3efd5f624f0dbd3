//! The working tree as a gate's head: a job's own functions read only what
//! git tracks.
//!
//! A gate judging the working tree (`check --base REF`, `plan --changed
//! --base REF`, the form CI runs) reads a checkout that holds more than the
//! pull request: the runner's untracked files (credential files an
//! authentication step drops into the workspace, `.env` files). The job is
//! the pull request's, so `file("../gha-creds.json")` would print the
//! runner's secret into annotations the author reads (redteam6 G9). The
//! repository's own files are what the change is made of; anything else a
//! job asks for is refused with our reason, so the plan says "cannot tell"
//! and quotes nothing. The change's own files (an untracked new job file)
//! are still read as the change: only a job's reads are narrowed.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::source::Source;
use crate::vfs::{DiskVfs, Vfs};

/// Lists the paths git tracks, when first asked.
type Lister = Box<dyn Fn() -> io::Result<Vec<PathBuf>> + Send + Sync>;

/// Opens what a sparse checkout leaves out: the reader of the staged
/// blobs, and the paths marked skip-worktree.
type LeftOutOpener = Box<dyn Fn() -> io::Result<LeftOut> + Send + Sync>;

/// The files a sparse checkout leaves off the disk, read as git takes
/// them: their staged blobs ([`crate::git::skip_worktree_paths`]).
pub struct LeftOut {
    pub staged: Box<dyn Vfs>,
    pub paths: HashSet<PathBuf>,
}

/// How messages name what a gate on the working tree reads
/// ([`Vfs::revision`]).
pub const WORK_TREE: &str = "the working tree's tracked files";

/// The working tree, with a job's inputs limited to the paths git tracks.
pub struct TrackedInputs {
    disk: DiskVfs,
    list: Lister,
    /// Paths git tracks (the index, submodules' files too), relative to the
    /// top of the work tree: listed on a job's first read only, since most
    /// jobs read no file and the listing walks the whole index.
    tracked: OnceLock<Result<HashSet<PathBuf>, String>>,
    /// Where a file absent from the disk is read from when a sparse
    /// checkout left it out: git lists such a file's change by its staged
    /// blob, so reading nothing made the gate drop it or fail on it
    /// (R16-40). Opened on the first such read.
    open_left_out: Option<LeftOutOpener>,
    left_out: OnceLock<Result<LeftOut, String>>,
    /// The index, where the submodules the working tree checks out are
    /// recorded ([`Vfs::submodule_at`]): opened on a job's first read.
    index: OnceLock<Result<crate::git::LazyGitVfs, String>>,
}

impl TrackedInputs {
    pub fn new(
        root: PathBuf,
        list: impl Fn() -> io::Result<Vec<PathBuf>> + Send + Sync + 'static,
    ) -> TrackedInputs {
        TrackedInputs {
            disk: DiskVfs::new(root),
            list: Box::new(list),
            tracked: OnceLock::new(),
            open_left_out: None,
            left_out: OnceLock::new(),
            index: OnceLock::new(),
        }
    }

    /// Read a file a sparse checkout leaves out through what `open` gives.
    pub fn with_left_out(
        mut self,
        open: impl Fn() -> io::Result<LeftOut> + Send + Sync + 'static,
    ) -> TrackedInputs {
        self.open_left_out = Some(Box::new(open));
        self
    }

    /// The reader of `path` when it is absent from the disk (no entry at
    /// all: a link leading nowhere is there) and the index marks it
    /// skip-worktree; `None` otherwise.
    fn left_out(&self, path: &Path) -> Option<io::Result<&dyn Vfs>> {
        let open = self.open_left_out.as_ref()?;
        let rel = crate::vfs::normalize(path);
        if rel.is_absolute() || rel.starts_with("..") {
            return None;
        }
        let absent = std::fs::symlink_metadata(self.disk.root().join(&rel))
            .is_err_and(|e| e.kind() == io::ErrorKind::NotFound);
        if !absent {
            return None;
        }
        match self
            .left_out
            .get_or_init(|| open().map_err(|e| e.to_string()))
        {
            Ok(l) if l.paths.contains(&rel) => Some(Ok(l.staged.as_ref())),
            Ok(_) => None,
            Err(e) => Some(Err(io::Error::other(format!(
                "cannot read the index for a file the sparse checkout leaves out: {e}"
            )))),
        }
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.disk.root().join(path)
        }
    }
}

impl Vfs for TrackedInputs {
    fn read(&self, path: &Path) -> io::Result<Source> {
        match self.disk.read(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => match self.left_out(path) {
                Some(staged) => staged?.read(path),
                None => Err(e),
            },
            read => read,
        }
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        self.disk.list(dir)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.disk.is_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.disk.is_file(path)
    }
    fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        self.disk.files_under(dir)
    }
    fn entries(&self, dir: &Path) -> io::Result<Vec<crate::vfs::Entry>> {
        self.disk.entries(dir)
    }
    fn probe(&self, path: &Path) -> io::Result<bool> {
        self.disk.probe(path)
    }
    fn root(&self) -> &Path {
        self.disk.root()
    }
    fn describe(&self) -> String {
        self.disk.describe()
    }
    fn head(&self, path: &Path, n: u64) -> Option<Vec<u8>> {
        self.disk
            .head(path, n)
            .or_else(|| match self.left_out(path) {
                Some(Ok(staged)) => staged.head(path, n),
                _ => None,
            })
    }
    fn fence_root(&self) -> Option<&Path> {
        self.disk.fence_root()
    }
    /// A gate judges the working tree as the checkout it commits to (only
    /// what git tracks is an input), which `nomad job run` reads on the
    /// operator's machine, not this one (a CI runner's clone): an absolute
    /// path is that machine's file, "cannot tell" as through a revision
    /// (`file("/…")`, R22-A-4), and a walk into `.git` is refused as
    /// there. A sparse checkout's left-out file, read from its staged
    /// blob, is read at its own path.
    fn revision(&self) -> Option<String> {
        Some(WORK_TREE.into())
    }
    fn resolves_through(&self, path: &Path) -> Vec<PathBuf> {
        self.disk.resolves_through(path)
    }
    /// A submodule's folder holds, in this checkout, whichever commit this
    /// clone checked out (or nothing), not what the deploy's clone holds
    /// there: the gate says "cannot tell" as through the index or a
    /// revision (sub24), for the path as named and for where its links
    /// lead. Reading it is still `nomad`'s and a plain run's (the disk).
    fn submodule_at(&self, path: &Path) -> io::Result<Option<PathBuf>> {
        let index = self.index.get_or_init(|| {
            let top = self.disk.fence().root().to_path_buf();
            crate::git::LazyGitVfs::index(&top).map_err(|e| e.to_string())
        });
        let index = match index {
            Ok(index) => index,
            Err(e) => {
                return Err(io::Error::other(format!(
                    "cannot read the index for the submodules it records: {e}"
                )))
            }
        };
        let full = crate::vfs::normalize(&self.resolve(path));
        let top = self.disk.fence().root();
        let named = full.strip_prefix(top).unwrap_or(&full);
        if let Some(sub) = index.submodule_at(named)? {
            return Ok(Some(sub));
        }
        let Ok((at, _)) = self.disk.fence().locate_traced(&full) else {
            return Ok(None);
        };
        match at.strip_prefix(top) {
            Ok(rel) if rel != named => index.submodule_at(rel),
            _ => Ok(None),
        }
    }
    fn origin_of_new(&self, path: &Path) -> crate::source::Origin {
        self.disk.origin_of_new(path)
    }

    /// Where the path leads (links followed, refused outside the project)
    /// must be a file git tracks. A path that leads to nothing is admitted
    /// when no link is on its way: reading it says "no file exists", as
    /// Nomad does, and nothing is quoted. Through links it is admitted
    /// only when git tracks each of them: an untracked link leading
    /// nowhere is no checkout's, where a stat through it fails in ours
    /// (`fileset()`'s "failed to stat"). A folder is admitted: `fileset()`
    /// asks for each file it lists.
    fn admits_input(&self, path: &Path) -> io::Result<()> {
        let fence = self.disk.fence();
        let (at, links) = fence.locate_traced(&self.resolve(path))?;
        let must_track: Vec<&Path> = match std::fs::symlink_metadata(&at) {
            Err(_) if links.is_empty() => return Ok(()),
            Err(_) => links.iter().map(PathBuf::as_path).collect(),
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(_) => vec![at.as_path()],
        };
        let listed = self.tracked.get_or_init(|| {
            (self.list)()
                .map(|paths| paths.into_iter().collect())
                .map_err(|e| e.to_string())
        });
        let tracked = match listed {
            Ok(set) => must_track.iter().all(|p| {
                p.strip_prefix(fence.root())
                    .is_ok_and(|rel| set.contains(rel))
            }),
            Err(e) => {
                return Err(crate::project::refused(
                    io::ErrorKind::Other,
                    format!(
                        "refusing to read {}: cannot list the files git tracks: {e}",
                        crate::project::shown(path)
                    ),
                ))
            }
        };
        if tracked {
            return Ok(());
        }
        Err(crate::project::refused(
            io::ErrorKind::PermissionDenied,
            format!(
                "refusing to read {}: git does not track it, and a gate judging the working tree gives a job only the repository's files (`git add` it to have it judged)",
                crate::project::shown(path)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tracked_files_are_a_jobs_input() {
        let dir = std::env::temp_dir().join(format!("np-tracked-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        let root = std::fs::canonicalize(&dir).unwrap();
        std::fs::write(root.join("tracked.txt"), "a").unwrap();
        std::fs::write(root.join("creds.json"), "secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("creds.json", root.join("link")).unwrap();
        #[cfg(unix)]
        for name in ["gone", "kept"] {
            std::os::unix::fs::symlink("nowhere", root.join(name)).unwrap();
        }
        let v = TrackedInputs::new(root.clone(), || {
            Ok(["tracked.txt", "link", "kept"].map(PathBuf::from).to_vec())
        });
        // A link leading nowhere is a checkout's only when git tracks it:
        // an untracked one is refused, never a stat failure to quote.
        #[cfg(unix)]
        {
            let e = v.admits_input(Path::new("gone")).unwrap_err();
            assert!(crate::project::refusal(&e).is_some(), "{e}");
            assert!(v.admits_input(Path::new("kept")).is_ok());
        }
        assert!(v.admits_input(Path::new("tracked.txt")).is_ok());
        assert!(v.admits_input(Path::new("missing.txt")).is_ok());
        let e = v.admits_input(Path::new("creds.json")).unwrap_err();
        assert!(crate::project::refusal(&e).is_some());
        assert!(!e.to_string().contains("secret"));
        // A tracked link is judged where it leads.
        #[cfg(unix)]
        assert!(v.admits_input(Path::new("link")).is_err());
        // The change's own files are still read.
        assert!(v.read(Path::new("creds.json")).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
