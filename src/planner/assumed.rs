//! What a plan assumed of the cluster because the world does not say it,
//! when the plan's outcome rests on it (redteam4 F25, F12, F13; issue 13).
//! Stating the setting in the world silences its note.
//!
//! Computed once, by the planner, from the plan itself (the job as the
//! servers' mutators leave it and the scheduler's result): `plan`, `plan
//! --changed`, `rehearse` and their reports read [`super::Plan::assumed`],
//! and `check` reads the same function through its rule context
//! ([`crate::rules::RuleContext::assumed`]), so no command words or
//! decides them on its own. Each is one `note:` line; a stated Sentinel
//! policy is no note but "cannot tell" ([`SentinelUnknown`], one of
//! [`super::CannotKnow`]).

use crate::jobspec::Job;
use crate::scheduler::PlanResult;
use crate::world::{World, WorldOrigin};

/// Which setting the world leaves unstated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// The servers' identity settings the identities hook reads (1.7+),
    /// by their agent config names (`mutators::unset_server_settings`).
    ServerIdentities(Vec<&'static str>),
    /// The servers' Consul `allow_unauthenticated` (1.7–1.9), by the
    /// clusters the job uses without an identity: when false, Nomad adds
    /// the Consul token deprecation warning (`mutators::consul_token`).
    ConsulAllowUnauthenticated(Vec<String>),
    /// `job_default_priority` (1.5+).
    JobDefaultPriority,
    /// Whether Nomad Enterprise holds submit-job Sentinel policies.
    Sentinel,
    /// A hand-written pool's Consul, Vault and CNI attributes.
    ClientFingerprints,
    /// A hand-written pool's platform: `kernel.name`, `os.name`,
    /// `cpu.arch` and the Linux `os.signals` list (redteam13 R13-21).
    ClientPlatform,
    /// A hand-written pool's clients' Nomad release, read by a constraint
    /// Nomad implies (`${attr.nomad.version} semver >= FLOOR`): planned
    /// as the servers' release (`scheduler::client_values`).
    ClientVersion,
    /// A written world's `scheduler { preemption { TYPE } }` left to
    /// Nomad's default (only system jobs preempt) where the other value
    /// changes the plan's text, not its verdict: `nomad operator scheduler
    /// set-config` changes it on a running cluster.
    SchedulerPreemption,
    /// A written world's `scheduler { algorithm }` left to Nomad's default
    /// (binpack) where spread changes the plan's text, not its verdict.
    SchedulerAlgorithm,
    /// A written world's `scheduler { memory_oversubscription }` left to
    /// Nomad's default (off) where the job sets `memory_max`: Nomad then
    /// warns the value is ignored, and ignores it (R17-53).
    MemoryOversubscription,
    /// A change set's job whose file now defines another job (its ID or
    /// namespace edited) keeps running for the later plans, as `nomad job
    /// run` leaves it (Job.Register deregisters no other ID,
    /// nomad/job_endpoint.go v2.0.5:93): a deploy that runs `nomad job
    /// stop` first frees room those plans do not count (redteam6 G7,
    /// R22-A-1: counted, it opened both gates).
    ReplacedJobRunning,
    /// `plan FILE`: another `running` entry's working-tree file differs
    /// from git `HEAD`, and the simulated cluster runs it as it is, as if
    /// the edit had been submitted (`world::work_tree`, redteam12 R12-2).
    RunningFromWorkTree(String),
    /// Another `running` entry's working-tree file does not load, and the
    /// simulated cluster runs its git `HEAD` version, the last that could
    /// have been submitted (`world::stand_in`, redteam12 R12-9).
    RunningFromHead(String),
    /// The job's file reads a relative path, which Nomad joins to the
    /// folder `nomad` runs in, not to the job file's folder
    /// ([`crate::work_dir`]); the plan read it from this folder (named
    /// from the project's top).
    NomadDir(String),
}

