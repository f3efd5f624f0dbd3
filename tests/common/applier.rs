//! The plan applier tests' helpers (plan_applier_*.rs): an output as
//! (exit code, stdout, stderr), and a world committed as its base.

use super::TempDir;

/// An output as (exit code, stdout, stderr).
pub fn out(o: &std::process::Output) -> (Option<i32>, String, String) {
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Commit every file of `d` as the repository's first commit (the base
/// the gates compare with).
pub fn commit(d: &TempDir) {
    super::git(&d.0, &["init", "-q", "."]);
    super::git(&d.0, &["add", "-A"]);
    super::git(&d.0, &["commit", "-qm", "init"]);
}
