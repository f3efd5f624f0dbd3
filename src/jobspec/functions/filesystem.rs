//! Filesystem functions: paths and file reads, all fenced inside the
//! repository by [`FnEnv`].

use super::*;
use crate::vfs::EntryKind;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        // go-cty-funcs filesystem.go:178,193@v0.1.0 (jobspec2/functions.go
        // :104-113@v2.0.5): Go's filepath.Base and filepath.Dir, whose
        // Clean differs from Rust's Path ("a/" is "a", "//a//b" is "/a").
        "basename" => Ok(Value::String(go_base(&s(arg(a, 0)?)?))),
        "dirname" => Ok(Value::String(go_dir(&s(arg(a, 0)?)?))),
        // filepath.Abs joins the working directory of the `nomad` process,
        // homedir.Expand the operator's home: neither is known to a hook or
        // a CI gate, so "cannot tell", never this machine's value. Only
        // what needs neither is answered: Abs cleans an absolute path,
        // Expand returns a path without a leading `~` as it is and refuses
        // `~user` (mitchellh/go-homedir homedir.go Expand; go-cty-funcs
        // filesystem.go@v0.1.0).
        "abspath" | "pathexpand" => {
            let p = s(arg(a, 0)?)?;
            if name == "abspath" && p.starts_with('/') {
                return Ok(Value::String(go_clean(&p)));
            }
            if name == "pathexpand" {
                use super::home_dir::{homedir_expand, HomeDir};
                match homedir_expand(&p) {
                    HomeDir::AsTyped => return Ok(Value::String(p)),
                    HomeDir::UserSpecific => {
                        return Err("cannot expand user-specific home dir".to_string().into())
                    }
                    HomeDir::NeedsHome => {}
                }
            }
            Err(Miss::CannotTell(format!(
                "cannot tell what {name}() gives: it depends on the {} of the machine that runs `nomad job plan`",
                if name == "abspath" { "working directory" } else { "home directory" }
            )))
        }
        "file" => {
            arity(a, 1)?;
            let p = s(&a[0])?;
            super::home_dir::home_expand(name, &p)?;
            let src = env.read(name, &p)?;
            // go-cty-funcs MakeFileFunc: the bytes must be UTF-8 (a BOM is
            // text like any other).
            if src.has_raw_bytes() {
                return Err(format!("contents of {p} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead").into());
            }
            let text = if src.bom {
                format!("\u{feff}{}", src.text)
            } else {
                src.text.to_string()
            };
            Ok(Value::String(text))
        }
        "fileexists" => {
            let p = s(arg(a, 0)?)?;
            super::home_dir::home_expand(name, &p)?;
            let full = env.check(name, &p)?;
            env.admitted(&full)?;
            // A path leading outside the project is refused, never `false`.
            let Some(vfs) = env.vfs else {
                return Ok(Value::Bool(false));
            };
            // go-cty-funcs MakeFileExistsFunc (filesystem.go, 2721b1e36840
            // for Nomad v1.0-v1.9, v0.1.0 for v2.0.5): os.Stat, and a path
            // that exists but is no regular file (a folder, a FIFO) fails
            // with its Go FileMode, never `false`. A stat failing other
            // than ENOENT (a link loop, ELOOP) is "failed to stat PATH".
            let shown = env.shown(&[&p], &full, vfs.root());
            match vfs.probe(&full) {
                Ok(true) => return Ok(Value::Bool(true)),
                Ok(false) => {}
                Err(e) if e.raw_os_error() == Some(2) => {}
                Err(e) => return Err(failed_os(e, || format!("failed to stat {shown}"))),
            }
            match vfs.irregular_mode(&full).map_err(unread)? {
                Some(mode) => Err(format!(
                    "{shown} is not a regular file, but \"{}\"",
                    go_file_mode(mode)
                )
                .into()),
                // A folder whose mode this reader does not hold (a git
                // revision): Nomad fails, with bits we cannot print.
                None if vfs.is_dir(&full) => Err(Miss::CannotTell(format!(
                    "cannot tell what Nomad says of fileexists(\"{p}\"): {shown} is a folder, which Nomad refuses naming its permission bits, and this reader does not hold them"
                ))),
                None => Ok(Value::Bool(false)),
            }
        }
        "fileset" => Ok(super::fileset::fileset(
            env,
            &s(arg(a, 0)?)?,
            &s(arg(a, 1)?)?,
        )?),
        "filebase64" => {
            // Every byte, as read: not the text a parser would see.
            let p = s(arg(a, 0)?)?;
            super::home_dir::home_expand(name, &p)?;
            let bytes = env.read(name, &p)?.bytes();
            Ok(Value::String(b64_encode(&bytes)))
        }
        _ => Err(Miss::Skip),
    }
}

