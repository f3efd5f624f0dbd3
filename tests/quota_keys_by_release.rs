//! Each quota limit the tool keeps but does not simulate, at the release
//! before its first and at its first (src/world/quota_since.rs). Keys of
//! Nomad's quota HCL (`variables_limit` 1.4.0, `storage` 1.10.0,
//! `node_pool` 1.11.2; command/quota_apply.go's key lists at every tag)
//! are refused before, with `nomad quota apply`'s words; keys only the API
//! takes (`secrets` 1.8.3, `numa` 1.7.0, `disk`/`iops` until 1.10.0, the
//! api.Resources/api.QuotaResources fields) are dropped, as Nomad's JSON
//! decoding drops them, and then bind no plan. An import whose servers
//! return such a key at a release without it is inconsistent. Before,
//! every key was kept at every release.

use crate::common;

use common::{run_in, TempDir};
use serde_json::json;

const PLACED: &str = "- All tasks successfully allocated.";

/// A world of Nomad `version`: one client, namespace `apps` under quota
/// `apps`, whose limit carries `limit_extra` and whose region limit
/// carries `region_extra`; `jobs/api.nomad` in `apps`.
fn world(tag: &str, version: &str, limit_extra: &str, region_extra: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\nregion        = \"global\"\n\nclient \"c\" {{\n  count         = 1\n  datacenter    = \"dc1\"\n  cpu           = 4000\n  memory        = 8192\n  disk          = 102400\n  network_mbits = 1000\n  drivers       = [\"docker\"]\n}}\n"),
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d.put(
        "rules/namespaces/apps.hcl",
        "name  = \"apps\"\nquota = \"apps\"\n",
    );
    d.put(
        "rules/quotas/apps.hcl",
        &format!("name = \"apps\"\n\nlimit {{\n  region = \"global\"\n{limit_extra}  region_limit {{\n    cpu    = 6000\n    memory = 8192\n{region_extra}  }}\n}}\n"),
    );
    d.put(
        "jobs/api.nomad",
        "job \"api\" {\n  namespace   = \"apps\"\n  datacenters = [\"dc1\"]\n\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n\n      config {\n        image = \"app:1.2\"\n      }\n\n      resources {\n        cpu    = 500\n        memory = 256\n      }\n    }\n  }\n}\n",
    );
    d
}

fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0, &["plan", "--world", "rules", "jobs/api.nomad"])
}

