//! The plain repository layout is read without gix's open
//! (src/git/plain.rs): its configuration files, its index, `HEAD`. These
//! guard that the reader without gix answers as gix does where the answer
//! depends on what it reads itself (the global and XDG configuration, a
//! relative `GIT_INDEX_FILE`), and that what it leaves to gix (an
//! included file) still counts. Guards: they pass before and after it.

use crate::common;

use common::{committed_demo, git, output_text, TempDir};

const CRLF: &str =
    "refusing to read jobs/sockshop.nomad: a checkout of the index may write it with CRLF line ends";

/// `check --staged` in `d` with `env` set (and the caller's git variables
/// and configuration folders out of the way), its exit code and text.
fn hook(d: &TempDir, env: &[(&str, &std::path::Path)]) -> (Option<i32>, String) {
    let home = d.0.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = std::process::Command::new(common::bin());
    cmd.current_dir(&d.0)
        .args(["--no-color", "check", "--staged"])
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", &home)
        // Beside the repository: one inside it is not used (R27b-1).
        .env("NOMAD_PREFLIGHT_CACHE_DIR", d.0.with_extension("cache"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("the binary runs");
    (o.status.code(), output_text(&o))
}

/// The demo committed, sockshop (which has heredocs) edited and staged.
fn staged(name: &str) -> TempDir {
    let d = committed_demo(name);
    common::stage_edit(&d.0, "count = 2");
    d
}

#[test]
fn global_and_xdg_configuration_reach_the_checkout_model() {
    let d = staged("plain-global");
    let (code, text) = hook(&d, &[]);
    assert!(!text.contains(CRLF), "{text}");
    assert_eq!(code, Some(0), "{text}");
    // ~/.gitconfig
    d.put("home/.gitconfig", "[core]\n\tautocrlf = true\n");
    let (code, text) = hook(&d, &[]);
    assert!(common::flat(&text).contains(CRLF), "{text}");
    assert_ne!(code, Some(0), "{text}");
    // The repository's own file is read last: its value wins.
    git(&d.0, &["config", "core.autocrlf", "false"]);
    let (_, text) = hook(&d, &[]);
    assert!(!text.contains(CRLF), "{text}");
    git(&d.0, &["config", "--unset", "core.autocrlf"]);
    // $XDG_CONFIG_HOME/git/config, and ~/.config/git/config without it.
    std::fs::remove_file(d.0.join("home/.gitconfig")).unwrap();
    d.put(
        "xdg/git/config",
        "[core]\n\teol = crlf\n[core]\n\tautocrlf = false\n",
    );
    d.put(".gitattributes", "*.nomad text\n");
    git(&d.0, &["add", ".gitattributes"]);
    let xdg = d.0.join("xdg");
    let (_, text) = hook(&d, &[("XDG_CONFIG_HOME", &xdg)]);
    assert!(common::flat(&text).contains(CRLF), "{text}");
    let (_, text) = hook(&d, &[]);
    assert!(!text.contains(CRLF), "{text}");
    d.put("home/.config/git/config", "[core]\n\teol = crlf\n");
    let (_, text) = hook(&d, &[]);
    assert!(common::flat(&text).contains(CRLF), "{text}");
}

#[test]
fn an_included_configuration_file_counts() {
    let d = staged("plain-include");
    d.put("crlf.inc", "[core]\n\tautocrlf = true\n");
    git(&d.0, &["config", "include.path", "../crlf.inc"]);
    let (code, text) = hook(&d, &[]);
    assert!(common::flat(&text).contains(CRLF), "{text}");
    assert_ne!(code, Some(0), "{text}");
}

/// `git commit FILE` gives the hook another index; git names the usual
/// one relative to the work tree's top, where hooks run.
#[test]
fn the_index_a_hook_is_given_is_the_one_read() {
    let d = staged("plain-index");
    let (code, text) = hook(&d, &[]);
    assert_eq!(code, Some(0), "{text}");
    // Another index holding a job that does not parse.
    let alt = std::path::Path::new(".git/other-index");
    let mut cmd = common::git_command(&d.0);
    let ok = cmd
        .args(["read-tree", "HEAD"])
        .env("GIT_INDEX_FILE", alt)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    d.put("jobs/broken.nomad", "job \"broken\" {\n");
    let mut cmd = common::git_command(&d.0);
    let ok = cmd
        .args(["add", "jobs/broken.nomad"])
        .env("GIT_INDEX_FILE", alt)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    for index in [alt.to_path_buf(), d.0.join(alt)] {
        let (code, text) = hook(&d, &[("GIT_INDEX_FILE", &index)]);
        assert_ne!(code, Some(0), "{}: {text}", index.display());
        assert!(text.contains("jobs/broken.nomad"), "{text}");
        assert!(!text.contains("jobs/sockshop.nomad"), "{text}");
    }
    let (code, text) = hook(
        &d,
        &[("GIT_INDEX_FILE", std::path::Path::new(".git/index"))],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("broken"), "{text}");
}
