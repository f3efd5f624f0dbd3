//! Conformance with Nomad's own preemption tests, rebuilt case by case.
//! Source: hashicorp/nomad v0.9.3 `scheduler/preemption_test.go`
//! `TestPreemption` (BinPackIterator with eviction on one node). The device
//! cases and the two-NIC case are left out: simulated clients have one
//! network device and no devices.

use nomad_preflight::cluster::{
    AllocNetwork, AllocResources, Allocation, ClientStatus, DesiredStatus, Node, NodeNetwork, State,
};
use nomad_preflight::jobspec::{Job, JobType, Network, Port, Resources, Task, TaskGroup};
use nomad_preflight::scheduler::engine::{Ask, Engine};
use nomad_preflight::structs::resources::task_group_resources;
use nomad_preflight::version::NomadVersion;
use nomad_preflight::world::{Policy, SchedulerConfig, World, WorldOrigin};

/// mock.Job() priorities in the test: high 100, low 30, low2 40.
#[derive(Clone, Copy)]
enum J {
    High,
    Low,
    Low2,
}

impl J {
    fn id(self) -> &'static str {
        match self {
            J::High => "high",
            J::Low => "low",
            J::Low2 => "low2",
        }
    }
    fn priority(self) -> i64 {
        match self {
            J::High => 100,
            J::Low => 30,
            J::Low2 => 40,
        }
    }
}

/// `createAlloc(id, job, {CPU, MemoryMB, Networks})`: disk is not part of
/// the allocated resources the test builds, so it stays 0 on both sides.
fn alloc(
    id: &str,
    job: J,
    cpu: i64,
    mem: i64,
    mbits: Option<i64>,
    ports: &[(&str, u16)],
) -> Allocation {
    Allocation {
        id: id.into(),
        name: format!("{}.web[0]", job.id()).into(),
        namespace: "default".into(),
        job_id: job.id().into(),
        job_priority: job.priority(),
        job_type: JobType::Service,
        task_group: "web".into(),
        node_id: "node-1".into(),
        desired_status: DesiredStatus::Run,
        client_status: ClientStatus::Running,
        resources: AllocResources {
            cpu,
            memory_mb: mem,
            networks: mbits
                .map(|m| AllocNetwork {
                    device: "eth0".into(),
                    ip: "192.168.0.100".into(),
                    mbits: m,
                    reserved_ports: ports.iter().map(|(l, p)| ((*l).into(), *p)).collect(),
                    dynamic_ports: Vec::new(),
                    group: false,
                    ..AllocNetwork::default()
                })
                .into_iter()
                .collect(),
            ..AllocResources::default()
        },
        ..Allocation::default()
    }
}

/// defaultNodeResources minus reservedNodeResources: 4000 MHz / 8192 MB
/// with 100 MHz / 256 MB reserved, one 1000 Mbit NIC.
fn node() -> Node {
    Node {
        id: "node-1".into(),
        name: "node-1".into(),
        datacenter: "dc1".into(),
        node_pool: "default".into(),
        cpu: 4000,
        memory_mb: 8192,
        disk_mb: 100 * 1024,
        reserved_cpu: 100,
        reserved_memory_mb: 256,
        reserved_disk_mb: 4 * 1024,
        networks: vec![NodeNetwork {
            device: "eth0".into(),
            cidr: "192.168.0.100/32".into(),
            ip: "192.168.0.100".into(),
            mbits: 1000,
        }],
        drivers: vec!["docker".into()],
        eligible: true,
        ..Node::default()
    }
}

