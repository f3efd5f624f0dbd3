//! The checker against the cases of hashicorp/nomad's
//! `scheduler/feasible_test.go` `TestCSIVolumeChecker` (v1.3.0-v2.0.5: the
//! same seven nodes, three volumes and one allocation using a second volume
//! on nodes[4]), then the writer-claim cases of
//! `TestCSIVolumeChecker_ReadWrite`-style claims and the per-release texts.

use std::collections::BTreeMap;

use super::*;
use crate::jobspec::{Job, TaskGroup};
use crate::structs::csi::{
    AccessMode, CsiClaim, CsiControllerInfo, CsiNodeInfo, CsiPlugin, CsiVolume,
};
use crate::world::World;

fn rack(r: &str) -> Option<BTreeMap<String, String>> {
    Some(BTreeMap::from([("rack".to_string(), r.to_string())]))
}

fn node_plugin(id: &str, healthy: bool, topology: Option<BTreeMap<String, String>>) -> Node {
    Node {
        id: format!("node-{id}"),
        csi_plugins: BTreeMap::from([(
            id.to_string(),
            CsiPlugin {
                node: Some(CsiNodeInfo {
                    healthy,
                    max_volumes: 1,
                    topology,
                }),
                controller: None,
            },
        )]),
        ..Node::default()
    }
}

/// nodes[0..7] of the Nomad test (IDs made readable).
fn nodes() -> Vec<Node> {
    let mut n0 = node_plugin("foo", true, rack("R1"));
    n0.id = "n0".into();
    if let Some(p) = n0.csi_plugins.get_mut("foo") {
        p.controller = Some(CsiControllerInfo::default());
    }
    let mut out = vec![
        n0,
        node_plugin("foo", false, rack("R1")),
        node_plugin("bar", true, rack("R1")),
        Node::default(),
        node_plugin("foo", true, rack("R1")),
        node_plugin("foo", true, rack("R4")),
        node_plugin("foo", true, None),
    ];
    for (k, n) in out.iter_mut().enumerate() {
        n.id = format!("n{k}");
    }
    out
}

fn volume(id: &str, mode: AccessMode, topologies: &[&str]) -> CsiVolume {
    CsiVolume {
        id: id.into(),
        namespace: "default".into(),
        plugin_id: "foo".into(),
        access_mode: mode,
        attachment_mode: "file-system".into(),
        topologies: topologies.iter().filter_map(|r| rack(r)).collect(),
        ..CsiVolume::default()
    }
}

fn world(version: NomadVersion, vols: Vec<CsiVolume>) -> World {
    let mut w = crate::rules::testing::world();
    w.nomad_version = version;
    w.csi_volumes = vols
        .into_iter()
        .map(|v| ((v.namespace.clone(), v.id.clone()), v))
        .collect();
    w
}

fn csi(name: &str, source: &str, per_alloc: bool) -> Volume {
    Volume {
        name: name.into(),
        volume_type: "csi".into(),
        source: source.into(),
        per_alloc,
        ..Volume::default()
    }
}

fn group(vols: Vec<Volume>) -> TaskGroup {
    TaskGroup {
        name: "web".into(),
        volumes: vols,
        ..TaskGroup::default()
    }
}

fn job(id: &str, tg: TaskGroup) -> Job {
    Job {
        id: id.into(),
        namespace: "default".into(),
        groups: vec![tg],
        ..Job::default()
    }
}

/// The verdict for every node, as the Nomad test's cases list them.
fn verdicts(w: &World, j: &Job, allocs: &[Allocation]) -> Vec<Option<String>> {
    let nodes = nodes();
    let other = other_job();
    let index = CsiIndex::build(w, &nodes, allocs, |_| Some(&other));
    let ask = Ask {
        job: j,
        tg: &j.groups[0],
        res: Default::default(),
        // mock.Alloc() has no name: the per_alloc suffix is empty.
        alloc_name: String::new(),
        penalty: Vec::new(),
    };
    nodes
        .iter()
        .enumerate()
        .map(|(p, n)| infeasible(index.as_ref(), w, &ask, p, n))
        .collect()
}

fn other_job() -> Job {
    job("other", group(vec![csi("vol2", "volume-2", false)]))
}

fn nomad_test_world(version: NomadVersion) -> World {
    world(
        version,
        vec![
            volume("volume-id", AccessMode::MultiNodeMultiWriter, &["R1", "R2"]),
            volume("volume-2", AccessMode::MultiNodeSingleWriter, &[]),
            volume(
                "volume-id[0]",
                AccessMode::MultiNodeMultiWriter,
                &["R1", "R2"],
            ),
        ],
    )
}

