//! What Nomad's `Job.Plan` RPC checks before it schedules anything
//! (`nomad/job_endpoint.go`, its admission validators and the state store's
//! job upsert), per version:
//!
//! - the job's namespace must exist. From 0.12.2 the plan fails: the
//!   snapshot upsert's error (`job "ID" is in nonexistent namespace "NS"`)
//!   is returned (0.12.2), and from 1.3.0 the namespace validator reports it
//!   first, as one entry of the validators' multierror. Up to 0.12.1 the
//!   upsert's error was ignored: the scheduler saw no job and the plan
//!   placed nothing, while the `job run` that followed failed.
//! - from 1.3.0, the namespace's `capabilities` allow the job's task drivers,
//!   and from 1.8.4 its group network modes;
//! - from 1.6.0, the job's node pool exists (built-in `default` and `all`,
//!   and every pool a client registered in);
//! - from 1.3.0, the Vault clusters the job uses are enabled on the servers
//!   (before, only `Job.Register` checked it: the plan stays silent and our
//!   warning says the run will fail; see `mutators::vault`);
//! - from 1.7.0, each Vault task has the identity its cluster needs (or,
//!   1.7–1.9, policies for the legacy token flow);
//! - the community edition refuses a task's NUMA affinity (1.7.0+) and a
//!   task schedule (1.8.0+), Enterprise's features
//!   ([`super::admission_edition`]).
//!
//! [`refusals`] lists what fails, one entry per check; [`admit`] words it as
//! the version's Plan RPC does. `check` reports each refusal as a rule from
//! the same list.
//!
//! Errors reach the CLI through the HTTP API as `Unexpected response code:
//! 500 (<body>)`; from 1.6.0 the API client trims the body.

pub use super::admission_namespace::node_pools;
use super::admission_namespace::{go_quote_list, namespace_refusal, pool_exists};
pub use super::admission_unsent::{api_error, RefusedBy};
pub use super::admission_warnings::{memory_max_ignored, warnings, warnings_text};
use crate::cluster::State;
use crate::gotext::{go_quote, multierror};
use crate::jobspec::Job;
use crate::version::NomadVersion;
use crate::world::World;

/// The verdict of the Plan RPC's admission on one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// `Job.Plan` returns an error: the CLI prints it ([`Admission::refused_error`])
    /// and exits 255.
    Refused {
        /// The server's error text (the API client's own, [`RefusedBy::Client`]).
        error: String,
        /// The HTTP body as the version's API client hands it to the CLI.
        body: String,
        /// Who refuses it: the servers, or the CLI's API client before
        /// any server sees the job.
        by: RefusedBy,
        /// The list would also hold an entry the world does not give
        /// (`super::entry_unknown`: the Vault hook's, the namespace
        /// validator's, ...): the job is refused for sure, but Nomad's
        /// text is not known, so no consumer prints `error` or `body`; each
        /// says the plan's "cannot tell" line instead, with `entries`.
        text_unknown: bool,
        /// The entries of the list that are known, in Nomad's words.
        entries: Vec<String>,
    },
    /// This version plans the job without placing it and says nothing, but
    /// the submission will fail: our warning, printed after Nomad's text.
    WillFail {
        reason: String,
        /// Whether the scheduler still sees the job: Nomad's plan places
        /// it as usual (a check only `Job.Register` makes), or not (an
        /// upsert the state store ignored).
        scheduled: bool,
    },
}

impl Admission {
    pub fn is_admitted(&self) -> bool {
        matches!(self, Admission::Admitted)
    }

    /// Whether the scheduler plans the job (Nomad prints its dry run).
    pub fn is_scheduled(&self) -> bool {
        matches!(
            self,
            Admission::Admitted
                | Admission::WillFail {
                    scheduled: true,
                    ..
                }
        )
    }

    /// The entries known of a refusal whose text is not (the job is
    /// refused for sure; [`Admission::Refused`]'s `text_unknown`).
    pub fn untold_entries(&self) -> Option<&[String]> {
        match self {
            Admission::Refused {
                entries,
                text_unknown: true,
                ..
            } => Some(entries),
            _ => None,
        }
    }

