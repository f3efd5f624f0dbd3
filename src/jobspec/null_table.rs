//! Which arguments of a job file refuse a `null` (1.0+, HCL2), as data.
//!
//! jobspec2 decodes a job into Nomad's api structs with its fork of gohcl:
//! an argument that is written is always handed to DecodeExpression
//! (hashicorp/hcl gohcl/decode.go decodeBodyToStruct and DecodeExpression
//! @v2.20.2-nomad-1, the same in every hcl Nomad 1.0.0-2.0.5 vendors),
//! which converts the value to the field's implied cty type and calls
//! gocty.FromCtyValue. go-cty's fromCtyValue (cty/gocty/out.go, v1.4.1 to
//! v1.19.0 alike; v1.19.0's read as `functions::params::cty_release`
//! says) takes a null only into a pointer, a slice or a map (a null list
//! or map sets it to nil); into any other Go type (string, bool,
//! int, uint8, ...) it is `null value is not allowed`, which gohcl words
//! `Unsuitable value type; Unsuitable value: null value is not allowed` at
//! the expression's StartRange. So `user = var.run_as` with a `default =
//! null` variable does not leave the user unset: Nomad cannot parse the
//! file.
//!
//! Whether a field takes a null is therefore a property of its Go type in
//! api/*.go at each tag. [`TABLE`] lists, for every api struct jobspec2
//! decodes with gohcl, the arguments whose field is neither a pointer, a
//! slice nor a map, and the blocks that lead to such structs, each with
//! the releases that have it: read off api/*.go's `hcl:` tags at every tag
//! v1.0.0 to v2.0.5 (153 tags; a go/ast walk from api.Job along the block
//! fields, plus jobspec2's own extras: the job's `vault`, `task` and, 1.11+,
//! `secret` (types.config.go decodeTopLevelExtras), the group's `vault`
//! and `secret` (hcl_conversions.go decodeTaskGroup), the task's `scaling`
//! (decodeTask)). No field's Go type changed between tags; fields came
//! (and two went: a service's and a check's `id`, gone at 1.3.0), so the
//! ranges are those of the field itself. Any argument not listed takes a
//! null as "unset" (a pointer, slice or map field), or is decoded by
//! another rule:
//!
//! - durations (`time.Duration` and `*time.Duration` fields) go through
//!   jobspec2's decodeDuration (hcl_conversions.go), which has its own
//!   null rule by release: decode_type.rs `hcl2_duration`;
//! - `constraint` and `affinity` are decoded by hcldec specs
//!   (hcl_conversions.go decodeConstraint, decodeAffinity), whose
//!   attributes take a null as "";
//! - `meta`, `env` and the other maps of strings take a null map; a null
//!   element is refused (decode_type.rs `map_converts`);
//! - `config` blocks (map[string]interface{}, read through hclutil's
//!   BlocksAsAttrs) take anything.

use crate::version::NomadVersion;
use Api::*;
use Go::*;
use Takes::*;

/// An api struct gohcl decodes a block into (api/*.go, Go names but for
/// the case of acronyms).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Api {
    Action,
    CheckRestart,
    Consul,
    ConsulConnect,
    ConsulExposeConfig,
    ConsulExposePath,
    ConsulGateway,
    ConsulGatewayBindAddress,
    ConsulGatewayProxy,
    ConsulGatewayTlsConfig,
    ConsulGatewayTlsSdsConfig,
    ConsulIngressConfigEntry,
    ConsulIngressListener,
    ConsulIngressService,
    ConsulLinkedService,
    ConsulMeshGateway,
    ConsulProxy,
    ConsulSidecarService,
    ConsulTerminatingConfigEntry,
    ConsulTransparentProxy,
    ConsulUpstream,
    CsiMountOptions,
    DispatchPayloadConfig,
    Job,
    JobUiConfig,
    JobUiLink,
    Multiregion,
    MultiregionRegion,
    NetworkResource,
    NumaResource,
    ParameterizedJobConfig,
    Port,
    Resources,
    ScalingPolicy,
    Secret,
    Service,
    ServiceCheck,
    ServiceWeights,
    SidecarTask,
    Spread,
    SpreadTarget,
    Task,
    TaskArtifact,
    TaskCsiPluginConfig,
    TaskGroup,
    TaskLifecycle,
    TaskSchedule,
    TaskScheduleCron,
    Vault,
    VolumeRequest,
    WorkloadIdentity,
}

