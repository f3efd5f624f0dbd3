//! The capacity and quota rules judge a job with the cluster builder's
//! clients and the scheduler's own feasibility, fit and quota code. Each
//! test loads a job through the real front end and checks the words and
//! the verdicts a user sees, per Nomad release where the scheduler's rule
//! differs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nomad_preflight::diag::Diag;
use nomad_preflight::jobspec::{self, LoadOptions, Spans};
use nomad_preflight::rules::{self, RuleContext};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::MemVfs;
use nomad_preflight::world::{
    ClientPool, Namespace, QuotaLimit, QuotaSpec, RegionLimit, World, WorldOrigin,
};

fn pool(name: &str, cpu: i64, memory: i64, disk: i64, drivers: &[&str]) -> ClientPool {
    ClientPool {
        name: name.into(),
        count: 2,
        datacenter: "dc1".into(),
        cpu,
        memory,
        disk,
        network_mbits: 1000,
        drivers: drivers.iter().map(|d| d.to_string()).collect(),
        ..ClientPool::default()
    }
}

/// A 4000 MHz / 2000 MB / 5000 MB docker pool and a 1000 MHz / 8000 MB /
/// 50000 MB java pool in dc1; namespace `default` under a quota of
/// `limit`.
fn world(version: NomadVersion, limit: RegionLimit) -> World {
    let quota = QuotaSpec {
        name: "team".into(),
        limits: vec![QuotaLimit {
            region: "global".into(),
            region_limit: limit,
            spans: Spans::default(),
        }],
        ..QuotaSpec::default()
    };
    World {
        origin: WorldOrigin::Dir(PathBuf::from("rules")),
        project_root: PathBuf::from("."),
        nomad_version: version,
        region: "global".into(),
        scheduler: Default::default(),
        clients: vec![
            pool("wide", 4000, 2000, 5000, &["docker"]),
            pool("tall", 1000, 8000, 50_000, &["java"]),
        ],
        quotas: BTreeMap::from([("team".to_string(), quota)]),
        namespace_list: Default::default(),
        namespaces: BTreeMap::from([(
            "default".to_string(),
            Namespace {
                name: "default".into(),
                quota: Some("team".into()),
                ..Namespace::default()
            },
        )]),
        policy: Default::default(),
        running: Vec::new(),
        pinned: None,
        csi_volumes: Default::default(),
        server: Default::default(),
        stated_edition: None,
        sentinel: None,
        alloc_states: Default::default(),
        read_through: Vec::new(),
        stand_ins: Vec::new(),
        deployments: Default::default(),
        status_facts: None,
        nil_deployment_states: Default::default(),
        warnings: Default::default(),
    }
}

fn unlimited() -> RegionLimit {
    RegionLimit::default()
}

