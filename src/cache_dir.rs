//! The user's cache folder, shared by every cache this binary keeps across
//! processes (the placements of a world's running jobs,
//! `scheduler::disk_cache`; the jobs a closed load gives,
//! `job_loader::cache`): where it is, whether this run may use it, the
//! binary's identity every key includes, and writing an entry whole or not
//! at all. It lives in the user's cache directory only ([`default_dir`]),
//! never in the repository tree, which is untrusted input. `--no-cache`
//! (or `NOMAD_PREFLIGHT_NO_CACHE=1`) turns every cache off for a run.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable naming the cache directory (absolute).
pub const DIR_ENV: &str = "NOMAD_PREFLIGHT_CACHE_DIR";
/// The environment variable that turns the cache off (`1`).
pub const OFF_ENV: &str = "NOMAD_PREFLIGHT_NO_CACHE";

/// Where this process keeps entries: `None` until the CLI turns it on, so
/// the library and its tests never touch the user's files.
static ACTIVE: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Turn the cache on for this process (the CLI does, unless `--no-cache`),
/// in [`default_dir`]. Without a usable directory it stays off; so it does
/// when the directory is someone else's to write ([`private`]), and the
/// run says so once on stderr.
pub fn enable(on: bool) {
    let off = std::env::var(OFF_ENV).is_ok_and(|v| !v.is_empty() && v != "0");
    let dir = if on && !off { default_dir() } else { None };
    let dir = dir.and_then(|d| {
        // Canonical: a link on the way must not make a folder inside a
        // checkout look outside it, and every later read and write goes
        // where this check looked.
        let at = resolved(&d);
        let shown = || crate::escape::path_line(&d.to_string_lossy());
        if let Some(place) = in_checkout(&d, &at) {
            eprintln!(
                "note: not using the cache folder {}: it is inside {}, where a commit can put \
                 entries that would answer for this run; set {DIR_ENV} to a folder outside \
                 every checkout (a CI cache that must live inside the project cannot be used); \
                 running without the cache",
                shown(),
                place.words()
            );
            return None;
        }
        match private(&at) {
            Trust::Private | Trust::Missing => Some(at),
            Trust::Shared => {
                eprintln!(
                    "note: not using the cache folder {}: it is not yours alone to write (owned by \
                     another user, or writable by group or others); running without the cache",
                    shown()
                );
                None
            }
        }
    });
    let _ = ACTIVE.set(dir);
}

/// Where a cache folder may not be: somewhere a commit writes.
#[derive(Debug, PartialEq, Eq)]
enum Checkout {
    /// The project this run reads (its root: the top of its work tree,
    /// or the folder its files are read from).
    Project,
    /// A git work tree (a folder at or above it holds `.git`).
    WorkTree,
}

impl Checkout {
    fn words(&self) -> &'static str {
        match self {
            Checkout::Project => "the project this run reads",
            Checkout::WorkTree => "a git work tree",
        }
    }
}

/// Is the cache folder (`given`, as configured; `at`, canonical) inside
/// a checkout? Entries are trusted because nobody else can write the
/// folder ([`private`]); a checkout's files are written by whoever
/// authored the commit checked out, as the CI user, so ownership tells
/// nothing there (R27b-1: GitLab CI's `cache: paths:` must lie inside
/// the project, `XDG_CACHE_HOME=$CI_PROJECT_DIR/.cache`, and a pull
/// request committed a forged `.standing` entry that silenced NP229).
/// Both spellings are walked: a link in the configured path may lead
/// out of a checkout, or into one.
fn in_checkout(given: &Path, at: &Path) -> Option<Checkout> {
    let lexical = crate::project::absolute(given);
    // The root counts where it is a project's (a checkout's, a world's);
    // a run from a plain folder has its own folder as root (`root_of`'s
    // last answer), and a cache under `$HOME` run from `$HOME` is no
    // project's file (rv27-9).
    let root = Some(crate::project::current_root())
        .filter(|r| r.join(".git").exists() || r.join("rules").join("cluster.hcl").is_file());
    // The work tree git is told to use (`GIT_WORK_TREE`, with `GIT_DIR`
    // anywhere) holds no `.git` to find by walking up.
    let env_tree = std::env::var_os("GIT_WORK_TREE")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p));
    let trees = || root.iter().chain(env_tree.as_ref());
    // One walk when both spell the same folder (the usual case: a hook
    // pays a `stat` per level).
    let spellings: &[&Path] = if lexical == at {
        &[at]
    } else {
        &[at, lexical.as_path()]
    };
    for &dir in spellings {
        if trees().any(|t| dir.starts_with(t)) {
            return Some(Checkout::Project);
        }
        let marked = |a: &Path| std::fs::symlink_metadata(a.join(".git")).is_ok();
        if dir.ancestors().any(marked) {
            return Some(Checkout::WorkTree);
        }
    }
    None
}

