//! The gateway proxy settings Nomad's Connect hook writes into a gateway
//! service (nomad/job_endpoint_hook_connect.go `gatewayProxyForBridge`,
//! `gatewayProxy` from 1.1.6), so Envoy binds where the group's network
//! namespace lets traffic in. A proxy block that already sets a bind
//! option is the operator's and is kept as written. Per release:
//!
//! - 0.12.4–1.0.3: ingress gateways outside host networking only; the
//!   connect timeout and config are kept, nothing is defaulted;
//! - 1.0.4–1.1.5: every gateway outside host networking; a 5 s connect
//!   timeout by default, the DNS discovery type kept; terminating gateways
//!   bind `default` (1.1.1 adds mesh's `wan` and `lan`);
//! - 1.1.6+: every gateway gets the proxy (timeout default included); the
//!   bind addresses only in bridge networking (or `cni/*` from 1.11.0).
//!
//! It lives in the jobspec layer because `Job.Validate` (validate_connect)
//! judges the proxy the hook leaves, not the one written: the admission
//! mutators run before the validators.

use std::collections::BTreeMap;

use super::model::{BindAddress, ConsulGateway, Duration, GatewayProxy, IngressConfig};
use crate::version::NomadVersion;

/// `gatewayProxyIsDefault`.
fn is_default(p: Option<&GatewayProxy>) -> bool {
    p.is_none_or(|p| {
        !p.envoy_gateway_no_default_bind
            && !p.envoy_gateway_bind_tagged_addresses
            && p.envoy_gateway_bind_addresses.is_empty()
    })
}

fn any_address(port: i64) -> BindAddress {
    BindAddress {
        address: "0.0.0.0".into(),
        port,
    }
}

/// `gatewayBindAddressesIngressForBridge`: every listener's services on
/// the listener's port.
fn ingress_addresses(ingress: &IngressConfig) -> BTreeMap<String, BindAddress> {
    let mut out = BTreeMap::new();
    for l in &ingress.listeners {
        for s in &l.services {
            out.insert(s.name.clone(), any_address(l.port));
        }
    }
    out
}

/// The gateway's proxy after the hook, for a group in network `mode`.
pub fn apply(gateway: &mut ConsulGateway, mode: &str, v: NomadVersion) {
    if !v.at_least(0, 12, 4) {
        return;
    }
    let per_mode = v.at_least(1, 1, 6);
    let runs = if per_mode {
        true
    } else if v.at_least(1, 0, 4) {
        mode != "host"
    } else {
        mode != "host" && gateway.ingress.is_some()
    };
    if !runs || !is_default(gateway.proxy.as_ref()) {
        return;
    }
    let old = gateway.proxy.take().unwrap_or_default();
    let mut p = GatewayProxy {
        connect_timeout: old.connect_timeout,
        config: old.config,
        ..GatewayProxy::default()
    };
    if v.at_least(1, 0, 4) {
        p.envoy_dns_discovery_type = old.envoy_dns_discovery_type;
        p.connect_timeout.get_or_insert(Duration::secs(5));
    }
    let binds = if per_mode {
        mode == "bridge" || (v.at_least(1, 11, 0) && mode.starts_with("cni/"))
    } else {
        true
    };
    if binds {
        let addresses = if let Some(i) = &gateway.ingress {
            Some(ingress_addresses(i))
        } else if gateway.terminating.is_some() && v.at_least(1, 0, 4) {
            Some(BTreeMap::from([("default".to_string(), any_address(-1))]))
        } else if gateway.mesh && v.at_least(1, 1, 1) {
            Some(BTreeMap::from([
                ("wan".to_string(), any_address(-1)),
                ("lan".to_string(), any_address(-1)),
            ]))
        } else {
            None
        };
        if let Some(a) = addresses {
            p.envoy_gateway_no_default_bind = true;
            p.envoy_gateway_bind_tagged_addresses = false;
            p.envoy_gateway_bind_addresses = a;
        }
    }
    gateway.proxy = Some(p);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{IngressListener, IngressService};

    fn ingress() -> ConsulGateway {
        ConsulGateway {
            ingress: Some(IngressConfig {
                tls: None,
                listeners: vec![IngressListener {
                    port: 8080,
                    protocol: "tcp".into(),
                    services: vec![IngressService {
                        name: "web".into(),
                        ..IngressService::default()
                    }],
                }],
            }),
            ..ConsulGateway::default()
        }
    }

    /// job_endpoint_hook_connect_test.go `TestJobEndpointConnect_gatewayProxyForBridge`
    /// (v1.0.4): the defaults for an ingress gateway in bridge networking.
    #[test]
    fn bridge_ingress_gets_bind_addresses() {
        let mut g = ingress();
        apply(&mut g, "bridge", NomadVersion::new(1, 0, 4));
        let p = g.proxy.expect("proxy");
        assert_eq!(p.connect_timeout, Some(Duration::secs(5)));
        assert!(p.envoy_gateway_no_default_bind);
        assert_eq!(
            p.envoy_gateway_bind_addresses,
            BTreeMap::from([("web".to_string(), any_address(8080))])
        );
        // 0.12.4 set no timeout.
        let mut g = ingress();
        apply(&mut g, "bridge", NomadVersion::new(0, 12, 4));
        assert_eq!(g.proxy.expect("proxy").connect_timeout, None);
    }

    #[test]
    fn host_networking_and_custom_proxies() {
        // Before 1.1.6 a host-networked gateway is left alone...
        let mut g = ingress();
        apply(&mut g, "host", NomadVersion::new(1, 0, 4));
        assert_eq!(g.proxy, None);
        // ...from 1.1.6 it gets the timeout but no bind addresses.
        let mut g = ingress();
        apply(&mut g, "host", NomadVersion::new(1, 1, 6));
        let p = g.proxy.expect("proxy");
        assert_eq!(p.connect_timeout, Some(Duration::secs(5)));
        assert!(p.envoy_gateway_bind_addresses.is_empty());
        assert!(!p.envoy_gateway_no_default_bind);
        // A proxy that sets a bind option is the operator's.
        let mut g = ingress();
        g.proxy = Some(GatewayProxy {
            envoy_gateway_bind_tagged_addresses: true,
            ..GatewayProxy::default()
        });
        let before = g.clone();
        apply(&mut g, "bridge", NomadVersion::new(2, 0, 5));
        assert_eq!(g, before);
    }

    #[test]
    fn terminating_and_mesh_binds() {
        let mut g = ConsulGateway {
            mesh: true,
            ..ConsulGateway::default()
        };
        apply(&mut g, "bridge", NomadVersion::new(1, 2, 0));
        let keys: Vec<String> = g
            .proxy
            .expect("proxy")
            .envoy_gateway_bind_addresses
            .into_keys()
            .collect();
        assert_eq!(keys, ["lan", "wan"]);
        let mut g = ConsulGateway {
            terminating: Some(crate::jobspec::TerminatingConfig::default()),
            ..ConsulGateway::default()
        };
        apply(&mut g, "cni/x", NomadVersion::new(1, 10, 0));
        assert!(g
            .proxy
            .expect("proxy")
            .envoy_gateway_bind_addresses
            .is_empty());
        let mut g = ConsulGateway {
            terminating: Some(crate::jobspec::TerminatingConfig::default()),
            ..ConsulGateway::default()
        };
        apply(&mut g, "cni/x", NomadVersion::new(1, 11, 0));
        assert_eq!(
            g.proxy.expect("proxy").envoy_gateway_bind_addresses,
            BTreeMap::from([("default".to_string(), any_address(-1))])
        );
    }
}
