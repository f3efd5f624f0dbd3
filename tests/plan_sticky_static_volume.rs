//! A `sticky` volume request on a static host volume (a client's
//! `host_volume` block: no volume ID). From 2.0.4 (ent 1.10.14, 1.11.8;
//! #28097) the scheduler filters the node: "sticky is only supported on
//! dynamic host volumes" (scheduler/feasible/feasible.go v2.0.5
//! `nodeIsFeasibleForRequest`). From 1.10.0 to 2.0.3 it places the
//! allocation and `Job.Plan`'s own state store fails the plan upserting
//! the claim (its VolumeID is empty: go-memdb's "object missing primary
//! index"), so `nomad job plan` prints the error and exits 255
//! (src/scheduler/host_volumes.rs). Redteam rt17c R17-3a: both planned
//! "All tasks successfully allocated." and `check` passed.

use crate::common;

use std::path::Path;

const FILTERED: &str = "Scheduler dry-run:
- WARNING: Failed to place all allocations.
  Task Group \"db\" (failed to place 1 allocation):
    * Constraint \"missing compatible host volumes\": 1 nodes excluded by filter
";

const CLAIM_FAILS: &str = "Error during plan: Unexpected response code: 500 (Task group volume claim insert failed: object missing primary index)\n";

fn world(tag: &str, version: &str, read_only_volume: bool, job: &str) -> common::TempDir {
    let tmp = common::TempDir::new(&format!("sticky-static-{tag}"));
    std::fs::create_dir_all(tmp.0.join("rules")).expect("mkdir");
    let cluster = format!(
        r#"nomad_version = "{version}"
client "a" {{
  cpu     = 4000
  memory  = 8192
  disk    = 10000
  drivers = ["exec"]
  host_volume "data" {{
    path      = "/srv/data"
    read_only = {read_only_volume}
  }}
}}
"#
    );
    std::fs::write(tmp.0.join("rules/cluster.hcl"), cluster).expect("write");
    std::fs::write(tmp.0.join("job.nomad"), job).expect("write");
    tmp
}

/// A job of `job_type` whose group "db" asks for host volume "data"
/// (`extra` inside its `volume` block), beside a group "web" without
/// volumes when `web` is set; "db" asks `memory` MB.
fn job(job_type: &str, extra: &str, memory: u32, web: bool) -> String {
    let task = |name: &str, memory: u32| {
        format!(
            r#"    task "{name}" {{
      driver = "exec"
      config {{ command = "/bin/date" }}
      resources {{
        cpu    = 100
        memory = {memory}
      }}
    }}
"#
        )
    };
    let web = if web {
        format!("  group \"web\" {{\n{}  }}\n", task("web", 64))
    } else {
        String::new()
    };
    format!(
        r#"job "db" {{
  datacenters = ["dc1"]
  type        = "{job_type}"
  group "db" {{
    volume "data" {{
      type   = "host"
      source = "data"
{extra}
    }}
{}  }}
{web}}}
"#,
        task("db", memory)
    )
}

