//! What Nomad's servers add to a job before they diff and schedule it: the
//! admission mutators of `nomad/job_endpoint.go` (`Job.Plan` and
//! `Job.Register` alike), per version. The job file's own canonicalisation
//! (api/ `Canonicalize` and `structs.Job.Canonicalize`, the
//! `jobCanonicalizer` mutator) happens when it is loaded (jobspec
//! `defaults`/`canonical`); this module runs the mutators after it, in
//! Nomad's order:
//!
//! 0. `jobConsulHook` (1.7.3+, job_endpoint_hook_consul.go): the Consul
//!    admin partition constraint of a `consul { partition }` block;
//! 1. `jobConnectHook` (0.10+, job_endpoint_hook_connect.go): the
//!    `connect-proxy-<service>` sidecar task of every Connect sidecar
//!    service, its proxy port in the group network, the task kind of a
//!    Connect native service, the task of a gateway;
//! 2. `jobExposeCheckHook` (0.11+, job_endpoint_hook_expose_check.go):
//!    the sidecar proxy's expose path of every `expose = true` check, and
//!    the listener port it may add;
//! 3. `jobImpliedConstraints` (job_endpoint_hooks.go): the Vault, signal,
//!    Consul and Nomad service discovery, CNI and transparent proxy
//!    constraints;
//! 4. `jobImplicitIdentitiesHook` (1.7+,
//!    job_endpoint_hook_implicit_identities.go): the identities the
//!    servers' agent config gives Consul services and Consul and Vault
//!    tasks, and the client version constraint of a group with identities.
//!
//! The default workload identity of every task (1.7+) is not a mutator of
//! its own: `structs.Task.Canonicalize` creates it (nomad/structs/structs.go
//! v1.7.0 line 7739 `t.Identity = &WorkloadIdentity{}`; v2.0.5 line 8180
//! `t.Identity = DefaultWorkloadIdentity()`), for the file's tasks at load
//! (jobspec canonical.rs) and for an injected task here, as the hook calls
//! `task.Canonicalize` on it.
//!
//! Data flows jobspec → mutators → scheduler → planner: the planner mutates
//! the planned job once, and the scheduler's registrations mutate what they
//! store, so the diff, the placement and the quota all see the same job.
//! Every mutator is idempotent (as Nomad's are), so a job mutated twice is
//! the job mutated once.

mod connect;
mod connect_env;
mod connect_task;
mod connect_validate;
mod constraints;
mod consul_partition;
pub mod consul_token;
mod expose_check;
mod identities;
pub mod multiregion;
pub mod region_forward;
pub mod registration;
pub mod run_refusal;
pub mod vault;

pub use connect_validate::validate as connect_validate;

/// The floors on the client's release Nomad's admission implies, each
/// `${attr.nomad.version} semver FLOOR` (constraints.rs: NUMA, Nomad
/// service checks, transparent proxy and task schedules; identities.rs:
/// `implicitIdentityClientVersionConstraint`).
pub const IMPLIED_CLIENT_VERSIONS: [&str; 4] =
    [">= 1.4.0", ">= 1.6.3-dev", ">= 1.7.0-a", ">= 1.8.0-dev"];
pub use expose_check::validate as expose_check_validate;

use crate::jobspec::Job;
use crate::version::NomadVersion;
use crate::world::{ServerConfig, World};

/// The job as the version's admission mutators leave it, or the error the
/// Plan RPC returns when one of them fails (`admissionMutators`' "error in
/// job mutator NAME: ..."; or our own sentence where that Nomad panics).
pub fn apply(job: &Job, v: NomadVersion, server: &ServerConfig) -> Result<Job, String> {
    let mut out = job.clone();
    consul_partition::mutate(&mut out, v);
    connect::mutate(&mut out, v).map_err(|e| match e {
        connect::HookError::Error(e) => format!("error in job mutator connect: {e}"),
        connect::HookError::Panic(e) => e,
    })?;
    // Its errors carry their own "error in job mutator expose-check: ".
    expose_check::mutate(&mut out, v).map_err(|e| match e {
        connect::HookError::Error(e) | connect::HookError::Panic(e) => e,
    })?;
    constraints::mutate(&mut out, v);
    identities::mutate(&mut out, v, server);
    Ok(out)
}

/// The servers' settings the identities hook reads for `admitted` (the
/// job as [`apply`] left it) that the world does not state, by their agent
/// config names: the plan assumed each unset. Empty when the world has a
/// `server` block. The hook is idempotent, so running it again on the
/// admitted job names what it read without changing what was planned.
pub fn unset_server_settings(admitted: &Job, world: &World) -> Vec<&'static str> {
    if world.server.declared {
        return Vec::new();
    }
    let mut again = admitted.clone();
    identities::mutate(&mut again, world.nomad_version, &world.server)
}

/// [`apply`] for callers that register a job already admitted: a job the
/// mutators refuse is kept as it is (the Plan RPC reports the refusal).
pub fn applied(job: &Job, v: NomadVersion, server: &ServerConfig) -> Job {
    apply(job, v, server).unwrap_or_else(|_| job.clone())
}
