//! The "holds a job by its text" test has a budget (R27b-3). It parsed
//! any committed file with hcl-edit's full parse: a 15 MiB prose file of
//! template-like text (`# job`, then `%{if true}a%{endif}` over and over,
//! valid HCL2) cost a cold hook 9.5 s and 1.1 GB, on every gate. Now a
//! text where no `job` starts a line (only white space, or a closing
//! `*/`, before it) is proved job-free without a parse, and a text past
//! the parse's budget that may open a job is taken as one, unparsed.
//!
//! The bound is on memory, not time: the binary runs under an address
//! space limit (`ulimit -v`) the old parse could not fit in.

#![cfg(target_os = "linux")]

use crate::common;

use common::{git, output_text};

/// `args` in `dir` with at most `kib` KiB of address space.
fn run_limited(kib: u32, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .args(["-c", &format!("ulimit -v {kib} && exec \"$0\" \"$@\"")])
        .arg(common::bin())
        .args(["--no-color", "--no-cache"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("the binary runs")
}

#[test]
fn a_large_prose_file_is_told_from_a_job_in_bounded_memory() {
    let d = common::committed_demo("big-prose-budget");
    // 8 MiB: hcl-edit's parse took ~70 bytes a byte of it (past 500 MB).
    let n = 8 * 1024 * 1024 / 19;
    let text = format!("# job\nx = \"{}\"\n", "%{if true}a%{endif}".repeat(n));
    std::fs::write(d.0.join("notes.txt"), text).unwrap();
    git(&d.0, &["add", "notes.txt"]);
    git(&d.0, &["commit", "-qm", "notes"]);
    common::stage_edit(&d.0, "count = 3");
    // Well above what the run needs without the parse (~150 MB here with
    // a debug build), well below what the parse took.
    let limit = 320 * 1024;
    let out = run_limited(limit, &d.0, &["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    // Named, it is no job file either: passed over, as before.
    let out = run_limited(limit, &d.0, &["check", "notes.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
}
