//! The plain repository layout, opened without gix: a work tree whose
//! `.git` is a folder of its own (no `gitdir:` file, no `commondir`), owned
//! by the user running us, configured by files without includes, with no
//! environment variable that moves any of it.
//!
//! Why: gix's open (discovery, trust, the configuration's files merged
//! with the environment's overrides, the ref store, the object store's
//! set-up) was 0.40 ms of a 3.8 ms `check --staged`, and the hook needs
//! none of it when its objects are loose (what `git add` and `git commit`
//! write): the index, `HEAD`, and a few loose objects are files at known
//! places ([`super::index`], [`super::loose`], and the packs `git gc`
//! writes, [`super::pack`]). gix is still opened, by
//! [`super::repo::Repo::gix`], the moment anything needs more (an object
//! neither reader finds, a revision other than `HEAD`, the hooks folder).
//!
//! Everything unusual is gix's (`None` here): a worktree or submodule
//! checkout (`.git` a file), `commondir`, a repository or work tree owned
//! by someone else (gix's trust rules and `safe.directory`), any
//! `extensions.*` (SHA-256, reftable, worktree configuration, partial
//! clones), `core.bare`/`core.worktree`, replace refs, `include`/`includeIf`,
//! `gitoxide.*` keys, and any `GIT_*` variable not known to leave
//! the repository's layout and configuration alone. The configuration
//! files are the ones gix reads on Unix (gix-config 0.62
//! `Source::storage_location`, gix-path 0.14 `system_config`), in its order,
//! parsed by gix's own parser, so a value read from them is the value gix
//! gives.

use std::io;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;

/// Where a plain repository's parts are.
pub(super) struct Layout {
    pub git_dir: PathBuf,
    pub objects: PathBuf,
    pub index: PathBuf,
}

/// `GIT_*` variables git or a hook's caller sets that move nothing this
/// reader reads (`GIT_INDEX_FILE` is honoured below). Any other one sends
/// the repository to gix, which knows the rest.
const HARMLESS: &[&str] = &[
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GIT_PAGER",
    "GIT_PREFIX",
    "GIT_EXEC_PATH",
    "GIT_REFLOG_ACTION",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "GIT_ASKPASS",
    "GIT_TERMINAL_PROMPT",
    "GIT_SSL_CAINFO",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_TRACE",
    // Read by the checkout model itself, whichever opener ran.
    "GIT_ATTR_NOSYSTEM",
    "GIT_ATTR_SOURCE",
];

/// Config files larger than this are gix's to read (git has no cap; this
/// reader keeps its reads bounded).
const MAX_CONFIG: u64 = 1 << 20;

/// Sections whose presence anywhere sends the repository to gix: they
/// pull in other files, change the format, or set gix-only behaviour.
const UNUSUAL_SECTIONS: &[&str] = &["include", "includeIf", "extensions", "gitoxide"];

/// Keys that change where things are or how paths are spelled, or that a
/// caller reads as a trusted path (only gix interpolates those).
const UNUSUAL_KEYS: &[&str] = &[
    "core.worktree",
    "core.precomposeUnicode",
    "core.attributesFile",
];

/// The plain layout of the work tree `root` and its configuration (system,
/// global and local, last one wins: gix's resolved configuration for the
/// keys a checkout reads), or `None` for gix to open it.
pub(super) fn open(root: &Path) -> Option<(Layout, gix::config::File)> {
    let index_override = environment_allows()?;
    let git_dir = root.join(".git");
    let meta = std::fs::symlink_metadata(&git_dir).ok()?;
    if !meta.is_dir() {
        return None;
    }
    // gix gives full trust only to what the user owns (gix-discover 0.57
    // `trust`: the git dir and the work tree), else it applies
    // `safe.directory` and reduced trust.
    for path in [&git_dir, &root.to_path_buf()] {
        if !gix::sec::identity::is_path_owned_by_current_user(path).ok()? {
            return None;
        }
    }
    // What makes a folder a git dir to gix's discovery (gix-discover
    // `is_git`): without them gix says what is wrong.
    let looks_like_git = git_dir.join("HEAD").is_file()
        && git_dir.join("objects").is_dir()
        && git_dir.join("refs").is_dir();
    if !looks_like_git {
        return None;
    }
    for unusual in [
        "commondir",
        "reftable",
        "refs/replace",
        "objects/info/alternates",
    ] {
        if std::fs::symlink_metadata(git_dir.join(unusual)).is_ok() {
            return None;
        }
    }
    if packed_refs_replace(&git_dir)? {
        return None;
    }
    let config = configuration(&git_dir)?;
    let index = match index_override {
        Some(file) if file.is_absolute() => file,
        Some(file) => std::env::current_dir().ok()?.join(file),
        None => git_dir.join("index"),
    };
    let at = Layout {
        objects: git_dir.join("objects"),
        git_dir,
        index,
    };
    Some((at, config))
}

