//! `nomad-preflight hook install|uninstall`: a plain git pre-commit hook.

use std::path::{Path, PathBuf};

use crate::diag::exit;

/// Marks the hooks this command wrote, so it never overwrites or removes
/// someone else's hook.
pub const MARKER: &str = "# nomad-preflight: managed pre-commit hook";

#[derive(clap::Subcommand, Debug, Clone)]
pub enum HookCommand {
    /// Write .git/hooks/pre-commit (or under core.hooksPath).
    Install {
        /// Replace an existing hook that nomad-preflight did not write.
        #[arg(long)]
        force: bool,
        /// Also run `plan --changed --staged` after `check --staged`.
        #[arg(long)]
        plan: bool,
    },
    /// Remove the hook if nomad-preflight wrote it.
    Uninstall,
}

#[derive(Debug)]
pub enum HookError {
    NotARepo,
    Foreign(PathBuf),
    Io(std::io::Error),
}

impl std::fmt::Display for HookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HookError::NotARepo => f.write_str("not inside a git repository"),
            HookError::Foreign(p) => write!(
                f,
                "{} exists and was not written by nomad-preflight; use --force to replace it (or call `nomad-preflight check --staged` from it)",
                p.display()
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

/// The hook script. It finds `nomad-preflight` on PATH (a fresh clone runs
/// it as soon as the tool is installed) and fails closed when it is missing:
/// a gate that silently lets everything through is worse than none.
pub fn script(plan: bool) -> String {
    let mut s = format!(
        "#!/bin/sh\n{MARKER}\n# Remove with `nomad-preflight hook uninstall`.\n\
         if ! command -v nomad-preflight >/dev/null 2>&1; then\n\
         \techo \"nomad-preflight: not found on PATH, so this commit is not checked and is refused.\" >&2\n\
         \techo \"Install it (cargo install --locked --git <URL of the nomad-preflight repository> nomad-preflight,\" >&2\n\
         \techo \"or cargo install --locked --path . in a checkout of it: see its README, Install) or put its directory on PATH;\" >&2\n\
         \techo \"to commit once without the check: git commit --no-verify\" >&2\n\
         \texit 1\n\
         fi\n"
    );
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

fn hook_path(start: &Path) -> Result<PathBuf, HookError> {
    let root = crate::git::repo_root(start).ok_or(HookError::NotARepo)?;
    Ok(crate::git::hooks_dir(&root)?.join("pre-commit"))
}

fn ours(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.lines().any(|l| l == MARKER))
}

/// Install the hook for the repository containing `start`; returns its path.
pub fn install(start: &Path, force: bool, plan: bool) -> Result<PathBuf, HookError> {
    let path = hook_path(start)?;
    if path.exists() && !force && !ours(&path) {
        return Err(HookError::Foreign(path));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, script(plan))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(path)
}

/// Remove our hook; `Ok(None)` when there was none of ours.
pub fn uninstall(start: &Path) -> Result<Option<PathBuf>, HookError> {
    let path = hook_path(start)?;
    if !path.exists() {
        return Ok(None);
    }
    if !ours(&path) {
        return Err(HookError::Foreign(path));
    }
    std::fs::remove_file(&path)?;
    Ok(Some(path))
}

pub fn run(cmd: &HookCommand) -> i32 {
    let cwd = PathBuf::from(".");
    let res = match cmd {
        HookCommand::Install { force, plan } => {
            install(&cwd, *force, *plan).map(|p| format!("installed {}", p.display()))
        }
        HookCommand::Uninstall => uninstall(&cwd).map(|p| match p {
            Some(p) => format!("removed {}", p.display()),
            None => "no nomad-preflight hook installed".to_string(),
        }),
    };
    match res {
        Ok(msg) => {
            println!("{msg}");
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::INVALID
        }
    }
}
