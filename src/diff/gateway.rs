//! A Connect gateway, as diff.go's `connectGatewayDiff` and the functions
//! under it diff it per version (0.12.4+): the gateway proxy (its bind
//! addresses and opaque config), the ingress entry (TLS, listeners keyed
//! by `protocol/port`, their services keyed by name), the terminating
//! entry (linked services keyed by name, 1.0.4+) and the mesh entry
//! (1.1.1+, no fields).
//!
//! Release differences followed here: TLS versions and cipher suites
//! (1.3.2+); SDS, per-service TLS, header modifiers and connection limits
//! (1.7.7+); bind addresses printed with `net.JoinHostPort` (1.3.14+ on the
//! 1.3 line, 1.4.9+ on 1.4, 1.5.4+; before, `%s:%d`).

use crate::jobspec as js;

use super::engine::{
    field_diffs, map_presence_type, presence_type, primitive_object_diff, string_set_diff, Flat,
};
use super::fields::{Dialect, F};
use super::set_order::{keyed_set_diff, Hint};
use super::task::config_diff;
use super::{DiffType, ObjectDiff};

/// The hand-written diffs' shape: `None` when equal, otherwise the type by
/// presence, the primitive fields of whichever sides exist.
fn object(
    name: &str,
    old: Option<Flat>,
    new: Option<Flat>,
    ctx: bool,
    objects: Vec<ObjectDiff>,
) -> ObjectDiff {
    ObjectDiff {
        ty: presence_type(old.as_ref(), new.as_ref()),
        name: name.to_string(),
        fields: field_diffs(&old.unwrap_or_default(), &new.unwrap_or_default(), ctx),
        objects,
    }
}

/// `connectGatewayDiff`.
pub(super) fn gateway_diff(
    old: Option<&js::ConsulGateway>,
    new: Option<&js::ConsulGateway>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new || !d.at(0, 12, 4) {
        return None;
    }
    let empty = js::ConsulGateway::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    objects.extend(proxy_diff(o.proxy.as_ref(), n.proxy.as_ref(), d, ctx));
    objects.extend(ingress_diff(o.ingress.as_ref(), n.ingress.as_ref(), d, ctx));
    if d.at(1, 0, 4) {
        objects.extend(terminating_diff(
            o.terminating.as_ref(),
            n.terminating.as_ref(),
            d,
            ctx,
        ));
    }
    if d.at(1, 1, 1) && o.mesh != n.mesh {
        objects.push(ObjectDiff {
            ty: if n.mesh {
                DiffType::Added
            } else {
                DiffType::Deleted
            },
            name: "Mesh".into(),
            fields: Vec::new(),
            objects: Vec::new(),
        });
    }
    // ConsulGateway has no primitive fields.
    let flat = |_: &js::ConsulGateway| Flat::new();
    Some(object(
        "Gateway",
        old.map(flat),
        new.map(flat),
        ctx,
        objects,
    ))
}

/// `connectGatewayProxyDiff`: `ConnectTimeout` (a pointer) is compared
/// only when both sides have a proxy.
fn proxy_diff(
    old: Option<&js::GatewayProxy>,
    new: Option<&js::GatewayProxy>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let both = old.is_some() && new.is_some();
    let flat = |p: &js::GatewayProxy| {
        F::default()
            .b(
                "EnvoyGatewayBindTaggedAddresses",
                p.envoy_gateway_bind_tagged_addresses,
            )
            .b("EnvoyGatewayNoDefaultBind", p.envoy_gateway_no_default_bind)
            .when(d.at(1, 0, 4), |f| {
                f.s("EnvoyDNSDiscoveryType", &p.envoy_dns_discovery_type)
            })
            .when(both, |f| {
                let t = p.connect_timeout.map(|t| t.to_string()).unwrap_or_default();
                f.s("ConnectTimeout", &t)
            })
            .done()
    };
    let empty = js::GatewayProxy::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    objects.extend(bind_addresses_diff(
        &o.envoy_gateway_bind_addresses,
        &n.envoy_gateway_bind_addresses,
        d,
        ctx,
    ));
    objects.extend(config_diff(&o.config, &n.config, ctx));
    Some(object("Proxy", old.map(flat), new.map(flat), ctx, objects))
}

