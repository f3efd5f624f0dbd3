//! `jobConnectHook.Mutate` (nomad/job_endpoint_hook_connect.go, 0.10.0+):
//! the task Nomad injects for every Connect sidecar service and gateway,
//! the ports they need, and the task kind of a Connect native service, as
//! each release does it:
//!
//! - 0.10.0: only the first sidecar service of a group gets its task and
//!   port (the loop returned after it), and a group without a network makes
//!   the hook panic (it indexes the first network; 0.10.1 skips the group);
//! - 0.10.2: every sidecar service; the injected task is canonicalised by
//!   the hook (before, by the job canonicaliser that ran after it);
//! - 0.12.0: native services; 0.12.1: the group network is re-canonicalised,
//!   so the injected port gets host network "default";
//! - 0.12.4: ingress gateways; 1.0.2: a gateway's `sidecar_task` is merged;
//!   1.0.4: terminating gateways (with their injected port) and the sidecar
//!   port named by `sidecar_service.port`; 1.1.1: mesh gateways; the
//!   gateway proxy defaults (`gateway_proxy`) from 0.12.4;
//! - 1.6.0: the Envoy driver is guessed (podman or docker).
//!
//! - 1.0.2: a sidecar's or gateway's service name is interpolated with what
//!   is known at submission (`connect_env`) before its task is named.
//!
//! The tasks themselves are built in `connect_task`. A difference from
//! Nomad: when a task already has the sidecar's name Nomad appends six
//! random hex digits, where we append six derived from the job and service
//! names.

use crate::gotext::go_quote;
use crate::jobspec::{ConsulGateway, Job, Port, Service, TaskGroup};
use crate::version::NomadVersion;

use super::connect_task::{
    canonicalize, merge_into_task, new_gateway_task, new_sidecar_task, PROXY_PREFIX,
};

const NATIVE_PREFIX: &str = "connect-native";

/// Why the hook fails a job.
pub(super) enum HookError {
    /// The error the hook returns, which Nomad wraps as the mutator's.
    Error(String),
    /// Where that release's hook panics: our own sentence.
    Panic(String),
}

pub(super) fn mutate(job: &mut Job, v: NomadVersion) -> Result<(), HookError> {
    if !v.at_least(0, 10, 0) {
        return Ok(());
    }
    let job_id = job.id.clone();
    // The env reads the job as submitted; copied only when a name asks.
    let interpolates = v.at_least(1, 0, 2)
        && job
            .groups
            .iter()
            .flat_map(|g| &g.services)
            .any(|s| injects_task(s, v) && s.name.contains("${"));
    let snapshot = interpolates.then(|| job.clone());
    for g in &mut job.groups {
        if g.networks.is_empty() {
            if !v.at_least(0, 10, 1) && sidecar_services(g).next().is_some() {
                return Err(HookError::Panic(panic_without_network(g, v)));
            }
            // Nomad skips groups without networks here; its validator
            // reports them.
            continue;
        }
        if let Some(j) = &snapshot {
            interpolate_names(j, g, v);
        }
        group(&job_id, g, v).map_err(HookError::Error)?;
    }
    Ok(())
}

/// 1.0.2+: the names of the services whose task the hook injects, as
/// `env.ReplaceEnv` leaves them; the env is built from the job as submitted.
fn interpolate_names(job: &Job, g: &mut TaskGroup, v: NomadVersion) {
    if !g
        .services
        .iter()
        .any(|s| injects_task(s, v) && s.name.contains("${"))
    {
        return;
    }
    let env = super::connect_env::SubmitEnv::new(job, g);
    for s in g.services.iter_mut().filter(|s| injects_task(s, v)) {
        s.name = env.replace(&s.name);
    }
}

/// A sidecar or a gateway this release knows: a service whose task the
/// hook injects and names.
fn injects_task(s: &Service, v: NomadVersion) -> bool {
    s.connect
        .as_ref()
        .is_some_and(|c| c.has_sidecar() || gateway_kind(c.gateway.as_ref(), v).is_some())
}

fn sidecar_services(g: &TaskGroup) -> impl Iterator<Item = &Service> {
    g.services
        .iter()
        .filter(|s| s.connect.as_ref().is_some_and(|c| c.has_sidecar()))
}

