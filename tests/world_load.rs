//! The world loader: the shipped demo world, defaults, and located
//! diagnostics for broken world files (snapshots `world_broken_*`).

use std::path::{Path, PathBuf};

use nomad_preflight::diag::{render, Severity};
use nomad_preflight::jobspec;
use nomad_preflight::structs::resources::task_group_resources;
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::{DiskVfs, MemVfs};
use nomad_preflight::world::{self, Algorithm, RuleLevel};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped rules/ in memory, with `running` cut off: the jobs it names
/// are loaded by the job front end (see tests/world_running.rs).
fn demo_without_running() -> MemVfs {
    let mut vfs = MemVfs::new("demo");
    for rel in [
        "rules/cluster.hcl",
        "rules/policy.hcl",
        "rules/quotas/default.hcl",
        "rules/namespaces/default.hcl",
    ] {
        let text = std::fs::read_to_string(manifest().join(rel)).unwrap();
        let text = match (rel, text.find("\nrunning = [")) {
            ("rules/cluster.hcl", Some(i)) => text[..i].to_string(),
            _ => text,
        };
        vfs.insert(rel, text);
    }
    vfs
}

#[test]
fn demo_world_models_the_sockshop_cluster() {
    let (w, warnings) = world::load(&demo_without_running(), Path::new("rules")).unwrap();
    assert!(warnings.is_empty(), "{}", render(&warnings.0, false));
    assert_eq!(w.nomad_version, NomadVersion::DEMO);
    assert_eq!(w.region, "global");
    assert_eq!(w.scheduler.algorithm, Algorithm::Binpack);
    assert!(w.scheduler.preemption.service && w.scheduler.preemption.system);
    assert!(!w.scheduler.preemption.batch);
    let aws = &w.clients[0];
    assert_eq!((aws.name.as_str(), aws.count), ("aws", 3));
    assert_eq!((aws.cpu, aws.memory, aws.network_mbits), (4600, 3951, 300));
    assert_eq!(
        aws.attributes.get("kernel.name").map(String::as_str),
        Some("linux")
    );
    assert!(aws.drivers.iter().any(|d| d == "java"));
    let q = w.quota_of("default").unwrap();
    assert_eq!(q.description, "web team quota");
    let limit = q.limit_for("global").unwrap();
    assert_eq!(
        (limit.region_limit.cpu, limit.region_limit.memory),
        (Some(3000), Some(9500))
    );
    assert_eq!(w.policy.preemption_gap, 10);
    assert_eq!(w.policy.bands[0].max, 70);
    assert_eq!(w.policy.protected.jobs, vec!["sockshop", "sockshopui"]);
    assert_eq!(w.project_root, PathBuf::from(""));
}

/// Memory (MB) of every task group of a shipped job file, as the scheduler
/// counts it, read from jobs/ through the real job front end.
fn group_memory(world: &world::World, file: &str) -> Vec<(String, i64)> {
    let vfs = DiskVfs::new(manifest());
    let opts = jobspec::LoadOptions {
        version: world.nomad_version,
        repo_root: Some(manifest()),
        ..jobspec::LoadOptions::default()
    };
    let parsed = jobspec::load(&vfs, Path::new(file), &opts);
    let job = parsed
        .job
        .unwrap_or_else(|| panic!("{file}: {}", render(&parsed.diags.0, false)));
    job.groups
        .iter()
        .map(|g| {
            (
                g.name.clone(),
                task_group_resources(g, world.nomad_version).memory_mb,
            )
        })
        .collect()
}

/// The placement story in cluster.hcl's comment, recomputed from the job
/// files and the loaded capacities, so that editing a job, a client or the
/// comment's figures cannot silently break it.
#[test]
fn demo_capacities_tell_the_preemption_story() {
    let (w, _) = world::load(&demo_without_running(), Path::new("rules")).unwrap();
    let m = w.clients[0].memory;
    let shop = group_memory(&w, "jobs/sockshop.nomad");
    let ui = group_memory(&w, "jobs/sockshopui.nomad");
    let monitoring = group_memory(&w, "jobs/monitoring.nomad");
    let mem = |name: &str| -> i64 {
        shop.iter()
            .chain(&ui)
            .chain(&monitoring)
            .find(|(g, _)| g == name)
            .map(|(_, m)| *m)
            .unwrap_or_else(|| panic!("no group {name}"))
    };
    // The comment's per-group figures are the job files' figures.
    let cluster = std::fs::read_to_string(manifest().join("rules/cluster.hcl")).unwrap();
    for (group, _) in shop.iter().chain(&ui).chain(&monitoring) {
        let figure = format!("{group} {}", mem(group));
        assert!(
            cluster.contains(&figure),
            "rules/cluster.hcl's comment lacks {figure:?}"
        );
    }
    let total: i64 = shop.iter().map(|(_, m)| m).sum();
    assert!(cluster.contains(&format!("(sockshop = {total})")));
    let frontend = mem("frontend");
    let carts = mem("carts");
    let foundation = mem("foundation");
    let aws1 = ["user", "catalogue", "carts", "orders", "payment"]
        .iter()
        .map(|g| mem(g))
        .sum::<i64>();
    let aws2 = mem("backoffice");
    assert_eq!(aws1 + aws2, total, "the two lists cover sockshop");
    // (a) the placement in the comment fits: nothing overflows a node.
    for used in [aws1, aws2, foundation] {
        assert!(used + frontend <= m);
    }
    assert!(
        aws1 + aws2 + frontend > m,
        "backoffice must not fit next to the rest"
    );
    assert!(aws1 + foundation + frontend > m && aws2 + foundation + frontend > m);
    // (b) carts 1 -> 3 after that placement: one fits on aws-2, the second
    // fits nowhere...
    let free = [
        m - aws1 - frontend,
        m - aws2 - frontend - carts,
        m - foundation - frontend,
    ];
    assert!(m - aws2 - frontend >= carts);
    assert!(free.iter().all(|f| *f < carts), "{free:?}");
    // ...unless foundation is preempted.
    assert!(free[2] + foundation >= carts);
    // (c) a fourth client holds foundation again.
    assert!(m - frontend >= foundation);
}