/// `Some(GIT_INDEX_FILE)` when the environment leaves the layout alone;
/// `None` (inside `Some`) when it names no other index.
fn environment_allows() -> Option<Option<PathBuf>> {
    let mut index = None;
    for (name, value) in std::env::vars_os() {
        let Some(name) = name.to_str() else {
            continue;
        };
        if !name.starts_with("GIT_") && !name.starts_with("GIX_") {
            continue;
        }
        if name == "GIT_INDEX_FILE" {
            if value.is_empty() {
                return None;
            }
            index = Some(PathBuf::from(value));
        } else if !HARMLESS.contains(&name) {
            return None;
        }
    }
    // Where the global files are depends on these; unset or empty is
    // gix's to resolve (an empty XDG_CONFIG_HOME is a relative path there).
    if std::env::var_os("HOME").is_none_or(|h| h.is_empty())
        || std::env::var_os("XDG_CONFIG_HOME").is_some_and(|x| x.is_empty())
    {
        return None;
    }
    Some(index)
}

/// Whether `packed-refs` holds a replace ref (`Some(true)`), or cannot be
/// read within bounds (`None`); a missing file holds none.
fn packed_refs_replace(git_dir: &Path) -> Option<bool> {
    match read_bounded(&git_dir.join("packed-refs")) {
        Ok(Some(body)) => Some(body.find(b" refs/replace/").is_some()),
        Ok(None) => Some(false),
        Err(()) => None,
    }
}

/// A file's bytes; `Ok(None)` when it does not exist, `Err` when it cannot
/// be read or is over [`MAX_CONFIG`].
fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>, ()> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err(()),
    };
    let meta = file.metadata().map_err(|_| ())?;
    if !meta.is_file() || meta.len() > MAX_CONFIG {
        return Err(());
    }
    let mut body = Vec::with_capacity(meta.len() as usize);
    io::Read::read_to_end(&mut io::Read::take(&file, MAX_CONFIG + 1), &mut body).map_err(|_| ())?;
    if body.len() as u64 > MAX_CONFIG {
        return Err(());
    }
    Ok(Some(body))
}

/// The files gix reads on Unix, in its order: system, `$XDG_CONFIG_HOME`
/// (or `~/.config`) `git/config`, `~/.gitconfig`, then the repository's.
/// `None` when one cannot be read, does not parse, or holds anything
/// [`usual`] refuses.
fn configuration(git_dir: &Path) -> Option<gix::config::File> {
    use gix::config::{file::Metadata, Source};
    let home = PathBuf::from(std::env::var_os("HOME")?);
    let xdg = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(x) => PathBuf::from(x).join("git").join("config"),
        None => home.join(".config").join("git").join("config"),
    };
    let files = [
        (PathBuf::from("/etc/gitconfig"), Source::System),
        (xdg, Source::Git),
        (home.join(".gitconfig"), Source::User),
        (git_dir.join("config"), Source::Local),
    ];
    let mut merged: Option<gix::config::File> = None;
    for (path, source) in files {
        let Some(mut body) = read_bounded(&path).ok()? else {
            // A repository always has its own file: without it, gix says
            // what is wrong.
            if source == Source::Local {
                return None;
            }
            continue;
        };
        let meta = Metadata::from(source).at(&path).with(gix::sec::Trust::Full);
        let file = gix::config::File::from_bytes_owned(&mut body, meta, Default::default()).ok()?;
        if !usual(&file, source == Source::Local) {
            return None;
        }
        match merged.as_mut() {
            Some(m) => {
                m.append(file).ok()?;
            }
            None => merged = Some(file),
        }
    }
    merged
}