/// Findings of `code` for `text` under `world`, through the full pipeline.
fn findings(world: &World, code: &str, text: &str) -> Vec<Diag> {
    let mut vfs = MemVfs::new("test");
    vfs.insert("job.nomad", text);
    let parsed = jobspec::load(&vfs, Path::new("job.nomad"), &LoadOptions::default());
    assert!(parsed.job.is_some(), "{:?}", parsed.diags);
    let ctx = RuleContext::new(&parsed, world, None);
    rules::check_job(&ctx, Path::new("job.nomad"))
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

fn messages(world: &World, code: &str, text: &str) -> Vec<String> {
    findings(world, code, text)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

/// One group; each task is (name, driver, cpu, memory).
fn job(head: &str, disk: i64, tasks: &[(&str, &str, i64, i64)]) -> String {
    let tasks: String = tasks
        .iter()
        .map(|(name, driver, cpu, memory)| {
            format!(
                "    task \"{name}\" {{\n      driver = \"{driver}\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = {memory}\n      }}\n    }}\n"
            )
        })
        .collect();
    format!(
        "job \"app\" {{\n{head}\n  group \"g\" {{\n    count = 2\n    ephemeral_disk {{\n      size = {disk}\n    }}\n{tasks}  }}\n}}\n"
    )
}

const DC1: &str = "  datacenters = [\"dc1\"]";

#[test]
fn np201_names_each_dimension_no_client_offers() {
    let w = world(NomadVersion::CURRENT, unlimited());
    // cpu beyond every pool, disk beyond every pool.
    let text = job(DC1, 60_000, &[("a", "docker", 5000, 100)]);
    assert_eq!(
        messages(&w, "NP201", &text),
        ["group \"g\" cannot fit on any client: cpu 5000 MHz > 4000 MHz, disk 60000 MB > 50000 MB"]
    );
    let help = findings(&w, "NP201", &text)[0].help.clone();
    assert_eq!(
        help.as_deref(),
        Some("the largest client offers 4000 MHz, 8000 MB memory, 50000 MB disk after reservations; lower the tasks' resources or add a larger client pool")
    );
    // 3000 MHz fits only `wide`, 4000 MB only `tall`: no client has both.
    let text = job(DC1, 300, &[("a", "docker", 3000, 4000)]);
    assert_eq!(
        messages(&w, "NP201", &text),
        ["group \"g\" cannot fit on any client: no single client has 3000 MHz, 4000 MB memory and 300 MB disk together"]
    );
    // Each dimension at exactly the largest offer, but on different clients:
    // no dimension is over any offer, the combination is.
    let text = job(DC1, 50_000, &[("a", "docker", 4000, 8000)]);
    assert_eq!(
        messages(&w, "NP201", &text),
        ["group \"g\" cannot fit on any client: no single client has 4000 MHz, 8000 MB memory and 50000 MB disk together"]
    );
    // Exactly what a client offers fits.
    let text = job(DC1, 5000, &[("a", "docker", 4000, 2000)]);
    assert!(messages(&w, "NP201", &text).is_empty());
    let text = job(DC1, 300, &[("a", "docker", 100, 8001)]);
    assert_eq!(
        messages(&w, "NP201", &text),
        ["group \"g\" cannot fit on any client: memory 8001 MB > 8000 MB"]
    );
}

#[test]
fn a_job_no_pool_takes_is_reported_once_by_np206() {
    let w = world(NomadVersion::CURRENT, unlimited());
    let text = job(
        "  datacenters = [\"eu-1\"]\n  constraint {\n    attribute = \"${attr.kernel.name}\"\n    value     = \"windows\"\n  }",
        90_000,
        &[("a", "qemu", 9000, 90_000)],
    );
    for code in ["NP201", "NP202", "NP203"] {
        assert!(messages(&w, code, &text).is_empty(), "{code}");
    }
    assert_eq!(
        messages(&w, "NP206", &text),
        ["no client is in datacenters [\"eu-1\"] and node pool \"default\""]
    );
    assert_eq!(
        findings(&w, "NP206", &text)[0].help.as_deref(),
        Some("clients are in: dc1 (node pool default)")
    );
}

#[test]
fn np206_explains_a_glob_the_release_reads_literally() {
    let text = job(
        "  datacenters = [\"dc*\"]",
        300,
        &[("a", "docker", 100, 100)],
    );
    let old = world(NomadVersion::new(1, 4, 9), unlimited());
    let f = findings(&old, "NP206", &text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].message, "no client is in datacenters [\"dc*\"]");
    assert_eq!(
        f[0].help.as_deref(),
        Some("clients are in: dc1; Nomad 1.4.9 matches datacenters exactly (globs need 1.5.0 or later): name them")
    );
    let new = world(NomadVersion::new(1, 5, 0), unlimited());
    assert!(findings(&new, "NP206", &text).is_empty());
    // A literal name that matches nothing gets no glob hint.
    let text = job(
        "  datacenters = [\"dc2\"]",
        300,
        &[("a", "docker", 100, 100)],
    );
    assert_eq!(
        findings(&old, "NP206", &text)[0].help.as_deref(),
        Some("clients are in: dc1")
    );
}

#[test]
fn np202_judges_drivers_per_client() {
    let w = world(NomadVersion::CURRENT, unlimited());
    let split = job(
        DC1,
        300,
        &[("web", "docker", 100, 100), ("jvm", "java", 100, 100)],
    );
    let f = findings(&w, "NP202", &split);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "no client has every driver group \"g\" needs (docker, java): its tasks run on one client together"
    );
    assert_eq!(
        f[0].help.as_deref(),
        Some("wide has docker; tall has java; enable the missing drivers on one client pool, or split the group")
    );
    // A driver no client has is named on its task, once.
    let unknown = job(
        DC1,
        300,
        &[("web", "docker", 100, 100), ("vm", "qemu", 100, 100)],
    );
    assert_eq!(
        messages(&w, "NP202", &unknown),
        ["no client in datacenters [\"dc1\"] has the \"qemu\" driver needed by task \"vm\""]
    );
    let one = job(DC1, 300, &[("a", "java", 100, 100), ("b", "java", 1, 1)]);
    assert!(messages(&w, "NP202", &one).is_empty());
}

