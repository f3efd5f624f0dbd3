//! Job files kept in a git submodule are the project's job files: `check`
//! reads a checked-out submodule, and a change set that moves a
//! submodule's commit plans and judges what changed inside it. When the
//! submodule cannot be read the run says so and fails, never "no job file
//! changed".

use crate::common;

use common::{git, output_text, TempDir};

const JOB: &str = r#"job "shared" {
  datacenters = ["dc1"]
  group "g" {
    count = 2
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

/// `git submodule add` of `upstream` as `deploy` in `p` (a local path:
/// git refuses the file protocol for submodules unless allowed).
fn add_deploy_submodule(p: &TempDir, upstream: &TempDir) {
    let url = upstream.0.to_string_lossy().into_owned();
    git(
        &p.0,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            &url,
            "deploy",
        ],
    );
}

/// A project whose world runs `deploy/jobs/shared.nomad`, a job file of
/// the submodule `deploy` (its own repository beside it, added with
/// `git submodule add`).
fn project(name: &str) -> (TempDir, TempDir) {
    let upstream = TempDir::new(&format!("{name}-upstream"));
    upstream.put("jobs/shared.nomad", JOB);
    git(&upstream.0, &["init", "-q"]);
    git(&upstream.0, &["add", "-A"]);
    git(&upstream.0, &["commit", "-qm", "shared jobs"]);

    let p = TempDir::new(name);
    p.put(
        "rules/cluster.hcl",
        r#"nomad_version = "1.6.0"
edition       = "community"
client "c" {
  count      = 3
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 100000
  drivers    = ["docker"]
}
running = ["deploy/jobs/shared.nomad"]
"#,
    );
    git(&p.0, &["init", "-q"]);
    add_deploy_submodule(&p, &upstream);
    git(&p.0, &["add", "-A"]);
    git(&p.0, &["commit", "-qm", "world and submodule"]);
    (p, upstream)
}

/// Commit `text` as the submodule's job file and stage the new commit in
/// the superproject.
fn bump(p: &TempDir, file: &str, text: &str) {
    let sub = p.0.join("deploy");
    std::fs::create_dir_all(sub.join("jobs")).expect("folder");
    std::fs::write(sub.join(file), text).expect("write");
    git(&sub, &["add", "-A"]);
    git(&sub, &["commit", "-qm", "edit"]);
    git(&p.0, &["add", "deploy"]);
}

#[test]
fn a_submodule_bump_is_planned_as_the_job_files_it_changes() {
    let (p, _up) = project("sub-bump");
    bump(
        &p,
        "jobs/shared.nomad",
        &JOB.replace("count = 2", "count = 5"),
    );
    let out = p.run(&["plan", "--changed", "--staged"]);
    let s = output_text(&out);
    assert!(
        s.contains("==> deploy/jobs/shared.nomad (modified)\n"),
        "{s}"
    );
    // The running version is read through the submodule at HEAD's commit.
    assert!(s.contains("+/- Job: \"shared\""), "{s}");
    assert!(s.contains("+/- Count: \"2\" => \"5\""), "{s}");
    assert!(!s.contains("no job file changed"), "{s}");
    assert_eq!(out.status.code(), Some(1), "{s}");

    // The same commits compared as revisions (CI).
    git(&p.0, &["commit", "-qm", "bump"]);
    let out = p.run(&["plan", "--changed", "--base", "HEAD~1", "--head", "HEAD"]);
    let s = output_text(&out);
    assert!(s.contains("+/- Count: \"2\" => \"5\""), "{s}");
}

#[test]
fn a_bad_job_file_in_a_submodule_fails_check_in_every_mode() {
    let (p, _up) = project("sub-bad");
    let bad = "job \"x\" {\n  group \"g\" {\n    count = \"many\"\n  }\n}\n";
    bump(&p, "jobs/bad.nomad", bad);
    for args in [
        &["check", "--staged"][..],
        &["check"][..],
        &["check", "--base", "HEAD"][..],
    ] {
        let out = p.run(args);
        let s = output_text(&out);
        assert!(s.contains("deploy/jobs/bad.nomad:3:"), "{args:?}: {s}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {s}");
    }
}

#[test]
fn a_submodule_that_cannot_be_read_fails_the_run_instead_of_passing_it() {
    let (p, _up) = project("sub-missing");
    bump(
        &p,
        "jobs/shared.nomad",
        &JOB.replace("count = 2", "count = 5"),
    );
    // The submodule's repository is gone (a CI clone without submodules).
    std::fs::rename(p.0.join(".git/modules/deploy"), p.0.join("modules-away")).expect("move");
    let want = "deploy is a submodule and its repository is not in this clone, so the job files in it cannot be compared";
    let plan = p.run(&["plan", "--changed", "--staged"]);
    let s = output_text(&plan);
    assert!(common::flat(&s).contains(want), "{s}");
    assert_eq!(plan.status.code(), Some(255), "{s}");
    let check = p.run(&["check", "--staged"]);
    let s = output_text(&check);
    assert!(common::flat(&s).contains(want), "{s}");
    assert_eq!(check.status.code(), Some(2), "{s}");
    assert!(!s.contains("git fetch"), "{s}");
    // The world's running job lives in it too: said as unreadable, not
    // as a file that does not exist.
    let plain = p.run(&["plan", "--changed", "--staged"]);
    let s = output_text(&plain);
    assert!(!s.contains("does not exist"), "{s}");
}

