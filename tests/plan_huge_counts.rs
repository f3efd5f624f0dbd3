//! Group counts past 32 bits and int fields past int64. Nomad's
//! `TaskGroup.Count` is a Go int (64 bits) at every release and
//! `Job.Validate` bounds it only below; from 1.11.0 the servers'
//! `job_max_count` (50000) refuses a larger total at admission. Past
//! 200,000 allocations of one group (count_bound::MAX_ALLOCATIONS) the
//! simulation says "cannot tell" (one line, JSON, exit 255) instead of a
//! clamped number or hours of planning. An int past int64: jobspec2 (1.0+) refuses it in gohcl's words
//! (go-cty cty/gocty/out.go fromCtyNumberInt); before 1.0 hcl v1 reads a
//! NUMBER with strconv.ParseInt into a Go int (any int64 kept) and
//! mapstructure stores `int64(f)` of a FLOAT (amd64: MinInt64 past int64).

use crate::common;

use common::{run_in as run, TempDir};

const WORLD: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn project(tag: &str, version: &str, count: &str, cpu: &str) -> TempDir {
    let dir = TempDir::new(&format!("huge-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\n{WORLD}"),
    );
    dir.put(
        "jobs/j.nomad",
        &format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"),
    );
    dir
}

fn plan(tag: &str, version: &str, count: &str, cpu: &str, json: bool) -> common::Out {
    let d = project(tag, version, count, cpu);
    let mut args = vec!["plan", "--no-color", "jobs/j.nomad"];
    if json {
        args.extend(["--format", "json"]);
    }
    run(&d.0, &args)
}

#[test]
fn a_count_past_32_bits_is_cannot_tell_before_1_11_and_refused_from_it() {
    for v in ["0.9.3", "0.12.12", "1.0.0", "1.6.0", "1.10.5"] {
        let o = plan(&format!("c-{v}"), v, "5000000000", "100", false);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, "", "{v}: never a clamped count");
        assert_eq!(
            o.stderr,
            format!("error: cannot tell what Nomad {v} plans for job \"j\": group \"g\" asks count = 5000000000, and nomad-preflight simulates at most 200000 allocations per group; Nomad takes any 64-bit count and schedules every allocation\n"),
            "{v}"
        );
    }
    let o = plan("c-json", "1.6.0", "5000000000", "100", true);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["Count"],
        serde_json::json!({"Known": false, "Group": "g", "Count": 5000000000_i64, "MaxSimulated": 200000_i64})
    );
    // 1.11: the servers' job_max_count refuses it first.
    let o = plan("c-111", "1.11.0", "5000000000", "100", false);
    assert_eq!(o.code, 255);
    assert!(
        o.stderr.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* total count was greater than configured job_max_count: 5000000000 > 50000)\n"),
        "{}",
        o.stderr
    );
    // An HCL1 literal within int64 but past 2^53 is still a Go int.
    let o = plan("c-hcl1", "0.12.12", "10000000000000000", "100", false);
    assert_eq!(o.code, 255);
    assert!(
        o.stderr.contains("asks count = 10000000000000000,"),
        "{}",
        o.stderr
    );
}

#[test]
fn jobspec2_refuses_an_int_past_int64_in_gohcls_words() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let o = plan(
            &format!("i-{v}"),
            v,
            "5000000000 * 5000000000",
            "100",
            false,
        );
        assert_eq!(o.code, 255, "{v}");
        assert!(
            o.stderr.starts_with("Error getting job struct: Error parsing job file from jobs/j.nomad:\njobs/j.nomad:4,13-23: Unsuitable value type; Unsuitable value: value must be a whole number, between -9223372036854775808 and 9223372036854775807\n"),
            "{v}: {}",
            o.stderr
        );
    }
}

#[test]
fn hcl1_keeps_every_int64_and_wraps_a_float_as_amd64_does() {
    // A NUMBER past 2^53 is Nomad's value: cpu 9e18 exhausts the client.
    let o = plan("h-cpu", "0.12.12", "3", "9000000000000000000", false);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("  Task Group \"g\" (failed to place 3 allocations):\n    * Resources exhausted on 1 nodes\n    * Dimension \"cpu\" exhausted on 1 nodes\n"),
        "{}",
        o.stdout
    );
    // `count = 1e19`: int64(1e19) is MinInt64 on amd64, a negative count.
    let o = plan("h-float", "0.12.12", "1e19", "100", false);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Task group g validation failed: 1 error occurred:\n\t* Task group count can't be negative\n"),
        "{}",
        o.stderr
    );
}

/// R19-A1: a service group whose allocations all fit asked one select per
/// allocation, and a count of 1,000,000 on 50 roomy clients ran for hours
/// (Nomad 1.6.0 takes it: `Job.Validate` refuses only a negative count,
/// nomad/structs/structs.go v1.6.0:6749). Past the allocations one group is
/// simulated for, plan and check say they cannot tell, at once. Run under
/// `timeout` so a baseline that hangs fails rather than hanging the suite.
#[test]
fn a_million_allocations_that_fit_are_cannot_tell_not_hours() {
    let d = TempDir::new("huge-fit");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nclient \"c\" {\n  count      = 50\n  datacenter = \"dc1\"\n  cpu        = 100000000\n  memory     = 100000000\n  disk       = 100000000\n  drivers    = [\"docker\"]\n}\n",
    );
    d.put(
        "jobs/big.nomad",
        "job \"big\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 1000000\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu    = 20\n        memory = 10\n      }\n    }\n  }\n}\n",
    );
    let run = |args: &[&str]| {
        let o = std::process::Command::new("timeout")
            .arg("300")
            .arg(common::bin())
            .args(args)
            .current_dir(&d.0)
            .env("NO_COLOR", "1")
            .output()
            .expect("run the binary under timeout");
        let code = o.status.code().expect("exit code");
        assert_ne!(code, 124, "{args:?} did not return within 300 s");
        (
            code,
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let line = "cannot tell what Nomad 1.6.0 plans for job \"big\": group \"g\" asks count = 1000000, and nomad-preflight simulates at most 200000 allocations per group";
    let (code, out, err) = run(&["plan", "--no-color", "jobs/big.nomad"]);
    assert_eq!(code, 255, "{out}{err}");
    assert_eq!(out, "", "never a partial plan");
    assert!(err.starts_with(&format!("error: {line}")), "{err}");
    let (code, out, err) = run(&["check", "--no-color", "jobs/big.nomad"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(flat_has(&out, line), "{out}{err}");
}

fn flat_has(text: &str, line: &str) -> bool {
    common::flat(text).contains(&common::flat(line))
}
