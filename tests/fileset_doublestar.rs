//! R14-60, R14-61, R14-62 (red team rt14g): `fileset()` and `fileexists()`
//! answered where Nomad answers otherwise. doublestar (v1.1.5 at Nomad
//! v1.9.3's go.mod, v1.3.4 at v2.0.5's; doublestar.go doGlob) follows a
//! link to a folder, only `^` negates a class, and `[a-]` is
//! ErrBadPattern; go-cty-funcs MakeFileExistsFunc (filesystem.go) fails on
//! a path that exists but is not a regular file.

use crate::common;

use common::{flat, run_in, TempDir};

const CLIENT: &str = "  cpu = 4000\n  memory = 8000\n  drivers = [\"docker\"]\n";

/// A git project of one client whose `jobs/web.nomad` has `count = expr`.
fn project(tag: &str, expr: &str) -> TempDir {
    project_at(tag, "1.9.3", expr)
}

/// [`project`] under a world of Nomad `version`.
fn project_at(tag: &str, version: &str, expr: &str) -> TempDir {
    let job = format!(
        "job \"a\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {expr}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    );
    let d = common::one_client_project(tag, version, CLIENT, &job);
    common::git(&d.0, &["init", "-q"]);
    d
}

/// `nomad job plan web.nomad` run in `jobs/`: the job's relative paths
/// are read from there, where `nomad` runs (command/helpers.go
/// JobGetter.Get passes jobspec2 the file's base name).
fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0.join("jobs"), &["plan", "web.nomad"])
}

