//! A quota's limits nomad-preflight does not simulate (redteam8 I1): a
//! per-node-pool limit (`node_pool "NAME"`, `RegionLimit.NodePools`,
//! api/quota.go v1.11.2+), a secrets limit (`secrets`, `SecretsMB`), and
//! any `RegionLimit` key the tool does not know. Nomad Enterprise counts
//! them in code that is not public. Before, an import dropped them and a
//! world file could not state them, so a plan the limit may refuse said
//! "All tasks successfully allocated". Now the world keeps every limit;
//! a plan each may bind says it cannot tell (one line, `Preflight.
//! QuotaLimits`, exit 255); `check` reports NP308; loading warns naming
//! each limit; `status` lists them. A limit that cannot bind the job (a
//! pool it does not use, storage) leaves the plan as Nomad's.

use crate::common;

use std::path::{Path, PathBuf};

use common::{run_in, TempDir};
use serde_json::json;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quota-limits")
}

const PLACED: &str = "- All tasks successfully allocated.";

const TRAIN_LINE: &str = "error: cannot tell whether job \"train\" fits quota \"team\": in region \"global\" the quota sets limits nomad-preflight does not simulate, which Nomad Enterprise counts in code that is not public: node_pool \"gpu\" (RegionLimit.NodePools): cpu 1500, memory 1024; judge it on the cluster (`nomad job plan`), or remove those limits from the world";

const API_LINE: &str = "error: cannot tell whether job \"api\" fits quota \"apps\": in region \"global\" the quota sets limits nomad-preflight does not simulate, which Nomad Enterprise counts in code that is not public: secrets (RegionLimit.SecretsMB): 64 MB; judge it on the cluster (`nomad job plan`), or remove those limits from the world";

fn plan(dir: &Path, world: &str, job: &str) -> common::Out {
    run_in(dir, &["plan", "--world", world, job])
}

/// Exit 255, one `cannot tell` line (`line`), nothing of Nomad's verdict.
fn assert_cannot_tell(o: &common::Out, line: &str) {
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 255, "{all}");
    assert!(!o.stdout.contains("Scheduler dry-run"), "{all}");
    assert!(!o.stdout.contains("successfully allocated"), "{all}");
    let lines: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: cannot tell"))
        .collect();
    assert_eq!(lines, [line], "{all}");
}

fn assert_placed(o: &common::Out) {
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{all}");
    assert!(o.stdout.contains(PLACED), "{all}");
    assert!(!o.stderr.contains("cannot tell"), "{all}");
}

#[test]
fn a_node_pool_limit_of_the_jobs_pool_is_cannot_tell() {
    let o = plan(&fixture(), "rules", "jobs/train.nomad");
    assert_cannot_tell(&o, TRAIN_LINE);
    // The world's loading names the quota and the limit, located.
    let flat = common::flat(&o.stderr);
    assert!(flat.contains("world::quota-not-simulated"), "{flat}");
    assert!(
        flat.contains("quota `team` sets a limit nomad-preflight does not simulate in region `global`: node_pool \"gpu\" (RegionLimit.NodePools): cpu 1500, memory 1024"),
        "{flat}"
    );
    assert!(flat.contains("quotas/team.hcl:10:15:"), "{flat}");
}

#[test]
fn a_secrets_limit_is_cannot_tell_for_every_job_of_the_namespace() {
    let o = plan(&fixture(), "rules", "jobs/api.nomad");
    assert_cannot_tell(&o, API_LINE);
}

