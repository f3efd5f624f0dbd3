//! Lines of `nomad job plan`'s text that Nomad prints as it ranges over a
//! Go map, so their order changes from run to run: the preemption summary
//! (command/job_plan.go `addPreemptions`@v0.9.3, :354-404@v2.0.5) and the
//! placement-failure metric lines (command/monitor.go
//! `formatAllocMetrics`@v0.9.3–v2.0.5). We print one fixed order; the
//! plan says so beside Nomad's text, as it does for the diff's map-ordered
//! objects (`diff::set_order`): a `note:` line each and
//! `Preflight.Nondeterminism`.
//!
//! The odds are not given: these maps reach the CLI through the servers'
//! msgpack and the HTTP API's JSON, each encoding in its own map order, and
//! the preempted allocations themselves come from a map of nodes
//! (`Plan.NodePreemptions`), so the insertion order [`crate::gomap`] would
//! rotate is not known here.

use crate::scheduler::{AllocMetric, PlanResult};

use super::quote::go_quote;

/// The one wording of these notes: `count` lines (`what`) printed by
/// `printer` in the order it ranges over `maps`, shown `shown` here. Only
/// for two or more lines: one line has one order.
fn note(scope: &str, count: usize, what: &str, printer: &str, maps: &str, shown: &str) -> String {
    format!(
        "{scope}: the order of its {count} {what} is random in Nomad: {printer} prints them as it ranges over {maps} (odds not established here); the plan shows them {shown}"
    )
}

/// Every note of a plan's text: the preemption summary's, then each failed
/// group's metric lines', by group.
pub fn notes(result: &PlanResult) -> Vec<String> {
    let mut out: Vec<String> = preemption_note(result).into_iter().collect();
    for (group, m) in &result.failed_tg_allocs {
        out.extend(metric_notes(group, m));
    }
    out
}

/// The summary form's rows (10 or more preempted allocations) come from
/// `allocDetails map[string]map[namespaceIdPair]int`, ranged over by job
/// type and then by job: any two rows may swap.
fn preemption_note(result: &PlanResult) -> Option<String> {
    let summary = super::plan::preemption_summary(&result.preempted_allocs)?;
    if summary.rows.len() < 2 {
        return None;
    }
    let (maps, shown) = if summary.by_job {
        (
            "Go maps of the preempted allocations by job type, then by job",
            "sorted by job ID and namespace",
        )
    } else {
        (
            "a Go map of the preempted allocations by job type",
            "sorted by job type",
        )
    };
    Some(note(
        "Preemptions",
        summary.rows.len(),
        "summary rows",
        "command/job_plan.go (addPreemptions)",
        maps,
        shown,
    ))
}

/// One note per Go map of the metric that prints two or more lines. Lines
/// of different maps keep Nomad's order (one loop after the other).
pub fn metric_notes(group: &str, m: &AllocMetric) -> Vec<String> {
    let empty_dcs = m.nodes_available.values().filter(|n| **n == 0).count();
    let maps = [
        (
            "NodesAvailable",
            empty_dcs,
            "\"No nodes are available\" lines",
        ),
        (
            "ClassFiltered",
            m.class_filtered.len(),
            "class filter lines",
        ),
        (
            "ConstraintFiltered",
            m.constraint_filtered.len(),
            "constraint filter lines",
        ),
        (
            "ClassExhausted",
            m.class_exhausted.len(),
            "class exhausted lines",
        ),
        (
            "DimensionExhausted",
            m.dimension_exhausted.len(),
            "dimension exhausted lines",
        ),
    ];
    let scope = format!("group {}", go_quote(group));
    maps.iter()
        .filter(|(_, n, _)| *n >= 2)
        .map(|(map, n, what)| {
            note(
                &scope,
                *n,
                what,
                "command/monitor.go (formatAllocMetrics)",
                &format!("the Go map {map}"),
                "sorted",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn one_note_per_map_of_two_or_more_lines() {
        let m = AllocMetric {
            nodes_evaluated: 3,
            nodes_available: BTreeMap::from([("a".into(), 0), ("b".into(), 2)]),
            constraint_filtered: BTreeMap::from([("x".into(), 1), ("y".into(), 2)]),
            dimension_exhausted: BTreeMap::from([("cpu".into(), 1)]),
            ..Default::default()
        };
        assert_eq!(
            metric_notes("g", &m),
            ["group \"g\": the order of its 2 constraint filter lines is random in Nomad: command/monitor.go (formatAllocMetrics) prints them as it ranges over the Go map ConstraintFiltered (odds not established here); the plan shows them sorted"]
        );
    }
}
