//! `hook install` under a relative `core.hooksPath` writes the hook into
//! this worktree's folder; git reads a relative hooksPath from the top of
//! the worktree that commits (githooks(5)), so a linked worktree (`git
//! worktree add`) ran no hook and its commits passed unjudged, while
//! install said only "installed" (R26b-4). One warning names the
//! worktrees left without the hook and how to cover them.

use crate::common;

use common::{committed_demo, git, output_text};

#[test]
fn a_relative_hooks_path_names_the_worktrees_the_hook_does_not_cover() {
    let d = committed_demo("hook-relative-path");
    git(&d.0, &["config", "core.hooksPath", ".githooks"]);
    let side = common::TempDir::new("hook-relative-path-side");
    std::fs::remove_dir(&side.0).unwrap();
    let at = side.0.to_string_lossy().to_string();
    git(&d.0, &["worktree", "add", "-q", &at, "-b", "side"]);
    let o = d.run(&["hook", "install"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    let err = common::flat(&String::from_utf8_lossy(&o.stderr));
    assert!(
        err.contains("warning: core.hooksPath is relative (.githooks), and git reads it from the top of the worktree that commits"),
        "{text}"
    );
    assert!(
        err.contains("git commits in 1 other worktree(s) run no nomad-preflight hook (")
            && err.contains("hook-relative-path-side"),
        "{text}"
    );
    // Installed in the linked worktree too: each now holds the hook, and
    // the warning names none left out.
    let o = side.run(&["hook", "install"]);
    assert!(side.0.join(".githooks/pre-commit").is_file());
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!err.contains("other worktree(s)"), "{err}");
    assert!(err.contains("a worktree added later"), "{err}");
    // An absolute hooksPath is one folder every worktree shares: no word.
    let hooks = d.0.join("shared-hooks").to_string_lossy().to_string();
    git(&d.0, &["config", "core.hooksPath", &hooks]);
    let o = d.run(&["hook", "install"]);
    assert!(!output_text(&o).contains("warning"), "{}", output_text(&o));
    git(&d.0, &["worktree", "remove", "--force", &at]);
}
