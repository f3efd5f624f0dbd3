//! fs15 (stop 55's "Left" 2): `fileset()` walks as doublestar's Glob
//! walks, one folder at a time where the pattern leads, and go-cty-funcs
//! MakeFileSetFunc (filesystem.go, 2721b1e36840 for Nomad 1.0-1.11.1,
//! v0.1.0 from 1.11.2) stats every match:
//! - a matched link that leads nowhere fails the job (`failed to stat`),
//!   where we dropped it (a false all-clear);
//! - a link loop the pattern never walks into changes nothing, where any
//!   loop under the walk's start refused every fileset there;
//! - a reader of a git revision or of the index follows links to folders,
//!   as the working tree's does;
//! - doublestar v1.1.5's `*` (Nomad before 1.11.2) steps by the byte width
//!   of the character it starts at: `*.txt` misses `éa.txt`.

use crate::common;

use common::{flat, run_in, TempDir};

const CLIENT: &str = "  cpu = 4000\n  memory = 8000\n  drivers = [\"docker\"]\n";

/// A git project of one client whose `jobs/web.nomad` has `count = expr`.
fn project(tag: &str, version: &str, expr: &str) -> TempDir {
    let job = format!(
        "job \"a\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {expr}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    );
    let d = common::one_client_project(tag, version, CLIENT, &job);
    common::git(&d.0, &["init", "-q"]);
    d
}

/// `nomad job plan web.nomad` run in `jobs/`: the job's relative paths are
/// read from there, and Nomad names them from there.
fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0.join("jobs"), &["plan", "web.nomad"])
}

