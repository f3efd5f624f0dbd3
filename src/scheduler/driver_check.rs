//! Nomad's `DriverChecker` where Go's map order decides it (redteam11
//! R11-5). From 0.8.0 through 0.9.5 `hasDrivers` ranges over the group's
//! drivers, a `map[string]struct{}` filled in task order by
//! `taskGroupConstraints` (`c.drivers[task.Driver] = struct{}{}`,
//! scheduler/util.go v0.9.3:597-609, made without a size hint), and for a
//! driver the node lists in `Drivers` it `return driverInfo.Detected &&
//! driverInfo.Healthy` (scheduler/feasible.go v0.8.0:145, v0.9.3:130-163,
//! v0.9.5:144): the first listed driver the walk meets answers for the
//! whole group. A driver the node does not list falls back to its
//! `driver.NAME` attribute (`strconv.ParseBool`): true goes on to the
//! next driver, anything else fails. #6227 made a healthy listed driver
//! `continue` (a6a498657d in v0.9.6, 8a0647c9cf in v0.10.0), so every
//! driver counts from 0.9.6 on.
//!
//! The world's `drivers` are the ones a client lists detected and healthy
//! (a client of 0.8 or later lists each driver it fingerprints, so a
//! driver it lacks is either listed unhealthy or not listed, and fails
//! either way): the walk's first driver decides. Each `hasDrivers` call is
//! a fresh `range`, so its order is drawn per check: once per computed
//! class and evaluation where the class is cached (`FeasibilityWrapper`,
//! `EvalEligibility` at v0.9.3), once per node where the group's
//! constraints escape the class.

use super::feasibility::has_drivers;
use crate::cluster::Node;
use crate::jobspec::TaskGroup;
use crate::version::NomadVersion;

/// Does this release's driver check answer at the first driver the node
/// lists (0.8.0–0.9.5)? Before 0.8 nodes had no `Drivers`, and every
/// driver's attribute was checked.
pub fn first_listed_decides(v: NomadVersion) -> bool {
    v.at_least(0, 8, 0) && !v.at_least(0, 9, 6)
}

/// The group's drivers as Nomad's map holds them: each once, in the order
/// its first task names it (the map's insertion order).
pub fn group_drivers(tg: &TaskGroup) -> Vec<&str> {
    // A set beside the list: a group of many tasks stays linear.
    let mut seen = std::collections::HashSet::new();
    tg.tasks
        .iter()
        .map(|t| t.driver.as_str())
        .filter(|d| seen.insert(*d))
        .collect()
}

/// Does `n` list driver `d` in its `Drivers` (detected and healthy)?
fn listed(n: &Node, d: &str) -> bool {
    n.drivers.iter().any(|x| x == d)
}

/// Does `n` pass driver `d`: listed, or unlisted with a true `driver.NAME`
/// attribute (`hasDrivers`' fallback, every release: the whole check
/// before 0.8.0, scheduler/feasible.go v0.7.1:129-150; for a driver
/// without a `Drivers` entry from 0.8.0, v0.8.0:129-163, v1.10.5:651-664,
/// scheduler/feasible/feasible.go v2.0.5:823-836)?
pub fn found(n: &Node, d: &str) -> bool {
    listed(n, d) || n.drivers_by_attribute.iter().any(|x| x == d)
}

/// Is the check's verdict for `n` left to Go's map order at `v`: the bug's
/// releases, and the node lists some of the group's drivers but does not
/// pass them all? (A driver passed by its attribute only lets the walk go
/// on: with none listed, the walk ends at a missing one whatever the
/// order.)
pub fn drawn(tg: &TaskGroup, n: &Node, v: NomadVersion) -> bool {
    if !first_listed_decides(v) {
        return false;
    }
    let drivers = group_drivers(tg);
    drivers.iter().any(|d| listed(n, d)) && !drivers.iter().all(|d| found(n, d))
}