/// `net.JoinHostPort` from the releases that use it, else `%s:%d`.
fn host_port(a: &js::BindAddress, d: Dialect) -> String {
    let v = d.version;
    let join = (v.at_least(1, 3, 14) && !v.at_least(1, 4, 0))
        || (v.at_least(1, 4, 9) && !v.at_least(1, 5, 0))
        || v.at_least(1, 5, 4);
    if join && a.address.contains(':') {
        format!("[{}]:{}", a.address, a.port)
    } else {
        format!("{}:{}", a.address, a.port)
    }
}

/// `connectGatewayProxyEnvoyBindAddrsDiff`: the map's entries as fields
/// named by their keys.
fn bind_addresses_diff(
    old: &std::collections::BTreeMap<String, js::BindAddress>,
    new: &std::collections::BTreeMap<String, js::BindAddress>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let ty = map_presence_type(old, new);
    let flat = |m: &std::collections::BTreeMap<String, js::BindAddress>| -> Flat {
        m.iter()
            .map(|(k, a)| (k.clone(), host_port(a, d)))
            .collect()
    };
    Some(ObjectDiff {
        ty,
        name: "EnvoyGatewayBindAddresses".into(),
        fields: field_diffs(&flat(old), &flat(new), ctx),
        objects: Vec::new(),
    })
}

/// `connectGatewayIngressDiff`.
fn ingress_diff(
    old: Option<&js::IngressConfig>,
    new: Option<&js::IngressConfig>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::IngressConfig::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    objects.extend(tls_diff(o.tls.as_ref(), n.tls.as_ref(), d, ctx));
    objects.extend(listeners_diff(&o.listeners, &n.listeners, d, ctx));
    let flat = |_: &js::IngressConfig| Flat::new();
    Some(object(
        "Ingress",
        old.map(flat),
        new.map(flat),
        ctx,
        objects,
    ))
}

/// `connectGatewayTLSConfigDiff`.
fn tls_diff(
    old: Option<&js::GatewayTls>,
    new: Option<&js::GatewayTls>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |t: &js::GatewayTls| {
        F::default()
            .b("Enabled", t.enabled)
            .when(d.at(1, 3, 2), |f| {
                f.s("TLSMinVersion", &t.tls_min_version)
                    .s("TLSMaxVersion", &t.tls_max_version)
            })
            .done()
    };
    let empty = js::GatewayTls::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    if d.at(1, 3, 2) {
        objects.extend(string_set_diff(
            &o.cipher_suites,
            &n.cipher_suites,
            "CipherSuites",
            ctx,
        ));
    }
    if d.at(1, 7, 7) {
        let sds = |s: &(String, String)| {
            F::default()
                .s("ClusterName", &s.0)
                .s("CertResource", &s.1)
                .done()
        };
        objects.extend(primitive_object_diff(
            o.sds.as_ref().map(sds).as_ref(),
            n.sds.as_ref().map(sds).as_ref(),
            "SDS",
            ctx,
        ));
    }
    Some(object("TLS", old.map(flat), new.map(flat), ctx, objects))
}

/// A set of objects keyed by `key` (`connectGateway...Diff`: a Go map per
/// side), in the order Nomad's maps and sort leave them.
fn keyed_diffs<T>(
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> String,
    diff: impl FnMut(Option<&T>, Option<&T>) -> Option<ObjectDiff>,
    d: Dialect,
) -> Vec<ObjectDiff> {
    keyed_set_diff(old, new, key, Hint::ListLength, diff, d)
}

/// `connectGatewayIngressListenersDiff`: keyed by `protocol/port`.
fn listeners_diff(
    old: &[js::IngressListener],
    new: &[js::IngressListener],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    keyed_diffs(
        old,
        new,
        |l| format!("{}/{}", l.protocol, l.port),
        |o, n| listener_diff(o, n, d, ctx),
        d,
    )
}

