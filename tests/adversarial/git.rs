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