/// The Go kind of a field that refuses a null, for our own words where
/// gohcl's position is not known.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Go {
    Str,
    Bool,
    Int,
    Uint8,
    Uint16,
}

impl Go {
    /// What the argument wants, as our help text says it.
    pub fn wants(self) -> &'static str {
        match self {
            Go::Str => "string",
            Go::Bool => "bool",
            Go::Int | Go::Uint8 | Go::Uint16 => "number",
        }
    }
}

/// What a name means inside a block of one api struct.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Takes {
    /// An argument whose Go field is a value (not a pointer, slice, map or
    /// interface): a null is refused.
    NoNull(Go),
    /// A block gohcl decodes into this struct.
    Block(Api),
}

/// One field: `name` inside a block of `of`, in the releases `since`
/// (first release of each line, as [`NomadVersion::has_since`] reads it)
/// and before `until`.
pub struct Row {
    pub of: Api,
    pub name: &'static str,
    pub takes: Takes,
    pub since: &'static [NomadVersion],
    pub until: Option<NomadVersion>,
}

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

const fn r(of: Api, name: &'static str, takes: Takes, since: &'static [NomadVersion]) -> Row {
    Row {
        of,
        name,
        takes,
        since,
        until: None,
    }
}

const V1_0_0: &[NomadVersion] = &[v(1, 0, 0)];
const V1_0_4: &[NomadVersion] = &[v(1, 0, 4)];
const V1_1_0: &[NomadVersion] = &[v(1, 1, 0)];
const V1_1_1: &[NomadVersion] = &[v(1, 1, 1)];
const V1_1_5: &[NomadVersion] = &[v(1, 1, 5)];
const V1_2_9_V1_3_2: &[NomadVersion] = &[v(1, 2, 9), v(1, 3, 2)];
const V1_3_0: &[NomadVersion] = &[v(1, 3, 0)];
const V1_3_2: &[NomadVersion] = &[v(1, 3, 2)];
const V1_3_3: &[NomadVersion] = &[v(1, 3, 3)];
const V1_5_0: &[NomadVersion] = &[v(1, 5, 0)];
const V1_6_0: &[NomadVersion] = &[v(1, 6, 0)];
const V1_6_2: &[NomadVersion] = &[v(1, 6, 2)];
const V1_7_0: &[NomadVersion] = &[v(1, 7, 0)];
const V1_7_3: &[NomadVersion] = &[v(1, 7, 3)];
const V1_7_7: &[NomadVersion] = &[v(1, 7, 7)];
const V1_8_0: &[NomadVersion] = &[v(1, 8, 0)];
const V1_8_1: &[NomadVersion] = &[v(1, 8, 1)];
const V1_9_0: &[NomadVersion] = &[v(1, 9, 0)];
const V1_9_2: &[NomadVersion] = &[v(1, 9, 2)];
const V1_10_0: &[NomadVersion] = &[v(1, 10, 0)];
const V1_10_3: &[NomadVersion] = &[v(1, 10, 3)];
const V1_11_0: &[NomadVersion] = &[v(1, 11, 0)];
const V1_11_1: &[NomadVersion] = &[v(1, 11, 1)];