/// Before 0.9.6 Nomad's driver check answers at the first of the
/// group's drivers Go's map order yields (scheduler/feasible.go
/// v0.9.3:130-163): each pool with one of them passes by chance. Split
/// drivers are an error with each pool's odds; a group one pool runs
/// whole may still land on the other: a warning. Fails on np12 (the
/// certain "no client has every driver", and nothing in the second case).
#[test]
fn np202_gives_the_odds_before_0_9_6() {
    let w = world(NomadVersion::new(0, 9, 3), unlimited());
    let split = job(
        DC1,
        300,
        &[("web", "docker", 100, 100), ("jvm", "java", 100, 100)],
    );
    assert_eq!(
        messages(&w, "NP202", &split),
        ["no client has every driver group \"g\" needs (docker, java); Nomad 0.9.3's driver check answers at the first of the group's drivers Go's map order yields (fixed in 0.9.6), so it passes clients without one by chance: pool \"wide\" in 87.5% of checks (task \"jvm\" (\"java\") cannot start there); pool \"tall\" in 12.5% of checks (task \"web\" (\"docker\") cannot start there): the group is placed where a task cannot start, or not at all"]
    );
    let mut both = w.clone();
    both.clients[1].drivers.push("docker".into());
    let f = findings(&both, "NP202", &split);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, nomad_preflight::diag::Severity::Warning);
    assert_eq!(
        f[0].message,
        "group \"g\" may be placed on a client without one of its drivers: Nomad 0.9.3's driver check answers at the first of the group's drivers Go's map order yields (fixed in 0.9.6), so it passes clients without one by chance: pool \"wide\" in 87.5% of checks (task \"jvm\" (\"java\") cannot start there)"
    );
    // A driver no client has is certain at any release; from 0.9.6 the
    // split is too.
    let unknown = job(DC1, 300, &[("vm", "qemu", 100, 100)]);
    assert_eq!(
        messages(&w, "NP202", &unknown),
        ["no client in datacenters [\"dc1\"] has the \"qemu\" driver needed by task \"vm\""]
    );
    let fixed = world(NomadVersion::new(0, 9, 6), unlimited());
    assert!(findings(&fixed, "NP202", &split)[0]
        .message
        .starts_with("no client has every driver group \"g\" needs (docker, java): "));
    let mut fixed_both = fixed.clone();
    fixed_both.clients[1].drivers.push("docker".into());
    assert!(findings(&fixed_both, "NP202", &split).is_empty());
}

