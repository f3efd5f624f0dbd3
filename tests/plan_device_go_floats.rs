//! A job's device constraint value is read by the server's Go:
//! `resolveDeviceTarget` hands a literal to `ParseAttribute`
//! (scheduler/feasible.go@v0.10.5:1024-1028, feasible/feasible.go@v2.0.5:
//! 1680-1684), whose `strconv.ParseFloat` takes hexadecimal floats and `_`
//! separators from Go 1.13: Nomad 0.11.0 on (Go 1.14.1, .circleci at the
//! tag). `"0x1p3 GiB"` is then 8 GiB, which an 11 GiB GPU satisfies; built
//! with Go 1.12 (0.10.x) it is a string, which compares with no number,
//! so the node is `missing devices`. Before, we read the text as a string
//! at every release and refused the placement from 0.11.0 on.

use crate::common;

use common::{run_in, TempDir};

const CLUSTER: &str = r#"region = "global"
client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  device "nvidia/gpu/1080ti" {
    count      = 1
    attributes = { memory = "11 GiB" }
  }
}
"#;

fn job(value: &str) -> String {
    format!(
        r#"job "g" {{
  datacenters = ["dc1"]
  group "g" {{
    task "t" {{
      driver = "docker"
      config {{
        image = "x"
      }}
      resources {{
        cpu    = 100
        memory = 100
        device "nvidia/gpu" {{
          constraint {{
            attribute = "${{device.attr.memory}}"
            operator  = ">="
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

#[test]
fn go_1_13_floats_are_numbers_from_0_11() {
    let dir = TempDir::new("device-go-floats");
    dir.put("rules/cluster.hcl", CLUSTER);
    let placed = "- All tasks successfully allocated.\n";
    for value in ["0x1p3 GiB", "8_000.5 MiB"] {
        dir.put("g.nomad", &job(value));
        for version in ["0.10.5", "0.11.0", "1.6.0", "2.0.5"] {
            let o = run_in(&dir.0, &["plan", "--nomad-version", version, "g.nomad"]);
            let metric = if common::at_least(version, 1, 0) {
                "    * Constraint \"missing devices\": 1 nodes excluded by filter\n"
            } else {
                "    * Constraint \"missing devices\" filtered 1 nodes\n"
            };
            if common::at_least(version, 0, 11) {
                assert!(
                    o.stdout.contains(placed),
                    "{value} at {version}: {}{}",
                    o.stdout,
                    o.stderr
                );
            } else {
                assert!(
                    o.stdout.contains(metric),
                    "{value} at {version}: {}{}",
                    o.stdout,
                    o.stderr
                );
            }
        }
    }
}