/// `connectGatewayIngressListenerDiff`.
fn listener_diff(
    old: Option<&js::IngressListener>,
    new: Option<&js::IngressListener>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |l: &js::IngressListener| {
        F::default()
            .i("Port", l.port)
            .s("Protocol", &l.protocol)
            .done()
    };
    let empty = js::IngressListener::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let objects = keyed_diffs(
        &o.services,
        &n.services,
        |s| s.name.clone(),
        |a, b| ingress_service_diff(a, b, d, ctx),
        d,
    );
    Some(object(
        "Listener",
        old.map(flat),
        new.map(flat),
        ctx,
        objects,
    ))
}

/// `connectGatewayIngressServiceDiff`: the connection limits (pointers)
/// are fields only where set.
fn ingress_service_diff(
    old: Option<&js::IngressService>,
    new: Option<&js::IngressService>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let recent = d.at(1, 7, 7);
    let flat = |s: &js::IngressService| {
        let limit = |f: F, name: &str, v: Option<i64>| match v {
            Some(v) if recent => f.i(name, v),
            _ => f,
        };
        let f = F::default().s("Name", &s.name);
        let f = limit(f, "MaxConnections", s.max_connections);
        let f = limit(f, "MaxPendingRequests", s.max_pending_requests);
        limit(f, "MaxConcurrentRequests", s.max_concurrent_requests).done()
    };
    let empty = js::IngressService::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    objects.extend(string_set_diff(&o.hosts, &n.hosts, "Hosts", ctx));
    if recent {
        objects.extend(tls_diff(o.tls.as_ref(), n.tls.as_ref(), d, ctx));
        objects.extend(headers_diff(
            o.request_headers.as_ref(),
            n.request_headers.as_ref(),
            "RequestHeaders",
            ctx,
        ));
        objects.extend(headers_diff(
            o.response_headers.as_ref(),
            n.response_headers.as_ref(),
            "ResponseHeaders",
            ctx,
        ));
    }
    Some(object(
        "ConsulIngressService",
        old.map(flat),
        new.map(flat),
        ctx,
        objects,
    ))
}

/// `connectGatewayHTTPHeaderModifiersDiff` (1.7.7+): `Add`/`Set` are maps,
/// which Nomad's flattening keeps as `Add[key]` fields.
fn headers_diff(
    old: Option<&js::HeaderModifiers>,
    new: Option<&js::HeaderModifiers>,
    name: &str,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |h: &js::HeaderModifiers| F::default().map("Add", &h.add).map("Set", &h.set).done();
    let empty = js::HeaderModifiers::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let objects = string_set_diff(&o.remove, &n.remove, "Remove", ctx)
        .into_iter()
        .collect();
    Some(object(name, old.map(flat), new.map(flat), ctx, objects))
}

/// `connectGatewayTerminatingDiff` (1.0.4+).
fn terminating_diff(
    old: Option<&js::TerminatingConfig>,
    new: Option<&js::TerminatingConfig>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::TerminatingConfig::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let objects = keyed_diffs(
        &o.services,
        &n.services,
        |s| s.name.clone(),
        |a, b| linked_service_diff(a, b, ctx),
        d,
    );
    let flat = |_: &js::TerminatingConfig| Flat::new();
    Some(object(
        "Terminating",
        old.map(flat),
        new.map(flat),
        ctx,
        objects,
    ))
}

/// `connectGatewayTerminatingLinkedServiceDiff`.
fn linked_service_diff(
    old: Option<&js::LinkedService>,
    new: Option<&js::LinkedService>,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |s: &js::LinkedService| {
        F::default()
            .s("Name", &s.name)
            .s("CAFile", &s.ca_file)
            .s("CertFile", &s.cert_file)
            .s("KeyFile", &s.key_file)
            .s("SNI", &s.sni)
            .done()
    };
    Some(object(
        "Service",
        old.map(flat),
        new.map(flat),
        ctx,
        Vec::new(),
    ))
}
