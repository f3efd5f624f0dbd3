//! Test helpers: a small world, and job files loaded by the real front end
//! (no hand-built models, no second parser).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::jobspec::{LoadOptions, ParsedJob, Spans};
use crate::world::{
    ClientPool, Namespace, QuotaLimit, QuotaSpec, RegionLimit, Reserved, World, WorldOrigin,
};

/// Two client pools in dc1 shaped like the demo's t2.medium clients, plus a
/// `default` namespace with a 3000 MHz / 9500 MB quota.
pub fn world() -> World {
    let pool = |name: &str, cpu, memory| ClientPool {
        name: name.into(),
        count: 3,
        datacenter: "dc1".into(),
        node_pool: "default".into(),
        cpu,
        memory,
        disk: 20_000,
        network_mbits: 300,
        drivers: vec!["docker".into(), "exec".into(), "java".into()],
        attributes: BTreeMap::from([
            ("kernel.name".to_string(), "linux".to_string()),
            ("cpu.arch".to_string(), "amd64".to_string()),
        ]),
        reserved: Reserved {
            cpu: 100,
            memory: 256,
            disk: 0,
            ports: vec![22],
        },
        ..ClientPool::default()
    };
    let mut namespaces = BTreeMap::new();
    namespaces.insert(
        "default".to_string(),
        Namespace {
            name: "default".into(),
            quota: Some("default".into()),
            ..Namespace::default()
        },
    );
    let quota = QuotaSpec {
        name: "default".into(),
        limits: vec![QuotaLimit {
            region: "global".into(),
            region_limit: RegionLimit {
                cpu: Some(3000),
                memory: Some(9500),
                ..RegionLimit::default()
            },
            spans: Spans::default(),
        }],
        ..QuotaSpec::default()
    };
    World {
        nomad_version: crate::version::NomadVersion::CURRENT,
        clients: vec![pool("small", 4600, 3900), pool("large", 8000, 15_000)],
        quotas: BTreeMap::from([("default".to_string(), quota)]),
        namespaces,
        ..World::empty(WorldOrigin::Dir(PathBuf::from("rules")), PathBuf::from("."))
    }
}

/// [`world`] with quota `quota`, whose one limit (region `region`) is
/// `region_limit`, attached to a namespace `ml` (the quota tests'
/// shape: scheduler::quota_devices, scheduler::quota_unsimulated).
pub fn quota_world(quota: &str, region: &str, region_limit: RegionLimit) -> World {
    let mut w = world();
    let q = QuotaSpec {
        name: quota.into(),
        limits: vec![QuotaLimit {
            region: region.into(),
            region_limit,
            ..QuotaLimit::default()
        }],
        ..QuotaSpec::default()
    };
    w.quotas.insert(quota.into(), q);
    w.namespaces.insert(
        "ml".into(),
        Namespace {
            name: "ml".into(),
            quota: Some(quota.into()),
            ..Namespace::default()
        },
    );
    w
}

/// A job file through the real front end (`jobspec::load`, the same path
/// `check` takes), so every rule test and inline snapshot sees the model
/// and spans users get. Version: the current one (the world's here).
pub fn load(name: &str, text: &str) -> ParsedJob {
    load_at(name, text, crate::version::NomadVersion::default())
}

/// [`load`] as release `version` reads the file.
pub fn load_at(name: &str, text: &str, version: crate::version::NomadVersion) -> ParsedJob {
    let mut mem = crate::vfs::MemVfs::new("rule test");
    mem.insert(name, text);
    let opts = LoadOptions {
        version,
        ..LoadOptions::default()
    };
    crate::jobspec::load(&mem, std::path::Path::new(name), &opts)
}

/// The world's cluster as `check` simulates it (seed 1), for rules that need
/// the cluster's state.
pub fn simulate(world: &World) -> crate::scheduler::Simulation {
    crate::scheduler::Simulation::new(world, 1).expect("the test world simulates")
}

/// The preemption tests' world: the three `small` clients of [`world`]
/// (3644 MB free each after the reserved 256), no quota on `default`, and
/// preemption for service jobs on or off.
pub fn small_world(service_preemption: bool) -> World {
    let mut w = world();
    w.clients.truncate(1);
    if let Some(ns) = w.namespaces.get_mut("default") {
        ns.quota = None;
    }
    w.scheduler.preemption.service = service_preemption;
    w
}

/// A service job at `priority` with one allocation of `memory` MB on each
/// of the three clients (`distinct_hosts`), 100 MHz each.
pub fn filler(id: &str, priority: i64, memory: i64) -> String {
    format!(
        r#"job "{id}" {{
  datacenters = ["dc1"]
  priority    = {priority}
  constraint {{
    operator = "distinct_hosts"
    value    = "true"
  }}
  group "g" {{
    count = 3
    task "t" {{
      driver = "docker"
      config {{
        image = "busybox:1"
      }}
      resources {{
        cpu    = 100
        memory = {memory}
      }}
    }}
  }}
}}
"#
    )
}

/// `world` simulated with `jobs` registered in order, each fully placed.
pub fn simulate_running(world: &World, jobs: &[String]) -> crate::scheduler::Simulation {
    let mut sim = simulate(world);
    for (i, text) in jobs.iter().enumerate() {
        let parsed = load(&format!("running{i}.nomad"), text);
        let job = parsed.job.expect("a running test job loads");
        let out = sim.run(&job, None).expect("a running test job registers");
        assert!(
            out.plan.failed_tg_allocs.is_empty(),
            "running test job {i} did not place"
        );
    }
    sim
}