/// The driver check of `n` for `tg` at `v`. Where it is left to Go's map
/// order ([`drawn`]), `order(len)` gives the walk over the group's
/// drivers; elsewhere every driver must be on the node.
pub fn passes(
    tg: &TaskGroup,
    n: &Node,
    v: NomadVersion,
    order: &mut dyn FnMut(usize) -> Vec<usize>,
) -> bool {
    if !drawn(tg, n, v) {
        return has_drivers(tg, n);
    }
    let drivers = group_drivers(tg);
    first_met(&drivers, n, &order(drivers.len()))
}

/// The first listed driver of `walk` answers, healthy on the node or not
/// (listed unhealthy, or unlisted without a true attribute); an unlisted
/// one with a true attribute lets the walk go on.
fn first_met(drivers: &[&str], n: &Node, walk: &[usize]) -> bool {
    walk.iter()
        .filter_map(|&i| drivers.get(i))
        .find(|d| !n.drivers_by_attribute.iter().any(|x| x == *d))
        .is_none_or(|d| listed(n, d))
}

/// The chance the check passes `n` over Go's map orders; `None` when the
/// order of more than 8 drivers is not established.
pub fn pass_odds(tg: &TaskGroup, n: &Node, v: NomadVersion) -> Option<f64> {
    if !drawn(tg, n, v) {
        return Some(f64::from(u8::from(has_drivers(tg, n))));
    }
    let drivers = group_drivers(tg);
    let outcomes = crate::gomap::outcomes(drivers.len(), |walk| {
        first_met(&drivers, n, &walk.collect::<Vec<_>>())
    })?;
    Some(
        outcomes
            .iter()
            .filter(|(pass, _)| *pass)
            .map(|(_, p)| p)
            .sum(),
    )
}

/// The group's tasks whose driver `n` lacks: `(task, driver)`.
pub fn lacking<'a>(tg: &'a TaskGroup, n: &Node) -> Vec<(&'a str, &'a str)> {
    tg.tasks
        .iter()
        .filter(|t| !found(n, &t.driver))
        .map(|t| (t.name.as_str(), t.driver.as_str()))
        .collect()
}

