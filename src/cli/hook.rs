//! `nomad-preflight hook install|uninstall`: plain git pre-commit and
//! pre-merge-commit hooks, or with `--pre-push` a pre-push hook that judges
//! every ref a push sends ([`super::pre_push`]).
//!
//! `git merge` records its merge commit without running `pre-commit`: it
//! runs `pre-merge-commit` with `GIT_INDEX_FILE` at the merged index
//! (githooks(5); git's builtin/merge.c `run_commit_hook(...,
//! "pre-merge-commit")`), so two branches that each pass the hook merged
//! into a tree the hook refuses with nothing judged (R25b-2). Both are
//! written, each running the same `check --staged` (the merged index
//! against the world at HEAD, the first parent). `git cherry-pick`,
//! `rebase` and `am` run neither hook: their commits are judged only by
//! the pre-push hook or CI.

use std::path::{Path, PathBuf};

use crate::diag::exit;

/// Marks the hooks this command wrote, so it never overwrites or removes
/// someone else's hook.
pub const MARKER: &str = "# nomad-preflight: managed pre-commit hook";

#[derive(clap::Subcommand, Debug, Clone)]
pub enum HookCommand {
    /// Write .git/hooks/pre-commit and pre-merge-commit (or under
    /// core.hooksPath).
    Install {
        /// Replace an existing hook that nomad-preflight did not write.
        #[arg(long)]
        force: bool,
        /// Also run `plan --changed --staged` after `check --staged`.
        #[arg(long)]
        plan: bool,
        /// Write .git/hooks/pre-push: every pushed ref judged against what
        /// the remote holds (`check --pre-push`).
        #[arg(long)]
        pre_push: bool,
    },
    /// Remove the hooks nomad-preflight wrote (pre-commit and
    /// pre-merge-commit).
    Uninstall {
        /// The pre-push hook.
        #[arg(long)]
        pre_push: bool,
    },
}

/// Which git hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PreCommit,
    /// What `git merge` runs instead of `pre-commit` before it records a
    /// merge commit: the same judgement of the merged index.
    PreMergeCommit,
    /// Reads git's pushed refs on stdin, which every command of the
    /// script must see: they are kept once and given to each.
    PrePush,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::PreCommit => "pre-commit",
            Kind::PreMergeCommit => "pre-merge-commit",
            Kind::PrePush => "pre-push",
        }
    }
}

#[derive(Debug)]
pub enum HookError {
    NotARepo,
    Foreign(PathBuf),
    /// The hook path is a symbolic link: writing or deleting through it
    /// would change a file elsewhere (a shared hook, any file at all).
    Symlink(PathBuf),
    /// `--force` would set the user's hook aside, but that name is taken.
    SavedExists(PathBuf),
    Io(std::io::Error),
}

impl std::fmt::Display for HookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HookError::NotARepo => f.write_str("not inside a git repository"),
            HookError::Foreign(p) => write!(
                f,
                "{} exists and was not written by nomad-preflight; use --force to keep it and run it before ours (or call `nomad-preflight check --staged` from it)",
                crate::escape::terminal(&p.display().to_string())
            ),
            HookError::Symlink(p) => write!(
                f,
                "{} is a symbolic link; refusing to write or delete through it (use --force to replace the link itself with our hook; its target is left as it is)",
                crate::escape::terminal(&p.display().to_string())
            ),
            HookError::SavedExists(p) => write!(
                f,
                "{} already exists, so the current hook cannot be set aside; move one of them first",
                crate::escape::terminal(&p.display().to_string())
            ),
            HookError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for HookError {
    fn from(e: std::io::Error) -> Self {
        HookError::Io(e)
    }
}

/// Where `install --force` keeps a user's own hook; ours runs it first.
pub const SAVED_SUFFIX: &str = ".before-nomad-preflight";

/// The hook script. It finds `nomad-preflight` on PATH (a fresh clone runs
/// it as soon as the tool is installed) and fails closed when it is missing:
/// a gate that silently lets everything through is worse than none.
pub fn script(plan: bool) -> String {
    script_with(Kind::PreCommit, plan, false)
}

