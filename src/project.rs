//! The project: the one folder every command reads input from, and the one
//! rule deciding whether a path read on behalf of input may be read.
//!
//! Job files, `running` entries, `file()` / `templatefile()` / `fileset()`,
//! var files, rehearsal files and their edits, world files and import
//! folders are untrusted: a pull request can put `../`, an absolute path or
//! a symlink in any of them. Every such read goes through [`Fence::open`]:
//! the path is resolved canonically (symlinks followed), must land inside
//! the project root (or a folder the user named explicitly), must be a
//! regular file and must fit the size cap. A refusal names the path, never
//! its content.

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Largest file read on behalf of input, unless overridden by [`MAX_FILE_ENV`].
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Environment variable raising (or lowering) the per-file size cap, in bytes.
pub const MAX_FILE_ENV: &str = "NOMAD_PREFLIGHT_MAX_FILE_BYTES";

/// The per-file size cap: [`MAX_FILE_ENV`] when it is a positive integer,
/// else [`DEFAULT_MAX_FILE_BYTES`].
pub fn max_file_bytes() -> u64 {
    std::env::var(MAX_FILE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_MAX_FILE_BYTES)
}

/// The project root for a process working in `start`: the nearest folder at
/// or above it holding `.git` (a checkout, worktree or submodule), else the
/// nearest holding `rules/cluster.hcl`, else `start` itself. Canonical when
/// `start` exists. This is the only definition: `plan`, `validate`, `check`,
/// `rehearse`, `import` and the git modes all ask it.
pub fn root_of(start: &Path) -> PathBuf {
    let start = absolute(start);
    if !one_state() {
        return find_root(start);
    }
    type Roots = std::sync::Mutex<std::collections::HashMap<PathBuf, PathBuf>>;
    static ROOTS: std::sync::OnceLock<Roots> = std::sync::OnceLock::new();
    let roots = ROOTS.get_or_init(Default::default);
    if let Some(root) = roots.lock().ok().and_then(|m| m.get(&start).cloned()) {
        return root;
    }
    let root = find_root(start.clone());
    if let Ok(mut m) = roots.lock() {
        m.insert(start, root.clone());
    }
    root
}

fn find_root(start: PathBuf) -> PathBuf {
    let start = canonical(&start).unwrap_or(start);
    if let Some(d) = start.ancestors().find(|d| d.join(".git").exists()) {
        return d.to_path_buf();
    }
    if let Some(d) = start
        .ancestors()
        .find(|d| d.join("rules").join("cluster.hcl").is_file())
    {
        return d.to_path_buf();
    }
    start
}

