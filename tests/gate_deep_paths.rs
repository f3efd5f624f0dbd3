//! Paths git holds but a recursive walk could not: a file 1200 folders
//! deep (git checks out up to core.maxTreeDepth, 2048 by default since
//! 2.44) crashed `check --base/--head` with a stack overflow in a helper
//! thread (R14-12), and a link whose target is 40 KB of `z/` took 26 s to
//! follow, its path joined again for every part (R14-13). Linux refuses
//! to create a link whose target is PATH_MAX (4096) bytes or more, so no
//! checkout holds it and Nomad reads nothing there: said, never guessed.

#![cfg(unix)]

use crate::common;

use common::mem_world::{committed, job};
use common::{git, output_text};

fn deep(n: usize) -> String {
    "d/".repeat(n)
}

#[test]
fn a_commit_with_a_path_1200_folders_deep_is_judged() {
    let d = committed("deep-path", &[("jobs/web.nomad", job("web", "128"))]);
    let at = format!("{}x.nomad", deep(1200));
    d.put(&at, &job("deep", "999999"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "deep"]);
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("x.nomad:3:9: NP201"), "{text}");
    assert!(!text.contains("overflow"), "{text}");
}

/// Stage a symbolic link at `at` whose target is `target`, straight into
/// the index (no file system holds a target this long).
fn stage_link(d: &common::TempDir, at: &str, target: &str) {
    let blob = d.0.join("target.txt");
    std::fs::write(&blob, target).expect("write target");
    let out = common::git_command(&d.0)
        .args(["hash-object", "-w", "target.txt"])
        .output()
        .expect("git runs");
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    std::fs::remove_file(&blob).expect("remove target");
    let info = format!("120000,{id},{at}");
    git(&d.0, &["update-index", "--add", "--cacheinfo", &info]);
}

#[test]
fn a_link_target_past_path_max_is_refused_at_once() {
    let d = committed("long-link", &[("jobs/web.nomad", job("web", "128"))]);
    // Seconds to follow before (quadratic), a few milliseconds now.
    stage_link(&d, "jobs/evil.nomad", &format!("{}x", "z/".repeat(10_000)));
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    let flat = common::flat(&text);
    assert!(
        flat.contains("refusing to read jobs/evil.nomad: it is a symbolic link in the index, and its target is 4096 bytes or longer"),
        "{text}"
    );
    assert!(!text.contains("z/z/"), "{text}");
}

/// Guard: a target just under PATH_MAX leading to a job is followed.
#[test]
fn a_long_link_target_under_path_max_is_followed() {
    let d = committed("long-link-ok", &[("jobs/web.nomad", job("web", "128"))]);
    d.put("templates/bad.txt", &job("bad", "999999"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "template"]);
    let target = format!("{}../templates/bad.txt", "../jobs/".repeat(500));
    assert!(target.len() < 4096);
    stage_link(&d, "jobs/bad.nomad", &target);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("jobs/bad.nomad:3:9: NP201"), "{text}");
}
