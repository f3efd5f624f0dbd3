//! `ConsulConnect.Validate` and everything under it
//! (nomad/structs/services.go), which `Service.Validate` runs on a Consul
//! service's `connect` block after its checks and kind and before the
//! Connect native rules. Read at every tag where a function changed
//! (hashed over the 0.10.0–2.0.5 tags):
//!
//! - the block itself: 0.10.0–0.12.3 "must be native or use a sidecar
//!   service" (`; not both`); from 0.12.4 exactly one of native, sidecar
//!   and gateway; from 1.8.0 a sidecar's transparent proxy is validated
//!   first (validate_connect_tproxy.rs);
//! - the gateway (0.12.4+): its proxy (connect timeout, from 1.0.4 the DNS
//!   discovery type, each bind address: port -1 is "fill in" from 1.0.4),
//!   then ingress (listeners, protocols: four from 1.2.0; services: the
//!   hosts and `*` rules changed at 1.0.6, 1.2.0 and 1.3.10/1.4.5),
//!   terminating (1.0.4+: its linked services' TLS files) and mesh (1.1.1+:
//!   nothing to check), then exactly one of them.
//!
//! Nomad validates the job its admission mutators left: the Connect hook
//! (for a group with a network) has rewritten a gateway's proxy by then,
//! so the proxy judged here is the hook's (connect_gateway_proxy.rs). An
//! ingress gateway in bridge networking thus gets one bind address per
//! listener service on the listener's port, and a listener without a port
//! fails as a bind address first, as in Nomad.
//!
//! `ConsulMeshGateway.Validate` (an upstream's `mesh_gateway` mode) is
//! called nowhere in Nomad's server code, so a bogus mode is accepted, and
//! is accepted here. Before, every rule below validated and planned as a
//! false all-clear.

use super::model::*;
use super::validate::Out;
use super::validate_task::refuse;
use crate::gotext::go_quote;
use crate::source::Span;
use crate::version::NomadVersion;

/// One of the block's errors: Nomad's words, where it points, and ours.
struct Found {
    text: String,
    span: Option<Span>,
    label: &'static str,
    help: String,
}

fn found(text: impl Into<String>, span: Option<Span>, label: &'static str, help: &str) -> Found {
    Found {
        text: text.into(),
        span,
        label,
        help: help.to_string(),
    }
}

/// `Connect.Validate` for service `sv`; `hook_mode` is the network mode of
/// its group when the Connect hook mutates it (a group service in a group
/// with a network), `None` for a task service or a group without one.
pub(super) fn connect(sv: &Service, hook_mode: Option<&str>, v: NomadVersion, out: &mut Out<'_>) {
    let Some(c) = &sv.connect else { return };
    if !v.at_least(0, 10, 0) {
        return;
    }
    // From 1.8.0 the transparent proxy's own multierror is returned whole.
    if v.at_least(1, 8, 0) {
        if let Some(tp) = c
            .sidecar_service
            .as_ref()
            .and_then(|s| s.proxy.as_ref())
            .and_then(|p| p.transparent_proxy.as_ref())
        {
            if super::validate_connect_tproxy::validate(tp, &sv.name, v, out) {
                return;
            }
        }
    }
    let Some(f) = block(sv, c, hook_mode, v) else {
        return;
    };
    let msg = format!("Service {}: {}", go_quote(&sv.name), f.text);
    refuse(
        out,
        f.text,
        "jobspec::value",
        f.span.or(c.spans.block).or(sv.spans.best("connect")),
        msg,
        f.label,
        &f.help,
    );
}