    /// The body Nomad's CLI prints for a refusal whose text is known.
    pub fn refused_body(&self) -> Option<&str> {
        match self {
            Admission::Refused {
                body,
                text_unknown: false,
                ..
            } => Some(body),
            _ => None,
        }
    }

    /// The section printed after Nomad's text when Nomad stays silent.
    pub fn warning_text(&self) -> Option<String> {
        let Admission::WillFail { reason, .. } = self else {
            return None;
        };
        Some(warning_section(reason))
    }

    pub fn json(&self) -> serde_json::Value {
        match self {
            Admission::Admitted => serde_json::json!({"Admitted": true}),
            // Never a text that is not Nomad's: `Preflight.Vault` says why.
            Admission::Refused {
                text_unknown: true,
                entries,
                ..
            } => serde_json::json!({"Admitted": false, "Error": null, "Known": entries}),
            Admission::Refused { error, .. } => {
                serde_json::json!({"Admitted": false, "Error": error})
            }
            Admission::WillFail { reason, .. } => {
                serde_json::json!({"Admitted": true, "SubmissionFails": reason})
            }
        }
    }
}

/// Our warning that a submission will fail, as the section printed after
/// Nomad's text (the admission's [`Admission::warning_text`], the plan
/// applier's [`super::applier_line`]).
pub fn warning_section(reason: &str) -> String {
    format!("\n== nomad-preflight: warning (not part of Nomad's output) ==\n{reason}\n")
}

/// One reason the Plan RPC refuses a job, in the order Nomad reports them.
/// `check` reports each as its own rule (NP302, NP306, NP208) from this
/// same list, so the two commands cannot disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The job's namespace does not exist.
    MissingNamespace,
    /// The namespace's `capabilities` refuse these task drivers (1.3.0+),
    /// one entry per task, in job order, as Nomad lists them.
    DriversNotAllowed {
        namespace: String,
        drivers: Vec<String>,
    },
    /// The namespace's `capabilities` refuse these group network modes
    /// (1.8.4+), one entry per group network, in job order.
    NetworkModesNotAllowed {
        namespace: String,
        modes: Vec<String>,
    },
    /// The job's node pool does not exist (1.6.0+).
    MissingNodePool { pool: String },
    /// Nomad's Connect or expose-check hook refuses the job (see
    /// `crate::mutators`): a mutator failed (`mutator`, the error is
    /// returned alone), or a validator did (each hook's first error, the
    /// first entries of the validators' multierror).
    Connect { message: String, mutator: bool },
    /// The Vault hook (1.3+): a Vault cluster the job uses is not enabled
    /// on the servers (see `mutators::vault`).
    VaultNotEnabled { message: String },
    /// The community edition's Vault hook (1.10+) refuses the job's Vault
    /// namespaces (`mutators::vault::namespaces`; listed in job order,
    /// Nomad's for one, a Go map's for more: `mutators::vault::unknown`
    /// then says so).
    VaultNamespaces { message: String },
    /// `jobValidate`'s Job.Validate, run on the job as the mutators leave
    /// it, fails where the written job did not (see
    /// `admission_job_validate`): `errors` are its items, `added` those the
    /// written job does not have.
    JobValidate {
        errors: Vec<String>,
        added: Vec<String>,
    },
    /// `jobValidate`'s Vault identity check (1.7+): task `task`'s Vault
    /// block has no identity where it needs one (see
    /// `mutators::vault::identity_refusals`); `group` is its group's index.
    VaultIdentity {
        group: usize,
        task: String,
        message: String,
    },
    /// A community-edition hook refuses what only Nomad Enterprise
    /// schedules (see [`super::admission_edition`]): the last entries of
    /// the validators' list.
    EnterpriseOnly {
        group: usize,
        task: String,
        feature: super::admission_edition::EnterpriseFeature,
    },
    /// The community edition's Consul hook (1.7.3+): `task`'s partition is not its group's.
    ConsulPartition {
        group: usize,
        task: String,
        message: String,
    },
}