#[test]
fn np203_evaluates_version_constraints_on_the_worlds_release() {
    let unstated = world(NomadVersion::new(1, 6, 0), unlimited());
    let with = |op: &str, value: &str| {
        job(
            &format!("{DC1}\n  constraint {{\n    attribute = \"${{attr.nomad.version}}\"\n    operator  = \"{op}\"\n    value     = \"{value}\"\n  }}"),
            300,
            &[("a", "docker", 100, 100)],
        )
    };
    // The clients' release unstated, NP225 cannot tell and NP203 says
    // nothing (no client is known to refuse it).
    assert!(messages(&unstated, "NP203", &with("version", ">= 1.7")).is_empty());
    let mut w = unstated.clone();
    for p in &mut w.clients {
        p.attributes.insert("nomad.version".into(), "1.6.0".into());
    }
    assert_eq!(
        messages(&w, "NP203", &with("version", ">= 1.7")),
        ["no client satisfies constraint \"${attr.nomad.version} version >= 1.7\""]
    );
    assert_eq!(
        findings(&w, "NP203", &with("version", ">= 1.7"))[0]
            .help
            .as_deref(),
        Some("${attr.nomad.version} on the client pools: wide: \"1.6.0\", tall: \"1.6.0\"")
    );
    assert!(messages(&w, "NP203", &with("version", ">= 1.6")).is_empty());
    assert!(messages(&w, "NP203", &with("semver", "< 2.0.0")).is_empty());
    // A per-node target is never judged from the world.
    let unique = job(
        &format!("{DC1}\n  constraint {{\n    attribute = \"${{node.unique.name}}\"\n    value     = \"nope\"\n  }}"),
        300,
        &[("a", "docker", 100, 100)],
    );
    assert!(messages(&w, "NP203", &unique).is_empty());
}

#[test]
fn np301_counts_what_the_scheduler_counts() {
    let limit = RegionLimit {
        cpu: Some(1000),
        memory: Some(10_000),
        memory_max: Some(500),
        ..RegionLimit::default()
    };
    // count 2 × 600 MHz; memory_max is enforced only from 1.1.
    let text = job(DC1, 300, &[("a", "docker", 600, 200)]);
    let w = world(NomadVersion::new(1, 0, 0), limit.clone());
    assert_eq!(
        messages(&w, "NP301", &text),
        ["job \"app\" alone exceeds quota \"team\" in region \"global\": cpu 1200 MHz > 1000 MHz"]
    );
    let w = world(NomadVersion::new(1, 1, 0), limit.clone());
    assert_eq!(
        messages(&w, "NP301", &text),
        ["job \"app\" alone exceeds quota \"team\" in region \"global\": cpu 1200 MHz > 1000 MHz"],
        "memory_max 2 × 200 = 400 is within 500: only cpu"
    );
    // A system job places one allocation per eligible client (4 here).
    let system = job(
        &format!("{DC1}\n  type = \"system\""),
        300,
        &[("a", "docker", 100, 200)],
    );
    let w = world(NomadVersion::new(1, 1, 0), limit);
    assert_eq!(
        messages(&w, "NP301", &system),
        ["job \"app\" alone exceeds quota \"team\" in region \"global\": memory_max 800 MB > 500 MB"]
    );
    // A negative limit forbids any use.
    let w = world(
        NomadVersion::CURRENT,
        RegionLimit {
            memory: Some(-1),
            ..RegionLimit::default()
        },
    );
    assert_eq!(
        messages(&w, "NP301", &text),
        ["job \"app\" alone exceeds quota \"team\" in region \"global\": memory 400 MB > -1 MB"]
    );
    // The labels point at the count that multiplies and the memory asks.
    let labels: Vec<String> = findings(&w, "NP301", &text)[0]
        .labels
        .iter()
        .filter_map(|l| l.text.clone())
        .collect();
    assert!(labels.contains(&"× 2".to_string()), "{labels:?}");
    assert!(labels.contains(&"200 MB".to_string()), "{labels:?}");
    assert!(!labels.iter().any(|l| l.ends_with("MHz")), "{labels:?}");
}
