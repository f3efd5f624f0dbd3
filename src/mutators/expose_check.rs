//! `jobExposeCheckHook` (nomad/job_endpoint_hook_expose_check.go, 0.11.0+),
//! run after the Connect hook: every `expose = true` check of a group
//! service becomes an expose path of the service's sidecar proxy, and the
//! validator refuses an expose check outside its place. Per release:
//!
//! - 0.11.0: a check must name its listener `port`; 0.11.2: without one
//!   the hook adds a dynamic port `svc_<service>_ck_<6 hex>` (`to = -1`)
//!   to the group's first network and names it in the check. Up to 1.0.x
//!   the six digits are random (`uuid.Generate()`); we derive them from the
//!   job, service and check names, as the Connect hook's own random suffix
//!   is derived (see `connect`). From 1.1.0 they are the first six of
//!   `ServiceCheck.Hash("<service>_<index>")` (SHA-1, SHA-256 from 2.0.5,
//!   the fields of each release) and the port has host network `default`;
//! - 0.12.5: the group network is validated before the port is added (a
//!   mutator error); before, a group without a network makes it panic;
//! - 1.0.4: the validator's "requires use of sidecar_proxy" (before: "...
//!   Nomad's builtin Connect proxy", and a `sidecar_task` also refused);
//! - 1.0.6: a service without a sidecar is skipped by the mutator (before,
//!   an exposable check of one makes it dereference the missing proxy);
//! - 1.11.0: the network rule is `groupConnectNetworkModeValidate` with
//!   prefix "connect expose check" (`cni/*` allowed).
//!
//! The local port is the service port's static value in the group
//! networks, else the service `port` read as a number.

use sha2::{Digest, Sha256};

use super::connect::HookError;
use crate::gotext::go_quote;
use crate::jobspec::{ExposeConfig, ExposePath, Job, Port, Service, ServiceCheck, TaskGroup};
use crate::version::NomadVersion;

pub(super) fn mutate(job: &mut Job, v: NomadVersion) -> Result<(), HookError> {
    if !v.at_least(0, 11, 0) {
        return Ok(());
    }
    let job_id = job.id.clone();
    for g in &mut job.groups {
        for si in 0..g.services.len() {
            for ci in 0..g.services[si].checks.len() {
                if !g.services[si].checks[ci].expose {
                    continue;
                }
                let sidecar = g.services[si]
                    .connect
                    .as_ref()
                    .is_some_and(|c| c.has_sidecar());
                if !sidecar && v.at_least(1, 0, 6) {
                    continue;
                }
                let Some(path) = expose_path(&job_id, g, si, ci, v)? else {
                    continue;
                };
                let s = &mut g.services[si];
                let Some(ss) = s.connect.as_mut().and_then(|c| c.sidecar_service.as_mut()) else {
                    return Err(HookError::Panic(panic_without_sidecar(s, v)));
                };
                let expose = ss
                    .proxy
                    .get_or_insert_with(Default::default)
                    .expose
                    .get_or_insert_with(ExposeConfig::default);
                // Only once: a job registered again keeps its paths.
                if !expose.paths.contains(&path) {
                    expose.paths.push(path);
                }
            }
        }
    }
    Ok(())
}

/// Before 1.0.6 an exposable check of a service without a sidecar makes
/// the hook dereference the missing proxy: no answer of Nomad's.
fn panic_without_sidecar(s: &Service, v: NomadVersion) -> String {
    format!(
        "Nomad {v}'s expose-check hook panics on this job (nil pointer): service {} has a check with `expose = true` but no `connect {{ sidecar_service {{}} }}`, and the server fails instead of planning; give the service a sidecar, or drop `expose` (Nomad 1.0.6 and later report it as a validation error)",
        go_quote(&s.name)
    )
}

/// `checkIsExposable`: an http or grpc check with an absolute path.
fn exposable(c: &ServiceCheck) -> bool {
    matches!(c.check_type.to_lowercase().as_str(), "http" | "grpc") && c.path.starts_with('/')
}

