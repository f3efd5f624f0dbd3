//! The system stack's per-class feasibility cache (redteam5 R14). Before
//! 1.11 the system scheduler selects one node at a time through one
//! `EvalEligibility` for the whole evaluation (`SystemStack.SetJob`;
//! `ctx.Reset()` resets only the metrics, scheduler/context.go
//! v1.6.0:172-174), so the first client of a computed class it checks
//! decides for every other client of the class, and it checks them in Go's
//! map order (`diffSystemAllocs`, scheduler/system_util.go v1.6.0:309-330).
//! From 1.11.0 `SystemStack.Select` resets the cache for every node
//! (scheduler/feasible/stack.go v1.11.0:355-359).
//!
//! Clients alike share a class only from 1.9.7/1.10.0: before, each
//! client's own `nomad.advertise.address` is hashed into its class
//! (client/fingerprint/nomad.go@v1.9.6:25; redteam8 S1), so each is judged
//! on its own at every release but 1.9.7-1.10.x.
//!
//! The world: one client with four T4 GPUs, three with one, otherwise
//! identical (instance counts are not hashed into the class,
//! nomad/structs/node_class.go v1.6.0:44-80); a system job asks for two.
//! We judged every client on its own: `1 create`, success, "certain". Nomad
//! 1.9.7-1.10.x gives one of two outcomes, by which client comes first:
//! - a one-GPU client: it fails `missing devices`, the class is ineligible,
//!   every client is filtered (1.2+: the plan fails; before, nothing is
//!   placed and nothing reported);
//! - the four-GPU client: it is placed, the class eligible, the others skip
//!   the device check and fail in the bin-packer (AssignDevice), dropped
//!   without a metric before 1.8 (scheduler/rank.go v1.6.0:421-437),
//!   `devices: no devices match request` from 1.8.

use crate::common;

use common::{run_in, seeds, TempDir};

const CLUSTER: &str = r#"region = "global"
client "big" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  device "nvidia/gpu/t4" {
    count      = 4
    attributes = { memory = "16 GiB" }
  }
}
client "small" {
  count      = 3
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  device "nvidia/gpu/t4" {
    count      = 1
    attributes = { memory = "16 GiB" }
  }
}
"#;

const JOB: &str = r#"job "gsys" {
  datacenters = ["dc1"]
  type        = "system"
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

fn project(tag: &str) -> TempDir {
    let dir = TempDir::new(&format!("system-class-cache-{tag}"));
    dir.put("rules/cluster.hcl", CLUSTER);
    dir.put("gsys.nomad", JOB);
    dir
}

/// Nomad's two outcomes at `version` (a one-GPU client first, the
/// four-GPU client first), as `nomad job plan` prints them.
fn outcomes(version: &str) -> [String; 2] {
    let filtered = if common::at_least(version, 1, 2) {
        "+ Task Group: \"g\"\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place allocations on all nodes.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"computed class ineligible\": 3 nodes excluded by filter\n    * Constraint \"missing devices\": 1 nodes excluded by filter\n\n"
    } else {
        "+ Task Group: \"g\"\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n"
    };
    // `formatAllocMetrics` joins its lines; the CLI adds "\n\n".
    let metric = if common::at_least(version, 1, 8) {
        "    * Resources exhausted on 1 nodes\n    * Dimension \"devices: no devices match request\" exhausted on 1 nodes"
    } else {
        ""
    };
    let exhausted = format!("+ Task Group: \"g\" (4 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place allocations on all nodes.\n  Task Group \"g\" (failed to place 3 allocations):\n{metric}\n\n");
    [filtered.to_string(), exhausted]
}

#[test]
fn before_1_11_the_first_client_of_a_class_decides_for_the_others() {
    let dir = project("first");
    for version in ["1.9.7", "1.10.0", "1.10.5"] {
        let want = outcomes(version);
        let seen = seeds::tally(&dir, version, "gsys.nomad", 1..=40, &want, |s| s);
        // A one-GPU client comes first about three times in four.
        assert!(seen[0] > seen[1] && seen[1] > 0, "{version}: {seen:?}");
    }
}

#[test]
fn from_1_2_every_shuffle_fails_and_the_samples_say_so() {
    let dir = project("samples");
    for version in ["1.9.7", "1.10.5"] {
        let o = run_in(
            &dir.0,
            &[
                "plan",
                "--nomad-version",
                version,
                "--samples",
                "40",
                "gsys.nomad",
            ],
        );
        assert!(
            o.stdout
                .contains(" certain  task group \"g\" fails to place (40/40)\n")
                && !o.stdout.contains("every allocation is placed"),
            "{version}: {}",
            o.stdout
        );
    }
}

#[test]
fn the_json_notes_say_the_class_verdict_is_random() {
    let dir = project("notes");
    let o = run_in(
        &dir.0,
        &[
            "plan",
            "--nomad-version",
            "1.10.5",
            "--format",
            "json",
            "gsys.nomad",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
    let notes = v["Preflight"]["Nondeterminism"].to_string();
    assert!(
        notes.contains("clients of one computed class differ on a check Nomad caches per class"),
        "{notes}"
    );
}

/// From 1.11, and before 1.9.7 (a class per client), each client is
/// judged on its own: the four-GPU client is placed, the others are
/// filtered by `missing devices`.
#[test]
fn from_1_11_each_client_is_judged_on_its_own() {
    let dir = project("own");
    for version in ["0.9.3", "1.1.0", "1.6.0", "1.9.6", "1.11.0", "2.0.5"] {
        let o = run_in(
            &dir.0,
            &[
                "plan",
                "--nomad-version",
                version,
                "--samples",
                "20",
                "gsys.nomad",
            ],
        );
        assert!(
            o.stdout.contains("+ Task Group: \"g\" (1 create)\n")
                && o.stdout.contains("- All tasks successfully allocated.\n")
                && o.stdout
                    .contains(" certain  every allocation is placed (20/20)\n"),
            "{version}: {}",
            o.stdout
        );
    }
}
