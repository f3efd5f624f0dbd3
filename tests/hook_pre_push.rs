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
    // Each new branch against the remote's default branch; each is ahead
    // of its tip, so the merge-base range and the tip range are one.
    let s = output_text(&out);
    assert!(
        s.contains("(new there): against origin's default branch (refs/remotes/origin/HEAD, what the cluster runs)"),
        "{s}"
    );
    assert!(!s.contains("the range from its merge base"), "{s}");
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

/// main with the band breaker committed and tagged `v1`, then fixed
/// (priority 50) and pushed: `v1` is an old tag the remote lacks.
fn old_tag(name: &str) -> Pusher {
    old_tag_as(name, &[])
}

/// `git tag -a -m MESSAGE`: an annotated tag, whose pushed value (git's
/// pre-push line, the remote's ref) is its tag object, not a commit.
const ANNOTATED: &[&str] = &["-a", "-m", "release"];

/// [`old_tag`] with `tag` before `git tag`'s name (`ANNOTATED`).
fn old_tag_as(name: &str, tag: &[&str]) -> Pusher {
    let p = Pusher::new(name, true);
    std::fs::write(p.work().join("jobs/batchy.nomad"), BAND_BREAKER).unwrap();
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "batchy at 90"]);
    p.git(&[&["tag"], tag, &["v1"]].concat());
    let fixed = BAND_BREAKER.replace("priority    = 90", "priority    = 50");
    std::fs::write(p.work().join("jobs/batchy.nomad"), fixed).unwrap();
    p.git(&["commit", "-qam", "batchy at 50"]);
    let out = p.push(&["-q", "--no-verify", "origin", "main"]);
    assert!(out.status.success(), "{}", output_text(&out));
    p
}

/// An old tag, new to the remote, where a tag push deploys: it really
/// reverts the fix the default branch gained since, so it is refused as
/// main refused it (rv19-2: gate19 judged it from its merge base alone,
/// which is the tag itself, and let it through). The output says which
/// range refused: the one from the default branch's tip, not the one from
/// the merge base.
#[test]
fn an_old_tag_is_refused_by_the_range_from_the_default_branch_tip() {
    let p = old_tag("old-tag");
    let out = p.push(&["origin", "v1"]);
    let s = output_text(&out);
    assert!(!out.status.success(), "{s}");
    assert!(s.contains("NP402"), "{s}");
    assert!(
        s.contains("==> pushing refs/tags/v1 to origin refs/tags/v1 (new there): against origin's default branch (refs/remotes/origin/HEAD, what the cluster runs)"),
        "{s}"
    );
    assert!(
        s.contains("==> refs/tags/v1 refused by the range from the tip of refs/remotes/origin/HEAD (what deploying it would change) (exit 1)"),
        "{s}"
    );
    assert!(
        !s.contains("refused by the range from its merge base"),
        "{s}"
    );
    assert!(p.remote_at("refs/tags/v1").is_none(), "{s}");
}

/// A branch from an old merge base (before the fix) whose own change is
/// harmless: what it adds passes, but deploying it would revert the fix,
/// so it passes only if the range from the tip passes too: refused, the
/// tip range named.
#[test]
fn a_fine_branch_from_an_old_merge_base_passes_only_if_the_tip_range_does() {
    let p = old_tag("old-base");
    p.git(&["checkout", "-q", "-b", "late", "v1"]);
    std::fs::write(p.work().join("NOTES.md"), "notes\n").unwrap();
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "notes"]);
    p.git(&["checkout", "-q", "main"]);
    let out = p.push(&["origin", "late"]);
    let s = output_text(&out);
    assert!(!out.status.success(), "{s}");
    assert!(
        s.contains("==> refs/heads/late: the range from its merge base "),
        "{s}"
    );
    assert!(
        s.contains(
            "==> refs/heads/late refused by the range from the tip of refs/remotes/origin/HEAD"
        ),
        "{s}"
    );
    assert!(
        !s.contains("refused by the range from its merge base"),
        "{s}"
    );
    assert!(p.remote_at("refs/heads/late").is_none(), "{s}");
}

