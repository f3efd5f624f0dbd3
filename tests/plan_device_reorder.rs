//! Reordering a task's `device` blocks, or the constraints inside one, is
//! no change to Nomad: tasksUpdated compares devices with
//! `ResourceDevices.Equal` (scheduler/util.go; structs.go v1.10.5: keyed
//! by name, constraints and affinities as sets; `Equals` from 0.10.2).
//! It was planned as a create/destroy update; with a canary on a client
//! holding one GPU the canary could not be placed and the plan refused a
//! harmless edit (R28b-1).

use crate::common::{run_in, TempDir};

const GPU: &str = r#"        device "nvidia/gpu" {
          count = 1
          constraint {
            attribute = "${device.model}"
            value     = "t4"
          }
          constraint {
            attribute = "${device.vendor}"
            value     = "nvidia"
          }
        }"#;

const GPU_SWAPPED: &str = r#"        device "nvidia/gpu" {
          count = 1
          constraint {
            attribute = "${device.vendor}"
            value     = "nvidia"
          }
          constraint {
            attribute = "${device.model}"
            value     = "t4"
          }
        }"#;

const FPGA: &str = r#"        device "intel/fpga" {
          count = 1
        }"#;

fn job(first: &str, second: &str) -> String {
    format!(
        r#"job "train" {{
  datacenters = ["dc1"]
  group "train" {{
    update {{
      canary = 1
    }}
    task "train" {{
      driver = "docker"
      config {{
        image = "pytorch/pytorch"
      }}
      resources {{
        cpu    = 500
        memory = 1024
{first}
{second}
      }}
    }}
  }}
}}
"#
    )
}

/// One client with one GPU and one FPGA, `train` running on it; the edit
/// `train2.nomad` holds `first` then `second`.
fn world(tag: &str, version: &str, first: &str, second: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
region        = "global"
running       = ["jobs/train.nomad"]
scheduler {{
  algorithm = "binpack"
}}
client "gpu" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 8000
  memory     = 16384
  disk       = 10000
  drivers    = ["docker"]
  device "nvidia/gpu/t4" {{
    instance_ids = ["GPU-a"]
  }}
  device "intel/fpga/f1" {{
    instance_ids = ["FPGA-a"]
  }}
}}
"#
        ),
    );
    d.put("jobs/train.nomad", &job(GPU, FPGA));
    d.put("train2.nomad", &job(first, second));
    d
}

fn plan(d: &TempDir) -> (i32, String) {
    let o = run_in(&d.0, &["--no-cache", "plan", "--no-color", "train2.nomad"]);
    (o.code, o.stdout)
}

#[test]
fn swapped_device_blocks_are_an_in_place_update() {
    for version in ["1.10.5", "1.6.1"] {
        let d = world("device-swap", version, FPGA, GPU);
        let (code, out) = plan(&d);
        assert!(
            out.contains("+/- Task Group: \"train\" (1 in-place update)"),
            "{version}: {out}"
        );
        assert!(
            out.contains("All tasks successfully allocated"),
            "{version}: {out}"
        );
        assert_eq!(code, 0, "{version}: {out}");
    }
}

#[test]
fn swapped_constraints_inside_a_device_are_an_in_place_update() {
    let d = world("device-constraint-swap", "1.10.5", GPU_SWAPPED, FPGA);
    let (code, out) = plan(&d);
    assert!(
        out.contains("+/- Task Group: \"train\" (1 in-place update)"),
        "{out}"
    );
    assert_eq!(code, 0, "{out}");
}

/// Guard: a changed count is still a change (a canary, which the one GPU
/// cannot hold beside the running allocation).
#[test]
fn a_changed_device_count_still_replaces() {
    let more = FPGA.replace("count = 1", "count = 2");
    let d = world("device-count", "1.10.5", GPU, &more);
    let (_, out) = plan(&d);
    assert!(out.contains("(1 canary, 1 ignore)"), "{out}");
}
