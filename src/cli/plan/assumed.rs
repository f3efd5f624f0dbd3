//! What a plan assumed of the cluster because the world does not say it,
//! when the plan's outcome rests on it: one `note:` line each on stderr,
//! and `Preflight.Assumed` in JSON (redteam4 F25, F12, F13; issue 13).
//! Stating the setting in the world silences its note.

use crate::world::{World, WorldOrigin};

use super::JobPlan;

/// One assumption the plan rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Assumed {
    /// What was assumed (the agent setting's or world key's name).
    pub key: &'static str,
    /// The note, one line.
    pub line: String,
}

/// Every assumption `plan` of the submitted job rests on, in a fixed order.
pub(super) fn assumptions(world: &World, plan: &JobPlan) -> Vec<Assumed> {
    let mut out = Vec::new();
    out.extend(default_priority(world, plan));
    out.extend(sentinel(world));
    out.extend(fingerprints(world, plan));
    out
}

/// Enterprise's Job.Plan enforces the submit-job Sentinel policies after
/// admission and before scheduling (nomad/job_endpoint.go
/// `enforceSubmitJob`, v0.9.3:1157, v2.0.5:1826; the community build's
/// is a no-op): a hard-mandatory failure is the plan's error, a
/// soft-mandatory one a warning. Said for an Enterprise world that does
/// not state `sentinel` (`"policies"` is "cannot tell": [`sentinel_unknown`]).
fn sentinel(world: &World) -> Option<Assumed> {
    let enterprise = world.edition() == Some(crate::version::Edition::Enterprise);
    (enterprise && world.sentinel.is_none()).then(|| Assumed {
        key: "sentinel",
        line: format!(
            "planned as if no Sentinel policy applies: Nomad Enterprise {} checks the job against its submit-job Sentinel policies before planning, which nomad-preflight cannot evaluate (state `sentinel = \"none\"` in rules/cluster.hcl when `nomad sentinel list` shows none, `\"policies\"` when it shows some)",
            world.nomad_version
        ),
    })
}

/// The "cannot tell" line for an Enterprise world stating Sentinel
/// policies: their verdict and warnings decide the plan's text.
pub(super) fn sentinel_unknown(world: &World) -> Option<String> {
    let enterprise = world.edition() == Some(crate::version::Edition::Enterprise);
    (enterprise && world.sentinel == Some(crate::world::Sentinel::Policies)).then(|| {
        format!(
            "cannot tell what Nomad Enterprise {} answers: its servers hold Sentinel policies (`sentinel = \"policies\"` in rules/cluster.hcl), which it enforces before planning and nomad-preflight cannot evaluate; judge the job on the cluster (`nomad job plan`)",
            world.nomad_version
        )
    })
}

/// Attributes a hand-written client pool gets without stating them
/// (`cluster::build` fingerprint defaults) that a stock client has only
/// with Consul or Vault reachable, or the CNI plugins installed.
fn assumed_attribute(name: &str) -> bool {
    name.starts_with("consul.") || name.starts_with("vault.") || name.starts_with("plugins.cni.")
}

/// The attribute a constraint or affinity target reads, when it is one.
fn attribute_of(target: &str) -> Option<&str> {
    target.strip_prefix("${attr.")?.strip_suffix('}')
}

