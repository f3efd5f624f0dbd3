//! git's own pre-push hook (`hook install --pre-push`), run by `git push`
//! itself against a bare remote, with the built binary found on PATH.
//! git gives the hook one line per pushed ref on stdin (githooks(5)); the
//! pre-commit framework judges only the first ref that pushes anything
//! (pre-commit 4.7.0 `commands/hook_impl.py` `_pre_push_ns`), so a push
//! whose later ref breaks the cluster passed (stop 58's "Left" 4). Every
//! ref is judged now, each against what the remote holds.

use crate::common;

use std::ffi::OsString;
use std::process::{Command, Output};

use common::{git, output_text, TempDir};

/// Priority 90 in namespace `default`, whose policy band ends at 70: NP402.
const BAND_BREAKER: &str = "job \"batchy\" {\n  datacenters = [\"dc1\"]\n  priority    = 90\n\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n\n      config {\n        image = \"redis:7\"\n      }\n\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn path_with_binary() -> OsString {
    let mut dirs = vec![common::bin().parent().unwrap().to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap()
}

/// The demo committed on `main` in `work/`, pushed (hook-free) to the bare
/// `remote.git/`, our pre-push hook installed.
struct Pusher {
    dir: TempDir,
}

impl Pusher {
    fn new(name: &str, set_head: bool) -> Pusher {
        let dir = TempDir::new(&format!("prepush-{name}"));
        let work = dir.0.join("work");
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for sub in ["jobs", "rules"] {
            common::copy_dir(&manifest.join(sub), &work.join(sub));
        }
        // The demo's monitoring job hits default's quota (a `check` error):
        // at 1000 MHz the base is clean, as tests/precommit_framework.rs.
        let monitoring = work.join("jobs/monitoring.nomad");
        let text = std::fs::read_to_string(&monitoring).unwrap();
        std::fs::write(&monitoring, text.replace("cpu    = 2000", "cpu    = 1000")).unwrap();
        git(&dir.0, &["init", "-q", "--bare", "remote.git"]);
        git(&work, &["init", "-q"]);
        git(&work, &["add", "."]);
        git(&work, &["commit", "-qm", "demo"]);
        git(&work, &["remote", "add", "origin", "../remote.git"]);
        git(&work, &["push", "-q", "--no-verify", "origin", "main"]);
        if set_head {
            git(&work, &["remote", "set-head", "origin", "main"]);
        }
        let p = Pusher { dir };
        let out = Command::new(common::bin())
            .args(["hook", "install", "--pre-push", "--plan"])
            .current_dir(p.work())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", output_text(&out));
        p
    }

    fn work(&self) -> std::path::PathBuf {
        self.dir.0.join("work")
    }

    fn git(&self, args: &[&str]) {
        git(&self.work(), args);
    }

    /// `git push ARGS` through the hook.
    fn push(&self, args: &[&str]) -> Output {
        common::git_command(&self.work())
            .arg("push")
            .args(args)
            .env("PATH", path_with_binary())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// A branch `name` off main with one commit: the band breaker, or a
    /// harmless README.
    fn branch(&self, name: &str, breaks: bool) {
        self.git(&["checkout", "-q", "-b", name, "main"]);
        let (file, text) = if breaks {
            ("jobs/batchy.nomad", BAND_BREAKER)
        } else {
            ("NOTES.md", "notes\n")
        };
        std::fs::write(self.work().join(file), text).unwrap();
        self.git(&["add", "."]);
        self.git(&["commit", "-qm", name]);
        self.git(&["checkout", "-q", "main"]);
    }

    /// Where the remote's `refname` points, if anywhere.
    fn remote_at(&self, refname: &str) -> Option<String> {
        let out = Command::new("git")
            .args(["rev-parse", "-q", "--verify", refname])
            .current_dir(self.dir.0.join("remote.git"))
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!s.is_empty()).then_some(s)
    }
}

fn assert_refused_for_b(p: &Pusher, out: &Output, b_ref: &str) {
    let s = output_text(out);
    assert!(!out.status.success(), "the push went through: {s}");
    assert!(s.contains("NP402"), "{s}");
    assert!(s.contains(b_ref), "{s}");
    assert!(
        p.remote_at(b_ref).is_none(),
        "{b_ref} reached the remote: {s}"
    );
}

