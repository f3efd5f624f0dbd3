//! Which worktrees a hook written under a relative `core.hooksPath`
//! covers. git resolves a relative `core.hooksPath` from the top of the
//! worktree that runs the hook (githooks(5): "relative to the directory
//! where the hooks are run"; git-config(1) core.hooksPath), so `hook
//! install` writing `<this worktree>/.githooks/pre-commit` leaves every
//! other worktree (`git worktree add`) without it: its commits ran no
//! check at all, while `install` said "installed" (R26b-4). The hook is
//! still written here, and one warning names the worktrees that run no
//! nomad-preflight hook and how to cover them.

use std::path::{Path, PathBuf};

/// The warning for a `core.hooksPath` that is relative, naming the
/// worktrees (besides the one at `here`) where no hook of ours stands at
/// `<top>/<hooksPath>/<hook>`; `None` when the path is absolute or unset
/// (one folder every worktree shares), or the listing fails.
pub fn uncovered_warning(
    here: &Path,
    hook: &str,
    is_ours: &dyn Fn(&Path) -> bool,
) -> Option<String> {
    let root = crate::git::repo_root(here)?;
    let relative = crate::git::hooks_path(&root).ok()??;
    if relative.is_absolute() {
        return None;
    }
    let tops = crate::git::worktrees(&root).ok()?;
    let missing: Vec<PathBuf> = tops
        .into_iter()
        .filter(|t| !same(t, &root) && !is_ours(&t.join(&relative).join(hook)))
        .collect();
    let shown = |p: &Path| crate::escape::path_line(&p.to_string_lossy());
    let rel = shown(&relative);
    let uncovered = match missing.len() {
        0 => "a worktree added later (`git worktree add`) runs none".to_string(),
        n => format!(
            "git commits in {n} other worktree(s) run no nomad-preflight hook ({}), nor in one added later (`git worktree add`)",
            missing.iter().map(|p| shown(p)).collect::<Vec<_>>().join(", ")
        ),
    };
    Some(format!(
        "warning: core.hooksPath is relative ({rel}), and git reads it from the top of the worktree that commits: the hook covers {} only; {uncovered}; run `nomad-preflight hook install` in each worktree, or make core.hooksPath absolute (`git config core.hooksPath \"$(git rev-parse --show-toplevel)/{rel}\"`) and install again",
        shown(&root)
    ))
}

/// The same folder, however spelt (a `/tmp` that is a link).
fn same(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