impl Setting {
    /// Its name in JSON (`Preflight.Assumed[].Setting`).
    pub fn key(&self) -> &'static str {
        match self {
            Setting::ServerIdentities(_) => "server_identities",
            Setting::ConsulAllowUnauthenticated(_) => "consul_allow_unauthenticated",
            Setting::JobDefaultPriority => "job_default_priority",
            Setting::Sentinel => "sentinel",
            Setting::ClientFingerprints => "client_fingerprints",
            Setting::ClientPlatform => "client_platform",
            Setting::ClientVersion => "client_version",
            Setting::SchedulerPreemption => "scheduler_preemption",
            Setting::SchedulerAlgorithm => "scheduler_algorithm",
            Setting::MemoryOversubscription => "memory_oversubscription",
            Setting::ReplacedJobRunning => "replaced_job_running",
            Setting::RunningFromWorkTree(_) => "running_from_work_tree",
            Setting::RunningFromHead(_) => "running_from_head",
            Setting::NomadDir(_) => "nomad_dir",
        }
    }
}

/// One assumption a plan rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    pub setting: Setting,
    /// The note, one line, without a prefix.
    pub line: String,
}

/// Every assumption a plan rests on, in a fixed order (the order `plan`
/// has always printed them): `submitted` is the job as the command sends
/// it, `admitted` as the servers' mutators leave it, `result` the
/// scheduler's. A stop (`nomad job stop`: Job.Deregister, which enforces no
/// submit-job policy and places nothing) rests on none of them.
pub fn of(world: &World, submitted: &Job, admitted: &Job, result: &PlanResult) -> Vec<Assumption> {
    if submitted.stop {
        return Vec::new();
    }
    let mut out = Vec::new();
    out.extend(nomad_dir(submitted));
    out.extend(server_identities(world, admitted));
    out.extend(consul_token(world, admitted));
    out.extend(default_priority(world, submitted, result));
    out.extend(sentinel(world));
    out.extend(scheduler_settings(world, result));
    out.extend(memory_oversubscription(world, admitted));
    let read = unstated_reads(world, admitted);
    out.extend(fingerprints(&read));
    out.extend(platform(world, &read));
    out.extend(client_version(world, admitted));
    out
}

/// The note of a plan made after a change set's step at `path` that no
/// longer defines job `id` in `namespace`: the plan counts that job as
/// running, as `nomad job run` leaves it; the room a `nomad job stop`
/// would free is not counted, and how to make that stop a step is said.
pub fn replaced_job_running(path: &str, namespace: &str, id: &str) -> Assumption {
    let (ns, id) = (
        crate::gotext::go_quote(namespace),
        crate::gotext::go_quote(id),
    );
    Assumption {
        setting: Setting::ReplacedJobRunning,
        line: format!(
            "planned with job {id} (namespace {ns}) still running, which {path} no longer defines: `nomad job run` never stops another job, so it keeps its room; a deploy that runs `nomad job stop -namespace {ns} {id}` first frees room this plan does not count (to plan that stop, delete the job's file and define the new job in another file)"
        ),
    }
}

/// The assumption of a plan whose world runs `path`, a `running` entry
/// other than the planned file, as the working tree has it although it
/// differs from git `HEAD`, in its text or in an input it reads
/// ([`crate::world::work_tree::edited_running`]): the edit is taken as submitted, which the cluster may not have seen.
pub fn running_from_work_tree(path: &str) -> Assumption {
    Assumption {
        setting: Setting::RunningFromWorkTree(path.to_string()),
        line: format!(
            "planned as if the working tree's {path}, listed in `running`, were submitted: it differs from git HEAD (the file, or a file, var file or fileset member it reads), and the cluster runs the version last submitted (`nomad job run`), which Nomad plans against; if that is HEAD's, plan with --base HEAD, or commit the file once submitted"
        ),
    }
}

/// The assumption of a plan whose world runs `path`, a `running` entry
/// other than the planned file whose working-tree text does not load, as
/// git `HEAD` has it ([`crate::world::stand_in`]).
pub fn running_from_head(path: &str, why: crate::world::stand_in::Why) -> Assumption {
    Assumption {
        setting: Setting::RunningFromHead(path.to_string()),
        line: crate::world::stand_in::line(path, why),
    }
}

/// The folder a job file's relative paths were read from, when its load
/// read one: Nomad's CLI reads them from its working directory
/// (command/helpers.go JobGetter.Get passes jobspec2 the file's base name,
/// v2.0.5:474), so the answer is the deploy's only if `nomad` runs there.
fn nomad_dir(submitted: &Job) -> Option<Assumption> {
    if !submitted.loaded.reads_from_work_dir {
        return None;
    }
    let shown = crate::work_dir::shown_active()?;
    Some(Assumption {
        setting: Setting::NomadDir(shown.clone()),
        line: format!(
            "read the job file's relative file paths from {shown}, where `nomad job plan` is taken to run (Nomad reads them from its working directory, not from the job file's folder); run from the folder your deploy runs `nomad` from, or pass --nomad-dir"
        ),
    })
}