/// `git push origin a b`, both on the remote already: `a` harmless, `b`
/// the band breaker. The second ref's update is judged from the remote's
/// commit and refused.
#[test]
fn the_second_of_two_updated_branches_is_judged() {
    let p = Pusher::new("two", true);
    p.git(&["branch", "a"]);
    p.git(&["branch", "b"]);
    let out = p.push(&["-q", "--no-verify", "origin", "a", "b"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let before = p.remote_at("refs/heads/b");
    p.git(&["branch", "-q", "-D", "a", "b"]);
    p.branch("a", false);
    p.branch("b", true);
    let out = p.push(&["origin", "a", "b"]);
    let s = output_text(&out);
    assert!(!out.status.success(), "the push went through: {s}");
    assert!(s.contains("NP402"), "{s}");
    assert!(
        s.contains("==> pushing refs/heads/b to origin refs/heads/b: judged from"),
        "{s}"
    );
    assert_eq!(p.remote_at("refs/heads/b"), before, "{s}");
}

/// `git push --all`: every branch is new to the remote, each judged
/// against the remote's default branch.
#[test]
fn push_all_judges_every_branch() {
    let p = Pusher::new("all", true);
    p.branch("a", false);
    p.branch("b", true);
    p.branch("c", false);
    let out = p.push(&["--all", "origin"]);
    assert_refused_for_b(&p, &out, "refs/heads/b");
    // Each new branch from where it leaves the remote's default branch.
    let s = output_text(&out);
    assert!(
        s.contains("(new there): judged from ")
            && s.contains("where it leaves origin's default branch (refs/remotes/origin/HEAD"),
        "{s}"
    );
}

/// A branch and an annotated tag of a breaking commit: the tag is judged
/// (peeled to its commit).
#[test]
fn a_tag_beside_a_branch_is_judged() {
    let p = Pusher::new("tag", true);
    p.branch("a", false);
    p.branch("b", true);
    p.git(&["tag", "-a", "-m", "release", "v1", "b"]);
    let out = p.push(&["origin", "a", "v1"]);
    assert_refused_for_b(&p, &out, "refs/tags/v1");
}

/// An old tag, new to the remote: judged from its merge base with the
/// remote's default branch (itself, here: nothing to judge), not against
/// the branch's tip, which had fixed what the tag holds since; against the
/// tip the tag "reverted" the fix and the push was refused (stop 59 Left 2).
/// A new ref that breaks the cluster is still refused
/// (`a_tag_beside_a_branch_is_judged`).
#[test]
fn an_old_tag_is_judged_from_where_it_leaves_the_default_branch() {
    let p = Pusher::new("old-tag", true);
    std::fs::write(p.work().join("jobs/batchy.nomad"), BAND_BREAKER).unwrap();
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "batchy at 90"]);
    p.git(&["tag", "v1"]);
    let fixed = BAND_BREAKER.replace("priority    = 90", "priority    = 50");
    std::fs::write(p.work().join("jobs/batchy.nomad"), fixed).unwrap();
    p.git(&["commit", "-qam", "batchy at 50"]);
    let out = p.push(&["-q", "--no-verify", "origin", "main"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let out = p.push(&["origin", "v1"]);
    let s = output_text(&out);
    assert!(out.status.success(), "{s}");
    assert!(!s.contains("NP402"), "{s}");
    assert!(
        s.contains("==> pushing refs/tags/v1 to origin refs/tags/v1 (new there): judged from "),
        "{s}"
    );
    assert!(
        s.contains("where it leaves origin's default branch (refs/remotes/origin/HEAD: the cluster runs the default branch, not this ref)"),
        "{s}"
    );
    assert!(p.remote_at("refs/tags/v1").is_some(), "{s}");
}

/// A deleted ref pushes nothing; the harmless branch beside it is judged
/// and the push goes through.
#[test]
fn a_deleted_ref_pushes_nothing_to_judge() {
    let p = Pusher::new("delete", true);
    p.branch("old", true);
    let out = p.push(&["-q", "--no-verify", "origin", "old"]);
    assert!(out.status.success(), "{}", output_text(&out));
    p.branch("a", false);
    let out = p.push(&["origin", ":old", "a"]);
    let s = output_text(&out);
    assert!(out.status.success(), "{s}");
    assert!(
        s.contains("==> deleting refs/heads/old on origin: nothing pushed to judge"),
        "{s}"
    );
    assert!(
        s.contains("==> pushing refs/heads/a to origin refs/heads/a (new there)"),
        "{s}"
    );
    assert!(p.remote_at("refs/heads/old").is_none());
    assert!(p.remote_at("refs/heads/a").is_some());
}

/// A branch new to a remote whose default branch this clone does not know
/// (no `refs/remotes/origin/HEAD`): nothing says what the cluster runs,
/// so the push is refused with one "cannot tell", even after a harmless
/// first ref.
#[test]
fn a_new_branch_without_the_remote_default_branch_cannot_tell() {
    let p = Pusher::new("nohead", false);
    p.git(&["branch", "a"]);
    let out = p.push(&["-q", "--no-verify", "origin", "a"]);
    assert!(out.status.success(), "{}", output_text(&out));
    p.git(&["branch", "-q", "-D", "a"]);
    p.branch("a", false);
    p.branch("b", true);
    let out = p.push(&["origin", "a", "b"]);
    let s = output_text(&out);
    assert!(!out.status.success(), "{s}");
    assert!(
        s.contains("cannot tell: refs/heads/b is new to origin"),
        "{s}"
    );
    assert!(s.contains("git remote set-head origin --auto"), "{s}");
    assert!(p.remote_at("refs/heads/b").is_none(), "{s}");
}

/// A pre-push hook of the user's, set aside by `install --pre-push
/// --force`, still runs first and still reads git's lines: both hooks see
/// every pushed ref.
#[test]
fn a_set_aside_pre_push_hook_gets_the_same_refs() {
    let p = Pusher::new("chain", true);
    let hook = p.work().join(".git/hooks/pre-push");
    let seen = p.dir.0.join("seen");
    std::fs::write(&hook, format!("#!/bin/sh\ncat > '{}'\n", seen.display())).unwrap();
    let out = Command::new(common::bin())
        .args(["hook", "install", "--pre-push", "--force"])
        .current_dir(p.work())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    p.branch("a", false);
    p.branch("b", true);
    let out = p.push(&["origin", "a", "b"]);
    assert_refused_for_b(&p, &out, "refs/heads/b");
    let seen = std::fs::read_to_string(&seen).unwrap();
    assert!(
        seen.contains("refs/heads/a ") && seen.contains("refs/heads/b "),
        "{seen}"
    );
}

/// Without --gate, `plan`'s exit 1 means "allocations change", so one
/// ref's 1 would hide another's "cannot tell" (255): `--pre-push` is
/// refused without --gate (rv18).
#[test]
fn plan_pre_push_needs_the_gate() {
    let d = TempDir::new("prepush-plan-no-gate");
    let o = Command::new(common::bin())
        .args(["plan", "--changed", "--pre-push", "origin"])
        .current_dir(&d.0)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    // A usage error of `plan` exits as Nomad's (255).
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(err.contains("--gate"), "{err}");
}
