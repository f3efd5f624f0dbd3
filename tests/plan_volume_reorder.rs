//! A group's volume requests are a map in Nomad: swapping two `volume`
//! blocks changes nothing (tasksUpdated: `reflect.DeepEqual` of the map
//! before 1.5.2, `maps.EqualFunc` with `VolumeRequest.Equal` from it,
//! scheduler/util.go v1.10.5:248). A guard: the jobspec keeps a group's
//! volumes sorted by name, so the ordered compare this once was never saw
//! a swap; the compare is now by name (with R28b-1's device fix), and
//! this keeps the two from drifting apart.

use crate::common::{run_in, TempDir};

fn job(first: &str, second: &str) -> String {
    let vol = |name: &str| {
        format!(
            r#"    volume "{name}" {{
      type   = "host"
      source = "{name}"
    }}
"#
        )
    };
    format!(
        r#"job "db" {{
  datacenters = ["dc1"]
  group "db" {{
{}{}    task "db" {{
      driver = "docker"
      config {{
        image = "postgres:16"
      }}
      volume_mount {{
        volume      = "data"
        destination = "/data"
      }}
      volume_mount {{
        volume      = "logs"
        destination = "/logs"
      }}
      resources {{
        cpu    = 500
        memory = 512
      }}
    }}
  }}
}}
"#,
        vol(first),
        vol(second)
    )
}

fn world(version: &str) -> TempDir {
    let d = TempDir::new("volume-swap");
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
region        = "global"
running       = ["jobs/db.nomad"]
scheduler {{
  algorithm = "binpack"
}}
client "c" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 4096
  disk       = 10000
  drivers    = ["docker"]
  host_volume "data" {{
    path = "/srv/data"
  }}
  host_volume "logs" {{
    path = "/srv/logs"
  }}
}}
"#
        ),
    );
    d.put("jobs/db.nomad", &job("data", "logs"));
    d.put("db2.nomad", &job("logs", "data"));
    d
}

#[test]
fn swapped_volume_blocks_are_no_replacement() {
    for version in ["1.10.5", "1.4.0"] {
        let d = world(version);
        let o = run_in(&d.0, &["--no-cache", "plan", "--no-color", "db2.nomad"]);
        assert!(
            !o.stdout.contains("create/destroy update)\n")
                && o.stdout.contains("Task Group: \"db\""),
            "{version}: {}",
            o.stdout
        );
        assert!(
            o.stdout.contains("All tasks successfully allocated"),
            "{version}: {}",
            o.stdout
        );
    }
}
