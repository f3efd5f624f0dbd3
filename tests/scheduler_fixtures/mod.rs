//! The SockShop demo as shipped (jobs/ and rules/ of the checkout, through
//! the real front end and world loader), plus small builders for jobs the
//! demo does not have.
#![allow(dead_code)]

use std::path::PathBuf;

use nomad_preflight::jobspec::{
    Constraint, Duration, EphemeralDisk, Job, JobType, MigrateStrategy, Network, Port, Resources,
    Task, TaskGroup, UpdateStrategy,
};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::world::{Namespace, World};

pub fn port(label: &str, value: i64) -> Port {
    Port {
        label: label.into(),
        value,
        ..Port::default()
    }
}

/// A task with `network { mbits = 10 }` and one `http` port (static when `static_port` > 0).
pub fn task(name: &str, driver: &str, cpu: i64, mem: i64, static_port: i64) -> Task {
    let mut net = Network {
        mbits: 10,
        ..Network::default()
    };
    if static_port > 0 {
        net.reserved_ports.push(port("http", static_port));
    } else {
        net.dynamic_ports.push(port("http", 0));
    }
    Task {
        name: name.into(),
        driver: driver.into(),
        resources: Resources {
            cpu,
            memory_mb: mem,
            networks: vec![net],
            ..Resources::default()
        },
        ..Task::default()
    }
}

pub fn group(
    name: &str,
    count: i64,
    disk: i64,
    tasks: Vec<Task>,
    update: Option<UpdateStrategy>,
    service: bool,
) -> TaskGroup {
    TaskGroup {
        name: name.into(),
        count,
        ephemeral_disk: EphemeralDisk {
            size_mb: disk,
            ..EphemeralDisk::default()
        },
        update,
        // Service jobs get Nomad's default migrate block.
        migrate: service.then(|| MigrateStrategy {
            max_parallel: 1,
            health_check: "checks".into(),
            min_healthy_time: Duration::secs(10),
            healthy_deadline: Duration::mins(5),
            ..MigrateStrategy::default()
        }),
        tasks,
        ..TaskGroup::default()
    }
}

fn linux() -> Constraint {
    Constraint {
        ltarget: "${attr.kernel.name}".into(),
        rtarget: "linux".into(),
        operand: "=".into(),
        ..Constraint::default()
    }
}

fn update() -> UpdateStrategy {
    UpdateStrategy {
        stagger: Duration::secs(10),
        max_parallel: 1,
        ..UpdateStrategy::default()
    }
}

pub fn job(
    id: &str,
    job_type: JobType,
    priority: i64,
    namespace: &str,
    groups: Vec<TaskGroup>,
) -> Job {
    Job {
        id: id.into(),
        name: id.into(),
        job_type,
        priority,
        region: "global".into(),
        namespace: namespace.into(),
        datacenters: vec!["dc1".into()],
        constraints: vec![linux()],
        update: Some(update()),
        groups,
        ..Job::default()
    }
}

/// The checkout's own files: the demo is never built a second time here.
fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped job file (`jobs/NAME.nomad`) through the real front end, with
/// the demo world's Nomad version.
pub fn shipped_job(name: &str) -> Job {
    let vfs = nomad_preflight::vfs::DiskVfs::new(manifest());
    let opts = nomad_preflight::jobspec::LoadOptions {
        version: NomadVersion::DEMO,
        repo_root: Some(manifest()),
        ..Default::default()
    };
    let path = PathBuf::from(format!("jobs/{name}.nomad"));
    let parsed = nomad_preflight::jobspec::load(&vfs, &path, &opts);
    match parsed.job {
        Some(job) if !parsed.diags.has_errors() => job,
        _ => panic!(
            "{}: {}",
            path.display(),
            nomad_preflight::diag::render(&parsed.diags.0, false)
        ),
    }
}

/// jobs/sockshop.nomad with the `carts` group at `carts` allocations.
pub fn sockshop(carts: i64) -> Job {
    let mut job = shipped_job("sockshop");
    job.group_mut("carts").expect("sockshop has carts").count = carts;
    job
}

/// jobs/sockshopui.nomad.
pub fn sockshopui() -> Job {
    shipped_job("sockshopui")
}

/// jobs/monitoring.nomad in `namespace` (the file's namespace line is
/// commented out: the demo uncomments it).
pub fn monitoring(namespace: &str) -> Job {
    let mut job = shipped_job("monitoring");
    job.namespace = namespace.into();
    job
}

/// The shipped world: rules/ (cluster, quotas, namespaces, policy) with the
/// jobs its `running` list names.
pub fn demo_world() -> World {
    let vfs = nomad_preflight::vfs::DiskVfs::new(manifest());
    let (world, _) = nomad_preflight::world::load(&vfs, std::path::Path::new("rules"))
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    assert_eq!(world.running.len(), 2, "sockshop and sockshopui run");
    world
}

pub fn monitor_namespace() -> Namespace {
    Namespace {
        name: "monitor".into(),
        ..Namespace::default()
    }
}
