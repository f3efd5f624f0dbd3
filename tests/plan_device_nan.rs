//! A device constraint or affinity value Nomad parses as NaN ("NaN GHz",
//! "NaN": `ParseAttribute` → `strconv.ParseFloat`, plugins/shared/structs/
//! attribute.go v1.6.0:92) compared with a number that is not an int on
//! both sides goes through `getBigFloat`, whose `SetFloat64` panics with
//! `big.ErrNaN` (attribute.go v2.0.5:408; math/big float.go: its text is
//! "Float.SetFloat64(NaN)"), unguarded up to 2.0.5. From 1.3.0 the
//! scheduler recovers it into `Job.Plan`'s error (generic_sched.go
//! v1.3.0:146-150; naming the evaluation until 1.3.7 and 1.4.2); before,
//! the server dies: cannot tell. We read the compare as "not comparable"
//! and said "All tasks successfully allocated." for an affinity `!=`
//! "NaN GHz", and `check` passed (reviewer rv23-1).

use crate::common;

use common::{run_in, TempDir};

fn cluster(version: &str) -> String {
    format!(
        r#"nomad_version = "{version}"
region = "global"
client "c" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  device "nvidia/gpu/1080ti" {{
    count      = 1
    attributes = {{ clock = "1100 MHz", cores = "3", mem = "11 GiB" }}
  }}
}}
"#
    )
}

/// A job whose device request has one `block` ("affinity" or
/// "constraint") on `${device.attr.ATTR}`.
fn job(block: &str, attr: &str, op: &str, value: &str) -> String {
    format!(
        r#"job "g" {{
  datacenters = ["dc1"]
  group "g" {{
    task "t" {{
      driver = "docker"
      config {{
        image = "x:1"
      }}
      resources {{
        cpu    = 100
        memory = 100
        device "nvidia/gpu" {{
          {block} {{
            attribute = "${{device.attr.{attr}}}"
            operator  = "{op}"
            value     = "{value}"
          }}
        }}
      }}
    }}
  }}
}}
"#
    )
}

fn run(version: &str, job: &str, cmd: &str) -> common::Out {
    // One folder per case: the tests run in parallel in one process. The
    // jobs differ past their first 80 characters, so the name carries a
    // hash of the whole text (two cases at one release and command shared
    // a folder, and one removed the other's job mid-run: a flaky CI run).
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    job.hash(&mut h);
    let name: String = format!("device-nan-{version}-{cmd}-{:016x}", h.finish())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let dir = TempDir::new(&name);
    dir.put("rules/cluster.hcl", &cluster(version));
    dir.put("g.nomad", job);
    run_in(&dir.0, &[cmd, "g.nomad"])
}

const FAILED: &str = "Error during plan: Unexpected response code: 500 (failed to process eval: Float.SetFloat64(NaN))\n";

#[test]
fn a_nan_compare_fails_the_plan_with_the_recovered_panic() {
    for (block, attr, op, value) in [
        ("affinity", "clock", "!=", "NaN GHz"),
        ("constraint", "clock", "<", "NaN GHz"),
        ("constraint", "cores", "=", "NaN"),
    ] {
        let j = job(block, attr, op, value);
        for version in ["1.6.0", "2.0.5"] {
            let o = run(version, &j, "plan");
            let all = format!("{version} {block} {op} {value}\n{}{}", o.stdout, o.stderr);
            assert_eq!(o.stderr, FAILED, "{all}");
            assert_eq!(o.stdout, "", "{all}");
            assert_eq!(o.code, 255, "{all}");
        }
    }
    let o = run("1.6.0", &job("affinity", "clock", "!=", "NaN GHz"), "check");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("NP228") && o.stdout.contains("Float.SetFloat64(NaN)"),
        "{}",
        o.stdout
    );
}

#[test]
fn before_1_3_8_the_error_names_the_evaluation() {
    let o = run("1.3.0", &job("affinity", "clock", "!=", "NaN GHz"), "plan");
    assert!(
        o.stderr.contains(
            "\" panicked scheduler - please report this as a bug! - Float.SetFloat64(NaN))\n"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(o.code, 255);
}

#[test]
fn before_the_recover_the_server_dies_and_nothing_is_told() {
    let j = job("affinity", "clock", "!=", "NaN GHz");
    let o = run("1.2.0", &j, "plan");
    assert!(
        o.stderr.contains("Nomad 1.2.0's server panics on this plan (big.Float's SetFloat64(NaN) comparing device attributes on node \"c-1\""),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("All tasks successfully allocated"));
    assert_eq!(o.code, 255);
    let o = run("1.2.0", &j, "check");
    assert!(o.stdout.contains("NP225"), "{}", o.stdout);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
}

/// Guard: a NaN that does not compare (a unit of another base) is not
/// reached by `getBigFloat`; the constraint fails as Nomad's does.
#[test]
fn a_nan_of_another_unit_does_not_compare() {
    let o = run("1.6.0", &job("constraint", "mem", "<", "NaN GHz"), "plan");
    assert!(
        o.stdout
            .contains("    * Constraint \"missing devices\": 1 nodes excluded by filter\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