/// The world is refused naming the key's first release and Nomad's line;
/// no verdict (plan 255, check 2).
fn assert_refused(d: &TempDir, key: &str, first: &str, line: &str) {
    let o = plan(d);
    let flat = common::flat(&o.stderr);
    assert_eq!(o.code, 255, "{}{flat}", o.stdout);
    assert!(!o.stdout.contains(PLACED), "{}", o.stdout);
    assert!(
        flat.contains(&format!(
            "quota `apps` sets `{key}`, a Nomad {first}+ quota key"
        )),
        "{flat}"
    );
    assert!(flat.contains(line), "{flat}");
    assert!(flat.contains("world::version-gate"), "{flat}");
    let o = run_in(&d.0, &["check", "--world", "rules", "jobs/api.nomad"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
}

/// Nomad's verdict, no `cannot tell`.
fn assert_placed(o: &common::Out) {
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{all}");
    assert!(o.stdout.contains(PLACED), "{all}");
    assert!(!o.stderr.contains("cannot tell"), "{all}");
}

/// One `cannot tell` line naming `limit`, exit 255.
fn assert_cannot_tell(o: &common::Out, limit: &str) {
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 255, "{all}");
    assert!(!o.stdout.contains(PLACED), "{all}");
    let line = o
        .stderr
        .lines()
        .find(|l| l.starts_with("error: cannot tell whether job \"api\" fits quota \"apps\""))
        .unwrap_or_default();
    assert!(line.contains(limit), "{all}");
}

#[test]
fn variables_limit_is_refused_before_1_4_0() {
    let extra = "  variables_limit = 100\n";
    assert_refused(
        &world("qk-vl-13", "1.3.16", extra, ""),
        "variables_limit",
        "1.4.0",
        "limit -> invalid key: variables_limit",
    );
    // 1.4.0: kept, and no placement counts it.
    let o = plan(&world("qk-vl-14", "1.4.0", extra, ""));
    assert_placed(&o);
    assert!(
        common::flat(&o.stderr).contains("variables_limit (VariablesLimit): 100 MB"),
        "{}",
        o.stderr
    );
}

#[test]
fn storage_is_refused_before_1_10_0() {
    let extra = "    storage {\n      variables    = 100\n      host_volumes = 1000\n    }\n";
    let d = world("qk-st-19", "1.9.7", "", extra);
    assert_refused(
        &d,
        "storage.variables",
        "1.10.0",
        "limit -> region_limit -> resources -> invalid key: storage",
    );
    let flat = common::flat(&plan(&d).stderr);
    assert!(
        flat.contains("quota `apps` sets `storage.host_volumes`, a Nomad 1.10.0+ quota key"),
        "{flat}"
    );
    assert_placed(&plan(&world("qk-st-110", "1.10.0", "", extra)));
}

#[test]
fn node_pool_is_refused_before_1_11_2() {
    let extra = "    node_pool \"default\" {\n      cpu = 1000\n    }\n";
    assert_refused(
        &world("qk-np-1111", "1.11.1", "", extra),
        "node_pool \"default\"",
        "1.11.2",
        "limit -> region_limit -> resources -> invalid key: node_pool",
    );
    // 1.11.2: kept, and Enterprise counts it in code that is not public.
    let o = plan(&world("qk-np-1112", "1.11.2", "", extra));
    assert_cannot_tell(
        &o,
        "node_pool \"default\" (RegionLimit.NodePools): cpu 1000",
    );
}

/// A key only the API takes, at a release whose struct lacks it: dropped
/// with a warning, and the plan is Nomad's, not limited by it.
fn assert_dropped(o: &common::Out, describe: &str, version: &str) {
    assert_placed(o);
    let flat = common::flat(&o.stderr);
    assert!(
        flat.contains(&format!(
            "world::version-gate: quota `apps` sets {describe}, which Nomad {version} has no field for"
        )),
        "{flat}"
    );
    assert!(!flat.contains("world::quota-not-simulated"), "{flat}");
}

#[test]
fn secrets_is_dropped_before_1_8_3() {
    let extra = "    secrets = 64\n";
    assert_dropped(
        &plan(&world("qk-se-182", "1.8.2", "", extra)),
        "secrets (RegionLimit.SecretsMB): 64 MB",
        "1.8.2",
    );
    let o = plan(&world("qk-se-183", "1.8.3", "", extra));
    assert_cannot_tell(&o, "secrets (RegionLimit.SecretsMB): 64 MB");
}

#[test]
fn numa_is_dropped_before_1_7_0() {
    let extra = "    numa {\n      affinity = \"require\"\n    }\n";
    assert_dropped(
        &plan(&world("qk-nu-16", "1.6.10", "", extra)),
        "numa (RegionLimit.NUMA): affinity \"require\"",
        "1.6.10",
    );
    let o = plan(&world("qk-nu-17", "1.7.0", "", extra));
    assert_cannot_tell(&o, "numa (RegionLimit.NUMA): affinity \"require\"");
}

#[test]
fn disk_and_iops_are_dropped_from_1_10_0() {
    let extra = "    disk = 5000\n    iops = 100\n";
    let o = plan(&world("qk-di-19", "1.9.7", "", extra));
    assert_cannot_tell(&o, "disk (RegionLimit.DiskMB): 5000 MB");
    let o = plan(&world("qk-di-110", "1.10.0", "", extra));
    assert_dropped(&o, "disk (RegionLimit.DiskMB): 5000 MB", "1.10.0");
    assert!(
        common::flat(&o.stderr).contains("quota `apps` sets iops (RegionLimit.IOPS): 100"),
        "{}",
        o.stderr
    );
}

// ---- Imports ----

fn node(id: &str, version: &str) -> serde_json::Value {
    json!({"ID": id, "Name": "n1", "Datacenter": "dc1",
        "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
        "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64", "nomad.version": version,
            "unique.hostname": "n1", "driver.docker": "1"},
        "Drivers": {"docker": {"Detected": true, "Healthy": true}},
        "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 8192},
            "Disk": {"DiskMB": 102400},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}})
}

