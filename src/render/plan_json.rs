//! `--format json`: Nomad's `JobPlanResponse` shape, plus our own details
//! under the single extra key `Preflight`.

use serde_json::{json, Map, Value};

use super::plan::PlanView;

/// The plan as Nomad's API returns it (`/v1/job/<id>/plan`), plus `Preflight`.
pub fn plan_json(view: &PlanView) -> Value {
    let r = view.result;
    let preempted: Vec<Value> = r
        .preempted_allocs
        .iter()
        .map(|a| super::plan_json_api::preempted_stub(a, view.version))
        .collect();
    // Ours, not a stub field: the priority preemption read, or null where
    // the import does not hold the version the allocation runs.
    let preempted_priority: Map<String, Value> = r
        .preempted_allocs
        .iter()
        .map(|a| (a.id.clone(), json!(a.job_priority)))
        .collect();
    let failed: Map<String, Value> = r
        .failed_tg_allocs
        .iter()
        .map(|(k, m)| {
            let metric = super::plan_json_api::alloc_metric(m, view.job, k, view.version);
            (k.clone(), metric)
        })
        .collect();
    let placements: Vec<Value> = r
        .placements
        .iter()
        .map(|p| {
            json!({
                "AllocID": p.alloc.id,
                "Name": p.alloc.name,
                "TaskGroup": p.alloc.task_group,
                "NodeID": p.alloc.node_id,
                "InPlace": p.in_place,
                "Preempts": p.preempts,
            })
        })
        .collect();
    let next_launch = view
        .next_periodic_launch
        .as_ref()
        .map(|(at, _)| Value::String(at.clone()))
        .unwrap_or(Value::String("0001-01-01T00:00:00Z".into()));
    json!({
        "Annotations": {
            "DesiredTGUpdates": r
                .desired_tg_updates
                .iter()
                .map(|(g, u)| (g.clone(), u.api_json(view.version)))
                .collect::<serde_json::Map<String, Value>>(),
            "PreemptedAllocs": if preempted.is_empty() { Value::Null } else { Value::Array(preempted) },
        },
        "FailedTGAllocs": if failed.is_empty() { Value::Null } else { Value::Object(failed) },
        "JobModifyIndex": r.job_modify_index,
        "CreatedEvals": Value::Null,
        "Diff": view.diff.map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).unwrap_or(Value::Null),
        "NextPeriodicLaunch": next_launch,
        "Warnings": r.warnings.join("\n"),
        "Preflight": {
            "NomadVersion": view.version.to_string(),
            "Placements": placements,
            "Stops": r.stops,
            "Blocked": r.blocked,
            "QuotaLimitReached": r.quota_limit_reached,
            "Nondeterminism": r.nondeterminism,
            "PreemptedPriority": preempted_priority,
            // The fields above Nomad's servers fill from records no
            // simulation holds (Go's zero values here), named; null if none.
            "UnknownFields": super::plan_json_api::unknown_fields(r),
            "Inferred": super::plan::inferred_notes(view),
            "ExitCode": super::plan::plan_exit_code(view.diff, r, view.version),
            "Unmodelled": view.diff.map(|d| d.unmodelled.as_slice()).unwrap_or_default(),
            // Ours, beside Nomad's `Diff.Type`: true also for a change none
            // of Nomad's diff objects shows (its Type None; `Unmodelled`
            // says where), so no reader takes such an edit for no change.
            "Changed": view.diff.map(|d| d.changed()),
        },
    })
}

/// What Nomad 2.0.5's `job plan -json-output` prints: the plan response
/// alone (api.JobPlanResponse, api/jobs.go v2.0.5:1534-1545, the fields
/// [`plan_json`] writes besides `Preflight`), encoded by
/// command/data_format.go's codec JsonHandle: 4-space indent, struct
/// fields and map keys by name, `<>&` as they are (HTMLCharsAsIs).
pub fn nomad_document(view: &PlanView) -> serde_json::Result<String> {
    let mut v = plan_json(view);
    if let Some(o) = v.as_object_mut() {
        o.remove("Preflight");
    }
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    serde::Serialize::serialize(
        &v,
        &mut serde_json::Serializer::with_formatter(&mut out, fmt),
    )?;
    // serde_json writes UTF-8 only; the escape pass keeps control
    // characters out of the terminal, as every document we print.
    Ok(crate::escape::json(&String::from_utf8_lossy(&out)))
}
