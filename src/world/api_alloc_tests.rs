use super::*;
use crate::version::NomadVersion;
use serde_json::json;

#[test]
fn allocated_resources_combine_phases_and_keep_group_ports() {
    // A prestart sidecar adds to main; an ephemeral prestart task only
    // raises the peak (1.9.4+ phases). The group network lists the
    // ports, so Shared.Ports (the same ports again) is not added twice.
    // Main's cpu is its reserved cores' MHz: added outside the phases
    // (1.9.4+, "not fungible"), 500 on top of the prestart peak of 1000.
    let ar = json!({
        "Tasks": {
            "main": {"Cpu": {"CpuShares": 500, "ReservedCores": [0, 1]}, "Memory": {"MemoryMB": 256, "MemoryMaxMB": 512}},
            "proxy": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": 64},
                      "Networks": [{"Device": "eth0", "IP": "10.0.0.1", "MBits": 10,
                                    "ReservedPorts": [{"Label": "admin", "Value": 9000}]}]},
            "init": {"Cpu": {"CpuShares": 900}, "Memory": {"MemoryMB": 32}}
        },
        "TaskLifecycles": {"main": null, "proxy": {"Hook": "prestart", "Sidecar": true},
                           "init": {"Hook": "prestart", "Sidecar": false}},
        "Shared": {"DiskMB": 300,
                   "Networks": [{"Mode": "bridge", "IP": "10.0.0.1", "MBits": 0,
                                 "ReservedPorts": [{"Label": "http", "Value": 8080, "To": 80}],
                                 "DynamicPorts": [{"Label": "rpc", "Value": 23456}]}],
                   "Ports": [{"Label": "http", "Value": 8080, "To": 80, "HostIP": "10.0.0.1"}]}
    });
    let r = allocated_resources(&ar, NomadVersion::new(1, 9, 4)).unwrap_or_default();
    assert_eq!((r.cpu, r.cores, r.disk_mb), (1500, 2, 300));
    assert_eq!((r.memory_mb, r.memory_max_mb), (320, 576));
    assert_eq!(r.networks.len(), 2, "{:?}", r.networks);
    assert_eq!(r.networks[0].mbits, 10);
    assert_eq!(r.networks[1].reserved_ports, vec![("http".into(), 8080)]);
    assert_eq!(r.networks[1].dynamic_ports, vec![("rpc".into(), 23456)]);
    // Shared.Networks is the group's; the index reads it apart.
    assert_eq!((r.networks[0].group, r.networks[1].group), (false, true));
}

#[test]
fn group_ports_alone_still_hold_their_host_ports() {
    let ar = json!({"Tasks": {}, "Shared": {"Ports": [{"Label": "db", "Value": 5432}]}});
    let r = allocated_resources(&ar, NomadVersion::CURRENT).unwrap_or_default();
    assert_eq!(r.networks.len(), 1);
    assert_eq!(r.networks[0].reserved_ports, vec![("db".into(), 5432)]);
    assert!(r.networks[0].group);
}

/// The network index keys each mapping by its `HostIP`
/// (scheduler/alloc_ports.rs): kept per label, with `IgnoreCollision`.
#[test]
fn group_port_mappings_keep_their_host_ip_and_ignore_flag() {
    let net = json!({"IP": "10.0.0.1", "ReservedPorts": [{"Label": "db", "Value": 5432}],
                     "DynamicPorts": [{"Label": "http", "Value": 23456}]});
    let ports = json!([
        {"Label": "db", "Value": 5432, "HostIP": "10.0.1.1", "IgnoreCollision": true},
        {"Label": "http", "Value": 23456, "HostIP": "10.0.0.1"}
    ]);
    let ar = json!({"Tasks": {}, "Shared": {"Networks": [net], "Ports": ports}});
    let r = allocated_resources(&ar, NomadVersion::CURRENT).unwrap_or_default();
    assert_eq!(r.networks.len(), 1);
    assert_eq!(
        r.networks[0].port_ips,
        vec![
            ("db".into(), "10.0.1.1".into()),
            ("http".into(), "10.0.0.1".into())
        ]
    );
    assert_eq!(
        r.networks[0].ignore_collision,
        vec![crate::ids::Id::from("db")]
    );
}

