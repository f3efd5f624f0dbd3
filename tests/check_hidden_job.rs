//! A `.hcl` file is a job file when its text holds a top-level `job`
//! block (`check` skips the others as "not job files", and a skipped file
//! passes the gate). The fast line scan that decides it read a `<<EOF`
//! inside a string as a heredoc and skipped a line that opens with a block
//! comment closed on it (`/* c */ job "web" {`), so a pull request could hide a job Nomad
//! refuses behind either and the hook and CI passed it: such a file is
//! judged like any other job file.

use crate::common;

use common::git;

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = -1\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x:1\"\n      }\n    }\n  }\n}\n";

fn staged(tag: &str, text: &str) -> (Option<i32>, String) {
    staged_as(tag, "deploy/web.hcl", text)
}

fn staged_as(tag: &str, name: &str, text: &str) -> (Option<i32>, String) {
    // The demo's world committed: a gate has no world to judge against
    // otherwise, and says it cannot tell (tests/gate_no_world.rs).
    let d = common::committed_demo(tag);
    d.put(name, text);
    git(&d.0, &["add", name]);
    let o = d.run(&[
        "check",
        "--staged",
        "--nomad-version",
        "1.9.0",
        "--output-format",
        "concise",
    ]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn a_job_behind_a_heredoc_marker_in_a_string_is_checked() {
    let text = format!("locals {{\n  marker = \"<<EOF\"\n}}\n\n{JOB}");
    let (code, out) = staged("hidden-job-heredoc", &text);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "deploy/web.hcl:8:5: jobspec::range [error] Task group g count can't be negative"
        ),
        "{out}"
    );
}

#[test]
fn a_job_opened_after_a_block_comment_on_its_line_is_checked() {
    let text = JOB
        .replace("job \"web\"", "/* the job */ job \"web\"")
        .replace("group \"g\"", "/* its group */ group \"g\"");
    let (code, out) = staged("hidden-job-comment", &text);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("deploy/web.hcl:4:5: jobspec::range [error]"),
        "{out}"
    );
}

#[test]
fn other_hcl_files_are_still_skipped() {
    let (code, out) = staged("hidden-job-none", "locals {\n  marker = \"<<EOF\"\n}\n");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(1 skipped: not job files)"), "{out}");
}

/// `nomad job run deploy/web` runs a job whatever its file is called, so a
/// changed file with no job file's name is judged when its text opens a
/// `job` block: the stricter scan behind that test (a README must not
/// fail a commit) skipped the same comment-hidden block.
#[test]
fn a_hidden_job_in_a_file_without_a_job_files_name_is_checked() {
    let text = JOB
        .replace("job \"web\"", "/* the job */ job \"web\"")
        .replace("group \"g\"", "/* its group */ group \"g\"");
    let (code, out) = staged_as("hidden-job-unnamed", "deploy/web", &text);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("deploy/web:4:5: jobspec::range [error]"),
        "{out}"
    );
    let (code, out) = staged_as(
        "hidden-job-readme",
        "README",
        "# A job\n\nSee `job \"web\" {`.\n",
    );
    assert_eq!(code, Some(0), "{out}");
}