/// `exposePathForCheck`: the path, with the generated port where the check
/// names none (which also names it in the check).
fn expose_path(
    job_id: &str,
    g: &mut TaskGroup,
    si: usize,
    ci: usize,
    v: NomadVersion,
) -> Result<Option<ExposePath>, HookError> {
    if !exposable(&g.services[si].checks[ci]) {
        return Ok(None);
    }
    if v.at_least(0, 12, 5) {
        if let Some(e) = network_error(g, v) {
            return Err(HookError::Error(format!(
                "error in job mutator expose-check: {e}"
            )));
        }
    }
    if v.at_least(0, 11, 2) && g.services[si].checks[ci].port_label.is_empty() {
        let label = generated_label(job_id, g, si, ci, v);
        let Some(network) = g.networks.first_mut() else {
            return Err(HookError::Panic(format!(
                "Nomad {v}'s expose-check hook panics on this job (index out of range): group {} exposes a check without a `port` and has no network to add one to; give the group a `network {{ mode = \"bridge\" }}` block (Nomad 0.12.5 and later report it as an error)",
                go_quote(&g.name)
            )));
        };
        network.dynamic_ports.push(Port {
            label: label.clone(),
            to: -1,
            host_network: if v.at_least(1, 1, 0) {
                "default".into()
            } else {
                String::new()
            },
            ..Port::default()
        });
        g.services[si].checks[ci].port_label = label;
    }
    let s = &g.services[si];
    let c = &s.checks[ci];
    let static_port = g
        .networks
        .iter()
        .flat_map(|n| n.ports())
        .find(|p| p.label == s.port_label)
        .map_or(0, |p| p.value);
    let port = if static_port > 0 {
        static_port
    } else {
        match s.port_label.parse::<i64>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(HookError::Error(format!(
                    "error in job mutator expose-check: unable to determine local service port for service check {}->{}->{}",
                    g.name, s.name, c.name
                )))
            }
        }
    };
    Ok(Some(ExposePath {
        path: c.path.clone(),
        protocol: c.protocol.clone(),
        local_path_port: port,
        listener_port: c.port_label.clone(),
    }))
}

/// The group network an expose check needs (`tgValidateUseOfBridgeMode`,
/// 1.11+ `tgValidateExposeNetworkMode`), when a group service exposes one.
fn network_error(g: &TaskGroup, v: NomadVersion) -> Option<String> {
    let uses = g.services.iter().flat_map(|s| &s.checks).any(|c| c.expose);
    if !uses {
        return None;
    }
    if v.at_least(1, 11, 0) {
        return super::connect_validate::network_mode(g, "connect expose check", false);
    }
    if g.networks.len() != 1 {
        return Some(format!(
            "group {} must specify one bridge network for exposing service check(s)",
            go_quote(&g.name)
        ));
    }
    (g.networks[0].mode != "bridge").then(|| {
        format!(
            "group {} must use bridge network for exposing service check(s)",
            go_quote(&g.name)
        )
    })
}

/// `jobExposeCheckHook.Validate`: the first error of any group.
pub fn validate(job: &Job, v: NomadVersion) -> Option<String> {
    if !v.at_least(0, 11, 0) {
        return None;
    }
    for g in &job.groups {
        if let Some(e) = network_error(g, v) {
            return Some(e);
        }
        for s in &g.services {
            let ok = match &s.connect {
                Some(c) if v.at_least(1, 0, 4) => c.has_sidecar(),
                // `serviceUsesConnectEnvoy`: a connect block without a
                // sidecar_task override.
                Some(c) => c.sidecar_task.is_none(),
                None => false,
            };
            if let Some(c) = s.checks.iter().find(|c| c.expose && !ok) {
                let needs = if v.at_least(1, 0, 4) {
                    "sidecar_proxy"
                } else {
                    "Nomad's builtin Connect proxy"
                };
                return Some(format!(
                    "exposed service check {}->{}->{} requires use of {needs}",
                    g.name, s.name, c.name
                ));
            }
        }
        for t in &g.tasks {
            for s in &t.services {
                if let Some(c) = s.checks.iter().find(|c| c.expose) {
                    return Some(format!(
                        "exposed service check {}[{}]->{}->{} is not a task-group service",
                        g.name, t.name, s.name, c.name
                    ));
                }
            }
        }
    }
    None
}

/// The generated listener port's label: `svc_<service>_ck_<6 hex>`.
fn generated_label(job_id: &str, g: &TaskGroup, si: usize, ci: usize, v: NomadVersion) -> String {
    let s = &g.services[si];
    let suffix = if v.at_least(1, 1, 0) {
        let hex = check_hash(g, si, ci, &format!("{}_{ci}", s.name), v);
        hex.get(..6).unwrap_or_default().to_string()
    } else {
        // Random in Nomad (uuid.Generate()[:6]); derived here.
        let d = Sha256::digest(format!("{job_id}\x00{}\x00{}\x00{ci}", g.name, s.name).as_bytes());
        crate::hex::encode(&d[..3])
    };
    format!("svc_{}_ck_{suffix}", s.name)
}

