//! The in-process change listing agrees with `git diff --name-status -M`
//! on the cases a tree walk can get wrong: sibling names that sort around
//! `/`, directories the index's cache tree skips, mode and type changes,
//! intent-to-add and conflicted entries, a repository without commits.

use crate::common;

use std::path::PathBuf;

use common::{git, git_command};
use nomad_preflight::git::{changed_files, parse_name_status, Change};

struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("np-gitchg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q"]);
        Repo(dir)
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.0.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn git(&self, args: &[&str]) {
        git(&self.0, args);
    }

    /// What git itself lists, the reference.
    fn git_diff(&self, args: &[&str]) -> Vec<Change> {
        let out = git_command(&self.0)
            .args(["diff", "--name-status", "-M", "-z", "--no-ext-diff"])
            .args(args)
            .arg("--")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse_name_status(&out.stdout).unwrap()
    }

    /// Staged changes against HEAD, both ways, and they must not be empty
    /// (a test comparing two empty listings proves nothing).
    fn assert_staged_agrees(&self) {
        let ours = changed_files(&self.0, "HEAD", None, true).unwrap();
        assert_eq!(ours, self.git_diff(&["--cached", "HEAD"]));
        assert!(!ours.is_empty());
    }

    /// The last commit against its parent, both ways.
    fn assert_commit_agrees(&self) {
        let ours = changed_files(&self.0, "HEAD~1", Some("HEAD"), false).unwrap();
        assert_eq!(ours, self.git_diff(&["HEAD~1", "HEAD"]));
        assert!(!ours.is_empty());
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn p(s: &str) -> PathBuf {
    PathBuf::from(s)
}

/// Names that sort before and after `/`, with many untouched directories
/// the cache tree lets the walk skip.
fn tree(r: &Repo) {
    for d in 0..30 {
        r.write(&format!("d{d}/x.nomad"), "x");
    }
    for f in ["a.txt", "a-b/y", "a/x", "a/z/w", "a0", "b"] {
        r.write(f, f);
    }
    r.git(&["add", "-A"]);
    r.git(&["commit", "-qm", "base"]);
}

#[test]
fn modified_and_added_paths_around_slash() {
    let r = Repo::new("add");
    tree(&r);
    r.write("a/x", "changed");
    r.write("a-b/new", "new");
    r.write("a/z/v", "new");
    r.write("d7/x.nomad", "changed");
    r.git(&["add", "-A"]);
    r.assert_staged_agrees();
    let ours = changed_files(&r.0, "HEAD", None, true).unwrap();
    assert!(ours.contains(&Change::Added(p("a-b/new"))), "{ours:?}");
    assert!(
        ours.contains(&Change::Modified(p("d7/x.nomad"))),
        "{ours:?}"
    );
    r.git(&["commit", "-qm", "next"]);
    r.assert_commit_agrees();
    // The index's cache tree is valid and names trees HEAD no longer has.
    r.git(&["reset", "-q", "--soft", "HEAD~1"]);
    r.assert_staged_agrees();
}

#[test]
fn deleted_paths_and_whole_directories() {
    let r = Repo::new("del");
    tree(&r);
    r.git(&["rm", "-q", "-r", "a", "d3/x.nomad"]);
    r.write("a.txt", "changed");
    r.git(&["add", "-A"]);
    r.assert_staged_agrees();
    r.git(&["commit", "-qm", "next"]);
    r.assert_commit_agrees();
    r.git(&["reset", "-q", "--soft", "HEAD~1"]);
    r.assert_staged_agrees();
}

#[cfg(unix)]
#[test]
fn mode_and_type_changes_are_modifications() {
    use std::os::unix::fs::PermissionsExt;
    let r = Repo::new("mode");
    tree(&r);
    std::fs::set_permissions(r.0.join("b"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_file(r.0.join("a0")).unwrap();
    std::os::unix::fs::symlink("b", r.0.join("a0")).unwrap();
    r.git(&["add", "-A"]);
    r.assert_staged_agrees();
    let ours = changed_files(&r.0, "HEAD", None, true).unwrap();
    assert_eq!(
        ours,
        vec![Change::Modified(p("a0")), Change::Modified(p("b"))]
    );
    r.git(&["commit", "-qm", "next"]);
    r.assert_commit_agrees();
}

#[test]
fn intent_to_add_is_not_staged_content() {
    let r = Repo::new("ita");
    tree(&r);
    r.write("d1/later.nomad", "later");
    r.git(&["add", "-N", "d1/later.nomad"]);
    r.write("b", "changed");
    r.git(&["add", "b"]);
    r.assert_staged_agrees();
    let ours = changed_files(&r.0, "HEAD", None, true).unwrap();
    assert_eq!(ours, vec![Change::Modified(p("b"))]);
}

#[test]
fn a_conflicted_path_is_one_modification() {
    let r = Repo::new("conflict");
    tree(&r);
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("a/x", "side");
    r.git(&["commit", "-qam", "side"]);
    r.git(&["checkout", "-q", "-"]);
    r.write("a/x", "main");
    r.write("b", "main");
    r.git(&["commit", "-qam", "main"]);
    let merged = git_command(&r.0)
        .args(["merge", "-q", "side"])
        .output()
        .unwrap();
    assert!(!merged.status.success(), "the merge must conflict");
    let ours = changed_files(&r.0, "HEAD", None, true).unwrap();
    assert!(ours.contains(&Change::Modified(p("a/x"))), "{ours:?}");
    assert_eq!(ours, r.git_diff(&["--cached", "HEAD"]));
}

#[test]
fn before_the_first_commit_everything_staged_is_added() {
    let r = Repo::new("unborn");
    r.write("jobs/a.nomad", "a");
    r.write("rules/cluster.hcl", "c");
    r.git(&["add", "-A"]);
    let ours = changed_files(&r.0, "HEAD", None, true).unwrap();
    assert_eq!(
        ours,
        vec![
            Change::Added(p("jobs/a.nomad")),
            Change::Added(p("rules/cluster.hcl"))
        ]
    );
}

#[test]
fn a_rename_is_paired_as_git_pairs_it() {
    let r = Repo::new("rename");
    tree(&r);
    r.git(&["mv", "a/z/w", "moved"]);
    r.write("b", "changed");
    r.git(&["add", "-A"]);
    let ours = changed_files(&r.0, "HEAD", None, true).unwrap();
    assert!(
        ours.contains(&Change::Renamed {
            from: p("a/z/w"),
            to: p("moved")
        }),
        "{ours:?}"
    );
    r.assert_staged_agrees();
}

#[test]
fn an_unknown_revision_is_not_found() {
    let r = Repo::new("norev");
    tree(&r);
    let e = changed_files(&r.0, "no-such-branch", None, true).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    let e = changed_files(&r.0, "--output=/tmp/x", None, true).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
}

/// Every index layout git writes lists the same changes: versions 2, 3
/// (extended flags, from intent-to-add) and 4 (prefix-compressed paths),
/// and a split index (`link`, the shared part in another file). The
/// in-process reader reads 2 and 3 itself and leaves the rest to gix, so
/// each layout is a different path through it.
#[test]
fn every_index_layout_lists_what_git_lists() {
    for (name, setup) in [
        ("v2", &["update-index", "--index-version", "2"][..]),
        ("v3", &["update-index", "--index-version", "3"]),
        ("v4", &["update-index", "--index-version", "4"]),
        ("split", &["update-index", "--split-index"]),
    ] {
        let r = Repo::new(&format!("layout-{name}"));
        tree(&r);
        r.git(setup);
        r.write("a/z/w", "changed");
        r.write("d12/new.nomad", "new");
        r.git(&["add", "-A"]);
        if name == "v3" {
            r.write("d4/later.nomad", "later");
            r.git(&["add", "-N", "d4/later.nomad"]);
        }
        r.assert_staged_agrees();
        r.git(&["rm", "-q", "--cached", "d20/x.nomad"]);
        r.assert_staged_agrees();
    }
}

/// An index large enough to be mapped rather than read (64 KiB and more,
/// src/git/index.rs) lists what git lists, and again after git replaces the
/// index file while this process holds the old one.
#[test]
fn a_large_index_lists_what_git_lists_after_each_rewrite() {
    let r = Repo::new("large");
    for i in 0..1500 {
        r.write(&format!("docs/d{}/f{i}.txt", i % 40), &format!("file {i}"));
    }
    tree(&r);
    let size = std::fs::metadata(r.0.join(".git/index")).unwrap().len();
    assert!(size >= 64 * 1024, "index of {size} bytes");
    r.write("docs/d7/f7.txt", "changed");
    r.write("a/x", "changed too");
    r.git(&["add", "-A"]);
    r.assert_staged_agrees();
    r.write("docs/d39/new.txt", "new");
    r.git(&["rm", "-q", "--cached", "docs/d3/f3.txt"]);
    r.git(&["add", "docs/d39/new.txt"]);
    r.assert_staged_agrees();
}

/// `HEAD` read the short way (a branch in a loose ref file, src/git/repo.rs)
/// and every way it is left to gix: the branch packed, HEAD detached, a
/// linked worktree's own HEAD. Each time the commits differ on `a/x`, so a
/// wrong commit would list it as staged.
#[test]
fn head_is_the_commit_git_names_in_every_layout() {
    let r = Repo::new("head");
    tree(&r);
    r.write("a/x", "second");
    r.git(&["commit", "-qam", "second"]);
    r.write("b", "staged");
    r.git(&["add", "b"]);
    assert!(r.0.join(".git/refs/heads/main").is_file());
    r.assert_staged_agrees();
    r.git(&["pack-refs", "--all"]);
    assert!(!r.0.join(".git/refs/heads/main").exists());
    r.assert_staged_agrees();
    r.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    r.assert_staged_agrees();
    let wt = Repo(r.0.with_extension("wt"));
    let _ = std::fs::remove_dir_all(&wt.0);
    r.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "other",
        wt.0.to_str().unwrap(),
        "main",
    ]);
    wt.write("a/x", "in the worktree");
    wt.git(&["add", "a/x"]);
    wt.assert_staged_agrees();
}

/// A submodule's entry (mode 160000) is a commit in the index as in the
/// tree: unchanged, it is not a change.
#[test]
fn an_unchanged_submodule_is_not_a_change() {
    let r = Repo::new("gitlink");
    tree(&r);
    let commit = git_command(&r.0)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    let commit = String::from_utf8(commit.stdout).unwrap();
    let info = format!("160000,{},sub", commit.trim());
    r.git(&["update-index", "--add", "--cacheinfo", &info]);
    r.git(&["commit", "-qm", "with a submodule"]);
    r.write("b", "changed");
    r.git(&["add", "b"]);
    r.assert_staged_agrees();
    let ours = changed_files(&r.0, "HEAD", None, true).unwrap();
    assert_eq!(ours, vec![Change::Modified(p("b"))]);
}
