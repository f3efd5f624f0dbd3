//! A quota's `device` limits (Nomad Enterprise's `device` block of a
//! `region_limit`, `RegionLimit.Devices` in the API) are counted by code
//! that is not public. A job asking for a device in a namespace whose quota
//! limits devices cannot be judged: `plan` says so in one line, in the JSON
//! and in its exit code, never with Nomad's success text; `check` reports
//! NP307 from the same check; loading the world warns, naming the quota and
//! the limit. A job without device asks is still judged as Nomad judges it.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quota-devices")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(common::bin())
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

const UNKNOWN_LINE: &str = "error: cannot tell whether job \"train\" fits quota \"gpu\": it asks for devices (1 × \"nvidia/gpu\" (group \"g\", task \"t\")) and the quota limits device \"nvidia/gpu\" count 1 in region \"global\", but Nomad Enterprise's device quota counting is not public";

const WORLD_WARNING: &str =
    "quota `gpu` limits device `nvidia/gpu` (count 1) in region `global`, which nomad-preflight";

#[test]
fn a_device_ask_under_a_device_quota_is_unknown_never_allocated() {
    for gate in [false, true] {
        let mut args = vec!["plan", "--world", "rules", "jobs/train.nomad"];
        if gate {
            args.push("--gate");
        }
        let out = run(&fixture(), &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(255),
            "{}",
            common::output_text(&out)
        );
        assert!(!stdout.contains("successfully allocated"), "{stdout}");
        assert!(!stdout.contains("Scheduler dry-run"), "{stdout}");
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: cannot tell"))
            .collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].starts_with(UNKNOWN_LINE), "{stderr}");
        // The world's loading names the quota and the limit.
        assert!(stderr.contains(WORLD_WARNING), "{stderr}");
        assert!(stderr.contains("world::quota-devices"), "{stderr}");
    }
}

#[test]
fn the_json_says_unknown_and_carries_no_nomad_verdict() {
    let out = run(
        &fixture(),
        &[
            "plan",
            "--world",
            "rules",
            "jobs/train.nomad",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(255),
        "{}",
        common::output_text(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", common::output_text(&out)));
    let p = &v["Preflight"];
    assert_eq!(p["DeviceQuota"]["Known"], false, "{v}");
    assert_eq!(p["DeviceQuota"]["Quota"], "gpu");
    assert_eq!(p["DeviceQuota"]["Namespace"], "ml");
    assert_eq!(p["DeviceQuota"]["Limits"][0]["Name"], "nvidia/gpu");
    assert_eq!(p["DeviceQuota"]["Limits"][0]["Count"], 1);
    assert_eq!(p["DeviceQuota"]["Asks"][0]["Name"], "nvidia/gpu");
    assert_eq!(p["DeviceQuota"]["Asks"][0]["TaskGroup"], "g");
    assert!(
        p["Error"]
            .as_str()
            .is_some_and(|e| e.starts_with(UNKNOWN_LINE)),
        "{v}"
    );
    // Nothing a tool could read as Nomad's answer.
    assert!(v.get("FailedTGAllocs").is_none(), "{v}");
    assert!(v.get("Annotations").is_none(), "{v}");
}

#[test]
fn a_job_without_devices_in_the_same_namespace_is_judged_as_nomad_judges_it() {
    let out = run(&fixture(), &["plan", "--world", "rules", "jobs/prep.nomad"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", common::output_text(&out));
    assert!(
        stdout.contains("- All tasks successfully allocated."),
        "{stdout}"
    );
    assert!(!stderr.contains("error: cannot tell"), "{stderr}");
    // Its quota's cpu is still counted: past it, Nomad's quota text.
    let dir = common::TempDir::new("quota-devices-cpu");
    common::copy_dir(&fixture(), dir.0.as_path());
    let big = std::fs::read_to_string(dir.0.as_path().join("jobs/prep.nomad"))
        .unwrap()
        .replace("cpu    = 500", "cpu    = 7000");
    std::fs::write(dir.0.as_path().join("jobs/prep.nomad"), big).unwrap();
    let out = run(
        dir.0.as_path(),
        &["plan", "--world", "rules", "jobs/prep.nomad"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Quota limit hit \"cpu exhausted (7000 needed > 6000 limit)\""),
        "{}",
        common::output_text(&out)
    );
}

#[test]
fn check_agrees_with_np307_and_stays_quiet_without_devices() {
    let out = run(
        &fixture(),
        &[
            "check",
            "--world",
            "rules",
            "jobs/train.nomad",
            "jobs/prep.nomad",
        ],
    );
    let text = common::output_text(&out);
    // NP307 cannot tell: check exits 2 for it, as plan exits 255.
    assert_eq!(out.status.code(), Some(2), "{text}");
    // The findings (the stderr line naming the codes that cannot tell is
    // not one).
    let np307: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("jobs/") && l.contains("NP307"))
        .collect();
    assert_eq!(np307.len(), 1, "{text}");
    assert!(np307[0].starts_with("jobs/train.nomad:"), "{text}");
    assert!(np307[0].contains("cannot tell whether job \"train\" fits quota \"gpu\""));
    let out = run(
        &fixture(),
        &["check", "--world", "rules", "jobs/prep.nomad"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::output_text(&out));
}

/// The same from an import: `quotas.json` with `RegionLimit.Devices`, the
/// namespace attached to it in `namespaces.json`.
#[test]
fn an_imported_device_quota_is_unknown_too() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/devices-one-instance");
    let dir = common::TempDir::new("quota-devices-import");
    common::copy_dir(&src, dir.0.as_path());
    // Quotas are Enterprise's.
    std::fs::write(
        dir.0.as_path().join("agent-self.json"),
        r#"{"member": {"Tags": {"build": "2.0.5+ent", "region": "global"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.0.as_path().join("node-pools.json"),
        r#"[{"Name": "default", "SchedulerConfiguration": null}]"#,
    )
    .unwrap();
    std::fs::write(
        dir.0.as_path().join("quotas.json"),
        r#"[{"Name": "gpu", "Description": "", "Limits": [{"Region": "global",
            "RegionLimit": {"CPU": 100000, "MemoryMB": 100000,
            "Devices": [{"Name": "nvidia/gpu/1080ti", "Count": 2}]}}]}]"#,
    )
    .unwrap();
    std::fs::write(
        dir.0.as_path().join("namespaces.json"),
        r#"[{"Name": "default", "Description": "", "Quota": "gpu"}]"#,
    )
    .unwrap();
    let out = run(dir.0.as_path(), &["plan", "--world", ".", "placing.nomad"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{stdout}{stderr}");
    assert!(!stdout.contains("Scheduler dry-run"), "{stdout}");
    assert!(
        stderr
            .contains("quota `gpu` limits device `nvidia/gpu/1080ti` (count 2) in region `global`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: cannot tell whether job \"placing\" fits quota \"gpu\": it asks for devices (4 × \"nvidia/gpu/1080ti\""),
        "{stderr}"
    );
    // Without the device limit the same import plans as before.
    std::fs::write(
        dir.0.as_path().join("quotas.json"),
        r#"[{"Name": "gpu", "Limits": [{"Region": "global",
            "RegionLimit": {"CPU": 100000, "MemoryMB": 100000}}]}]"#,
    )
    .unwrap();
    let out = run(dir.0.as_path(), &["plan", "--world", ".", "placing.nomad"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Scheduler dry-run"),
        "{}",
        common::output_text(&out)
    );
}