/// The allocation of another job on nodes[4] using `volume-2` (plugin
/// `foo`, whose `MaxVolumes` there is 1).
fn alloc_on_n4() -> Allocation {
    Allocation {
        id: "alloc-4".into(),
        namespace: "default".into(),
        job_id: "other".into(),
        task_group: "web".into(),
        node_id: "n4".into(),
        client_status: ClientStatus::Running,
        ..Allocation::default()
    }
}

#[test]
fn nomad_csi_volume_checker_cases() {
    let w = nomad_test_world(NomadVersion::new(1, 6, 0));
    let j = job(
        "my-job",
        group(vec![
            csi("shared", "volume-id", false),
            csi("unique", "volume-id[0]", true),
            Volume {
                name: "nonsense".into(),
                volume_type: "host".into(),
                source: "my-host-volume".into(),
                ..Volume::default()
            },
        ]),
    );
    let got = verdicts(&w, &j, &[alloc_on_n4()]);
    let want: Vec<Option<String>> = vec![
        None, // ok
        Some("CSI plugin foo is unhealthy on client n1".into()),
        Some("CSI plugin foo is missing from client n2".into()), // wrong id
        Some("CSI plugin foo is missing from client n3".into()), // none available
        Some("CSI plugin foo has the maximum number of volumes on client n4".into()),
        Some("did not meet topology requirement".into()), // no matching topology
        Some("did not meet topology requirement".into()), // nil topology
    ];
    assert_eq!(got, want);
    // "no volumes requested": every node fits.
    let none = job("my-job", group(vec![]));
    assert!(verdicts(&w, &none, &[alloc_on_n4()])
        .iter()
        .all(Option::is_none));
    // "add a missing volume": never feasible, per release text.
    let mut missing = j.clone();
    missing.groups[0]
        .volumes
        .push(csi("missing", "does-not-exist", false));
    let got = verdicts(&w, &missing, &[alloc_on_n4()]);
    assert_eq!(got[0].as_deref(), Some("missing CSI Volume does-not-exist"));
    assert!(got.iter().all(Option::is_some));
    let w205 = nomad_test_world(NomadVersion::new(2, 0, 5));
    for v in verdicts(&w205, &missing, &[alloc_on_n4()]) {
        assert_eq!(v.as_deref(), Some("missing CSI volume(s) does-not-exist"));
    }
}

/// Topology joined the checker in 1.3.0: before, nodes[5] and nodes[6] fit.
#[test]
fn topology_is_checked_from_1_3() {
    let j = job("my-job", group(vec![csi("shared", "volume-id", false)]));
    let old = verdicts(&nomad_test_world(NomadVersion::new(1, 2, 16)), &j, &[]);
    assert_eq!((old[5].clone(), old[6].clone()), (None, None));
    let new = verdicts(&nomad_test_world(NomadVersion::new(1, 3, 0)), &j, &[]);
    assert!(new[5].is_some() && new[6].is_some());
}

/// A stopped allocation still holding its desired-run state counts toward
/// `MaxVolumes`; one both stopped and not running does not.
#[test]
fn max_volumes_counts_allocations_meant_to_run() {
    let w = nomad_test_world(NomadVersion::new(1, 6, 0));
    let j = job("my-job", group(vec![csi("shared", "volume-id", false)]));
    let gone = Allocation {
        desired_status: DesiredStatus::Stop,
        client_status: ClientStatus::Complete,
        ..alloc_on_n4()
    };
    assert_eq!(verdicts(&w, &j, &[gone])[4], None);
    let stopping = Allocation {
        desired_status: DesiredStatus::Stop,
        ..alloc_on_n4()
    };
    assert!(verdicts(&w, &j, &[stopping])[4].is_some());
}

fn claimed(mode: AccessMode, claims: Vec<CsiClaim>) -> World {
    let mut v = volume("db", mode, &[]);
    v.write_claims = claims;
    world(NomadVersion::new(1, 6, 0), vec![v])
}

fn claim(alloc: &str, job: Option<&str>) -> CsiClaim {
    CsiClaim {
        alloc_id: alloc.into(),
        owner: job.map(|j| ("default".to_string(), j.to_string())),
    }
}

fn on_n0(w: &World, j: &Job) -> Option<String> {
    verdicts(w, j, &[]).swap_remove(0)
}

