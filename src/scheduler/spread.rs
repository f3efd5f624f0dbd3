//! Spread scoring (`scheduler/spread.go`; 2.0: `scheduler/feasible/
//! spread.go`): how a node's value of each spread attribute compares with
//! the placements the job's group has so far. Kept apart from rank.rs,
//! which fits the node.

use std::collections::BTreeMap;

use super::constraint::resolve;
use super::engine::{Ask, Engine};
use crate::cluster::Node;

impl Engine<'_> {
    /// Spread scoring (`feasible/spread.go`), job and group spreads.
    pub(super) fn spread_score(&self, ask: &Ask<'_>, n: &Node) -> Option<f64> {
        let spreads: Vec<&crate::jobspec::Spread> = ask
            .tg
            .spreads
            .iter()
            .chain(ask.job.spreads.iter())
            .collect();
        if spreads.is_empty() {
            return None;
        }
        let total_weight: i64 = spreads.iter().map(|s| s.weight).sum();
        let count = ask.tg.count.max(1) as f64;
        let mut total = 0.0;
        for s in spreads {
            let mut counts: BTreeMap<String, i64> = BTreeMap::new();
            for (p, other) in self.state.nodes.iter().enumerate() {
                let k = self
                    .proposed_iter(p)
                    .filter(|a| {
                        a.namespace == ask.job.namespace
                            && a.job_id == ask.job.id
                            && a.task_group == ask.tg.name
                    })
                    .count() as i64;
                if k > 0 {
                    if let Some(v) = resolve(&s.attribute, other, self.world.nomad_version) {
                        *counts.entry(v).or_insert(0) += k;
                    }
                }
            }
            let Some(value) = resolve(&s.attribute, n, self.world.nomad_version) else {
                total -= 1.0;
                continue;
            };
            let used = counts.get(&value).copied().unwrap_or(0) + 1;
            if s.targets.is_empty() {
                if counts.is_empty() {
                    continue;
                }
                let min = counts.values().copied().min().unwrap_or(0);
                let max = counts.values().copied().max().unwrap_or(0);
                let cur = counts.get(&value).copied().unwrap_or(0);
                total += if cur != min {
                    if min == 0 {
                        -1.0
                    } else {
                        (min - cur) as f64 / min as f64
                    }
                } else if min == max {
                    -1.0
                } else if min == 0 {
                    1.0
                } else {
                    (max - min) as f64 / min as f64
                };
                continue;
            }
            let mut desired: BTreeMap<&str, f64> = s
                .targets
                .iter()
                .map(|t| (t.value.as_str(), t.percent as f64 / 100.0 * count))
                .collect();
            let sum: f64 = desired.values().sum();
            if sum < count {
                desired.entry("*").or_insert(count - sum);
            }
            let Some(d) = desired.get(value.as_str()).or_else(|| desired.get("*")) else {
                total -= 1.0;
                continue;
            };
            if *d == 0.0 {
                total -= 1.0;
                continue;
            }
            let w = if total_weight > 0 {
                s.weight as f64 / total_weight as f64
            } else {
                0.0
            };
            total += (d - used as f64) / d * w;
        }
        (total != 0.0).then_some(total)
    }
}