/// The JSON of the assumptions (`Preflight.Assumed`).
pub fn json(assumed: &[Assumption]) -> serde_json::Value {
    assumed
        .iter()
        .map(|a| match &a.setting {
            // The folder itself, for a pipeline to compare with its own.
            Setting::NomadDir(dir) => {
                serde_json::json!({"Setting": a.setting.key(), "Note": a.line, "Folder": dir})
            }
            _ => serde_json::json!({"Setting": a.setting.key(), "Note": a.line}),
        })
        .collect()
}

/// The servers' identity settings assumed unset, for `Preflight.ServerConfig`.
pub fn unset_server_settings(assumed: &[Assumption]) -> &[&'static str] {
    assumed
        .iter()
        .find_map(|a| match &a.setting {
            Setting::ServerIdentities(names) => Some(names.as_slice()),
            _ => None,
        })
        .unwrap_or_default()
}

fn enterprise(world: &World) -> bool {
    world.edition() == Some(crate::version::Edition::Enterprise)
}

/// Where the user states the servers' settings.
fn state_servers(world: &World, them: &str) -> String {
    match world.origin {
        WorldOrigin::Import(_) => format!("save agent-self.json from a server to state {them}"),
        _ => format!("state {them} in a `server` block of rules/cluster.hcl"),
    }
}

/// The identities the servers' agent config adds (1.7+,
/// `jobImplicitIdentitiesHook`), when the world has no `server` block.
fn server_identities(world: &World, admitted: &Job) -> Option<Assumption> {
    let unset = crate::mutators::unset_server_settings(admitted, world);
    if unset.is_empty() {
        return None;
    }
    let line = format!(
        "planned as if the servers set no {}: Nomad {} adds their identities to the job when they do ({})",
        unset.join(", "),
        world.nomad_version,
        state_servers(world, "them")
    );
    Some(Assumption {
        setting: Setting::ServerIdentities(unset),
        line,
    })
}

/// The servers' Consul `allow_unauthenticated`, when the world does not
/// state the servers and the job uses Consul without a workload identity
/// at 1.7–1.9: false would add a Job Warning (`mutators::consul_token`).
fn consul_token(world: &World, admitted: &Job) -> Option<Assumption> {
    let clusters = crate::mutators::consul_token::unstated(world, admitted);
    if clusters.is_empty() {
        return None;
    }
    let quoted: Vec<String> = clusters
        .iter()
        .map(|c| crate::gotext::go_quote(c))
        .collect();
    let line = format!(
        "planned as if the servers' Consul config keeps allow_unauthenticated = true (Nomad's default) for cluster {}: with false, Nomad {} adds the Job Warning \"{}\", as the job uses Consul without a workload identity ({})",
        quoted.join(", "),
        world.nomad_version,
        crate::mutators::consul_token::WARNING,
        state_servers(world, "it")
    );
    Some(Assumption {
        setting: Setting::ConsulAllowUnauthenticated(clusters),
        line,
    })
}

/// `job_default_priority` (1.5+): the servers give it to a job that
/// reaches them with priority 0 (nomad/job_endpoint_hooks.go
/// jobCanonicalizer; see `jobspec::defaults`). Said when the world does
/// not state the servers and a priority it decides matters: the planned
/// job's own (its diff and what it may preempt), or, when the plan
/// preempts or fails to place, the running jobs' at 1.5.0–1.5.6, where
/// every job submitted without a priority got it.
fn default_priority(world: &World, submitted: &Job, result: &PlanResult) -> Option<Assumption> {
    let v = world.nomad_version;
    if world.server.declared || !v.at_least(1, 5, 0) {
        return None;
    }
    let own = submitted.loaded.priority_by_servers;
    let contested = !result.preempted_allocs.is_empty() || !result.failed_tg_allocs.is_empty();
    let running = contested && !v.at_least(1, 5, 7);
    (own || running).then(|| Assumption {
        setting: Setting::JobDefaultPriority,
        line: format!(
            "planned as if the servers set no job_default_priority: Nomad {v} gives a job submitted {} their default (50 unless set), which decides what it may preempt ({})",
            if v.at_least(1, 5, 7) { "with priority 0" } else { "without a priority" },
            state_servers(world, "it")
        ),
    })
}

