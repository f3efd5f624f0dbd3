//! Which device model a request takes, where Nomad leaves it to Go's map
//! order (redteam5 R5). Two walks decide it, each a fresh `range` over a
//! map per request, at every release 0.9.0–2.0.5:
//! - the feasibility check (`DeviceChecker.hasDevices`) ranges over
//!   `available`, a map of the node's models with a healthy instance, and
//!   a request takes the first model it can use (scheduler/feasible.go
//!   v0.9.3:870-905, v1.6.0:1310-1345, v1.10.5:1443-1478;
//!   scheduler/feasible/feasible.go v1.11.0:1504-1533, v2.0.5:1604-1633);
//! - the allocator (`deviceAllocator.AssignDevice`) ranges over the
//!   `DeviceAccounter`'s `Devices`, a map of every model of the node
//!   (nomad/structs/devices.go `NewDeviceAccounter`), and on equal score the
//!   later model replaces the offer (`choiceScore < offerScore` skips only
//!   a lower one: scheduler/device.go v1.6.0:51-126,
//!   scheduler/feasible/device.go v2.0.5:122-180).
//!
//! So a generic request (`nvidia/gpu`) beside a specific one
//! (`nvidia/gpu/1080ti`) may be handed the only 1080ti in either walk. The
//! orders come from [`crate::gomap`] (a rotation of the insertion order
//! from a random slot of 8); here the chance every request of a group is
//! met is computed over every order of every request, for the notes.

use super::device::{available, requests, take_request, DeviceAllocator};
use crate::cluster::Node;
use crate::jobspec::{RequestedDevice, TaskGroup};
use crate::version::NomadVersion;

/// Outcome branches explored before the odds count as not established.
const BUDGET: usize = 4096;

/// The chance the feasibility check passes the group on `n` over Go's
/// map orders; `None` when not established (more than 8 models, or too
/// many branches).
pub fn feasible_odds(tg: &TaskGroup, n: &Node, version: NomadVersion) -> Option<f64> {
    let reqs = requests(tg);
    let avail = available(n);
    if reqs.is_empty() || avail.is_empty() {
        return Some(f64::from(u8::from(reqs.is_empty())));
    }
    let counts: Vec<usize> = avail.iter().map(|(_, c)| *c).collect();
    let mut budget = BUDGET;
    feasible_from(&reqs, n, &counts, version, &mut budget)
}

fn feasible_from(
    reqs: &[&RequestedDevice],
    n: &Node,
    counts: &[usize],
    version: NomadVersion,
    budget: &mut usize,
) -> Option<f64> {
    let Some((req, rest)) = reqs.split_first() else {
        return Some(1.0);
    };
    let models: Vec<_> = available(n).into_iter().map(|(d, _)| d).collect();
    let branches = crate::gomap::outcomes(counts.len(), |walk| {
        let walk: Vec<usize> = walk.collect();
        let mut state: Vec<_> = models.iter().copied().zip(counts.iter().copied()).collect();
        // An order whose check panics Nomad's server meets nothing: the
        // crash is the walk's own ([`super::device::NanCompared`]).
        take_request(req, &mut state, &walk, version)
            .unwrap_or(false)
            .then(|| state.iter().map(|(_, c)| *c).collect::<Vec<usize>>())
    })?;
    let mut p = 0.0;
    for (next, share) in branches {
        *budget = budget.checked_sub(1)?;
        if let Some(next) = next {
            p += share * feasible_from(rest, n, &next, version, budget)?;
        }
    }
    Some(p)
}

/// The chance every request in `reqs` is offered a device by `alloc`
/// (offers reserved in turn) over Go's map orders; `None` when not
/// established.
pub fn offered_odds(
    alloc: &DeviceAllocator<'_>,
    reqs: &[&RequestedDevice],
    version: NomadVersion,
) -> Option<f64> {
    let mut budget = BUDGET;
    offered_from(alloc, reqs, version, &mut budget)
}

