//! `jobConnectHook.Validate` (nomad/job_endpoint_hook_connect.go
//! `groupConnectValidate`): the group network a Connect sidecar or gateway
//! needs, the task of a native service, lower-case names (1.1+), in each
//! release's words:
//!
//! - 0.10.0 runs the validator but drops its error (`admissionValidators`
//!   returned the last validator's error, which is `jobValidate`'s);
//! - 0.10.1–1.10.x: "Consul Connect sidecars require exactly 1 network,
//!   ..." and a bridge-only sidecar; native services from 0.12.0; gateways
//!   (bridge or host) from 0.12.4;
//! - 1.11.0+: `groupConnectNetworkModeValidate`, which also admits `cni/*`;
//! - after a group's services (1.1.2+), `groupConnectUpstreamsValidate`:
//!   two upstreams on one listener, and from 1.8.0 the transparent proxy's
//!   group rules (`network.dns`, excluded inbound ports, one connect block).

use std::collections::BTreeMap;

use crate::gotext::go_quote;
use crate::jobspec::{ConsulUpstream, Job, Service, TaskGroup};
use crate::version::NomadVersion;

use super::connect::native_task;

/// The first error of the version's Connect validator for `job`.
pub fn validate(job: &Job, v: NomadVersion) -> Option<String> {
    if !v.at_least(0, 10, 1) {
        return None;
    }
    for g in &job.groups {
        for s in &g.services {
            let Some(c) = &s.connect else { continue };
            let err = if c.has_sidecar() {
                sidecar(g, s, v)
            } else if c.is_native() && v.at_least(0, 12, 0) {
                native_task(g, s).err()
            } else if c.is_gateway() && v.at_least(0, 12, 4) {
                gateway(g, v)
            } else {
                None
            };
            if err.is_some() {
                return err;
            }
        }
        if let Some(e) = upstreams(g, v) {
            return Some(e);
        }
    }
    None
}

/// `groupConnectUpstreamsValidate` (1.1.2+): no two upstreams of the
/// group's sidecars may listen on the same address (or, from 1.8.1, the
/// same socket path); from 1.8.0 the transparent proxy's group rules.
fn upstreams(g: &TaskGroup, v: NomadVersion) -> Option<String> {
    if !v.at_least(1, 1, 2) {
        return None;
    }
    let tproxy_rules = v.at_least(1, 8, 0);
    let mut listeners: BTreeMap<String, &str> = BTreeMap::new();
    let mut has_tproxy = false;
    for s in &g.services {
        let Some(proxy) = s
            .connect
            .as_ref()
            .and_then(|c| c.sidecar_service.as_ref())
            .and_then(|ss| ss.proxy.as_ref())
        else {
            continue;
        };
        for up in &proxy.upstreams {
            let listener = upstream_listener(up, v);
            if let Some(first) = listeners.get(&listener) {
                return Some(format!(
                    "Consul Connect services {} and {} in group {} using same address for upstreams ({listener})",
                    go_quote(&s.name),
                    go_quote(first),
                    go_quote(&g.name)
                ));
            }
            listeners.insert(listener, &s.name);
        }
        let Some(tp) = proxy.transparent_proxy.as_ref().filter(|_| tproxy_rules) else {
            continue;
        };
        has_tproxy = true;
        let dns = g.networks.iter().any(|n| {
            n.dns.as_ref().is_some_and(|d| {
                !(d.servers.is_empty() && d.searches.is_empty() && d.options.is_empty())
            })
        });
        if dns && !tp.no_dns {
            return Some(
                "Consul Connect transparent proxy cannot be used with network.dns unless no_dns=true"
                    .into(),
            );
        }
        for label in &tp.exclude_inbound_ports {
            // strconv.ParseUint(label, 10, 16), or a static port's label.
            let numeric = !label.starts_with('+') && label.parse::<u16>().is_ok();
            let reserved = g
                .networks
                .iter()
                .flat_map(|n| &n.reserved_ports)
                .any(|p| &p.label == label);
            if !numeric && !reserved {
                return Some(format!(
                    "Consul Connect transparent proxy port {} must be numeric or one of network.port labels",
                    go_quote(label)
                ));
            }
        }
    }
    let connect_blocks = g.services.iter().filter(|s| s.connect.is_some()).count();
    (has_tproxy && connect_blocks > 1)
        .then(|| "Consul Connect transparent proxy requires there is only one connect block".into())
}

/// The key an upstream listens on: its socket path (1.8.1+, Enterprise
/// 1.6.12+ and 1.7.9+), else address
/// and port, joined as `net.JoinHostPort` (brackets around an IPv6 host)
/// in the releases that used it, as `%s:%d` in the others.
fn upstream_listener(up: &ConsulUpstream, v: NomadVersion) -> String {
    if v.has(crate::version::Fix::UpstreamSocketPathKey) && !up.local_bind_socket_path.is_empty() {
        return up.local_bind_socket_path.clone();
    }
    let in_range = |from: (u32, u32, u32), to: (u32, u32, u32)| {
        v.at_least(from.0, from.1, from.2) && !v.at_least(to.0, to.1, to.2)
    };
    let join_host_port =
        in_range((1, 3, 14), (1, 4, 0)) || in_range((1, 4, 9), (1, 5, 0)) || v.at_least(1, 5, 4);
    let host = &up.local_bind_address;
    if join_host_port && host.contains(':') {
        format!("[{host}]:{}", up.local_bind_port)
    } else {
        format!("{host}:{}", up.local_bind_port)
    }
}

/// `groupConnectSidecarValidate`.
fn sidecar(g: &TaskGroup, s: &Service, v: NomadVersion) -> Option<String> {
    let network = if v.at_least(1, 11, 0) {
        network_mode(g, "connect sidecar", false)
    } else if g.networks.len() != 1 {
        Some(format!(
            "Consul Connect sidecars require exactly 1 network, found {} in group {}",
            g.networks.len(),
            go_quote(&g.name)
        ))
    } else if g.networks[0].mode != "bridge" {
        Some(format!(
            "Consul Connect sidecar requires bridge network, found {} in group {}",
            go_quote(&g.networks[0].mode),
            go_quote(&g.name)
        ))
    } else {
        None
    };
    network.or_else(|| lowercase(g, s).filter(|_| v.at_least(1, 1, 0)))
}

/// `groupConnectGatewayValidate`.
fn gateway(g: &TaskGroup, v: NomadVersion) -> Option<String> {
    if v.at_least(1, 11, 0) {
        return network_mode(g, "connect gateway", true);
    }
    if g.networks.len() != 1 {
        return Some(format!(
            "Consul Connect gateways require exactly 1 network, found {} in group {}",
            g.networks.len(),
            go_quote(&g.name)
        ));
    }
    let mode = &g.networks[0].mode;
    (mode != "bridge" && mode != "host").then(|| {
        r#"Consul Connect Gateway service requires Task Group with network mode of type "bridge" or "host""#
            .to_string()
    })
}

/// `groupConnectNetworkModeValidate` (1.11+).
pub(super) fn network_mode(g: &TaskGroup, prefix: &str, allow_host: bool) -> Option<String> {
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

/// `groupConnectSidecarValidate`'s lowercase rule (1.1+).
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
            "Consul Connect group {} with service {} must not contain uppercase characters",
            go_quote(&g.name),
            go_quote(&s.name)
        ));
    }
    None
}