/// Enterprise's Job.Plan enforces the submit-job Sentinel policies after
/// admission and before scheduling (nomad/job_endpoint.go
/// `enforceSubmitJob`, v0.9.3:1157, v2.0.5:1826; the community build's
/// is a no-op): a hard-mandatory failure is the plan's error, a
/// soft-mandatory one a warning. Said for an Enterprise world that does
/// not state `sentinel` (`"policies"` is "cannot tell": [`SentinelUnknown`]).
fn sentinel(world: &World) -> Option<Assumption> {
    (enterprise(world) && world.sentinel.is_none()).then(|| Assumption {
        setting: Setting::Sentinel,
        line: format!(
            "planned as if no Sentinel policy applies: Nomad Enterprise {} checks the job against its submit-job Sentinel policies before planning, which nomad-preflight cannot evaluate (state `sentinel = \"none\"` in rules/cluster.hcl when `nomad sentinel list` shows none, `\"policies\"` when it shows some)",
            world.nomad_version
        ),
    })
}

/// A written world that leaves a scheduler setting to Nomad's default
/// (the algorithm, the planned job type's preemption) where the setting's
/// other value changes the plan's text but not its verdict (the failure's
/// metrics, which allocations are preempted): the scheduler planned the
/// job under both ([`crate::scheduler::unstated`]); a changed verdict is
/// "cannot tell" instead ([`super::unstated_setting`]). Nomad seeds the
/// scheduler configuration with binpack and only system preemption on
/// (nomad/structs/operator.go `PreemptionConfig`, v1.10.5:250-252 for the
/// algorithm); operators change them with `nomad operator scheduler
/// set-config`, and the demo did. An imported world reads scheduler.json.
fn scheduler_settings(world: &World, result: &PlanResult) -> Vec<Assumption> {
    use crate::scheduler::unstated::{Differs, UnstatedSetting};
    let v = world.nomad_version;
    result
        .unstated
        .iter()
        .filter(|u| matches!(u.differs, Differs::Text))
        .filter_map(|u| {
            let s = &u.setting;
            let (change, show) = set_config(v, &s.flag());
            let state = s.planned_block();
            Some(match *s {
                UnstatedSetting::Preemption { job_type, planned } => Assumption {
                    setting: Setting::SchedulerPreemption,
                    line: format!(
                        "planned with Nomad's default preemption setting for {} jobs ({}): the world does not state it, and a cluster changed with {change} plans otherwise (state `{state}` in rules/cluster.hcl; {show})",
                        job_type.as_str(),
                        if planned { "on" } else { "off" },
                    ),
                },
                UnstatedSetting::Algorithm { planned } => Assumption {
                    setting: Setting::SchedulerAlgorithm,
                    line: format!(
                        "planned with Nomad's default scheduler algorithm ({:?}): the world does not state it, and a cluster changed with {change} plans otherwise, with the same placements failing and preempting (state `{state}` in rules/cluster.hcl; {show})",
                        planned.as_str(),
                    ),
                },
                // Never a text difference (`unstated::compare`).
                UnstatedSetting::Both { .. } => return None,
            })
        })
        .collect()
}

/// How an operator changes a scheduler setting (`flag` of `set-config`)
/// and reads it: `nomad operator scheduler get-config`/`set-config` came
/// in 1.4.0 (command/operator_scheduler_*.go); before, only the HTTP API.
pub(crate) fn set_config(v: crate::version::NomadVersion, flag: &str) -> (String, &'static str) {
    if v.at_least(1, 4, 0) {
        (
            format!("`nomad operator scheduler set-config {flag}`"),
            "`nomad operator scheduler get-config` shows it",
        )
    } else {
        (
            "the scheduler configuration API (`PUT /v1/operator/scheduler/configuration`)"
                .to_string(),
            "`GET /v1/operator/scheduler/configuration` shows it",
        )
    }
}