/// "Cannot tell" when `path` is at or below a submodule of the git
/// revision (or index) read ([`crate::vfs::Vfs::submodule_at`]): the
/// checkout `nomad` reads holds there the submodule's `.git` file and
/// the commit its clone checked out, or an empty folder, none of which
/// this repository's objects tell (abs24: `fileset("sub", "*")` passed
/// `check --staged` with the submodule's blobs, without `sub/.git`).
/// `what` says what is not known (`file() reads`, `Nomad lists for
/// fileset()`).
pub(super) fn not_in_submodule(
    vfs: &dyn crate::vfs::Vfs,
    path: &Path,
    what: &str,
) -> Result<(), Miss> {
    let Some(sub) = vfs.submodule_at(path).map_err(unread)? else {
        return Ok(());
    };
    let sub = crate::project::shown(&sub);
    let rev = vfs.revision().unwrap_or_else(|| vfs.describe());
    Err(Miss::CannotTell(format!(
        "cannot tell what {what}: {sub} is a git submodule in {rev}, and the folder a checkout makes of it holds the submodule's own .git file and whichever commit its clone checked out (nothing if it was not initialised), not this repository's objects"
    )))
}

/// What an `Lstat` finds at `path` (not a file, not a folder): read from
/// its folder's entries; nothing there is [`EntryKind::Other`].
pub(super) fn start_kind(vfs: &dyn crate::vfs::Vfs, path: &Path) -> Result<EntryKind, Miss> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(EntryKind::Other);
    };
    let entries = match vfs.entries(dir) {
        Ok(v) => v,
        Err(e) if crate::project::refusal(&e).is_some() => return Err(unread(e)),
        Err(_) => return Ok(EntryKind::Other),
    };
    Ok(entries
        .into_iter()
        .find(|e| e.name == name)
        .map_or(EntryKind::Other, |e| e.kind))
}

/// The first `.git` folder on `path` (the path up to it, spelled as
/// `path` is), as [`crate::project::Fence`] tells a repository's metadata:
/// any case, since a case-insensitive file system opens `.GIT` as `.git`.
pub(super) fn git_folder(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        out.push(c);
        if c.as_os_str().eq_ignore_ascii_case(".git") {
            return Some(out);
        }
    }
    None
}

/// Nomad's `what` for a stat that failed with an errno Go words
/// ([`crate::vfs::go_errno`]: ELOOP, ENOTDIR, EACCES, on disk or in a git
/// reader); our refusals and any other error as [`unread`] has them.
fn failed_os(e: std::io::Error, what: impl FnOnce() -> String) -> Miss {
    if crate::project::refusal(&e).is_none() && crate::vfs::go_errno(&e).is_some() {
        return what().into();
    }
    unread(e)
}

/// A read or listing that failed, ours ([`crate::project::Refusal`]) told
/// from the file system's by type.
pub(super) fn unread(e: std::io::Error) -> Miss {
    unread_ref(&e)
}

/// [`unread`] of an error kept elsewhere.
pub(super) fn unread_ref(e: &std::io::Error) -> Miss {
    match crate::project::refusal(e) {
        Some(_) => Miss::Refused(e.to_string()),
        None => Miss::Fail(e.to_string()),
    }
}

