//! What a plan says beside Nomad's text, the same way for every command
//! that prints one: what it assumed that the world does not state
//! (`planner::Plan::assumed`), the token values its diff masks
//! (`diff::secrets`), the diff lists whose order is random in Nomad
//! (`diff::set_order`) and the lines of Nomad's text it prints in Go's map
//! order (`render::map_order`).

use super::JobPlan;
use crate::planner::assumed;

/// The `note:` lines, one each, without the prefix. An attribute a
/// constraint names is input: one line, no escapes.
pub(super) fn lines(plan: &JobPlan) -> Vec<String> {
    let mut out: Vec<String> = plan
        .assumed
        .iter()
        .map(|a| crate::escape::one_line(&a.line))
        .collect();
    out.extend(crate::diff::secrets::note(&plan.diff.masked));
    out.extend(
        plan.diff
            .order_notes
            .iter()
            .map(|n| crate::escape::one_line(n)),
    );
    // A placement Nomad makes short of its device instances (no draw).
    let short = plan.result.nondeterminism.iter();
    let short = short.filter(|n| crate::scheduler::device::said_in_text(n));
    out.extend(short.map(|n| crate::escape::one_line(n)));
    out.extend(
        crate::render::map_order::notes(&plan.result)
            .iter()
            .map(|n| crate::escape::one_line(n)),
    );
    out
}

/// The notes of a plan whose evaluation fails (Nomad's error is all it
/// prints): that the failure is one draw of several (the scheduler's
/// drawn notes), and that the evaluation ID the error names is ours, not
/// Nomad's random one ([`crate::scheduler::server_crash::RANDOM_EVAL_ID`]).
/// The scheduler errors of a plan whose only draw is its groups' order
/// (`PlanResult::only_group_order_drawn`: a sticky static volume's claim,
/// a 0.9-0.10 system job's node lookup) are reached in any order: no note.
pub(super) fn failed_evaluation(plan: &JobPlan) -> Vec<String> {
    let mut out = if plan.result.only_group_order_drawn {
        Vec::new()
    } else {
        plan.result.drawn.clone()
    };
    let names_id = plan
        .result
        .recovered
        .as_ref()
        .is_some_and(|c| crate::scheduler::server_crash::names_the_evaluation(c.version));
    if names_id {
        out.push(crate::scheduler::server_crash::RANDOM_EVAL_ID.to_string());
    }
    out
}

/// The notes on stderr, `note: FILE: ...` when `path` names the plan.
pub(super) fn eprint(plan: &JobPlan, path: Option<&str>) {
    for line in lines(plan) {
        match path {
            Some(p) => eprintln!("note: {}: {line}", crate::escape::one_line(p)),
            None => eprintln!("note: {line}"),
        }
    }
}

/// `Preflight.Assumed` (and the servers' identity settings assumed unset,
/// `Preflight.ServerConfig`) of a plan's JSON when it assumed any,
/// `Preflight.Masked` when its diff shows a token masked, and the diff's
/// random orders and the text's map-ordered lines under
/// `Preflight.Nondeterminism` with the scheduler's; `Preflight.Applier`
/// when Nomad's plan applier rejects the plan.
pub(super) fn insert(preflight: &mut serde_json::Map<String, serde_json::Value>, plan: &JobPlan) {
    let diff = &plan.diff;
    let mut random = diff.order_notes.clone();
    random.extend(crate::render::map_order::notes(&plan.result));
    if !random.is_empty() {
        let notes = preflight
            .entry("Nondeterminism")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let Some(list) = notes.as_array_mut() {
            list.extend(random.into_iter().map(serde_json::Value::from));
        }
    }
    if let Some(line) = crate::diff::secrets::note(&diff.masked) {
        let masked = serde_json::json!({"Fields": diff.masked, "Note": line});
        preflight.insert("Masked".into(), masked);
    }
    // Nomad's plan applier rejects the plan: `nomad job run` of it fails.
    if let Some(a) = crate::planner::applier_json(&plan.job, &plan.result) {
        preflight.insert("Applier".into(), a);
    }
    if plan.assumed.is_empty() {
        return;
    }
    preflight.insert("Assumed".into(), assumed::json(&plan.assumed));
    let unset = assumed::unset_server_settings(&plan.assumed);
    if !unset.is_empty() {
        preflight.insert(
            "ServerConfig".into(),
            serde_json::json!({"Declared": false, "AssumedUnset": unset}),
        );
    }
}
