//! A Connect `gateway { ... }` block (`api/consul.go`,
//! `structs/services.go` `ConsulGateway`): the Envoy proxy settings and
//! one of the ingress (0.12.4+), terminating (1.0.4+) or mesh (1.1.1+)
//! configuration entries.

use super::*;

/// `gateway { ... }` (`ConsulGateway`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConsulGateway {
    pub proxy: Option<GatewayProxy>,
    pub ingress: Option<IngressConfig>,
    pub terminating: Option<TerminatingConfig>,
    /// `mesh {}`: Nomad's struct has no fields.
    pub mesh: bool,
    pub spans: Spans,
}

impl ConsulGateway {
    /// `ConsulGateway.Prefix`'s kind: the first of ingress, terminating,
    /// mesh the block declares.
    pub fn kind(&self) -> Option<&'static str> {
        if self.ingress.is_some() {
            Some("ingress")
        } else if self.terminating.is_some() {
            Some("terminating")
        } else if self.mesh {
            Some("mesh")
        } else {
            None
        }
    }
}

/// `proxy { ... }` of a gateway (`ConsulGatewayProxy`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GatewayProxy {
    pub connect_timeout: Option<Duration>,
    pub envoy_gateway_bind_tagged_addresses: bool,
    /// `envoy_gateway_bind_addresses "name" { address, port }`.
    pub envoy_gateway_bind_addresses: BTreeMap<String, BindAddress>,
    pub envoy_gateway_no_default_bind: bool,
    pub envoy_dns_discovery_type: String,
    pub config: BTreeMap<String, Value>,
}

/// `ConsulGatewayBindAddress`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BindAddress {
    pub address: String,
    pub port: i64,
}

/// `ingress { ... }` (`ConsulIngressConfigEntry`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IngressConfig {
    pub tls: Option<GatewayTls>,
    pub listeners: Vec<IngressListener>,
}

/// `tls { ... }` of an ingress gateway or of one of its services
/// (`ConsulGatewayTLSConfig`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GatewayTls {
    pub enabled: bool,
    pub tls_min_version: String,
    pub tls_max_version: String,
    pub cipher_suites: Vec<String>,
    /// `sds { cluster_name, cert_resource }` (1.7.7+).
    pub sds: Option<(String, String)>,
}

/// `listener { ... }` (`ConsulIngressListener`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IngressListener {
    pub port: i64,
    pub protocol: String,
    pub services: Vec<IngressService>,
}

/// `service { ... }` of an ingress listener (`ConsulIngressService`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IngressService {
    pub name: String,
    pub hosts: Vec<String>,
    pub tls: Option<GatewayTls>,
    pub request_headers: Option<HeaderModifiers>,
    pub response_headers: Option<HeaderModifiers>,
    pub max_connections: Option<i64>,
    pub max_pending_requests: Option<i64>,
    pub max_concurrent_requests: Option<i64>,
}

/// `request_headers` / `response_headers` (`ConsulHTTPHeaderModifiers`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeaderModifiers {
    pub add: Map,
    pub set: Map,
    pub remove: Vec<String>,
}

/// `terminating { ... }` (`ConsulTerminatingConfigEntry`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TerminatingConfig {
    pub services: Vec<LinkedService>,
}

/// `service { ... }` of a terminating gateway (`ConsulLinkedService`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinkedService {
    pub name: String,
    pub ca_file: String,
    pub cert_file: String,
    pub key_file: String,
    pub sni: String,
}