/// Go's `filepath.Rel(base, target)` for two clean paths, with `/`.
pub(super) fn relative(target: &Path, base: &Path) -> String {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().filter(|c| c.as_os_str() != ".").collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

impl FnEnv<'_> {
    /// The path `name()` reads for `p` (go-cty-funcs readFileBytes,
    /// MakeFileExistsFunc, MakeFileSetFunc, filesystem.go@v0.1.0: an
    /// absolute path as it is, a relative one joined to BaseDir), or why
    /// it is not known here: an absolute path (fenced first: outside the
    /// project stays our refusal) names a file of the machine that runs
    /// `nomad job plan`, which a git revision ([`crate::vfs::Vfs::revision`])
    /// does not hold: a hook reading the index would answer with the
    /// staged blob where `nomad` reads the disk, and CI with the clone's
    /// path where the deploy has its own.
    pub(super) fn resolve(&self, name: &str, p: &str) -> Result<PathBuf, Miss> {
        let path = Path::new(p);
        if path.is_absolute() {
            let full = self.fence(crate::vfs::normalize(path), p)?;
            if let Some(rev) = self.vfs.and_then(|v| v.revision()) {
                return Err(Miss::CannotTell(format!(
                    "cannot tell what {name}() reads: {} is an absolute path, a file of the machine that runs `nomad job plan`, and this run reads {rev}",
                    crate::gotext::go_quote(p)
                )));
            }
            return Ok(full);
        }
        // The answer now depends on where `nomad` runs: said once in the
        // plan's notes.
        if let Some(r) = self.relative {
            r.set(true);
        }
        let full = match self.base_dir {
            Some(b) => b.join(path),
            None => path.to_path_buf(),
        };
        Ok(crate::vfs::normalize(&full))
    }

    /// Refuse devices and paths that leave the repository: a job file is
    /// untrusted input and must not make us read `/dev/zero` or `~/.ssh`.
    /// A path into a repository's metadata (`.git/config`, any case) is
    /// refused by every reader, as [`crate::project::Fence`] refuses it on
    /// disk: a checkout made where `nomad` runs holds it, a git revision
    /// does not, so the index answered "no file exists" (or `false`)
    /// where Nomad reads the deploy's own `.git`.
    fn check(&self, name: &str, p: &str) -> Result<PathBuf, Miss> {
        let full = self.fence(self.resolve(name, p)?, p)?;
        let root = self.repo_root.map(crate::vfs::normalize);
        let below = root
            .as_deref()
            .and_then(|r| full.strip_prefix(r).ok())
            .unwrap_or(&full);
        if git_folder(below).is_some() {
            return Err(unread(crate::project::git_metadata(Path::new(p))));
        }
        if let Some(vfs) = self.vfs {
            not_in_submodule(vfs, &full, &format!("{name}() reads"))?;
        }
        Ok(full)
    }

    /// [`FnEnv::check`] for a path already resolved; `p` is how it is shown.
    pub(super) fn fence(&self, full: PathBuf, p: &str) -> Result<PathBuf, Miss> {
        if full.starts_with("/dev") || full.starts_with("/proc") || full.starts_with("/sys") {
            return Err(Miss::Refused(format!(
                "refusing to read the device or kernel file \"{p}\""
            )));
        }
        if let Some(root) = self.repo_root {
            let root = crate::vfs::normalize(root);
            let inside = if full.is_absolute() == root.is_absolute() {
                full.starts_with(&root)
            } else {
                !full.starts_with("..") && !full.is_absolute()
            };
            if !inside {
                return Err(Miss::Refused(format!(
                    "refusing to read \"{p}\": it is outside the repository"
                )));
            }
        }
        Ok(full)
    }

    /// Our refusal when the reader does not admit `full` as a job's input
    /// ([`crate::vfs::Vfs::admits_input`]): "cannot tell", never a quote.
    pub(super) fn admitted(&self, full: &Path) -> Result<(), Miss> {
        match self.vfs.map(|v| v.admits_input(full)) {
            Some(Err(e)) => Err(unread(e)),
            _ => Ok(()),
        }
    }

    fn read(&self, name: &str, p: &str) -> Result<crate::source::Source, Miss> {
        let full = self.check(name, p)?;
        self.admitted(&full)?;
        let vfs = self.vfs.ok_or("filesystem functions are disabled here")?;
        // go-cty-funcs readFileBytes: the path joined to where `nomad`
        // runs (BaseDir ".", command/helpers.go v2.0.5:474) and cleaned, unquoted; any error but a missing file is
        // "failed to read" (a folder included). Our own refusals (a link
        // leading outside the project) keep their reason.
        let shown = self.shown(&[p], &full, vfs.root());
        if vfs.is_dir(&full) {
            return Err(format!("failed to read {shown}").into());
        }
        vfs.read(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("no file exists at {shown}").into(),
            // Ours: the reason is the point (and not Nomad's words).
            _ if crate::project::refusal(&e).is_some() => {
                Miss::Refused(format!("failed to read {shown}: {e}"))
            }
            // Any other error, ELOOP and ENOTDIR included, from the disk
            // or a git reader alike: readFileBytes names no errno.
            _ => format!("failed to read {shown}").into(),
        })
    }
}