/// A written world that leaves memory oversubscription to Nomad's default
/// (off) while the job sets `memory_max` (1.1+): the servers then warn
/// that the value is ignored (nomad/job_endpoint_hooks.go v1.7.7:496-520
/// `memoryOversubscriptionValidate`) and the plan ignores it; a cluster
/// where an operator turned it on plans otherwise and prints no warning.
fn memory_oversubscription(world: &World, admitted: &Job) -> Option<Assumption> {
    let v = world.nomad_version;
    let asks = admitted
        .groups
        .iter()
        .flat_map(|g| &g.tasks)
        .any(|t| t.resources.memory_max_mb != 0);
    if !asks
        || !v.at_least(1, 1, 0)
        || matches!(world.origin, WorldOrigin::Import(_))
        || world.scheduler.spans.written("memory_oversubscription")
    {
        return None;
    }
    let on = world.scheduler.memory_oversubscription;
    let (change, show) = set_config(v, &format!("-memory-oversubscription={}", !on));
    Some(Assumption {
        setting: Setting::MemoryOversubscription,
        line: format!(
            "planned with Nomad's default memory oversubscription setting ({}): the world does not state it, and a cluster changed with {change} plans otherwise (state `scheduler {{ memory_oversubscription = {on} }}` in rules/cluster.hcl; {show})",
            if on { "on" } else { "off" },
        ),
    })
}

/// An Enterprise world stating Sentinel policies: their verdict and
/// warnings decide the plan's text, and nomad-preflight cannot evaluate
/// them (nomad/job_endpoint.go `enforceSubmitJob`, run by Job.Plan and
/// Job.Register, not by Job.Deregister: a stop is known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentinelUnknown {
    pub version: crate::version::NomadVersion,
}

impl SentinelUnknown {
    pub const HINT: &'static str =
        "judge the job on the cluster (`nomad job plan`), or state `sentinel = \"none\"` in rules/cluster.hcl if `nomad sentinel list` shows no submit-job policy";

    /// Said for `job` planned in `world`, when it is.
    pub fn of(world: &World, job: &Job) -> Option<SentinelUnknown> {
        let policies = world.sentinel == Some(crate::world::Sentinel::Policies);
        (enterprise(world) && policies && !job.stop).then_some(SentinelUnknown {
            version: world.nomad_version,
        })
    }

    /// The one line (without a prefix).
    pub fn line(&self) -> String {
        format!(
            "cannot tell what Nomad Enterprise {} answers: its servers hold Sentinel policies (`sentinel = \"policies\"` in rules/cluster.hcl), which it enforces before planning and nomad-preflight cannot evaluate; judge the job on the cluster (`nomad job plan`)",
            self.version
        )
    }

    /// `Preflight.Sentinel` in JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({"Policies": true})
    }
}

/// Attributes a hand-written client pool gets without stating them
/// (`cluster::build` fingerprint defaults) that a stock client has only
/// with Consul or Vault reachable, or the CNI plugins installed.
fn assumed_attribute(name: &str) -> bool {
    name.starts_with("consul.") || name.starts_with("vault.") || name.starts_with("plugins.cni.")
}

/// Attributes a hand-written client pool gets without stating them that
/// only its platform decides ([`crate::cluster::build::PLATFORM_STAND_INS`],
/// and the Linux signal list).
fn platform_attribute(name: &str) -> bool {
    name == "os.signals"
        || crate::cluster::build::PLATFORM_STAND_INS
            .iter()
            .any(|(k, _)| *k == name)
}

/// The attribute a constraint, affinity or spread target reads, when it
/// is one.
fn attribute_of(target: &str) -> Option<&str> {
    crate::scheduler::constraint::target_key(target, "${attr.")
}

