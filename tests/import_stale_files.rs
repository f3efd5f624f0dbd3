//! A per-object file of an object its list does not name is left from an
//! earlier save into the same folder (`import --print-commands` never
//! removes older files): a garbage-collected node, a purged job, a
//! deregistered CSI volume. The list files (nodes.json, jobs.json,
//! csi-volumes.json) are what the cluster holds now: such a file is not
//! read, and a note names it (stderr and `Preflight.World` in the JSON),
//! never a ready client, a registered job or an existing volume
//! (redteam8 I2).

use crate::common;

use common::{run_in, TempDir};

/// stored-update-1.6: one node n1 (4000 MB), jobs web, api, sys.
fn project(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    common::copy_dir(&src, &d.0.join("imp"));
    d
}

const BIG: &str = "job \"big\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu    = 500\n        memory = 3500\n      }\n    }\n  }\n}\n";

const GONE: &str = "0c1b2c3d-0000-4000-8000-000000000002";

#[test]
fn a_node_file_nodes_json_does_not_list_adds_no_client() {
    let d = project("stale-node");
    // The old save of a node garbage-collected since: n1 under another ID.
    let nodes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.0.join("imp/nodes.json")).unwrap())
            .unwrap();
    let mut gone = nodes[0].clone();
    gone["ID"] = GONE.into();
    gone["Name"] = "n-gone".into();
    d.put(&format!("imp/node-{GONE}.json"), &gone.to_string());
    d.put("big.nomad", BIG);
    let o = run_in(&d.0, &["plan", "--no-color", "--world", "imp", "big.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Dimension \"memory\" exhausted on 1 nodes"),
        "the stale node is no client: {}",
        o.stdout
    );
    assert!(
        o.stderr.contains(&format!(
            "advice: world: import::stale-file: node-{GONE}.json is not read: node {GONE} is not in nodes.json"
        )),
        "{}",
        o.stderr
    );
    let j = run_in(
        &d.0,
        &["plan", "--format", "json", "--world", "imp", "big.nomad"],
    );
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    let world = v["Preflight"]["World"].as_array().expect("world warnings");
    assert!(
        world
            .iter()
            .any(|w| w["Code"] == "import::stale-file" && w["ChangesVerdict"] == false),
        "{}",
        j.stdout
    );
}

#[test]
fn a_job_file_jobs_json_does_not_list_is_not_registered() {
    let d = project("stale-job");
    // A purged job's file left from an earlier save; jobs.json, saved now,
    // lists the cluster's jobs.
    let web = std::fs::read_to_string(d.0.join("imp/jobs/default/web.json")).unwrap();
    let mut old: serde_json::Value = serde_json::from_str(&web).unwrap();
    old["ID"] = "old".into();
    old["Name"] = "old".into();
    d.put("imp/jobs/default/old.json", &old.to_string());
    d.put(
        "imp/jobs.json",
        r#"[{"ID": "web", "Namespace": "default"}, {"ID": "api", "Namespace": "default"},
           {"ID": "sys", "Namespace": "default"}]"#,
    );
    let job = BIG.replace("\"big\"", "\"old\"").replace("3500", "64");
    d.put("old.nomad", &job);
    let o = run_in(&d.0, &["plan", "--no-color", "--world", "imp", "old.nomad"]);
    assert!(
        o.stdout.starts_with("+ Job: \"old\"\n"),
        "a purged job's plan is a create: {}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stderr.contains("import::stale-file: jobs/default/old.json is not read: job default/old is not in jobs.json"),
        "{}",
        o.stderr
    );
    // The listed jobs are read as before.
    let s = run_in(&d.0, &["status", "--world", "imp"]);
    assert!(s.stdout.contains("web"), "{}", s.stdout);
    assert!(!s.stdout.contains("old"), "{}", s.stdout);
}

#[test]
fn a_volume_file_the_volume_list_does_not_list_is_not_registered() {
    let d = TempDir::new("stale-volume");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-csi");
    common::copy_dir(&src, &d.0);
    // pgdata deregistered since: gone from the list, its old file left.
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.0.join("csi-volumes.json")).unwrap())
            .unwrap();
    let kept: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["ID"] != "pgdata")
        .collect();
    d.put("csi-volumes.json", &serde_json::to_string(&kept).unwrap());
    assert!(d.0.join("volumes/default/pgdata.json").exists());
    let o = run_in(&d.0, &["plan", "--no-color", "--world", ".", "db.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Constraint \"missing CSI Volume pgdata\""),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("import::stale-file: volumes/default/pgdata.json is not read: CSI volume default/pgdata is not in csi-volumes.json"),
        "{}",
        o.stderr
    );
}
