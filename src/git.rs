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

/// The top of the work tree containing `start`, if it is inside one: the
/// project root ([`crate::project::root_of`]) when it is a git checkout.
/// No git process: the same walk every command uses decides it.
pub fn repo_root(start: &Path) -> Option<PathBuf> {
    let root = crate::project::root_of(start);
    root.join(".git").exists().then_some(root)
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
fn rev_entries(root: &Path, rev: &str) -> io::Result<Option<Vec<Entry>>> {
    match tree_entries(root, plain_rev(rev)?) {
        Ok(entries) => Ok(Some(entries)),
        Err(e) => match resolve(root, rev)? {
            None => Ok(None),
            Some(_) => Err(e),
        },
    }
}

/// Records of `-z` output, as bytes: a path is whatever bytes git holds,
/// and dropping a record it cannot decode would misalign the ones after it
/// (and let a file name hide a change from a gate).
fn split_z(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|b| *b == 0).filter(|s| !s.is_empty())
}

/// A path from git's bytes, kept exactly (non-UTF-8 included).
#[cfg(unix)]
fn path_of(bytes: &[u8]) -> io::Result<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

/// A path from git's bytes; off Unix a non-UTF-8 name cannot be a path,
/// and the whole listing is refused rather than the entry dropped.
#[cfg(not(unix))]
fn path_of(bytes: &[u8]) -> io::Result<PathBuf> {
    std::str::from_utf8(bytes).map(PathBuf::from).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "git holds a path that is not UTF-8 ({}); refusing to go on without it",
                String::from_utf8_lossy(bytes)
            ),
        )
    })
}

/// `<meta>\t<path>`: the ASCII metadata fields and the path's bytes.
fn meta_and_path(rec: &[u8]) -> io::Result<(Vec<&str>, PathBuf)> {
    let tab = rec
        .iter()
        .position(|b| *b == b'\t')
        .ok_or_else(|| io::Error::other("git printed a record without a path"))?;
    let meta = std::str::from_utf8(&rec[..tab])
        .map_err(|_| io::Error::other("git printed unreadable metadata"))?;
    Ok((meta.split(' ').collect(), path_of(&rec[tab + 1..])?))
}

/// Git's mode for a symbolic link: its blob is the link's target, never
/// followed (it could name any file on the machine running the gate).
const SYMLINK_MODE: &str = "120000";

/// One file of a tree or of the index.
#[derive(Debug, Clone)]
struct Entry {
    path: PathBuf,
    oid: String,
    symlink: bool,
}

/// Every staged file (the index, stage 0), read from its blob.
pub fn index_vfs(root: &Path) -> io::Result<MemVfs> {
    index_vfs_filtered(root, |_| true)
}

/// Staged files for which `want(path)` holds.
pub fn index_vfs_filtered(root: &Path, want: impl Fn(&Path) -> bool) -> io::Result<MemVfs> {
    let entries = index_entries(root)?
        .into_iter()
        .filter(|e| want(&e.path))
        .collect();
    fill(root, MemVfs::git(":", root), entries)
}

