//! Reading a change set runs no program. Git is read in process; the few
//! `git` commands left (a rename's similarity, a diff with the work tree,
//! the untracked files) must not run one either, whatever configuration
//! the user's or the runner's git holds: `core.fsmonitor` names a program
//! git runs on every index it reads (read-cache.c tweak_fsmonitor), and a
//! pre-commit hook or a CI gate reads a change it does not trust.

#![cfg(unix)]

use crate::common;

use common::{git_command, output_text, TempDir};

#[test]
fn no_git_command_runs_the_configured_fsmonitor() {
    let d = TempDir::demo("fsmonitor");
    let home = d.0.join("home");
    let marker = d.0.join("ran");
    let hook = home.join("fsmonitor.sh");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        &hook,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 1\n", marker.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        home.join(".gitconfig"),
        format!("[core]\n\tfsmonitor = {}\n", hook.display()),
    )
    .unwrap();
    std::fs::write(d.0.join(".gitignore"), "home/\nran\n").unwrap();
    let git = |args: &[&str]| {
        let ok = git_command(&d.0)
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("XDG_CONFIG_HOME")
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "world"]);
    // A rename with an edit: git's similarity is asked for.
    git(&["mv", "jobs/sockshop.nomad", "jobs/shop.nomad"]);
    let text = std::fs::read_to_string(d.0.join("jobs/shop.nomad")).unwrap();
    std::fs::write(d.0.join("jobs/shop.nomad"), format!("{text}\n# moved\n")).unwrap();
    git(&["add", "-A"]);
    // The hook has run for git's own commands above: only ours count.
    let _ = std::fs::remove_file(&marker);
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"],
        &["check", "--base", "HEAD"],
        &["plan", "--changed", "--base", "HEAD"],
        &["check", "."],
    ] {
        let o = std::process::Command::new(common::bin())
            .current_dir(&d.0)
            .arg("--no-color")
            .args(args)
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap();
        let text = output_text(&o);
        // Read, not stopped early (the world at HEAD names the old path).
        assert!(
            text.contains("jobs/shop.nomad") || text.contains("jobs/sockshop.nomad"),
            "{args:?} judged the renamed job: {text}"
        );
        assert!(
            !marker.exists(),
            "{args:?} ran core.fsmonitor: {}",
            std::fs::read_to_string(&marker).unwrap_or_default()
        );
    }
}
