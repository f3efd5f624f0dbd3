//! `jobConnectHook` (nomad/job_endpoint_hook_connect.go): the task Nomad
//! injects for every Connect sidecar service and gateway, the ports it
//! needs, and the task kind of a Connect native service; and the hook's
//! validator (the group network mode a sidecar or gateway requires).
//!
//! Modelled from 1.1 (the sidecar task's config, resources and constraints
//! as read at v1.1.0–v2.0.5); a 0.10–1.0 world plans the file's tasks only.
//! Differences from Nomad: a service name is not interpolated
//! (`${NOMAD_JOB_NAME}` stays as written), and when a task already has the
//! sidecar's name Nomad appends six random hex digits, where we append six
//! derived from the job and service names.

use std::collections::BTreeMap;

use crate::gotext::go_quote;
use crate::jobspec::{
    Constraint, Duration, Job, Lifecycle, LogConfig, Port, Resources, Service, SidecarTask, Task,
    TaskGroup, Value, WorkloadIdentity,
};
use crate::version::NomadVersion;

const PROXY_PREFIX: &str = "connect-proxy";
const NATIVE_PREFIX: &str = "connect-native";
const ENVOY_BOOTSTRAP: &str = "${NOMAD_SECRETS_DIR}/envoy_bootstrap.json";

/// Is the hook modelled at this version?
fn modelled(v: NomadVersion) -> bool {
    v.at_least(1, 1, 0)
}

pub(super) fn mutate(job: &mut Job, v: NomadVersion) -> Result<(), String> {
    if !modelled(v) {
        return Ok(());
    }
    let job_id = job.id.clone();
    for g in &mut job.groups {
        // Nomad skips groups without networks here; its validator reports them.
        if g.networks.is_empty() {
            continue;
        }
        group(&job_id, g, v)?;
    }
    Ok(())
}

/// `groupConnectGuessTaskDriver` (1.6+): podman when the group runs podman
/// tasks and no docker ones, else docker.
fn guess_driver(g: &TaskGroup, v: NomadVersion) -> String {
    let has = |d: &str| g.tasks.iter().any(|t| t.driver == d);
    if v.at_least(1, 6, 0) && has("podman") && !has("docker") {
        "podman".into()
    } else {
        "docker".into()
    }
}

fn constraint(l: &str, op: &str, r: &str) -> Constraint {
    Constraint {
        ltarget: l.into(),
        operand: op.into(),
        rtarget: r.into(),
        ..Constraint::default()
    }
}

/// `connectSidecarVersionConstraint` / `connectGatewayVersionConstraint`.
fn consul_version_constraint(gateway: bool, v: NomadVersion) -> Constraint {
    let min = if gateway || v.at_least(1, 3, 0) {
        ">= 1.8.0"
    } else {
        ">= 1.6.0-beta1"
    };
    constraint("${attr.consul.version}", "semver", min)
}

/// `connectListenerConstraint` (1.2+).
fn listener_constraint() -> Constraint {
    constraint("${attr.consul.grpc}", ">", "0")
}

fn envoy_config(image: &str, host_network: bool) -> BTreeMap<String, Value> {
    let s = |x: &str| Value::String(x.into());
    let mut m = BTreeMap::new();
    m.insert("image".into(), s(image));
    m.insert(
        "args".into(),
        Value::List(
            [
                "-c",
                ENVOY_BOOTSTRAP,
                "-l",
                "${meta.connect.log_level}",
                "--concurrency",
                "${meta.connect.proxy_concurrency}",
                "--disable-hot-restart",
            ]
            .into_iter()
            .map(s)
            .collect(),
        ),
    );
    if host_network {
        m.insert("network_mode".into(), s("host"));
    }
    m
}