/// Writer claims: held by another job, by this job, by a garbage-collected
/// allocation (its own text from 1.0.17/1.1.11/1.2.5), and read-only asks.
#[test]
fn writer_claims_block_other_jobs_only() {
    let j = job("my-job", group(vec![csi("db", "db", false)]));
    let free = claimed(AccessMode::SingleNodeWriter, vec![]);
    assert_eq!(on_n0(&free, &j), None);
    let other = claimed(
        AccessMode::SingleNodeWriter,
        vec![claim("a1", Some("other"))],
    );
    assert_eq!(
        on_n0(&other, &j).as_deref(),
        Some("CSI volume db has exhausted its available writer claims")
    );
    let mine = claimed(
        AccessMode::SingleNodeWriter,
        vec![claim("a1", Some("my-job"))],
    );
    assert_eq!(on_n0(&mine, &j), None);
    let mut gc = claimed(AccessMode::SingleNodeWriter, vec![claim("a9", None)]);
    assert_eq!(
        on_n0(&gc, &j).as_deref(),
        Some("CSI volume db has exhausted its available writer claims and is claimed by a garbage collected allocation a9; waiting for claim to be released")
    );
    gc.nomad_version = NomadVersion::new(1, 1, 10);
    assert_eq!(
        on_n0(&gc, &j).as_deref(),
        Some("CSI volume db has exhausted its available writer claims")
    );
    // Many writers may share a multi-node-multi-writer volume from 1.0.
    let shared = claimed(
        AccessMode::MultiNodeMultiWriter,
        vec![claim("a1", Some("other"))],
    );
    assert_eq!(on_n0(&shared, &j), None);
    // A reader-only volume refuses writers, whatever its claims.
    let ro = claimed(AccessMode::MultiNodeReader, vec![]);
    assert_eq!(
        on_n0(&ro, &j).as_deref(),
        Some("CSI volume db is unschedulable or is read-only")
    );
    let mut reader = j.clone();
    reader.groups[0].volumes[0].read_only = true;
    assert_eq!(on_n0(&ro, &reader), None);
    assert_eq!(on_n0(&other, &reader), None, "readers ignore writer claims");
}

/// A volume whose plugin has no healthy node anywhere, or needs a
/// controller none runs, is unschedulable (the state store's
/// denormalisation), unless the world records `Schedulable` itself.
#[test]
fn schedulable_follows_plugin_health_unless_recorded() {
    let j = job("my-job", group(vec![csi("db", "db", false)]));
    let mut w = claimed(AccessMode::SingleNodeWriter, vec![]);
    let mut nodes = nodes();
    for n in &mut nodes {
        if let Some(c) = n
            .csi_plugins
            .get_mut("foo")
            .and_then(|p| p.controller.as_mut())
        {
            c.requires_controller = true;
            c.healthy = false;
        }
    }
    let ask = Ask {
        job: &j,
        tg: &j.groups[0],
        res: Default::default(),
        alloc_name: String::new(),
        penalty: Vec::new(),
    };
    let index = CsiIndex::build(&w, &nodes, &[], |_| None);
    assert_eq!(
        infeasible(index.as_ref(), &w, &ask, 0, &nodes[0]).as_deref(),
        Some("CSI volume db is unschedulable or is read-only")
    );
    if let Some(v) = w.csi_volumes.values_mut().next() {
        v.schedulable = Some(true);
    }
    assert_eq!(infeasible(index.as_ref(), &w, &ask, 0, &nodes[0]), None);
}

/// Before 1.0.6 a volume with free writer claims ended the whole check, so a
/// missing volume after it (by alias) went unnoticed.
#[test]
fn free_writer_ended_the_check_before_1_0_6() {
    let j = job(
        "my-job",
        group(vec![csi("a", "db", false), csi("b", "nope", false)]),
    );
    let mut w = claimed(AccessMode::SingleNodeWriter, vec![]);
    w.nomad_version = NomadVersion::new(1, 0, 5);
    assert_eq!(on_n0(&w, &j), None);
    w.nomad_version = NomadVersion::new(1, 0, 6);
    assert_eq!(on_n0(&w, &j).as_deref(), Some("missing CSI Volume nope"));
}

/// `per_alloc` arrived in 1.1.0; the 2.0.5 text lists every missing volume.
#[test]
fn per_alloc_ids_and_missing_texts_per_release() {
    let j = job(
        "db",
        group(vec![csi("logs", "logs", false), csi("data", "pg", true)]),
    );
    let w = |v| world(v, vec![volume("other", AccessMode::Unknown, &[])]);
    let ask = |alloc_name: &str| Ask {
        job: &j,
        tg: &j.groups[0],
        res: Default::default(),
        alloc_name: alloc_name.into(),
        penalty: Vec::new(),
    };
    let n = Node::default();
    let at = |v: NomadVersion| infeasible(None, &w(v), &ask("db.db[2]"), 0, &n);
    assert_eq!(
        at(NomadVersion::new(1, 6, 0)).as_deref(),
        Some("missing CSI Volume pg[2]")
    );
    assert_eq!(
        at(NomadVersion::new(1, 0, 18)).as_deref(),
        Some("missing CSI Volume pg")
    );
    assert_eq!(
        at(NomadVersion::new(2, 0, 5)).as_deref(),
        Some("missing CSI volume(s) pg[2], logs")
    );
    assert_eq!(at(NomadVersion::new(0, 10, 5)), None);
}
