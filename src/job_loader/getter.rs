//! A job file `nomad job plan` / `validate` / `run` cannot get, in its
//! words. The CLI fetches FILE with go-getter before it parses anything
//! (command/helpers.go `JobGetter.Get`, v0.9.3 through v2.0.5): go-getter
//! detects a plain path as a file relative to the working directory
//! (detect_file.go: `filepath.Join(pwd, src)`, the pwd's own link
//! resolved), and its FileGetter.GetFile stats it (get_file_unix.go, the
//! same words from the vendored copy of 0.9.3 to v1.8.6 at 2.0.5):
//!
//! - `source path error: stat ABS: no such file or directory` (Go's
//!   PathError, its errno's text) when the stat fails;
//! - `source path must be a file` for a folder;
//!
//! which the CLI wraps as `Error getting jobfile from "FILE": ...`, printed
//! after `Error getting job struct: ` (exit 1 for validate and run, 255 for
//! plan). An empty path is `Error jobfile path has to be specified.`.
//!
//! Only a plain path is judged: one go-getter would take for a URL, a
//! forced getter (`git::`), a subfolder (`//`), a query or an escape, or a
//! host it knows (github.com/, s3 ...) is left to the reader's own refusal.

use std::path::{Component, Path, PathBuf};

/// The text after `Error getting job struct: ` for `named` (as the user
/// wrote it), when Nomad's CLI cannot get it; None when it can, or when
/// the path is not a plain one (see the module's words).
pub fn cannot_get(named: &Path) -> Option<String> {
    let spelled = named.to_str()?;
    if spelled.is_empty() {
        return Some("Error jobfile path has to be specified.".to_string());
    }
    if !plain(spelled) {
        return None;
    }
    // The path go-getter stats, lexically cleaned: `x/../f` is `f` even
    // where `x` is missing.
    let abs = absolute(named)?;
    let why = match std::fs::metadata(&abs) {
        Ok(m) if m.is_dir() => "source path must be a file".to_string(),
        Ok(_) => return None,
        Err(e) => {
            let errno = crate::vfs::go_errno(&e)?;
            format!("source path error: stat {}: {errno}", abs.display())
        }
    };
    Some(format!(
        "Error getting jobfile from {}: {why}",
        crate::gotext::go_quote(spelled)
    ))
}

/// A path go-getter's detectors pass to the file getter unchanged (no
/// scheme, forced getter, subfolder, query, fragment or escape, no host a
/// detector before the file one claims) and url.Parse takes as it is.
fn plain(p: &str) -> bool {
    const HOSTS: &[&str] = &["github.com/", "gitlab.com/", "bitbucket.org/", "git@"];
    const INSIDE: &[&str] = &["::", "://", "//", ".amazonaws.com/", "googleapis.com/"];
    !p.chars()
        .any(|c| c.is_control() || matches!(c, '?' | '#' | '%'))
        && !HOSTS.iter().any(|h| p.starts_with(h))
        && !INSIDE.iter().any(|s| p.contains(s))
}

/// The path go-getter stats: an absolute one as written, else joined to
/// Go's working directory and cleaned (filepath.Join).
fn absolute(named: &Path) -> Option<PathBuf> {
    if named.is_absolute() {
        return Some(named.to_path_buf());
    }
    Some(clean(&go_pwd()?.join(named)))
}

/// os.Getwd: `$PWD` when it names the working directory, else the
/// kernel's; detect_file.go then resolves the pwd if it is itself a link.
fn go_pwd() -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    let pwd = std::env::var_os("PWD")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && same_file(p, &here))
        .unwrap_or(here);
    let link = std::fs::symlink_metadata(&pwd).is_ok_and(|m| m.file_type().is_symlink());
    if link {
        return std::fs::canonicalize(&pwd).ok();
    }
    Some(pwd)
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
}

/// filepath.Clean of an absolute path: `.` dropped, `..` taken lexically.
fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::ParentDir => {
                out.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_getter_takes_for_more_than_a_file_are_not_judged() {
        for p in [
            "git::https://x/y",
            "https://x/y.nomad",
            "jobs//web.nomad",
            "web.nomad?archive=false",
            "github.com/a/b",
            "a%20b.nomad",
        ] {
            assert!(!plain(p), "{p}");
        }
        assert!(plain("jobs/web.nomad"));
        assert!(plain("../web.nomad"));
    }

    #[test]
    fn a_missing_file_and_a_folder_in_nomads_words() {
        let dir = std::env::temp_dir().join(format!("getter-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let missing = dir.join("nope.nomad");
        assert_eq!(
            cannot_get(&missing).as_deref(),
            Some(
                format!(
                    "Error getting jobfile from \"{0}\": source path error: stat {0}: no such file or directory",
                    missing.display()
                )
                .as_str()
            )
        );
        let through = dir.join("f.nomad");
        std::fs::write(&through, "job").expect("write");
        let under = through.join("x.nomad");
        assert!(cannot_get(&under)
            .is_some_and(|t| t.ends_with(&format!("stat {}: not a directory", under.display()))));
        assert_eq!(
            cannot_get(&dir).as_deref(),
            Some(
                format!(
                    "Error getting jobfile from \"{}\": source path must be a file",
                    dir.display()
                )
                .as_str()
            )
        );
        assert_eq!(cannot_get(&through), None);
        assert_eq!(
            cannot_get(Path::new("")).as_deref(),
            Some("Error jobfile path has to be specified.")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_relative_path_is_cleaned_against_the_working_directory() {
        assert_eq!(
            clean(Path::new("/a/./b/../c.nomad")),
            PathBuf::from("/a/c.nomad")
        );
        assert_eq!(clean(Path::new("/../x")), PathBuf::from("/x"));
    }
}
