//! Read job files from git without touching the working tree or the index:
//! the staged version for a pre-commit hook, a base revision for CI.
//!
//! Uses the `git` command line rather than a library: every pre-commit user
//! has git, and gix would add tens of seconds of build time for a handful
//! of plumbing calls. Blobs are read in one `git cat-file --batch` process,
//! and callers pass a filter so a hook on one staged file reads one blob.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::vfs::MemVfs;

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
}

fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(root);
    // Paths must come back verbatim, not C-quoted.
    c.args(["-c", "core.quotePath=false"]);
    c
}

fn run(mut cmd: Command) -> io::Result<Vec<u8>> {
    let out = cmd.stderr(Stdio::piped()).output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "git failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// The top of the work tree containing `start`, if it is inside one.
/// Remembered per directory for the life of the process: every command asks
/// more than once, and each answer would cost a git process.
pub fn repo_root(start: &Path) -> Option<PathBuf> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<PathBuf, PathBuf>>> = OnceLock::new();
    let key = crate::vfs::normalize(&std::env::current_dir().unwrap_or_default().join(start));
    let known = KNOWN.get_or_init(Default::default);
    if let Some(root) = known.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Some(root);
    }
    let mut c = git(start);
    c.args(["rev-parse", "--show-toplevel"]);
    let out = run(c).ok()?;
    let s = String::from_utf8(out).ok()?;
    let s = s.trim_end_matches(['\n', '\r']);
    let root = (!s.is_empty()).then(|| PathBuf::from(s))?;
    // Only found roots are remembered: a directory may become a repository later.
    if let Ok(mut m) = known.lock() {
        m.insert(key, root.clone());
    }
    Some(root)
}

/// A revision given on the command line must not be read by git as an option.
fn plain_rev(rev: &str) -> io::Result<&str> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("git revision {rev:?} not found"),
        ));
    }
    Ok(rev)
}

/// The files of `rev`, or `None` for `HEAD` before the first commit. Lists
/// the revision directly; only a failure pays for resolving it separately.
fn rev_entries(root: &Path, rev: &str) -> io::Result<Option<Vec<(PathBuf, String)>>> {
    match tree_entries(root, plain_rev(rev)?) {
        Ok(entries) => Ok(Some(entries)),
        Err(e) => match resolve(root, rev)? {
            None => Ok(None),
            Some(_) => Err(e),
        },
    }
}

fn split_z(bytes: &[u8]) -> impl Iterator<Item = &str> {
    bytes
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .filter_map(|s| std::str::from_utf8(s).ok())
}

/// Every staged file (the index, stage 0), read from its blob.
pub fn index_vfs(root: &Path) -> io::Result<MemVfs> {
    index_vfs_filtered(root, |_| true)
}

/// Staged files for which `want(path)` holds.
pub fn index_vfs_filtered(root: &Path, want: impl Fn(&Path) -> bool) -> io::Result<MemVfs> {
    let entries = index_entries(root)?
        .into_iter()
        .filter(|(p, _)| want(p))
        .collect();
    fill(root, MemVfs::git(":", root), entries)
}

/// (path, blob id) of every staged file.
fn index_entries(root: &Path) -> io::Result<Vec<(PathBuf, String)>> {
    let mut c = git(root);
    c.args(["ls-files", "-s", "-z"]);
    let out = run(c)?;
    let mut entries = Vec::new();
    for rec in split_z(&out) {
        // `<mode> <object> <stage>\t<path>`
        let Some((meta, path)) = rec.split_once('\t') else {
            continue;
        };
        let mut f = meta.split(' ');
        let (mode, oid, stage) = (f.next(), f.next(), f.next());
        if stage != Some("0") || mode == Some("160000") {
            continue; // conflicted entries and submodules have no one blob
        }
        if let Some(oid) = oid {
            entries.push((PathBuf::from(path), oid.to_string()));
        }
    }
    Ok(entries)
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
    let Some(entries) = rev_entries(root, rev)? else {
        return Ok(MemVfs::git(rev, root));
    };
    let entries = entries.into_iter().filter(|(p, _)| want(p)).collect();
    fill(root, MemVfs::git(rev, root), entries)
}

/// (path, blob id) of every file of a tree-ish.
fn tree_entries(root: &Path, tree: &str) -> io::Result<Vec<(PathBuf, String)>> {
    let mut c = git(root);
    c.args(["ls-tree", "-r", "-z", tree]);
    let out = run(c)?;
    let mut entries = Vec::new();
    for rec in split_z(&out) {
        // `<mode> <type> <object>\t<path>`
        let Some((meta, path)) = rec.split_once('\t') else {
            continue;
        };
        let mut f = meta.split(' ');
        let (_, kind, oid) = (f.next(), f.next(), f.next());
        if let (Some("blob"), Some(oid)) = (kind, oid) {
            entries.push((PathBuf::from(path), oid.to_string()));
        }
    }
    Ok(entries)
}