/// The script, optionally running the user's set-aside hook first (with the
/// same arguments and stdin; its failure stops the commit as before).
fn script_with(kind: Kind, plan: bool, chained: bool) -> String {
    let (name, marker, uninstall, feed) = match kind {
        Kind::PreCommit => ("pre-commit", MARKER, "", ""),
        Kind::PreMergeCommit => ("pre-merge-commit", MERGE_MARKER, "", ""),
        Kind::PrePush => (
            "pre-push",
            PUSH_MARKER,
            " --pre-push",
            "printf '%s\\n' \"$refs\" | ",
        ),
    };
    let mut s = format!(
        "#!/bin/sh\n{marker}\n# Remove with `nomad-preflight hook uninstall{uninstall}`.\n"
    );
    if kind == Kind::PrePush {
        // git writes the pushed refs once; each command below reads them.
        s.push_str("refs=$(cat)\n");
    }
    if chained {
        s.push_str(&format!(
            "# Your previous hook, kept as {name}{SAVED_SUFFIX}, runs first.\n\
             {feed}\"$(dirname \"$0\")/{name}{SAVED_SUFFIX}\" \"$@\" || exit $?\n"
        ));
    }
    let what = match kind {
        Kind::PreCommit => "commit",
        Kind::PreMergeCommit => "merge",
        Kind::PrePush => "push",
    };
    s.push_str(&format!(
        "if ! command -v nomad-preflight >/dev/null 2>&1; then\n\
         \techo \"nomad-preflight: not found on PATH, so this {what} is not checked and is refused.\" >&2\n\
         \techo \"Install it from your copy of nomad-preflight (it is not published): cargo install --locked --path .\" >&2\n\
         \techo \"in a checkout, or cargo install --locked --git <URL of your clone> nomad-preflight (README, Install);\" >&2\n\
         \techo \"or put its directory on PATH;\" >&2\n\
         \techo \"to {what} once without the check: git {what} --no-verify\" >&2\n\
         \texit 1\n\
         fi\n"
    ));
    if kind == Kind::PrePush {
        // --gate: as the commit hook's plan.
        let check = format!("{feed}nomad-preflight check --pre-push \"$1\"");
        if plan {
            s.push_str(&format!(
                "{check} || exit $?\n{feed}exec nomad-preflight plan --changed --pre-push \"$1\" --gate\n"
            ));
        } else {
            s.push_str(&format!("{check}\n"));
        }
        return s;
    }
    if plan {
        // --gate: changing allocations is the point of most commits; only
        // what the policy refuses blocks one.
        s.push_str(
            "nomad-preflight check --staged || exit $?\nexec nomad-preflight plan --changed --staged --gate\n",
        );
    } else {
        s.push_str("exec nomad-preflight check --staged\n");
    }
    s
}

/// Marks our pre-merge-commit hook.
pub const MERGE_MARKER: &str = "# nomad-preflight: managed pre-merge-commit hook";

/// Marks our pre-push hook.
pub const PUSH_MARKER: &str = "# nomad-preflight: managed pre-push hook";

fn hook_path(start: &Path, kind: Kind) -> Result<PathBuf, HookError> {
    let root = crate::git::repo_root(start).ok_or(HookError::NotARepo)?;
    Ok(crate::git::hooks_dir(&root)?.join(kind.name()))
}

fn saved_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(SAVED_SUFFIX);
    path.with_file_name(name)
}

/// What sits at the hook path.
#[derive(Debug, PartialEq, Eq)]
enum Existing {
    Nothing,
    Symlink,
    /// Exactly one of our scripts (whole-file signature), chained or not.
    Ours {
        chained: bool,
    },
    Foreign,
}

fn existing(path: &Path, kind: Kind) -> std::io::Result<Existing> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(e),
    };
    if meta.file_type().is_symlink() {
        return Ok(Existing::Symlink);
    }
    if !meta.is_file() || meta.len() > 64 * 1024 {
        return Ok(Existing::Foreign);
    }
    let text = std::fs::read(path)?;
    for plan in [false, true] {
        for chained in [false, true] {
            if text == script_with(kind, plan, chained).as_bytes() {
                return Ok(Existing::Ours { chained });
            }
        }
    }
    Ok(Existing::Foreign)
}

/// Write a new file at `path` (which holds nothing or our own hook): to a
/// temporary name beside it, then renamed over, so a link planted at the
/// temporary name cannot redirect the write.
fn write_hook(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.nomad-preflight.{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o755))?;
    }
    drop(f);
    std::fs::rename(&tmp, path)
}

/// Install the hook for the repository containing `start`; returns its path.
/// Never loses a user's lines: our own hook (recognised by its exact whole
/// text) is replaced; a hook of the user's is refused, or with `force` kept
/// beside ours and run first; a symbolic link is refused, or with `force`
/// replaced itself (its target untouched).
///
/// The pre-commit hook comes with its pre-merge-commit twin (R25b-2);
/// neither is written unless both can be. Returns the pre-commit hook's
/// path.
pub fn install(start: &Path, force: bool, plan: bool) -> Result<PathBuf, HookError> {
    install_kind(start, Kind::PreCommit, force, plan)
}

/// The hooks `install` of `kind` writes.
fn family(kind: Kind) -> &'static [Kind] {
    match kind {
        Kind::PreCommit | Kind::PreMergeCommit => &[Kind::PreCommit, Kind::PreMergeCommit],
        Kind::PrePush => &[Kind::PrePush],
    }
}

/// Whether the hook at `path` may be written: `Ok(true)` when a user's
/// hook there is to be set aside and chained (`force`).
fn writable(path: &Path, kind: Kind, force: bool) -> Result<bool, HookError> {
    match existing(path, kind)? {
        Existing::Nothing | Existing::Ours { .. } => Ok(false),
        Existing::Symlink if force => Ok(false),
        Existing::Symlink => Err(HookError::Symlink(path.to_path_buf())),
        Existing::Foreign if force => {
            let saved = saved_path(path);
            if std::fs::symlink_metadata(&saved).is_ok() {
                return Err(HookError::SavedExists(saved));
            }
            Ok(true)
        }
        Existing::Foreign => Err(HookError::Foreign(path.to_path_buf())),
    }
}