/// `dir` resolved as far as it exists (links followed, canonical), the
/// part not made yet appended, `.` and `..` folded.
fn resolved(dir: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = dir;
    loop {
        if let Ok(c) = std::fs::canonicalize(at) {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return crate::project::absolute(&out);
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return crate::project::absolute(dir),
        }
    }
}

/// Whether a cache folder is the user's alone.
#[derive(Debug, PartialEq, Eq)]
enum Trust {
    /// Owned by this user (the effective one), writable by nobody else.
    Private,
    /// Not there yet: [`write_entry`] makes it private, then looks again.
    Missing,
    /// Someone else may have written its entries or planted links in it.
    Shared,
}

/// An entry's CRC ([`checksum`]) only catches accidents: what keeps a
/// forged entry (a committed job that "defines nothing", a placement that
/// was never computed) out of a gate is that nobody else can write the
/// folder. Like ssh's checks on `~/.ssh`, a folder owned by another user
/// or writable by group or others (a shared `NOMAD_PREFLIGHT_CACHE_DIR`,
/// a `1777` folder, a self-hosted runner's shared home) is not used; its
/// parents are not walked: a folder made by this user cannot be replaced
/// under a sticky or private parent, and entries are checked one by one
/// ([`read_entry`]).
fn private(dir: &Path) -> Trust {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() && owned_by_us_alone(&meta) => Trust::Private,
        Ok(_) => Trust::Shared,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Trust::Missing,
        Err(_) => Trust::Shared,
    }
}

#[cfg(unix)]
fn owned_by_us_alone(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    extern "C" {
        fn geteuid() -> u32;
    }
    // SAFETY: geteuid takes nothing, cannot fail and touches no memory.
    let me = unsafe { geteuid() };
    meta.uid() == me && meta.mode() & 0o022 == 0
}

#[cfg(not(unix))]
fn owned_by_us_alone(_: &std::fs::Metadata) -> bool {
    true
}

/// An entry's bytes, read only from a regular file this user owns that
/// nobody else may write, never through a symbolic link: anything else in
/// the folder was not written by [`write_entry`].
pub fn read_entry(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NOFOLLOW);
    }
    let file = options.open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || !owned_by_us_alone(&meta) {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    // Through `Take`: `File`'s own `read_to_end` asks the size again (a
    // `statx` and an `lseek`, two of a hook's world and standing entries'
    // nine system calls each); this still reads to the end, as git's
    // object reads do (`git::read_rest`).
    file.take(u64::MAX).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// `O_NOFOLLOW` where its value is known here: asm-generic/fcntl.h's for
/// Linux on x86, x86-64, AArch64, RISC-V (arm and powerpc differ), and
/// the value macOS and the BSDs share. Elsewhere no flag: the owner and
/// file-type checks of [`read_entry`] still hold, and a link could lead
/// only to another file of the user's, which would not unseal.
#[cfg(unix)]
const O_NOFOLLOW: i32 = if cfg!(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
)) {
    0o400000
} else if cfg!(any(
    target_os = "macos",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
)) {
    0x100
} else {
    0
};

/// The cache directory this process uses, if it is on.
pub fn active() -> Option<&'static Path> {
    ACTIVE.get().and_then(|d| d.as_deref())
}

/// The user's cache directory for nomad-preflight: `$NOMAD_PREFLIGHT_CACHE_DIR`,
/// else `$XDG_CACHE_HOME/nomad-preflight`, else the platform's (`~/.cache`,
/// `~/Library/Caches`, `%LOCALAPPDATA%`). Only absolute paths count: a
/// relative one would land in the current directory, often the repository.
pub fn default_dir() -> Option<PathBuf> {
    dir_from(|name| std::env::var_os(name))
}

fn dir_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let abs = |name: &str| var(name).map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(d) = abs(DIR_ENV) {
        return Some(d);
    }
    if let Some(d) = abs("XDG_CACHE_HOME") {
        return Some(d.join("nomad-preflight"));
    }
    if cfg!(windows) {
        return abs("LOCALAPPDATA").map(|d| d.join("nomad-preflight"));
    }
    let home = abs("HOME")?;
    Some(if cfg!(target_os = "macos") {
        home.join("Library/Caches/nomad-preflight")
    } else {
        home.join(".cache/nomad-preflight")
    })
}

/// The running binary: a rebuilt executable never reads an older one's
/// entries, whatever its version number says.
pub fn binary_identity() -> Option<String> {
    static ID: OnceLock<Option<String>> = OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let meta = std::fs::metadata(exe).ok()?;
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!(
            "{} {} {}",
            env!("CARGO_PKG_VERSION"),
            meta.len(),
            mtime.as_nanos()
        ))
    })
    .clone()
}

