//! `nomad-preflight rehearse` as a user runs it: outside a checkout, with a
//! broken rehearsal file, and as JSON for machines.

mod common;

use std::process::Command;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("np-rehearse-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn outside_a_checkout_the_embedded_demo_is_used_and_said_so() {
    let dir = temp_dir("outside");
    let out = Command::new(common::bin())
        .args(["rehearse", "--samples", "0"])
        .current_dir(&dir)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.contains("using the demo world compiled into nomad-preflight"),
        "{stderr}"
    );
    assert!(
        stdout.contains("World: the demo world compiled into nomad-preflight;"),
        "{stdout}"
    );
    assert!(stdout.ends_with("23 passed, 0 failed\n"), "{stdout}");
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_rehearsal_gets_located_diagnostics_and_exit_2() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(common::bin())
        .args([
            "rehearse",
            "tests/fixtures/rehearse/broken.hcl",
            "--no-color",
        ])
        .current_dir(root)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_snap!("rehearse_broken_diagnostics", stderr.to_string());
}

#[test]
fn json_report_carries_verdicts_and_likelihoods() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(common::bin())
        .args(["rehearse", "--format", "json", "--samples", "20"])
        .current_dir(root)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["failed"], 0);
    assert_eq!(v["samples"], 20);
    let steps = v["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 17);
    let plan = &steps[12];
    assert_eq!(plan["action"], "$ nomad job plan jobs/sockshop.nomad");
    let preempt = &plan["expectations"][1];
    assert_eq!(preempt["expectation"], "monitoring/foundation is preempted");
    assert_eq!(preempt["likelihood"]["samples"], 20);
    assert!(preempt["line"].as_u64().is_some());
}