impl Refusal {
    /// The server's error texts for this refusal: one, or jobValidate's
    /// items, which the validators' multierror flattens.
    pub fn messages(&self, job: &Job) -> Vec<String> {
        match self {
            Refusal::JobValidate { errors, .. } => errors.clone(),
            other => vec![other.message(job)],
        }
    }

    /// The server's error text for this refusal (jobValidate's items as
    /// one multierror-less line each, joined: see [`Refusal::messages`]).
    pub fn message(&self, job: &Job) -> String {
        match self {
            Refusal::MissingNamespace => format!(
                "job {} is in nonexistent namespace {}",
                go_quote(&job.id),
                go_quote(&job.namespace)
            ),
            Refusal::DriversNotAllowed { namespace, drivers } => match drivers.as_slice() {
                [one] => format!(
                    "used task driver {} is not allowed in namespace {}",
                    go_quote(one),
                    go_quote(namespace)
                ),
                many => format!(
                    "used task drivers {} are not allowed in namespace {}",
                    go_quote_list(many),
                    go_quote(namespace)
                ),
            },
            Refusal::NetworkModesNotAllowed { namespace, modes } => match modes.as_slice() {
                [one] => format!(
                    "used group network mode {} is not allowed in namespace {}",
                    go_quote(one),
                    go_quote(namespace)
                ),
                many => format!(
                    "used group network modes {} are not allowed in namespace {}",
                    go_quote_list(many),
                    go_quote(namespace)
                ),
            },
            Refusal::MissingNodePool { pool } => format!(
                "job {} is in nonexistent node pool {}",
                go_quote(&job.id),
                go_quote(pool)
            ),
            Refusal::Connect { message, .. }
            | Refusal::VaultNotEnabled { message }
            | Refusal::VaultNamespaces { message }
            | Refusal::VaultIdentity { message, .. }
            | Refusal::ConsulPartition { message, .. } => message.clone(),
            Refusal::JobValidate { added, .. } => added.join("; "),
            Refusal::EnterpriseOnly { feature, .. } => feature.message().to_string(),
        }
    }
}

/// Every check the world's Nomad version runs on a submitted `job`
/// (`Job.Plan` and `Job.Register` alike) that fails, in Nomad's order.
/// Before 1.3.0 only the namespace is checked (by the state store).
pub fn refusals(world: &World, state: &State, job: &Job) -> Vec<Refusal> {
    let mutated = crate::mutators::apply(job, world.nomad_version, &world.server);
    refusals_mutated(world, state, job, mutated.as_ref().map_err(String::as_str))
}