#[test]
fn the_json_names_the_limit_and_carries_no_nomad_verdict() {
    let o = run_in(
        &fixture(),
        &[
            "plan",
            "--world",
            "rules",
            "jobs/train.nomad",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", o.stdout, o.stderr));
    let q = &v["Preflight"]["QuotaLimits"];
    assert_eq!(q["Known"], false, "{v}");
    assert_eq!(q["Quota"], "team");
    assert_eq!(q["Namespace"], "ml");
    assert_eq!(q["Region"], "global");
    assert_eq!(q["Limits"][0]["Name"], "node_pool \"gpu\"");
    assert_eq!(q["Limits"][0]["Field"], "RegionLimit.NodePools");
    assert_eq!(q["Limits"][0]["Value"], "cpu 1500, memory 1024");
    assert_eq!(q["Limits"].as_array().map(Vec::len), Some(1), "{v}");
    let err = v["Preflight"]["Error"].as_str().unwrap_or_default();
    assert_eq!(err, TRAIN_LINE, "{v}");
    assert!(v.get("FailedTGAllocs").is_none(), "{v}");
    assert!(v.get("Annotations").is_none(), "{v}");
}

/// Guard (passes before this change too): a limit that cannot bind the
/// job refuses nothing. Another pool's limit, and storage limits, which
/// Nomad counts when variables are written and volumes created.
#[test]
fn limits_that_cannot_bind_leave_the_plan_as_nomads() {
    assert_placed(&plan(&fixture(), "rules", "jobs/prep.nomad"));
    assert_placed(&plan(&fixture(), "rules", "jobs/web.nomad"));
    // The region's cpu is still counted: past it, Nomad's quota text.
    let d = TempDir::new("quota-limits-cpu");
    common::copy_dir(&fixture(), &d.0);
    let big = std::fs::read_to_string(d.0.join("jobs/prep.nomad"))
        .expect("prep.nomad")
        .replace("cpu    = 500", "cpu    = 7000");
    d.put("jobs/prep.nomad", &big);
    let o = plan(&d.0, "rules", "jobs/prep.nomad");
    assert!(
        o.stdout
            .contains("Quota limit hit \"cpu exhausted (7000 needed > 6000 limit)\""),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn check_reports_np308_for_the_jobs_the_limits_may_bind() {
    let o = run_in(
        &fixture(),
        &[
            "check",
            "--world",
            "rules",
            "jobs/train.nomad",
            "jobs/api.nomad",
            "jobs/prep.nomad",
            "jobs/web.nomad",
        ],
    );
    let all = format!("{}{}", o.stdout, o.stderr);
    // NP308 cannot tell: check exits 2 for it, as plan exits 255.
    assert_eq!(o.code, 2, "{all}");
    let np308: Vec<&str> = all
        .lines()
        .filter(|l| l.starts_with("jobs/") && l.contains("NP308"))
        .collect();
    assert_eq!(np308.len(), 2, "{all}");
    assert!(np308[0].starts_with("jobs/api.nomad:"), "{all}");
    assert!(np308[1].starts_with("jobs/train.nomad:"), "{all}");
    assert!(np308[1].contains("cannot tell whether job \"train\" fits quota \"team\""));
    let o = run_in(
        &fixture(),
        &[
            "check",
            "--world",
            "rules",
            "jobs/prep.nomad",
            "jobs/web.nomad",
        ],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let o = run_in(&fixture(), &["explain", "NP308"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("quota-limit-not-simulated"),
        "{}",
        o.stdout
    );
}

#[test]
fn status_lists_the_limits_not_simulated() {
    // Nomad's own table, then ours, marked.
    let o = run_in(&fixture(), &["status", "quota", "apps", "--world", "rules"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "Name        = apps\nDescription = the application teams\nLimits      = 1\n\n\
Quota Limits\n\
Region  CPU Usage  Core Usage  Memory Usage  Memory Max Usage  Variables Usage\n\
global  0 / 6000   0 / inf     0 / 8192      0 / inf           0 / -\n\n\
Quota Limits Not Simulated (nomad-preflight)\n\
Region  Limit    API Field              Value\n\
global  secrets  RegionLimit.SecretsMB  64 MB\n"
    );
    let o = run_in(
        &fixture(),
        &["status", "quota", "plain", "--world", "rules"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.ends_with(
            "Quota Limits Not Simulated (nomad-preflight)\n\
Region  Limit                 API Field                          Value\n\
global  storage.variables     RegionLimit.Storage.VariablesMB    100 MB\n\
global  storage.host_volumes  RegionLimit.Storage.HostVolumesMB  10240 MB\n"
        ),
        "{}",
        o.stdout
    );
    // 2.0.5 prints a `Node Pool Limits` table whose usage Enterprise
    // counts: cannot tell, and the limit is still named.
    let o = run_in(&fixture(), &["status", "quota", "team", "--world", "rules"]);
    let flat = common::flat(&o.stderr);
    assert_eq!(o.code, 1, "{}{flat}", o.stdout);
    assert!(
        flat.contains("cannot tell what Nomad 2.0.5's `nomad quota status team` prints: the quota limits node pools"),
        "{flat}"
    );
    assert!(
        flat.contains("node_pool \"gpu\" (RegionLimit.NodePools) in global: cpu 1500, memory 1024"),
        "{flat}"
    );
    let o = run_in(&fixture(), &["status", "--world", "rules"]);
    assert!(
        o.stdout
            .contains("==> Quota team\ncannot tell what Nomad 2.0.5's"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("global  node_pool \"gpu\"  RegionLimit.NodePools  cpu 1500, memory 1024"),
        "{}",
        o.stdout
    );
}

// ---- An import of a real cluster's API JSON ----

fn node(id: &str, name: &str, pool: &str) -> serde_json::Value {
    json!({"ID": id, "Name": name, "Datacenter": "dc1",
        "NodePool": pool, "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
        "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64", "nomad.version": "2.0.5",
            "unique.hostname": name, "driver.docker": "1"},
        "Drivers": {"docker": {"Detected": true, "Healthy": true}},
        "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 8192},
            "Disk": {"DiskMB": 102400},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}})
}

/// A 2.0.5 Enterprise cluster as saved: a node in pool `default`, one in
/// `gpu`; namespace `ml` under quota `team`, whose `RegionLimit` is
/// `region_limit` (the server's JSON, zero values included); `web.nomad`
/// in `ml` placing in `pool`.
fn import(tag: &str, region_limit: serde_json::Value, pool: &str) -> TempDir {
    let d = TempDir::new(tag);
    let nodes = [
        node("0c1b2c3d-0000-4000-8000-000000000001", "n1", "default"),
        node("0c1b2c3d-0000-4000-8000-000000000002", "n2", "gpu"),
    ];
    d.put("import/nodes.json", &json!(nodes).to_string());
    for n in &nodes {
        let id = n["ID"].as_str().unwrap_or_default();
        d.put(&format!("import/node-{id}.json"), &n.to_string());
    }
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "2.0.5+ent", "region": "global", "role": "nomad"}}}"#,
    );
    d.put(
        "import/node-pools.json",
        r#"[{"Name": "all"}, {"Name": "default"}, {"Name": "gpu"}]"#,
    );
    d.put(
        "import/namespaces.json",
        r#"[{"Name": "default", "Description": ""}, {"Name": "ml", "Description": "", "Quota": "team"}]"#,
    );
    d.put("import/namespaces-listed.txt", "default\nml\n");
    d.put(
        "import/quotas.json",
        &json!([{"Name": "team", "Description": "the ML team", "Limits": [{
            "Region": "global", "RegionLimit": region_limit,
            "VariablesLimit": null, "Hash": "l2A6f0e4Qk8="}],
            "CreateIndex": 11, "ModifyIndex": 11}])
        .to_string(),
    );
    d.import_rest("import");
    d.put(
        "web.nomad",
        &format!("job \"web\" {{\n  namespace   = \"ml\"\n  datacenters = [\"dc1\"]\n  node_pool   = \"{pool}\"\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 500\n        memory = 256\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

/// A 2.0.5 server's `RegionLimit`: every field, zero unless set.
fn region_limit(set: serde_json::Value) -> serde_json::Value {
    let mut rl = json!({"CPU": 6000, "Cores": 0, "MemoryMB": 8192, "MemoryMaxMB": 0,
        "Devices": null, "NUMA": null, "SecretsMB": 0, "Storage": null, "NodePools": null,
        "DiskMB": 0, "IOPS": 0, "Networks": null});
    if let (Some(rl), Some(set)) = (rl.as_object_mut(), set.as_object()) {
        for (k, v) in set {
            rl.insert(k.clone(), v.clone());
        }
    }
    rl
}

const WEB_LINE: &str = "error: cannot tell whether job \"web\" fits quota \"team\": in region \"global\" the quota sets limits nomad-preflight does not simulate, which Nomad Enterprise counts in code that is not public: ";

#[test]
fn an_imported_node_pool_and_secrets_limit_are_cannot_tell() {
    let limits = region_limit(json!({"SecretsMB": 64,
        "NodePools": [{"NodePool": "gpu", "CPU": 1500, "Cores": null, "MemoryMB": 1024,
            "MemoryMaxMB": null, "Devices": null, "NUMA": null, "SecretsMB": null, "Storage": null}]}));
    let d = import("quota-limits-import", limits, "gpu");
    let o = plan(&d.0, "import", "web.nomad");
    assert_cannot_tell(
        &o,
        &format!("{WEB_LINE}node_pool \"gpu\" (RegionLimit.NodePools): cpu 1500, memory 1024; secrets (RegionLimit.SecretsMB): 64 MB; judge it on the cluster (`nomad job plan`), or remove those limits from the world"),
    );
    // `import` warns on stderr, naming each limit.
    let o = run_in(&d.0, &["import", "import"]);
    let flat = common::flat(&o.stderr);
    assert_eq!(o.code, 0, "{}{flat}", o.stdout);
    for limit in [
        "node_pool \"gpu\" (RegionLimit.NodePools): cpu 1500, memory 1024",
        "secrets (RegionLimit.SecretsMB): 64 MB",
    ] {
        assert!(
            flat.contains(&format!("world::quota-not-simulated ⚠ quota `team` sets a limit nomad-preflight does not simulate in region `global`: {limit}")),
            "{limit}: {flat}"
        );
    }
    // The written world keeps both limits: the same verdict.
    let o = run_in(&d.0, &["import", "import", "--write", "written"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let o = plan(&d.0, "written", "web.nomad");
    assert_cannot_tell(
        &o,
        &format!("{WEB_LINE}node_pool \"gpu\" (RegionLimit.NodePools): cpu 1500, memory 1024; secrets (RegionLimit.SecretsMB): 64 MB; judge it on the cluster (`nomad job plan`), or remove those limits from the world"),
    );
    // check and status read the same.
    let o = run_in(&d.0, &["check", "--world", "import", "web.nomad"]);
    assert!(
        o.stdout.contains("NP308") || o.stderr.contains("NP308"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn an_imported_key_the_tool_does_not_know_is_cannot_tell_and_not_written() {
    let d = import(
        "quota-limits-unknown",
        region_limit(json!({"GpuHoursMB": 40})),
        "default",
    );
    let o = plan(&d.0, "import", "web.nomad");
    assert_cannot_tell(
        &o,
        &format!("{WEB_LINE}RegionLimit.GpuHoursMB (RegionLimit.GpuHoursMB): 40; judge it on the cluster (`nomad job plan`), or remove those limits from the world"),
    );
    let o = run_in(&d.0, &["import", "import", "--write", "written"]);
    let flat = common::flat(&o.stderr);
    assert_ne!(o.code, 0, "{}{flat}", o.stdout);
    assert!(flat.contains("import::quota-key-not-written"), "{flat}");
    assert!(!d.0.join("written/quotas/team.hcl").exists());
}

/// Guard (passes before this change too): a 2.0.5 server's quota with
/// only simulated limits (every other field at its zero value) plans as
/// Nomad would; so does a node pool limit of a pool the job does not use.
#[test]
fn an_imported_quota_of_simulated_limits_plans_cleanly() {
    let d = import("quota-limits-guard", region_limit(json!({})), "default");
    assert_placed(&plan(&d.0, "import", "web.nomad"));
    let other_pool = region_limit(json!({"NodePools": [{"NodePool": "gpu", "CPU": 1500}],
        "Storage": {"VariablesMB": 100, "HostVolumesMB": 0}}));
    let d = import("quota-limits-guard-pool", other_pool, "default");
    assert_placed(&plan(&d.0, "import", "web.nomad"));
}