#[test]
fn a_group_network_placed_before_0_12_is_indexed_as_a_tasks() {
    let net = json!({"Device": "eth0", "IP": "10.0.0.1", "MBits": 10,
                     "ReservedPorts": [{"Label": "db", "Value": 5432}]});
    let ar = json!({"Tasks": {}, "Shared": {"Networks": [net]}});
    let r = allocated_resources(&ar, NomadVersion::CURRENT).unwrap_or_default();
    assert_eq!(r.networks.len(), 1);
    assert!(!r.networks[0].group);
    // Without ports it is the group's either way (Shared.Ports empty).
    let bare = json!({"Device": "", "MBits": 10});
    let ar = json!({"Tasks": {}, "Shared": {"Networks": [bare]}});
    let r = allocated_resources(&ar, NomadVersion::CURRENT).unwrap_or_default();
    assert!(r.networks[0].group);
}

#[test]
fn task_figures_each_in_range_whose_sum_passes_the_bound_are_refused() {
    let max = super::super::bounds::MAX_RESOURCE;
    let task = json!({"Cpu": {"CpuShares": 1}, "Memory": {"MemoryMB": max}});
    let ar = json!({"Tasks": {"a": task, "b": task}, "Shared": {}});
    assert_eq!(
        allocated_resources(&ar, NomadVersion::CURRENT).err(),
        Some("memory")
    );
    let one = json!({"Tasks": {"a": task}, "Shared": {}});
    let r = allocated_resources(&one, NomadVersion::CURRENT).unwrap_or_default();
    assert_eq!(r.memory_mb, max);
    // Through the loader: a located error naming the allocation.
    let mut w = world();
    let job = json!({"ID": "web", "Type": "service", "Priority": 50, "Version": 0,
        "TaskGroups": [{"Name": "g", "Count": 1, "Tasks": [{"Name": "a", "Driver": "docker"}]}]});
    let text = format!(
        r#"[{{"ID": "big", "NodeID": "n1", "JobID": "web", "Job": {job}, "TaskGroup": "g", "DesiredStatus": "run", "ClientStatus": "running", "AllocatedResources": {ar}}}]"#
    );
    let v: Value = serde_json::from_str(&text).unwrap_or_default();
    let src = crate::source::SourceFile::inline("allocations.json", &text);
    let mut diags = Diags::new();
    load_allocations(&src, &v, &mut w, BTreeMap::new(), &ctx(), &mut diags);
    let d = diags.iter().find(|d| d.code == "import::resource-bound");
    let d = d.map(|d| (d.message.clone(), d.location()));
    assert_eq!(
        d,
        Some((
            format!("allocation big: its tasks' memory sums past {max}, the most one allocation may hold: {}", super::super::bounds::WHY),
            Some(("allocations.json".to_string(), 1, 9))
        )),
        "{diags:?}"
    );
}

fn world() -> World {
    crate::rules::testing::world()
}

/// One imported node, `n1`; no saved time.
fn ctx() -> AllocContext {
    AllocContext {
        nodes: ["n1".to_string()].into(),
        ..AllocContext::default()
    }
}

fn src() -> Source {
    crate::source::SourceFile::inline("allocations.json", "[]")
}

#[test]
fn an_allocation_without_a_known_job_is_an_error_not_a_guess() {
    let mut w = world();
    w.running.clear();
    let mut diags = Diags::new();
    let v = json!([{"ID": "a1", "NodeID": "n1", "JobID": "ghost", "TaskGroup": "web",
                    "DesiredStatus": "run", "ClientStatus": "running"}]);
    load_allocations(&src(), &v, &mut w, BTreeMap::new(), &ctx(), &mut diags);
    assert!(diags.has_errors());
    assert!(format!("{diags:?}").contains("priority is unknown"));
}