/// `task "b" ("java")`, comma-separated.
pub fn lacking_text(lacking: &[(&str, &str)]) -> String {
    lacking
        .iter()
        .map(|(t, d)| format!("task {t:?} ({d:?})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The odds in words: `passes 87.5%, fails "missing drivers" 12.5%`.
pub fn odds_text(p: Option<f64>) -> String {
    match p {
        Some(p) => format!(
            "passes {}, fails \"missing drivers\" {}",
            crate::gomap::percent(p),
            crate::gomap::percent(1.0 - p)
        ),
        None => "odds not established: more than 8 drivers".to_string(),
    }
}

/// The plan's note of a driver check whose verdict Go's map order drew.
pub fn note(tg: &TaskGroup, n: &Node, v: NomadVersion, passed: bool) -> String {
    let p = pass_odds(tg, n, v);
    let lacks = lacking_text(&lacking(tg, n));
    format!(
        "group {:?}: Nomad {v}'s driver check answers at the first of the group's drivers it meets in Go's map order (fixed in 0.9.6), so node {:?}, which lacks the driver of {lacks}, is random ({}); this plan drew {}, and --samples gives the outcomes' shares",
        tg.name,
        n.name,
        odds_text(p),
        if passed {
            format!("a pass, where {lacks} cannot start")
        } else {
            "\"missing drivers\"".to_string()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Task;

    fn node(drivers: &[&str]) -> Node {
        Node {
            drivers: drivers.iter().map(|d| d.to_string()).collect(),
            ..Node::default()
        }
    }

    fn group(drivers: &[&str]) -> TaskGroup {
        TaskGroup {
            name: "g".into(),
            tasks: drivers
                .iter()
                .enumerate()
                .map(|(i, d)| Task {
                    name: format!("t{i}"),
                    driver: d.to_string(),
                    ..Task::default()
                })
                .collect(),
            ..TaskGroup::default()
        }
    }

    const V093: NomadVersion = NomadVersion::new(0, 9, 3);

    /// The map's first-inserted driver is met first 7 times in 8
    /// (gomap): docker then java passes a docker node 87.5%, java then
    /// docker 12.5%; a repeated driver keeps its first slot.
    #[test]
    fn the_first_driver_met_decides_before_0_9_6() {
        let n = node(&["docker", "exec"]);
        assert_eq!(
            pass_odds(&group(&["docker", "java"]), &n, V093),
            Some(0.875)
        );
        assert_eq!(
            pass_odds(&group(&["java", "docker"]), &n, V093),
            Some(0.125)
        );
        let g = group(&["docker", "java", "docker", "exec"]);
        assert_eq!(group_drivers(&g), vec!["docker", "java", "exec"]);
        // Rotations of docker, java, exec: java first in 1 start of 8.
        assert_eq!(pass_odds(&g, &n, V093), Some(0.875));
        assert_eq!(lacking_text(&lacking(&g, &n)), "task \"t1\" (\"java\")");
        // All or none of the drivers: certain either way.
        assert_eq!(pass_odds(&group(&["docker", "exec"]), &n, V093), Some(1.0));
        assert_eq!(pass_odds(&group(&["java", "qemu"]), &n, V093), Some(0.0));
        assert!(!drawn(&group(&["java", "qemu"]), &n, V093));
    }

    /// 0.8.0–0.9.5 answer at the first driver met; 0.9.6, 0.10.0 and
    /// later check every driver.
    #[test]
    fn every_driver_counts_from_0_9_6() {
        let n = node(&["docker"]);
        let g = group(&["docker", "java"]);
        for (v, bug) in [
            (NomadVersion::new(0, 8, 0), true),
            (NomadVersion::new(0, 9, 0), true),
            (NomadVersion::new(0, 9, 5), true),
            (NomadVersion::new(0, 9, 6), false),
            (NomadVersion::new(0, 10, 0), false),
            (NomadVersion::new(2, 0, 5), false),
        ] {
            assert_eq!(first_listed_decides(v), bug, "{v}");
            assert_eq!(drawn(&g, &n, v), bug, "{v}");
            if !bug {
                assert_eq!(pass_odds(&g, &n, v), Some(0.0), "{v}");
                assert!(!passes(&g, &n, v, &mut |_| vec![0, 1]), "{v}");
            }
        }
        // The walk given decides at 0.9.3: docker first passes.
        assert!(passes(&g, &n, V093, &mut |_| vec![0, 1]));
        assert!(!passes(&g, &n, V093, &mut |_| vec![1, 0]));
    }

    /// An unlisted driver whose `driver.NAME` attribute is true passes
    /// at every release; before 0.9.6 it lets the walk go on to the next
    /// driver rather than answer.
    #[test]
    fn an_unlisted_driver_passes_by_its_attribute() {
        let mut n = node(&["docker"]);
        n.drivers_by_attribute = vec!["podman".into()];
        for v in [NomadVersion::new(0, 7, 1), V093, NomadVersion::new(2, 0, 5)] {
            assert!(has_drivers(&group(&["podman"]), &n), "{v}");
            assert_eq!(pass_odds(&group(&["docker", "podman"]), &n, v), Some(1.0));
        }
        // podman, then java (missing): the walk ends at java whatever the
        // order, unless docker is met first.
        let g = group(&["podman", "java", "docker"]);
        assert!(drawn(&g, &n, V093));
        assert!(!passes(&g, &n, V093, &mut |_| vec![0, 1, 2]));
        assert!(passes(&g, &n, V093, &mut |_| vec![0, 2, 1]));
        assert!(!drawn(&group(&["podman", "java"]), &n, V093));
        assert_eq!(lacking_text(&lacking(&g, &n)), "task \"t1\" (\"java\")");
    }
}