fn run(w: &common::TempDir, cmd: &str, extra: &[&str]) -> common::Out {
    let mut args = vec![
        cmd.to_string(),
        "--world".into(),
        w.0.join("rules").to_string_lossy().into_owned(),
        w.0.join("job.nomad").to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::run_in(Path::new("."), &args)
}

const STICKY: &str = "      sticky = true";
const STICKY_RO: &str = "      sticky    = true\n      read_only = true";

/// 2.0.4, 2.0.5 and the Enterprise releases with the backport filter the
/// node, read-write or read-only, service, batch or system: Nomad's
/// failure text, exit 1, NP207, and the filter in JSON.
#[test]
fn from_2_0_4_the_node_is_filtered() {
    for v in ["2.0.4", "2.0.5", "1.10.14", "1.11.8"] {
        for (ty, extra, ro) in [
            ("service", STICKY, false),
            ("batch", STICKY_RO, true),
            ("system", STICKY, false),
        ] {
            let w = world(&format!("f-{v}-{ty}"), v, ro, &job(ty, extra, 64, false));
            let o = run(&w, "plan", &[]);
            // The system scheduler words its header per node.
            let expected = if ty == "system" {
                FILTERED.replace("place all allocations.", "place allocations on all nodes.")
            } else {
                FILTERED.to_string()
            };
            assert!(
                o.stdout.contains(&expected),
                "{v} {ty}: {}{}",
                o.stdout,
                o.stderr
            );
            // Nomad's exit code counts placements: a system group placing
            // nothing changes nothing (command/job_plan.go getExitCode).
            assert_eq!(o.code, i32::from(ty != "system"), "{v} {ty}");
            let j = run(&w, "plan", &["--format", "json"]);
            let j: serde_json::Value = serde_json::from_str(&j.stdout).expect("JSON");
            assert_eq!(
                j["FailedTGAllocs"]["db"]["ConstraintFiltered"]["missing compatible host volumes"],
                1,
                "{v} {ty}: {j}"
            );
            let c = run(&w, "check", &[]);
            assert_eq!(c.code, 1, "{v} {ty}: {}", c.stdout);
            assert!(c.stdout.contains("NP207 [error]"), "{v} {ty}: {}", c.stdout);
            assert!(!c.stdout.contains("NP228"), "{v} {ty}: {}", c.stdout);
        }
    }
}

/// 1.10.0 to 2.0.3 (and the Enterprise releases before the backport):
/// the plan fails with the state store's error, exit 255, for every job
/// type; `check` says NP228 at the `sticky` line; the JSON carries it.
#[test]
fn before_2_0_4_the_plan_fails_on_the_claim() {
    for v in ["1.10.0", "1.10.5", "1.10.13", "1.11.3", "1.11.7", "2.0.3"] {
        for (ty, extra, ro) in [
            ("service", STICKY, false),
            ("batch", STICKY_RO, true),
            ("system", STICKY, false),
        ] {
            let w = world(&format!("e-{v}-{ty}"), v, ro, &job(ty, extra, 64, false));
            let o = run(&w, "plan", &[]);
            assert_eq!(o.stdout, "", "{v} {ty}");
            assert_eq!(o.stderr, CLAIM_FAILS, "{v} {ty}");
            assert_eq!(o.code, 255, "{v} {ty}");
            let j = run(&w, "plan", &["--format", "json"]);
            assert_eq!(j.code, 255, "{v} {ty}");
            assert!(
                j.stdout.contains(
                    "\"Error\": \"Task group volume claim insert failed: object missing primary index\""
                ),
                "{v} {ty}: {}",
                j.stdout
            );
            let c = run(&w, "check", &[]);
            assert_eq!(c.code, 1, "{v} {ty}: {}", c.stdout);
            assert!(
                c.stdout.contains(
                    "job.nomad:8:7: NP228 [error] `nomad job plan` fails: Error during plan: Unexpected response code: 500 (Task group volume claim insert failed: object missing primary index)"
                ),
                "{v} {ty}: {}",
                c.stdout
            );
        }
    }
}

/// The claim is upserted for every group of the job at 1.10.x and
/// 1.11.0-1.11.2, for the allocation's own group from 1.11.3: a group
/// without volumes placed on the node fails the plan there, while the
/// sticky group, too large to place, fails only its own placement.
#[test]
fn before_1_11_3_every_groups_sticky_request_is_claimed() {
    for (v, fails) in [
        ("1.10.5", true),
        ("1.11.2", true),
        ("1.11.3", false),
        ("2.0.3", false),
    ] {
        let w = world(
            &format!("g-{v}"),
            v,
            false,
            &job("service", STICKY, 100_000, true),
        );
        let o = run(&w, "plan", &[]);
        if fails {
            assert_eq!(o.stderr, CLAIM_FAILS, "{v}: {}", o.stdout);
            assert_eq!(o.code, 255, "{v}");
        } else {
            assert!(
                o.stdout
                    .contains("Task Group \"db\" (failed to place 1 allocation)"),
                "{v}: {}{}",
                o.stdout,
                o.stderr
            );
            assert!(
                o.stdout
                    .contains("Dimension \"memory\" exhausted on 1 nodes"),
                "{v}: {}",
                o.stdout
            );
            assert_eq!(o.code, 1, "{v}");
        }
    }
}

/// Guards: without `sticky` every release places the group.
#[test]
fn without_sticky_every_release_places_it() {
    for v in ["1.10.5", "2.0.3", "2.0.5"] {
        let w = world(&format!("n-{v}"), v, false, &job("service", "", 64, false));
        let o = run(&w, "plan", &[]);
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
        let c = run(&w, "check", &[]);
        assert_eq!(c.code, 0, "{v}: {}", c.stdout);
    }
}

/// `rehearse` of `nomad job run` before 2.0.4: the servers' state store
/// fails the plan, so nothing is placed and the evaluation is nacked to
/// its delivery limit; the step says it cannot tell what the monitor then
/// prints (exit 255), never "Allocation created".
#[test]
fn a_rehearsed_run_before_2_0_4_places_nothing() {
    let w = world(
        "r-2.0.3",
        "2.0.3",
        false,
        &job("service", STICKY, 64, false),
    );
    let script = "rehearsal \"r\" {\n  description = \"sticky\"\n}\nstep \"run\" {\n  command = \"nomad job run job.nomad\"\n  expect {\n    exit_code = 0\n  }\n}\n";
    std::fs::write(w.0.join("r.hcl"), script).expect("write");
    let o = common::run_in(&w.0, &["rehearse", "r.hcl"]);
    assert!(!o.stdout.contains("created: node"), "{}", o.stdout);
    assert!(
        o.stdout.contains("nomad-preflight cannot tell how the monitor goes on: Nomad's scheduler fails this evaluation's plan (Task group volume claim insert failed: object missing primary index)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout.contains("but the command exited 255"),
        "{}",
        o.stdout
    );
    assert_ne!(o.code, 0, "{}", o.stdout);
}