#[test]
fn embedded_jobs_register_at_their_newest_version_and_unknown_nodes_are_reported() {
    let mut w = world();
    w.running.clear();
    let mut diags = Diags::new();
    let job = |version: u64, prio: i64| {
        json!({"ID": "web", "Type": "service", "Priority": prio, "Version": version,
               "JobModifyIndex": 40 + version,
               "TaskGroups": [{"Name": "g", "Count": 1, "Tasks": [{"Name": "t", "Driver": "docker"}]}]})
    };
    let v = json!([
        {"ID": "a1", "NodeID": "n1", "JobID": "web", "TaskGroup": "g", "Job": job(1, 70), "DesiredStatus": "run", "ClientStatus": "running"},
        {"ID": "a2", "NodeID": "n1", "JobID": "web", "TaskGroup": "g", "Job": job(2, 80), "DesiredStatus": "run", "ClientStatus": "pending"},
        {"ID": "a3", "NodeID": "gone", "JobID": "web", "TaskGroup": "g", "Job": job(2, 80), "DesiredStatus": "run", "ClientStatus": "running"},
        {"ID": "a4", "NodeID": "n1", "JobID": "web", "TaskGroup": "g", "Job": job(2, 80), "DesiredStatus": "stop", "ClientStatus": "running"}
    ]);
    load_allocations(&src(), &v, &mut w, BTreeMap::new(), &ctx(), &mut diags);
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(format!("{diags:?}").contains("1 live allocations sit on nodes missing"));
    assert!(format!("{diags:?}").contains("treats them as lost"));
    let p = w.pinned.as_ref().expect("pinned");
    let got: Vec<(&str, i64, u64)> = p
        .allocs
        .iter()
        .map(|a| (a.id.as_str(), a.job_priority, a.job_version))
        .collect();
    // Each allocation keeps the priority of the version it runs.
    // a3's node is gone: kept, for the reconciler to treat as lost. a4 is
    // told to stop and still runs: kept, as the world's release (1.4.0+)
    // counts what it holds on n1.
    assert!(w.nomad_version.at_least(1, 4, 0));
    assert_eq!(
        got,
        [("a1", 70, 1), ("a2", 80, 2), ("a3", 80, 2), ("a4", 80, 2)]
    );
    assert_eq!(w.running.len(), 1);
    assert_eq!(w.running[0].job.priority, 80);
    let ix = p.versions[&("default".to_string(), "web".to_string())];
    assert_eq!((ix.version, ix.job_modify_index), (2, 42));
    assert_eq!(p.history.len(), 2);
}

#[test]
fn an_embedded_job_with_terminal_allocations_only_was_purged() {
    let mut w = world();
    w.running.clear();
    let mut diags = Diags::new();
    let job = json!({"ID": "old", "Type": "service", "Priority": 50, "Version": 3,
        "TaskGroups": [{"Name": "g", "Count": 1, "Tasks": [{"Name": "t", "Driver": "docker"}]}]});
    let v = json!([
        {"ID": "a1", "NodeID": "n1", "JobID": "old", "Job": job, "DesiredStatus": "stop", "ClientStatus": "complete"}
    ]);
    load_allocations(&src(), &v, &mut w, BTreeMap::new(), &ctx(), &mut diags);
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(w.running.is_empty(), "{:?}", w.running.len());
}

#[test]
fn a_live_allocation_of_a_job_jobs_json_does_not_list_is_pinned_under_no_job() {
    let job = json!({"ID": "old", "Type": "service", "Priority": 30, "Version": 1,
        "TaskGroups": [{"Name": "g", "Count": 1, "Tasks": [{"Name": "t", "Driver": "docker"}]}]});
    let v = json!([{"ID": "a1", "NodeID": "n1", "JobID": "old", "TaskGroup": "g", "Job": job,
                    "DesiredStatus": "run", "ClientStatus": "running"}]);
    let key = ("default".to_string(), "old".to_string());
    for (listed, registered) in [(false, false), (true, true)] {
        let mut w = world();
        w.running.clear();
        w.nomad_version = NomadVersion::new(1, 7, 2);
        let mut diags = Diags::new();
        let ctx = AllocContext {
            listed_jobs: Some(listed.then(|| key.clone()).into_iter().collect()),
            ..ctx()
        };
        load_allocations(&src(), &v, &mut w, BTreeMap::new(), &ctx, &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
        assert_eq!(w.running.len(), usize::from(registered));
        // Pinned either way, at its embedded Job's priority.
        let p = w.pinned.as_ref().expect("pinned");
        assert_eq!(p.allocs.len(), 1);
        assert_eq!(p.allocs[0].job_priority, 30);
        // Unlisted: a plan of the ID cannot tell (its deregistration is
        // not evaluated yet); 1.7.2 keeps a purged job's allocations, so
        // the files agree.
        assert_eq!(w.alloc_states.contains_key(&key), !listed);
        assert!(!format!("{diags:?}").contains("saved-apart"), "{diags:?}");
    }
    // 1.7.3 deletes a purged job's allocations: the files disagree.
    let mut w = world();
    w.running.clear();
    w.nomad_version = NomadVersion::new(1, 7, 3);
    let mut diags = Diags::new();
    let ctx = AllocContext {
        listed_jobs: Some(Default::default()),
        ..ctx()
    };
    load_allocations(&src(), &v, &mut w, BTreeMap::new(), &ctx, &mut diags);
    assert!(
        format!("{diags:?}").contains("import::saved-apart"),
        "{diags:?}"
    );
}
