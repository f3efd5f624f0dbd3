//! CSI volumes and plugins as Nomad's `CSIVolumeChecker` sees them
//! (hashicorp/nomad v1.6.0 `scheduler/feasible.go`), read from an import and
//! from a hand-written world.
//!
//! `tests/fixtures/import-csi/` is API JSON written by hand from `api/csi.go`
//! and `api/nodes.go` (Node `CSINodePlugins`, `/v1/plugin/csi/:id` with its
//! `Nodes` map, `/v1/volumes?type=csi` stubs, `/v1/volume/csi/:id` with
//! `WriteAllocs` and `Allocations`), shaped like `TestCSIVolumeChecker`
//! (scheduler/feasible_test.go): node-1 runs the `ebs` node plugin healthy
//! in rack R1, node-2 unhealthy, node-3 (whose own JSON has no plugins)
//! healthy in R2 by the plugin's file, node-4 healthy in R3. `pgdata` is a
//! single-node-writer volume in R1 and R2, its writer claim held by job
//! `db`; `logs` a multi-node-multi-writer volume known from the list only.

use crate::common;

use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-csi")
}

const NODE_2: &str = "00000002-0000-4000-8000-000000000002";

fn plan(world: &Path, job: &Path, extra: &[&str]) -> common::Out {
    let mut args = vec![
        "plan".to_string(),
        "--world".into(),
        world.to_string_lossy().into_owned(),
        job.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::run_in(Path::new("."), &args)
}

fn placed_nodes(world: &Path, job: &Path) -> Vec<String> {
    let out = plan(world, job, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr));
    let mut nodes: Vec<String> = v["Preflight"]["Placements"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| p["NodeID"].as_str().unwrap_or_default().to_string())
        .collect();
    nodes.sort();
    nodes.dedup();
    nodes
}

/// The import written back as a world, with the job files beside it.
fn written(tag: &str) -> (common::TempDir, PathBuf) {
    let jobs = ["db.nomad", "reporting.nomad", "reader.nomad", "logs.nomad"];
    common::written_import(&fixture(), &format!("csi-{tag}"), &jobs)
}

/// Each case against the import, then against the world `import --write`
/// wrote (`csi_plugin` blocks and `rules/csi_volumes.hcl`): same answers.
#[test]
fn the_checker_filters_as_nomad_on_the_import_and_its_written_world() {
    let dir = fixture();
    let (tmp, rules) = written("roundtrip");
    let volumes = std::fs::read_to_string(rules.join("csi_volumes.hcl")).expect("written");
    assert!(
        volumes.contains("claim \"a0000001-0000-4000-8000-000000000000\" {")
            && volumes.contains("job       = \"db\""),
        "{volumes}"
    );
    for (world, root) in [(&dir, &dir), (&rules, &tmp.0)] {
        // The claim is db's own: node-1 (R1) and node-3 (R2, its plugin
        // known from plugins/ebs.json) fit; node-2's plugin is unhealthy and
        // node-4 is in R3.
        let db = placed_nodes(world, &root.join("db.nomad"));
        assert_eq!(db.len(), 1, "{db:?}");
        assert!(
            db[0].starts_with("00000001") || db[0].starts_with("00000003"),
            "{db:?}"
        );
        // Another job may not write: every node filtered, with each reason.
        let text = plan(world, &root.join("reporting.nomad"), &[]).stdout;
        for line in [
            "    * Constraint \"CSI volume pgdata has exhausted its available writer claims\": 2 nodes excluded by filter\n".to_string(),
            format!("    * Constraint \"CSI plugin ebs is unhealthy on client {NODE_2}\": 1 nodes excluded by filter\n"),
            "    * Constraint \"did not meet topology requirement\": 1 nodes excluded by filter\n".to_string(),
        ] {
            assert!(text.contains(&line), "{world:?}: {line}\n{text}");
        }
        assert!(!text.contains("All tasks successfully allocated"), "{text}");
        // A reader ignores writer claims.
        assert_eq!(placed_nodes(world, &root.join("reader.nomad")).len(), 1);
        // `logs` (from the list only) takes any number of writers.
        let text = plan(world, &root.join("logs.nomad"), &[]).stdout;
        assert!(text.contains("All tasks successfully allocated"), "{text}");
    }
}

