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
    out
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
