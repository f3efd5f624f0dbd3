//! Before 1.11.0 one device model must hold a request's whole count
//! (redteam5 R15): `DeviceChecker.hasDevices` skips a model with `if
//! unused < desiredCount { continue }` (scheduler/feasible.go v0.9.0 to
//! v1.10.5; v1.6.0:1324-1345), so a node whose healthy instances add up to
//! the count only across models is `missing devices`. From 1.11.0 the
//! request takes instances from every matching model (`for desiredCount >
//! 0 && available[d] > 0`, scheduler/feasible/feasible.go v2.0.5:1619-1646)
//! and the node fails only in the bin-packer, whose AssignDevice still
//! needs one model (`no devices match request`). We added models up at
//! every release.

use crate::common;

use common::{run_in, TempDir};

const ONE_CLIENT: &str = r#"region = "global"
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
  device "nvidia/gpu/2080" {
    count      = 1
    unhealthy  = 1
    attributes = { memory = "8 GiB" }
  }
}
"#;

/// One client with three GPUs, three with two, one computed class
/// (instance counts are not hashed into it).
const CLASS: &str = r#"region = "global"
client "a" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  device "nvidia/gpu/1080ti" {
    count = 1
  }
  device "nvidia/gpu/2080" {
    count = 2
  }
}
client "b" {
  count      = 3
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  device "nvidia/gpu/1080ti" {
    count = 1
  }
  device "nvidia/gpu/2080" {
    count = 1
  }
}
"#;

const JOB: &str = r#"job "g2" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config {
        image = "x"
      }
      resources {
        cpu    = 100
        memory = 100
        device "nvidia/gpu" {
          count = 2
        }
      }
    }
  }
}
"#;

#[test]
fn before_1_11_a_request_adds_up_no_models() {
    let dir = TempDir::new("device-one-model-node");
    dir.put("rules/cluster.hcl", ONE_CLIENT);
    dir.put("g2.nomad", JOB);
    for version in ["0.9.3", "1.0.0", "1.6.0", "1.10.5", "1.11.0", "2.0.5"] {
        let o = run_in(&dir.0, &["plan", "--nomad-version", version, "g2.nomad"]);
        let metric = if common::at_least(version, 1, 11) {
            "    * Resources exhausted on 1 nodes\n    * Dimension \"devices: no devices match request\" exhausted on 1 nodes\n"
        } else if common::at_least(version, 1, 0) {
            "    * Constraint \"missing devices\": 1 nodes excluded by filter\n"
        } else {
            "    * Constraint \"missing devices\" filtered 1 nodes\n"
        };
        let want = format!("- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n{metric}\n");
        assert!(
            o.stdout.contains(&want),
            "{version}: want\n{want}\ngot\n{}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// With the class cache: a two-GPU client checked first makes the class
/// ineligible, so the plan fails about 3 shuffles in 4 at 1.9.7-1.10.x;
/// from 1.11, and before 1.9.7 (each client its own class: its
/// `nomad.advertise.address` is hashed, client/fingerprint/nomad.go@v1.6.0;
/// redteam8 S1), the three-GPU client is always found.
#[test]
fn before_1_11_the_class_fails_when_a_two_model_client_comes_first() {
    let dir = TempDir::new("device-one-model-class");
    dir.put("rules/cluster.hcl", CLASS);
    dir.put("g2.nomad", JOB);
    let failed = "- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"computed class ineligible\": 3 nodes excluded by filter\n    * Constraint \"missing devices\": 1 nodes excluded by filter\n\n";
    let placed = "- All tasks successfully allocated.\n";
    for version in ["1.9.7", "1.10.5"] {
        let (mut f, mut p) = (0, 0);
        for seed in 1..=24 {
            let seed = seed.to_string();
            let o = run_in(
                &dir.0,
                &[
                    "plan",
                    "--nomad-version",
                    version,
                    "--seed",
                    &seed,
                    "g2.nomad",
                ],
            );
            if o.stdout.contains(failed) {
                f += 1;
            } else if o.stdout.contains(placed) {
                p += 1;
            } else {
                panic!("{version} seed {seed}: {}{}", o.stdout, o.stderr);
            }
        }
        assert!(f > p && p > 0, "{version}: failed {f}, placed {p}");
    }
    for version in ["1.6.0", "1.9.6", "1.11.0", "2.0.5"] {
        let o = run_in(
            &dir.0,
            &[
                "plan",
                "--nomad-version",
                version,
                "--samples",
                "20",
                "g2.nomad",
            ],
        );
        assert!(
            o.stdout.contains(placed)
                && o.stdout
                    .contains(" certain  every allocation is placed (20/20)\n"),
            "{version}: {}",
            o.stdout
        );
    }
}
