//! Before #13274 (v1.1.15, v1.2.9, v1.3.2, v1.4.0) a node of a computed
//! class already found eligible that fails the CSI check ENDS Nomad's
//! feasibility walk: the FeasibilityWrapper's fast path returns nil ("We
//! match the class but are temporarily unavailable, the eval should be
//! blocked", scheduler/feasible.go v1.3.0:1133-1140), so the select sees no
//! further node (redteam5 R20). A node checked in full (class unknown)
//! that fails CSI lets the walk go on.
//!
//! The world: one client running the "ebs" plugin, two identical ones
//! without it (plugins are not part of the computed class). When both of
//! those come first (1 shuffle in 3) the first is checked in full and
//! fails CSI, the second takes the fast path, fails CSI and ends the walk:
//! no option, the placement fails. We kept walking: certain success.
//!
//! Two real clients share a class at these releases only when they
//! advertise one HTTP address: until 1.9.7 each client's own
//! `nomad.advertise.address` is hashed into its class (redteam8 S1,
//! client/fingerprint/nomad.go@v1.3.0:20), so the pool below states one
//! for both `b` clients; with a class each, every shuffle places.

use crate::common;

use common::{seeds, TempDir};

const CLUSTER: &str = r#"nomad_version = "1.3.0"
region = "global"
scheduler {
  algorithm = "binpack"
  preemption {
    service = false
  }
}
client "a" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  csi_plugin "ebs" {
    type = "monolith"
  }
}
client "b" {
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  attributes = { "nomad.advertise.address" = "10.0.0.9:4646" }
}
"#;

const VOLUMES: &str = r#"csi_volume "shared" {
  plugin_id = "ebs"
  capability {
    access_mode     = "multi-node-multi-writer"
    attachment_mode = "file-system"
  }
}
"#;

const JOB: &str = r#"job "v" {
  datacenters = ["dc1"]
  group "g" {
    volume "d" {
      type            = "csi"
      source          = "shared"
      access_mode     = "multi-node-multi-writer"
      attachment_mode = "file-system"
    }
    task "t" {
      driver = "docker"
      config {
        image = "x"
      }
      resources {
        cpu    = 100
        memory = 100
      }
    }
  }
}
"#;

/// From the group line to the line before `Job Modify Index`, each client
/// ID (8-4-4-4-12 hex) written `<id>`.
/// A plan's body with each client ID as `<id>`.
fn body(text: String) -> String {
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("from client ") {
        let start = i + "from client ".len();
        out.push_str(&rest[..start]);
        let id_len = rest[start..]
            .find(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
            .unwrap_or(rest.len() - start);
        out.push_str("<id>");
        rest = &rest[start + id_len..];
    }
    out.push_str(rest);
    out
}

const PLACED: &str = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
const FAILED: &str = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"CSI plugin ebs is missing from client <id>\": 1 nodes excluded by filter\n    * Constraint \"CSI plugin ebs is missing from client <id>\": 1 nodes excluded by filter\n\n";

fn tally(dir: &TempDir, version: &str) -> [u32; 2] {
    let seen = seeds::tally(dir, version, "v.nomad", 1..=30, &[FAILED, PLACED], body);
    [seen[0], seen[1]]
}

#[test]
fn before_13274_a_fast_path_csi_failure_ends_the_walk() {
    let dir = TempDir::new("csi-walk-end-old");
    dir.put("rules/cluster.hcl", CLUSTER);
    dir.put("rules/csi_volumes.hcl", VOLUMES);
    dir.put("v.nomad", JOB);
    for version in ["1.1.14", "1.2.8", "1.3.0", "1.3.1"] {
        let [failed, placed] = tally(&dir, version);
        // Both clients without the plugin come first 1 time in 3.
        assert!(
            failed > 0 && placed > failed,
            "{version}: {failed} {placed}"
        );
    }
}

/// Clients that each advertise their own address have a class each: the
/// fast path is never taken for a client not yet checked.
#[test]
fn before_13274_clients_with_their_own_class_are_each_checked() {
    let dir = TempDir::new("csi-walk-end-own");
    let own = CLUSTER.replace(
        "  attributes = { \"nomad.advertise.address\" = \"10.0.0.9:4646\" }\n",
        "",
    );
    assert_ne!(own, CLUSTER);
    dir.put("rules/cluster.hcl", &own);
    dir.put("rules/csi_volumes.hcl", VOLUMES);
    dir.put("v.nomad", JOB);
    assert_eq!(tally(&dir, "1.3.0"), [0, 30]);
}

#[test]
fn from_13274_the_walk_goes_on() {
    let dir = TempDir::new("csi-walk-end-new");
    dir.put("rules/cluster.hcl", CLUSTER);
    dir.put("rules/csi_volumes.hcl", VOLUMES);
    dir.put("v.nomad", JOB);
    for version in ["1.1.15", "1.2.9", "1.3.2", "1.4.0", "2.0.5"] {
        assert_eq!(tally(&dir, version), [0, 30], "{version}");
    }
}
