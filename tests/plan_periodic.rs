//! The periodic next-launch line (`command/job_plan.go` `formatDryRun`):
//! `Job.Plan` computes the next launch from now in the job's time zone
//! (the release's cronexpr, `src/cronexpr/`), the CLI prints it with the
//! wait truncated to the second. `--now` fixes "now" for reproducible runs.

use crate::common;

use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/periodic")
        .join(name)
}

fn plan_at(job: &str, now: &str, extra: &[&str]) -> common::Out {
    let path = fixture(job);
    let mut args = vec!["plan", path.to_str().unwrap_or_default(), "--now", now];
    args.extend_from_slice(extra);
    common::run_in(Path::new("."), &args)
}

fn plan(job: &str, extra: &[&str]) -> common::Out {
    plan_at(job, "2026-11-30T19:27:00Z", extra)
}

#[test]
fn a_periodic_job_prints_its_next_launch_in_its_time_zone() {
    let out = plan("report.nomad", &[]);
    assert!(
        out.stdout.contains(
            "- All tasks successfully allocated.\n- If submitted now, next periodic launch would be at 2026-12-01T03:30:00-05:00 (13h3m0s from now).\n\nJob Modify Index: 0\n"
        ),
        "{}",
        out.stdout
    );
    let json = plan("report.nomad", &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["NextPeriodicLaunch"], "2026-12-01T03:30:00-05:00");
}

#[test]
fn the_earliest_of_several_crons_and_none_for_a_parameterized_job() {
    // 19:27 on a Monday: */20 fires at 19:40, before noon on Tuesday.
    let out = plan(
        "crons.nomad",
        &["--world", &fixture("world").to_string_lossy()],
    );
    assert!(
        out.stdout.contains(
            "- If submitted now, next periodic launch would be at 2026-11-30T19:40:00Z (13m0s from now).\n"
        ),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let out = plan("dispatch.nomad", &[]);
    assert!(
        !out.stdout.contains("next periodic launch"),
        "{}",
        out.stdout
    );
}

#[test]
fn now_must_be_a_timestamp() {
    let out = plan_at("report.nomad", "yesterday", &[]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("--now"), "{}", out.stderr);
}

/// `rehearse` prints the line where the step's `nomad job plan` does, the
/// same as `plan --now` with the same instant (and in every replay, so the
/// step's text does not depend on the seed).
#[test]
fn rehearse_prints_the_next_launch_where_plan_does() {
    let dir = common::TempDir::new("periodic-rehearse");
    common::copy_dir(&fixture("world"), &dir.0.join("rules"));
    let job = std::fs::read_to_string(fixture("crons.nomad")).expect("job");
    dir.put("crons.nomad", &job);
    dir.put(
        "periodic.hcl",
        "rehearsal \"periodic\" {}\n\nstep \"Plan the report\" {\n  command = \"nomad job plan crons.nomad\"\n  expect {\n    exit_code = 1\n  }\n}\n",
    );
    let line = "- If submitted now, next periodic launch would be at 2026-11-30T19:40:00Z (13m0s from now).\n";
    let plan = dir.run(&["plan", "crons.nomad", "--now", "2026-11-30T19:27:00Z"]);
    assert!(
        common::output_text(&plan).contains(line),
        "{}",
        common::output_text(&plan)
    );
    for seed in ["1", "7"] {
        let o = dir.run(&[
            "rehearse",
            "periodic.hcl",
            "--samples",
            "3",
            "--seed",
            seed,
            "--now",
            "2026-11-30T19:27:00Z",
        ]);
        let text = common::output_text(&o);
        assert!(text.contains(line), "{text}");
    }
    let o = dir.run(&[
        "rehearse",
        "periodic.hcl",
        "--samples",
        "0",
        "--now",
        "soon",
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--now"));
}

/// `crons` (1.6.2 on) whose later spec never fires: PeriodicConfig.Next
/// (nomad/structs/structs.go, every tag 1.6.2 to 2.0.5) keeps the zero time
/// it gives, as `t.Before(nextTime)`, so the CLI prints no line
/// (`!next.IsZero()`, command/job_plan.go) and the JSON holds Go's zero
/// time; written first, the next spec's launch replaces it (redteam4 F9).
#[test]
fn a_never_firing_cron_after_a_firing_one_hides_the_next_launch() {
    let world = fixture("world");
    let world = world.to_string_lossy();
    let want = "+ Job: \"crons\"\n+ Task Group: \"crons\" (1 create)\n  + Task: \"crons\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\nJob Modify Index: 0\n";
    for v in ["1.6.2", "2.0.5"] {
        let out = plan(
            "crons_never.nomad",
            &["--world", &world, "--nomad-version", v],
        );
        assert_eq!(out.code, 1, "{v}: {}", out.stderr);
        assert!(out.stdout.starts_with(want), "{v}: {}", out.stdout);
        let json = plan(
            "crons_never.nomad",
            &["--world", &world, "--nomad-version", v, "--format", "json"],
        );
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
        assert_eq!(doc["NextPeriodicLaunch"], "0001-01-01T00:00:00Z", "{v}");
    }
    // The reverse order: the */20 spec's launch.
    let dir = common::TempDir::new("periodic-crons-never");
    let job = std::fs::read_to_string(fixture("crons_never.nomad")).expect("job");
    let reversed = job.replace(
        r#"crons = ["*/20 * * * *", "0 0 31 2 *"]"#,
        r#"crons = ["0 0 31 2 *", "*/20 * * * *"]"#,
    );
    assert_ne!(job, reversed);
    dir.put("reversed.nomad", &reversed);
    let out = common::run_in(
        &dir.0,
        &[
            "plan",
            "reversed.nomad",
            "--world",
            &world,
            "--now",
            "2026-11-30T19:27:00Z",
        ],
    );
    assert!(
        out.stdout.contains("- All tasks successfully allocated.\n- If submitted now, next periodic launch would be at 2026-11-30T19:40:00Z (13m0s from now).\n"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}