/// `Task.Validate`'s rules for a task of kind `connect-proxy:<service>`
/// (0.10.0+; written by hand to replace the sidecar Nomad would inject):
/// no services, not the leader, and a Connect sidecar service of that name
/// in the group (worded per release: 0.10.4 lists the group's Connect
/// services; `stanza` became `block` with the placement texts).
pub(super) fn proxy_task(t: &Task, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    // `TaskKind.IsConnectProxy`: the prefix, a colon and a non-empty value.
    let Some(service) = t
        .kind
        .strip_prefix("connect-proxy:")
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    if !v.at_least(0, 10, 0) {
        return;
    }
    let who = format!("Task {}", go_quote(&t.name));
    let kind_at = t.spans.best("kind").or(t.spans.label);
    if !t.services.is_empty() {
        let text = format!(
            "Connect proxy task must not have a service {}",
            super::validate_placement::block_word(v)
        );
        refuse(
            out,
            text.clone(),
            "jobspec::value",
            t.services[0].spans.block.or(kind_at),
            format!("{who}: {text}"),
            "service in a Connect proxy task",
            "Consul registers the proxy through the group's Connect service: move the service to the group",
        );
    }
    if t.leader {
        let text = "Connect proxy task must not have leader set";
        refuse(
            out,
            text.into(),
            "jobspec::value",
            t.spans.best("leader").or(kind_at),
            format!("{who}: {text}"),
            "leader",
            "drop `leader = true` from the proxy task",
        );
    }
    let sidecars: Vec<&str> = g
        .services
        .iter()
        .filter(|s| s.connect.as_ref().is_some_and(|c| c.has_sidecar()))
        .map(|s| s.name.as_str())
        .collect();
    if sidecars.contains(&service) {
        return;
    }
    let text = if !v.at_least(0, 10, 4) {
        "Connect proxy service name not found in services from task group".to_string()
    } else if sidecars.is_empty() {
        format!(
            "No Connect services in task group with Connect proxy ({})",
            go_quote(service)
        )
    } else {
        // Go's `%s` of a []string.
        format!(
            "Connect proxy service name ({}) not found in Connect services from task group: [{}]",
            go_quote(service),
            sidecars.join(" ")
        )
    };
    refuse(
        out,
        text.clone(),
        "jobspec::value",
        kind_at,
        format!("{who}: {text}"),
        "no such Connect sidecar service",
        "name a group service that has `connect { sidecar_service { } }` after `connect-proxy:`",
    );
}

/// The block's first error, as the release returns it.
fn block(
    sv: &Service,
    c: &ConsulConnect,
    hook_mode: Option<&str>,
    v: NomadVersion,
) -> Option<Found> {
    let at = c.spans.block.or(sv.spans.best("connect"));
    if !v.at_least(0, 12, 4) {
        let help = "set `native = true`, or add a `sidecar_service { }` block";
        return match (c.is_native(), c.has_sidecar()) {
            (true, true) => Some(found(
                "Consul Connect must be native or use a sidecar service; not both",
                at,
                "native and sidecar",
                "keep either `native = true` or the `sidecar_service` block",
            )),
            (false, false) => Some(found(
                "Consul Connect must be native or use a sidecar service",
                at,
                "neither native nor sidecar",
                help,
            )),
            _ => None,
        };
    }
    let count = [c.has_sidecar(), c.is_native(), c.is_gateway()]
        .iter()
        .filter(|x| **x)
        .count();
    if count != 1 {
        let label = if count == 0 {
            "no native, sidecar_service or gateway"
        } else {
            "more than one of native, sidecar_service, gateway"
        };
        return Some(found(
            "Consul Connect must be exclusively native, make use of a sidecar, or represent a Gateway",
            at,
            label,
            "keep exactly one of `native = true`, `sidecar_service { }` and `gateway { }`",
        ));
    }
    let gw = c.gateway.as_ref()?;
    let at = c.spans.best("gateway").or(at);
    // The hook's gateway case runs for a group with a network.
    let mutated;
    let gw = match hook_mode {
        Some(mode) => {
            let mut g = gw.clone();
            super::connect_gateway_proxy::apply(&mut g, mode, v);
            mutated = g;
            &mutated
        }
        None => gw,
    };
    gateway(gw, at, v)
}

/// `ConsulGateway.Validate`.
fn gateway(g: &ConsulGateway, at: Option<Span>, v: NomadVersion) -> Option<Found> {
    if let Some(p) = &g.proxy {
        if let Some(f) = proxy(p, at, v) {
            return Some(f);
        }
    }
    if !v.at_least(1, 0, 4) {
        return match &g.ingress {
            Some(i) => ingress(i, at, v),
            None => Some(found(
                "Consul Gateway ingress Configuration Entry must be set",
                at,
                "no ingress",
                "add an `ingress { listener { ... } }` block (the only gateway kind before Nomad 1.0.4)",
            )),
        };
    }
    if let Some(f) = g.ingress.as_ref().and_then(|i| ingress(i, at, v)) {
        return Some(f);
    }
    if let Some(f) = g.terminating.as_ref().and_then(|t| terminating(t, at)) {
        return Some(f);
    }
    let mesh = v.at_least(1, 1, 1) && g.mesh;
    let count = [g.ingress.is_some(), g.terminating.is_some(), mesh]
        .iter()
        .filter(|x| **x)
        .count();
    if count == 1 {
        return None;
    }
    let text = if v.at_least(1, 1, 1) {
        "One Consul Gateway Configuration must be set"
    } else {
        "One Consul Gateway Configuration Entry must be set"
    };
    Some(found(
        text,
        at,
        "not exactly one gateway kind",
        "keep exactly one of `ingress`, `terminating` and `mesh` in the gateway",
    ))
}