/// A hand-written pool's assumed Consul, Vault and CNI attributes
/// (redteam4 F13): said when a constraint or affinity of the job as the
/// servers' mutators leave it (Nomad's implied `${attr.consul.version}`,
/// `${attr.vault.version}`, `${attr.plugins.cni.version.*}` ones, or the
/// job's own) reads one that a hand-written pool does not state.
fn fingerprints(world: &World, plan: &JobPlan) -> Option<Assumed> {
    let pools: Vec<&crate::world::ClientPool> = world
        .clients
        .iter()
        .filter(|p| p.members.is_empty())
        .collect();
    if pools.is_empty() {
        return None;
    }
    let job = crate::mutators::applied(&plan.job, world.nomad_version, &world.server);
    let mut targets: Vec<&str> = Vec::new();
    let groups = job.groups.iter();
    let mut all: Vec<&String> = job
        .constraints
        .iter()
        .map(|c| &c.ltarget)
        .chain(job.affinities.iter().map(|a| &a.ltarget))
        .collect();
    for g in groups {
        all.extend(g.constraints.iter().map(|c| &c.ltarget));
        all.extend(g.affinities.iter().map(|a| &a.ltarget));
        for t in &g.tasks {
            all.extend(t.constraints.iter().map(|c| &c.ltarget));
            all.extend(t.affinities.iter().map(|a| &a.ltarget));
        }
    }
    for t in all {
        let Some(name) = attribute_of(t) else {
            continue;
        };
        let unstated = pools.iter().any(|p| !p.attributes.contains_key(name));
        if assumed_attribute(name) && unstated && !targets.contains(&name) {
            targets.push(name);
        }
    }
    if targets.is_empty() {
        return None;
    }
    targets.sort_unstable();
    let named: Vec<String> = targets.iter().map(|t| format!("${{attr.{t}}}")).collect();
    Some(Assumed {
        key: "client_fingerprints",
        line: format!(
            "planned as if every hand-written client reaches Consul and Vault and has the CNI plugins: the job's placement reads {}, which a client reports only when it does (state them in each `client` block's `attributes`, `\"{}\" = \"\"` for none)",
            named.join(", "),
            targets[0]
        ),
    })
}

/// Where the user states the servers' settings.
fn state_servers(world: &World) -> &'static str {
    match world.origin {
        WorldOrigin::Import(_) => "save agent-self.json from a server to state it",
        _ => "state it in a `server` block of rules/cluster.hcl",
    }
}

/// `job_default_priority` (1.5+): the servers give it to a job that
/// reaches them with priority 0 (nomad/job_endpoint_hooks.go
/// jobCanonicalizer; see `jobspec::defaults`). Said when the world does
/// not state the servers and a priority it decides matters: the planned
/// job's own (its diff and what it may preempt), or, when the plan
/// preempts or fails to place, the running jobs' at 1.5.0–1.5.6, where
/// every job submitted without a priority got it.
fn default_priority(world: &World, plan: &JobPlan) -> Option<Assumed> {
    let v = world.nomad_version;
    if world.server.declared || !v.at_least(1, 5, 0) {
        return None;
    }
    let own = plan.job.loaded.priority_by_servers;
    let contested =
        !plan.result.preempted_allocs.is_empty() || !plan.result.failed_tg_allocs.is_empty();
    let running = contested && !v.at_least(1, 5, 7);
    (own || running).then(|| Assumed {
        key: "job_default_priority",
        line: format!(
            "planned as if the servers set no job_default_priority: Nomad {v} gives a job submitted {} their default (50 unless set), which decides what it may preempt ({})",
            if v.at_least(1, 5, 7) { "with priority 0" } else { "without a priority" },
            state_servers(world)
        ),
    })
}

/// The JSON of the assumptions (`Preflight.Assumed`).
pub(super) fn json(assumed: &[Assumed]) -> serde_json::Value {
    assumed
        .iter()
        .map(|a| serde_json::json!({"Setting": a.key, "Note": a.line}))
        .collect()
}

/// The one line saying which of the servers' settings the plan assumed
/// unset (see `mutators::assumed_server_settings`), if any.
pub(super) fn assumed_line(world: &World, assumed: &[&str]) -> Option<String> {
    if assumed.is_empty() {
        return None;
    }
    let how = match world.origin {
        WorldOrigin::Import(_) => "save agent-self.json from a server to state them",
        _ => "state them in a `server` block of rules/cluster.hcl",
    };
    Some(format!(
        "planned as if the servers set no {}: Nomad {} adds their identities to the job when they do ({how})",
        assumed.join(", "),
        world.nomad_version
    ))
}