/// [`refusals`] for a caller that already ran the admission mutators on
/// `job` (`mutated`, [`crate::mutators::apply`]'s answer under `world`) and
/// plans the mutated job too: the job is mutated once per plan.
pub fn refusals_mutated(
    world: &World,
    state: &State,
    job: &Job,
    mutated: Result<&Job, &str>,
) -> Vec<Refusal> {
    let version = world.nomad_version;
    let mut out = Vec::new();
    // The mutators run first and a failing one ends the admission; the
    // validators judge the mutated job, the Connect hook's first.
    let mutated = match mutated {
        Ok(m) => m,
        Err(e) => {
            return vec![Refusal::Connect {
                message: e.to_string(),
                mutator: true,
            }]
        }
    };
    let job_validate = super::admission_job_validate::after_mutation(world, job, mutated)
        .map(|(errors, added)| Refusal::JobValidate { errors, added });
    let job = mutated;
    // The Connect hook's validator, then the expose-check hook's (0.11+):
    // one entry each in the validators' multierror.
    let hooks = [
        crate::mutators::connect_validate(job, version),
        crate::mutators::expose_check_validate(job, version),
    ];
    let mut hook_refused = false;
    for message in hooks.into_iter().flatten() {
        hook_refused = true;
        out.push(Refusal::Connect {
            message,
            mutator: false,
        });
    }
    // Before 1.3 the only other validator was jobValidate; when one
    // refuses, the state store (the namespace) is never reached. 0.10.0's
    // loop returned jobValidate's error alone.
    if !version.at_least(1, 3, 0) && (hook_refused || job_validate.is_some()) {
        if job_validate.is_some() && !version.at_least(0, 10, 1) {
            out.clear();
        }
        out.extend(job_validate);
        return out;
    }
    // The Vault hook follows the Connect and expose-check hooks (1.3+).
    if let Some(message) = crate::mutators::vault::plan_refusal(world, job) {
        out.push(Refusal::VaultNotEnabled { message });
    }
    // Its community edition's namespace (1.10+) and cluster (1.7+) checks.
    out.extend(super::admission_edition::vault_refusal(world, job));
    // The Consul hook (1.7+): only `default`, one partition per group (1.7.3+).
    out.extend(super::admission_edition::consul_refusal(world, job));
    out.extend(namespace_refusal(world, state, job));
    let applied = world.server.node_pools.contains_key(&job.node_pool); // `node_pool` blocks
    if version.at_least(1, 6, 0) && !applied && !pool_exists(state, &job.node_pool) {
        out.push(Refusal::MissingNodePool {
            pool: job.node_pool.clone(),
        });
    }
    // jobValidate follows the node pool validator: Job.Validate's items,
    // then its Vault identity errors.
    out.extend(job_validate);
    out.extend(
        crate::mutators::vault::identity_refusals(version, job)
            .into_iter()
            .map(|(group, task, message)| Refusal::VaultIdentity {
                group,
                task,
                message,
            }),
    );
    // The memory oversubscription validator only warns; then the
    // community edition's NUMA and schedule hooks (1.7+, 1.8+).
    out.extend(super::admission_edition::refusals(world, job));
    out
}

/// The servers' answer to a submission, when something refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    /// A mutator failed: `admissionMutators` returns its error alone, before
    /// any validator runs.
    Mutator(String),
    /// The validators' one multierror, flattened, in Nomad's order (empty:
    /// admitted as far as the validators go).
    Errors(Vec<String>),
}

/// The validators' one list for `job`, whose `jobValidate` items are
/// `job_validate` (Job.Validate's multierror items in Nomad's words, and the
/// hook's priority bound from 1.5), as `admissionValidators`
/// (nomad/job_endpoint_hooks.go) builds it: each validator's error is
/// `multierror.Append`ed to one list, which flattens a validator's own
/// multierror into it. So the Connect and expose-check hooks' errors come
/// first, then the Vault hook's, the namespace's and the node pool's (1.3+,
/// 1.6+), then jobValidate's items, its Vault identity errors last (1.7+).
///
/// 0.10.0's loop returned the last validator's error (jobValidate's) and
/// dropped the others, fixed in 0.10.1; before 0.10 there were no hooks.
/// Before 1.3 a missing namespace is the state store's error, after
/// admission: not in the list.
pub fn joined(world: &World, state: &State, job: &Job, job_validate: Vec<String>) -> Joined {
    let all = refusals_beside_validation(world, state, job);
    if let Some(Refusal::Connect {
        message,
        mutator: true,
    }) = all.first()
    {
        return Joined::Mutator(message.clone());
    }
    // jobValidate's Vault identity errors go among its items; the
    // community edition's hooks after it.
    let late = |r: &&Refusal| {
        matches!(r, Refusal::VaultIdentity { .. }) || super::admission_edition::is_last(r)
    };
    let mut errors = Vec::new();
    let mut job_validate = Some(job_validate);
    for r in all.iter().filter(|r| !late(r)) {
        match r {
            // Job.Validate of the mutated job replaces the written job's.
            Refusal::JobValidate { errors: items, .. } => {
                job_validate = None;
                errors.extend(items.iter().cloned());
            }
            other => errors.push(other.message(job)),
        }
    }
    errors.extend(job_validate.unwrap_or_default());
    super::admission_identity::interleave(job, world.nomad_version, &mut errors, &all);
    errors.extend(super::admission_edition::messages(&all));
    Joined::Errors(errors)
}

