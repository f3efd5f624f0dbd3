//! Plans Nomad never answers, or answers with an error, because of a cron
//! spec's `Next` (src/planner/launch.rs). Job.Plan computes the next
//! launch last (nomad/job_endpoint.go, 0.9.0 to 2.0.5): a `Next` that
//! panics is recovered by `structs.CronParseNext` into the RPC's error
//! (`Failed to parse cron expression: …`, exit 255); one that never
//! returns leaves the CLI waiting (hashicorp's loop) or kills the server
//! (gorhill's recursion overflows its stack). We printed the plan with a
//! note and its usual exit code: Nomad's success text where Nomad gives
//! none.

use crate::common;

const JOB: &str = r#"job "cron" {
  datacenters = ["dc1"]
  type        = "batch"
  periodic {
    SPEC
    time_zone = "UTC"
  }
  group "g" {
    task "t" {
      driver = "exec"
      config { command = "/bin/true" }
      resources {
        cpu    = 20
        memory = 10
      }
    }
  }
}
"#;

const CLUSTER: &str = "client \"node\" {\n  cpu     = 4000\n  memory  = 8192\n  disk    = 10000\n  drivers = [\"exec\"]\n}\n";

fn project(tag: &str, spec: &str, version: &str) -> common::TempDir {
    let d = common::TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\n{CLUSTER}"),
    );
    d.put("cron.nomad", &JOB.replace("SPEC", spec));
    d
}

const DECEMBER: &str = "--now=2026-12-05T10:00:00Z";

// Fails on main 9f5e7a1f: the plan was printed (exit 1) with a note.
// hashicorp v1.1.0 (0.11.2 to 0.12.3) reads month `01` as 0: its Next
// never returns, whatever "now" is.
#[test]
fn a_next_that_never_returns_is_cannot_tell_in_text_json_and_check() {
    for version in ["0.11.2", "0.12.3"] {
        let d = project(
            &format!("cron-endless-{version}"),
            "cron = \"0 0 1 01 *\"",
            version,
        );
        let o = d.run(&["plan", "cron.nomad", DECEMBER]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(255), "{version}: {err}");
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        let want = format!(
            "error: cannot tell what `nomad job plan` prints for job \"cron\": Nomad's plan never answers, as the cronexpr of Nomad {version} does not finish its Next for \"0 0 1 01 *\" from now in this time zone (its Plan RPC hangs, or its server stops)\n"
        );
        assert_eq!(err, want, "{version}");

        let o = d.run(&["plan", "cron.nomad", DECEMBER, "--format", "json"]);
        assert_eq!(o.status.code(), Some(255));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["Preflight"]["Error"], want.trim_end(), "{v}");
        assert_eq!(v["Preflight"]["PeriodicLaunch"]["Spec"], "0 0 1 01 *");
        assert!(v.get("Diff").is_none(), "{v}");

        let o = d.run(&["check", "cron.nomad"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(2), "{version}: {out}");
        assert!(
            out.contains("cron.nomad:1:5: NP225 [error] cannot tell what `nomad job plan` prints for job \"cron\": Nomad's plan never answers"),
            "{out}"
        );
    }
}

// Fails on main 9f5e7a1f: the plan was printed (exit 1) with a note,
// and check found nothing (exit 0). A descending range leaves a field list empty and Go's Next panics;
// CronParseNext recovers it into Job.Plan's error, which the CLI prints.
// `crons` (1.6.2 on, PeriodicConfig.Specs) wraps it once more.
#[test]
fn a_next_that_panics_is_nomads_plan_error() {
    let single = "Error during plan: Unexpected response code: 500 (Failed to parse cron expression: failed parsing cron expression: \"30-10 5 * * *\")\n";
    let crons = "Error during plan: Unexpected response code: 500 (Failed to parse cron expression: failed parsing cron expression 30-10 5 * * *: failed parsing cron expression: \"30-10 5 * * *\")\n";
    let cases = [
        ("0.9.3", "cron = \"30-10 5 * * *\"", single),
        ("2.0.5", "cron = \"30-10 5 * * *\"", single),
        ("2.0.5", "crons = [\"30-10 5 * * *\"]", crons),
    ];
    for (i, (version, spec, want)) in cases.into_iter().enumerate() {
        let d = project(&format!("cron-panics-{i}"), spec, version);
        let o = d.run(&["plan", "cron.nomad", DECEMBER]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(255), "{version} {spec}: {err}");
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        // 2.0.5 warns that `cron` is deprecated (Job Warnings) only with a
        // plan: the error is all it prints.
        assert_eq!(err, want, "{version} {spec}");

        let o = d.run(&["plan", "cron.nomad", DECEMBER, "--format", "json"]);
        assert_eq!(o.status.code(), Some(255));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert!(
            v["Preflight"]["Admission"]
                .to_string()
                .contains("Failed to parse cron expression"),
            "{v}"
        );

        // check: the same refusal, NP226, an error (exit 1); it said
        // nothing before.
        let o = d.run(&["check", "cron.nomad"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{version} {spec}: {out}");
        let error = want
            .trim_end()
            .trim_start_matches("Error during plan: Unexpected response code: 500 (")
            .trim_end_matches(')');
        assert!(
            out.contains(&format!("NP226 [error] `nomad job plan` fails: {error}")),
            "{version} {spec}: {out}"
        );
    }
}

// A guard (passes before and after): a spec whose Next returns is planned
// as before, its launch line shown, exit 1 (a new job's allocations).
#[test]
fn a_next_that_returns_is_planned_as_before() {
    let d = project("cron-returns", "cron = \"0 0 1 01,5 *\"", "0.11.1");
    let o = d.run(&["plan", "cron.nomad", "--now=2026-03-05T10:00:00Z"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("- If submitted now, next periodic launch would be at 2026-05-01T00:00:00Z (1358h0m0s from now).\n"),
        "{out}"
    );
}

// Fails on main 9f5e7a1f: the rehearsal showed the plan (exit 1) with the
// note. Its step now says what `plan` says, exit 255, and no note.
#[test]
fn a_rehearsal_step_says_nomad_never_answers() {
    let d = project("cron-endless-rehearse", "cron = \"0 0 1 01 *\"", "0.11.2");
    d.put(
        "p.hcl",
        "rehearsal \"p\" {}\n\nstep \"Plan\" {\n  command = \"nomad job plan cron.nomad\"\n  expect {\n    exit_code = 255\n  }\n}\n",
    );
    let o = d.run(&["rehearse", "p.hcl", "--samples", "2", DECEMBER]);
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        out.contains("error: cannot tell what `nomad job plan` prints for job \"cron\": Nomad's plan never answers"),
        "{out}"
    );
    assert!(out.contains("1 held, 0 at risk, 0 failed"), "{out}");
    assert!(!err.contains("note: the next periodic launch"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
}
