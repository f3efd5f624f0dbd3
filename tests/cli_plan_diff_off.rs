//! R22-B-3: `nomad job plan -diff=false` at 1.5.0-1.5.3 asks the servers
//! for no diff, then `getExitCode` reads `resp.Diff.Type` (command/
//! job_plan.go v1.5.0:236-240, 393-396): a nil pointer dereference after
//! the dry run, Go's panic and a goroutine trace, exit 2 (#16944, fixed in
//! 1.5.4). We printed the dry run and Nomad's exit code 1 as if the plan
//! had answered. Now one line, exit 255, as for every plan we cannot tell.
//! See src/cli/plan/cli_panic.rs.

use crate::common;
use common::{run_in, TempDir};

const PANICS: &str = "cannot tell what `nomad job plan -diff=false` prints for job \"monitoring\": Nomad 1.5.2's CLI asks the servers for no diff";

fn plan(d: &TempDir, version: &str, extra: &[&str]) -> common::Out {
    let mut args = vec![
        "plan",
        "--no-cache",
        "--nomad-version",
        version,
        "-diff=false",
    ];
    args.extend_from_slice(extra);
    args.push("jobs/monitoring.nomad");
    run_in(&d.0, &args)
}

/// Fails on the baseline (stop 64, 9b0d463c), which printed "Scheduler
/// dry-run:" and exited 1.
#[test]
fn diff_false_at_1_5_2_is_the_clis_panic_not_a_plan() {
    let d = TempDir::demo("diff-off-152");
    let o = plan(&d, "1.5.2", &[]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "", "{}", o.stderr);
    assert!(
        o.stderr.starts_with(&format!("error: {PANICS}")),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("(hashicorp/nomad#16944, fixed in 1.5.4)"),
        "{}",
        o.stderr
    );
    let j = plan(&d, "1.5.2", &["--format", "json"]);
    assert_eq!(j.code, 255, "{}", j.stderr);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    assert_eq!(v["Preflight"]["CannotTell"], true, "{}", j.stdout);
    assert_eq!(v["Preflight"]["CliPanic"]["Issue"], "hashicorp/nomad#16944");
    assert!(v.get("Diff").is_none(), "{}", j.stdout);
}

/// Guard: 1.5.4 (the fix), 1.4.7 (no diff read) and 1.5.2 with the diff
/// shown print the plan; the demo's quota failure is exit 1.
#[test]
fn the_fixed_and_earlier_releases_plan() {
    let d = TempDir::demo("diff-off-guard");
    for v in ["1.5.4", "1.4.7"] {
        let o = plan(&d, v, &[]);
        assert_eq!(o.code, 1, "{v}: {}", o.stderr);
        assert!(
            o.stdout.starts_with("Scheduler dry-run:"),
            "{v}: {}",
            o.stdout
        );
    }
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--no-cache",
            "--nomad-version",
            "1.5.2",
            "jobs/monitoring.nomad",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("+ Job: \"monitoring\""),
        "{}",
        o.stdout
    );
}

/// `plan --changed` plans each file as `nomad job plan` would: at 1.5.2
/// with -diff=false each answered plan is the CLI's panic, counted as
/// "cannot tell" (the baseline printed the file's dry run and counted it
/// as changing allocations).
#[test]
fn changed_files_say_the_panic_too() {
    let monitoring = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("jobs/monitoring.nomad"),
    )
    .expect("the demo's monitoring job");
    let d = common::demo_repo::demo_repo(
        "diff-off-changed",
        common::demo_repo::Demo {
            without_monitoring: true,
            ..Default::default()
        },
    );
    d.put("jobs/monitoring.nomad", &monitoring);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "monitoring"]);
    let run = |diff: &str| {
        run_in(
            &d.0,
            &[
                "plan",
                "--no-cache",
                "--nomad-version",
                "1.5.2",
                diff,
                "--changed",
                "--base",
                "HEAD~1",
            ],
        )
    };
    let o = run("-diff=false");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    // Miette wraps the line: its start, and the issue.
    assert!(
        o.stdout.contains(
            "cannot tell what `nomad job plan -diff=false` prints for job \"monitoring\""
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("hashicorp/nomad#16944"), "{}", o.stdout);
    assert!(!o.stdout.contains("Scheduler dry-run:"), "{}", o.stdout);
    assert!(o.stdout.contains("1 cannot tell"), "{}", o.stdout);
    // Guard: with the diff the file is planned.
    let o = run("-diff=true");
    assert!(o.stdout.contains("Scheduler dry-run:"), "{}", o.stdout);
}
