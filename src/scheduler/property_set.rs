//! Nomad's `propertySet` (scheduler/propertyset.go; 2.0:
//! scheduler/feasible/propertyset.go): how many of a job's allocations use
//! each value of a node attribute, counted the one way both
//! `distinct_property` and `spread` count it.
//!
//! The count is `GetCombinedUseMap` after `PopulateProposed`: the stored
//! allocations of the job that are not terminal (`AllocsByJob` in the
//! job's namespace, at every release), plus the plan's placements (an
//! in-place update is both, so it counts twice), less the plan's stops (a
//! terminal one too), whose count drops by one where it is above one and
//! the value is placed on, never below zero (v0.9.3:170-208,
//! v1.6.0:190-285). A node without the attribute counts nowhere.
//!
//! A spread with explicit targets counts every other value as one, `"*"`
//! (`targetedPropertyValue`, #17195: v1.3.15, v1.4.10, v1.5.6, v1.6.0 and
//! every later release; propertyset.go:370-375@v1.6.0); before, per value.

use std::collections::BTreeMap;

use super::constraint::resolve;
use super::engine::Engine;
use crate::cluster::{Allocation, Node};
use crate::version::NomadVersion;

/// Releases whose spread property sets fold the values no target names
/// into `"*"` (#17195, feb34c738d and its backports).
pub(super) const IMPLICIT_TARGETS_TOGETHER: &[NomadVersion] = &[
    NomadVersion::new(1, 3, 15),
    NomadVersion::new(1, 4, 10),
    NomadVersion::new(1, 5, 6),
    NomadVersion::new(1, 6, 0),
];

/// One property set: an attribute, the allocations it counts, and (for a
/// spread with targets, where the release folds them) the named values.
pub(super) struct PropertySet<'a> {
    pub attribute: &'a str,
    pub namespace: &'a str,
    pub job_id: &'a str,
    /// A group's set counts that group's allocations; a job-level
    /// `distinct_property` counts all of them (`taskGroup == ""`).
    pub group: Option<&'a str>,
    /// `SetTargetValues`: empty keeps every value apart.
    pub targets: Vec<&'a str>,
}

impl PropertySet<'_> {
    /// `filterAllocs` on the job's allocations (the plan holds the job's
    /// own only, so its placements and stops pass the job test anyway).
    fn counts(&self, a: &Allocation) -> bool {
        a.namespace == self.namespace
            && a.job_id == self.job_id
            && self.group.is_none_or(|g| a.task_group == g)
    }

    /// `targetedPropertyValue`: a value no target names is `"*"`.
    pub fn targeted(&self, value: String) -> String {
        if self.targets.is_empty() || self.targets.contains(&value.as_str()) {
            value
        } else {
            "*".to_string()
        }
    }

    /// The node's value as the set names it (`getProperty`, then
    /// `targetedPropertyValue`); `None`: the node lacks the attribute.
    pub fn value_of(&self, n: &Node, version: NomadVersion) -> Option<String> {
        resolve(self.attribute, n, version).map(|v| self.targeted(v))
    }
}

impl Engine<'_> {
    /// `GetCombinedUseMap`: each value's use by the plan so far. A value
    /// whose every use a stop clears stays in the map at zero, as in Go.
    pub(super) fn combined_use(&self, set: &PropertySet<'_>) -> BTreeMap<String, u64> {
        let v = self.world.nomad_version;
        let mut existing: BTreeMap<String, u64> = BTreeMap::new();
        let mut proposed: BTreeMap<String, u64> = BTreeMap::new();
        for (p, node) in self.state.nodes.iter().enumerate() {
            let stored = self
                .by_node
                .get(p)
                .into_iter()
                .flatten()
                .filter_map(|&i| self.state.allocs.get(i))
                .filter(|a| a.is_live() && set.counts(a))
                .count() as u64;
            let placed = self
                .plan
                .placed
                .on_node(p)
                .filter(|a| set.counts(a))
                .count() as u64;
            if stored + placed == 0 {
                continue;
            }
            let Some(value) = set.value_of(node, v) else {
                continue;
            };
            if stored > 0 {
                *existing.entry(value.clone()).or_insert(0) += stored;
            }
            if placed > 0 {
                *proposed.entry(value).or_insert(0) += placed;
            }
        }
        let mut cleared: BTreeMap<String, u64> = BTreeMap::new();
        for a in self.plan.stops.iter().filter(|a| set.counts(a)) {
            let node = self
                .node_position(&a.node_id)
                .and_then(|p| self.state.nodes.get(p));
            if let Some(value) = node.and_then(|n| set.value_of(n, v)) {
                *cleared.entry(value).or_insert(0) += 1;
            }
        }
        // "Remove any cleared value that is now being used by the
        // proposed allocs": only a count above one drops.
        for value in proposed.keys() {
            if let Some(c) = cleared.get_mut(value) {
                if *c > 1 {
                    *c -= 1;
                }
            }
        }
        let mut combined = existing;
        for (value, n) in proposed {
            *combined.entry(value).or_insert(0) += n;
        }
        for (value, c) in cleared {
            if let Some(used) = combined.get_mut(&value) {
                *used = used.saturating_sub(c);
            }
        }
        combined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_targets_fold_into_star() {
        let set = PropertySet {
            attribute: "${meta.rack}",
            namespace: "default",
            job_id: "j",
            group: Some("g"),
            targets: vec!["r1"],
        };
        assert_eq!(set.targeted("r1".into()), "r1");
        assert_eq!(set.targeted("r2".into()), "*");
        let even = PropertySet {
            targets: Vec::new(),
            ..set
        };
        assert_eq!(even.targeted("r2".into()), "r2");
    }

    #[test]
    fn folding_starts_with_the_backports_of_17195() {
        let v = |a, b, c| NomadVersion::new(a, b, c);
        let has = |x: NomadVersion| x.has_since(IMPLICIT_TARGETS_TOGETHER);
        assert!(!has(v(1, 3, 14)));
        assert!(has(v(1, 3, 15)));
        assert!(!has(v(1, 4, 9)));
        assert!(has(v(1, 4, 10)));
        assert!(!has(v(1, 5, 5)));
        assert!(has(v(1, 5, 6)));
        assert!(has(v(1, 6, 0)));
        assert!(has(v(2, 0, 5)));
        assert!(!has(v(0, 9, 3)));
    }
}
