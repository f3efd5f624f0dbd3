//! System scheduler preemption, rebuilt from hashicorp/nomad v0.9.3
//! `scheduler/system_sched_test.go` `TestSystemSched_Preemption`.

use nomad_preflight::cluster::{
    AllocNetwork, AllocResources, Allocation, ClientStatus, DesiredStatus, Node, NodeNetwork, State,
};
use nomad_preflight::jobspec::{
    EphemeralDisk, Job, JobType, Network, Port, Resources, Task, TaskGroup,
};
use nomad_preflight::scheduler::Simulation;
use nomad_preflight::version::NomadVersion;
use nomad_preflight::world::{Namespace, Policy, SchedulerConfig, World, WorldOrigin};

fn node(i: u32) -> Node {
    Node {
        id: format!("0000000{i}-0000-0000-0000-000000000000"),
        name: format!("node-{i}"),
        datacenter: "dc1".into(),
        node_pool: "default".into(),
        cpu: 3072,
        memory_mb: 5034,
        disk_mb: 20 * 1024,
        networks: vec![NodeNetwork {
            device: "eth0".into(),
            cidr: "192.168.0.100/32".into(),
            ip: "192.168.0.100".into(),
            mbits: 1000,
        }],
        drivers: vec!["exec".into()],
        eligible: true,
        ..Node::default()
    }
}

#[allow(clippy::too_many_arguments)]
fn alloc(
    id: &str,
    job: &str,
    prio: i64,
    node: &str,
    cpu: i64,
    mem: i64,
    mbits: i64,
    port80: bool,
    disk: i64,
) -> Allocation {
    Allocation {
        id: id.into(),
        name: format!("{job}.web[0]").into(),
        namespace: "default".into(),
        job_id: job.into(),
        job_priority: prio,
        job_type: JobType::Batch,
        task_group: "web".into(),
        node_id: node.into(),
        desired_status: DesiredStatus::Run,
        client_status: ClientStatus::Running,
        resources: AllocResources {
            cpu,
            memory_mb: mem,
            disk_mb: disk,
            networks: vec![AllocNetwork {
                device: "eth0".into(),
                ip: "192.168.0.100".into(),
                mbits,
                reserved_ports: if port80 {
                    vec![("web".into(), 80)]
                } else {
                    Vec::new()
                },
                dynamic_ports: Vec::new(),
                group: false,
                ..AllocNetwork::default()
            }],
            ..AllocResources::default()
        },
        ..Allocation::default()
    }
}

fn system_job() -> Job {
    Job {
        id: "sys".into(),
        namespace: "default".into(),
        job_type: JobType::System,
        priority: 50,
        datacenters: vec!["dc1".into()],
        groups: vec![TaskGroup {
            name: "web".into(),
            count: 1,
            ephemeral_disk: EphemeralDisk {
                size_mb: 150,
                ..EphemeralDisk::default()
            },
            tasks: vec![Task {
                name: "web".into(),
                driver: "exec".into(),
                resources: Resources {
                    cpu: 1948,
                    memory_mb: 256,
                    networks: vec![Network {
                        mbits: 800,
                        dynamic_ports: vec![Port {
                            label: "http".into(),
                            ..Port::default()
                        }],
                        ..Network::default()
                    }],
                    ..Resources::default()
                },
                ..Task::default()
            }],
            ..TaskGroup::default()
        }],
        ..Job::default()
    }
}

fn world() -> World {
    let mut namespaces = std::collections::BTreeMap::new();
    namespaces.insert(
        "default".to_string(),
        Namespace {
            name: "default".into(),
            ..Namespace::default()
        },
    );
    World {
        origin: WorldOrigin::Embedded,
        project_root: ".".into(),
        nomad_version: NomadVersion::new(0, 9, 3),
        region: "global".into(),
        // Nomad's defaults: system preemption on.
        scheduler: SchedulerConfig::default(),
        clients: Vec::new(),
        quotas: Default::default(),
        namespace_list: Default::default(),
        namespaces,
        policy: Policy::default(),
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

#[test]
fn system_job_preempts_three_low_priority_jobs_on_the_full_node() {
    let (n0, n1) = (node(1), node(2));
    let n0id = n0.id.clone();
    let state = State {
        index: 10,
        nodes: vec![n0, n1].into(),
        allocs: vec![
            alloc("alloc1", "job1", 20, &n0id, 512, 1024, 200, true, 5 * 1024),
            alloc("alloc2", "job2", 20, &n0id, 512, 1024, 200, false, 5 * 1024),
            alloc("alloc3", "job3", 40, &n0id, 1024, 25, 400, true, 5 * 1024),
            alloc(
                "alloc4",
                "job4",
                100,
                &n0id,
                1024,
                2048,
                100,
                true,
                2 * 1024,
            ),
        ],
        namespaces: vec!["default".into()],
        ..State::default()
    };
    let mut sim = Simulation::from_state(std::sync::Arc::new(world()), state, 1);
    let out = sim.run(&system_job(), None).expect("system job registers");
    assert_eq!(out.plan.placements.len(), 2, "one allocation per node");
    let preemptor = out
        .plan
        .placements
        .iter()
        .find(|p| p.alloc.node_id == n0id)
        .expect("placement on the full node");
    let mut victims: Vec<&str> = out
        .plan
        .preempted_allocs
        .iter()
        .map(|p| p.job_id.as_str())
        .collect();
    victims.sort();
    assert_eq!(victims, ["job1", "job2", "job3"]);
    for id in ["alloc1", "alloc2", "alloc3"] {
        let a = sim
            .state
            .allocs
            .iter()
            .find(|a| a.id == id)
            .expect("victim");
        assert_eq!(a.desired_status, DesiredStatus::Evict);
        assert_eq!(
            a.desired_description,
            format!("Preempted by alloc ID {}", preemptor.alloc.id)
        );
    }
    let a4 = sim
        .state
        .allocs
        .iter()
        .find(|a| a.id == "alloc4")
        .expect("alloc4");
    assert_eq!(
        a4.desired_status,
        DesiredStatus::Run,
        "job4 (priority 100) is never preempted"
    );
    assert!(out.plan.failed_tg_allocs.is_empty());
}

#[test]
fn system_job_without_preemption_fails_on_the_full_node() {
    let (n0, n1) = (node(1), node(2));
    let n0id = n0.id.clone();
    let mut w = world();
    w.scheduler.preemption.system = false;
    let state = State {
        nodes: vec![n0, n1].into(),
        allocs: vec![alloc(
            "alloc1", "job1", 20, &n0id, 2048, 1024, 900, false, 0,
        )],
        namespaces: vec!["default".into()],
        ..State::default()
    };
    let sim = Simulation::from_state(std::sync::Arc::new(w), state, 1);
    let plan = sim.plan(&system_job());
    let m = plan.failed_tg_allocs.get("web").expect("fails on node-1");
    assert_eq!(m.nodes_exhausted, 1);
    assert_eq!(
        m.dimension_exhausted.get("network: bandwidth exceeded"),
        Some(&1)
    );
    assert_eq!(plan.placements.len(), 1);
    assert!(plan.preempted_allocs.is_empty());
}
