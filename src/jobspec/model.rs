//! The typed job model: what Nomad's jobspec says once parsed, evaluated and
//! canonicalised. Field names follow Nomad's API structs (`api/jobs.go`,
//! `api/tasks.go`, `api/resources.go`) so the diff and the scheduler can speak
//! Nomad's language. Every struct carries [`Spans`]: which fields were written
//! in the file (and where); a field without a span holds Nomad's default.

use std::collections::BTreeMap;
use std::fmt;

use crate::source::{Source, Span};

/// Which fields of one block were written, and where. Field keys are the
/// HCL attribute or block names (`"count"`, `"priority"`, `"resources"`).
///
/// Spans never take part in equality: the same spec with other whitespace
/// or comments is the same job to Nomad (an unchanged re-plan must `ignore`).
#[derive(Debug, Clone, Default)]
pub struct Spans {
    /// The whole block (or the labelled header for labelled blocks).
    pub block: Option<Span>,
    /// The block's label (`job "x"`, `group "x"`, `task "x"`), if any.
    pub label: Option<Span>,
    fields: Vec<(&'static str, Span)>,
}

impl PartialEq for Spans {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Spans {}

impl Spans {
    pub fn new(block: Option<Span>) -> Self {
        Spans {
            block,
            label: None,
            fields: Vec::new(),
        }
    }

    /// Record that `field` was written at `span` (the whole attribute).
    pub fn set(&mut self, field: &'static str, span: Span) {
        if let Some(slot) = self.fields.iter_mut().find(|(f, _)| *f == field) {
            slot.1 = span;
        } else {
            self.fields.push((field, span));
        }
    }