/// Every staged file.
fn index_entries(root: &Path) -> io::Result<Vec<Entry>> {
    let mut c = git(root);
    c.args(["ls-files", "-s", "-z"]);
    let out = run(c)?;
    let mut entries = Vec::new();
    for rec in split_z(&out) {
        // `<mode> <object> <stage>\t<path>`
        let (meta, path) = meta_and_path(rec)?;
        let (mode, oid, stage) = (meta.first(), meta.get(1), meta.get(2));
        if stage != Some(&"0") || mode == Some(&"160000") {
            continue; // conflicted entries and submodules have no one blob
        }
        if let Some(oid) = oid {
            entries.push(Entry {
                path,
                oid: oid.to_string(),
                symlink: mode == Some(&SYMLINK_MODE),
            });
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
    let entries = entries.into_iter().filter(|e| want(&e.path)).collect();
    fill(root, MemVfs::git(rev, root), entries)
}

/// Every file of a tree-ish.
fn tree_entries(root: &Path, tree: &str) -> io::Result<Vec<Entry>> {
    let mut c = git(root);
    c.args(["ls-tree", "-r", "-z", tree]);
    let out = run(c)?;
    let mut entries = Vec::new();
    for rec in split_z(&out) {
        // `<mode> <type> <object>\t<path>`
        let (meta, path) = meta_and_path(rec)?;
        if let (Some(mode), Some(&"blob"), Some(oid)) = (meta.first(), meta.get(1), meta.get(2)) {
            entries.push(Entry {
                path,
                oid: oid.to_string(),
                symlink: *mode == SYMLINK_MODE,
            });
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

/// Read the blobs in one `git cat-file --batch` process. Symbolic links are
/// left out (never followed, and their target is not a job file); blobs
/// over the size cap are refused.
fn fill(root: &Path, mut vfs: MemVfs, entries: Vec<Entry>) -> io::Result<MemVfs> {
    let entries: Vec<Entry> = entries.into_iter().filter(|e| !e.symlink).collect();
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
    let ids: Vec<String> = entries.iter().map(|e| e.oid.clone()).collect();
    // Write from a thread so a large batch cannot deadlock on full pipes.
    let writer = std::thread::spawn(move || -> io::Result<()> {
        for id in ids {
            writeln!(stdin, "{id}")?;
        }
        Ok(())
    });
    let mut reader = BufReader::new(stdout);
    let max = crate::project::max_file_bytes();
    for e in entries {
        let buf = read_blob(&mut reader, &e.path, max)?;
        vfs.insert(e.path, crate::vfs::decode(buf));
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
    parse_name_status(&out)
}

/// `git diff --name-status -z`: a status field, then one path (two for
/// renames and copies). Paths are kept as bytes; a record that does not
/// parse fails the whole listing, so a gate never judges a partial one.
pub fn parse_name_status(out: &[u8]) -> io::Result<Vec<Change>> {
    let mut fields = split_z(out);
    let mut changes = Vec::new();
    let cut = || io::Error::other("git diff printed a change without its path");
    while let Some(status) = fields.next() {
        let mut path = || fields.next().ok_or_else(cut).and_then(path_of);
        let change = match status.first() {
            Some(b'A') => Change::Added(path()?),
            Some(b'C') => {
                let _from = path()?;
                Change::Added(path()?)
            }
            Some(b'D') => Change::Deleted(path()?),
            Some(b'R') => {
                let from = path()?;
                Change::Renamed { from, to: path()? }
            }
            // M, T, U (unmerged), X: content the gate must look at.
            _ => Change::Modified(path()?),
        };
        changes.push(change);
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
    let mut files = split_z(&out)
        .map(path_of)
        .collect::<io::Result<Vec<PathBuf>>>()?;
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

/// One blob of `git cat-file --batch` output: its header, then its bytes
/// and a newline. A blob over the cap is skipped on the pipe (so the next
/// one still lines up) and refused.
fn read_blob(reader: &mut impl BufRead, path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let mut header = String::new();
    reader.read_line(&mut header)?;
    // `<oid> blob <size>` or `<oid> missing`
    let size: u64 = header
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("git cat-file: {}", header.trim())))?;
    if size > max {
        io::copy(&mut reader.take(size + 1), &mut io::sink())?;
        return Err(crate::project::too_big(path, size, max));
    }
    let mut buf = Vec::with_capacity(size as usize + 1);
    reader.take(size + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 != size + 1 {
        return Err(io::Error::other("git cat-file: blob cut short"));
    }
    buf.pop(); // the trailing newline
    Ok(buf)
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

    fn blob(&mut self, oid: &str, path: &Path) -> io::Result<Vec<u8>> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::other("git cat-file closed"))?;
        writeln!(stdin, "{oid}")?;
        stdin.flush()?;
        read_blob(&mut self.stdout, path, crate::project::max_file_bytes())
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
    /// Path -> its entry.
    entries: std::collections::BTreeMap<PathBuf, Entry>,
    state: std::sync::Mutex<LazyState>,
}

impl LazyGitVfs {
    fn new(root: &Path, rev: &str, entries: Vec<Entry>) -> LazyGitVfs {
        LazyGitVfs {
            root: root.to_path_buf(),
            rev: rev.to_string(),
            entries: entries
                .into_iter()
                .map(|e| (crate::vfs::normalize(&e.path), e))
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
        let Some(entry) = self.entries.get(&key) else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found in git {}", key.display(), self.rev),
            ));
        };
        if entry.symlink {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "refusing to read {}: it is a symbolic link in git {}, and links are not followed",
                    key.display(),
                    self.rev
                ),
            ));
        }
        let mut state = self
            .state
            .lock()
            .map_err(|_| io::Error::other("git reader poisoned"))?;
        if !state.files.is_file(&key) {
            if state.batch.is_none() {
                state.batch = Some(Batch::start(&self.root)?);
            }
            let bytes = match state.batch.as_mut() {
                Some(b) => b.blob(&entry.oid, &key)?,
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

    fn fence_root(&self) -> Option<&Path> {
        Some(&self.root)
    }
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
}