/// Every api field that refuses a null, and every block on the way to one
/// (see the module's comment for how it was read).
#[rustfmt::skip]
pub const TABLE: &[Row] = &[
    // Job (api/jobs.go)
    r(Job, "group", Block(TaskGroup), V1_0_0),
    r(Job, "multiregion", Block(Multiregion), V1_0_0),
    r(Job, "parameterized", Block(ParameterizedJobConfig), V1_0_0),
    r(Job, "secret", Block(Secret), V1_11_0),
    r(Job, "spread", Block(Spread), V1_0_0),
    r(Job, "task", Block(Task), V1_0_0),
    r(Job, "ui", Block(JobUiConfig), V1_8_0),
    r(Job, "vault", Block(Vault), V1_0_0),
    // JobUIConfig (api/jobs.go)
    r(JobUiConfig, "description", NoNull(Str), V1_8_0),
    r(JobUiConfig, "link", Block(JobUiLink), V1_8_0),
    // JobUILink (api/jobs.go)
    r(JobUiLink, "label", NoNull(Str), V1_8_0),
    r(JobUiLink, "url", NoNull(Str), V1_8_0),
    // Multiregion (api/jobs.go)
    r(Multiregion, "region", Block(MultiregionRegion), V1_0_0),
    // MultiregionRegion (api/jobs.go)
    r(MultiregionRegion, "node_pool", NoNull(Str), V1_6_0),
    // ParameterizedJobConfig (api/jobs.go)
    r(ParameterizedJobConfig, "payload", NoNull(Str), V1_0_0),
    // TaskGroup (api/tasks.go)
    r(TaskGroup, "consul", Block(Consul), V1_1_0),
    r(TaskGroup, "network", Block(NetworkResource), V1_0_0),
    r(TaskGroup, "scaling", Block(ScalingPolicy), V1_0_0),
    r(TaskGroup, "secret", Block(Secret), V1_11_0),
    r(TaskGroup, "service", Block(Service), V1_0_0),
    r(TaskGroup, "spread", Block(Spread), V1_0_0),
    r(TaskGroup, "task", Block(Task), V1_0_0),
    r(TaskGroup, "vault", Block(Vault), V1_0_0),
    r(TaskGroup, "volume", Block(VolumeRequest), V1_0_0),
    // Task (api/tasks.go)
    r(Task, "driver", NoNull(Str), V1_0_0),
    r(Task, "kill_signal", NoNull(Str), V1_0_0),
    r(Task, "kind", NoNull(Str), V1_0_0),
    r(Task, "leader", NoNull(Bool), V1_0_0),
    r(Task, "user", NoNull(Str), V1_0_0),
    r(Task, "action", Block(Action), V1_7_0),
    r(Task, "artifact", Block(TaskArtifact), V1_0_0),
    r(Task, "consul", Block(Consul), V1_7_0),
    r(Task, "csi_plugin", Block(TaskCsiPluginConfig), V1_0_0),
    r(Task, "dispatch_payload", Block(DispatchPayloadConfig), V1_0_0),
    r(Task, "identity", Block(WorkloadIdentity), V1_5_0),
    r(Task, "lifecycle", Block(TaskLifecycle), V1_0_0),
    r(Task, "resources", Block(Resources), V1_0_0),
    r(Task, "scaling", Block(ScalingPolicy), V1_0_0),
    r(Task, "schedule", Block(TaskSchedule), V1_8_0),
    r(Task, "secret", Block(Secret), V1_11_0),
    r(Task, "service", Block(Service), V1_0_0),
    r(Task, "vault", Block(Vault), V1_0_0),
    // Action (api/tasks.go)
    r(Action, "command", NoNull(Str), V1_7_0),
    // DispatchPayloadConfig (api/tasks.go)
    r(DispatchPayloadConfig, "file", NoNull(Str), V1_0_0),
    // Secret (api/tasks.go)
    r(Secret, "path", NoNull(Str), V1_11_0),
    r(Secret, "provider", NoNull(Str), V1_11_0),
    // Spread (api/tasks.go)
    r(Spread, "attribute", NoNull(Str), V1_0_0),
    r(Spread, "target", Block(SpreadTarget), V1_0_0),
    // SpreadTarget (api/tasks.go)
    r(SpreadTarget, "percent", NoNull(Uint8), V1_0_0),
    // TaskArtifact (api/tasks.go)
    r(TaskArtifact, "chown", NoNull(Bool), V1_9_2),
    // TaskCSIPluginConfig (api/tasks.go)
    r(TaskCsiPluginConfig, "id", NoNull(Str), V1_0_0),
    r(TaskCsiPluginConfig, "mount_dir", NoNull(Str), V1_0_0),
    r(TaskCsiPluginConfig, "stage_publish_base_dir", NoNull(Str), V1_3_3),
    r(TaskCsiPluginConfig, "type", NoNull(Str), V1_0_0),
    // TaskLifecycle (api/tasks.go)
    r(TaskLifecycle, "hook", NoNull(Str), V1_0_0),
    r(TaskLifecycle, "sidecar", NoNull(Bool), V1_0_0),
    // Vault (api/tasks.go)
    r(Vault, "cluster", NoNull(Str), V1_7_0),
    r(Vault, "role", NoNull(Str), V1_7_0),
    // VolumeRequest (api/tasks.go)
    r(VolumeRequest, "access_mode", NoNull(Str), V1_1_0),
    r(VolumeRequest, "attachment_mode", NoNull(Str), V1_1_0),
    r(VolumeRequest, "per_alloc", NoNull(Bool), V1_1_0),
    r(VolumeRequest, "read_only", NoNull(Bool), V1_0_0),
    r(VolumeRequest, "source", NoNull(Str), V1_0_0),
    r(VolumeRequest, "sticky", NoNull(Bool), V1_10_0),
    r(VolumeRequest, "type", NoNull(Str), V1_0_0),
    r(VolumeRequest, "mount_options", Block(CsiMountOptions), V1_0_0),
    // WorkloadIdentity (api/tasks.go)
    r(WorkloadIdentity, "change_mode", NoNull(Str), V1_7_0),
    r(WorkloadIdentity, "change_signal", NoNull(Str), V1_7_0),
    r(WorkloadIdentity, "env", NoNull(Bool), V1_5_0),
    r(WorkloadIdentity, "file", NoNull(Bool), V1_5_0),
    r(WorkloadIdentity, "filepath", NoNull(Str), V1_9_0),
    r(WorkloadIdentity, "name", NoNull(Str), V1_7_0),
    r(WorkloadIdentity, "service_name", NoNull(Str), V1_7_0),
    // TaskSchedule (api/task_sched.go)
    r(TaskSchedule, "cron", Block(TaskScheduleCron), V1_8_0),
    // TaskScheduleCron (api/task_sched.go)
    r(TaskScheduleCron, "end", NoNull(Str), V1_8_0),
    r(TaskScheduleCron, "start", NoNull(Str), V1_8_0),
    r(TaskScheduleCron, "timezone", NoNull(Str), V1_8_0),
    // CSIMountOptions (api/csi.go)
    r(CsiMountOptions, "fs_type", NoNull(Str), V1_0_0),
    // ScalingPolicy (api/scaling.go)
    r(ScalingPolicy, "type", NoNull(Str), V1_0_0),
    // Resources (api/resources.go)
    r(Resources, "network", Block(NetworkResource), V1_0_0),
    r(Resources, "numa", Block(NumaResource), V1_7_0),
    // NetworkResource (api/resources.go)
    r(NetworkResource, "cidr", NoNull(Str), V1_0_0),
    r(NetworkResource, "device", NoNull(Str), V1_0_0),
    r(NetworkResource, "hostname", NoNull(Str), V1_1_5),
    r(NetworkResource, "ip", NoNull(Str), V1_0_0),
    r(NetworkResource, "mode", NoNull(Str), V1_0_0),
    r(NetworkResource, "port", Block(Port), V1_0_0),
    r(NetworkResource, "reserved_ports", Block(Port), V1_0_0),
    // Port (api/resources.go)
    r(Port, "host_network", NoNull(Str), V1_0_0),
    r(Port, "ignore_collision", NoNull(Bool), V1_9_0),
    r(Port, "static", NoNull(Int), V1_0_0),
    r(Port, "to", NoNull(Int), V1_0_0),
    // NUMAResource (api/resources.go)
    r(NumaResource, "affinity", NoNull(Str), V1_7_0),
    // Service (api/services.go)
    Row { of: Service, name: "id", takes: NoNull(Str), since: V1_0_0, until: Some(v(1, 3, 0)) },
    r(Service, "address", NoNull(Str), V1_3_0),
    r(Service, "address_mode", NoNull(Str), V1_0_0),
    r(Service, "cluster", NoNull(Str), V1_7_3),
    r(Service, "enable_tag_override", NoNull(Bool), V1_0_0),
    r(Service, "kind", NoNull(Str), V1_10_3),
    r(Service, "name", NoNull(Str), V1_0_0),
    r(Service, "on_update", NoNull(Str), V1_1_0),
    r(Service, "port", NoNull(Str), V1_0_0),
    r(Service, "provider", NoNull(Str), V1_3_0),
    r(Service, "task", NoNull(Str), V1_0_0),
    r(Service, "check", Block(ServiceCheck), V1_0_0),
    r(Service, "check_restart", Block(CheckRestart), V1_0_0),
    r(Service, "connect", Block(ConsulConnect), V1_0_0),
    r(Service, "identity", Block(WorkloadIdentity), V1_7_0),
    r(Service, "weights", Block(ServiceWeights), V1_9_2),
    // ServiceCheck (api/services.go)
    Row { of: ServiceCheck, name: "id", takes: NoNull(Str), since: V1_0_0, until: Some(v(1, 3, 0)) },
    r(ServiceCheck, "address_mode", NoNull(Str), V1_0_0),
    r(ServiceCheck, "advertise", NoNull(Str), V1_3_0),
    r(ServiceCheck, "body", NoNull(Str), V1_1_0),
    r(ServiceCheck, "command", NoNull(Str), V1_0_0),
    r(ServiceCheck, "expose", NoNull(Bool), V1_0_0),
    r(ServiceCheck, "failures_before_critical", NoNull(Int), V1_0_0),
    r(ServiceCheck, "failures_before_warning", NoNull(Int), V1_7_3),
    r(ServiceCheck, "grpc_service", NoNull(Str), V1_0_0),
    r(ServiceCheck, "grpc_use_tls", NoNull(Bool), V1_0_0),
    r(ServiceCheck, "initial_status", NoNull(Str), V1_0_0),
    r(ServiceCheck, "method", NoNull(Str), V1_0_0),
    r(ServiceCheck, "name", NoNull(Str), V1_0_0),
    r(ServiceCheck, "notes", NoNull(Str), V1_8_1),
    r(ServiceCheck, "on_update", NoNull(Str), V1_1_0),
    r(ServiceCheck, "path", NoNull(Str), V1_0_0),
    r(ServiceCheck, "port", NoNull(Str), V1_0_0),
    r(ServiceCheck, "protocol", NoNull(Str), V1_0_0),
    r(ServiceCheck, "success_before_passing", NoNull(Int), V1_0_0),
    r(ServiceCheck, "task", NoNull(Str), V1_0_0),
    r(ServiceCheck, "tls_server_name", NoNull(Str), V1_6_0),
    r(ServiceCheck, "tls_skip_verify", NoNull(Bool), V1_0_0),
    r(ServiceCheck, "type", NoNull(Str), V1_0_0),
    r(ServiceCheck, "check_restart", Block(CheckRestart), V1_0_0),
    // CheckRestart (api/services.go)
    r(CheckRestart, "ignore_warnings", NoNull(Bool), V1_0_0),
    r(CheckRestart, "limit", NoNull(Int), V1_0_0),
    // ServiceWeights (api/services.go)
    r(ServiceWeights, "passing", NoNull(Int), V1_9_2),
    r(ServiceWeights, "warning", NoNull(Int), V1_9_2),
    // Consul (api/consul.go)
    r(Consul, "cluster", NoNull(Str), V1_7_0),
    r(Consul, "namespace", NoNull(Str), V1_1_0),
    r(Consul, "partition", NoNull(Str), V1_7_3),
    // ConsulConnect (api/consul.go)
    r(ConsulConnect, "native", NoNull(Bool), V1_0_0),
    r(ConsulConnect, "gateway", Block(ConsulGateway), V1_0_0),
    r(ConsulConnect, "sidecar_service", Block(ConsulSidecarService), V1_0_0),
    r(ConsulConnect, "sidecar_task", Block(SidecarTask), V1_0_0),
    // SidecarTask (api/consul.go)
    r(SidecarTask, "driver", NoNull(Str), V1_0_0),
    r(SidecarTask, "kill_signal", NoNull(Str), V1_0_0),
    r(SidecarTask, "name", NoNull(Str), V1_0_0),
    r(SidecarTask, "user", NoNull(Str), V1_0_0),
    r(SidecarTask, "identity", Block(WorkloadIdentity), V1_11_1),
    r(SidecarTask, "resources", Block(Resources), V1_0_0),
    // ConsulSidecarService (api/consul.go)
    r(ConsulSidecarService, "disable_default_tcp_check", NoNull(Bool), V1_1_0),
    r(ConsulSidecarService, "port", NoNull(Str), V1_0_0),
    r(ConsulSidecarService, "proxy", Block(ConsulProxy), V1_0_0),
    // ConsulProxy (api/consul.go)
    r(ConsulProxy, "local_service_address", NoNull(Str), V1_0_0),
    r(ConsulProxy, "local_service_port", NoNull(Int), V1_0_0),
    r(ConsulProxy, "expose", Block(ConsulExposeConfig), V1_0_0),
    r(ConsulProxy, "transparent_proxy", Block(ConsulTransparentProxy), V1_8_0),
    r(ConsulProxy, "upstreams", Block(ConsulUpstream), V1_0_0),
    // ConsulExposeConfig (api/consul.go)
    r(ConsulExposeConfig, "path", Block(ConsulExposePath), V1_0_0),
    // ConsulExposePath (api/consul.go)
    r(ConsulExposePath, "listener_port", NoNull(Str), V1_0_0),
    r(ConsulExposePath, "local_path_port", NoNull(Int), V1_0_0),
    r(ConsulExposePath, "path", NoNull(Str), V1_0_0),
    r(ConsulExposePath, "protocol", NoNull(Str), V1_0_0),
    // ConsulTransparentProxy (api/consul.go)
    r(ConsulTransparentProxy, "no_dns", NoNull(Bool), V1_8_0),
    r(ConsulTransparentProxy, "outbound_port", NoNull(Uint16), V1_8_0),
    r(ConsulTransparentProxy, "uid", NoNull(Str), V1_8_0),
    // ConsulUpstream (api/consul.go)
    r(ConsulUpstream, "datacenter", NoNull(Str), V1_0_0),
    r(ConsulUpstream, "destination_name", NoNull(Str), V1_0_0),
    r(ConsulUpstream, "destination_namespace", NoNull(Str), V1_2_9_V1_3_2),
    r(ConsulUpstream, "destination_partition", NoNull(Str), V1_7_7),
    r(ConsulUpstream, "destination_peer", NoNull(Str), V1_6_2),
    r(ConsulUpstream, "destination_type", NoNull(Str), V1_6_2),
    r(ConsulUpstream, "local_bind_address", NoNull(Str), V1_1_0),
    r(ConsulUpstream, "local_bind_port", NoNull(Int), V1_0_0),
    r(ConsulUpstream, "local_bind_socket_mode", NoNull(Str), V1_6_2),
    r(ConsulUpstream, "local_bind_socket_path", NoNull(Str), V1_6_2),
    r(ConsulUpstream, "mesh_gateway", Block(ConsulMeshGateway), V1_1_1),
    // ConsulMeshGateway (api/consul.go)
    r(ConsulMeshGateway, "mode", NoNull(Str), V1_1_1),
    // ConsulGateway (api/consul.go)
    r(ConsulGateway, "ingress", Block(ConsulIngressConfigEntry), V1_0_0),
    r(ConsulGateway, "proxy", Block(ConsulGatewayProxy), V1_0_0),
    r(ConsulGateway, "terminating", Block(ConsulTerminatingConfigEntry), V1_0_4),
    // ConsulGatewayProxy (api/consul.go)
    r(ConsulGatewayProxy, "envoy_dns_discovery_type", NoNull(Str), V1_0_4),
    r(ConsulGatewayProxy, "envoy_gateway_bind_tagged_addresses", NoNull(Bool), V1_0_0),
    r(ConsulGatewayProxy, "envoy_gateway_no_default_bind", NoNull(Bool), V1_0_0),
    r(ConsulGatewayProxy, "envoy_gateway_bind_addresses", Block(ConsulGatewayBindAddress), V1_0_0),
    // ConsulGatewayBindAddress (api/consul.go)
    r(ConsulGatewayBindAddress, "address", NoNull(Str), V1_0_0),
    r(ConsulGatewayBindAddress, "port", NoNull(Int), V1_0_0),
    // ConsulGatewayTLSConfig (api/consul.go)
    r(ConsulGatewayTlsConfig, "enabled", NoNull(Bool), V1_0_0),
    r(ConsulGatewayTlsConfig, "tls_max_version", NoNull(Str), V1_3_2),
    r(ConsulGatewayTlsConfig, "tls_min_version", NoNull(Str), V1_3_2),
    r(ConsulGatewayTlsConfig, "sds", Block(ConsulGatewayTlsSdsConfig), V1_7_7),
    // ConsulGatewayTLSSDSConfig (api/consul.go)
    r(ConsulGatewayTlsSdsConfig, "cert_resource", NoNull(Str), V1_7_7),
    r(ConsulGatewayTlsSdsConfig, "cluster_name", NoNull(Str), V1_7_7),
    // ConsulIngressConfigEntry (api/consul.go)
    r(ConsulIngressConfigEntry, "listener", Block(ConsulIngressListener), V1_0_0),
    r(ConsulIngressConfigEntry, "tls", Block(ConsulGatewayTlsConfig), V1_0_0),
    // ConsulIngressListener (api/consul.go)
    r(ConsulIngressListener, "port", NoNull(Int), V1_0_0),
    r(ConsulIngressListener, "protocol", NoNull(Str), V1_0_0),
    r(ConsulIngressListener, "service", Block(ConsulIngressService), V1_0_0),
    // ConsulIngressService (api/consul.go)
    r(ConsulIngressService, "name", NoNull(Str), V1_0_0),
    r(ConsulIngressService, "tls", Block(ConsulGatewayTlsConfig), V1_7_7),
    // ConsulTerminatingConfigEntry (api/consul.go)
    r(ConsulTerminatingConfigEntry, "service", Block(ConsulLinkedService), V1_0_4),
    // ConsulLinkedService (api/consul.go)
    r(ConsulLinkedService, "ca_file", NoNull(Str), V1_0_4),
    r(ConsulLinkedService, "cert_file", NoNull(Str), V1_0_4),
    r(ConsulLinkedService, "key_file", NoNull(Str), V1_0_4),
    r(ConsulLinkedService, "name", NoNull(Str), V1_0_4),
    r(ConsulLinkedService, "sni", NoNull(Str), V1_0_4),
];

