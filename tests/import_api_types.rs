//! Every field of the import's API JSON is typed (stop 56 Left 2): a field
//! Nomad's Go struct cannot hold, in allocations.json, a job under jobs/,
//! agent-self.json, node-pools.json or a node's devices and host volumes,
//! is an `import::shape` "cannot tell" (exit 255 from `plan`, `import`
//! refuses), never read as Go's zero value. The types are
//! nomad/structs/structs.go v2.0.5's (what the HTTP API encodes):
//! - Allocation.AllocatedResources.Tasks[].Memory is
//!   `AllocatedMemoryResources` held by value, `ClientStatus` a string;
//! - TaskGroup.Count and Job.Priority are `int`;
//! - command/agent/config.go v2.0.5 ServerConfig.JobMaxPriority `*int`;
//! - api/node_pools.go v2.0.5 NodePoolSchedulerConfiguration
//!   `SchedulerAlgorithm string`;
//! - api/resources.go v2.0.5 NodeDevice.Healthy `bool`, api/nodes.go
//!   HostVolumeInfo.ReadOnly `bool`.
//!
//! A field the tables leave out is judged as a reader reads it
//! (a service's `Connect.Native`).

use crate::common;
use crate::import_field_types::{assert_refused, edit, import, plan};

use serde_json::{json, Value};

const NODE_1: &str = "0a1b2c3d-0000-4000-8000-000000000001";

/// One running allocation of `web` on node web-1 holding 3500 of its
/// 3695 free MB (tests/fixtures/import/basic: 3951 MB, 256 reserved).
fn running_web(memory: Value) -> Value {
    json!([{
        "ID": "a0000001-0000-4000-8000-000000000001", "Namespace": "default",
        "Name": "web.frontend[0]", "NodeID": NODE_1, "JobID": "web", "JobType": "service",
        "JobVersion": 3, "TaskGroup": "frontend", "DesiredStatus": "run",
        "ClientStatus": "running", "CreateIndex": 60, "ModifyIndex": 61,
        "CreateTime": 1_700_000_000_000_000_000_i64, "ModifyTime": 1_700_000_000_000_000_000_i64,
        "DesiredTransition": {}, "TaskStates": {"nginx": {"State": "running", "Failed": false}},
        "AllocatedResources": {
            "Tasks": {"nginx": {"Cpu": {"CpuShares": 200}, "Memory": memory,
                "Networks": null, "Devices": null}},
            "TaskLifecycles": {"nginx": null},
            "Shared": {"DiskMB": 300, "Networks": null, "Ports": null}
        }
    }])
}

/// A job of 1000 MB that only web-1 may run.
const ON_WEB_1: &str = "job \"probe\" {\n  datacenters = [\"dc1\"]\n  constraint {\n    attribute = \"${node.unique.name}\"\n    value     = \"web-1\"\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 1000\n      }\n    }\n  }\n}\n";

#[test]
fn an_allocations_memory_held_as_null_is_no_free_node() {
    let d = import("types-alloc-memory");
    d.put("probe.nomad", ON_WEB_1);
    // As Nomad answers it, the node is full: the plan fails.
    edit(&d, "allocations.json", |v| {
        *v = running_web(json!({"MemoryMB": 3500, "MemoryMaxMB": 0}))
    });
    let o = plan(&d);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Dimension \"memory\" exhausted on 1 nodes"),
        "{}",
        o.stdout
    );
    // A struct held by value, null: never 0 MB used and "all clear".
    edit(&d, "allocations.json", |v| *v = running_web(Value::Null));
    assert_refused(
        &d,
        "cannot tell what the cluster runs: allocations.json holds item 1's AllocatedResources.Tasks.nginx.Memory as null, and Nomad's API answers it as an object",
    );
}

#[test]
fn an_allocations_client_status_held_as_a_number_is_refused() {
    let d = import("types-alloc-status");
    edit(&d, "allocations.json", |v| {
        *v = running_web(json!({"MemoryMB": 256}));
        v[0]["ClientStatus"] = json!(1);
    });
    assert_refused(
        &d,
        "allocations.json holds item 1's ClientStatus as a number, and Nomad's API answers it as a string",
    );
}

#[test]
fn a_jobs_count_or_priority_of_another_type_is_no_zero() {
    let d = import("types-job-count");
    edit(&d, "jobs/default/web.json", |v| {
        v["TaskGroups"][0]["Count"] = "2".into()
    });
    assert_refused(
        &d,
        "cannot tell what the job runs: web.json holds TaskGroups[0].Count as a string, and Nomad's API answers it as a whole number",
    );
    edit(&d, "jobs/default/web.json", |v| {
        v["TaskGroups"][0]["Count"] = 2.into();
        v["Priority"] = Value::Null;
    });
    assert_refused(&d, "web.json holds Priority as null");
}