/// Whether a configuration file holds nothing only gix handles.
fn usual(file: &gix::config::File, local: bool) -> bool {
    let unusual_section = file.sections().any(|s| {
        let name = s.header().name();
        UNUSUAL_SECTIONS
            .iter()
            .any(|u| name.eq_ignore_ascii_case(u.as_bytes()))
    });
    if unusual_section || UNUSUAL_KEYS.iter().any(|k| file.string(*k).is_some()) {
        return false;
    }
    if !local {
        // Only the repository's own file may say what the repository is.
        return ["core.bare", "core.repositoryFormatVersion"]
            .iter()
            .all(|k| file.string(*k).is_none());
    }
    // `git init` writes `bare = false`; anything else (or a value that is
    // not a boolean) is gix's.
    if file.string("core.bare").is_some() && file.boolean("core.bare").ok().flatten() != Some(false)
    {
        return false;
    }
    // Format 0 or 1 without extensions is SHA-1 with loose refs; others
    // are refused by git and reported by gix.
    file.string("core.repositoryFormatVersion")
        .is_none_or(|v| matches!(v.trim().as_bytes(), b"0" | b"1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> gix::config::File {
        let mut body = text.as_bytes().to_vec();
        let meta = gix::config::file::Metadata::from(gix::config::Source::Local);
        gix::config::File::from_bytes_owned(&mut body, meta, Default::default()).expect("parses")
    }

    const INIT: &str = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n";

    #[test]
    fn what_git_init_writes_is_plain() {
        assert!(usual(&parsed(INIT), true));
        assert!(usual(&parsed("[user]\n\tname = x\n"), false));
        assert!(usual(&parsed("[core]\n\tautocrlf = true\n"), false));
    }

    /// Anything that pulls in other files, changes the format or moves
    /// the work tree is gix's, in any letter case git accepts.
    #[test]
    fn anything_unusual_is_left_to_gix() {
        for extra in [
            "[include]\n\tpath = other\n",
            "[Include]\n\tpath = other\n",
            "[includeIf \"gitdir:/x/\"]\n\tpath = other\n",
            "[extensions]\n\tobjectFormat = sha256\n",
            "[extensions]\n\trefStorage = reftable\n",
            "[gitoxide \"core\"]\n\tx = y\n",
            "[core]\n\tworktree = /elsewhere\n",
            "[core]\n\tattributesFile = ~/attrs\n",
            "[CORE]\n\tWorkTree = /elsewhere\n",
            "[core]\n\tprecomposeUnicode = true\n",
        ] {
            let text = format!("{INIT}{extra}");
            assert!(!usual(&parsed(&text), true), "{extra}");
            assert!(!usual(&parsed(extra), false), "{extra}");
        }
        for local in [
            "[core]\n\tbare = true\n",
            "[core]\n\tbare = maybe\n",
            "[core]\n\trepositoryformatversion = 2\n",
        ] {
            assert!(!usual(&parsed(local), true), "{local}");
        }
        // Only the repository's own file says what the repository is.
        assert!(!usual(&parsed("[core]\n\tbare = false\n"), false));
    }

    fn git(dir: &Path, args: &[&str]) -> bool {
        std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// The layouts found on disk: plain, and each unusual one gix opens.
    #[test]
    fn only_the_plain_layout_is_opened_here() {
        // The environment decides too: under a git that sets more than
        // this reader knows (a test run from a hook), nothing to check.
        if environment_allows().is_none() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("np-plain-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch");
        if !git(&dir, &["init", "-q"]) {
            return; // no git here
        }
        let (at, _) = open(&dir).expect("plain");
        assert_eq!(at.git_dir, dir.join(".git"));
        assert_eq!(at.objects, dir.join(".git/objects"));
        assert_eq!(at.index, dir.join(".git/index"));
        let git_dir = dir.join(".git");
        for (unusual, body) in [
            ("commondir", "../..\n"),
            ("packed-refs", "# pack-refs with: peeled\n0123456789012345678901234567890123456789 refs/replace/0123456789012345678901234567890123456789\n"),
            ("objects/info/alternates", "/elsewhere/objects\n"),
        ] {
            let at = git_dir.join(unusual);
            std::fs::write(&at, body).expect("write");
            assert!(open(&dir).is_none(), "{unusual}");
            std::fs::remove_file(&at).expect("remove");
        }
        std::fs::write(
            git_dir.join("packed-refs"),
            "# pack-refs with: peeled\n0123456789012345678901234567890123456789 refs/heads/main\n",
        )
        .expect("write");
        assert!(open(&dir).is_some(), "packed branches are not unusual");
        // A folder gix's discovery would not take for a git dir is gix's
        // to report.
        std::fs::rename(git_dir.join("HEAD"), git_dir.join("HEAD.away")).expect("move");
        assert!(open(&dir).is_none(), "no HEAD");
        std::fs::rename(git_dir.join("HEAD.away"), git_dir.join("HEAD")).expect("move");
        // A worktree's or a submodule's `.git` is a file naming the git dir.
        let linked = dir.join("linked");
        std::fs::create_dir_all(&linked).expect("mkdir");
        std::fs::write(linked.join(".git"), "gitdir: ../.git\n").expect("write");
        assert!(open(&linked).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