/// The fields every injected Envoy task shares (`newConnectSidecarTask`,
/// `newConnectGatewayTask`): 250 MHz, 128 MB, two 2 MB log files, a 5 s
/// shutdown delay.
fn envoy_task(name: String, kind: String, driver: String, config: BTreeMap<String, Value>) -> Task {
    Task {
        name,
        kind,
        driver,
        config,
        shutdown_delay: Duration::secs(5),
        log_config: LogConfig {
            max_files: 2,
            max_file_size_mb: 2,
            ..LogConfig::default()
        },
        resources: Resources {
            cpu: 250,
            memory_mb: 128,
            ..Resources::default()
        },
        ..Task::default()
    }
}

fn new_sidecar_task(service: &str, driver: String, v: NomadVersion) -> Task {
    let mut t = envoy_task(
        format!("{PROXY_PREFIX}-{service}"),
        format!("{PROXY_PREFIX}:{service}"),
        driver,
        envoy_config("${meta.connect.sidecar_image}", false),
    );
    t.lifecycle = Some(Lifecycle {
        hook: "prestart".into(),
        sidecar: true,
        ..Lifecycle::default()
    });
    t.constraints = vec![consul_version_constraint(false, v)];
    if v.at_least(1, 2, 0) {
        t.constraints.push(listener_constraint());
    }
    t
}

fn new_gateway_task(
    prefix: &str,
    service: &str,
    driver: String,
    host_network: bool,
    customized_tls: bool,
    v: NomadVersion,
) -> Task {
    let mut t = envoy_task(
        format!("{prefix}-{service}"),
        format!("{prefix}:{service}"),
        driver,
        envoy_config("${meta.connect.gateway_image}", host_network),
    );
    t.constraints = vec![consul_version_constraint(true, v)];
    if v.at_least(1, 2, 0) {
        t.constraints.push(listener_constraint());
    }
    if customized_tls && v.at_least(1, 4, 0) {
        t.constraints
            .push(constraint("${attr.consul.version}", "semver", ">= 1.11.2"));
    }
    t
}

