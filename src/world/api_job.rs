//! `api.Job` JSON (what `/v1/job/:id` returns) to our job model.

use serde_json::Value;

use super::api_json::{b, i, s, smap, strs};
use crate::diag::Diag;
use crate::jobspec::{
    Affinity, Constraint, EphemeralDisk, Job, JobType, Network, Parameterized, Periodic, Port,
    RequestedDevice, Resources, Spread, SpreadTarget, Task, TaskGroup, Value as JValue,
};

fn constraints(v: &Value) -> Vec<Constraint> {
    v.get("Constraints")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| Constraint {
                    ltarget: s(c, "LTarget"),
                    rtarget: s(c, "RTarget"),
                    operand: s(c, "Operand"),
                    spans: Default::default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn affinities(v: &Value) -> Vec<Affinity> {
    v.get("Affinities")
        .and_then(Value::as_array)
        .map(|xs| {
            xs.iter()
                .map(|a| Affinity {
                    ltarget: s(a, "LTarget"),
                    rtarget: s(a, "RTarget"),
                    operand: s(a, "Operand"),
                    weight: i(a, "Weight"),
                    spans: Default::default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn spreads(v: &Value) -> Vec<Spread> {
    v.get("Spreads")
        .and_then(Value::as_array)
        .map(|xs| {
            xs.iter()
                .map(|sp| Spread {
                    attribute: s(sp, "Attribute"),
                    weight: i(sp, "Weight"),
                    targets: sp
                        .get("SpreadTarget")
                        .and_then(Value::as_array)
                        .map(|ts| {
                            ts.iter()
                                .map(|t| SpreadTarget {
                                    value: s(t, "Value"),
                                    percent: i(t, "Percent"),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    spans: Default::default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn devices(r: &Value) -> Vec<RequestedDevice> {
    r.get("Devices")
        .and_then(Value::as_array)
        .map(|ds| {
            ds.iter()
                .map(|d| RequestedDevice {
                    name: s(d, "Name"),
                    count: d.get("Count").and_then(Value::as_i64).unwrap_or(1),
                    constraints: constraints(d),
                    affinities: affinities(d),
                    spans: Default::default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn periodic(v: &Value) -> Option<Periodic> {
    let p = v.get("Periodic").filter(|p| p.is_object())?;
    let mut specs = strs(p, "Specs");
    if specs.is_empty() && !s(p, "Spec").is_empty() {
        specs.push(s(p, "Spec"));
    }
    Some(Periodic {
        specs,
        spec_type: s(p, "SpecType"),
        prohibit_overlap: b(p, "ProhibitOverlap"),
        time_zone: s(p, "TimeZone"),
        enabled: p.get("Enabled").and_then(Value::as_bool).unwrap_or(true),
        spans: Default::default(),
    })
}

fn parameterized(v: &Value) -> Option<Parameterized> {
    let p = v.get("ParameterizedJob").filter(|p| p.is_object())?;
    Some(Parameterized {
        payload: s(p, "Payload"),
        meta_required: strs(p, "MetaRequired"),
        meta_optional: strs(p, "MetaOptional"),
        spans: Default::default(),
    })
}

fn json_to_value(v: &Value) -> JValue {
    match v {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::String(s.clone()),
        Value::Array(a) => JValue::List(a.iter().map(json_to_value).collect()),
        Value::Object(o) => JValue::Map(
            o.iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        ),
    }
}

fn networks(v: &Value) -> Vec<Network> {
    let ports = |n: &Value, key: &str| -> Vec<Port> {
        n.get(key)
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .map(|p| Port {
                        label: s(p, "Label"),
                        value: i(p, "Value"),
                        to: i(p, "To"),
                        host_network: s(p, "HostNetwork"),
                        ignore_collision: b(p, "IgnoreCollision"),
                        spans: Default::default(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    v.get("Networks")
        .and_then(Value::as_array)
        .map(|ns| {
            ns.iter()
                .map(|n| Network {
                    mode: s(n, "Mode"),
                    mbits: i(n, "MBits"),
                    hostname: s(n, "Hostname"),
                    reserved_ports: ports(n, "ReservedPorts"),
                    dynamic_ports: ports(n, "DynamicPorts"),
                    dns: None,
                    cni: None,
                    spans: Default::default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn task_from_api(v: &Value) -> Task {
    let r = v.get("Resources").unwrap_or(&Value::Null);
    Task {
        name: s(v, "Name"),
        driver: s(v, "Driver"),
        user: s(v, "User"),
        config: v
            .get("Config")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, x)| (k.clone(), json_to_value(x)))
                    .collect()
            })
            .unwrap_or_default(),
        env: smap(v, "Env"),
        meta: smap(v, "Meta"),
        resources: Resources {
            cpu: i(r, "CPU"),
            cores: i(r, "Cores"),
            memory_mb: i(r, "MemoryMB"),
            memory_max_mb: i(r, "MemoryMaxMB"),
            disk_mb: i(r, "DiskMB"),
            iops: i(r, "IOPS"),
            secrets_mb: i(r, "SecretsMB"),
            networks: networks(r),
            devices: devices(r),
            numa: None,
            spans: Default::default(),
        },
        constraints: constraints(v),
        affinities: affinities(v),
        leader: b(v, "Leader"),
        kill_signal: s(v, "KillSignal"),
        ..Task::default()
    }
}

fn group_from_api(v: &Value) -> TaskGroup {
    let disk = v.get("EphemeralDisk").unwrap_or(&Value::Null);
    TaskGroup {
        name: s(v, "Name"),
        count: i(v, "Count"),
        constraints: constraints(v),
        affinities: affinities(v),
        spreads: spreads(v),
        networks: networks(v),
        ephemeral_disk: EphemeralDisk {
            sticky: b(disk, "Sticky"),
            migrate: b(disk, "Migrate"),
            size_mb: i(disk, "SizeMB"),
            spans: Default::default(),
        },
        meta: smap(v, "Meta"),
        tasks: v
            .get("Tasks")
            .and_then(Value::as_array)
            .map(|ts| ts.iter().map(task_from_api).collect())
            .unwrap_or_default(),
        ..TaskGroup::default()
    }
}

/// Convert an `api.Job` (what `/v1/job/:id` returns) to our job model.
/// Placement-relevant fields are carried over (constraints, affinities,
/// spreads, resources, devices, networks, periodic/parameterized for the
/// status views); service checks, templates and update strategies are not:
/// they never change where allocations go.
pub fn job_from_api_json(v: &Value) -> Result<Job, Diag> {
    let id = s(v, "ID");
    if id.is_empty() {
        return Err(Diag::error("import::job", "job JSON has no \"ID\"")
            .help("save the job with `nomad operator api /v1/job/<id>`; a list entry from /v1/jobs is not enough"));
    }
    let type_str = s(v, "Type");
    let job_type = match type_str.as_str() {
        "" => JobType::Service,
        t => JobType::parse(t).ok_or_else(|| {
            Diag::error("import::job", format!("job `{id}` has unknown type `{t}`"))
                .help("known types: service, batch, system, sysbatch")
        })?,
    };
    let groups = v
        .get("TaskGroups")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Diag::error("import::job", format!("job `{id}` has no \"TaskGroups\""))
                .help("save the full job with `nomad operator api /v1/job/<id>`")
        })?;
    Ok(Job {
        name: match s(v, "Name") {
            n if n.is_empty() => id.clone(),
            n => n,
        },
        id,
        job_type,
        priority: v.get("Priority").and_then(Value::as_i64).unwrap_or(50),
        region: s(v, "Region"),
        namespace: match s(v, "Namespace") {
            n if n.is_empty() => "default".to_string(),
            n => n,
        },
        datacenters: strs(v, "Datacenters"),
        node_pool: s(v, "NodePool"),
        all_at_once: b(v, "AllAtOnce"),
        constraints: constraints(v),
        affinities: affinities(v),
        spreads: spreads(v),
        periodic: periodic(v),
        parameterized: parameterized(v),
        meta: smap(v, "Meta"),
        groups: groups.iter().map(group_from_api).collect(),
        stop: b(v, "Stop"),
        ..Job::default()
    })
}
