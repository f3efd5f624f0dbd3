//! A quota's limits that nomad-preflight does not simulate, for `status`:
//! no table of Nomad's shows them with usage we could count, so they are
//! listed after Nomad's tables under a title of our own, never dropped.

use crate::world::{QuotaSpec, Unsimulated};

use super::format_list;

/// The title of the section (ours, not Nomad's).
pub const TITLE: &str = "Quota Limits Not Simulated (nomad-preflight)";

/// One row per limit not simulated: region, the limit's spec name, its
/// API field, its value. Device limits (counted by Nomad Enterprise's
/// private code, NP307) and the 0.10–0.12 network limit are listed too.
fn rows(q: &QuotaSpec) -> Vec<[String; 4]> {
    let mut limits: Vec<_> = q.limits.iter().collect();
    limits.sort_by(|a, b| a.region.cmp(&b.region));
    let mut out = Vec::new();
    for l in limits {
        let rl = &l.region_limit;
        for (name, count) in &rl.devices {
            out.push([
                l.region.clone(),
                format!("device {}", crate::gotext::go_quote(name)),
                "RegionLimit.Devices".to_string(),
                format!("count {count}"),
            ]);
        }
        if rl.network {
            out.push([
                l.region.clone(),
                "network".to_string(),
                "RegionLimit.Networks".to_string(),
                "bandwidth (MBits)".to_string(),
            ]);
        }
        for n in &rl.unsimulated {
            out.push([
                l.region.clone(),
                n.limit.name(),
                n.limit.field(),
                n.limit.value(),
            ]);
        }
    }
    out
}

/// The section, or `None` when every limit of the quota is simulated.
pub fn table(q: &QuotaSpec) -> Option<String> {
    let rows = rows(q);
    if rows.is_empty() {
        return None;
    }
    let mut lines = vec!["Region|Limit|API Field|Value".to_string()];
    for r in rows {
        // A cell's own `|` would split it: an imported key is input.
        let cells: Vec<String> = r
            .iter()
            .map(|c| crate::escape::one_line(c).replace('|', "¦"))
            .collect();
        lines.push(cells.join("|"));
    }
    Some(format!("{TITLE}\n{}", format_list(&lines)))
}

/// The same limits on one line, for a diagnostic's help.
pub fn line(q: &QuotaSpec) -> Option<String> {
    let rows = rows(q);
    if rows.is_empty() {
        return None;
    }
    let items: Vec<String> = rows
        .iter()
        .map(|[region, name, field, value]| {
            crate::escape::one_line(&format!("{name} ({field}) in {region}: {value}"))
        })
        .collect();
    Some(format!(
        "limits nomad-preflight does not simulate: {}",
        items.join("; ")
    ))
}

/// Whether the quota has a per-node-pool limit (Nomad 1.11.2+ prints its
/// usage in a `Node Pool Limits` table, command/quota_status.go
/// formatQuotaNodePools, which Nomad Enterprise counts).
pub fn has_node_pools(q: &QuotaSpec) -> bool {
    q.limits.iter().any(|l| {
        l.region_limit
            .unsimulated
            .iter()
            .any(|n| matches!(n.limit, Unsimulated::NodePool(_)))
    })
}

/// The limit's `VariablesLimit` (the `Variables Usage` column), if set.
pub fn variables_limit(l: &crate::world::QuotaLimit) -> Option<i64> {
    l.region_limit
        .unsimulated
        .iter()
        .find_map(|n| match n.limit {
            Unsimulated::VariablesLimit(mb) => Some(mb),
            _ => None,
        })
}
