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
/// in [`default_dir`]. Without a usable directory it stays off.
pub fn enable(on: bool) {
    let off = std::env::var(OFF_ENV).is_ok_and(|v| !v.is_empty() && v != "0");
    let dir = if on && !off { default_dir() } else { None };
    let _ = ACTIVE.set(dir);
}

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
/// entry lives in the user's own cache directory, so the check is against
/// accidents, not forgery, and SHA-256 of a 15 MB payload was a tenth of
/// a cached plan at 5,000 clients.
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
    if create_private_dir(dir).is_err() {
        return;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        prune(dir, ext, keep);
    }
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