/// The change set itself stops at the submodule (the world runs nothing
/// from it): fetching the superproject brings no submodule commit, so the
/// hint says how to check submodules out, never `git fetch`.
#[test]
fn a_submodule_that_cannot_be_read_is_not_advised_a_fetch() {
    let (p, _up) = project("sub-no-fetch");
    let world = std::fs::read_to_string(p.0.join("rules/cluster.hcl")).expect("world");
    p.put(
        "rules/cluster.hcl",
        &world.replace("running = [\"deploy/jobs/shared.nomad\"]\n", ""),
    );
    git(&p.0, &["commit", "-qam", "runs nothing from deploy"]);
    bump(
        &p,
        "jobs/shared.nomad",
        &JOB.replace("count = 2", "count = 5"),
    );
    std::fs::rename(p.0.join(".git/modules/deploy"), p.0.join("modules-away")).expect("move");
    let check = p.run(&["check", "--staged"]);
    let s = output_text(&check);
    assert!(
        common::flat(&s).contains("deploy is a submodule and its repository is not in this clone"),
        "{s}"
    );
    assert_eq!(check.status.code(), Some(2), "{s}");
    assert!(!s.contains("git fetch"), "{s}");
    assert!(common::flat(&s).contains("submodules: recursive"), "{s}");
}

/// A job file inside a submodule that reads a file of the superproject:
/// a change to that file plans and judges the job (the reader scan lists
/// the submodule's files too). Before, the scan did not descend into
/// gitlinks and the change passed as "no job file changed".
#[test]
fn a_job_file_in_a_submodule_is_found_by_the_reader_scan() {
    let motd = JOB.replace(
        "      resources {",
        "      template {\n        data        = file(\"config/motd.txt\")\n        destination = \"local/motd\"\n      }\n      resources {",
    );
    let upstream = TempDir::new("sub-reader-upstream");
    upstream.put("jobs/motd.nomad", &motd);
    git(&upstream.0, &["init", "-q"]);
    git(&upstream.0, &["add", "-A"]);
    git(&upstream.0, &["commit", "-qm", "motd job"]);
    let p = TempDir::new("sub-reader");
    p.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nedition = \"community\"\nclient \"c\" {\n  count      = 3\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 100000\n  drivers    = [\"docker\"]\n}\nrunning = [\"deploy/jobs/motd.nomad\"]\n",
    );
    p.put("config/motd.txt", "hello\n");
    git(&p.0, &["init", "-q"]);
    add_deploy_submodule(&p, &upstream);
    git(&p.0, &["add", "-A"]);
    git(&p.0, &["commit", "-qm", "world, config and submodule"]);
    p.put("config/motd.txt", "goodbye\n");
    git(&p.0, &["add", "config/motd.txt"]);
    let out = p.run(&["plan", "--changed", "--staged"]);
    let s = output_text(&out);
    assert!(
        s.contains("==> deploy/jobs/motd.nomad (reads config/motd.txt, which changed)"),
        "{s}"
    );
    assert!(s.contains("goodbye"), "{s}");
    assert!(!s.contains("no job file changed"), "{s}");
    assert_eq!(out.status.code(), Some(1), "{s}");
    let out = p.run(&["check", "--staged"]);
    let s = output_text(&out);
    assert!(
        s.contains("note: deploy/jobs/motd.nomad reads config/motd.txt, which this change touches"),
        "{s}"
    );
}

/// A submodule's own .gitattributes decide how a checkout with its
/// submodules writes their files: a bump adding `*.nomad eol=crlf` to a
/// job with a heredoc (Nomad keeps the CR) was judged by the LF blob.
#[test]
fn a_submodule_job_a_checkout_writes_with_crlf_is_not_judged_by_its_blob() {
    let (p, _up) = project("sub-crlf");
    let job = JOB.replace(
        "datacenters = [\"dc1\"]",
        "datacenters = [\"dc1\"]\n  meta {\n    note = <<EOT\nshared\nEOT\n  }",
    );
    bump(&p, "jobs/shared.nomad", &job);
    bump(&p, ".gitattributes", "*.nomad eol=crlf\n");
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"],
    ] {
        let out = p.run(args);
        let s = output_text(&out);
        assert!(
            common::flat(&s).contains(
                "refusing to read jobs/shared.nomad: a checkout of submodule deploy at commit"
            ),
            "{args:?}: {s}"
        );
        assert!(
            common::flat(&s).contains("may write it with CRLF line ends"),
            "{args:?}: {s}"
        );
        assert_ne!(out.status.code(), Some(0), "{args:?}: {s}");
    }
}

#[test]
fn a_pull_requests_gitmodules_ignore_does_not_hide_its_bump() {
    // `submodule.deploy.ignore = all` in the pull request's own
    // .gitmodules made git's diff drop the new commit, so the working-tree
    // gate said "no job file changed" (redteam6 G3).
    let (p, _up) = project("sub-ignore");
    bump(
        &p,
        "jobs/shared.nomad",
        &JOB.replace("count = 2", "count = 5"),
    );
    git(
        &p.0,
        &[
            "config",
            "-f",
            ".gitmodules",
            "submodule.deploy.ignore",
            "all",
        ],
    );
    git(&p.0, &["add", ".gitmodules"]);
    git(&p.0, &["commit", "-qm", "bump, and ignore it"]);
    let out = p.run(&["plan", "--changed", "--base", "HEAD~1"]);
    let s = output_text(&out);
    assert!(
        s.contains("==> deploy/jobs/shared.nomad (modified)\n"),
        "{s}"
    );
    assert!(s.contains("+/- Count: \"2\" => \"5\""), "{s}");
    assert!(!s.contains("no job file changed"), "{s}");
}