/// The [`refusals`] the servers report when `Job.Validate` fails too
/// (`check` reports these beside the file's validation errors): a failed
/// mutator alone; before 0.10.1 no other (0.10.0 kept only jobValidate's
/// error); before 1.3 not the missing namespace, the state store's error,
/// which a refused job never reaches.
pub fn refusals_beside_validation(world: &World, state: &State, job: &Job) -> Vec<Refusal> {
    let mutated = crate::mutators::apply(job, world.nomad_version, &world.server);
    let mutated = mutated.as_ref().map_err(String::as_str);
    refusals_beside_validation_mutated(world, state, job, mutated)
}

/// [`refusals_beside_validation`] with the mutators' answer given (see
/// [`refusals_mutated`]).
pub fn refusals_beside_validation_mutated(
    world: &World,
    state: &State,
    job: &Job,
    mutated: Result<&Job, &str>,
) -> Vec<Refusal> {
    let version = world.nomad_version;
    let mut all = refusals_mutated(world, state, job, mutated);
    if let Some(Refusal::Connect { mutator: true, .. }) = all.first() {
        return all;
    }
    if !version.at_least(0, 10, 1) {
        // 0.10.0 kept jobValidate's error, the mutated job's.
        all.retain(|r| matches!(r, Refusal::JobValidate { .. }));
        return all;
    }
    let state_store = |r: &Refusal| matches!(r, Refusal::MissingNamespace);
    all.into_iter()
        .filter(|r| version.at_least(1, 3, 0) || !state_store(r))
        .collect()
}

/// Run the version's admission checks for a plan of `job`.
pub fn admit(world: &World, state: &State, job: &Job) -> Admission {
    // The CLI encodes the request before any server sees it.
    if let Some(error) = crate::jobspec::api_encode::unsent(job) {
        return Admission::unsent(error);
    }
    let version = world.nomad_version;
    let all = refusals(world, state, job);
    let errors: Vec<String> = all.iter().flat_map(|r| r.messages(job)).collect();
    // Every validator runs, the Vault hook among them (1.3+): where the
    // world does not say what one answers (or Job.Validate's entry for a
    // `regexp` value Go's size limits may refuse), its entry in the list is
    // unknown, beside the entries known for sure.
    let entry_unknown = super::entry_unknown(world, job).is_some();
    let known = || super::entry_unknown::known_entries(world, job, &errors);
    match all.first() {
        Some(Refusal::Connect { mutator: true, .. }) => {
            return refused(errors.join(""), version, false, errors);
        }
        // The validators' multierror, the Connect hook's error first (or,
        // before 1.3, jobValidate's alone).
        Some(Refusal::Connect { .. } | Refusal::JobValidate { .. }) => {
            let text = multierror(&errors, version);
            return refused(text, version, entry_unknown, known());
        }
        _ => {}
    }
    // Before 1.3 `Job.Register` checks Vault before the job reaches the
    // state store, so its error is the one `nomad job run` prints; the
    // plan does not check it.
    let run_vault = crate::mutators::vault::run_refusal(world, job);
    if errors.is_empty() || (run_vault.is_some() && !version.at_least(0, 12, 2)) {
        return planned_run(world, state, job, run_vault);
    }
    if version.at_least(1, 3, 0) {
        // 1.3.0+: the validators run in order and their errors are collected.
        let text = multierror(&errors, version);
        return refused(text, version, entry_unknown, known());
    }
    // Before 1.3.0 the only check is the namespace's, by the state store.
    let error = errors.join("; ");
    if version.at_least(0, 12, 2) {
        return refused(error, version, false, errors);
    }
    Admission::WillFail {
        reason: format!(
            "namespace {} does not exist. Nomad {version}'s plan ignores that and places nothing, but `nomad job run` will fail: {error}. Create the namespace first (`nomad namespace apply {}`, or rules/namespaces/{}.hcl).",
            go_quote(&job.namespace),
            job.namespace,
            job.namespace
        ),
        scheduled: false,
    }
}

