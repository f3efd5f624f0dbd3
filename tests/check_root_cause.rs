//! One finding per root cause (src/check/root_cause.rs), through the
//! binary as users run it: a mistake several rules see is reported once,
//! by its most specific finding, which names the others.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `check FILE --output-format concise` against `world`: the finding lines.
fn lines(file: &str, world: &Path) -> Vec<String> {
    lines_at(file, world, &[])
}

/// [`lines`] with more arguments (`--nomad-version`).
fn lines_at(file: &str, world: &Path, more: &[&str]) -> Vec<String> {
    let out = Command::new(common::bin())
        .current_dir(manifest())
        .args(["check", "--output-format", "concise"])
        .args(more)
        .arg("--world")
        .arg(world)
        .arg(Path::new("tests/fixtures/root_cause").join(file))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{}", common::output_text(&out));
    text.lines()
        .filter(|l| l.starts_with("tests/"))
        .map(str::to_string)
        .collect()
}

fn demo_world() -> PathBuf {
    manifest().join("rules")
}

#[test]
fn a_big_memory_ask_is_one_finding_naming_the_quota_it_also_exceeds() {
    let got = lines("big.nomad", &demo_world());
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].contains("NP201 [error]"), "{}", got[0]);
    assert!(
        got[0].contains("(this also causes: NP301 job-exceeds-quota, NP304 quota-exceeded)"),
        "{}",
        got[0]
    );
}

#[test]
fn a_job_without_datacenters_is_its_front_end_error_only() {
    let got = lines("nodc.nomad", &demo_world());
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(
        got[0].contains("jobspec::missing [error] Missing job datacenters"),
        "{}",
        got[0]
    );
}

#[test]
fn a_failed_file_call_is_not_followed_by_an_undeclared_local() {
    // locals and file() exist from 1.0 (HCL2); the demo world runs 0.9.3.
    let got = lines_at("file.nomad", &demo_world(), &["--nomad-version", "2.0.5"]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].contains("jobspec::file [error]"), "{}", got[0]);
}

#[test]
fn an_hcl1_line_is_one_error_under_a_release_that_parses_hcl2() {
    // The demo world on 1.6: NP106 runs there, and sees the parse error's line.
    let dir = std::env::temp_dir().join(format!("np-root-cause-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    common::copy_dir(&demo_world(), &dir.join("rules"));
    common::copy_dir(&manifest().join("jobs"), &dir.join("jobs"));
    let cluster = dir.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&cluster).unwrap();
    assert!(text.contains("nomad_version = \"0.9.3\""));
    std::fs::write(
        &cluster,
        text.replace("nomad_version = \"0.9.3\"", "nomad_version = \"1.6.0\""),
    )
    .unwrap();
    let all = lines("hcl1.nomad", &dir.join("rules"));
    let _ = std::fs::remove_dir_all(&dir);
    // 1.0-1.8's CLI re-parses a refused file with HCL1, which reads this
    // one: the advice says the first line may be the HCL1 retry's.
    let (notes, got): (Vec<_>, Vec<_>) = all
        .iter()
        .partition(|l| l.contains("jobspec::hcl1-fallback [advice]"));
    assert_eq!(notes.len(), 1, "{all:#?}");
    assert!(
        notes[0].contains("Failed to parse using HCL 2."),
        "{}",
        notes[0]
    );
    assert_eq!(got.len(), 1, "{all:#?}");
    assert!(got[0].contains("jobspec::hcl1 [error]"), "{}", got[0]);
    assert!(
        got[0].ends_with("(also reported as NP106 hcl1-syntax)"),
        "{}",
        got[0]
    );
}