/// `SidecarTask.MergeIntoTask`: what the `sidecar_task` block sets wins.
fn merge_into_task(st: &SidecarTask, t: &mut Task) {
    if !st.name.is_empty() {
        t.name = st.name.clone();
    }
    if !st.driver.is_empty() && st.driver != t.driver {
        t.driver = st.driver.clone();
        t.config = st.config.clone();
    } else {
        t.config
            .extend(st.config.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if !st.user.is_empty() {
        t.user = st.user.clone();
    }
    t.env
        .extend(st.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(r) = &st.resources {
        // structs `Resources.Merge`: non-zero values win.
        let tr = &mut t.resources;
        let pick = |mine: &mut i64, theirs: i64| {
            if theirs != 0 {
                *mine = theirs;
            }
        };
        pick(&mut tr.cpu, r.cpu);
        pick(&mut tr.cores, r.cores);
        pick(&mut tr.memory_mb, r.memory_mb);
        pick(&mut tr.memory_max_mb, r.memory_max_mb);
        pick(&mut tr.disk_mb, r.disk_mb);
        pick(&mut tr.secrets_mb, r.secrets_mb);
        if !r.networks.is_empty() {
            tr.networks = r.networks.clone();
        }
        if !r.devices.is_empty() {
            tr.devices = r.devices.clone();
        }
    }
    t.meta
        .extend(st.meta.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(k) = st.kill_timeout {
        t.kill_timeout = k;
    }
    if let Some(l) = &st.log_config {
        if l.max_files > 0 {
            t.log_config.max_files = l.max_files;
        }
        if l.max_file_size_mb > 0 {
            t.log_config.max_file_size_mb = l.max_file_size_mb;
        }
    }
    if let Some(d) = st.shutdown_delay {
        t.shutdown_delay = d;
    }
    if !st.kill_signal.is_empty() {
        t.kill_signal = st.kill_signal.clone();
    }
    if !st.volume_mounts.is_empty() {
        t.volume_mounts = st.volume_mounts.clone();
    }
    if !st.identities.is_empty() {
        t.identities = st.identities.clone();
    }
}

/// `Task.Canonicalize` on the injected task (the hook runs after the job's
/// canonicalisation): default kill timeout, the group's restart policy
/// (0.11+), the default workload identity (1.7+).
fn canonicalize(t: &mut Task, g: &TaskGroup, v: NomadVersion) {
    if t.kill_timeout == Duration(0) {
        t.kill_timeout = Duration::secs(5);
    }
    if v.at_least(0, 11, 0) && t.restart.is_none() {
        t.restart = Some(g.restart.clone());
    }
    if v.at_least(1, 7, 0) && t.identity.is_none() {
        t.identity = Some(WorkloadIdentity {
            name: "default".into(),
            audience: vec!["nomadproject.io".into()],
            ..WorkloadIdentity::default()
        });
    }
}

/// `injectPort`: a dynamic port mapped to the same port in the netns.
fn inject_port(g: &mut TaskGroup, label: &str, v: NomadVersion) {
    let Some(n) = g.networks.first_mut() else {
        return;
    };
    if n.dynamic_ports.iter().any(|p| p.label == label) {
        return;
    }
    n.dynamic_ports.push(Port {
        label: label.to_string(),
        to: -1,
        // The re-canonicalised group network (0.12+ host networks).
        host_network: if v.at_least(0, 12, 0) {
            "default".into()
        } else {
            String::new()
        },
        ..Port::default()
    });
}

fn suffix(job_id: &str, service: &str) -> String {
    crate::cluster::ids::uuid(0, &["connect-proxy", job_id, service])[..6].to_string()
}

fn group(job_id: &str, g: &mut TaskGroup, v: NomadVersion) -> Result<(), String> {
    let driver = guess_driver(g, v);
    let mode = g
        .networks
        .first()
        .map(|n| n.mode.clone())
        .unwrap_or_default();
    for i in 0..g.services.len() {
        let s = g.services[i].clone();
        let Some(c) = s.connect.as_ref() else {
            continue;
        };
        if c.has_sidecar() {
            let kind = format!("{PROXY_PREFIX}:{}", s.name);
            let pos = match g.tasks.iter().position(|t| t.kind == kind) {
                Some(p) => p,
                None => {
                    let mut t = new_sidecar_task(&s.name, driver.clone(), v);
                    if g.tasks.iter().any(|x| x.name == t.name) {
                        t.name = format!("{}-{}", t.name, suffix(job_id, &s.name));
                    }
                    g.tasks.push(t);
                    g.tasks.len() - 1
                }
            };
            let mut t = g.tasks[pos].clone();
            if let Some(st) = &c.sidecar_task {
                merge_into_task(st, &mut t);
            }
            canonicalize(&mut t, g, v);
            g.tasks[pos] = t;
            let port = c
                .sidecar_service
                .as_ref()
                .map(|ss| ss.port.clone())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| format!("{PROXY_PREFIX}-{}", s.name));
            inject_port(g, &port, v);
        } else if c.is_native() {
            let t = native_task(g, &s)?;
            g.tasks[t].kind = format!("{NATIVE_PREFIX}:{}", s.name);
            g.services[i].task_name = g.tasks[t].name.clone();
        } else if let Some(kind) = c.gateway_kind() {
            let prefix = format!("connect-{kind}");
            if kind == "terminating" && s.port_label.is_empty() {
                let label = format!("{prefix}-{}", s.name);
                g.services[i].port_label = label.clone();
                inject_port(g, &label, v);
            }
            if kind == "mesh" {
                if s.port_label.is_empty() {
                    return Err("service.port must be set for mesh gateway service".into());
                }
                inject_port(g, &format!("{prefix}-{}-lan", s.name), v);
            }
            let task_kind = format!("{prefix}:{}", s.name);
            if !g.tasks.iter().any(|t| t.kind == task_kind) {
                let mut t = new_gateway_task(
                    &prefix,
                    &s.name,
                    driver.clone(),
                    mode == "host",
                    customized_tls(c.gateway.as_ref()),
                    v,
                );
                if let Some(st) = &c.sidecar_task {
                    merge_into_task(st, &mut t);
                }
                canonicalize(&mut t, g, v);
                g.tasks.push(t);
            }
        }
    }
    Ok(())
}

/// `getNamedTaskForNativeService`.
fn native_task(g: &TaskGroup, s: &Service) -> Result<usize, String> {
    if s.task_name.is_empty() {
        if g.tasks.len() == 1 {
            return Ok(0);
        }
        return Err(format!(
            "task for Consul Connect Native service {}->{} is ambiguous and must be set",
            g.name, s.name
        ));
    }
    g.tasks
        .iter()
        .position(|t| t.name == s.task_name)
        .ok_or_else(|| {
            format!(
                "task {} named by Consul Connect Native service {}->{} does not exist",
                s.task_name, g.name, s.name
            )
        })
}

/// `ConsulConnect.IsCustomizedTLS`: an ingress gateway whose TLS block sets
/// a version bound or cipher suites.
fn customized_tls(gateway: Option<&Value>) -> bool {
    fn first<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
        let Value::Map(m) = v else { return None };
        match m.get(key)? {
            Value::List(l) => l.first(),
            other => Some(other),
        }
    }
    let Some(tls) = gateway
        .and_then(|g| first(g, "ingress"))
        .and_then(|i| first(i, "tls"))
    else {
        return false;
    };
    ["tls_min_version", "tls_max_version", "cipher_suites"]
        .iter()
        .any(|k| first(tls, k).is_some())
}

/// `groupConnectValidate`'s network mode rule, for each Connect sidecar or
/// gateway service of the job: the first error, in Nomad's words.
pub fn validate(job: &Job, v: NomadVersion) -> Option<String> {
    if !modelled(v) {
        return None;
    }
    for g in &job.groups {
        for s in &g.services {
            let Some(c) = &s.connect else { continue };
            let err = if c.has_sidecar() {
                network_mode(g, "connect sidecar", false)
                    .or_else(|| lowercase(g, s).filter(|_| v.at_least(1, 1, 0)))
            } else if c.is_native() {
                native_task(g, s).err()
            } else if c.is_gateway() {
                network_mode(g, "connect gateway", true)
            } else {
                None
            };
            if err.is_some() {
                return err;
            }
        }
    }
    None
}

/// `groupConnectNetworkModeValidate`.
fn network_mode(g: &TaskGroup, prefix: &str, allow_host: bool) -> Option<String> {
    if g.networks.len() != 1 {
        return Some(format!(
            "{prefix}: must have exactly one network for Consul Connect: group {} has {} networks",
            go_quote(&g.name),
            g.networks.len()
        ));
    }
    let mode = &g.networks[0].mode;
    if mode == "bridge" || (allow_host && mode == "host") || mode.starts_with("cni/") {
        return None;
    }
    let allowed = if allow_host {
        r#""bridge", "host", or "cni/*""#
    } else {
        r#""bridge" or "cni/*""#
    };
    Some(format!(
        "{prefix}: invalid network mode for Consul Connect: group {} uses network mode {}; must be {allowed}",
        go_quote(&g.name),
        go_quote(mode)
    ))
}

/// `groupConnectSidecarValidate`'s lowercase rule.
fn lowercase(g: &TaskGroup, s: &Service) -> Option<String> {
    if s.name != s.name.to_lowercase() {
        return Some(format!(
            "Consul Connect service name {} in group {} must not contain uppercase characters",
            go_quote(&s.name),
            go_quote(&g.name)
        ));
    }
    if g.name != g.name.to_lowercase() {
        return Some(format!(
            "Consul Connect group {:?} with service {:?} must not contain uppercase characters",
            g.name, s.name
        ));
    }
    None
}
