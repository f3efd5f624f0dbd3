//! The servers' job settings a job's admission reads: the agent's
//! `server { job_default_priority, job_max_priority, job_max_count }`
//! (command/agent/config.go ServerConfig, 1.5.0+ and 1.11.0+), as the agent
//! resolves them (command/agent/agent.go convertServerConfig: unset or 0
//! is Nomad's default).

/// What the servers' jobCanonicalizer and jobValidate hooks
/// (nomad/job_endpoint_hooks.go) use, carried by each loaded job so its
/// defaults and validation follow the world's servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServerJobSettings {
    /// `job_default_priority` (structs.JobDefaultPriority, 50, when unset):
    /// the priority of a job submitted with priority 0 (1.5.0+).
    pub default_priority: i64,
    /// `job_max_priority` (structs.JobDefaultMaxPriority, 100, when
    /// unset): jobValidate's upper bound (1.5.0+).
    pub max_priority: i64,
    /// `job_max_count` (structs.JobDefaultMaxCount, 50000, when unset; 0
    /// means no bound): the groups' counts together (1.11.0+).
    pub max_count: i64,
    /// Whether the world states them (a `server` block, or an import's
    /// agent-self.json from a server); when not, the values above are
    /// Nomad's defaults, assumed.
    pub stated: bool,
}

/// How a job was loaded, not part of the job Nomad stores: two loads of the
/// same job compare equal whatever the servers (as [`super::Spans`] do).
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct LoadedUnder {
    /// The servers' job settings (defaults, priority and count bounds).
    pub servers: ServerJobSettings,
    /// Its priority is the servers' `job_default_priority`: it reached
    /// them as 0 (written so from 1.5.0, or omitted at 1.5.0–1.5.6).
    pub priority_by_servers: bool,
    /// Its file's functions read a relative path, which Nomad joins to
    /// the folder `nomad` runs in ([`crate::work_dir`]): the plan names
    /// the folder it read from.
    pub reads_from_work_dir: bool,
}

/// The region `nomad job plan` and `nomad job validate` ask for: the
/// `?region=` query their api client sends. The CLI points its client at
/// the region the file writes ("Force the region to be that of the job",
/// command/job_plan.go@v0.9.3:137-140, @v1.7.2:213-215; job_validate.go
/// the same), an empty one clearing it; else the client keeps its
/// `NOMAD_REGION` (api/api.go@v1.7.2:338 DefaultConfig, :833-835). Which
/// servers answer is the agent's to decide from it (mutators
/// `region_forward`). Not part of the job Nomad stores: always equal.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AskedRegion {
    /// The region asked for; `None`: none (the agent's own).
    pub query: Option<String>,
    /// It is `NOMAD_REGION`'s, the file writing no region.
    pub from_env: bool,
}

impl PartialEq for AskedRegion {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for AskedRegion {}

impl PartialEq for LoadedUnder {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LoadedUnder {}

impl Default for ServerJobSettings {
    fn default() -> Self {
        ServerJobSettings {
            default_priority: 50,
            max_priority: 100,
            max_count: 50_000,
            stated: false,
        }
    }
}