/// The commit a revision names, or `None` for `HEAD` in a repository with no
/// commits yet.
fn resolve(root: &Path, rev: &str) -> io::Result<Option<String>> {
    let mut c = git(root);
    c.args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{rev}^{{commit}}"));
    match run(c) {
        Ok(out) => Ok(Some(String::from_utf8_lossy(&out).trim().to_string())),
        Err(e) if rev == "HEAD" && !has_commits(root) => {
            let _ = e;
            Ok(None)
        }
        Err(_) => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("git revision {rev:?} not found"),
        )),
    }
}

fn has_commits(root: &Path) -> bool {
    let mut c = git(root);
    c.args(["rev-list", "-n", "1", "--all"]);
    run(c).is_ok_and(|o| !o.is_empty())
}

/// Read the blobs in one `git cat-file --batch` process.
fn fill(root: &Path, mut vfs: MemVfs, entries: Vec<(PathBuf, String)>) -> io::Result<MemVfs> {
    if entries.is_empty() {
        return Ok(vfs);
    }
    let mut child = git(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| io::Error::other("no stdin"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no stdout"))?;
    let ids: Vec<String> = entries.iter().map(|(_, o)| o.clone()).collect();
    // Write from a thread so a large batch cannot deadlock on full pipes.
    let writer = std::thread::spawn(move || -> io::Result<()> {
        for id in ids {
            writeln!(stdin, "{id}")?;
        }
        Ok(())
    });
    let mut reader = BufReader::new(stdout);
    for (path, _) in entries {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        // `<oid> blob <size>` or `<oid> missing`
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("git cat-file: {}", header.trim())))?;
        let mut buf = vec![0; size + 1]; // content plus its trailing newline
        reader.read_exact(&mut buf)?;
        buf.pop();
        vfs.insert(path, crate::vfs::decode(buf));
    }
    writer
        .join()
        .map_err(|_| io::Error::other("git cat-file writer panicked"))??;
    child.wait()?;
    Ok(vfs)
}

/// Paths changed from `base` to `head` (`None`: the working tree, or the
/// index when `staged`), renames detected.
pub fn changed_files(
    root: &Path,
    base: &str,
    head: Option<&str>,
    staged: bool,
) -> io::Result<Vec<Change>> {
    let diff = |base: &str| {
        let mut c = git(root);
        c.args(["diff", "--name-status", "-M", "-z", "--no-ext-diff"]);
        if staged && head.is_none() {
            c.arg("--cached");
        }
        c.arg(base);
        if let Some(h) = head {
            c.arg(plain_rev(h)?);
        }
        c.arg("--");
        run(c)
    };
    let out = match diff(plain_rev(base)?) {
        Ok(out) => out,
        // Before the first commit there is no base tree: compare with the empty tree.
        Err(e) => match resolve(root, base)? {
            None => diff(&empty_tree(root)?)?,
            Some(_) => return Err(e),
        },
    };
    let mut fields = split_z(&out);
    let mut changes = Vec::new();
    while let Some(status) = fields.next() {
        let mut path = || fields.next().map(PathBuf::from);
        let change = match status.chars().next() {
            Some('A') | Some('C') => {
                if status.starts_with('C') {
                    let _from = path();
                }
                path().map(Change::Added)
            }
            Some('M') | Some('T') => path().map(Change::Modified),
            Some('D') => path().map(Change::Deleted),
            Some('R') => match (path(), path()) {
                (Some(from), Some(to)) => Some(Change::Renamed { from, to }),
                _ => None,
            },
            _ => path().map(Change::Modified),
        };
        changes.extend(change);
    }
    Ok(changes)
}

fn empty_tree(root: &Path) -> io::Result<String> {
    let mut c = git(root);
    c.args(["hash-object", "-t", "tree", "--stdin"])
        .stdin(Stdio::null());
    Ok(String::from_utf8_lossy(&run(c)?).trim().to_string())
}

/// Files under `dir` that git would track: committed, staged or new but not
/// ignored (`.gitignore` respected). Paths are relative to `dir`.
pub fn ls_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut c = git(dir);
    c.args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--deduplicate",
    ]);
    let out = run(c)?;
    let mut files: Vec<PathBuf> = split_z(&out).map(PathBuf::from).collect();
    files.sort();
    files.dedup();
    Ok(files)
}

