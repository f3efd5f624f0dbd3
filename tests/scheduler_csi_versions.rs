//! `CSIVolumesByNodeID` (hashicorp/nomad `nomad/state/state_store.go`,
//! unchanged from v0.11.0 to v2.0.5) counts the CSI volumes a node's
//! allocations use from each allocation's own job (`a.Job`), the version it
//! runs. A `job run` registers the new version before its evaluation, so
//! reading the registered job instead counts the old allocations' volumes
//! by the new spec.
//!
//! One client runs node plugins `ebs` and `gcs`, each taking one volume.
//! Job `db` version 0 uses `pgdata` (ebs) on it; version 1 moves to `blob`
//! (gcs). While version 1 is evaluated the old allocation still runs and
//! uses one `ebs` volume: the node has room for `blob` and the replacement
//! places. Counting it by version 1 would fill `gcs` and fail the update.

use std::path::Path;

use nomad_preflight::jobspec::{self, Job, LoadOptions};
use nomad_preflight::scheduler::Simulation;
use nomad_preflight::vfs::MemVfs;
use nomad_preflight::world::{self, World};

const CLUSTER: &str = r#"nomad_version = "1.6.0"
client "store" {
  cpu     = 4000
  memory  = 8192
  disk    = 10000
  drivers = ["exec"]
  csi_plugin "ebs" {
    type        = "node"
    max_volumes = 1
  }
  csi_plugin "gcs" {
    type        = "node"
    max_volumes = 1
  }
}
"#;

const VOLUMES: &str = r#"csi_volume "pgdata" {
  plugin_id       = "ebs"
  access_mode     = "multi-node-multi-writer"
  attachment_mode = "file-system"
  schedulable     = true
}
csi_volume "blob" {
  plugin_id       = "gcs"
  access_mode     = "multi-node-multi-writer"
  attachment_mode = "file-system"
  schedulable     = true
}
"#;

fn db(source: &str) -> String {
    format!(
        r#"job "db" {{
  datacenters = ["dc1"]
  group "db" {{
    volume "data" {{
      type            = "csi"
      source          = "{source}"
      access_mode     = "multi-node-multi-writer"
      attachment_mode = "file-system"
    }}
    task "db" {{
      driver = "exec"
      config {{ command = "/bin/date" }}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

fn setup() -> (World, MemVfs) {
    let mut vfs = MemVfs::new("csi-versions");
    vfs.insert("rules/cluster.hcl", CLUSTER.to_string());
    vfs.insert("rules/csi_volumes.hcl", VOLUMES.to_string());
    vfs.insert("v0.nomad", db("pgdata"));
    vfs.insert("v1.nomad", db("blob"));
    let (w, _) = world::load(&vfs, Path::new("rules"))
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    (w, vfs)
}

fn job(vfs: &MemVfs, w: &World, file: &str) -> Job {
    let opts = LoadOptions {
        version: w.nomad_version,
        ..LoadOptions::default()
    };
    let parsed = jobspec::load(vfs, Path::new(file), &opts);
    match parsed.job {
        Some(j) if !parsed.diags.has_errors() => j,
        _ => panic!("{}", nomad_preflight::diag::render(&parsed.diags.0, false)),
    }
}

#[test]
fn a_run_counts_the_old_allocations_volumes_by_the_version_they_run() {
    let (w, vfs) = setup();
    let mut sim = Simulation::new(&w, 1)
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    let first = sim.run(&job(&vfs, &w, "v0.nomad"), None).expect("v0 runs");
    assert_eq!(first.plan.placements.len(), 1, "{:?}", first.plan);
    // The plan sees the registered version 0: its allocation uses ebs.
    let planned = sim.plan(&job(&vfs, &w, "v1.nomad"));
    assert!(planned.failed_tg_allocs.is_empty(), "{planned:?}");
    // The run registers version 1 first; the old allocation still runs
    // version 0 and holds an ebs volume, not a gcs one.
    let second = sim.run(&job(&vfs, &w, "v1.nomad"), None).expect("v1 runs");
    assert_eq!(second.job_version, 1);
    assert!(
        second.plan.failed_tg_allocs.is_empty(),
        "{:?}",
        second.plan.failed_tg_allocs
    );
    assert_eq!(second.plan.placements.len(), 1, "{:?}", second.plan);
    assert_eq!(second.blocked_eval_id, None);
}

/// The counting itself is live: a second job asking `blob` while version
/// 1 runs on the node finds gcs full, in Nomad's words.
#[test]
fn the_volume_the_running_version_uses_fills_its_plugin() {
    let (w, vfs) = setup();
    let mut sim = Simulation::new(&w, 1)
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    sim.run(&job(&vfs, &w, "v1.nomad"), None).expect("v1 runs");
    let mut other = job(&vfs, &w, "v1.nomad");
    other.id = "reports".into();
    let planned = sim.plan(&other);
    let metric = planned
        .failed_tg_allocs
        .get("db")
        .unwrap_or_else(|| panic!("{planned:?}"));
    let text = format!("{metric:?}");
    assert!(
        text.contains("CSI plugin gcs has the maximum number of volumes on client"),
        "{text}"
    );
}
