//! Status renderers on a hand-built state: the demo cluster after sockshop,
//! sockshopui and monitoring (namespace monitor) were placed as the comment
//! in rules/cluster.hcl describes. Snapshots `status_*`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use nomad_preflight::cli::status::{render_status, StatusView};
use nomad_preflight::cluster::metric::AllocMetric;
use nomad_preflight::cluster::usage::quota_usage;
use nomad_preflight::cluster::*;
use nomad_preflight::jobspec::{Job, JobType, TaskGroup};
use nomad_preflight::render::status::TimeZone;
use nomad_preflight::version::NomadVersion;

/// Dates in UTC: the snapshots must not depend on the machine's zone.
const UTC: TimeZone = TimeZone::UTC;
use nomad_preflight::world::*;

fn world(version: NomadVersion) -> World {
    let mut namespaces = BTreeMap::new();
    namespaces.insert(
        "default".to_string(),
        Namespace {
            name: "default".into(),
            description: "Default shared namespace".into(),
            quota: Some("default".into()),
            ..Namespace::default()
        },
    );
    namespaces.insert(
        "monitor".to_string(),
        Namespace {
            name: "monitor".into(),
            ..Namespace::default()
        },
    );
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
    World {
        origin: WorldOrigin::Dir(PathBuf::from("rules")),
        project_root: PathBuf::new(),
        nomad_version: version,
        region: "global".into(),
        scheduler: SchedulerConfig::default(),
        clients: vec![],
        quotas,
        namespace_list: Default::default(),
        namespaces,
        policy: Policy::default(),
        running: vec![],
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

const NODE_IDS: [&str; 3] = [
    "3c2f8b8e-5a1d-4a53-8c3e-0f9e1a2b3c4d",
    "7d1e0a9b-2c4f-4e6a-9b8d-1a2b3c4d5e6f",
    "b9a8c7d6-e5f4-4a3b-8c2d-9e8f7a6b5c4d",
];

fn node(i: usize) -> Node {
    Node {
        id: NODE_IDS[i].into(),
        name: format!("aws-{}", i + 1),
        datacenter: "dc1".into(),
        node_pool: "default".into(),
        cpu: 4600,
        memory_mb: 3951,
        disk_mb: 18000,
        drivers: vec!["java".into(), "docker".into(), "exec".into()],
        status: NodeStatus::Ready,
        eligible: true,
        ..Node::default()
    }
}

fn job(id: &str, ns: &str, t: JobType, priority: i64, groups: &[&str]) -> Job {
    Job {
        id: id.into(),
        name: id.into(),
        job_type: t,
        priority,
        namespace: ns.into(),
        datacenters: vec!["dc1".into()],
        groups: groups
            .iter()
            .map(|g| TaskGroup {
                name: g.to_string(),
                count: 1,
                ..TaskGroup::default()
            })
            .collect(),
        ..Job::default()
    }
}

struct AllocSpec<'a> {
    job: &'a Job,
    group: &'a str,
    index: u32,
    node: usize,
    cpu: i64,
    mem: i64,
    disk: i64,
    create_index: u64,
}

fn alloc(s: AllocSpec<'_>, n: usize) -> Allocation {
    Allocation {
        id: format!(
            "{:08x}-0000-4000-8000-{:012x}",
            0x1000_0000u32 + n as u32 * 0x0111_1111,
            n
        )
        .into(),
        name: format!("{}.{}[{}]", s.job.id, s.group, s.index).into(),
        namespace: s.job.namespace.as_str().into(),
        job_id: s.job.id.as_str().into(),
        job_version: 0,
        job_priority: s.job.priority,
        job_type: s.job.job_type,
        task_group: s.group.into(),
        node_id: NODE_IDS[s.node].into(),
        resources: AllocResources {
            cpu: s.cpu,
            memory_mb: s.mem,
            disk_mb: s.disk,
            ..AllocResources::default()
        },
        desired_status: DesiredStatus::Run,
        client_status: ClientStatus::Running,
        create_index: s.create_index,
        modify_index: s.create_index,
        ..Allocation::default()
    }
}

fn demo_state() -> State {
    let sockshop = job(
        "sockshop",
        "default",
        JobType::Service,
        50,
        &[
            "user",
            "catalogue",
            "carts",
            "orders",
            "payment",
            "backoffice",
        ],
    );
    let ui = job("sockshopui", "default", JobType::System, 50, &["frontend"]);
    let monitoring = job(
        "monitoring",
        "monitor",
        JobType::Service,
        10,
        &["foundation"],
    );
    let specs = vec![
        AllocSpec {
            job: &sockshop,
            group: "user",
            index: 0,
            node: 0,
            cpu: 200,
            mem: 352,
            disk: 300,
            create_index: 10,
        },
        AllocSpec {
            job: &sockshop,
            group: "catalogue",
            index: 0,
            node: 0,
            cpu: 200,
            mem: 384,
            disk: 300,
            create_index: 10,
        },
        AllocSpec {
            job: &sockshop,
            group: "carts",
            index: 0,
            node: 0,
            cpu: 200,
            mem: 1152,
            disk: 300,
            create_index: 10,
        },
        AllocSpec {
            job: &sockshop,
            group: "orders",
            index: 0,
            node: 0,
            cpu: 200,
            mem: 1088,
            disk: 300,
            create_index: 10,
        },
        AllocSpec {
            job: &sockshop,
            group: "payment",
            index: 0,
            node: 0,
            cpu: 100,
            mem: 16,
            disk: 300,
            create_index: 10,
        },
        AllocSpec {
            job: &sockshop,
            group: "backoffice",
            index: 0,
            node: 1,
            cpu: 300,
            mem: 2208,
            disk: 300,
            create_index: 10,
        },
        AllocSpec {
            job: &ui,
            group: "frontend",
            index: 0,
            node: 0,
            cpu: 100,
            mem: 128,
            disk: 300,
            create_index: 12,
        },
        AllocSpec {
            job: &ui,
            group: "frontend",
            index: 0,
            node: 1,
            cpu: 100,
            mem: 128,
            disk: 300,
            create_index: 12,
        },
        AllocSpec {
            job: &ui,
            group: "frontend",
            index: 0,
            node: 2,
            cpu: 100,
            mem: 128,
            disk: 300,
            create_index: 12,
        },
        AllocSpec {
            job: &monitoring,
            group: "foundation",
            index: 0,
            node: 2,
            cpu: 2000,
            mem: 3072,
            disk: 3000,
            create_index: 16,
        },
    ];
    let allocs = specs
        .into_iter()
        .enumerate()
        .map(|(n, s)| alloc(s, n))
        .collect();
    let mut jobs = BTreeMap::new();
    for (j, submit, index) in [(&sockshop, 0, 10), (&ui, 95, 12), (&monitoring, 1_234, 16)] {
        jobs.insert(
            (j.namespace.clone(), j.id.clone()),
            JobRecord {
                job: std::sync::Arc::new(j.clone()),
                version: 0,
                create_index: index,
                modify_index: index,
                job_modify_index: index,
                submit_time: submit,
                status: JobStatus::Running,
                unfinished_eval: false,
            },
        );
    }
    State {
        index: 18,
        nodes: (0..3).map(node).collect(),
        jobs,
        allocs,
        blocked: vec![],
        namespaces: vec!["default".into(), "monitor".into()],
        deployments: vec![],
        imported_at: None,
        import_clock: None,
    }
}

fn view(v: NomadVersion, view: StatusView) -> String {
    render_status(Some(&view), &world(v), &demo_state(), &UTC).unwrap()
}

const V09: NomadVersion = NomadVersion::DEMO;
const V20: NomadVersion = NomadVersion::CURRENT;

#[test]
fn quota_usage_counts_only_the_attached_namespace() {
    let u = quota_usage(&world(V09), &demo_state(), "default", "global").expect("fits 64 bits");
    // sockshop 1200/5200 + sockshopui 3 x 100/128; monitoring is in `monitor`.
    assert_eq!((u.cpu, u.memory), (1500, 5584));
}

#[test]
fn node_list() {
    assert_snap!("status_node_list_0_9", view(V09, StatusView::Nodes));
    assert_snap!("status_node_list_2_0", view(V20, StatusView::Nodes));
}

#[test]
fn node_detail_by_prefix_and_name() {
    // `nomad node status -short ID`.
    assert_snap!(
        "status_node_detail_0_9",
        view(
            V09,
            StatusView::Node {
                id: "b9a8".into(),
                short: true
            }
        )
    );
    assert_snap!(
        "status_node_detail_2_0",
        view(
            V20,
            StatusView::Node {
                id: "aws-3".into(),
                short: true
            }
        )
    );
    let err = render_status(
        Some(&StatusView::Node {
            id: "ffff".into(),
            short: false,
        }),
        &world(V09),
        &demo_state(),
        &UTC,
    )
    .unwrap_err();
    assert_eq!(err.message, "No node(s) with prefix \"ffff\" found");
}

/// `nomad node status ID` (command/node_status.go formatNode, 0.9.3 and
/// 2.0): Driver Status, Node Events, Allocated Resources; what needs a
/// live client's stats (Uptime, utilisation) is left out.
#[test]
fn node_detail_full_view() {
    for (v, name) in [(V09, "status_node_full_0_9"), (V20, "status_node_full_2_0")] {
        let out = view(
            v,
            StatusView::Node {
                id: "aws-3".into(),
                short: false,
            },
        );
        assert!(
            out.lines()
                .any(|l| l.starts_with("Driver Status ") && l.ends_with(" = docker,exec,java")),
            "{out}"
        );
        assert!(out.contains("\n\nAllocated Resources\nCPU"), "{out}");
        assert_snap!(name, out);
    }
}

#[test]
fn quota_status() {
    assert_snap!(
        "status_quota_0_9",
        view(
            V09,
            StatusView::Quota {
                name: "default".into()
            }
        )
    );
    assert_snap!(
        "status_quota_2_0",
        view(
            V20,
            StatusView::Quota {
                name: "default".into()
            }
        )
    );
}

#[test]
fn job_list_per_namespace() {
    assert_snap!(
        "status_jobs_0_9",
        view(
            V09,
            StatusView::Jobs {
                namespace: "default".into()
            }
        )
    );
    assert_eq!(
        view(
            V09,
            StatusView::Jobs {
                namespace: "nope".into()
            }
        ),
        "No running jobs"
    );
}

#[test]
fn job_detail() {
    let sockshop = StatusView::Job {
        id: "sockshop".into(),
        namespace: "default".into(),
    };
    assert_snap!("status_job_sockshop_0_9", view(V09, sockshop.clone()));
    assert_snap!("status_job_sockshop_2_0", view(V20, sockshop));
}

#[test]
fn blocked_job_shows_queued_placements() {
    let mut state = demo_state();
    state.allocs.retain(|a| a.job_id != "monitoring");
    if let Some(r) = state
        .jobs
        .get_mut(&("monitor".to_string(), "monitoring".to_string()))
    {
        r.status = JobStatus::Pending;
    }
    state.blocked.push(BlockedEval {
        id: "e0".into(),
        namespace: "monitor".into(),
        job_id: "monitoring".into(),
        quota_limit_reached: None,
        create_index: 19,
        failed_eval_id: "e0".into(),
        failed_tg_allocs: BTreeMap::from([(
            "foundation".to_string(),
            AllocMetric {
                nodes_evaluated: 3,
                nodes_exhausted: 3,
                dimension_exhausted: BTreeMap::from([("memory".to_string(), 3)]),
                ..AllocMetric::default()
            },
        )]),
    });
    let out = render_status(
        Some(&StatusView::Job {
            id: "monitoring".into(),
            namespace: "monitor".into(),
        }),
        &world(V09),
        &state,
        &UTC,
    )
    .unwrap();
    assert_snap!("status_job_monitoring_blocked_0_9", out);
}

#[test]
fn utilisation_and_overview() {
    assert_snap!("status_usage", view(V09, StatusView::Usage));
    assert_snap!(
        "status_overview_0_9",
        render_status(None, &world(V09), &demo_state(), &UTC).unwrap()
    );
}