/// `ConsulGatewayProxy.Validate` and its bind addresses'.
fn proxy(p: &GatewayProxy, at: Option<Span>, v: NomadVersion) -> Option<Found> {
    if p.connect_timeout.is_none() {
        let help = if v.at_least(1, 0, 4) {
            "set `connect_timeout` in the gateway's proxy block"
        } else {
            "Nomad before 1.0.4 gives the proxy it writes for a bridge-networked ingress gateway no connect timeout: write `proxy { connect_timeout = \"5s\" }` in the gateway (fixed in 1.0.4)"
        };
        return Some(found(
            "Consul Gateway Proxy connection_timeout must be set",
            at,
            "no connect timeout",
            help,
        ));
    }
    if v.at_least(1, 0, 4)
        && !matches!(
            p.envoy_dns_discovery_type.as_str(),
            "" | "STRICT_DNS" | "LOGICAL_DNS"
        )
    {
        return Some(found(
            "Consul Gateway Proxy Envoy DNS Discovery type must be STRICT_DNS or LOGICAL_DNS",
            at,
            "unknown DNS discovery type",
            "use envoy_dns_discovery_type \"STRICT_DNS\" or \"LOGICAL_DNS\"",
        ));
    }
    // Nomad ranges over a Go map, so with several bad addresses which one
    // it reports is random; each is refused, and we name the first by name.
    p.envoy_gateway_bind_addresses.iter().find_map(|(name, a)| {
        if a.address.is_empty() {
            return Some(found(
                "Consul Gateway Bind Address must be set",
                at,
                "bind address without an address",
                &format!("give envoy_gateway_bind_addresses {} an `address`", go_quote(name)),
            ));
        }
        let autofill = a.port == -1 && v.at_least(1, 0, 4);
        (a.port <= 0 && !autofill).then(|| {
            found(
                "Consul Gateway Bind Address must set valid Port",
                at,
                "bind address without a port",
                &format!(
                    "bind address {} has port {}: in bridge networking Nomad binds each ingress service on its listener's port, so give every listener a port above 0",
                    go_quote(name),
                    a.port
                ),
            )
        })
    })
}

/// `ConsulIngressConfigEntry.Validate` and its listeners'.
fn ingress(i: &IngressConfig, at: Option<Span>, v: NomadVersion) -> Option<Found> {
    if i.listeners.is_empty() {
        return Some(found(
            "Consul Ingress Gateway requires at least one listener",
            at,
            "no listener",
            "add a `listener { port = 8080 service { name = \"web\" } }` block to the ingress",
        ));
    }
    i.listeners.iter().find_map(|l| listener(l, at, v))
}

fn listener(l: &IngressListener, at: Option<Span>, v: NomadVersion) -> Option<Found> {
    if l.port <= 0 {
        return Some(found(
            "Consul Ingress Listener requires valid Port",
            at,
            "listener without a port",
            "give the listener a `port` above 0",
        ));
    }
    let four = v.at_least(1, 2, 0);
    let protocols: &[&str] = if four {
        &["tcp", "http", "http2", "grpc"]
    } else {
        &["http", "tcp"]
    };
    if !protocols.contains(&l.protocol.as_str()) {
        let text = if four {
            format!(
                "Consul Ingress Listener requires protocol of tcp, http, http2, grpc, got {}",
                go_quote(&l.protocol)
            )
        } else {
            format!(
                "Consul Ingress Listener requires protocol of \"http\" or \"tcp\", got {}",
                go_quote(&l.protocol)
            )
        };
        let help = format!("use protocol {}", protocols.join(", "));
        return Some(found(text, at, "unknown listener protocol", &help));
    }
    if l.services.is_empty() {
        return Some(found(
            "Consul Ingress Listener requires one or more services",
            at,
            "listener without services",
            "add a `service { name = \"web\" }` block to the listener",
        ));
    }
    l.services
        .iter()
        .find_map(|s| ingress_service(s, &l.protocol, v).map(|t| found(t, at, "ingress service", "")))
        .map(|mut f| {
            f.help = "see Consul's ingress-gateway config entry: tcp services take neither hosts nor `*`".into();
            f
        })
}

