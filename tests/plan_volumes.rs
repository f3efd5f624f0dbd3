//! Volume feasibility as Nomad's scheduler filters nodes for it
//! (scheduler/feasible.go): a `per_alloc` host volume is `source[index]` of
//! each allocation (`HostVolumeChecker.SetVolumes`, `structs.AllocSuffix`),
//! and a CSI volume the cluster does not have filters every node with
//! `missing CSI Volume ID` (`missing CSI volume(s) ...` from 2.0.5).

use crate::common;

use std::path::Path;

fn world(tag: &str, version: &str, job: &str) -> common::TempDir {
    let tmp = common::TempDir::new(&format!("volumes-{tag}"));
    std::fs::create_dir_all(tmp.0.join("rules")).expect("mkdir");
    let cluster = format!(
        r#"nomad_version = "{version}"
client "a" {{
  cpu     = 4000
  memory  = 8192
  disk    = 10000
  drivers = ["exec"]
  host_volume "data[0]" {{ path = "/srv/d0" }}
}}
client "b" {{
  cpu     = 4000
  memory  = 8192
  disk    = 10000
  drivers = ["exec"]
  host_volume "data[1]" {{ path = "/srv/d1" }}
}}
"#
    );
    std::fs::write(tmp.0.join("rules/cluster.hcl"), cluster).expect("write");
    std::fs::write(tmp.0.join("job.nomad"), job).expect("write");
    tmp
}

fn job(count: u32, volume: &str) -> String {
    format!(
        r#"job "db" {{
  datacenters = ["dc1"]
  group "db" {{
    count = {count}
    volume "data" {{
{volume}
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

fn plan(w: &common::TempDir, format: &[&str]) -> common::Out {
    let mut args = vec![
        "plan".to_string(),
        "--world".into(),
        w.0.join("rules").to_string_lossy().into_owned(),
        w.0.join("job.nomad").to_string_lossy().into_owned(),
    ];
    args.extend(format.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::run_in(Path::new("."), &args)
}

const PER_ALLOC_HOST: &str = r#"      type      = "host"
      source    = "data"
      per_alloc = true"#;

/// Each allocation lands on the one node holding its own `data[i]`, from
/// 1.6.3 (1.4.14, 1.5.10), where host volumes are checked on every node.
/// Before, the first client checked decides for its computed class, for
/// every allocation of the group (tests/plan_host_volume_class_cache.rs).
#[test]
fn per_alloc_host_volumes_are_each_allocations_own() {
    let w = world("per-alloc", "1.6.3", &job(2, PER_ALLOC_HOST));
    let out = plan(&w, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let status = common::run_in(
        Path::new("."),
        &["status", "--world", &w.0.join("rules").to_string_lossy()],
    );
    let id_of = |name: &str| {
        status
            .stdout
            .lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_default()
            .to_string()
    };
    let mut got: Vec<(String, String)> = v["Preflight"]["Placements"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let node = p["NodeID"].as_str().unwrap_or_default();
            (
                p["Name"].as_str().unwrap_or_default().to_string(),
                node.get(..8).unwrap_or(node).to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("db.db[0]".to_string(), id_of("a-1")),
            ("db.db[1]".to_string(), id_of("b-1"))
        ],
        "{}",
        out.stdout
    );
    // Three allocations: db.db[2] has no volume anywhere.
    let w = world("per-alloc-3", "1.6.3", &job(3, PER_ALLOC_HOST));
    let text = plan(&w, &[]).stdout;
    assert!(
        text.contains("(failed to place 1 allocation)")
            && text.contains(
                "    * Constraint \"missing compatible host volumes\": 2 nodes excluded by filter\n"
            ),
        "{text}"
    );
}

const CSI: &str = r#"      type            = "csi"
      source          = "pgdata"
      access_mode     = "single-node-writer"
      attachment_mode = "file-system"
      per_alloc       = true"#;

/// A CSI volume the cluster does not hold: every node filtered with the
/// release's metric, never "All tasks successfully allocated".
#[test]
fn a_csi_volume_the_cluster_lacks_filters_every_node() {
    for (version, metric) in [
        ("1.6.0", "missing CSI Volume pgdata[0]"),
        ("2.0.5", "missing CSI volume(s) pgdata[0]"),
    ] {
        let w = world(&format!("csi-{version}"), version, &job(1, CSI));
        let text = plan(&w, &[]).stdout;
        assert!(
            text.contains(&format!(
                "    * Constraint \"{metric}\": 2 nodes excluded by filter\n"
            )),
            "{version}: {text}"
        );
        assert!(!text.contains("All tasks successfully allocated"), "{text}");
    }
}
