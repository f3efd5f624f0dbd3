//! A service's Consul Connect block (`api/consul.go`, `structs/services.go`):
//! native integration, the sidecar service and its proxy, the sidecar task
//! overrides, the gateway (`gateway.rs`).

use super::*;

/// `connect { ... }` (`ConsulConnect`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConsulConnect {
    pub native: bool,
    pub sidecar_service: Option<SidecarService>,
    pub sidecar_task: Option<SidecarTask>,
    pub gateway: Option<ConsulGateway>,
    pub spans: Spans,
}

impl ConsulConnect {
    /// `ConsulConnect.HasSidecar`.
    pub fn has_sidecar(&self) -> bool {
        self.sidecar_service.is_some()
    }

    /// `ConsulConnect.IsNative`.
    pub fn is_native(&self) -> bool {
        self.native
    }

    /// `ConsulConnect.IsGateway`.
    pub fn is_gateway(&self) -> bool {
        self.gateway.is_some()
    }

    /// Which kind of gateway the block declares, if any: `ingress`,
    /// `terminating` or `mesh` (the first one written).
    pub fn gateway_kind(&self) -> Option<&'static str> {
        self.gateway.as_ref().and_then(ConsulGateway::kind)
    }
}

/// `sidecar_service { ... }` (`ConsulSidecarService`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SidecarService {
    pub tags: Vec<String>,
    pub port: String,
    pub proxy: Option<ConsulProxy>,
    pub disable_default_tcp_check: bool,
    pub meta: Map,
    pub spans: Spans,
}

/// `proxy { ... }` of a sidecar service (`ConsulProxy`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConsulProxy {
    pub local_service_address: String,
    pub local_service_port: i64,
    pub upstreams: Vec<ConsulUpstream>,
    pub expose: Option<ExposeConfig>,
    pub transparent_proxy: Option<TransparentProxy>,
    pub config: BTreeMap<String, Value>,
    pub spans: Spans,
}

/// `upstreams { ... }` (`ConsulUpstream`, a value in Nomad's slice).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConsulUpstream {
    pub destination_name: String,
    pub destination_namespace: String,
    pub destination_partition: String,
    pub destination_peer: String,
    pub destination_type: String,
    pub local_bind_port: i64,
    pub datacenter: String,
    pub local_bind_address: String,
    pub local_bind_socket_path: String,
    pub local_bind_socket_mode: String,
    /// `mesh_gateway { mode = ... }` (a struct value in Nomad: absent is "").
    pub mesh_gateway_mode: String,
    pub config: BTreeMap<String, Value>,
    pub spans: Spans,
}

/// `expose { path { ... } }` (`ConsulExposeConfig`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExposeConfig {
    pub paths: Vec<ExposePath>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExposePath {
    pub path: String,
    pub protocol: String,
    pub local_path_port: i64,
    pub listener_port: String,
}

/// `transparent_proxy { ... }` (`ConsulTransparentProxy`, 1.8+).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TransparentProxy {
    pub uid: String,
    pub outbound_port: i64,
    pub exclude_inbound_ports: Vec<String>,
    pub exclude_outbound_ports: Vec<i64>,
    pub exclude_outbound_cidrs: Vec<String>,
    pub exclude_uids: Vec<String>,
    pub no_dns: bool,
    pub spans: Spans,
}

/// `sidecar_task { ... }` (`SidecarTask`): overrides merged into the task
/// Nomad injects. Pointer fields of Nomad's struct are `Option`s here, as
/// "unset" and "zero" merge differently.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SidecarTask {
    pub name: String,
    pub driver: String,
    pub user: String,
    pub config: BTreeMap<String, Value>,
    pub env: Map,
    pub resources: Option<Resources>,
    pub meta: Map,
    pub kill_timeout: Option<Duration>,
    pub log_config: Option<LogConfig>,
    pub shutdown_delay: Option<Duration>,
    pub kill_signal: String,
    pub volume_mounts: Vec<VolumeMount>,
    pub identities: Vec<WorkloadIdentity>,
    pub spans: Spans,
}