/// Guard: a branch from an old merge base where what the default branch
/// gained since is harmless to leave out: both ranges pass, and so does
/// the push.
#[test]
fn a_fine_branch_from_an_old_merge_base_passes_when_both_ranges_do() {
    let p = Pusher::new("old-base-fine", true);
    p.branch("late", false);
    std::fs::write(p.work().join("CHANGES.md"), "changes\n").unwrap();
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "changes"]);
    let out = p.push(&["-q", "--no-verify", "origin", "main"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let out = p.push(&["origin", "late"]);
    let s = output_text(&out);
    assert!(out.status.success(), "{s}");
    assert!(p.remote_at("refs/heads/late").is_some(), "{s}");
}

/// An orphan branch (no history shared with the default branch): judged
/// from the default branch's tip, as the pre-commit hook judges
/// pre-commit's push without a range (`check --pre-commit` with
/// PRE_COMMIT_REMOTE_NAME and PRE_COMMIT_LOCAL_BRANCH, pre-commit 4.7.0
/// `commands/hook_impl.py` `_pre_push_ns`: a push whose first commit the
/// remote lacks is a root). Both hooks agree: a breaking orphan is
/// refused, a harmless one passes (gate19 said "cannot tell" for both).
#[test]
fn both_hooks_judge_an_orphan_branch_from_the_default_branch_tip() {
    let p = Pusher::new("orphan", true);
    for (name, breaks) in [("lone-bad", true), ("lone-ok", false)] {
        p.git(&["checkout", "-q", "--orphan", name, "main"]);
        let (file, text) = if breaks {
            ("jobs/batchy.nomad", BAND_BREAKER)
        } else {
            ("NOTES.md", "notes\n")
        };
        std::fs::write(p.work().join(file), text).unwrap();
        p.git(&["add", "."]);
        p.git(&["commit", "-qm", name]);
        p.git(&["checkout", "-q", "main"]);
        let hook = Command::new(common::bin())
            .args(["check", "--pre-commit"])
            .current_dir(p.work())
            .env("PRE_COMMIT_REMOTE_NAME", "origin")
            .env("PRE_COMMIT_LOCAL_BRANCH", format!("refs/heads/{name}"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let out = p.push(&["origin", name]);
        let s = output_text(&out);
        assert!(
            s.contains("judged from its tip (what deploying the ref would change) only: the ref shares no history with it"),
            "{s}"
        );
        assert_eq!(s.contains("NP402"), breaks, "{s}");
        assert_eq!(out.status.success(), !breaks, "{s}");
        assert_eq!(
            hook.status.code(),
            Some(if breaks { 1 } else { 0 }),
            "pre-commit's hook: {}",
            output_text(&hook)
        );
    }
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

/// `old_tag`'s `v1` (the band breaker) on the remote as an old release,
/// then force-moved onto that commit plus a harmless note: what the move
/// adds passes, but the remote's old `v1` is not what the cluster runs,
/// and deploying the new `v1` reverts main's fix. Gives the pusher, the
/// remote's old `v1` and the new one.
fn moved_tag(name: &str) -> (Pusher, String, String) {
    moved_tag_as(name, &[])
}

/// [`moved_tag`] with `tag` before `git tag -f`'s name (`ANNOTATED`).
fn moved_tag_as(name: &str, tag: &[&str]) -> (Pusher, String, String) {
    let p = old_tag_as(name, tag);
    let out = p.push(&["-q", "--no-verify", "origin", "v1"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let old = p.remote_at("refs/tags/v1").unwrap();
    p.git(&["checkout", "-q", "v1"]);
    std::fs::write(p.work().join("NOTES.md"), "notes\n").unwrap();
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "notes"]);
    p.git(&[&["tag", "-f"], tag, &["v1"]].concat());
    p.git(&["checkout", "-q", "main"]);
    let new = common::git_command(&p.work())
        .args(["rev-parse", "v1"])
        .output()
        .unwrap();
    let new = String::from_utf8_lossy(&new.stdout).trim().to_string();
    (p, old, new)
}

/// rt20a: a tag force-moved on the remote was judged from its old value
/// alone and passed; judged from the default branch's tip too, it is
/// refused, the tip range named.
#[test]
fn a_force_moved_tag_is_judged_from_the_default_branch_tip_too() {
    let (p, old, _) = moved_tag("moved-tag");
    let s = push_moved_tag_refused_from_tip(&p, &old);
    assert!(
        s.contains(&format!("==> pushing refs/tags/v1 to origin refs/tags/v1: moved from {}, not the tip of origin's default branch (refs/remotes/origin/HEAD, what the cluster runs)", &old[..12])),
        "{s}"
    );
}

/// Force-pushes tag v1 (moved from `old`) and asserts what every moved
/// tag's refusal says: NP402, refused by the range from the default
/// branch's tip and not by its old value, the remote unchanged. The
/// push's text, for the caller's own lines.
fn push_moved_tag_refused_from_tip(p: &Pusher, old: &str) -> String {
    let out = p.push(&["-f", "origin", "v1"]);
    let s = output_text(&out);
    assert!(!out.status.success(), "the push went through: {s}");
    assert!(s.contains("NP402"), "{s}");
    assert!(
        s.contains("==> refs/tags/v1 refused by the range from the tip of refs/remotes/origin/HEAD (what deploying it would change) (exit 1)"),
        "{s}"
    );
    assert!(
        !s.contains("refused by the range from its old value"),
        "{s}"
    );
    assert_eq!(p.remote_at("refs/tags/v1"), Some(old.to_string()), "{s}");
    s
}

/// The same move fed to `check --pre-push origin` as git's line: refused.
#[test]
fn check_pre_push_refuses_a_force_moved_tag() {
    use std::io::Write;
    let (p, old, new) = moved_tag("moved-tag-check");
    let mut child = Command::new(common::bin())
        .args(["--no-color", "check", "--pre-push", "origin"])
        .current_dir(p.work())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let line = format!("refs/tags/v1 {new} refs/tags/v1 {old}\n");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(line.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let s = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("NP402"), "{s}");
    assert!(
        s.contains(
            "==> refs/tags/v1 refused by the range from the tip of refs/remotes/origin/HEAD"
        ),
        "{s}"
    );
}

/// Guard: a fast-forward of the default branch starts at its tip, so it
/// is judged over its one range only, as before.
#[test]
fn a_fast_forward_of_the_default_branch_is_judged_over_one_range() {
    let p = Pusher::new("ff", true);
    let old = p.remote_at("refs/heads/main").unwrap();
    std::fs::write(p.work().join("NOTES.md"), "notes\n").unwrap();
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "notes"]);
    let out = p.push(&["origin", "main"]);
    let s = output_text(&out);
    assert!(out.status.success(), "{s}");
    assert!(
        s.contains(&format!(
            "==> pushing refs/heads/main to origin refs/heads/main: judged from {} to ",
            &old[..12]
        )),
        "{s}"
    );
    assert!(!s.contains("tip of"), "{s}");
    assert!(!s.contains("==> refs/heads/main: the range"), "{s}");
}

/// git's type of object `sha` in the pusher's clone (`tag`, `commit`).
fn object_type(p: &Pusher, sha: &str) -> String {
    let out = common::git_command(&p.work())
        .args(["cat-file", "-t", sha])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Guard: [`moved_tag`] with annotated tags. git's pre-push line carries
/// each tag OBJECT's name (githooks(5): the local and remote "sha"s are
/// what the refs hold), so the old value is no commit: it is peeled to
/// the band breaker's commit, which is not the default branch's tip, and
/// the push is judged from that tip too and refused there, as a
/// lightweight tag's move is.
#[test]
fn a_force_moved_annotated_tag_is_peeled_and_judged_from_the_tip_too() {
    let (p, old, new) = moved_tag_as("moved-atag", ANNOTATED);
    assert_eq!(object_type(&p, &old), "tag");
    assert_eq!(object_type(&p, &new), "tag");
    let s = push_moved_tag_refused_from_tip(&p, &old);
    assert!(
        s.contains(&format!("==> pushing refs/tags/v1 to origin refs/tags/v1: moved from {}, not the tip of origin's default branch", &old[..12])),
        "{s}"
    );
}

/// Guard: an annotated tag of the default branch's tip, force-moved onto
/// a harmless commit after it. Its old value (a tag object) peels to that
/// tip, so the update starts where the cluster runs: one range, from the
/// old value, not "moved" (a comparison of the tag object's own name with
/// the tip's commit would judge it twice), and it passes.
#[test]
fn an_annotated_tag_at_the_tip_moved_forward_is_judged_over_one_range() {
    let p = Pusher::new("atag-tip", true);
    p.git(&[&["tag"], ANNOTATED, &["v1"]].concat());
    let out = p.push(&["-q", "--no-verify", "origin", "v1"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let old = p.remote_at("refs/tags/v1").unwrap();
    assert_eq!(object_type(&p, &old), "tag");
    std::fs::write(p.work().join("NOTES.md"), "notes\n").unwrap();
    p.git(&["add", "."]);
    p.git(&["commit", "-qm", "notes"]);
    p.git(&[&["tag", "-f"], ANNOTATED, &["v1"]].concat());
    let out = p.push(&["-f", "origin", "v1"]);
    let s = output_text(&out);
    assert!(out.status.success(), "{s}");
    assert!(
        s.contains(&format!(
            "==> pushing refs/tags/v1 to origin refs/tags/v1: judged from {} to ",
            &old[..12]
        )),
        "{s}"
    );
    assert!(!s.contains("tip of"), "{s}");
}