    pub fn get(&self, field: &str) -> Option<Span> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, s)| *s)
    }

    /// Was the field written (as opposed to defaulted)?
    pub fn written(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Best span to point at for `field`: the field, else the block label, else the block.
    pub fn best(&self, field: &str) -> Option<Span> {
        self.get(field).or(self.label).or(self.block)
    }

    pub fn fields(&self) -> impl Iterator<Item = (&'static str, Span)> + '_ {
        self.fields.iter().copied()
    }
}

/// A Go-style duration in nanoseconds (Nomad's diff prints nanoseconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub i64);

impl Duration {
    pub const fn secs(s: i64) -> Self {
        Duration(s * 1_000_000_000)
    }
    pub const fn mins(m: i64) -> Self {
        Duration(m * 60 * 1_000_000_000)
    }
    pub const fn hours(h: i64) -> Self {
        Duration(h * 3600 * 1_000_000_000)
    }
    pub fn nanos(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Duration {
    /// Go's `time.Duration.String()` form: `10s`, `1m30s`, `1h0m0s`, `500ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut n = self.0;
        if n == 0 {
            return f.write_str("0s");
        }
        let neg = n < 0;
        if neg {
            n = -n;
            f.write_str("-")?;
        }
        if n < 1_000_000_000 {
            return if n < 1_000 {
                write!(f, "{n}ns")
            } else if n < 1_000_000 {
                write!(f, "{}µs", trim_frac(n as f64 / 1e3))
            } else {
                write!(f, "{}ms", trim_frac(n as f64 / 1e6))
            };
        }
        let h = n / 3_600_000_000_000;
        let m = (n / 60_000_000_000) % 60;
        let s_nanos = n % 60_000_000_000;
        let secs = trim_frac(s_nanos as f64 / 1e9);
        if h > 0 {
            write!(f, "{h}h{m}m{secs}s")
        } else if m > 0 {
            write!(f, "{m}m{secs}s")
        } else {
            write!(f, "{secs}s")
        }
    }
}

fn trim_frac(v: f64) -> String {
    let s = format!("{v:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JobType {
    #[default]
    Service,
    Batch,
    System,
    Sysbatch,
}

impl JobType {
    pub fn as_str(self) -> &'static str {
        match self {
            JobType::Service => "service",
            JobType::Batch => "batch",
            JobType::System => "system",
            JobType::Sysbatch => "sysbatch",
        }
    }
    pub fn parse(s: &str) -> Option<JobType> {
        Some(match s {
            "service" => JobType::Service,
            "batch" => JobType::Batch,
            "system" => JobType::System,
            "sysbatch" => JobType::Sysbatch,
            _ => return None,
        })
    }
    /// System and sysbatch jobs place one allocation per feasible node.
    pub fn is_per_node(self) -> bool {
        matches!(self, JobType::System | JobType::Sysbatch)
    }
}

impl fmt::Display for JobType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A driver `config` value. Numbers are kept as written so the diff can print
/// them the way Nomad's JSON round trip does (float64, `%v`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

pub type Map = BTreeMap<String, String>;

/// What a block wrote that the typed model does not hold: arguments and
/// blocks the lowering never read, by path below the job, group or task
/// (`identity[vault].aud`, `template.wait`), as evaluated. It takes part in
/// equality, so a change to it makes a new job version and an edited task,
/// and the diff reports it as "changed but not modelled".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unmodelled(pub BTreeMap<String, Value>);

impl Unmodelled {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraint {
    pub ltarget: String,
    pub rtarget: String,
    pub operand: String,
    pub spans: Spans,
}

impl Constraint {
    /// How Nomad names a constraint in metrics: `"<l> <op> <r>"`.
    pub fn metric_key(&self) -> String {
        format!("{} {} {}", self.ltarget, self.operand, self.rtarget)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Affinity {
    pub ltarget: String,
    pub rtarget: String,
    pub operand: String,
    pub weight: i64,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpreadTarget {
    pub value: String,
    pub percent: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spread {
    pub attribute: String,
    pub weight: i64,
    pub targets: Vec<SpreadTarget>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateStrategy {
    pub stagger: Duration,
    pub max_parallel: i64,
    pub health_check: String,
    pub min_healthy_time: Duration,
    pub healthy_deadline: Duration,
    pub progress_deadline: Duration,
    pub auto_revert: bool,
    pub auto_promote: bool,
    pub canary: i64,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigrateStrategy {
    pub max_parallel: i64,
    pub health_check: String,
    pub min_healthy_time: Duration,
    pub healthy_deadline: Duration,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReschedulePolicy {
    pub attempts: i64,
    pub interval: Duration,
    pub delay: Duration,
    pub delay_function: String,
    pub max_delay: Duration,
    pub unlimited: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RestartPolicy {
    pub attempts: i64,
    pub interval: Duration,
    pub delay: Duration,
    pub mode: String,
    pub render_templates: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EphemeralDisk {
    pub sticky: bool,
    pub migrate: bool,
    pub size_mb: i64,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Periodic {
    pub specs: Vec<String>,
    pub spec_type: String,
    pub prohibit_overlap: bool,
    pub time_zone: String,
    pub enabled: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parameterized {
    pub payload: String,
    pub meta_required: Vec<String>,
    pub meta_optional: Vec<String>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Multiregion {
    pub strategy_max_parallel: i64,
    pub strategy_on_failure: String,
    pub regions: Vec<MultiregionRegion>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MultiregionRegion {
    pub name: String,
    pub count: i64,
    pub datacenters: Vec<String>,
    pub node_pool: String,
    pub meta: Map,
}

/// A port in a `network` block. `value` is the static port (0 = dynamic).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Port {
    pub label: String,
    pub value: i64,
    pub to: i64,
    pub host_network: String,
    /// Dynamic ports only (1.9+); Nomad's diff filters it.
    pub ignore_collision: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DnsConfig {
    pub servers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<String>,
}

/// A `network` block, either group level (1.x) or task `resources` level (0.x).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    pub mode: String,
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestedDevice {
    pub name: String,
    pub count: i64,
    pub constraints: Vec<Constraint>,
    pub affinities: Vec<Affinity>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
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
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckRestart {
    pub limit: i64,
    pub grace: Duration,
    pub ignore_warnings: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceCheck {
    pub name: String,
    pub check_type: String,
    pub command: String,
    pub args: Vec<String>,
    pub path: String,
    pub protocol: String,
    pub port_label: String,
    pub expose: bool,
    pub address_mode: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub initial_status: String,
    pub tls_skip_verify: bool,
    pub method: String,
    pub header: BTreeMap<String, Vec<String>>,
    pub body: String,
    pub grpc_service: String,
    pub grpc_use_tls: bool,
    pub task_name: String,
    pub on_update: String,
    pub success_before_passing: i64,
    pub failures_before_critical: i64,
    pub check_restart: Option<CheckRestart>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    pub name: String,
    pub port_label: String,
    pub address_mode: String,
    pub provider: String,
    pub tags: Vec<String>,
    pub canary_tags: Vec<String>,
    pub enable_tag_override: bool,
    pub checks: Vec<ServiceCheck>,
    pub meta: Map,
    pub canary_meta: Map,
    pub task_name: String,
    pub on_update: String,
    /// `connect { ... }` is kept opaque: it matters for update type, not placement.
    pub connect: Option<Value>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    pub source_path: String,
    pub dest_path: String,
    pub embedded_tmpl: String,
    pub change_mode: String,
    pub change_signal: String,
    pub splay: Duration,
    pub perms: String,
    pub left_delim: String,
    pub right_delim: String,
    pub envvars: bool,
    pub vault_grace: Duration,
    /// Pointers in Nomad: unset stays unset (and out of the diff).
    pub uid: Option<i64>,
    pub gid: Option<i64>,
    pub err_missing_key: bool,
    pub once: bool,
    pub wait: Option<WaitConfig>,
    pub change_script: Option<ChangeScript>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaitConfig {
    pub min: Option<Duration>,
    pub max: Option<Duration>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeScript {
    pub command: String,
    pub args: Vec<String>,
    pub timeout: Duration,
    pub fail_on_error: bool,
    pub run_on_first_render: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Artifact {
    pub getter_source: String,
    pub getter_options: Map,
    pub getter_headers: Map,
    pub getter_mode: String,
    pub relative_dest: String,
    pub insecure: bool,
    pub chown: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vault {
    pub policies: Vec<String>,
    pub namespace: String,
    pub env: bool,
    pub change_mode: String,
    pub change_signal: String,
    pub role: String,
    pub cluster: String,
    pub disable_file: bool,
    pub allow_token_expiration: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogConfig {
    pub max_files: i64,
    pub max_file_size_mb: i64,
    pub disabled: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lifecycle {
    /// `prestart`, `poststart`, `poststop`.
    pub hook: String,
    pub sidecar: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VolumeMount {
    pub volume: String,
    pub destination: String,
    pub read_only: bool,
    pub propagation_mode: String,
    pub selinux_label: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Volume {
    pub name: String,
    pub volume_type: String,
    pub source: String,
    pub read_only: bool,
    pub access_mode: String,
    pub attachment_mode: String,
    pub per_alloc: bool,
    pub sticky: bool,
    pub mount_options: Option<CsiMountOptions>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsiMountOptions {
    pub fs_type: String,
    pub mount_flags: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scaling {
    pub min: Option<i64>,
    pub max: i64,
    pub enabled: bool,
    pub policy: Option<Value>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Disconnect {
    pub lost_after: Option<Duration>,
    pub stop_on_client_after: Option<Duration>,
    pub replace: Option<bool>,
    pub reconcile: String,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Task {
    pub name: String,
    pub driver: String,
    pub user: String,
    /// Driver configuration, kept as a map (Nomad treats it as opaque).
    pub config: BTreeMap<String, Value>,
    pub env: Map,
    pub meta: Map,
    pub resources: Resources,
    pub constraints: Vec<Constraint>,
    pub affinities: Vec<Affinity>,
    pub services: Vec<Service>,
    pub templates: Vec<Template>,
    pub artifacts: Vec<Artifact>,
    pub vault: Option<Vault>,
    pub lifecycle: Option<Lifecycle>,
    pub log_config: LogConfig,
    pub volume_mounts: Vec<VolumeMount>,
    pub kill_timeout: Duration,
    pub kill_signal: String,
    pub shutdown_delay: Duration,
    pub leader: bool,
    pub kind: String,
    pub dispatch_payload_file: Option<String>,
    /// The group's restart policy merged with the task's own `restart`
    /// (api/tasks.go canonicalisation): not in Nomad's diff, but part of
    /// the task, so a group restart edit marks every task edited.
    pub restart: Option<RestartPolicy>,
    pub unmodelled: Unmodelled,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskGroup {
    pub name: String,
    pub count: i64,
    pub constraints: Vec<Constraint>,
    pub affinities: Vec<Affinity>,
    pub spreads: Vec<Spread>,
    /// Group networks (1.x); legacy networks live in task resources.
    pub networks: Vec<Network>,
    pub ephemeral_disk: EphemeralDisk,
    pub restart: RestartPolicy,
    pub reschedule: Option<ReschedulePolicy>,
    pub update: Option<UpdateStrategy>,
    pub migrate: Option<MigrateStrategy>,
    pub scaling: Option<Scaling>,
    pub volumes: Vec<Volume>,
    pub services: Vec<Service>,
    pub meta: Map,
    pub tasks: Vec<Task>,
    pub shutdown_delay: Option<Duration>,
    pub stop_after_client_disconnect: Option<Duration>,
    pub max_client_disconnect: Option<Duration>,
    pub prevent_reschedule_on_lost: bool,
    pub disconnect: Option<Disconnect>,
    pub unmodelled: Unmodelled,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Job {
    pub id: String,
    pub name: String,
    pub job_type: JobType,
    pub priority: i64,
    pub region: String,
    pub namespace: String,
    pub datacenters: Vec<String>,
    pub node_pool: String,
    pub all_at_once: bool,
    pub constraints: Vec<Constraint>,
    pub affinities: Vec<Affinity>,
    pub spreads: Vec<Spread>,
    /// The job-level `update` as written (Nomad copies it into groups).
    pub update: Option<UpdateStrategy>,
    pub migrate: Option<MigrateStrategy>,
    pub reschedule: Option<ReschedulePolicy>,
    pub periodic: Option<Periodic>,
    pub parameterized: Option<Parameterized>,
    pub multiregion: Option<Multiregion>,
    pub meta: Map,
    pub groups: Vec<TaskGroup>,
    pub vault_token: String,
    pub consul_token: String,
    pub stop: bool,
    pub dispatched: bool,
    pub parent_id: String,
    pub unmodelled: Unmodelled,
    pub spans: Spans,
    /// The file the job came from (None for jobs built in code or imported).
    pub source: Origin,
}

/// The file a job came from. Never part of job equality: the same spec read
/// from the working tree and from git is the same job.
#[derive(Debug, Clone, Default)]
pub struct Origin(pub Option<Source>);

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Job {
    pub fn group(&self, name: &str) -> Option<&TaskGroup> {
        self.groups.iter().find(|g| g.name == name)
    }
    pub fn group_mut(&mut self, name: &str) -> Option<&mut TaskGroup> {
        self.groups.iter_mut().find(|g| g.name == name)
    }
}

impl TaskGroup {
    pub fn task(&self, name: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(Duration::secs(10).to_string(), "10s");
        assert_eq!(Duration::secs(90).to_string(), "1m30s");
        assert_eq!(Duration::hours(1).to_string(), "1h0m0s");
        assert_eq!(Duration(500_000_000).to_string(), "500ms");
        assert_eq!(Duration(1_500_000_000).to_string(), "1.5s");
        assert_eq!(Duration(0).to_string(), "0s");
    }

    #[test]
    fn spans_remember_written_fields() {
        let mut s = Spans::new(Some(Span::new(0, 10)));
        assert!(!s.written("count"));
        s.set("count", Span::new(2, 5));
        assert_eq!(s.get("count"), Some(Span::new(2, 5)));
        assert_eq!(s.best("priority"), Some(Span::new(0, 10)));
    }
}
