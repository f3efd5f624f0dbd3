//! The SockShop demo built in Rust from FACTS.md (the front end that parses
//! the real job files is developed in parallel), plus small builders.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use nomad_preflight::jobspec::{
    Constraint, Duration, EphemeralDisk, Job, JobType, MigrateStrategy, Network, Port, Resources,
    Task, TaskGroup, UpdateStrategy,
};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::world::{
    ClientPool, Namespace, Policy, PreemptionConfig, QuotaLimit, QuotaSpec, RegionLimit,
    RunningJob, SchedulerConfig, World, WorldOrigin,
};

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

/// sockshop with the `carts` group at `carts` allocations.
pub fn sockshop(carts: i64) -> Job {
    let u = || Some(update());
    let g = |name: &str, count: i64, tasks: Vec<Task>| group(name, count, 300, tasks, u(), true);
    job(
        "sockshop",
        JobType::Service,
        50,
        "default",
        vec![
            g(
                "user",
                1,
                vec![
                    task("user", "docker", 100, 256, 0),
                    task("user-db", "docker", 100, 96, 0),
                ],
            ),
            g(
                "catalogue",
                1,
                vec![
                    task("catalogue", "docker", 100, 128, 0),
                    task("cataloguedb", "docker", 100, 256, 0),
                ],
            ),
            g(
                "carts",
                carts,
                vec![
                    task("carts", "docker", 100, 1024, 0),
                    task("cartdb", "docker", 100, 128, 0),
                ],
            ),
            g(
                "orders",
                1,
                vec![
                    task("orders", "docker", 100, 1024, 0),
                    task("ordersdb", "docker", 100, 64, 0),
                ],
            ),
            g("payment", 1, vec![task("payment", "docker", 100, 16, 0)]),
            g(
                "backoffice",
                1,
                vec![
                    task("rabbitmq", "docker", 100, 160, 5672),
                    task("shipping", "docker", 100, 1024, 0),
                    task("queue-master", "java", 100, 1024, 8099),
                ],
            ),
        ],
    )
}

pub fn sockshopui() -> Job {
    job(
        "sockshopui",
        JobType::System,
        50,
        "default",
        vec![group(
            "frontend",
            1,
            300,
            vec![task("front-end", "docker", 100, 128, 80)],
            Some(update()),
            false,
        )],
    )
}

pub fn monitoring(namespace: &str) -> Job {
    job(
        "monitoring",
        JobType::Service,
        10,
        namespace,
        vec![group(
            "foundation",
            1,
            3000,
            vec![task("fluentd", "docker", 2000, 3072, 0)],
            Some(update()),
            true,
        )],
    )
}

pub fn demo_world() -> World {
    let mut quotas = BTreeMap::new();
    quotas.insert(
        "default".to_string(),
        QuotaSpec {
            name: "default".into(),
            description: "web team quota".into(),
            limits: vec![QuotaLimit {
                region: "global".into(),
                region_limit: RegionLimit {
                    cpu: Some(3000),
                    memory: Some(9500),
                    ..RegionLimit::default()
                },
                ..QuotaLimit::default()
            }],
            ..QuotaSpec::default()
        },
    );
    let mut namespaces = BTreeMap::new();
    namespaces.insert(
        "default".to_string(),
        Namespace {
            name: "default".into(),
            quota: Some("default".into()),
            ..Namespace::default()
        },
    );
    World {
        origin: WorldOrigin::Embedded,
        project_root: PathBuf::from("."),
        nomad_version: NomadVersion::DEMO,
        region: "global".into(),
        scheduler: SchedulerConfig {
            preemption: PreemptionConfig {
                service: true,
                ..PreemptionConfig::default()
            },
            ..SchedulerConfig::default()
        },
        clients: vec![ClientPool {
            name: "aws".into(),
            count: 3,
            datacenter: "dc1".into(),
            node_pool: "default".into(),
            cpu: 4600,
            memory: 3951,
            disk: 20_000,
            network_mbits: 300,
            drivers: vec!["docker".into(), "exec".into(), "java".into()],
            ..ClientPool::default()
        }],
        quotas,
        namespaces,
        policy: Policy::default(),
        running: vec![
            RunningJob {
                path: "jobs/sockshop.nomad".into(),
                job: sockshop(1),
            },
            RunningJob {
                path: "jobs/sockshopui.nomad".into(),
                job: sockshopui(),
            },
        ],
        pinned: None,
    }
}

pub fn monitor_namespace() -> Namespace {
    Namespace {
        name: "monitor".into(),
        ..Namespace::default()
    }
}
