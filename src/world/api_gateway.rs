//! A Connect gateway of an `api.Job` (api/consul.go `ConsulGateway`) to
//! the model.

use super::api_read::{Obj, Sink};
use super::api_task::each;
use crate::jobspec::{
    BindAddress, ConsulGateway, GatewayProxy, GatewayTls, HeaderModifiers, IngressConfig,
    IngressListener, IngressService, LinkedService, TerminatingConfig,
};

fn tls(t: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> GatewayTls {
    GatewayTls {
        enabled: t.b("Enabled"),
        tls_min_version: t.s("TLSMinVersion"),
        tls_max_version: t.s("TLSMaxVersion"),
        cipher_suites: t.strs("CipherSuites"),
        sds: t.nested("SDS", p, sink, |s, _, _| {
            (s.s("ClusterName"), s.s("CertResource"))
        }),
    }
}

fn headers(h: &Obj<'_>) -> HeaderModifiers {
    HeaderModifiers {
        add: h.smap("Add"),
        set: h.smap("Set"),
        remove: h.strs("Remove"),
    }
}

fn proxy(x: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> GatewayProxy {
    let envoy_gateway_bind_addresses = x
        .object_map("EnvoyGatewayBindAddresses")
        .into_iter()
        .map(|(k, a)| {
            let a = Obj::new(a);
            let out = BindAddress {
                address: a.s("Address"),
                port: a.i("Port"),
            };
            sink.keep(&a, &format!("{p}EnvoyGatewayBindAddresses[{k}]."));
            (k.clone(), out)
        })
        .collect();
    GatewayProxy {
        connect_timeout: x.opt_dur("ConnectTimeout"),
        envoy_gateway_bind_tagged_addresses: x.b("EnvoyGatewayBindTaggedAddresses"),
        envoy_gateway_bind_addresses,
        envoy_gateway_no_default_bind: x.b("EnvoyGatewayNoDefaultBind"),
        envoy_dns_discovery_type: x.s("EnvoyDNSDiscoveryType"),
        config: x.value_map("Config"),
    }
}

fn ingress(i: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> IngressConfig {
    let listeners = i.nested_each("Listeners", p, sink, |l, lp, sink| {
        let services = each(l, "Services")
            .map(|(m, s)| {
                let sp = format!("{lp}Services[{m}].");
                let out = IngressService {
                    name: s.s("Name"),
                    hosts: s.strs("Hosts"),
                    tls: s.nested("TLS", &sp, sink, tls),
                    request_headers: s.nested("RequestHeaders", &sp, sink, |h, _, _| headers(h)),
                    response_headers: s.nested("ResponseHeaders", &sp, sink, |h, _, _| headers(h)),
                    max_connections: s.opt_i("MaxConnections"),
                    max_pending_requests: s.opt_i("MaxPendingRequests"),
                    max_concurrent_requests: s.opt_i("MaxConcurrentRequests"),
                };
                sink.keep(&s, &sp);
                out
            })
            .collect();
        IngressListener {
            port: l.i("Port"),
            protocol: l.s("Protocol"),
            services,
        }
    });
    IngressConfig {
        tls: i.nested("TLS", p, sink, tls),
        listeners,
    }
}

fn terminating(t: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> TerminatingConfig {
    TerminatingConfig {
        services: t.nested_each("Services", p, sink, |s, _, _| LinkedService {
            name: s.s("Name"),
            ca_file: s.s("CAFile"),
            cert_file: s.s("CertFile"),
            key_file: s.s("KeyFile"),
            sni: s.s("SNI"),
        }),
    }
}

/// `Connect.Gateway`; leftovers under `{p}`.
pub(crate) fn gateway(g: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> ConsulGateway {
    ConsulGateway {
        proxy: g.nested("Proxy", p, sink, proxy),
        ingress: g.nested("Ingress", p, sink, ingress),
        terminating: g.nested("Terminating", p, sink, terminating),
        mesh: g.obj("Mesh").is_some(),
        spans: Default::default(),
    }
}
