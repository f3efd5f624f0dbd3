//! Our renditions of the SockShop demo jobs parse to the facts in the demo's
//! FACTS.md (groups, tasks, drivers, resources, counts, priorities).

use std::path::Path;

use nomad_preflight::jobspec::{self, Job, JobType, LoadOptions};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::DiskVfs;

fn load(name: &str) -> Job {
    let vfs = DiskVfs::new(env!("CARGO_MANIFEST_DIR"));
    let opts = LoadOptions {
        version: NomadVersion::DEMO,
        ..LoadOptions::default()
    };
    let parsed = jobspec::load(&vfs, Path::new(&format!("jobs/{name}")), &opts);
    assert!(
        parsed.diags.is_empty(),
        "{name}: {}",
        nomad_preflight::diag::render(&parsed.diags.0, false)
    );
    parsed.job.expect("job loaded")
}

/// (cpu MHz, memory MB) summed over a group's tasks.
fn sums(job: &Job, group: &str) -> (i64, i64) {
    let g = job.group(group).unwrap_or_else(|| panic!("group {group}"));
    g.tasks.iter().fold((0, 0), |(c, m), t| {
        (c + t.resources.cpu, m + t.resources.memory_mb)
    })
}

#[test]
fn sockshop_groups_tasks_and_resources() {
    let j = load("sockshop.nomad");
    assert_eq!(
        (j.id.as_str(), j.job_type, j.priority),
        ("sockshop", JobType::Service, 50)
    );
    assert!(!j.spans.written("priority"));
    assert_eq!(j.datacenters, vec!["dc1"]);
    assert_eq!(j.namespace, "default");
    let names: Vec<&str> = j.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "user",
            "catalogue",
            "carts",
            "orders",
            "payment",
            "backoffice"
        ]
    );
    for (g, want) in [
        ("user", (200, 352)),
        ("catalogue", (200, 384)),
        ("carts", (200, 1152)),
        ("orders", (200, 1088)),
        ("payment", (100, 16)),
        ("backoffice", (300, 2208)),
    ] {
        assert_eq!(sums(&j, g), want, "group {g}");
    }
    let tasks: usize = j.groups.iter().map(|g| g.tasks.len()).sum();
    assert_eq!(tasks, 12);
    let (cpu, mem) = j
        .groups
        .iter()
        .map(|g| sums(&j, &g.name))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert_eq!((cpu, mem), (1200, 5200));
    for g in &j.groups {
        assert_eq!(g.count, 1, "group {}", g.name);
        assert!(g.spans.written("count"));
        assert_eq!((g.restart.attempts, g.restart.mode.as_str()), (10, "delay"));
        assert_eq!(g.ephemeral_disk.size_mb, 300);
        // 0.9: the job's update stanza is copied into every group.
        let u = g.update.as_ref().expect("group update from job");
        assert_eq!(
            (u.stagger.to_string(), u.max_parallel),
            ("10s".to_string(), 1)
        );
    }
    let carts = j.group("carts").unwrap();
    assert_eq!(
        carts.tasks[1].config.get("image").and_then(|v| v.as_str()),
        Some("mongo:3.4.3")
    );
    let bo = j.group("backoffice").unwrap();
    let qm = bo.task("queue-master").unwrap();
    assert_eq!(qm.driver, "java");
    assert_eq!(
        qm.artifacts[0].getter_source,
        "https://s3.amazonaws.com/nomad-consul-microservices-demo/queue-master.jar"
    );
    assert_eq!(qm.resources.networks[0].reserved_ports[0].value, 8099);
    let rabbit = bo.task("rabbitmq").unwrap();
    assert_eq!(rabbit.resources.networks[0].reserved_ports[0].value, 5672);
    assert_eq!(rabbit.resources.networks[0].mbits, 10);
    let shipping = bo.task("shipping").unwrap();
    assert_eq!(
        shipping.env.get("spring_rabbitmq_host").map(String::as_str),
        Some("${NOMAD_IP_http}")
    );
    let user = j.group("user").unwrap().task("user").unwrap();
    assert_eq!(user.vault.as_ref().unwrap().policies, vec!["sockshop-read"]);
    assert!(user.templates[0].envvars);
    assert_eq!(j.constraints[0].ltarget, "${attr.kernel.name}");
    assert_eq!(j.constraints[0].operand, "=");
}

#[test]
fn sockshopui_is_a_system_job() {
    let j = load("sockshopui.nomad");
    assert_eq!((j.job_type, j.priority), (JobType::System, 50));
    let g = j.group("frontend").unwrap();
    assert_eq!(sums(&j, "frontend"), (100, 128));
    let t = g.task("front-end").unwrap();
    assert_eq!(t.resources.networks[0].reserved_ports[0].value, 80);
    assert_eq!(t.services[0].port_label, "http");
}

#[test]
fn monitoring_is_low_priority_with_a_big_disk() {
    let j = load("monitoring.nomad");
    assert_eq!(
        (j.priority, j.job_type, j.namespace.as_str()),
        (10, JobType::Service, "default")
    );
    assert!(j.spans.written("priority"));
    let g = j.group("foundation").unwrap();
    assert_eq!(sums(&j, "foundation"), (2000, 3072));
    assert_eq!(g.ephemeral_disk.size_mb, 3000);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/jobs/monitoring.nomad"
    ))
    .unwrap();
    assert!(text.contains("\n  #namespace= \"monitor\"\n"));
}