/// `ConsulIngressService.Validate`: which names and hosts a listener's
/// protocol takes, per release.
fn ingress_service(s: &IngressService, protocol: &str, v: NomadVersion) -> Option<String> {
    if s.name.is_empty() {
        return Some("Consul Ingress Service requires a name".into());
    }
    let wildcard = s.name == "*";
    let hosts = !s.hosts.is_empty();
    if !v.at_least(1, 2, 0) {
        let http = protocol == "http";
        let wildcard_ok = v.at_least(1, 0, 6);
        return if http {
            (!(hosts || (wildcard_ok && wildcard))).then(|| {
                "Consul Ingress Service requires one or more hosts when using HTTP protocol".into()
            })
        } else if wildcard_ok && wildcard {
            Some("Consul Ingress Service supports wildcard names only with HTTP protocol".into())
        } else {
            hosts.then(|| {
                "Consul Ingress Service supports hosts only when using HTTP protocol".into()
            })
        };
    }
    if protocol == "tcp" {
        if wildcard {
            return Some(
                r#"Consul Ingress Service doesn't support wildcard name for "tcp" protocol"#.into(),
            );
        }
        return hosts.then(|| {
            r#"Consul Ingress Service doesn't support associating hosts to a service for the "tcp" protocol"#.into()
        });
    }
    // 1.3.10 and 1.4.5 dropped the hosts requirement (Consul fills them
    // in); 1.4.0–1.4.4 still had it.
    let hosts_optional = (v.at_least(1, 3, 10) && !v.at_least(1, 4, 0)) || v.at_least(1, 4, 5);
    if hosts_optional {
        (wildcard && hosts).then(|| {
            r#"Consul Ingress Service with a wildcard "*" service name can not also specify hosts"#
                .into()
        })
    } else {
        (!wildcard && !hosts).then(|| {
            format!(
                "Consul Ingress Service requires one or more hosts when using {} protocol",
                go_quote(protocol)
            )
        })
    }
}

/// `ConsulTerminatingConfigEntry.Validate` and its linked services' (1.0.4+).
fn terminating(t: &TerminatingConfig, at: Option<Span>) -> Option<Found> {
    if t.services.is_empty() {
        return Some(found(
            "Consul Terminating Gateway requires at least one service",
            at,
            "no service",
            "add a `service { name = \"db\" }` block to the terminating gateway",
        ));
    }
    t.services.iter().find_map(|s| {
        let ca = !s.ca_file.is_empty();
        let cert = !s.cert_file.is_empty();
        let key = !s.key_file.is_empty();
        let text = if s.name.is_empty() {
            "Consul Linked Service requires Name"
        } else if (cert || key) && !ca {
            "Consul Linked Service TLS requires CAFile"
        } else if cert != key {
            "Consul Linked Service TLS Cert and Key must both be set"
        } else if !s.sni.is_empty() && !ca {
            "Consul Linked Service TLS SNI requires CAFile"
        } else {
            return None;
        };
        Some(found(
            text,
            at,
            "linked service",
            "a linked service needs a name; TLS needs ca_file, and cert_file with key_file",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(name: &str, hosts: &[&str]) -> IngressService {
        IngressService {
            name: name.into(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            ..IngressService::default()
        }
    }

    fn v(s: &str) -> NomadVersion {
        s.parse().expect("version")
    }

    /// services_test.go `TestConsulIngressService_Validate` at v1.0.6,
    /// v1.2.0 and v2.0.5: the hosts and wildcard rules per protocol.
    #[test]
    fn ingress_service_rules_follow_each_release() {
        let http_no_hosts = svc("web", &[]);
        assert_eq!(
            ingress_service(&http_no_hosts, "http", v("1.0.6")).as_deref(),
            Some("Consul Ingress Service requires one or more hosts when using HTTP protocol")
        );
        assert_eq!(
            ingress_service(&http_no_hosts, "http", v("1.2.0")).as_deref(),
            Some("Consul Ingress Service requires one or more hosts when using \"http\" protocol")
        );
        // The backport: 1.3.10 and 1.4.5 accept it, 1.4.0 does not.
        for ok in ["1.3.10", "1.4.5", "2.0.5"] {
            assert_eq!(ingress_service(&http_no_hosts, "http", v(ok)), None, "{ok}");
        }
        assert!(ingress_service(&http_no_hosts, "http", v("1.4.0")).is_some());
        let wild = svc("*", &[]);
        assert_eq!(ingress_service(&wild, "http", v("1.0.6")), None);
        assert_eq!(
            ingress_service(&wild, "tcp", v("1.0.6")).as_deref(),
            Some("Consul Ingress Service supports wildcard names only with HTTP protocol")
        );
        // 0.12.4 had no wildcard rule: `*` needed hosts like any name.
        assert!(ingress_service(&wild, "http", v("0.12.4")).is_some());
        assert_eq!(
            ingress_service(&svc("*", &["a"]), "http", v("2.0.5")).as_deref(),
            Some(
                r#"Consul Ingress Service with a wildcard "*" service name can not also specify hosts"#
            )
        );
        assert_eq!(
            ingress_service(&svc("web", &["a"]), "tcp", v("2.0.5")).as_deref(),
            Some(
                r#"Consul Ingress Service doesn't support associating hosts to a service for the "tcp" protocol"#
            )
        );
    }
}