/// `ServiceCheck.Hash(serviceID)` of the release (1.1.0+), as hex. The
/// three fields the typed model does not hold (`notes`, `tls_server_name`,
/// `failures_before_warning`) are read from what the file wrote.
fn check_hash(g: &TaskGroup, si: usize, ci: usize, service_id: &str, v: NomadVersion) -> String {
    let c = &g.services[si].checks[ci];
    let unread = |field: &str| -> Option<&crate::jobspec::Value> {
        let idx = |name: &str, i: usize, n: usize| {
            if n > 1 {
                format!("{name}[{i}]")
            } else {
                name.to_string()
            }
        };
        let key = format!(
            "{}.{}.{field}",
            idx("service", si, g.services.len()),
            idx("check", ci, g.services[si].checks.len())
        );
        g.unmodelled.0.get(&key)
    };
    let text = |field: &str| {
        unread(field)
            .and_then(|x| x.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let int = |field: &str| match unread(field) {
        Some(crate::jobspec::Value::Number(n)) => *n as i64,
        Some(crate::jobspec::Value::Int(n)) => *n,
        _ => 0,
    };
    let mut parts: Vec<String> = vec![
        service_id.to_string(),
        c.name.clone(),
        c.check_type.clone(),
        c.command.clone(),
        c.args.concat(),
        c.path.clone(),
        c.protocol.clone(),
        c.port_label.clone(),
        c.interval.to_string(),
        c.timeout.to_string(),
        c.method.clone(),
        c.body.clone(),
        c.on_update.clone(),
    ];
    if v.at_least(1, 8, 1) {
        parts.push(text("notes"));
    }
    if c.tls_skip_verify {
        parts.push("true".into());
    }
    if v.at_least(1, 6, 0) {
        parts.push(text("tls_server_name"));
    }
    if !c.header.is_empty() {
        let mut headers: Vec<String> = c
            .header
            .iter()
            .map(|(k, vs)| format!("{k}{}", vs.concat()))
            .collect();
        headers.sort();
        parts.push(headers.concat());
    }
    parts.push(c.address_mode.clone());
    parts.push(c.grpc_service.clone());
    if c.grpc_use_tls {
        parts.push("true".into());
    }
    for (name, n) in [
        ("success", c.success_before_passing),
        ("failures", c.failures_before_critical),
    ] {
        if n != 0 {
            parts.push(format!("{name}:{n}"));
        }
    }
    if v.at_least(1, 7, 3) {
        let n = int("failures_before_warning");
        if n != 0 {
            parts.push(format!("failures-before-warning:{n}"));
        }
    }
    // Empty strings add nothing to the hash, as Go's io.WriteString of "".
    let data = parts.concat();
    if v.at_least(2, 0, 5) {
        crate::hex::encode(&Sha256::digest(data.as_bytes()))
    } else {
        crate::hex::encode(&crate::jobspec::sha1::digest(data.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_as_go_concatenates_the_fields() {
        // Every written field is a plain concatenation: the hash of the
        // pieces is the hash of their join.
        let mut g = TaskGroup {
            name: "api".into(),
            services: vec![Service {
                name: "count-api".into(),
                checks: vec![ServiceCheck {
                    name: "api-health".into(),
                    check_type: "http".into(),
                    path: "/health".into(),
                    interval: crate::jobspec::Duration::secs(10),
                    timeout: crate::jobspec::Duration::secs(3),
                    on_update: "require_healthy".into(),
                    ..ServiceCheck::default()
                }],
                ..Service::default()
            }],
            ..TaskGroup::default()
        };
        let joined = "count-api_0api-healthhttp/health10s3srequire_healthy";
        assert_eq!(
            check_hash(&g, 0, 0, "count-api_0", NomadVersion::new(1, 6, 0)),
            crate::hex::encode(&crate::jobspec::sha1::digest(joined.as_bytes()))
        );
        assert_eq!(
            check_hash(&g, 0, 0, "count-api_0", NomadVersion::new(2, 0, 5)),
            crate::hex::encode(&Sha256::digest(joined.as_bytes()))
        );
        g.services[0].checks[0].tls_skip_verify = true;
        let with_tls = "count-api_0api-healthhttp/health10s3srequire_healthytrue";
        assert_eq!(
            check_hash(&g, 0, 0, "count-api_0", NomadVersion::new(1, 6, 0)),
            crate::hex::encode(&crate::jobspec::sha1::digest(with_tls.as_bytes()))
        );
    }
}
