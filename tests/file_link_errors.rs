//! stop56 Left 4 (fs15/mendb15): what `file()`, `fileexists()` and
//! `fileset()` say of a link loop, a path through a regular file and a
//! link into `.git`, on the working tree and in git's readers alike.
//! go-cty-funcs readFileBytes (filesystem.go, 2721b1e36840 for Nomad
//! v1.0-v1.9 and v0.1.0 from v1.11.2: go.mod at each tag) says "no file
//! exists at P" only for ENOENT (`os.IsNotExist`) and "failed to read P"
//! for any other error, ELOOP and ENOTDIR included, naming no errno;
//! MakeFileExistsFunc says "failed to stat P"; MakeFileSetFunc quotes
//! os.Stat's error, "stat P: not a directory".

use crate::common;

use common::{git, output_text, TempDir};

fn job(expr: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    x = {expr}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7.2.4\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// A one-client project whose job's meta is `expr`, with `a.txt` and the
/// links `links` (name, target), the job staged (committed base without it).
fn repo(tag: &str, expr: &str, links: &[(&str, &str)]) -> TempDir {
    let d = common::one_client_project(
        tag,
        "1.7.2",
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        &job("\"none\""),
    );
    d.put("a.txt", "a\n");
    for (name, to) in links {
        std::os::unix::fs::symlink(to, d.0.join(name)).expect("symlink");
    }
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("jobs/web.nomad", &job(expr));
    git(&d.0, &["add", "-A"]);
    d
}

/// Every reader's text: plain `check` (the disk) and `check --staged`
/// (the index).
fn both(d: &TempDir) -> [(String, Option<i32>); 2] {
    [&["check", "jobs/web.nomad"][..], &["check", "--staged"]].map(|args| {
        let o = d.run(args);
        (common::flat(&output_text(&o)), o.status.code())
    })
}

/// `ln -s loop loop`: Nomad's own error, never "outside the project"
/// (the disk said so) nor our refusal (the index did).
#[test]
fn a_self_loop_link_fails_as_nomad_says_in_every_reader() {
    for (expr, want) in [
        (
            "file(\"loop\")",
            "Call to function \"file\" failed: failed to read loop.",
        ),
        (
            "fileexists(\"loop\")",
            "Call to function \"fileexists\" failed: failed to stat loop.",
        ),
    ] {
        let d = repo("link-errors-loop", expr, &[("loop", "loop")]);
        for (text, code) in both(&d) {
            assert!(text.contains(want), "{expr}: {text}");
            assert!(!text.contains("refusing"), "{expr}: {text}");
            assert_eq!(code, Some(1), "{expr}: {text}");
        }
    }
}

/// A loop that leaves the project on its way is still refused, telling
/// nothing of what lies outside (a guard).
#[test]
fn a_loop_through_outside_is_still_refused() {
    let out = TempDir::new("link-errors-outside");
    let d = repo("link-errors-loop-out", "file(\"loop\")", &[]);
    std::os::unix::fs::symlink(d.0.join("loop"), out.0.join("back")).expect("symlink");
    std::os::unix::fs::symlink(out.0.join("back"), d.0.join("loop")).expect("symlink");
    let o = d.run(&["check", "jobs/web.nomad"]);
    let text = common::flat(&output_text(&o));
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("outside the project"), "{text}");
}

/// `file("a.txt/b")` and a link to it: ENOTDIR, worded as the disk
/// words it, by the index too (which said "no file exists" and, through
/// a link, "no such file or directory").
#[test]
fn a_path_through_a_file_is_not_a_directory_in_every_reader() {
    for (expr, want) in [
        (
            "file(\"a.txt/b\")",
            "Call to function \"file\" failed: failed to read a.txt/b.",
        ),
        (
            "file(\"bad\")",
            "Call to function \"file\" failed: failed to read bad.",
        ),
        (
            "fileexists(\"a.txt/b\")",
            "Call to function \"fileexists\" failed: failed to stat a.txt/b.",
        ),
        (
            "join(\",\", fileset(\".\", \"bad\"))",
            "failed to stat (bad): stat bad: not a directory",
        ),
    ] {
        let d = repo("link-errors-notdir", expr, &[("bad", "a.txt/b")]);
        for (text, code) in both(&d) {
            assert!(text.contains(want), "{expr}: {text}");
            assert!(!text.contains("no file exists"), "{expr}: {text}");
            assert_eq!(code, Some(1), "{expr}: {text}");
        }
    }
}

/// Adversarial: `ln -s .git/config notes.txt` (and a link to `.git`
/// itself) is refused by every reader in one line quoting nothing of the
/// file; the index said "no file exists at notes.txt", where a checkout
/// holds `.git/config`, the deploy's credentials; a fileset through the
/// link listed nothing, where Nomad lists `.git`'s files.
#[test]
fn a_link_into_git_is_refused_by_every_reader() {
    for expr in [
        "file(\"notes.txt\")",
        "file(\"meta/config\")",
        "fileexists(\"notes.txt\")",
        // The index's gate passed these (exit 0) with an empty set.
        "join(\",\", fileset(\"meta\", \"*\"))",
        "join(\",\", fileset(\".\", \"*/config\"))",
    ] {
        let d = repo(
            "link-errors-gitdir",
            expr,
            &[("notes.txt", ".git/config"), ("meta", ".git")],
        );
        for (text, code) in both(&d) {
            assert!(
                text.contains("inside a repository's .git folder, which no checkout holds"),
                "{expr}: {text}"
            );
            assert!(!text.contains("[core]"), "{expr}: {text}");
            assert!(!text.contains("no file exists"), "{expr}: {text}");
            assert_eq!(code, Some(2), "{expr}: {text}");
        }
    }
}

/// R22-A-4: a path into `.git` named as it is (no link on the way) is
/// refused by every reader too: the index said "no file exists at
/// .git/config" (exit 1) and `fileexists()` `false` (exit 0), where a
/// checkout holds `.git` and Nomad reads it.
#[test]
fn a_path_into_git_is_refused_by_every_reader() {
    for expr in [
        "file(\".git/config\")",
        "fileexists(\".git/HEAD\")",
        "filebase64(\"conf/../.git/config\")",
    ] {
        let d = repo("path-into-gitdir", expr, &[]);
        for (text, code) in both(&d) {
            assert!(
                text.contains("inside a repository's .git folder, which no checkout holds"),
                "{expr}: {text}"
            );
            assert!(!text.contains("[core]"), "{expr}: {text}");
            assert!(!text.contains("no file exists"), "{expr}: {text}");
            assert_eq!(code, Some(2), "{expr}: {text}");
        }
    }
}
