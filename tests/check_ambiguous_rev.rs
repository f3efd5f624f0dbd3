//! A revision name several refs answer to is a "cannot tell" (R27b-2). A
//! pull request pushed a tag `origin/main` on its own commit; a CI clone
//! fetches tags, and git's order (tags before remote-tracking branches)
//! read `--base origin/main` as the pull request: "0 files", exit 0. Git
//! itself only warns ("refname 'origin/main' is ambiguous"). Now the gate
//! cannot tell, names the refs and the full name to pass; a full name
//! and `HEAD` are read as before.

use crate::common;

use common::{git, output_text, TempDir};

/// The demo committed on `main`, `refs/remotes/origin/main` on it (as a
/// clone has), then `pr` raising sockshop's carts to 40 (NP findings:
/// exit 1 against the real base), and a tag `origin/main` on `pr`.
fn repo(name: &str) -> TempDir {
    let d = common::committed_demo(name);
    git(&d.0, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    git(&d.0, &["checkout", "-qb", "pr"]);
    let path = d.0.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("count = 1", "count = 40", 1)).unwrap();
    git(&d.0, &["commit", "-qam", "carts: 40"]);
    git(&d.0, &["tag", "origin/main", "pr"]);
    d
}

/// `text` without white space or miette's gutter: its wrapping of a
/// long line (inside a ref's name too) does not matter.
fn flat(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

fn assert_ambiguous(out: &std::process::Output, code: i32, what: &str) {
    assert_ambiguous_rev(out, code, what, "origin/main");
}

fn assert_ambiguous_rev(out: &std::process::Output, code: i32, what: &str, rev: &str) {
    let text = output_text(out);
    assert_eq!(out.status.code(), Some(code), "{what}: {text}");
    assert!(
        flat(&text).contains(&flat(&format!("revision {rev:?} is ambiguous: it names refs/tags/origin/main and refs/remotes/origin/main; pass the full name of the one you mean (e.g. refs/remotes/origin/main)"))),
        "{what}: {text}"
    );
}

#[test]
fn a_tag_named_like_the_base_makes_the_gate_cannot_tell() {
    let d = repo("ambiguous-base");
    for args in [
        &["check", "--base", "origin/main"][..],
        &["check", "--base", "origin/main", "--head", "HEAD"],
    ] {
        assert_ambiguous(&d.run(args), 2, &format!("{args:?}"));
    }
    // A revision built on the name is read by its name first.
    let out = d.run(&["check", "--base", "origin/main~0", "--head", "HEAD"]);
    assert_ambiguous_rev(&out, 2, "~0", "origin/main~0");
    let out = d.run(&[
        "plan",
        "--changed",
        "--base",
        "origin/main",
        "--head",
        "HEAD",
        "--gate",
    ]);
    assert_ambiguous(&out, 255, "plan --gate");
}

#[test]
fn an_ambiguous_head_is_cannot_tell_too() {
    let d = repo("ambiguous-head");
    git(&d.0, &["tag", "-f", "origin/main", "main"]);
    let out = d.run(&["check", "--base", "main", "--head", "origin/main"]);
    assert_ambiguous(&out, 2, "--head");
}

#[test]
fn the_machine_formats_say_cannot_tell() {
    let d = repo("ambiguous-formats");
    let out = d.run(&[
        "check",
        "--base",
        "origin/main",
        "--head",
        "HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = &doc["findings"][0];
    assert_eq!(f["cannot_tell"], true, "{doc}");
    assert!(
        f["message"].as_str().unwrap().contains("is ambiguous"),
        "{doc}"
    );
    let out = d.run(&[
        "plan",
        "--changed",
        "--base",
        "origin/main",
        "--head",
        "HEAD",
        "--gate",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(255), "{}", output_text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["Preflight"]["CannotTell"], true, "{doc}");
    assert!(
        doc["Preflight"]["Error"]
            .as_str()
            .unwrap()
            .contains("is ambiguous"),
        "{doc}"
    );
    let out = d.run(&[
        "check",
        "--base",
        "origin/main",
        "--head",
        "HEAD",
        "--format",
        "markdown",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("is ambiguous"),
        "{}",
        output_text(&out)
    );
}

#[test]
fn full_names_and_head_are_read_as_written() {
    // Guard (passes on the baseline too): the way out the help names works.
    let d = repo("ambiguous-full");
    let out = d.run(&[
        "check",
        "--base",
        "refs/remotes/origin/main",
        "--head",
        "HEAD",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let out = d.run(&[
        "check",
        "--base",
        "refs/remotes/origin/main~0",
        "--head",
        "refs/heads/pr",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let out = d.run(&["check", "--base", "main", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
}

#[test]
fn a_short_commit_id_a_tag_is_named_after_is_ambiguous() {
    let d = repo("ambiguous-short-id");
    let out = common::git_command(&d.0)
        .args(["rev-parse", "--short=12", "main"])
        .output()
        .expect("git");
    let short = String::from_utf8(out.stdout).unwrap().trim().to_string();
    git(&d.0, &["tag", &short, "pr"]);
    let out = d.run(&["check", "--base", &short, "--head", "HEAD"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        flat(&text).contains(&flat(&format!(
            "it names refs/tags/{short} and object ID {short}...; pass the full name of the one you mean (e.g. the commit's full id)"
        ))),
        "{text}"
    );
}