/// An Enterprise cluster of `version` as saved, quota `apps` with the
/// `RegionLimit` `rl` and the limit's own `limit_extra` keys.
fn import(
    tag: &str,
    version: &str,
    rl: serde_json::Value,
    limit_extra: serde_json::Value,
) -> TempDir {
    let d = TempDir::new(tag);
    let id = "0c1b2c3d-0000-4000-8000-000000000001";
    let n = node(id, version);
    d.put("import/nodes.json", &json!([n]).to_string());
    d.put(&format!("import/node-{id}.json"), &n.to_string());
    d.put(
        "import/agent-self.json",
        &json!({"member": {"Tags": {"build": format!("{version}+ent"), "region": "global", "role": "nomad"}}}).to_string(),
    );
    d.put(
        "import/namespaces.json",
        r#"[{"Name": "default", "Description": ""}, {"Name": "apps", "Description": "", "Quota": "apps"}]"#,
    );
    d.put("import/namespaces-listed.txt", "default\napps\n");
    let mut limit = json!({"Region": "global", "RegionLimit": rl, "Hash": "l2A6f0e4Qk8="});
    if let (Some(l), Some(extra)) = (limit.as_object_mut(), limit_extra.as_object()) {
        for (k, v) in extra {
            l.insert(k.clone(), v.clone());
        }
    }
    d.put(
        "import/quotas.json",
        &json!([{"Name": "apps", "Description": "", "Limits": [limit],
            "CreateIndex": 11, "ModifyIndex": 11}])
        .to_string(),
    );
    d.import_rest("import");
    d
}

fn assert_inconsistent(d: &TempDir, carries: &str, version: &str) {
    let o = run_in(&d.0, &["import", "import"]);
    let flat = common::flat(&o.stderr);
    assert_ne!(o.code, 0, "{}{flat}", o.stdout);
    assert!(
        flat.contains(&format!(
            "inconsistent import: quota `apps` (region `global`) carries {carries}, which Nomad {version} has no field for"
        )),
        "{flat}"
    );
}

#[test]
fn an_import_carrying_a_key_its_release_lacks_is_inconsistent() {
    let rl = json!({"CPU": 6000, "MemoryMB": 8192,
        "NodePools": [{"NodePool": "default", "CPU": 1000}]});
    assert_inconsistent(
        &import("qk-imp-np", "1.11.1", rl, json!({})),
        "node_pool \"default\" (RegionLimit.NodePools): cpu 1000",
        "1.11.1",
    );
    let rl = json!({"CPU": 6000, "MemoryMB": 8192, "DiskMB": 0, "IOPS": 0, "SecretsMB": 0});
    assert_inconsistent(
        &import("qk-imp-vl", "1.3.16", rl, json!({"VariablesLimit": 100})),
        "variables_limit (VariablesLimit): 100 MB",
        "1.3.16",
    );
}

/// Guard (passes before this change too): the same keys at their first
/// release import cleanly.
#[test]
fn an_import_at_the_keys_first_release_is_whole() {
    let rl = json!({"CPU": 6000, "MemoryMB": 8192,
        "NodePools": [{"NodePool": "default", "CPU": 1000}]});
    let o = run_in(
        &import("qk-imp-ok", "1.11.2", rl, json!({})).0,
        &["import", "import"],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