impl FnEnv<'_> {
    /// The path `parts` (a call's path arguments) name, resolved to
    /// `full`, as Nomad names it in an error: `filepath.Join(".", parts…)`
    /// cleaned, so a relative path reads as typed, relative to where
    /// `nomad` runs. An absolute one is shown from the reader's `root`
    /// ([`go_shown`]): the project's own absolute folder is this
    /// machine's, not the deploy's.
    pub(super) fn shown(&self, parts: &[&str], full: &Path, root: &Path) -> String {
        match parts.first() {
            Some(first) if !first.starts_with('/') => {
                let joined: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
                go_clean(&joined.join("/"))
            }
            _ => go_shown(full, root),
        }
    }
}

/// An absolute path as an error names it: relative to the reader's root
/// (the project), and cleaned (`filepath.Clean`: `.` for nothing left).
fn go_shown(full: &Path, root: &Path) -> String {
    let rel = full.strip_prefix(root).unwrap_or(full);
    let text = rel.display().to_string();
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

/// Go's `FileMode.String` (io/fs/format.go) of a Unix `st_mode`, mapped as
/// os/stat_linux.go fillFileStatFromSys does: type letters from
/// "dalTLDpSugct?" in that order, then `rwxrwxrwx` with `-` for an unset
/// bit ("drwxr-xr-x", "prw-r--r--").
fn go_file_mode(mode: u32) -> String {
    let fmt = mode & 0o170_000;
    let letters = [
        ('d', fmt == 0o040_000),
        ('D', matches!(fmt, 0o060_000 | 0o020_000)),
        ('p', fmt == 0o010_000),
        ('S', fmt == 0o140_000),
        ('u', mode & 0o4000 != 0),
        ('g', mode & 0o2000 != 0),
        ('c', fmt == 0o020_000),
        ('t', mode & 0o1000 != 0),
    ];
    let mut out: String = letters.iter().filter(|l| l.1).map(|l| l.0).collect();
    if out.is_empty() {
        out.push('-');
    }
    for (i, c) in "rwxrwxrwx".chars().enumerate() {
        out.push(if mode & (1 << (8 - i)) != 0 { c } else { '-' });
    }
    out
}

/// Go's filepath.Clean on a Unix path (path/filepath/path.go): `.` and
/// empty elements dropped, `..` eats the element before it (never the
/// root), "" is ".".
fn go_clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for e in p.split('/') {
        match e {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            e => parts.push(e),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// filepath.Base: the last element after trailing slashes are dropped;
/// "" is "." and a path of slashes "/".
fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    match trimmed.rsplit('/').next() {
        Some(last) if !last.is_empty() => last.to_string(),
        _ => "/".into(),
    }
}

/// filepath.Dir: everything up to the last slash, cleaned.
fn go_dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => go_clean(&p[..=i]),
        None => ".".into(),
    }
}

