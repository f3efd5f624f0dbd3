//! A replacement whose group keeps its ephemeral disk prefers the previous
//! allocation's node (`findPreferredNode`, scheduler/generic_sched.go;
//! `GenericStack.Select` with `PreferredNodes`, scheduler/stack.go), as
//! each release decides it (redteam5 R8; issue 13).
//!
//! The world: clients c-1 and c-2 (1000 MB each) and big-1 (8000 MB, 5000
//! of them held by `other`); `web`'s group `g` runs on c-1. The edit
//! changes g's image (a destructive update) and adds group `h`, which
//! asks 600 MB of c-1 only. Bin-packing alone sends g's replacement to
//! big-1 or c-2; kept on c-1, it leaves `h` no room.

use crate::common;
use common::{run_in, TempDir};

fn web(disk: &str, image: &str, datacenters: &str, more: &str) -> String {
    format!(
        r#"job "web" {{
  datacenters = {datacenters}
  group "g" {{
    ephemeral_disk {{
      {disk}
    }}
    task "t" {{
      driver = "docker"
      config {{ image = "x:{image}" }}
      resources {{
        cpu    = 500
        memory = 500
      }}
    }}
  }}
{more}}}
"#
    )
}

const GROUP_H: &str = r#"  group "h" {
    constraint {
      attribute = "${node.unique.name}"
      value     = "c-1"
    }
    task "t" {
      driver = "docker"
      config { image = "y:1" }
      resources {
        cpu    = 100
        memory = 600
      }
    }
  }
"#;

/// The world at `version`, `web` running with `disk`; `web2.nomad` the
/// edit (moved to `datacenters`).
fn world(tag: &str, version: &str, disk: &str, datacenters: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
region = "global"
scheduler {{
  algorithm = "binpack"
}}
client "c" {{
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 1000
  disk       = 50000
  drivers    = ["docker"]
  # Named (here and below), as GROUP_H pins c-1 by name: a hand-written
  # pool's names are made up.
  node "c-1" {{
    id = "eae0d007-d997-ac91-3059-9bbe7208e4b7"
  }}
  node "c-2" {{
    id = "3b665e58-087d-8e84-aabd-f706d1cc13c9"
  }}
}}
client "big" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 8000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  node "big-1" {{
    id = "9c133d10-8df2-233e-c3f4-574068492df0"
  }}
}}
running = ["jobs/web.nomad", "jobs/other.nomad"]
"#
        ),
    );
    d.put(
        "rules/allocations.hcl",
        r#"allocation "a0000001-0000-4000-8000-000000000001" {
  job    = "web"
  group  = "g"
  index  = 0
  node   = "c-1"
  status = "running"
}
allocation "a0000001-0000-4000-8000-000000000002" {
  job    = "other"
  group  = "g"
  index  = 0
  node   = "big-1"
  status = "running"
}
"#,
    );
    d.put("jobs/web.nomad", &web(disk, "1", "[\"dc1\"]", ""));
    d.put("web2.nomad", &web(disk, "2", datacenters, GROUP_H));
    d.put(
        "jobs/other.nomad",
        r#"job "other" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config { image = "x:1" }
      resources {
        cpu    = 2500
        memory = 5000
      }
    }
  }
}
"#,
    );
    d
}

/// The plan's stdout and its samples' lines.
fn plan(d: &TempDir) -> (String, String) {
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--no-cache",
            "--world",
            "rules",
            "web2.nomad",
            "--samples",
            "60",
        ],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let samples = o
        .stdout
        .split("node shuffles (not part of Nomad's output) ==\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (o.stdout, samples)
}

const KEPT: &str = " certain  task group \"h\" fails to place (60/60)\n";

/// Bin-packing's choice: h fits in the shuffles that move g off c-1.
fn moved(samples: &str) -> bool {
    samples.contains("%  every allocation is placed (")
        && samples.contains("%  task group \"h\" fails to place (")
}

/// Sticky at every release: g's replacement stays on c-1, h fails.
#[test]
fn a_sticky_disk_keeps_the_replacement_on_its_node() {
    for v in ["0.9.3", "1.0.2", "1.4.14", "1.6.0", "1.10.5", "2.0.5"] {
        let d = world("s6-sticky", v, "sticky = true", "[\"dc1\"]");
        let (out, samples) = plan(&d);
        assert!(samples.contains(KEPT), "{v}: {samples}");
        if v == "1.6.0" {
            let dry = out.split("Job Modify Index").next().unwrap_or_default();
            assert_eq!(
                dry,
                r#"+/- Job: "web"
+/- Task Group: "g" (1 create/destroy update)
  +/- Task: "t" (forces create/destroy update)
    +/- Config {
      +/- image: "x:1" => "x:2"
        }

+   Task Group: "h" (1 create)
    + Task: "t" (forces create)

Scheduler dry-run:
- WARNING: Failed to place all allocations.
  Task Group "h" (failed to place 1 allocation):
    * Constraint "${node.unique.name} = c-1": 2 nodes excluded by filter
    * Resources exhausted on 1 nodes
    * Dimension "memory" exhausted on 1 nodes

"#
            );
        }
    }
    // Without a kept disk nothing is preferred.
    let d = world("s6-sticky-no", "1.6.0", "sticky = false", "[\"dc1\"]");
    assert!(moved(&plan(&d).1));
}

/// `migrate = true` alone prefers the node from 1.5.4 (#16826).
#[test]
fn a_migrating_disk_prefers_the_node_from_1_5_4() {
    for (v, kept) in [
        ("1.4.14", false),
        ("1.5.3", false),
        ("1.5.4", true),
        ("2.0.5", true),
    ] {
        let d = world("s6-migrate", v, "migrate = true", "[\"dc1\"]");
        let (_, samples) = plan(&d);
        if kept {
            assert!(samples.contains(KEPT), "{v}: {samples}");
        } else {
            assert!(moved(&samples), "{v}: {samples}");
        }
    }
}

/// From #26662 (1.11.0, 1.10.6, Enterprise 1.8.18) a job whose datacenters
/// changed prefers no node; before, the old node is tried first still.
#[test]
fn a_datacenter_change_drops_the_preference_from_26662() {
    let moved_dcs = "[\"dc1\", \"dc2\"]";
    for (v, kept) in [
        ("1.6.0", true),
        ("1.8.17", true),
        ("1.8.18", false),
        ("1.9.9", true),
        ("1.10.5", true),
        ("1.10.6", false),
        ("1.11.0", false),
        ("2.0.5", false),
    ] {
        let d = world("s6-sticky-dc", v, "sticky = true", moved_dcs);
        let (_, samples) = plan(&d);
        if kept {
            assert!(samples.contains(KEPT), "{v}: {samples}");
        } else {
            assert!(moved(&samples), "{v}: {samples}");
        }
    }
}