#[test]
fn minimal_world_gets_nomads_defaults() {
    let mut vfs = MemVfs::new("t");
    vfs.insert(
        "w/cluster.hcl",
        "client \"c\" {\n  cpu = 1000\n  memory = 1024\n  disk = 1024\n  drivers = [\"exec\"]\n}\n",
    );
    let (w, warnings) = world::load(&vfs, Path::new("w")).unwrap();
    assert_eq!(w.nomad_version, NomadVersion::CURRENT);
    assert!(w.scheduler.preemption.system && !w.scheduler.preemption.service);
    assert!(w.namespaces.contains_key("default"));
    assert_eq!(w.clients[0].count, 1);
    assert_eq!(w.clients[0].datacenter, "dc1");
    assert_eq!(w.clients[0].node_pool, "default");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings.0[0].code, "world::no-version");
    assert_eq!(warnings.0[0].severity, Severity::Warning);
}

#[test]
fn policy_rules_and_ignores_map_onto_the_model() {
    let mut vfs = MemVfs::new("t");
    vfs.insert(
        "w/cluster.hcl",
        "nomad_version = \"2.0.5\"\nclient \"c\" {\n  cpu = 1000\n  memory = 1024\n  disk = 1024\n  drivers = [\"exec\"]\n}\n",
    );
    vfs.insert(
        "w/policy.hcl",
        "require_quota = true\nrule \"NP301\" { severity = \"off\" }\nrule \"NP102\" { severity = \"error\" }\nignore \"jobs/legacy/*.nomad\" { rules = [\"NP101\"] }\n",
    );
    let (w, _) = world::load(&vfs, Path::new("w")).unwrap();
    assert!(w.policy.require_quota);
    assert_eq!(w.policy.rules.get("NP301"), Some(&RuleLevel::Off));
    assert_eq!(
        w.policy.rules.get("NP102"),
        Some(&RuleLevel::On(Severity::Error))
    );
    assert_eq!(w.policy.ignores[0].glob, "jobs/legacy/*.nomad");
    assert_eq!(w.policy.ignores[0].codes, vec!["NP101"]);
}

#[test]
fn find_world_walks_up_to_the_rules_folder() {
    let base = std::env::temp_dir().join(format!("np-find-world-{}", std::process::id()));
    let deep = base.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir_all(base.join("rules")).unwrap();
    assert_eq!(world::find_world(&deep), None);
    std::fs::write(base.join("rules/cluster.hcl"), "").unwrap();
    assert_eq!(world::find_world(&deep), Some(base.join("rules")));
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn missing_cluster_file_is_an_error_with_help() {
    let err = world::load(&MemVfs::new("t"), Path::new("rules")).unwrap_err();
    assert_eq!(err.0[0].code, "world::missing-cluster");
    assert!(err.0[0].help.is_some());
}

/// Every broken fixture fails with located, helpful diagnostics.
#[test]
fn broken_worlds_report_located_diagnostics() {
    let dir = manifest().join("tests/fixtures/world/broken");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    for name in names {
        let vfs = DiskVfs::new(dir.join(&name));
        let diags = match world::load(&vfs, Path::new("rules")) {
            Ok((_, w)) => panic!("{name}: expected errors, got only {} warnings", w.len()),
            Err(d) => d,
        };
        for d in diags.iter() {
            assert!(
                d.location().is_some() || d.source.is_some(),
                "{name}: unlocated {d}"
            );
        }
        assert_snap!(format!("world_broken_{name}"), render(&diags.0, false));
    }
}

#[test]
fn client_node_state_is_read_and_a_bad_value_is_located() {
    let client = |state: &str| {
        format!("client \"c\" {{\n  cpu = 1000\n  memory = 1024\n  disk = 1024\n  drivers = [\"exec\"]\n{state}}}\n")
    };
    let mut vfs = MemVfs::new("t");
    vfs.insert(
        "w/cluster.hcl",
        client("  status = \"down\"\n  eligibility = \"ineligible\"\n  drain = true\n"),
    );
    let (w, _) = world::load(&vfs, Path::new("w")).unwrap();
    let s = w.clients[0].state;
    assert_eq!(s.status, nomad_preflight::cluster::NodeStatus::Down);
    assert!(s.ineligible && s.drain);
    vfs.insert("w/cluster.hcl", client("  eligibility = \"maybe\"\n"));
    let err = world::load(&vfs, Path::new("w")).unwrap_err();
    let text = render(&err.0, false);
    assert!(text.contains("`eligibility` must be one of"), "{text}");
    assert!(text.contains("cluster.hcl:6"), "{text}");
}