fn world() -> World {
    World {
        origin: WorldOrigin::Embedded,
        project_root: ".".into(),
        nomad_version: NomadVersion::new(0, 9, 3),
        region: "global".into(),
        scheduler: SchedulerConfig::default(),
        clients: Vec::new(),
        quotas: Default::default(),
        namespace_list: Default::default(),
        namespaces: Default::default(),
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

/// Placing job: one task "web" with the ask (task network), empty ephemeral disk.
fn job(priority: i64, cpu: i64, mem: i64, mbits: i64, ports: &[(&str, i64)]) -> Job {
    Job {
        id: "placing".into(),
        namespace: "default".into(),
        priority,
        datacenters: vec!["dc1".into()],
        groups: vec![TaskGroup {
            name: "web".into(),
            count: 1,
            tasks: vec![Task {
                name: "web".into(),
                driver: "docker".into(),
                resources: Resources {
                    cpu,
                    memory_mb: mem,
                    networks: vec![Network {
                        mbits,
                        reserved_ports: ports
                            .iter()
                            .map(|(l, v)| Port {
                                label: l.to_string(),
                                value: *v,
                                ..Port::default()
                            })
                            .collect(),
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

/// Run the bin-packer with eviction on the single node; `None` = no option.
fn preempted(allocs: Vec<Allocation>, job: &Job) -> Option<Vec<String>> {
    let w = world();
    let state = State {
        nodes: vec![node()].into(),
        allocs,
        ..State::default()
    };
    let engine = Engine::new(&w, &state, job, 1);
    let tg = job.groups.first()?;
    let ask = Ask {
        job,
        tg,
        res: task_group_resources(tg, w.nomad_version),
        alloc_name: format!("{}.{}[0]", job.id, tg.name),
        penalty: Vec::new(),
    };
    let mut ids: Vec<String> = engine
        .rank_node(&ask, 0, true)
        .ok()?
        .victims
        .iter()
        .map(ToString::to_string)
        .collect();
    ids.sort();
    Some(ids)
}

fn ids(v: &[&str]) -> Option<Vec<String>> {
    Some(v.iter().map(|s| s.to_string()).collect())
}

#[test]
fn no_preemption_because_existing_allocs_are_not_low_priority() {
    let allocs = vec![alloc("a0", J::High, 3200, 7256, Some(50), &[])];
    assert_eq!(
        preempted(allocs, &job(100, 2000, 256, 1, &[("ssh", 22)])),
        None
    );
}

#[test]
fn preempting_low_priority_allocs_not_enough_to_meet_resource_ask() {
    let allocs = vec![alloc("a0", J::Low, 3200, 7256, Some(50), &[])];
    assert_eq!(
        preempted(allocs, &job(100, 4000, 8192, 1, &[("ssh", 22)])),
        None
    );
}

#[test]
fn preemption_impossible_static_port_needed_is_used_by_higher_priority_alloc() {
    let allocs = vec![
        alloc("a0", J::High, 1200, 2256, Some(150), &[]),
        alloc("a1", J::High, 200, 256, Some(600), &[("db", 88)]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 600, 1000, 700, &[("db", 88)])),
        None
    );
}

#[test]
fn combination_of_high_low_priority_allocs_without_static_ports() {
    let allocs = vec![
        alloc("a0", J::High, 2800, 2256, Some(150), &[]),
        alloc("a1", J::Low, 200, 256, Some(500), &[]),
        alloc("a2", J::Low, 200, 256, Some(300), &[]),
        alloc("a3", J::Low, 700, 256, None, &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 1100, 1000, 840, &[])),
        ids(&["a1", "a2", "a3"])
    );
}

#[test]
fn preempt_allocs_with_network_devices() {
    let allocs = vec![
        alloc("a0", J::Low, 2800, 2256, None, &[]),
        alloc("a1", J::Low, 200, 256, Some(800), &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 1100, 1000, 840, &[])),
        ids(&["a1"])
    );
}

#[test]
fn ignore_allocs_with_close_enough_priority_for_network_devices() {
    let allocs = vec![
        alloc("a0", J::Low, 2800, 2256, None, &[]),
        alloc("a1", J::Low, 200, 256, Some(800), &[]),
    ];
    assert_eq!(preempted(allocs, &job(35, 1100, 1000, 840, &[])), None);
}

#[test]
fn preemption_needed_for_all_resources_except_network() {
    let allocs = vec![
        alloc("a0", J::High, 2800, 2256, Some(150), &[]),
        alloc("a1", J::Low, 200, 256, Some(50), &[]),
        alloc("a2", J::Low, 200, 512, None, &[]),
        alloc("a3", J::Low, 700, 276, None, &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 1000, 3000, 50, &[])),
        ids(&["a1", "a2", "a3"])
    );
}

#[test]
fn only_one_low_priority_alloc_needs_to_be_preempted() {
    let allocs = vec![
        alloc("a0", J::High, 1200, 2256, Some(150), &[]),
        alloc("a1", J::Low, 200, 256, Some(500), &[]),
        alloc("a2", J::Low, 200, 256, Some(320), &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 300, 500, 320, &[])),
        ids(&["a2"])
    );
}

#[test]
fn one_alloc_meets_static_port_need_another_meets_remaining_mbits_needed() {
    let allocs = vec![
        alloc("a0", J::High, 1200, 2256, Some(150), &[]),
        alloc("a1", J::Low, 200, 256, Some(500), &[("db", 88)]),
        alloc("a2", J::Low, 200, 256, Some(200), &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 2700, 1000, 800, &[("db", 88)])),
        ids(&["a1", "a2"])
    );
}

#[test]
fn alloc_that_meets_static_port_need_also_meets_other_needs() {
    let allocs = vec![
        alloc("a0", J::High, 1200, 2256, Some(150), &[]),
        alloc("a1", J::Low, 200, 256, Some(600), &[("db", 88)]),
        alloc("a2", J::Low, 200, 256, Some(100), &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 600, 1000, 700, &[("db", 88)])),
        ids(&["a1"])
    );
}

#[test]
fn alloc_from_job_that_has_existing_evictions_not_chosen_for_preemption() {
    // The plan's earlier eviction of a low2 alloc only matters through the
    // max_parallel penalty; the lower priority group is met first anyway.
    let allocs = vec![
        alloc("a0", J::High, 1200, 2256, Some(150), &[]),
        alloc("a1", J::Low, 200, 256, Some(500), &[]),
        alloc("a2", J::Low2, 200, 256, Some(300), &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 300, 500, 320, &[])),
        ids(&["a1"])
    );
}

#[test]
fn filter_out_allocs_whose_resource_usage_superset_is_also_in_the_preemption_list() {
    let allocs = vec![
        alloc("a0", J::High, 1800, 2256, Some(150), &[]),
        alloc("a1", J::Low, 1500, 256, Some(100), &[]),
        alloc("a2", J::Low, 600, 256, Some(300), &[]),
    ];
    assert_eq!(
        preempted(allocs, &job(100, 1000, 256, 50, &[])),
        ids(&["a1"])
    );
}

/// The same job's allocations are never victims, even at a lower priority
/// from an older version (`SetCandidates` skips the placing job).
#[test]
fn never_preempts_the_placing_job() {
    let mut own = alloc("a0", J::Low, 3800, 7000, None, &[]);
    own.job_id = "placing".into();
    assert_eq!(preempted(vec![own], &job(100, 1000, 1000, 0, &[])), None);
}