/// An entry's bytes: the cache's `magic`, the `key` it is for, the
/// payload's checksum, the payload.
pub fn seal(magic: &[u8; 8], key: &[u8; 32], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 44);
    out.extend_from_slice(magic);
    out.extend_from_slice(key);
    out.extend_from_slice(&checksum(payload));
    out.extend_from_slice(payload);
    out
}

/// The key an entry was [`seal`]ed for, unchecked (`None` for bytes too
/// short to hold one).
pub fn sealed_key(bytes: &[u8]) -> Option<&[u8]> {
    bytes.get(8..40)
}

/// The payload of an entry [`seal`]ed with `magic` for `key`; `None` for
/// another cache's or key's entry, a cut one or a damaged one.
pub fn unseal<'a>(bytes: &'a [u8], magic: &[u8; 8], key: &[u8; 32]) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(magic.as_slice())?;
    let (stored_key, rest) = rest.split_at_checked(32)?;
    let (sum, payload) = rest.split_at_checked(4)?;
    (stored_key == key.as_slice() && sum == checksum(payload).as_slice()).then_some(payload)
}

/// The payload's checksum: CRC-32, against a torn or damaged file. The
/// key (SHA-256 of the inputs) already names what the entry is for; the
/// entry lives in a folder only the user can write ([`private`],
/// [`read_entry`]), so the check is against accidents, not forgery: a
/// keyed MAC would guard only against someone who can already read the
/// key beside the entries, and SHA-256 of a 15 MB payload was a tenth of a
/// cached plan at 5,000 clients.
fn checksum(payload: &[u8]) -> [u8; 4] {
    crc32fast::hash(payload).to_le_bytes()
}

/// The file of an entry: its key in hex, with the cache's extension.
pub fn entry_path(dir: &Path, key: &[u8; 32], extension: &str) -> PathBuf {
    let mut buf = [0u8; 64];
    let hex = crate::hex::encode_into(key, &mut buf);
    dir.join(format!("{hex}.{extension}"))
}

/// Write `bytes` at `path` in `dir`, whole or not at all (written aside,
/// then renamed), then keep only the newest `keep` files with `path`'s
/// extension. Best effort: a cache that cannot be written only costs the
/// next run its time.
pub fn write_entry(dir: &Path, path: &Path, bytes: &[u8], keep: usize) {
    // Made here, or found: written only if it is (still) the user's alone.
    if create_private_dir(dir).is_err() || private(dir) != Trust::Private {
        return;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    // A new file only (O_CREAT|O_EXCL follows no link: a name planted
    // there, link or file, fails the write instead of redirecting it), and
    // the user's alone to read.
    if write_new(&tmp, bytes).is_err() {
        return;
    }
    if std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        prune(dir, ext, keep);
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    if let Err(e) = file.write_all(bytes) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Remove the oldest files with `extension` beyond `keep`.
fn prune(dir: &Path, extension: &str, keep: usize) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == extension))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if entries.len() <= keep {
        return;
    }
    entries.sort();
    let excess = entries.len() - keep;
    for (_, p) in entries.into_iter().take(excess) {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn the_directory_is_never_relative() {
        // A relative value would put entries in the current directory,
        // usually the repository under check: it is passed over.
        fn env<'a>(
            vars: &'a [(&'a str, &'a str)],
        ) -> impl Fn(&str) -> Option<std::ffi::OsString> + 'a {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        }
        let all = [(DIR_ENV, "/c/np"), ("XDG_CACHE_HOME", "/x"), ("HOME", "/h")];
        assert_eq!(dir_from(env(&all)), Some(PathBuf::from("/c/np")));
        let relative = [
            (DIR_ENV, "cache"),
            ("XDG_CACHE_HOME", ".cache"),
            ("HOME", "/h"),
        ];
        assert_eq!(
            dir_from(env(&relative)),
            Some(PathBuf::from("/h/.cache/nomad-preflight"))
        );
        assert_eq!(
            dir_from(env(&[("XDG_CACHE_HOME", "/x")])),
            Some(PathBuf::from("/x/nomad-preflight"))
        );
        assert_eq!(dir_from(env(&[("HOME", "home")])), None);
    }

    #[test]
    fn pruning_keeps_the_newest_entries_of_one_extension() {
        let dir = std::env::temp_dir().join(format!("np-cache-dir-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        for i in 0..5 {
            std::fs::write(dir.join(format!("{i:03}.placements")), b"x").expect("write");
        }
        std::fs::write(dir.join("other.jobs"), b"x").expect("write");
        write_entry(&dir, &dir.join("new.placements"), b"y", 3);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left.len(),
            4,
            "{left:?}: 3 entries kept, the other cache's file left"
        );
        assert!(left.contains(&"other.jobs".to_string()));
        assert!(left.contains(&"new.placements".to_string()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