/// What `name` is inside a block of `of` at `version`; None when it takes
/// a null (or is no field of that struct at that release).
pub fn lookup(of: Api, name: &str, version: NomadVersion) -> Option<Takes> {
    TABLE
        .iter()
        .find(|row| {
            row.of == of
                && row.name == name
                && version.has_since(row.since)
                && row.until.is_none_or(|u| version < u)
        })
        .map(|row| row.takes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_null(of: Api, name: &str, at: NomadVersion) -> bool {
        matches!(lookup(of, name, at), Some(NoNull(_)))
    }

    #[test]
    fn value_fields_refuse_a_null_pointers_slices_and_maps_do_not() {
        let now = v(2, 0, 5);
        // api.Task (api/tasks.go@v2.0.5): string and bool fields refuse.
        for f in ["user", "driver", "kill_signal", "leader", "kind"] {
            assert!(no_null(Task, f, now), "task {f}");
        }
        // *time.Duration (decodeDuration's own rule), []string, maps, the
        // driver's config, blocks of other kinds: not gohcl's null rule.
        for f in [
            "kill_timeout",
            "shutdown_delay",
            "meta",
            "env",
            "config",
            "count",
        ] {
            assert!(!no_null(Task, f, now), "task {f}");
        }
        // api.TaskGroup's arguments are all pointers (or durations).
        for f in [
            "count",
            "shutdown_delay",
            "max_client_disconnect",
            "prevent_reschedule_on_lost",
        ] {
            assert_eq!(lookup(TaskGroup, f, now), None, "group {f}");
        }
        // api.Service and api.ServiceCheck (api/services.go@v2.0.5).
        for f in ["name", "port", "address_mode", "task", "provider"] {
            assert!(no_null(Service, f, now), "service {f}");
        }
        assert!(!no_null(Service, "tags", now));
        for f in ["type", "path", "port", "method", "name"] {
            assert!(no_null(ServiceCheck, f, now), "check {f}");
        }
        assert!(!no_null(ServiceCheck, "interval", now));
        assert!(!no_null(ServiceCheck, "args", now));
        // A port's static and to are ints (api/resources.go).
        assert!(no_null(Port, "static", now) && no_null(Port, "to", now));
        assert_eq!(lookup(Port, "static", now), Some(NoNull(Int)));
    }

    #[test]
    fn blocks_lead_to_their_api_structs() {
        let now = v(2, 0, 5);
        assert_eq!(lookup(Job, "group", now), Some(Block(TaskGroup)));
        assert_eq!(lookup(TaskGroup, "task", now), Some(Block(Task)));
        assert_eq!(lookup(Task, "service", now), Some(Block(Service)));
        assert_eq!(lookup(Service, "check", now), Some(Block(ServiceCheck)));
        assert_eq!(
            lookup(ConsulConnect, "sidecar_task", now),
            Some(Block(SidecarTask))
        );
        // A gateway's proxy is not a sidecar's (api/consul.go).
        assert_eq!(
            lookup(ConsulGateway, "proxy", now),
            Some(Block(ConsulGatewayProxy))
        );
        assert_eq!(
            lookup(ConsulSidecarService, "proxy", now),
            Some(Block(ConsulProxy))
        );
        // hcldec's constraint and affinity take a null: never walked.
        assert_eq!(lookup(Job, "constraint", now), None);
        assert_eq!(lookup(Task, "affinity", now), None);
        assert_eq!(lookup(Task, "config", now), None);
    }

    #[test]
    fn fields_exist_only_in_their_releases() {
        // JobUIConfig came in 1.8.0.
        assert_eq!(lookup(Job, "ui", v(1, 7, 7)), None);
        assert!(no_null(JobUiConfig, "description", v(1, 8, 0)));
        // A service's and a check's `id` went at 1.3.0.
        assert!(no_null(Service, "id", v(1, 2, 16)));
        assert!(!no_null(Service, "id", v(1, 3, 0)));
        assert!(!no_null(ServiceCheck, "id", v(2, 0, 5)));
        // ConsulUpstream.DestinationNamespace: backported to 1.2.9, in
        // 1.3 from 1.3.2 (api/consul.go at the tags).
        let ns = |at| no_null(ConsulUpstream, "destination_namespace", at);
        assert!(!ns(v(1, 2, 8)) && ns(v(1, 2, 9)));
        assert!(!ns(v(1, 3, 1)) && ns(v(1, 3, 2)) && ns(v(1, 4, 0)));
        // Service.Kind from 1.10.3; TaskArtifact.Chown from 1.9.2.
        assert!(!no_null(Service, "kind", v(1, 10, 2)) && no_null(Service, "kind", v(1, 10, 3)));
        assert!(!no_null(TaskArtifact, "chown", v(1, 9, 1)));
        assert!(no_null(TaskArtifact, "chown", v(1, 9, 2)));
    }

    #[test]
    fn every_row_is_said_once() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert!(!(a.of == b.of && a.name == b.name), "{:?} {}", a.of, a.name);
            }
        }
    }
}