/// The node attributes the placement of `job` (as the servers' mutators
/// leave it: Nomad's implied `${attr.consul.version}`,
/// `${attr.os.signals}`... constraints, and the job's own) reads on
/// either side of a constraint or affinity, or as a spread's attribute,
/// that some hand-written pool does not state: sorted, each once.
fn unstated_reads<'j>(world: &World, job: &'j Job) -> Vec<&'j str> {
    let pools: Vec<&crate::world::ClientPool> =
        world.clients.iter().filter(|p| !p.reported()).collect();
    if pools.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<&String> = Vec::new();
    let mut add = |cs: &'j [crate::jobspec::Constraint], afs: &'j [crate::jobspec::Affinity]| {
        for c in cs {
            all.extend([&c.ltarget, &c.rtarget]);
        }
        for a in afs {
            all.extend([&a.ltarget, &a.rtarget]);
        }
    };
    add(&job.constraints, &job.affinities);
    for g in &job.groups {
        add(&g.constraints, &g.affinities);
        for t in &g.tasks {
            add(&t.constraints, &t.affinities);
        }
    }
    all.extend(job.spreads.iter().map(|s| &s.attribute));
    all.extend(
        job.groups
            .iter()
            .flat_map(|g| g.spreads.iter().map(|s| &s.attribute)),
    );
    let mut names: Vec<&str> = all
        .into_iter()
        .filter_map(|t| attribute_of(t))
        .filter(|name| pools.iter().any(|p| !p.attributes.contains_key(*name)))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A hand-written pool's assumed Consul, Vault and CNI attributes
/// (redteam4 F13): said when the placement reads one that a hand-written
/// pool does not state.
fn fingerprints(read: &[&str]) -> Option<Assumption> {
    let targets: Vec<&str> = read
        .iter()
        .copied()
        .filter(|n| assumed_attribute(n))
        .collect();
    let first = targets.first()?;
    let named: Vec<String> = targets.iter().map(|t| format!("${{attr.{t}}}")).collect();
    Some(Assumption {
        setting: Setting::ClientFingerprints,
        line: format!(
            "planned as if every hand-written client reaches Consul and Vault and has the CNI plugins: the job's placement reads {}, which a client reports only when it does (state them in each `client` block's `attributes`, `\"{first}\" = \"\"` for none)",
            named.join(", "),
        ),
    })
}

/// The constraints Nomad implies on the client's release, read where a
/// hand-written pool does not state `nomad.version`: its clients are
/// planned as running the servers' release, which meets every such floor
/// (a client left on an older release is filtered on the cluster).
fn client_version(world: &World, admitted: &Job) -> Option<Assumption> {
    let implied = |c: &crate::jobspec::Constraint| {
        crate::scheduler::client_values::implied_client_version(&c.operand, &c.ltarget, &c.rtarget)
    };
    let mut floors: Vec<&str> = admitted
        .constraints
        .iter()
        .chain(admitted.groups.iter().flat_map(|g| {
            g.constraints
                .iter()
                .chain(g.tasks.iter().flat_map(|t| t.constraints.iter()))
        }))
        .filter(|c| implied(c))
        .map(|c| c.rtarget.as_str())
        .collect();
    floors.sort_unstable();
    floors.dedup();
    let unstated = world
        .clients
        .iter()
        .any(|p| !p.reported() && !p.attributes.contains_key("nomad.version"));
    if floors.is_empty() || !unstated {
        return None;
    }
    let wanted: Vec<String> = floors.iter().map(|f| format!("semver {f}")).collect();
    Some(Assumption {
        setting: Setting::ClientVersion,
        line: format!(
            "planned as if every hand-written client runs Nomad {} (the servers' release): the job's placement reads ${{attr.nomad.version}} ({}, a constraint Nomad adds), which the world does not state and a client older than that fails (state `\"nomad.version\" = \"...\"` in each `client` block's `attributes`)",
            world.nomad_version,
            wanted.join(", "),
        ),
    })
}

/// A hand-written pool's stand-in platform (redteam13 R13-21): a client
/// reports its own OS, architecture and signal list, which the world does
/// not say, so a plan that reads one rests on the stand-in.
fn platform(world: &World, read: &[&str]) -> Option<Assumption> {
    let named: Vec<String> = read
        .iter()
        .filter(|n| platform_attribute(n))
        .map(|n| {
            let value = crate::cluster::build::PLATFORM_STAND_INS
                .iter()
                .find(|(k, _)| k == n)
                .map_or_else(
                    || format!("Nomad {}'s Linux list", world.nomad_version),
                    |(_, v)| format!("{v:?}"),
                );
            format!("${{attr.{n}}} ({value})")
        })
        .collect();
    if named.is_empty() {
        return None;
    }
    Some(Assumption {
        setting: Setting::ClientPlatform,
        line: format!(
            "planned as if every hand-written client is a Linux amd64 Ubuntu host: the job's placement reads {}, which the world does not state and each client reports from its own host (state them in each `client` block's `attributes`, as `nomad node status -verbose` shows them)",
            named.join(", "),
        ),
    })
}
