//! A device attribute with a unit, compared with a float, is scaled to its
//! base unit in Go's `big.Float` at 256 bits and compared exactly
//! (`numberComparator`, `getBigFloat`: plugins/shared/structs/attribute.go
//! v2.0.5:360-374, 402-434, `floatPrecision` 256 at :17; the same since
//! v0.9.0). float64(1.1) is 1.1 + 8.9e-17, so `1.1 GHz` is above
//! `1100 MHz`; `3 mW` is 3 · round256(1/1000), just below 0.003, while
//! float64(0.003) is just above: a `>=` device constraint fails on both
//! and the node is `missing devices` (checkAttributeConstraint,
//! scheduler/feasible/feasible.go v2.0.5:1746-1765). We compared in f64,
//! where both pairs are equal, and said "All tasks successfully
//! allocated." (red team R23-5).

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
    attributes = {{ clock = "1100 MHz", power = "3 mW", rate = "1.5 GHz", draw = "1999 mW" }}
  }}
}}
"#
    )
}

fn job(attr: &str, op: &str, value: &str) -> String {
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
          constraint {{
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

const PLACED: &str = "- All tasks successfully allocated.\n";

fn plan(version: &str, attr: &str, op: &str, value: &str) -> common::Out {
    // One folder per case: the tests run in parallel in one process.
    let name: String = format!("device-unit-floats-{version}-{attr}-{op}-{value}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dir = TempDir::new(&name);
    dir.put("rules/cluster.hcl", &cluster(version));
    dir.put("g.nomad", &job(attr, op, value));
    run_in(&dir.0, &["plan", "g.nomad"])
}

#[test]
fn a_float_against_a_unit_is_compared_at_256_bits() {
    for version in ["0.9.0", "1.6.0", "2.0.5"] {
        let metric = if common::at_least(version, 1, 0) {
            "    * Constraint \"missing devices\": 1 nodes excluded by filter\n"
        } else {
            "    * Constraint \"missing devices\" filtered 1 nodes\n"
        };
        for (attr, value) in [("clock", "1.1 GHz"), ("power", "0.003 W")] {
            let o = plan(version, attr, ">=", value);
            assert!(
                o.stdout
                    .contains("- WARNING: Failed to place all allocations.\n")
                    && o.stdout.contains(metric)
                    && !o.stdout.contains(PLACED),
                "{attr} >= {value} at {version}: {}{}",
                o.stdout,
                o.stderr
            );
            // And the other side of the same comparison holds.
            let o = plan(version, attr, "<", value);
            assert!(
                o.stdout.contains(PLACED),
                "{attr} < {value} at {version}: {}{}",
                o.stdout,
                o.stderr
            );
        }
    }
}

#[test]
fn check_refuses_what_nomad_cannot_place() {
    let dir = TempDir::new("device-unit-floats-check");
    dir.put("rules/cluster.hcl", &cluster("2.0.5"));
    dir.put("g.nomad", &job("power", ">=", "0.003 W"));
    let o = run_in(&dir.0, &["check", "g.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("NP207") && o.stdout.contains("missing devices"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// Guard (passes on the f64 comparison too): where the 256-bit products
/// are equal, or both sides are integers (`intComparator` on `getInt`,
/// where 1999 mW truncates to 1 W), the device still matches.
#[test]
fn equal_products_and_integer_units_still_match() {
    for (attr, op, value) in [
        ("rate", "==", "1500 MHz"),
        ("rate", ">=", "1.5 GHz"),
        ("clock", "==", "1100 MHz"),
        ("power", "==", "3.0 mW"),
        ("draw", "<=", "1 W"),
        ("draw", ">", "1.0 W"),
    ] {
        let o = plan("2.0.5", attr, op, value);
        assert!(
            o.stdout.contains(PLACED),
            "{attr} {op} {value}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}
