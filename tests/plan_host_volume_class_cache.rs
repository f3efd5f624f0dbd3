//! Host volumes are cached per computed class before 1.4.14, 1.5.10 and
//! 1.6.3 (redteam5 R7). Until then the HostVolumeChecker is one of the
//! group checks the FeasibilityWrapper caches per class (`tgs`,
//! scheduler/stack.go v0.10.0:216, v1.6.2:262), and host volumes are not
//! hashed into the class (nomad/structs/node_class.go v1.6.0:44-80): the
//! first client of a class checked decides for the others. From those
//! releases it is an `avail` check run on every node (scheduler/stack.go
//! v1.4.14:255, v1.5.10:255, v1.6.3:265).
//!
//! But in every release that caches host volumes each real client has a
//! class of its own (redteam8 S1): its fingerprint's
//! `nomad.advertise.address`, its own HTTP address, is hashed until 1.9.7
//! (client/fingerprint/nomad.go@v1.6.2:25; tests/plan_class_per_client.rs).
//! So a client's own volumes decide, and the cache matters only for
//! clients that advertise one HTTP address (`advertise { http }` set alike).
//!
//! The world: one client with host volume "data", three without,
//! otherwise identical.

use crate::common;

use common::{seeds, TempDir};

const CLUSTER: &str = r#"region = "global"
client "a" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  host_volume "data" {
    path = "/data"
  }
}
client "b" {
  count      = 3
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
}
"#;

fn job(kind: &str) -> String {
    format!(
        r#"job "hv" {{
  datacenters = ["dc1"]
  type        = "{kind}"
  group "g" {{
    volume "d" {{
      type   = "host"
      source = "data"
    }}
    task "t" {{
      driver = "docker"
      config {{
        image = "x"
      }}
      volume_mount {{
        volume      = "d"
        destination = "/d"
      }}
      resources {{
        cpu    = 100
        memory = 100
      }}
    }}
  }}
}}
"#
    )
}

fn project(tag: &str) -> TempDir {
    project_with(tag, CLUSTER.to_string())
}

/// The world with every client advertising one HTTP address: one computed
/// class for all four before 1.9.7.
fn one_address(tag: &str) -> TempDir {
    let attr = "  attributes = { \"nomad.advertise.address\" = \"10.0.0.9:4646\" }\n}";
    project_with(tag, CLUSTER.replace("\n}", &format!("\n{attr}")))
}

fn project_with(tag: &str, cluster: String) -> TempDir {
    let dir = TempDir::new(&format!("host-volume-class-cache-{tag}"));
    dir.put("rules/cluster.hcl", &cluster);
    dir.put("hv.nomad", &job("service"));
    dir.put("hsys.nomad", &job("system"));
    dir
}

/// The plan of `file` at `version` under seeds 1..=24: how often each of
/// `want` came out (any other text fails the test).
fn tally(dir: &TempDir, version: &str, file: &str, want: &[&str]) -> Vec<u32> {
    seeds::tally(dir, version, file, 1..=24, want, |s| s)
}

const PLACED: &str = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
const FAILED: &str = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"computed class ineligible\": 3 nodes excluded by filter\n    * Constraint \"missing compatible host volumes\": 1 nodes excluded by filter\n\n";

/// Each client its own class: the one with the volume is placed every
/// time (before redteam8 S1 we failed 3 shuffles in 4).
#[test]
fn before_the_fix_each_real_client_is_judged_on_its_own() {
    let dir = project("own");
    for version in ["0.12.0", "1.4.13", "1.5.9", "1.6.2"] {
        assert_eq!(
            tally(&dir, version, "hv.nomad", &[PLACED]),
            [24],
            "{version}"
        );
    }
}

/// Clients that share a class: the first of them checked decides.
#[test]
fn before_the_fix_the_first_client_of_the_class_decides() {
    let dir = one_address("cached");
    for version in ["0.12.0", "1.4.13", "1.5.9", "1.6.2"] {
        let seen = tally(&dir, version, "hv.nomad", &[FAILED, PLACED]);
        // A client without the volume comes first about 3 times in 4.
        assert!(seen[0] > seen[1] && seen[1] > 0, "{version}: {seen:?}");
    }
}

#[test]
fn from_1_4_14_1_5_10_1_6_3_each_client_is_checked() {
    let dir = project("avail");
    for version in ["1.4.14", "1.5.10", "1.6.3", "1.7.0", "2.0.5"] {
        let seen = tally(&dir, version, "hv.nomad", &[PLACED]);
        assert_eq!(seen, [24], "{version}");
    }
}

/// A system job at 1.6.2 on clients sharing one class: the class is
/// eligible when the client with the volume comes first, and then all four
/// clients get an allocation (three without the volume); otherwise every
/// client is filtered. From 1.6.3, and on real clients (a class each) at
/// 1.6.2, the one client with the volume is placed.
#[test]
fn a_system_job_places_on_all_or_none_before_the_fix() {
    let dir = one_address("system");
    let all = "+ Task Group: \"g\" (4 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
    let none = "+ Task Group: \"g\"\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place allocations on all nodes.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"computed class ineligible\": 3 nodes excluded by filter\n    * Constraint \"missing compatible host volumes\": 1 nodes excluded by filter\n\n";
    let seen = tally(&dir, "1.6.2", "hsys.nomad", &[none, all]);
    assert!(seen[0] > seen[1] && seen[1] > 0, "{seen:?}");
    let one = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
    assert_eq!(tally(&dir, "1.6.3", "hsys.nomad", &[one]), [24]);
    assert_eq!(
        tally(&project("system-own"), "1.6.2", "hsys.nomad", &[one]),
        [24]
    );
}
