//! `GODEBUG=fips140=on` in the shell: Nomad v2.0.5 (commit aedf1d87a2)
//! registers `md5` and `sha1` in the job-file function table only when
//! Go's `fips140.Enabled()` is false (jobspec2/functions.go v2.0.5:116-119),
//! so `nomad job plan` refuses a file calling them with HCL's "Call to
//! unknown function" (exit 255); v2.0.4's table always has them. A
//! change-set gate judges the deploy, whose GODEBUG is not the shell's.

use crate::common;
use crate::gate_defined_twice::protected_repo;

use common::{git, run_in_env, TempDir};

const FIPS: [(&str, &str); 1] = [("GODEBUG", "http2debug=1,fips140=on")];

const JOB: &str = "job \"hash\" {\n  datacenters = [\"dc1\"]\n  meta {\n    h = md5(\"x\")\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"x:1\" }\n      resources {\n        cpu    = 100\n        memory = 100\n      }\n    }\n  }\n}\n";

fn dir(name: &str) -> TempDir {
    let d = TempDir::new(name);
    d.put("hash.nomad", JOB);
    d
}

#[test]
fn plan_under_fips_at_2_0_5_is_nomads_refusal() {
    let d = dir("fips-plan");
    let args = ["plan", "hash.nomad", "--nomad-version", "2.0.5"];
    let p = run_in_env(&d.0, &FIPS, &args);
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    assert!(
        p.stderr.contains("Error getting job struct: Error parsing job file from hash.nomad:\nhash.nomad:4,9-12: Call to unknown function; There is no function named \"md5\"."),
        "{}{}",
        p.stdout,
        p.stderr
    );
    assert!(!p.stdout.contains("successfully"), "{}", p.stdout);
    // A later `fips140=off` wins, as in Go's GODEBUG: Nomad's plan of a
    // new job (exit 1, allocations created).
    let off = run_in_env(&d.0, &[("GODEBUG", "fips140=on,fips140=off")], &args);
    assert_eq!(off.code, 1, "{}{}", off.stdout, off.stderr);
    assert!(off.stdout.contains("All tasks successfully allocated."));
}

#[test]
fn validate_under_fips_at_2_0_5_refuses() {
    let d = dir("fips-validate");
    let args = ["validate", "hash.nomad", "--nomad-version", "2.0.5"];
    let v = run_in_env(&d.0, &FIPS, &args);
    let s = format!("{}{}", v.stdout, v.stderr);
    assert_eq!(v.code, 1, "{s}");
    assert!(s.contains("There is no function named \"md5\""), "{s}");
    assert_eq!(run_in_env(&d.0, &[], &args).code, 0);
}

/// Guard: 2.0.4 always offers md5, whatever GODEBUG says.
#[test]
fn plan_under_fips_at_2_0_4_is_unchanged() {
    let d = dir("fips-204");
    let p = run_in_env(
        &d.0,
        &FIPS,
        &["plan", "hash.nomad", "--nomad-version", "2.0.4"],
    );
    assert_eq!(p.code, 1, "{}{}", p.stdout, p.stderr);
    assert!(p.stdout.contains("All tasks successfully allocated."));
}

/// A fips140 value Go does not know: one "cannot tell" line, not a plan.
#[test]
fn an_unknown_fips140_value_cannot_tell() {
    let d = dir("fips-unknown");
    let p = run_in_env(
        &d.0,
        &[("GODEBUG", "fips140=yes")],
        &[
            "plan",
            "hash.nomad",
            "--nomad-version",
            "2.0.5",
            "--format",
            "json",
        ],
    );
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    assert!(
        p.stdout
            .contains("cannot tell whether Nomad 2.0.5 offers md5()"),
        "{}",
        p.stdout
    );
}

/// A new file calling md5 staged in a shell with FIPS on: the deploy may
/// not run in FIPS mode, and the job differs with and without it.
#[test]
fn the_gates_cannot_tell_under_the_shells_fips() {
    let d = protected_repo("fips-gate");
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster.hcl");
    d.put(
        "rules/cluster.hcl",
        &cluster.replacen("nomad_version = \"0.9.3\"", "nomad_version = \"2.0.5\"", 1),
    );
    git(&d.0, &["commit", "-qam", "2.0.5"]);
    d.put("jobs/hash.nomad", JOB);
    git(&d.0, &["add", "-A"]);
    let check = ["check", "--staged", "--output-format", "concise"];
    let c = run_in_env(&d.0, &[], &check);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    let c = run_in_env(&d.0, &FIPS, &check);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 2, "{s}");
    assert!(
        c.stdout.contains("jobs/hash.nomad:1:1: changeset::cannot-tell [error] cannot tell what jobs/hash.nomad submits: the shell's GODEBUG turns on Go's FIPS mode"),
        "{s}"
    );
    let p = run_in_env(
        &d.0,
        &FIPS,
        &[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&p.stdout).unwrap_or_else(|e| panic!("{e}: {}", p.stdout));
    assert_eq!(v["Plans"][0]["CannotTell"], true, "{v:#}");
}
