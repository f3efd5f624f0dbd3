//! 1.2.0 and 1.2.1's system scheduler panics merging a group's filter
//! metrics ([`CrashBug::NilFilteredMap`], R22-B-5): `computePlacements`
//! visits the nodes in the diff's Go map order (`for nodeID, allocs :=
//! range nodeAllocs`, scheduler/util.go v1.2.0:269) and, for each node a
//! group is filtered on, calls `mergeNodeFiltered` (scheduler_system.go
//! v1.2.0:283-298, 336-338). The first merge copies the node's metric,
//! whose `Copy` leaves an empty map nil (nomad/structs/structs.go
//! v1.2.0:9929-9944, helper/funcs.go :342-353); `FilterNode` fills
//! `ClassFiltered` only for a node with a class and `ConstraintFiltered`
//! only for a non-empty reason (structs.go :9950-9964). So the group
//! panics where the first node filtered lacks what a later one has: a
//! classless client filtered first, then one with a class. Nothing
//! recovers it before 1.3.0 (`Process` has no `recover`): the leader's
//! process dies ([`super::server_crash`]). Fixed by making the maps
//! first (#11565, e50fe8c7 in 1.2.2). Odds: which filtered node comes
//! first is uniform over them in our model of the node order
//! ([`super::engine::Engine::system_order`]).

use super::server_crash::{CrashBug, ServerCrash};
use crate::cluster::Node;
use crate::scheduler::AllocMetric;
use crate::version::NomadVersion;

/// Do the release's system scheduler merges hold the bug?
pub(super) fn merges_nil(v: NomadVersion) -> bool {
    v.at_least(1, 2, 0) && !v.at_least(1, 2, 2)
}

/// What a filtered select's metric fills: (a class, a constraint reason).
pub(super) fn filled(m: &AllocMetric) -> (bool, bool) {
    (
        !m.class_filtered.is_empty(),
        m.constraint_filtered.keys().any(|k| !k.is_empty()),
    )
}

/// The panic of merging `m`, group `group`'s select filtered on node `n`,
/// into `acc`, the group's merged metric so far.
pub(super) fn crash(
    v: NomadVersion,
    acc: &AllocMetric,
    m: &AllocMetric,
    n: &Node,
    group: &str,
) -> Option<ServerCrash> {
    if !merges_nil(v) || acc.filtered_merged == 0 {
        return None;
    }
    let ((class, reason), (class_now, reason_now)) = (filled(acc), filled(m));
    ((!class && class_now) || (!reason && reason_now)).then(|| ServerCrash {
        bug: CrashBug::NilFilteredMap,
        version: v,
        node: n.name.clone(),
        detail: group.to_string(),
    })
}

/// Of `filtered`, each filtered select's [`filled`], how many panic the
/// merge when visited first (every other one comes after it).
pub(super) fn panicking_firsts(filtered: &[(bool, bool)]) -> usize {
    let count = |pick: fn(&(bool, bool)) -> bool| filtered.iter().filter(|f| pick(f)).count();
    let (classes, reasons) = (count(|f| f.0), count(|f| f.1));
    filtered
        .iter()
        .filter(|&&(class, reason)| (!class && classes > 0) || (!reason && reasons > 0))
        .count()
}

/// The plan's note where another node order panics (or spares) the
/// group: `None` where every order does the same.
pub(super) fn note(v: NomadVersion, group: &str, filtered: &[(bool, bool)]) -> Option<String> {
    let (k, n) = (panicking_firsts(filtered), filtered.len());
    if !merges_nil(v) || k == 0 || k == n {
        return None;
    }
    let p = k as f64 / n as f64;
    Some(format!(
        "group {group:?}: Nomad {v}'s server panics merging the group's filter metrics where the first node it filters has no class (or no constraint reason) and a later one has one (a nil map, hashicorp/nomad#11565, fixed in 1.2.2), and Nomad visits the nodes in Go's map order, random per evaluation: {k} of the {n} nodes it filters panic it when first, so about {} of evaluations panic the leader and `nomad job plan` gets no plan; this one does not (--samples gives the shares)",
        crate::gomap::percent(p)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_classless_first_then_a_classed_node_panics() {
        let v = NomadVersion::new;
        let classed = AllocMetric {
            class_filtered: [("gpu".to_string(), 1)].into(),
            constraint_filtered: [("x".to_string(), 1)].into(),
            ..AllocMetric::default()
        };
        let classless = AllocMetric {
            constraint_filtered: [("x".to_string(), 1)].into(),
            filtered_merged: 1,
            ..AllocMetric::default()
        };
        let n = Node::default();
        assert!(crash(v(1, 2, 1), &classless, &classed, &n, "g").is_some());
        assert!(crash(v(1, 2, 0), &classless, &classed, &n, "g").is_some());
        for fixed in [v(1, 2, 2), v(1, 1, 6), v(1, 3, 0)] {
            assert!(
                crash(fixed, &classless, &classed, &n, "g").is_none(),
                "{fixed}"
            );
        }
        // The first merge copies; a class first then none is no panic.
        let first = AllocMetric::default();
        assert!(crash(v(1, 2, 1), &first, &classed, &n, "g").is_none());
        let classed_acc = AllocMetric {
            filtered_merged: 1,
            ..classed.clone()
        };
        let bare = AllocMetric {
            constraint_filtered: [("x".to_string(), 1)].into(),
            ..AllocMetric::default()
        };
        assert!(crash(v(1, 2, 1), &classed_acc, &bare, &n, "g").is_none());
    }

    #[test]
    fn the_odds_are_the_share_of_firsts_that_panic() {
        // One classless, one classed: half the orders.
        assert_eq!(panicking_firsts(&[(false, true), (true, true)]), 1);
        // Two classless, one classed: two thirds.
        assert_eq!(
            panicking_firsts(&[(false, true), (false, true), (true, true)]),
            2
        );
        // All alike: never.
        assert_eq!(panicking_firsts(&[(false, true), (false, true)]), 0);
        let v = NomadVersion::new(1, 2, 1);
        let text = note(v, "g", &[(false, true), (true, true)]).expect("drawn");
        assert!(text.contains("1 of the 2 nodes"), "{text}");
        assert!(note(v, "g", &[(true, true), (true, true)]).is_none());
        assert!(note(
            NomadVersion::new(1, 2, 2),
            "g",
            &[(false, true), (true, true)]
        )
        .is_none());
    }
}