/// A list stub that cannot say whose its writer claims are (or, unclaimed,
/// what it may be claimed as) is refused by name, never guessed.
#[test]
fn a_volume_stub_that_decides_nothing_is_refused() {
    let tmp = common::TempDir::new("csi-stub");
    common::copy_dir(&fixture(), &tmp.0);
    std::fs::remove_dir_all(tmp.0.join("volumes")).expect("rm volumes");
    let out = plan(&tmp.0, &tmp.0.join("db.nomad"), &[]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("CSI volume `pgdata` (namespace `default`) has 1 writer claim(s) the list form does not name"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("/v1/volume/csi/<id>"), "{}", out.stderr);
}

fn world(tag: &str, version: &str, volumes: &str) -> common::TempDir {
    let tmp = common::TempDir::new(&format!("csi-world-{tag}"));
    tmp.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
client "store" {{
  cpu     = 4000
  memory  = 8192
  disk    = 10000
  drivers = ["exec"]
  csi_plugin "ebs" {{
    type     = "node"
    topology = {{ rack = "R1" }}
  }}
}}
client "ctl" {{
  cpu     = 4000
  memory  = 8192
  disk    = 10000
  drivers = ["exec"]
  csi_plugin "ebs" {{
    type                = "controller"
    healthy             = false
    requires_controller = true
  }}
}}
"#
        ),
    );
    tmp.put("rules/csi_volumes.hcl", volumes);
    tmp.put(
        "db.nomad",
        &std::fs::read_to_string(fixture().join("db.nomad")).expect("job"),
    );
    tmp
}

/// In a hand-written world a volume's `Schedulable` is the state store's
/// denormalisation: its plugin needs a controller and none is healthy, so
/// no writer fits (`unschedulable or is read-only`); recording
/// `schedulable = true` as a cluster reports it lets it place.
#[test]
fn hand_written_volumes_derive_schedulable_from_plugin_health() {
    let vol = |extra: &str| {
        format!(
            "csi_volume \"pgdata\" {{\n  plugin_id = \"ebs\"\n  access_mode = \"single-node-writer\"\n  attachment_mode = \"file-system\"\n{extra}}}\n"
        )
    };
    let w = world("derived", "1.6.0", &vol(""));
    let text = plan(&w.0.join("rules"), &w.0.join("db.nomad"), &[]).stdout;
    assert!(
        text.contains("    * Constraint \"CSI volume pgdata is unschedulable or is read-only\": 1 nodes excluded by filter\n"),
        "{text}"
    );
    // The controller-only client runs no node plugin.
    assert!(
        text.contains("CSI plugin ebs is missing from client "),
        "{text}"
    );
    let w = world("recorded", "1.6.0", &vol("  schedulable = true\n"));
    let text = plan(&w.0.join("rules"), &w.0.join("db.nomad"), &[]).stdout;
    assert!(text.contains("All tasks successfully allocated"), "{text}");
    // A topology the node's plugin is not in: from 1.3.0 only.
    let rack = "  schedulable = true\n  topology { segments = { rack = \"R9\" } }\n";
    for (version, fits) in [("1.2.16", true), ("1.3.0", false)] {
        let w = world(&format!("topology-{version}"), version, &vol(rack));
        let text = plan(&w.0.join("rules"), &w.0.join("db.nomad"), &[]).stdout;
        assert_eq!(
            text.contains("All tasks successfully allocated"),
            fits,
            "{version}: {text}"
        );
    }
}

/// World-file mistakes are located errors with a hint.
#[test]
fn bad_volume_files_are_located_errors() {
    let w = world(
        "bad",
        "1.6.0",
        "csi_volume \"pgdata\" {\n  plugin_id = \"ebs\"\n  access_mode = \"single-node-write\"\n}\ncsi_volume \"x\" {\n}\n",
    );
    let out = plan(&w.0.join("rules"), &w.0.join("db.nomad"), &[]);
    assert_ne!(out.code, 0);
    for want in [
        "unknown CSI access mode \"single-node-write\"",
        "csi_volume \"x\" needs `plugin_id`",
        "csi_volumes.hcl:3",
    ] {
        assert!(out.stderr.contains(want), "{want}: {}", out.stderr);
    }
}