fn offered_from(
    alloc: &DeviceAllocator<'_>,
    reqs: &[&RequestedDevice],
    version: NomadVersion,
    budget: &mut usize,
) -> Option<f64> {
    let Some((req, rest)) = reqs.split_first() else {
        return Some(1.0);
    };
    let branches = crate::gomap::outcomes(alloc.models(), |walk| {
        let walk: Vec<usize> = walk.collect();
        alloc
            .offer_in(req, version, &walk)
            .ok()?
            .ok()
            .map(|(o, _)| o)
    })?;
    let mut p = 0.0;
    for (offer, share) in branches {
        *budget = budget.checked_sub(1)?;
        if let Some(offer) = offer {
            let mut next = alloc.clone();
            next.reserve(&offer);
            p += share * offered_from(&next, rest, version, budget)?;
        }
    }
    Some(p)
}

/// Is a chance `p` neither certain nor impossible (or unknown)?
pub fn uncertain(p: Option<f64>) -> bool {
    p.is_none_or(|p| p > 1e-12 && p < 1.0 - 1e-12)
}

fn odds_text(p: Option<f64>, yes: &str, no: &str) -> String {
    match p {
        Some(p) => format!(
            "{yes} {}, {no} {}",
            crate::gomap::percent(p),
            crate::gomap::percent(1.0 - p)
        ),
        None => "odds not established: more than 8 device models or too many requests".to_string(),
    }
}

/// The note of a feasibility check whose verdict Go's map order drew.
pub fn feasible_note(group: &str, node: &str, p: Option<f64>, passed: bool) -> String {
    format!(
        "group {group:?}: Nomad's device check hands each device request the first model it meets in Go's map order of node {node:?}'s models, so the check is random ({}); this plan drew {}, and --samples gives the outcomes' shares",
        odds_text(p, "passes", "fails \"missing devices\""),
        if passed { "a pass" } else { "\"missing devices\"" }
    )
}

/// The note of device offers whose success Go's map order drew.
pub fn offered_note(group: &str, node: &str, p: Option<f64>, offered: bool) -> String {
    format!(
        "group {group:?}: Nomad offers each device request the last of the equally scored models it meets in Go's map order of node {node:?}'s models, so whether every request gets a device is random ({}); this plan drew {}, and --samples gives the outcomes' shares",
        odds_text(p, "all offered", "\"no devices match request\""),
        if offered { "all offered" } else { "\"no devices match request\"" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Resources, Task};
    use crate::structs::device::{DeviceId, DeviceInstance, NodeDevice};

    fn gpu(name: &str) -> NodeDevice {
        NodeDevice {
            id: DeviceId {
                vendor: "nvidia".into(),
                device_type: "gpu".into(),
                name: name.into(),
            },
            instances: vec![DeviceInstance {
                id: format!("{name}-0"),
                healthy: true,
            }],
            attributes: Default::default(),
        }
    }

    fn req(name: &str) -> RequestedDevice {
        RequestedDevice {
            name: name.into(),
            count: 1,
            ..RequestedDevice::default()
        }
    }

    /// redteam5 R5's g6: 2080, 1080ti, 3090 (one each); `nvidia/gpu` then
    /// `nvidia/gpu/1080ti`. Each walk gives the generic request the 1080ti
    /// in 1 of 8 starts: first met (start 1), last met (start 2).
    #[test]
    fn a_generic_request_takes_the_only_specific_model_one_time_in_eight() {
        let n = Node {
            devices: vec![gpu("2080"), gpu("1080ti"), gpu("3090")],
            ..Node::default()
        };
        let tg = TaskGroup {
            tasks: vec![Task {
                resources: Resources {
                    devices: vec![req("nvidia/gpu"), req("nvidia/gpu/1080ti")],
                    ..Resources::default()
                },
                ..Task::default()
            }],
            ..TaskGroup::default()
        };
        for v in [
            NomadVersion::new(0, 9, 3),
            NomadVersion::new(1, 6, 0),
            NomadVersion::new(2, 0, 5),
        ] {
            assert_eq!(feasible_odds(&tg, &n, v), Some(0.875));
            let reqs = requests(&tg);
            assert_eq!(
                offered_odds(&DeviceAllocator::new(&n), &reqs, v),
                Some(0.875)
            );
        }
        // One specific request alone is certain.
        let one = [&tg.tasks[0].resources.devices[1]];
        let v = NomadVersion::new(1, 6, 0);
        assert_eq!(offered_odds(&DeviceAllocator::new(&n), &one, v), Some(1.0));
        assert!(!uncertain(Some(1.0)) && uncertain(Some(0.875)) && uncertain(None));
    }
}