/// What `nomad job run` of a job the Plan RPC admits meets after the plan
/// (`run_vault`: the Vault check only `Job.Register` makes before 1.3):
/// the HTTP agent's own refusal, Vault's, the empty namespace's, an
/// update the servers refuse; else admitted.
fn planned_run(world: &World, state: &State, job: &Job, run_vault: Option<String>) -> Admission {
    let version = world.nomad_version;
    // The HTTP agent's own refusal comes before any server sees the job.
    let register = crate::mutators::run_refusal::agent_refusal(job, version);
    if let Some((error, help)) = register {
        return Admission::WillFail {
            reason: crate::mutators::run_refusal::reason(version, &error, help),
            scheduled: true,
        };
    }
    match run_vault {
        Some(error) => Admission::WillFail {
            reason: format!(
                "Nomad {version}'s plan does not check Vault, but `nomad job run` will fail: {error}. Enable Vault on the servers (`vault {{ enabled = true }}` in their agent config, and in the `server` block of rules/cluster.hcl), or remove the job's `vault` blocks."
            ),
            // Only `Job.Register` checks Vault: the plan places the job.
            scheduled: true,
        },
        None => run_namespace_mismatch(job, version)
            .or_else(|| {
                let old = state.job(&job.namespace, &job.id).map(|r| &*r.job);
                let (error, help) = crate::mutators::run_refusal::update_refusal(old, job)?;
                Some(Admission::WillFail {
                    reason: crate::mutators::run_refusal::reason(version, &error, help),
                    scheduled: true,
                })
            })
            .unwrap_or(Admission::Admitted),
    }
}

/// Is [`admit`] of `job`, whose [`refusals`] are none, no admission
/// (the CLI's, the agent's or `Job.Register`'s refusal)? `check` asks it.
pub fn run_fails(world: &World, state: &State, job: &Job) -> bool {
    if crate::jobspec::api_encode::unsent(job).is_some() {
        return true;
    }
    let run_vault = crate::mutators::vault::run_refusal(world, job);
    !planned_run(world, state, job, run_vault).is_admitted()
}

/// `namespace = ""`: the plan accepts it (the servers' Job.Canonicalize
/// makes it `default`), but from 0.10.0 to 1.1.x the HTTP agent sends a run
/// with the job's empty namespace as the request's, which `Job.Register`
/// refuses before anything else (nomad/job_endpoint.go; 1.2.0's
/// namespaceForJob gives both `default`).
fn run_namespace_mismatch(job: &Job, version: NomadVersion) -> Option<Admission> {
    let mismatched = version.at_least(0, 10, 0) && !version.at_least(1, 2, 0);
    (job.written_empty.namespace && mismatched).then(|| Admission::WillFail {
        reason: format!(
            "Nomad {version}'s plan accepts `namespace = \"\"`, but `nomad job run` will fail: {}. Remove the empty `namespace` (it means `default`), or name the namespace.",
            crate::planner::validate_rpc::NAMESPACE_MISMATCH
        ),
        scheduled: true,
    })
}

/// The scheduler's own error, which `Job.Plan` returns as it returns an
/// admission's (`sched.Process(eval)`, nomad/job_endpoint.go): the CLI
/// prints it the same way.
pub fn scheduler_failed(error: String, version: NomadVersion) -> Admission {
    let entries = vec![error.clone()];
    refused(error, version, false, entries)
}

fn refused(
    error: String,
    version: NomadVersion,
    text_unknown: bool,
    entries: Vec<String>,
) -> Admission {
    // 1.6.0's API client trims the response body (api/error_unexpected_response.go).
    let body = if version.at_least(1, 6, 0) {
        error.trim().to_string()
    } else {
        error.clone()
    };
    Admission::Refused {
        error,
        body,
        by: RefusedBy::Servers,
        text_unknown,
        entries,
    }
}
