//! The globs of `.nomad-preflight.hcl` come from the pull request like any
//! file: a glob of many `*` against a long name must cost what matching
//! costs, not every way of splitting the name (rt23 R03: the recursive
//! matcher took 12 s for `*a*a*a*a*a*b` against a name of 120 `a`s and
//! more than 120 s from six stars on, so `check --base` on a pull request
//! that only edited the configuration hung). Ten stars here, under a
//! bound on CPU time, not wall time ([`crate::common::run_cpu_limited`]):
//! 20 s is some hundred times what a run costs on a loaded machine, and
//! the old matcher needed more than that for six stars.

use super::common::run_cpu_limited;
use super::reads::{git, project};
use super::write;

fn check(repo: &std::path::Path, args: &[&str], code: i32, name: &str, named: bool) {
    let o = run_cpu_limited(20, repo, args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(
        o.status.code() == Some(code) && stdout.contains(name) == named,
        "{args:?}: {:?} (none: killed at the CPU bound), want exit {code}, the file named: {named}\n{stdout}{stderr}",
        o.status
    );
}

#[test]
fn an_exclude_glob_of_many_stars_against_a_long_name_answers_at_once() {
    let (d, repo) = project("glob-stars");
    let name = format!("{}.nomad", "a".repeat(120));
    // Not a job: checked, it is an error that names the file.
    write(&repo, &name, "job \"a\" {\n  datacenters = [\n");
    write(&repo, ".nomad-preflight.hcl", "exclude = [\"x\"]\n");
    assert!(git(&repo, &["add", "-A"]) && git(&repo, &["commit", "-qm", "base"]));
    assert!(git(&repo, &["branch", "-M", "main"]));
    assert!(git(&repo, &["checkout", "-qb", "pr"]));
    let stars = "*a".repeat(9);
    // Never matches (the name ends `.nomad`, not `b`): the file is checked.
    write(
        &repo,
        ".nomad-preflight.hcl",
        format!("exclude = [\"{stars}*b\"]\n"),
    );
    assert!(git(&repo, &["commit", "-qam", "pr: exclude"]));
    check(&repo, &["check"], 1, &name, true);
    // rt23 R03 itself: the change is the configuration alone, no job file
    // to check, but both sides' globs are read.
    check(
        &repo,
        &["check", "--base", "main", "--head", "pr"],
        0,
        &name,
        false,
    );
    // Matches: the walk leaves the file out.
    write(
        &repo,
        ".nomad-preflight.hcl",
        format!("exclude = [\"{stars}*.nomad\"]\n"),
    );
    check(&repo, &["check"], 0, &name, false);
    let _ = std::fs::remove_dir_all(&d);
}