/// Whether this process reads one state of its folders and repository
/// ([`hold_one_state`]).
static ONE_STATE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Declares that this process reads one state of the project: what it
/// found once about the project's folders and its repository's `HEAD` and
/// attribute files ([`root_of`], `git`'s readers) is the answer for the
/// rest of the run, not asked of the disk again.
///
/// Why: a `check --staged` asked where the project root is, what `HEAD`
/// names and whether git's attribute files exist three or four times over
/// its two threads, each a path walk (`statx`, `open`; 5-20 µs apiece on
/// the 2-core VM the hook is measured on: BENCHMARKS.md, hook round 13).
/// The command line sets it (a command is one read of a repository that
/// nothing in this process writes); a library caller, and the unit tests,
/// which change repositories between reads in one process, do not.
/// Reading once is also the more consistent answer: a `HEAD` moved by
/// another process mid-run no longer gives two readers two commits.
pub fn hold_one_state() {
    ONE_STATE.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether [`hold_one_state`] was declared.
pub fn one_state() -> bool {
    ONE_STATE.load(std::sync::atomic::Ordering::Relaxed)
}

/// The project root of the current directory.
pub fn current_root() -> PathBuf {
    root_of(&cwd())
}

fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// The current folder as the kernel named it (`getcwd`) and canonical,
/// once resolved in this process.
///
/// Why kept: resolving a path costs a `readlink` per folder level (glibc's
/// `realpath`), and a `check --staged` resolved the current folder seven
/// times over its two threads (the nomad folder, the project root three
/// times, the configuration's start, the command line's paths, the running
/// files' roots): 21 of its 294 system calls in a folder three levels deep
/// (`strace -f`, BENCHMARKS.md hook round 8). The process's current folder
/// is a folder, not a path: `getcwd` names it without links, so its
/// resolution only changes if a folder on that path is swapped for a link
/// while the run goes on, and then the first answer is still where the
/// process works. A run that changes folder asks again (the key is
/// `getcwd`'s answer, asked each time).
static CWD_CANONICAL: std::sync::OnceLock<(PathBuf, PathBuf)> = std::sync::OnceLock::new();

/// The current folder, canonical (links followed); as written when it
/// cannot be resolved.
pub fn canonical_cwd() -> PathBuf {
    let raw = cwd();
    if let Some((seen, canon)) = CWD_CANONICAL.get() {
        if *seen == raw {
            return canon.clone();
        }
    }
    match std::fs::canonicalize(&raw) {
        Ok(canon) => {
            let _ = CWD_CANONICAL.set((raw, canon.clone()));
            canon
        }
        Err(_) => raw,
    }
}

/// [`std::fs::canonicalize`], but the current folder's answer is the one
/// [`canonical_cwd`] kept (see [`CWD_CANONICAL`] for why).
pub fn canonical(path: &Path) -> io::Result<PathBuf> {
    if let Some((seen, canon)) = CWD_CANONICAL.get() {
        if seen == path {
            return Ok(canon.clone());
        }
    }
    std::fs::canonicalize(path)
}

/// `path` made absolute against the current directory, `.` and `..` folded
/// lexically (no disk access).
pub fn absolute(path: &Path) -> PathBuf {
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd().join(path)
    };
    let mut out = PathBuf::new();
    for c in full.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where `path` leads on disk, as the kernel opens it: every link
/// followed and each `..` climbing from where the path has led so far
/// (`link/../x` is the link target's parent's `x`), which a lexical fold
/// ([`absolute`]) gets wrong after a link; [`absolute`] where nothing
/// exists there. For telling whether two names are one file, never for
/// deciding what may be read (that is [`Fence`]'s).
///
/// A run that reads one state ([`hold_one_state`]) resolves each path
/// once: a folder `check` asked it of every file four times (the world's
/// `running` files looked up among the checked ones by
/// `running_from_head`, `edited_running` and the stand-ins, then NP229's
/// "which file is it"), each a `readlink` per folder level, 16.6 K of the
/// 25 K path system calls over the 658-file corpus (BENCHMARKS.md, stop
/// 66). Only a path that resolved is kept; one that did not (nothing
/// there yet) is asked again.
pub fn resolved(path: &Path) -> PathBuf {
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd().join(path)
    };
    if !one_state() {
        return canonical(&full).unwrap_or_else(|_| absolute(path));
    }
    type Seen = std::sync::Mutex<std::collections::HashMap<PathBuf, PathBuf>>;
    static SEEN: std::sync::OnceLock<Seen> = std::sync::OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    if let Some(at) = seen.lock().ok().and_then(|m| m.get(&full).cloned()) {
        return at;
    }
    match canonical(&full) {
        Ok(at) => {
            if let Ok(mut m) = seen.lock() {
                m.insert(full, at.clone());
            }
            at
        }
        // Not kept: a file this run writes later resolves then.
        Err(_) => absolute(path),
    }
}

/// Is `name` a plain file name: one path component, not `.` or `..`, no
/// separator, no NUL? The rule for every name that becomes a file we write.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name).components().count() == 1
}

/// Where input may be read from: the project root plus folders and files
/// the user named explicitly on the command line.
#[derive(Debug, Clone)]
pub struct Fence {
    root: PathBuf,
    /// Canonical folders (and single files) readable besides the root.
    extra: Vec<PathBuf>,
    max_bytes: u64,
}