/// 0.10.0's hook reads `g.Networks[0]` of a group that has none: the
/// server panics rather than answering, which is no error text of Nomad's.
fn panic_without_network(g: &TaskGroup, v: NomadVersion) -> String {
    format!(
        "Nomad {v}'s Connect hook panics on this job (index out of range): group {} has a Connect sidecar service but no network, and the agent crashes instead of planning; give the group a `network {{ mode = \"bridge\" }}` block (Nomad 0.10.1 and later report it as a validation error)",
        go_quote(&g.name)
    )
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

/// `injectPort`: a dynamic port mapped to the same port in the netns. From
/// 0.12.1 the hook re-canonicalises the group network, which gives it the
/// host network "default" (0.12.0 ran the hook after canonicalisation and
/// left it empty).
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
        host_network: if v.at_least(0, 12, 1) {
            "default".into()
        } else {
            String::new()
        },
        ..Port::default()
    });
}

fn suffix(job_id: &str, service: &str) -> String {
    crate::ids::uuid(0, &["connect-proxy", job_id, service])[..6].to_string()
}

/// The gateway kind the release's hook knows of a `gateway` block.
fn gateway_kind(gateway: Option<&ConsulGateway>, v: NomadVersion) -> Option<&'static str> {
    let kind = gateway?.kind()?;
    let known = match kind {
        "ingress" => v.at_least(0, 12, 4),
        "terminating" => v.at_least(1, 0, 4),
        _ => v.at_least(1, 1, 1),
    };
    known.then_some(kind)
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
            sidecar(job_id, g, &s, &driver, v);
            if !v.at_least(0, 10, 2) {
                // 0.10.0–0.10.1 returned after the first sidecar service.
                return Ok(());
            }
        } else if c.is_native() && v.at_least(0, 12, 0) {
            let t = native_task(g, &s)?;
            g.tasks[t].kind = format!("{NATIVE_PREFIX}:{}", s.name);
            g.services[i].task_name = g.tasks[t].name.clone();
        } else if let Some(kind) = gateway_kind(c.gateway.as_ref(), v) {
            if let Some(gw) = g.services[i]
                .connect
                .as_mut()
                .and_then(|c| c.gateway.as_mut())
            {
                crate::jobspec::connect_gateway_proxy::apply(gw, &mode, v);
            }
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
            // `hasGatewayTaskForService`: before 1.0.4 only an ingress task
            // counts (and every gateway task was named as one).
            let prefix = if v.at_least(1, 0, 4) {
                prefix
            } else {
                "connect-ingress".to_string()
            };
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
                if v.at_least(1, 0, 2) {
                    if let Some(st) = &c.sidecar_task {
                        merge_into_task(st, &mut t);
                    }
                }
                canonicalize(&mut t, g, v);
                g.tasks.push(t);
            }
        }
    }
    Ok(())
}

/// The sidecar task and proxy port of one sidecar service.
fn sidecar(job_id: &str, g: &mut TaskGroup, s: &Service, driver: &str, v: NomadVersion) {
    let Some(c) = s.connect.as_ref() else { return };
    let kind = format!("{PROXY_PREFIX}:{}", s.name);
    let pos = match g.tasks.iter().position(|t| t.kind == kind) {
        Some(p) => p,
        None => {
            let mut t = new_sidecar_task(&s.name, driver.to_string(), v);
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
    // 1.0.4: the label `sidecar_service.port` names, if any.
    let port = c
        .sidecar_service
        .as_ref()
        .map(|ss| ss.port.clone())
        .filter(|p| !p.is_empty() && v.at_least(1, 0, 4))
        .unwrap_or_else(|| format!("{PROXY_PREFIX}-{}", s.name));
    inject_port(g, &port, v);
}

/// `getNamedTaskForNativeService`.
pub(super) fn native_task(g: &TaskGroup, s: &Service) -> Result<usize, String> {
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
fn customized_tls(gateway: Option<&ConsulGateway>) -> bool {
    gateway
        .and_then(|g| g.ingress.as_ref())
        .and_then(|i| i.tls.as_ref())
        .is_some_and(|t| {
            !t.tls_min_version.is_empty()
                || !t.tls_max_version.is_empty()
                || !t.cipher_suites.is_empty()
        })
}