#[cfg(unix)]
fn link(target: &str, at: &std::path::Path) {
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

/// R14-60: a file reached through a link to a folder inside is listed
/// under the link's name, as doublestar's `**` follows it.
#[cfg(unix)]
#[test]
fn fileset_lists_files_through_a_link_to_a_folder_inside() {
    let d = project("fs14-link-in", "length(fileset(\".\", \"**/one.txt\"))");
    d.put("jobs/real/one.txt", "hi");
    std::fs::create_dir_all(d.0.join("jobs/sub")).expect("mkdir");
    link("../real", &d.0.join("jobs/sub/in"));
    let o = plan(&d);
    assert!(
        o.stdout.contains("(2 create)"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
}

/// R14-60: a walk starting at a link that leads outside is refused
/// (`jobspec::file-access`, cannot tell), never the empty set, and no
/// outside name is quoted.
#[cfg(unix)]
#[test]
fn fileset_from_a_link_leading_outside_is_refused_not_empty() {
    let outside = TempDir::new("fs14-outside");
    outside.put("secret-name.txt", "x");
    let d = project("fs14-link-out", "length(fileset(\"out\", \"*\")) + 1");
    link(&outside.0.display().to_string(), &d.0.join("jobs/out"));
    let o = plan(&d);
    assert_ne!(o.code, 0, "{}", o.stdout);
    assert!(o.stderr.contains("jobspec::file-access"), "{}", o.stderr);
    assert!(!o.stdout.contains("create") && !o.stderr.contains("secret-name"));
}

/// R14-60: a link back to a folder that holds it is a loop doublestar
/// walks until the path is too long: refused, not skipped.
#[cfg(unix)]
#[test]
fn fileset_through_a_link_loop_is_refused() {
    let d = project("fs14-loop", "length(fileset(\".\", \"**/x.txt\")) + 1");
    d.put("jobs/loop/x.txt", "x");
    link("..", &d.0.join("jobs/loop/up"));
    let o = plan(&d);
    assert_ne!(o.code, 0, "{}", o.stdout);
    assert!(o.stderr.contains("jobspec::file-access"), "{}", o.stderr);
}

/// R14-62: fileexists() of a folder or a FIFO fails in Nomad, naming Go's
/// FileMode string; a file is true and a missing path false (guards).
#[cfg(unix)]
#[test]
fn fileexists_of_a_folder_or_fifo_fails_with_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    for (name, mode) in [("dd", "drwxr-xr-x"), ("ff", "prw-r--r--")] {
        let d = project(
            &format!("fs14-exists-{name}"),
            &format!("fileexists(\"{name}\") ? 1 : 2"),
        );
        let at = d.0.join("jobs").join(name);
        if name == "dd" {
            std::fs::create_dir(&at).expect("mkdir");
        } else {
            let made = std::process::Command::new("mkfifo").arg(&at).status();
            assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        }
        let perm = if name == "dd" { 0o755 } else { 0o644 };
        std::fs::set_permissions(&at, std::fs::Permissions::from_mode(perm)).expect("chmod");
        let o = plan(&d);
        let want = format!(
            "Call to function \"fileexists\" failed: {name} is not a regular file, but \"{mode}\""
        );
        assert_eq!(o.code, 255, "{}\n{}", o.stdout, o.stderr);
        assert!(flat(&o.stderr).contains(&want), "{}", o.stderr);
    }
}

/// Guard: a regular file is true, a missing one false (passes on the baseline).
#[test]
fn fileexists_of_a_file_or_nothing_is_a_bool() {
    let d = project(
        "fs14-exists-file",
        "(fileexists(\"a.txt\") ? 1 : 0) + (fileexists(\"none\") ? 10 : 2)",
    );
    d.put("jobs/a.txt", "x");
    let o = plan(&d);
    assert!(
        o.stdout.contains("(3 create)"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
}

/// R14-61: in doublestar only `^` negates; `[!x]` is `!` or `x`.
#[test]
fn fileset_class_bang_is_a_literal_not_a_negation() {
    let d = project("fs14-bang", "length(fileset(\".\", \"[!x]*.txt\")) + 1");
    for f in ["x1.txt", "b.txt", "c.txt"] {
        d.put(&format!("jobs/{f}"), "x");
    }
    let o = plan(&d);
    assert!(
        o.stdout.contains("(2 create)"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
}

/// Guard: `[^x]` negates and `*` stays in one folder (passes on the baseline).
#[test]
fn fileset_caret_class_negates() {
    let d = project("fs14-caret", "length(fileset(\".\", \"[^x]*.txt\"))");
    for f in ["x1.txt", "b.txt", "c.txt", "deep/d.txt"] {
        d.put(&format!("jobs/{f}"), "x");
    }
    let o = plan(&d);
    assert!(
        o.stdout.contains("(2 create)"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
}

/// R14-61: `[a-]` is doublestar's ErrBadPattern, met by the first name
/// the folder holds: Nomad's error, not a listing.
#[test]
fn fileset_malformed_class_fails_as_nomad() {
    let d = project("fs14-bad", "length(fileset(\".\", \"[a-]*\")) + 1");
    d.put("jobs/a.txt", "x");
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}\n{}", o.stdout, o.stderr);
    assert!(
        flat(&o.stderr).contains(
            "Call to function \"fileset\" failed: failed to glob pattern ([a-]*): syntax error in pattern"
        ),
        "{}",
        o.stderr
    );
}

/// Nested braces, read as each release reads them (doublestar.go
/// matchComponent): v1.1.5 (Nomad 1.9.3) closes the brace at its first
/// `}`, so `{a,{b}}.txt` is `a}.txt` or `b.txt`; v1.3.4 (Nomad 2.0.5)
/// counts the nesting, `a.txt` or `b.txt`. They were "cannot tell".
#[test]
fn fileset_nested_braces_as_each_release_reads_them() {
    for (version, creates) in [("1.9.3", "(2 create)"), ("2.0.5", "(3 create)")] {
        let d = project_at(
            &format!("fs18-braces-{version}"),
            version,
            "length(fileset(\".\", \"{a,{b}}.txt\")) + 1",
        );
        d.put("jobs/a.txt", "x");
        d.put("jobs/b.txt", "x");
        let o = plan(&d);
        assert_eq!(o.code, 1, "{version}\n{}\n{}", o.stdout, o.stderr);
        assert!(o.stdout.contains(creates), "{version}\n{}", o.stdout);
    }
}

/// A brace spanning folders: v1.1.5 splits the pattern at `/` first, and
/// `{a,sub` never closes (ErrBadPattern once a name meets it); v1.3.4's
/// GlobOS globs `a.txt` and `sub/*.txt` as patterns of their own
/// (doublestar_test.go v1.3.4 matchTests `{a/b,a/c}`, `a/{b/c,c/b}`).
#[test]
fn fileset_brace_spanning_folders_by_release() {
    let expr = "length(fileset(\".\", \"{a,sub/*}.txt\"))";
    let old = project_at("fs18-span-old", "1.9.3", expr);
    let new = project_at("fs18-span-new", "2.0.5", expr);
    for d in [&old, &new] {
        d.put("jobs/a.txt", "x");
        d.put("jobs/sub/x.txt", "x");
        d.put("jobs/sub/y.txt", "x");
    }
    let o = plan(&old);
    assert_eq!(o.code, 255, "{}\n{}", o.stdout, o.stderr);
    assert!(
        flat(&o.stderr).contains(
            "Call to function \"fileset\" failed: failed to glob pattern ({a,sub/*}.txt): syntax error in pattern"
        ),
        "{}",
        o.stderr
    );
    let o = plan(&new);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("(3 create)"), "{}", o.stdout);
}