/// [`install`] of the hook `kind`.
pub fn install_kind(
    start: &Path,
    kind: Kind,
    force: bool,
    plan: bool,
) -> Result<PathBuf, HookError> {
    let kinds = family(kind);
    for k in kinds {
        writable(&hook_path(start, *k)?, *k, force)?;
    }
    let mut first = None;
    for k in kinds {
        let path = install_one(start, *k, force, plan)?;
        first.get_or_insert(path);
    }
    first.ok_or(HookError::NotARepo)
}

/// Write the one hook `kind`.
fn install_one(start: &Path, kind: Kind, force: bool, plan: bool) -> Result<PathBuf, HookError> {
    let path = hook_path(start, kind)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let chained = match existing(&path, kind)? {
        Existing::Nothing => false,
        Existing::Ours { chained } => chained,
        Existing::Symlink if force => {
            std::fs::remove_file(&path)?;
            false
        }
        Existing::Symlink => return Err(HookError::Symlink(path)),
        Existing::Foreign if force => {
            let saved = saved_path(&path);
            if std::fs::symlink_metadata(&saved).is_ok() {
                return Err(HookError::SavedExists(saved));
            }
            std::fs::rename(&path, &saved)?;
            true
        }
        Existing::Foreign => return Err(HookError::Foreign(path)),
    };
    write_hook(&path, &script_with(kind, plan, chained))?;
    Ok(path)
}

/// Remove our hook (exactly ours, never through a link); a user's hook we
/// had set aside is put back. `Ok(None)` when there was none of ours.
/// The pre-merge-commit hook goes with the pre-commit one; a
/// pre-merge-commit hook of the user's is left as it is.
pub fn uninstall(start: &Path) -> Result<Option<PathBuf>, HookError> {
    uninstall_kind(start, Kind::PreCommit)
}

/// [`uninstall`] of the hook `kind` (and its twin): the path of the first
/// removed.
pub fn uninstall_kind(start: &Path, kind: Kind) -> Result<Option<PathBuf>, HookError> {
    let kinds = family(kind);
    let main = hook_path(start, kinds[0])?;
    // The main hook's refusals first, before anything is removed.
    if let Existing::Symlink | Existing::Foreign = existing(&main, kinds[0])? {
        return uninstall_one(start, kinds[0]);
    }
    let mut first = None;
    for k in kinds {
        let path = hook_path(start, *k)?;
        let ours = matches!(existing(&path, *k)?, Existing::Ours { .. });
        if ours || *k == kinds[0] {
            if let Some(p) = uninstall_one(start, *k)? {
                first.get_or_insert(p);
            }
        }
    }
    Ok(first)
}

/// Remove the one hook `kind`.
fn uninstall_one(start: &Path, kind: Kind) -> Result<Option<PathBuf>, HookError> {
    let path = hook_path(start, kind)?;
    match existing(&path, kind)? {
        Existing::Nothing => Ok(None),
        Existing::Symlink => Err(HookError::Symlink(path)),
        Existing::Foreign => Err(HookError::Foreign(path)),
        Existing::Ours { chained } => {
            let saved = saved_path(&path);
            if chained && std::fs::symlink_metadata(&saved).is_ok() {
                std::fs::rename(&saved, &path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
            Ok(Some(path))
        }
    }
}

fn kind(pre_push: bool) -> Kind {
    if pre_push {
        Kind::PrePush
    } else {
        Kind::PreCommit
    }
}

pub fn run(cmd: &HookCommand) -> i32 {
    let cwd = PathBuf::from(".");
    let res = match cmd {
        HookCommand::Install {
            force,
            plan,
            pre_push,
        } => install_kind(&cwd, kind(*pre_push), *force, *plan).map(|p| {
            let mut said = format!("installed {}", p.display());
            if !*pre_push {
                // `git merge` runs this one instead of pre-commit (R25b-2).
                let merge = p.with_file_name(Kind::PreMergeCommit.name());
                said.push_str(&format!("\ninstalled {}", merge.display()));
            }
            said
        }),
        HookCommand::Uninstall { pre_push } => {
            uninstall_kind(&cwd, kind(*pre_push)).map(|p| match p {
                Some(p) => format!("removed {}", p.display()),
                None => "no nomad-preflight hook installed".to_string(),
            })
        }
    };
    match res {
        Ok(msg) => {
            println!("{msg}");
            if let HookCommand::Install { pre_push, .. } = cmd {
                // A relative core.hooksPath is each worktree's own folder.
                let k = kind(*pre_push);
                let ours = |p: &Path| matches!(existing(p, k), Ok(Existing::Ours { .. }));
                let warning = super::hook_worktrees::uncovered_warning(&cwd, k.name(), &ours);
                if let Some(w) = warning {
                    eprintln!("{w}");
                }
            }
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::INVALID
        }
    }
}
