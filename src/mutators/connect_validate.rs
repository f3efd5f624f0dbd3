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
//! - 1.11.0+: `groupConnectNetworkModeValidate`, which also admits `cni/*`.

use crate::gotext::go_quote;
use crate::jobspec::{Job, Service, TaskGroup};
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
    }
    None
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
