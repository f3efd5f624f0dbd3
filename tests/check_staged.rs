//! Which files `check --staged` / `--base` select, and that they are read
//! from git rather than the working tree.

use std::path::{Path, PathBuf};
use std::process::Command;

use nomad_preflight::cli::check::{select, CheckArgs};

use crate::common;

use common::git;

#[test]
fn staged_selects_changed_job_candidates_from_the_index() {
    let dir = std::env::temp_dir().join(format!("np-check-staged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("jobs")).unwrap();
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("jobs/a.nomad"), "job \"a\" {}\n").unwrap();
    std::fs::write(dir.join("jobs/b.nomad"), "job \"b\" {}\n").unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-qm", "base"]);
    std::fs::write(dir.join("jobs/a.nomad"), "job \"a\" { # staged\n}\n").unwrap();
    std::fs::write(dir.join("notes.md"), "not a job\n").unwrap();
    git(&dir, &["add", "."]);
    std::fs::write(dir.join("jobs/a.nomad"), "job \"a\" { # unstaged\n}\n").unwrap();

    let args = CheckArgs {
        staged: true,
        ..CheckArgs::default()
    };
    let sel = select(&args, &dir).unwrap_or_else(|d| panic!("{:?}", d));
    assert_eq!(sel.files, vec![PathBuf::from("jobs/a.nomad")]);
    let src = sel.vfs.read(Path::new("jobs/a.nomad")).unwrap();
    assert_eq!(&*src.text, "job \"a\" { # staged\n}\n");

    let base = CheckArgs {
        base: Some("HEAD".into()),
        ..CheckArgs::default()
    };
    let sel = select(&base, &dir).unwrap_or_else(|d| panic!("{:?}", d));
    assert_eq!(sel.files, vec![PathBuf::from("jobs/a.nomad")]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn staged_outside_a_repository_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("np-check-norepo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let inside = Command::new("git")
        .arg("-C")
        .arg(&dir)
        .arg("rev-parse")
        .status()
        .is_ok_and(|s| s.success());
    if !inside {
        let args = CheckArgs {
            staged: true,
            ..CheckArgs::default()
        };
        let err = select(&args, &dir).err().expect("usage error");
        assert_eq!(err.0[0].code, "check::usage");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
