//! Nomad's `formatAllocMetrics` (command/monitor.go): the `* ...` lines under
//! a failed task group, shared by `job plan` and the `job run` monitor.

use crate::scheduler::AllocMetric;
use crate::version::NomadVersion;

use super::quote::go_quote;

/// The metric lines, each `<prefix>* ...`, joined by `\n` (no trailing newline).
/// Nomad iterates Go maps here (random order); ours are sorted by key, and
/// `map_order::metric_notes` says so where a map prints two or more lines.
pub fn format_alloc_metrics(m: &AllocMetric, prefix: &str, version: NomadVersion) -> String {
    let new_wording = version.at_least(0, 11, 0);
    let mut lines: Vec<String> = Vec::new();
    if m.nodes_evaluated == 0 {
        lines.push(format!("{prefix}* No nodes were eligible for evaluation"));
    }
    for (dc, n) in &m.nodes_available {
        if *n == 0 {
            lines.push(format!(
                "{prefix}* No nodes are available in datacenter {}",
                go_quote(dc)
            ));
        }
    }
    for (class, n) in &m.class_filtered {
        lines.push(if new_wording {
            format!(
                "{prefix}* Class {}: {n} nodes excluded by filter",
                go_quote(class)
            )
        } else {
            format!("{prefix}* Class {} filtered {n} nodes", go_quote(class))
        });
    }
    for (c, n) in &m.constraint_filtered {
        let line = if new_wording {
            format!(
                "{prefix}* Constraint {}: {n} nodes excluded by filter",
                go_quote(c)
            )
        } else {
            format!("{prefix}* Constraint {} filtered {n} nodes", go_quote(c))
        };
        // 2.0 highlights missing drivers.
        if version.at_least(2, 0, 0) && c.contains("missing drivers") {
            lines.push(format!("[red]{line}[reset]"));
        } else {
            lines.push(line);
        }
    }
    if m.nodes_exhausted > 0 {
        lines.push(format!(
            "{prefix}* Resources exhausted on {} nodes",
            m.nodes_exhausted
        ));
    }
    for (class, n) in &m.class_exhausted {
        lines.push(format!(
            "{prefix}* Class {} exhausted on {n} nodes",
            go_quote(class)
        ));
    }
    for (dim, n) in &m.dimension_exhausted {
        lines.push(format!(
            "{prefix}* Dimension {} exhausted on {n} nodes",
            go_quote(dim)
        ));
    }
    for q in &m.quota_exhausted {
        lines.push(format!("{prefix}* Quota limit hit {}", go_quote(q)));
    }
    lines.join("\n")
}

/// `(failed to place N allocation[s])`: N counts the coalesced failures too.
pub fn failed_count(m: &AllocMetric) -> (u64, &'static str) {
    let n = m.coalesced_failures + 1;
    (
        n,
        if m.coalesced_failures == 0 {
            "allocation"
        } else {
            "allocations"
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn order_and_wording_by_version() {
        let m = AllocMetric {
            nodes_evaluated: 1,
            class_filtered: BTreeMap::from([("foo".to_string(), 1)]),
            constraint_filtered: BTreeMap::from([("${attr.kernel.name} = linux".to_string(), 1)]),
            nodes_exhausted: 2,
            dimension_exhausted: BTreeMap::from([("cpu".to_string(), 2)]),
            ..Default::default()
        };
        assert_eq!(
            format_alloc_metrics(&m, "  ", NomadVersion::new(0, 10, 5)),
            "  * Class \"foo\" filtered 1 nodes\n  * Constraint \"${attr.kernel.name} = linux\" filtered 1 nodes\n  * Resources exhausted on 2 nodes\n  * Dimension \"cpu\" exhausted on 2 nodes"
        );
        assert!(format_alloc_metrics(&m, "", NomadVersion::new(1, 6, 0))
            .contains("* Class \"foo\": 1 nodes excluded by filter"));
    }
}
