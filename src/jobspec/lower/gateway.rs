//! Lowering of a Connect `gateway` block, with the argument and block names
//! of `api/consul.go`'s hcl tags (the same names jobspec's HCL1 parser read
//! from 0.12.4).

use super::*;

pub(super) fn gateway(n: &Node, cx: &mut Cx<'_>) -> ConsulGateway {
    let mut f = F::new(
        n,
        cx,
        &["proxy", "ingress", "terminating", "mesh"],
        "gateway",
    );
    let mut g = ConsulGateway {
        proxy: f.block(cx, "proxy").map(|b| proxy(b, cx)),
        ingress: f.block(cx, "ingress").map(|b| ingress(b, cx)),
        terminating: f.block(cx, "terminating").map(|b| terminating(b, cx)),
        ..ConsulGateway::default()
    };
    if let Some(b) = f.block(cx, "mesh") {
        F::new(b, cx, &[], "mesh");
        g.mesh = true;
    }
    g.spans = f.spans;
    g
}

fn proxy(n: &Node, cx: &mut Cx<'_>) -> GatewayProxy {
    let mut f = F::new(
        n,
        cx,
        &[
            "connect_timeout",
            "envoy_gateway_bind_tagged_addresses",
            "envoy_gateway_bind_addresses",
            "envoy_gateway_no_default_bind",
            "envoy_dns_discovery_type",
            "config",
        ],
        "proxy",
    );
    let mut p = GatewayProxy {
        connect_timeout: f.dur(cx, "connect_timeout"),
        envoy_gateway_bind_tagged_addresses: f
            .bool(cx, "envoy_gateway_bind_tagged_addresses")
            .unwrap_or_default(),
        envoy_gateway_no_default_bind: f
            .bool(cx, "envoy_gateway_no_default_bind")
            .unwrap_or_default(),
        envoy_dns_discovery_type: f.str(cx, "envoy_dns_discovery_type").unwrap_or_default(),
        ..GatewayProxy::default()
    };
    for b in f.blocks("envoy_gateway_bind_addresses") {
        let mut af = F::new(b, cx, &["address", "port"], "envoy_gateway_bind_addresses");
        let name = af.label().unwrap_or_default().to_string();
        let addr = BindAddress {
            address: af.str(cx, "address").unwrap_or_default(),
            port: af.int(cx, "port").unwrap_or_default(),
        };
        p.envoy_gateway_bind_addresses.insert(name, addr);
    }
    if let Some(c) = f.block(cx, "config") {
        p.config = opaque(c);
    } else if let Some(Value::Map(m)) = f.value("config") {
        p.config = m;
    }
    p
}

fn tls(n: &Node, cx: &mut Cx<'_>) -> GatewayTls {
    let mut f = F::new(
        n,
        cx,
        &[
            "enabled",
            "tls_min_version",
            "tls_max_version",
            "cipher_suites",
            "sds",
        ],
        "tls",
    );
    let mut t = GatewayTls {
        enabled: f.bool(cx, "enabled").unwrap_or_default(),
        tls_min_version: f.str(cx, "tls_min_version").unwrap_or_default(),
        tls_max_version: f.str(cx, "tls_max_version").unwrap_or_default(),
        cipher_suites: f.strs(cx, "cipher_suites").unwrap_or_default(),
        sds: None,
    };
    if let Some(b) = f.block(cx, "sds") {
        let mut sf = F::new(b, cx, &["cluster_name", "cert_resource"], "sds");
        t.sds = Some((
            sf.str(cx, "cluster_name").unwrap_or_default(),
            sf.str(cx, "cert_resource").unwrap_or_default(),
        ));
    }
    t
}

fn ingress(n: &Node, cx: &mut Cx<'_>) -> IngressConfig {
    let mut f = F::new(n, cx, &["tls", "listener"], "ingress");
    IngressConfig {
        tls: f.block(cx, "tls").map(|b| tls(b, cx)),
        listeners: f.blocks("listener").map(|b| listener(b, cx)).collect(),
    }
}

fn listener(n: &Node, cx: &mut Cx<'_>) -> IngressListener {
    let mut f = F::new(n, cx, &["port", "protocol", "service"], "listener");
    IngressListener {
        port: f.int(cx, "port").unwrap_or_default(),
        protocol: f.str(cx, "protocol").unwrap_or_default(),
        services: f
            .blocks("service")
            .map(|b| ingress_service(b, cx))
            .collect(),
    }
}

fn ingress_service(n: &Node, cx: &mut Cx<'_>) -> IngressService {
    let mut f = F::new(
        n,
        cx,
        &[
            "name",
            "hosts",
            "tls",
            "request_headers",
            "response_headers",
            "max_connections",
            "max_pending_requests",
            "max_concurrent_requests",
        ],
        "service",
    );
    IngressService {
        name: f.str(cx, "name").unwrap_or_default(),
        hosts: f.strs(cx, "hosts").unwrap_or_default(),
        tls: f.block(cx, "tls").map(|b| tls(b, cx)),
        request_headers: f
            .block(cx, "request_headers")
            .map(|b| headers(b, cx, "request_headers")),
        response_headers: f
            .block(cx, "response_headers")
            .map(|b| headers(b, cx, "response_headers")),
        max_connections: f.int(cx, "max_connections"),
        max_pending_requests: f.int(cx, "max_pending_requests"),
        max_concurrent_requests: f.int(cx, "max_concurrent_requests"),
    }
}

fn headers(n: &Node, cx: &mut Cx<'_>, what: &str) -> HeaderModifiers {
    let mut f = F::new(n, cx, &["add", "set", "remove"], what);
    HeaderModifiers {
        add: f.map(cx, "add"),
        set: f.map(cx, "set"),
        remove: f.strs(cx, "remove").unwrap_or_default(),
    }
}

fn terminating(n: &Node, cx: &mut Cx<'_>) -> TerminatingConfig {
    let f = F::new(n, cx, &["service"], "terminating");
    TerminatingConfig {
        services: f
            .blocks("service")
            .map(|b| {
                let mut sf = F::new(
                    b,
                    cx,
                    &["name", "ca_file", "cert_file", "key_file", "sni"],
                    "service",
                );
                LinkedService {
                    name: sf.str(cx, "name").unwrap_or_default(),
                    ca_file: sf.str(cx, "ca_file").unwrap_or_default(),
                    cert_file: sf.str(cx, "cert_file").unwrap_or_default(),
                    key_file: sf.str(cx, "key_file").unwrap_or_default(),
                    sni: sf.str(cx, "sni").unwrap_or_default(),
                }
            })
            .collect(),
    }
}
