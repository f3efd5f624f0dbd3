//! Networks, ports, devices and task resources.

use super::*;

/// A port in a `network` block. `value` is the static port (0 = dynamic).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Port {
    pub label: String,
    pub value: i64,
    pub to: i64,
    pub host_network: String,
    /// Dynamic ports only (1.9+); Nomad's diff filters it.
    pub ignore_collision: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DnsConfig {
    pub servers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<String>,
}

/// A `network` block, either group level (1.x) or task `resources` level (0.x).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Network {
    pub mode: String,
    /// `device`, `cidr`, `ip`: matched as part of the network, but
    /// NetworkResource.Diff filters them out of its fields.
    pub device: String,
    pub cidr: String,
    pub ip: String,
    pub mbits: i64,
    pub hostname: String,
    pub reserved_ports: Vec<Port>,
    pub dynamic_ports: Vec<Port>,
    pub dns: Option<DnsConfig>,
    /// `cni { args = {...} }` (1.9+).
    pub cni: Option<Map>,
    pub spans: Spans,
}

impl Network {
    pub fn ports(&self) -> impl Iterator<Item = &Port> {
        self.reserved_ports.iter().chain(self.dynamic_ports.iter())
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RequestedDevice {
    pub name: String,
    pub count: i64,
    pub constraints: Vec<Constraint>,
    pub affinities: Vec<Affinity>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Resources {
    /// MHz.
    pub cpu: i64,
    pub cores: i64,
    /// MB.
    pub memory_mb: i64,
    pub memory_max_mb: i64,
    /// Legacy per-task disk (ignored for placement; group ephemeral disk counts).
    pub disk_mb: i64,
    pub iops: i64,
    /// `secrets` (1.9+): the size of the task's secrets directory.
    pub secrets_mb: i64,
    /// Legacy task-level networks (0.x `resources { network { ... } }`).
    pub networks: Vec<Network>,
    pub devices: Vec<RequestedDevice>,
    pub numa: Option<Numa>,
    pub spans: Spans,
}