impl Fence {
    /// A fence around the project holding `start` (see [`root_of`]).
    pub fn around(start: &Path) -> Fence {
        Fence {
            root: root_of(start),
            extra: Vec::new(),
            max_bytes: max_file_bytes(),
        }
    }

    /// A fence whose root is exactly `root` (a `--world` or import folder
    /// the user named).
    pub fn at(root: &Path) -> Fence {
        let root = absolute(root);
        Fence {
            root: std::fs::canonicalize(&root).unwrap_or(root),
            extra: Vec::new(),
            max_bytes: max_file_bytes(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn with_max_bytes(mut self, n: u64) -> Fence {
        self.max_bytes = n;
        self
    }

    /// A path the user typed on the command line. Named outside the project
    /// (lexically: `/tmp/job.nomad`, `../other/job.nomad`), it is the user's
    /// choice and that one file may be read. Named inside, it gets no
    /// exception: a symlink in the repository pointing outside stays refused,
    /// so a pre-commit hook passing a PR's file names cannot be turned into
    /// a reader of `/etc/shadow`.
    pub fn admit_named(&mut self, named: &Path) {
        let lexical = self.lexical(named);
        if self.inside(&lexical) {
            return;
        }
        // The file the typed path opens: `..` after a link climbs from the
        // link's target, as the kernel does (`../jobs-link/../x.nomad`);
        // the lexical fold named another file, or none, and the one typed
        // was refused (stop 59 Left 2).
        if let Ok(canon) = std::fs::canonicalize(named).or_else(|_| std::fs::canonicalize(&lexical))
        {
            if !self.extra.contains(&canon) {
                self.extra.push(canon);
            }
        }
    }

    /// `path` absolute and `..`-folded, with the current directory's
    /// symlinks resolved the way the root's were.
    fn lexical(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return absolute(path);
        }
        absolute(&canonical_cwd().join(path))
    }

    fn inside(&self, canon: &Path) -> bool {
        canon.starts_with(&self.root) || self.extra.iter().any(|e| canon.starts_with(e))
    }

    /// Resolve `path` canonically and check it stays inside; the canonical
    /// path on success.
    pub fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        let canon = std::fs::canonicalize(path)?;
        if !self.inside(&canon) {
            return Err(self.outside(path));
        }
        Ok(canon)
    }

    /// Where `path` leads, symlinks followed, whether or not it exists, and
    /// refused when that is outside: the same refusal for a file outside that
    /// exists and one that does not, so no answer reveals what lies outside
    /// the project (`fileexists("link/shadow")` through `link -> /etc`).
    /// A missing component is taken as written; `..` climbs from where the
    /// path has led so far, as the kernel does.
    pub fn locate(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(self.locate_traced(path)?.0)
    }

    /// [`Fence::locate`], with each symbolic link met on the way (as the
    /// path it was met at, absolute, its folders' links followed): a read
    /// through a link depends on the link as well as on where it leads.
    pub fn locate_traced(&self, path: &Path) -> io::Result<(PathBuf, Vec<PathBuf>)> {
        let Located { out, met, .. } = self.locate_walk(path)?;
        if self.in_git_metadata(&out) {
            return Err(git_metadata(path));
        }
        Ok((out, met))
    }

    /// A folder to list names from (`fileset()`'s walk): [`Fence::locate`]
    /// but for a repository's metadata, whose names Nomad's glob lists as
    /// any folder's (a read of a file there is still refused, and a gate
    /// refuses the walk: [`crate::vfs::Vfs::admits_input`]).
    pub fn locate_folder(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(self.locate_walk(path)?.out)
    }

    /// Does `canon` (inside the fence) lie in a repository's metadata, a
    /// `.git` folder (or a submodule's `.git` file) below the root or a
    /// named folder? Git never checks such a path out, so no job reads it
    /// from a clone; in CI it holds the checkout's persisted credentials
    /// (actions/checkout writes the token into `.git/config`), which a
    /// pull request's `file("../.git/config")` would print into the
    /// gate's annotations (redteam6 G9).
    fn in_git_metadata(&self, canon: &Path) -> bool {
        let below = std::iter::once(&self.root)
            .chain(&self.extra)
            .filter_map(|p| canon.strip_prefix(p).ok())
            .min_by_key(|rel| rel.components().count());
        below.is_some_and(|rel| {
            rel.components()
                .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"))
        })
    }

    /// The error for a path whose links go round more than the kernel
    /// follows: ELOOP itself, as `open(2)` and `stat(2)` give it (Nomad
    /// says "failed to read" / "failed to stat" of it), when every link
    /// met lies inside and the kernel agrees; else the refusal of a path
    /// leading outside, so no answer tells what lies out there.
    fn looping(&self, path: &Path, met: &[PathBuf]) -> io::Error {
        const ELOOP: i32 = 40;
        let inside = met
            .iter()
            .all(|m| m.parent().is_some_and(|d| self.inside(d)) && !self.in_git_metadata(m));
        match std::fs::metadata(path) {
            Err(e) if inside && e.raw_os_error() == Some(ELOOP) => {
                io::Error::from_raw_os_error(ELOOP)
            }
            _ => self.outside(path),
        }
    }

    fn outside(&self, path: &Path) -> io::Error {
        refused(
            io::ErrorKind::PermissionDenied,
            format!(
                "refusing to read {}: it resolves outside the project root {}",
                shown(path),
                self.root.display()
            ),
        )
    }

    /// Is `path` a regular file inside the fence? A path leading outside is
    /// the refusal of [`Fence::locate`], never `false`: `false` would say
    /// that nothing is there.
    pub fn probe(&self, path: &Path) -> io::Result<bool> {
        let at = self.locate(path)?;
        match std::fs::metadata(at) {
            Ok(m) => Ok(m.is_file()),
            // A file on the way (`a.txt/b`): os.Stat's ENOTDIR is no
            // "not there" to Nomad (fileexists fails "failed to stat").
            Err(e) if e.raw_os_error() == Some(20) => Err(e),
            Err(_) => Ok(false),
        }
    }

    /// Read one file on behalf of input: inside the fence, a regular file,
    /// at most the size cap. Checked on the open handle, so a file swapped
    /// between the check and the read cannot slip through, and read with a
    /// limit, so a file growing meanwhile cannot either.
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        // Where it leads first: a missing file, a device or a FIFO outside
        // is refused as outside, like any other outside path.
        let Located {
            out: at,
            opens,
            last,
            ..
        } = self.locate_walk(path)?;
        if self.in_git_metadata(&at) {
            return Err(git_metadata(path));
        }
        // Devices and FIFOs are refused before opening (opening a FIFO blocks).
        // The walk's own `lstat` of its end where that is no link (the
        // same answer `stat` gives: one system call a file fewer).
        let meta = match last {
            Some(m) => m,
            None => std::fs::metadata(&at)?,
        };
        if meta.is_dir() {
            // A folder a walk could not list says why.
            return Err(match std::fs::read_dir(&at) {
                Err(e) => io::Error::new(
                    e.kind(),
                    format!("cannot list the folder {}: {e}", shown(path)),
                ),
                Ok(_) => not_regular(path),
            });
        }
        if !meta.is_file() {
            return Err(not_regular(path));
        }
        // The walk above is the kernel's own resolution, link by link, of a
        // path it opens (`opens`), checked inside: `at` is the canonical
        // path, which `realpath(3)` asked again with a `readlink` per
        // folder level (five a corpus file: 3.3 K of a folder check's
        // system calls, BENCHMARKS.md stop 66). A path the kernel does not
        // open as walked is resolved as before, for its error.
        let canon = if opens { at } else { self.resolve(path)? };
        let file = std::fs::File::open(&canon)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(not_regular(path));
        }
        if meta.len() > self.max_bytes {
            return Err(too_big(path, meta.len(), self.max_bytes));
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        file.take(self.max_bytes + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > self.max_bytes {
            return Err(too_big(path, buf.len() as u64, self.max_bytes));
        }
        Ok(buf)
    }

    /// The size cap, for readers that do not go through the disk (git blobs).
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The entries a folder walk outside git hands to [`Fence::read`], in
    /// path order. Folders for which `skip` is true (hidden ones, `target/`)
    /// are not entered. Nothing is dropped silently: regular files, and
    /// every entry that is not a folder (symlinks, FIFOs, devices, sockets),
    /// are listed for the reader to check or refuse by name. Symlinks are
    /// not descended, as git records a link and not what it leads to: a link
    /// to a folder inside is left out (its files are the project's own,
    /// checked where they are), and a link leading outside is listed
    /// whatever its name, since the walk cannot know whether job files lie
    /// behind it without looking outside. A folder the walk cannot list
    /// (permissions, a vanished folder) is listed too.
    pub fn walk(&self, dir: &Path, skip: impl Fn(&std::ffi::OsStr) -> bool) -> Vec<Walked> {
        let mut out = Vec::new();
        let walker = walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !(e.file_type().is_dir() && skip(e.file_name())));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if let Some(p) = e.path() {
                        out.push(Walked::always(p));
                    }
                    continue;
                }
            };
            let t = entry.file_type();
            let path = entry.path();
            if t.is_dir() {
                continue;
            }
            if t.is_symlink() {
                out.extend(self.link_entry(path));
                continue;
            }
            out.push(Walked {
                path: path.to_path_buf(),
                always: false,
            });
        }
        out
    }

    /// What a listing makes of the symlink `link` (see [`Fence::walk`]):
    /// nothing for a link to a folder inside, an entry reported whatever
    /// its name for a link leading outside, else an ordinary entry.
    pub fn link_entry(&self, link: &Path) -> Option<Walked> {
        match self.locate(link) {
            Ok(p) if p.is_dir() => None,
            Ok(_) => Some(Walked {
                path: link.to_path_buf(),
                always: false,
            }),
            Err(_) => Some(Walked::always(link)),
        }
    }
}