fn link(target: &str, at: &std::path::Path) {
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

/// A matched link leading nowhere: go-cty-funcs' `os.Stat` fails, and so
/// does the job, with Go's PathError text (ENOENT).
#[test]
fn a_matched_link_leading_nowhere_fails_as_nomad() {
    let d = project(
        "fs15-dangling",
        "1.9.3",
        "length(fileset(\".\", \"conf/*.txt\"))",
    );
    d.put("jobs/conf/a.txt", "x");
    link("missing.txt", &d.0.join("jobs/conf/gone.txt"));
    let want = "Call to function \"fileset\" failed: failed to stat (conf/gone.txt): stat conf/gone.txt: no such file or directory";
    // Run in `jobs/`, and from the top with `--nomad-dir jobs`: either way
    // `nomad` runs in `jobs/` and names the match from there, never from
    // the project's top (`jobs/conf/gone.txt`).
    let from_top = ["plan", "--nomad-dir", "jobs", "jobs/web.nomad"];
    for o in [plan(&d), run_in(&d.0, &from_top)] {
        assert_eq!(o.code, 255, "{}\n{}", o.stdout, o.stderr);
        assert!(flat(&o.stderr).contains(want), "{}", o.stderr);
        assert!(!o.stdout.contains("create"), "{}", o.stdout);
    }
}

/// Two such links: doublestar v1.3.4 (Nomad 2.0.5) sorts a folder's
/// entries, so the first by name is named; v1.1.5 (1.9.3) meets them in
/// the file system's order: which one Nomad names cannot be told.
#[test]
fn two_links_leading_nowhere_name_the_first_only_where_doublestar_sorts() {
    for (version, want) in [
        (
            "2.0.5",
            "failed to stat (conf/b.txt): stat conf/b.txt: no such file or directory",
        ),
        (
            "1.9.3",
            "cannot tell which error Nomad gives: 2 of the files fileset() matches",
        ),
    ] {
        let d = project(
            "fs15-two-dangling",
            version,
            "length(fileset(\".\", \"conf/*.txt\"))",
        );
        d.put("jobs/conf/a.txt", "x");
        link("none1", &d.0.join("jobs/conf/c.txt"));
        link("none2", &d.0.join("jobs/conf/b.txt"));
        let o = plan(&d);
        assert_eq!(o.code, 255, "{version}: {}\n{}", o.stdout, o.stderr);
        assert!(flat(&o.stderr).contains(want), "{version}: {}", o.stderr);
    }
}

/// Guard (the baseline agrees): under a last `**` doublestar stats each
/// link and skips one it cannot (`continue`), so a link leading nowhere
/// is left out there; `fileexists` is false and `file` says no file
/// exists, as go-cty-funcs' `os.Stat` / `ReadFile` (ENOENT) do.
#[test]
fn a_link_leading_nowhere_under_a_last_doublestar_is_skipped() {
    let d = project(
        "fs15-dangling-star",
        "1.9.3",
        "length(fileset(\".\", \"conf/**\")) + (fileexists(\"conf/gone.txt\") ? 10 : 1)",
    );
    d.put("jobs/conf/a.txt", "x");
    link("missing.txt", &d.0.join("jobs/conf/gone.txt"));
    let o = plan(&d);
    assert!(
        o.stdout.contains("(2 create)"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    let d = project("fs15-dangling-file", "1.9.3", "length(file(\"gone\"))");
    link("missing", &d.0.join("jobs/gone"));
    let o = plan(&d);
    assert!(
        flat(&o.stderr).contains("Call to function \"file\" failed: no file exists at gone"),
        "{}",
        o.stderr
    );
}

/// A loop the pattern does not walk into: `*.txt` compares the top
/// folder's names only, and `*/up/*.txt` goes round once (a bounded walk
/// Nomad completes: `loop/up` is `jobs` again). Only a `**` that meets
/// the loop walks it round (tests/fileset_doublestar.rs).
#[test]
fn a_link_loop_the_pattern_does_not_walk_changes_nothing() {
    let d = project(
        "fs15-loop-aside",
        "1.9.3",
        "length(fileset(\".\", \"*.txt\")) + length(fileset(\".\", \"*/up/*.txt\"))",
    );
    d.put("jobs/a.txt", "x");
    d.put("jobs/loop/x.txt", "x");
    link("..", &d.0.join("jobs/loop/up"));
    let o = plan(&d);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("(2 create)"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
}

/// doublestar v1.1.5's `*` (Nomad 1.9.3) steps two bytes at a time after
/// `é`, never landing on `.txt` in `éa.txt`; v1.3.4 (2.0.5) steps by
/// character and matches it.
#[test]
fn a_star_before_a_non_ascii_name_steps_as_the_release_does() {
    for (version, want) in [("1.9.3", "(2 create)"), ("2.0.5", "(3 create)")] {
        let d = project(
            "fs15-star",
            version,
            "length(fileset(\".\", \"*.txt\")) + 1",
        );
        d.put("jobs/a.txt", "x");
        d.put("jobs/éa.txt", "x");
        let o = plan(&d);
        assert!(
            o.stdout.contains(want),
            "{version}: {}\n{}",
            o.stdout,
            o.stderr
        );
    }
}

/// A file added behind a link the walk follows out of its start folder
/// (`jobs/linked -> ../shared`) is a change to what the job lists: the
/// working-tree gate judges the job again (it said "no job file changed",
/// exit 0: each folder listed is now noted where it is).
#[test]
fn a_file_added_behind_a_followed_link_reaches_the_job() {
    let d = TempDir::new("fs15-gate-link");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nregion = \"global\"\n\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 4000\n  memory     = 4000\n}\n\nrunning = [\"jobs/web.nomad\"]\n",
    );
    d.put("jobs/web.nomad", &web_job("**/*.conf"));
    d.put("shared/a.conf", "a\n");
    link("../shared", &d.0.join("jobs/linked"));
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "."]);
    common::git(&d.0, &["commit", "-qm", "web"]);
    d.put("shared/c.conf", "c\n");
    common::git(&d.0, &["add", "-A"]);
    let o = run_in(&d.0, &["plan", "--changed", "--base", "HEAD"]);
    assert!(
        o.stdout
            .contains("==> jobs/web.nomad (reads shared/c.conf, which changed)"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    let want = "+/- Meta[cfg]: \"linked/a.conf\" => \"linked/a.conf,linked/c.conf\"";
    assert!(flat(&o.stdout).contains(&flat(want)), "{}", o.stdout);
}

/// A job whose meta `cfg` joins `fileset("jobs", pattern)`, planned from
/// the project's top.
fn web_job(pattern: &str) -> String {
    format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    cfg = join(\",\", fileset(\"jobs\", \"{pattern}\"))\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

/// `plan --changed --staged` reads the job's `fileset` from HEAD and from
/// the index: both follow `jobs/linked -> real` as a checkout's file
/// system does, as the working tree's reader does (a file added behind
/// the link is listed under both names).
#[test]
fn git_readers_follow_a_link_to_a_folder() {
    let d = TempDir::new("fs15-git-link");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nregion = \"global\"\n\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 4000\n  memory     = 4000\n}\n\nrunning = [\"jobs/web.nomad\"]\n",
    );
    d.put("jobs/web.nomad", &web_job("**/*.conf"));
    d.put("jobs/real/a.conf", "a\n");
    link("real", &d.0.join("jobs/linked"));
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "."]);
    common::git(&d.0, &["commit", "-qm", "web"]);
    d.put("jobs/real/b.conf", "b\n");
    common::git(&d.0, &["add", "jobs/real/b.conf"]);
    let o = run_in(&d.0, &["plan", "--changed", "--staged"]);
    let want = "+/- Meta[cfg]: \"linked/a.conf,real/a.conf\" => \"linked/a.conf,linked/b.conf,real/a.conf,real/b.conf\"";
    assert!(
        flat(&o.stdout).contains(&flat(want)),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
}