/// A field no table lists (a service's `Connect`, left to its reader) is
/// judged as it is read. Services and deployments have tables now
/// (tests/import_typed_lists.rs).
#[test]
fn a_field_no_table_lists_is_judged_as_it_is_read() {
    let d = import("types-job-service");
    edit(&d, "jobs/default/web.json", |v| {
        v["TaskGroups"][0]["Services"] = json!([{"Name": "web", "PortLabel": "http", "Provider": "consul", "Connect": {"Native": "yes"}}]);
    });
    assert_refused(
        &d,
        "cannot tell what job `web` runs: the saved JSON holds Native as a string, and Nomad's API answers it as true or false",
    );
}

#[test]
fn agent_self_and_node_pools_of_another_type_are_refused() {
    let d = import("types-agent");
    edit(&d, "agent-self.json", |v| {
        v["config"]["Server"] = json!({"JobMaxPriority": "100"});
    });
    assert_refused(
        &d,
        "cannot tell the servers' release and settings: agent-self.json holds config.Server.JobMaxPriority as a string, and Nomad's API answers it as a whole number or null",
    );
    let d = import("types-pools");
    edit(&d, "node-pools.json", |v| {
        v[1]["SchedulerConfiguration"] = json!({"SchedulerAlgorithm": 1});
    });
    assert_refused(
        &d,
        "node-pools.json holds item 2's SchedulerConfiguration.SchedulerAlgorithm as a number",
    );
}

#[test]
fn a_nodes_devices_and_host_volumes_of_another_type_are_refused() {
    let file = "node-0a1b2c3d-0000-4000-8000-000000000001.json";
    let d = import("types-devices");
    edit(&d, file, |v| {
        v["NodeResources"]["Devices"] = json!([{"Vendor": "nvidia", "Type": "gpu",
            "Name": "t4", "Instances": [{"ID": "GPU-1", "Healthy": "true"}]}]);
    });
    assert_refused(
        &d,
        &format!("{file} holds NodeResources.Devices[0].Instances[0].Healthy as a string, and Nomad's API answers it as true or false"),
    );
    let d = import("types-host-volumes");
    edit(&d, file, |v| {
        v["HostVolumes"] = json!({"data": {"Name": "data", "Path": "/srv", "ReadOnly": "true"}});
    });
    assert_refused(
        &d,
        &format!("{file} holds HostVolumes.data.ReadOnly as a string"),
    );
    // Nomad's own form of both is read.
    edit(&d, file, |v| {
        v["HostVolumes"] = json!({"data": {"Name": "data", "Path": "/srv", "ReadOnly": true}});
    });
    let o = plan(&d);
    assert!(
        o.code == 0 || o.code == 1,
        "{}{}",
        o.stdout,
        common::flat(&o.stderr)
    );
}

/// An allocation's network ports are `Port`s, whose fourth field is
/// `HostNetwork` (nomad/structs/structs.go v2.0.5:2809-2834); only
/// `Shared.Ports` are `AllocatedPortMapping`s, with `HostIP`
/// (v2.0.5:2751-2760). The allocation's table gave both `HostIP`, so a
/// `HostNetwork` of another type in a network's ports was not judged
/// (rv-b). Now it is refused naming the field; a `HostIP` of another type
/// in `Shared.Ports` still is.
#[test]
fn an_allocations_port_host_network_of_another_type_is_refused() {
    let d = import("types-alloc-port-network");
    edit(&d, "allocations.json", |v| {
        *v = running_web(json!({"MemoryMB": 256}));
        v[0]["AllocatedResources"]["Shared"]["Networks"] = json!([{
            "Mode": "host", "IP": "10.0.0.1", "MBits": 0,
            "DynamicPorts": [{"Label": "http", "Value": 23456, "To": 0, "HostNetwork": 5}]
        }]);
    });
    assert_refused(&d, "DynamicPorts[0].HostNetwork as a number");

    let d = import("types-alloc-port-ip");
    edit(&d, "allocations.json", |v| {
        *v = running_web(json!({"MemoryMB": 256}));
        v[0]["AllocatedResources"]["Shared"]["Ports"] =
            json!([{"Label": "http", "Value": 23456, "HostIP": ["10.0.0.1"]}]);
    });
    assert_refused(&d, "Shared.Ports[0].HostIP as a list");
}