/// One entry of [`Fence::walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walked {
    pub path: PathBuf,
    /// Reported whatever its name (a folder that cannot be listed, a link
    /// leading outside): the job files behind it are unknown.
    pub always: bool,
}

impl Walked {
    fn always(path: &Path) -> Walked {
        Walked {
            path: path.to_path_buf(),
            always: true,
        }
    }
}

fn not_regular(path: &Path) -> io::Error {
    refused(
        io::ErrorKind::InvalidInput,
        format!("refusing to read {}: not a regular file", shown(path)),
    )
}

/// The refusal for a file over the cap (on disk or a git blob).
pub fn too_big(path: &Path, len: u64, max: u64) -> io::Error {
    refused(
        io::ErrorKind::FileTooLarge,
        format!(
            "refusing to read {}: it is {len} bytes, over the {max}-byte limit (raise it with {MAX_FILE_ENV})",
            shown(path)
        ),
    )
}

/// Is `e` our refusal of a file over the size cap ([`too_big`]): a file
/// that is there, unread, so what it holds is unknown?
pub fn is_too_big(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::FileTooLarge && refusal(e).is_some()
}

/// The refusal of a path in a repository's metadata: the same words
/// whether or not it exists, so no answer reveals what the folder holds.
pub fn git_metadata(path: &Path) -> io::Error {
    refused(
        io::ErrorKind::PermissionDenied,
        format!(
            "refusing to read {}: it is inside a repository's .git folder, which no checkout holds",
            shown(path)
        ),
    )
}

mod refusal;
mod walk;
pub use refusal::{read_failure, refusal, refused, shown, Refusal};
use walk::Located;

#[cfg(test)]
mod tests;