/// The directory git runs hooks from, honouring `core.hooksPath`.
pub fn hooks_dir(root: &Path) -> io::Result<PathBuf> {
    let mut c = git(root);
    c.args(["rev-parse", "--git-path", "hooks"]);
    let out = String::from_utf8_lossy(&run(c)?).trim().to_string();
    let p = PathBuf::from(out);
    Ok(if p.is_absolute() { p } else { root.join(p) })
}

/// One long-lived `git cat-file --batch` process: blobs read on demand cost
/// a pipe round trip, not a process start each.
struct Batch {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Batch {
    fn start(root: &Path) -> io::Result<Batch> {
        let mut child = git(root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        Ok(Batch {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    fn blob(&mut self, oid: &str) -> io::Result<Vec<u8>> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::other("git cat-file closed"))?;
        writeln!(stdin, "{oid}")?;
        stdin.flush()?;
        let mut header = String::new();
        self.stdout.read_line(&mut header)?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("git cat-file: {}", header.trim())))?;
        let mut buf = vec![0; size + 1];
        self.stdout.read_exact(&mut buf)?;
        buf.pop();
        Ok(buf)
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // Closing stdin ends the process; reap it so no zombie is left.
        self.stdin.take();
        let _ = self.child.wait();
    }
}

struct LazyState {
    files: MemVfs,
    batch: Option<Batch>,
}

/// The files of a revision or of the index, listed up front (one `git
/// ls-tree` / `ls-files`) and read only when asked for. A hook that checks
/// one staged file against the committed world reads that file, the world's
/// files and what they reference, not every blob of the repository.
pub struct LazyGitVfs {
    root: PathBuf,
    rev: String,
    /// Path -> blob id.
    entries: std::collections::BTreeMap<PathBuf, String>,
    state: std::sync::Mutex<LazyState>,
}

impl LazyGitVfs {
    fn new(root: &Path, rev: &str, entries: Vec<(PathBuf, String)>) -> LazyGitVfs {
        LazyGitVfs {
            root: root.to_path_buf(),
            rev: rev.to_string(),
            entries: entries
                .into_iter()
                .map(|(p, o)| (crate::vfs::normalize(&p), o))
                .collect(),
            state: std::sync::Mutex::new(LazyState {
                files: MemVfs::git(rev, root),
                batch: None,
            }),
        }
    }

    /// The staged files (stage 0 of the index).
    pub fn index(root: &Path) -> io::Result<LazyGitVfs> {
        Ok(LazyGitVfs::new(root, ":", index_entries(root)?))
    }

    /// The files of revision `rev`; empty for `HEAD` before the first commit.
    pub fn rev(root: &Path, rev: &str) -> io::Result<LazyGitVfs> {
        let entries = rev_entries(root, rev)?.unwrap_or_default();
        Ok(LazyGitVfs::new(root, rev, entries))
    }

    /// Every path this revision holds.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.entries.keys()
    }

    fn key(&self, path: &Path) -> PathBuf {
        let p = if path.is_absolute() {
            path.strip_prefix(&self.root).unwrap_or(path)
        } else {
            path
        };
        crate::vfs::normalize(p)
    }
}

impl crate::vfs::Vfs for LazyGitVfs {
    fn read(&self, path: &Path) -> io::Result<crate::source::Source> {
        let key = self.key(path);
        let Some(oid) = self.entries.get(&key) else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found in git {}", key.display(), self.rev),
            ));
        };
        let mut state = self
            .state
            .lock()
            .map_err(|_| io::Error::other("git reader poisoned"))?;
        if !state.files.is_file(&key) {
            if state.batch.is_none() {
                state.batch = Some(Batch::start(&self.root)?);
            }
            let bytes = match state.batch.as_mut() {
                Some(b) => b.blob(oid)?,
                None => return Err(io::Error::other("git cat-file did not start")),
            };
            state.files.insert(&key, crate::vfs::decode(bytes));
        }
        state.files.read(&key)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let dir = self.key(dir);
        Ok(self
            .entries
            .keys()
            .filter(|p| p.parent() == Some(dir.as_path()))
            .cloned()
            .collect())
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = self.key(path);
        dir.as_os_str().is_empty()
            || self
                .entries
                .keys()
                .any(|p| p.starts_with(&dir) && *p != dir)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.entries.contains_key(&self.key(path))
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn describe(&self) -> String {
        format!("git {}", self.rev)
    }
}