#[cfg(test)]
mod go_path_tests {
    use super::{git_folder, go_base, go_dir};
    use std::path::{Path, PathBuf};

    /// Answers of Go's path/filepath (redteam7 D7, /tmp/rt7/go/main.go).
    #[test]
    fn dirname_and_basename_are_gos_filepath() {
        for (p, dir, base) in [
            ("/a/b/", "/a/b", "b"),
            ("a/", "a", "a"),
            ("conf/app/", "conf/app", "app"),
            ("//a//b", "/a", "b"),
            ("./a/./b/..", "a/b", ".."),
            ("", ".", "."),
            ("//", "/", "/"),
            ("x", ".", "x"),
            ("/", "/", "/"),
            ("../../x", "../..", "x"),
            ("/../x", "/", "x"),
        ] {
            assert_eq!(go_dir(p), dir, "dirname({p:?})");
            assert_eq!(go_base(p), base, "basename({p:?})");
        }
    }

    /// Go's FileMode.String of a few st_modes (io/fs/format.go).
    #[test]
    fn file_modes_print_as_go() {
        for (mode, text) in [
            (0o040_755, "drwxr-xr-x"),
            (0o010_644, "prw-r--r--"),
            (0o041_777, "dtrwxrwxrwx"),
            (0o140_700, "Srwx------"),
            (0o020_666, "Dcrw-rw-rw-"),
        ] {
            assert_eq!(super::go_file_mode(mode), text);
        }
    }

    #[test]
    fn git_folder_is_any_case() {
        assert_eq!(
            git_folder(Path::new("/r/.GIT/objects/x")),
            Some(PathBuf::from("/r/.GIT"))
        );
        assert_eq!(git_folder(Path::new("/r/conf/a.json")), None);
    }
}

#[cfg(test)]
mod revision_tests {
    use super::super::{call_detailed, CallError, FnEnv};
    use super::Value;
    use crate::vfs::{MemVfs, OverlayVfs, Recording, Vfs};
    use std::path::Path;

    fn env(vfs: &dyn Vfs) -> FnEnv<'_> {
        FnEnv {
            vfs: Some(vfs),
            base_dir: Some(Path::new("/repo")),
            repo_root: Some(Path::new("/repo")),
            version: crate::version::NomadVersion::CURRENT,
            ..FnEnv::default()
        }
    }

    fn file(vfs: &dyn Vfs, p: &str) -> Result<Value, CallError> {
        call_detailed(&env(vfs), "file", vec![Value::String(p.into())])
    }

    /// A git revision's reader holds a checkout's files: a relative path
    /// is read, an absolute one inside the project is "cannot tell" through
    /// every wrapper, outside it is refused, and `.git` is refused as the
    /// disk refuses it.
    #[test]
    fn an_absolute_path_is_not_a_revisions_file() {
        let mut git = MemVfs::git(":", "/repo");
        git.insert("conf/mem", "200");
        let overlay = OverlayVfs::new(&git);
        let recording = Recording::new(&git);
        for vfs in [&git as &dyn Vfs, &overlay, &recording] {
            assert_eq!(file(vfs, "conf/mem"), Ok(Value::String("200".into())));
            match file(vfs, "/repo/conf/mem") {
                Err(CallError::CannotTell(m)) => assert!(
                    m.starts_with(
                        "cannot tell what file() reads: \"/repo/conf/mem\" is an absolute path"
                    ) && m.ends_with("and this run reads the index"),
                    "{m}"
                ),
                other => panic!("{other:?}"),
            }
            assert!(matches!(
                file(vfs, "/etc/passwd"),
                Err(CallError::Refused(_))
            ));
            assert!(matches!(
                file(vfs, ".git/config"),
                Err(CallError::Refused(_))
            ));
        }
        // Files that are no revision's (the embedded demo, fixtures): read.
        let mut mem = MemVfs::new("t");
        mem.insert("/repo/conf/mem", "300");
        assert_eq!(
            file(&mem, "/repo/conf/mem"),
            Ok(Value::String("300".into()))
        );
    }
}
