//! Same inputs and seed, same bytes: across runs, across thread counts
//! (`NOMAD_PREFLIGHT_THREADS`), and without machine-specific paths, so CI
//! output and snapshots are stable on every machine.

use crate::common;

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// stdout, stderr and exit code of one run in the repository root.
fn run(args: &[&str], threads: Option<&str>) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let mut cmd = Command::new(common::bin());
    cmd.args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("NOMAD_PREFLIGHT_THREADS");
    if let Some(t) = threads {
        cmd.env("NOMAD_PREFLIGHT_THREADS", t);
    }
    match cmd.output() {
        Ok(o) => (o.stdout, o.stderr, o.status.code()),
        Err(e) => panic!("cannot run the binary: {e}"),
    }
}

const COMMANDS: &[&[&str]] = &[
    &["plan", "jobs/monitoring.nomad"],
    &["plan", "jobs/sockshop.nomad", "--samples", "50"],
    &["plan", "--format", "json", "jobs/sockshopui.nomad"],
    &["rehearse", "--samples", "50"],
    &["rehearse", "--samples", "50", "--format", "json"],
    &["check", "jobs"],
    &["check", "--format", "json", "jobs"],
    &["check", "--format", "sarif", "jobs"],
    &["check", "--format", "github", "jobs"],
    &["check", "--format", "markdown", "jobs"],
    &["status"],
];

#[test]
fn two_runs_print_the_same_bytes() {
    for args in COMMANDS {
        let a = run(args, None);
        let b = run(args, None);
        assert!(a.2.is_some(), "{args:?} was killed");
        assert!(a == b, "{args:?} differs between two runs");
    }
}

#[test]
fn thread_count_never_shows_in_the_output() {
    for args in COMMANDS {
        let one = run(args, Some("1"));
        let default = run(args, None);
        let four = run(args, Some("4"));
        assert!(
            one == default,
            "{args:?}: 1 thread differs from the default"
        );
        assert!(
            four == default,
            "{args:?}: 4 threads differ from the default"
        );
    }
}

#[test]
fn output_holds_no_absolute_paths_or_backslashes() {
    let abs = root().display().to_string();
    for args in COMMANDS {
        let (out, err, _) = run(args, None);
        for (what, bytes) in [("stdout", out), ("stderr", err)] {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(&abs), "{args:?} {what} holds {abs}");
            // JSON escapes are the only backslashes allowed (`\"`, `\n`).
            let stray = text.match_indices('\\').any(|(i, _)| {
                !matches!(
                    text.as_bytes().get(i + 1),
                    Some(b'"' | b'n' | b't' | b'u' | b'\\')
                )
            });
            assert!(!stray, "{args:?} {what} holds a path backslash");
        }
    }
}

/// Snapshots are compared byte for byte on every platform: none may record
/// a machine's absolute path or a Windows separator.
#[test]
fn snapshots_hold_no_absolute_paths() {
    let dir = root().join("snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("no snapshots/ folder at {}", dir.display());
    };
    for e in entries.flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        let body = text.splitn(3, "---").nth(2).unwrap_or(&text);
        for bad in ["/work/", "/home/", "/tmp/", "/Users/", ":\\\\", "C:\\"] {
            assert!(!body.contains(bad), "{} records {bad}", e.path().display());
        }
    }
}
