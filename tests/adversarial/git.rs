//! Git input is bytes: a file name git holds can neither hide a change from
//! a gate nor shift the changes listed after it.

use super::reads::{git, project};
use super::{assert_clean, group, job, run, write};

#[cfg(unix)]
#[test]
fn a_staged_non_utf8_file_name_does_not_open_any_gate() {
    use std::os::unix::ffi::OsStrExt;
    let (d, repo) = project("nonutf8");
    write(&repo, "jobs/ok.nomad", job(&group("")));
    assert!(git(&repo, &["add", "-A"]) && git(&repo, &["commit", "-qm", "base"]));
    // A name that is not UTF-8, listed before the bad job by git.
    let odd = repo.join(std::ffi::OsStr::from_bytes(b"jobs/a\xff.nomad"));
    assert!(std::fs::write(&odd, job(&group(""))).is_ok());
    write(
        &repo,
        "jobs/bad.nomad",
        "job \"bad\" {\n  datacenters = [\n",
    );
    assert!(git(&repo, &["add", "-A"]));
    let o = run(&repo, &["check", "--staged"]);
    assert_clean(&o, &[1]);
    assert!(o.stdout.contains("bad.nomad"), "{}", o.stdout);
    let o = run(&repo, &["plan", "--changed", "--staged", "--gate"]);
    assert_clean(&o, &[1, 255]);
    assert!(
        o.stdout.contains("bad.nomad") || o.stderr.contains("bad.nomad"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(git(&repo, &["commit", "-qm", "change"]));
    let o = run(&repo, &["check", "--base", "HEAD~1"]);
    assert_clean(&o, &[1]);
    let o = run(&repo, &["plan", "--changed", "--base", "HEAD~1", "--gate"]);
    assert_clean(&o, &[1, 255]);
    let _ = std::fs::remove_dir_all(&d);
}

/// A pull request's `.gitattributes` names filter drivers (`filter=lfs`,
/// any a developer's or runner's configuration defines) and git runs a
/// driver's `clean` on each stat-dirty file `git diff BASE` hashes against
/// the work tree: `check --base` and `plan --changed --base` ran it. No
/// program the input chose may run, so every configured driver is turned
/// off for that diff; the change is still seen (exit 1, the file named).
#[cfg(unix)]
#[test]
fn a_filter_driver_the_input_names_never_runs() {
    let (d, repo) = project("filters");
    write(&repo, "jobs/ok.nomad", job(&group("")));
    write(&repo, ".gitattributes", "*.nomad filter=evil\n");
    assert!(git(&repo, &["add", "-A"]) && git(&repo, &["commit", "-qm", "base"]));
    let ran = d.join("ran");
    let touch = format!("touch '{}'; cat", ran.display());
    for (k, v) in [
        ("filter.evil.clean", touch.as_str()),
        ("filter.evil.smudge", touch.as_str()),
        ("filter.evil.required", "true"),
    ] {
        assert!(git(&repo, &["config", k, v]));
    }
    // Stat-dirty only: git must hash it to tell it is unchanged.
    let old = std::process::Command::new("touch")
        .args(["-d", "2001-01-01"])
        .arg(repo.join("jobs/ok.nomad"))
        .status();
    assert!(old.is_ok_and(|s| s.success()));
    write(
        &repo,
        "jobs/bad.nomad",
        "job \"bad\" {\n  datacenters = [\n",
    );
    assert!(git(&repo, &["add", "-N", "jobs/bad.nomad"]));
    let _ = std::fs::remove_file(&ran);
    let o = run(&repo, &["check", "--base", "HEAD"]);
    assert_clean(&o, &[1]);
    assert!(o.stdout.contains("bad.nomad"), "{}", o.stdout);
    let o = run(&repo, &["plan", "--changed", "--base", "HEAD", "--gate"]);
    assert_clean(&o, &[1, 255]);
    assert!(!ran.exists(), "a filter driver ran");
    let _ = std::fs::remove_dir_all(&d);
}
