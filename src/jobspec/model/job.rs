//! The task group and the job.

use super::*;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// `max_run_duration` (batch and sysbatch): a pointer in Nomad's
    /// TaskGroup, so `TaskGroup.Diff` (flatmap, primitives only) never shows
    /// it; a change marks the group edited outside Nomad's diff text.
    pub max_run_duration: Option<Duration>,
    pub disconnect: Option<Disconnect>,
    pub consul: Option<Consul>,
    pub unmodelled: Unmodelled,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    pub id: String,
    pub name: String,
    pub job_type: JobType,
    /// A `type` no release schedules (`"zz"`, `""`), as written: the CLI
    /// parses it and the servers refuse it in Job.Validate
    /// (validate_job.rs); `job_type` is `Batch` meanwhile, whose defaults
    /// api's Canonicalize gives a type it does not know.
    /// (No `skip_serializing_if`: the job cache's postcard encoding is not
    /// self-describing, so a skipped field makes every entry undecodable.)
    pub refused_type: Option<String>,
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
    pub ui: Option<JobUi>,
    pub meta: Map,
    pub groups: Vec<TaskGroup>,
    pub vault_token: String,
    pub consul_token: String,
    /// `ConsulNamespace` (structs.Job from 1.1.0) and `VaultNamespace`
    /// (from 0.12.2). No job file key sets them (api.Job gives them no
    /// `hcl` tag, api/jobs.go v1.1.0-v2.0.5); `job run -consul-namespace`
    /// / `-vault-namespace` and `job plan -vault-namespace` (1.3.4+) do,
    /// and the servers store them: an imported job's own.
    pub consul_namespace: String,
    pub vault_namespace: String,
    pub stop: bool,
    pub dispatched: bool,
    pub parent_id: String,
    pub unmodelled: Unmodelled,
    pub spans: Spans,
    /// `region = ""` / `namespace = ""` written: api `Canonicalize` fills
    /// only absent fields, so each endpoint meets the empty string (see
    /// jobspec::defaults and `as_sent_to_validate`).
    #[serde(default)]
    pub written_empty: WrittenEmpty,
    /// The servers' settings it was loaded under (see [`LoadedUnder`]).
    pub loaded: LoadedUnder,
    /// The region Nomad's CLI asks for when it sends the job (see
    /// [`AskedRegion`]).
    #[serde(default)]
    pub asked_region: AskedRegion,
    /// The file the job came from (None for jobs built in code or imported).
    /// Not stored in the job-load cache: a cached job gets the file it is
    /// read for.
    #[serde(skip)]
    pub source: Origin,
    /// Proof that this job is all its load depended on, when it is (see
    /// [`ClosedLoad`]): what lets a second load of the same text be skipped.
    #[serde(skip)]
    pub closed: ClosedLoad,
}

/// Job fields written as the empty string, which Nomad's endpoints treat
/// apart from absent ones. How the file wrote them, not part of the job
/// Nomad stores (the agent or the servers fill both before they store it):
/// always equal, as [`LoadedUnder`].
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct WrittenEmpty {
    pub region: bool,
    pub namespace: bool,
}

impl PartialEq for WrittenEmpty {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for WrittenEmpty {}
